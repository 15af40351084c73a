//! `/api/v1` for chat tools and the browser alike: who is calling (a bearer
//! token, or the signed-in session with its CSRF token for anything but GET),
//! the JSON body, the script match, and the OpenAPI document describing it all.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::render::{with_conn, Ctx};
use super::AppState;
use crate::app::tokens;
use crate::db::users::User;
use crate::domain::types::Role;
use crate::error::AppError;

/// The caller of an API endpoint, resolved before the handler runs. Errors are
/// 401 with JSON, never a redirect to the login page.
pub struct ApiCaller {
    pub state: web::Data<AppState>,
    pub user: User,
    /// The browser's session when the call came with one (not a token).
    pub session: Option<Session>,
}

impl FromRequest for ApiCaller {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_string));
        match header {
            Some(value) => by_token(req, value.ok()),
            None => by_session(req, payload),
        }
    }
}

fn by_token(
    req: &HttpRequest,
    header: Option<String>,
) -> LocalBoxFuture<'static, Result<ApiCaller, AppError>> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    Box::pin(async move {
        let state = state.ok_or_else(|| anyhow::anyhow!("AppState missing"))?;
        let token = header
            .as_deref()
            .and_then(tokens::bearer)
            .map(str::to_string)
            .ok_or(AppError::Unauthorized)?;
        let user = with_conn(&state.pool, move |conn| {
            Ok(crate::db::tokens::user_of(
                conn,
                &token,
                crate::db::now_ms(),
            )?)
        })
        .await?
        .ok_or(AppError::Unauthorized)?;
        Ok(ApiCaller {
            state,
            user,
            session: None,
        })
    })
}

fn by_session(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<ApiCaller, AppError>> {
    let ctx = Ctx::from_request(req, payload);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD);
    let csrf = unsafe_method.then(|| super::auth::check_token(req, super::auth::csrf_header(req)));
    let session = req.get_session();
    Box::pin(async move {
        let ctx = ctx.await.map_err(|e| match e {
            AppError::LoginRequired { .. } | AppError::SetupRequired => AppError::Unauthorized,
            other => other,
        })?;
        let user = ctx.user.clone().ok_or(AppError::Unauthorized)?;
        // A cookie rides along with any cross-site request; the token does not.
        if let Some(checked) = csrf {
            checked?;
        }
        Ok(ApiCaller {
            state: ctx.state,
            user,
            session: Some(session),
        })
    })
}

impl ApiCaller {
    /// The caller if their role is at least `role`.
    pub fn require(&self, role: Role) -> Result<&User, AppError> {
        if self.user.role >= role {
            Ok(&self.user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A message for the page the browser opens next; nothing for a token.
    pub fn flash(&self, key: &str, args: &[(&str, String)]) {
        if let Some(session) = &self.session {
            let lang = super::i18n::Catalog::lang(&self.user.lang);
            let text = self.state.catalog.format(lang, key, args);
            // Losing a flash message is harmless; what it reports happened.
            let _ = session.insert(super::render::FLASH, text);
        }
    }

    /// Blocking database work on the thread pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut crate::db::Conn) -> Result<T, AppError> + Send + 'static,
    {
        with_conn(&self.state.pool, f).await
    }
}

/// A JSON request body (the caller is checked by [`ApiCaller`]).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move { super::auth::parse_json(bytes).await.map(ApiJson) })
    }
}

/// Most matches one call returns.
const MAX_TOP: usize = 20;
/// Longest customer message matched; longer is a pasted conversation.
const MAX_MESSAGE: usize = 2000;

#[derive(serde::Deserialize)]
pub struct MatchQuery {
    q: Option<String>,
    top: Option<String>,
}

/// `GET /api/v1/scripts/match?q=…&top=N`: the official scripts that best
/// answer a customer's message, best first.
pub async fn match_scripts(
    caller: ApiCaller,
    query: web::Query<MatchQuery>,
) -> Result<HttpResponse, AppError> {
    let message = query.q.as_deref().unwrap_or("").trim().to_string();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE {
        return Err(AppError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            key: "api.bad_message",
            args: vec![("max", MAX_MESSAGE.to_string())],
        });
    }
    let top = match query.top.as_deref().map(str::trim) {
        None | Some("") => 5,
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_TOP).contains(n))
            .ok_or_else(|| AppError::Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                key: "api.bad_top",
                args: vec![("max", MAX_TOP.to_string())],
            })?,
    };
    let state = caller.state.clone();
    let matches = caller
        .db(move |conn| {
            let snapshot = state.matcher.snapshot(conn, &state.rules.synonyms)?;
            let found = snapshot.find(&message, &state.rules.synonyms, top);
            Ok(found
                .into_iter()
                .map(|(m, l)| {
                    serde_json::json!({
                        "script": l.script.id,
                        "question": l.prompt,
                        "text": l.current.text,
                        "score": m.score,
                    })
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "matches": matches })))
}

static OPENAPI: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`: every `/api/v1` endpoint, for clients and for
/// the contract test in CI. Public, like any API's description.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_openapi_document_is_json_naming_every_v1_route() {
        let doc: serde_json::Value = serde_json::from_str(super::OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        let paths = doc["paths"].as_object().expect("paths");
        for route in [
            "/api/v1/scripts/match",
            "/api/v1/replies/check",
            "/api/v1/imports",
            "/api/v1/imports/{id}",
        ] {
            assert!(paths.contains_key(route), "{route} is not described");
        }
    }
}
