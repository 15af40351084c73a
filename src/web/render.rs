//! Per-request context (session, language, CSRF token, current user), page
//! rendering, and the error page every failure ends in.

use actix_session::{Session, SessionExt};
use actix_web::dev::{Payload, ServiceResponse};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use serde_json::json;
use std::sync::atomic::Ordering;

use super::i18n::{Catalog, DEFAULT_LANG};
pub(crate) use super::layout::render_in_layout;
pub use super::layout::{Me, Page};
use super::AppState;
use crate::db::{self, users::User, Conn};
use crate::domain::types::Role;
use crate::error::AppError;

const UID: &str = "uid";
/// The random token of the server-side session (see `db::sessions`).
const SID: &str = "sid";
pub(crate) const CSRF: &str = "csrf";
const LANG: &str = "lang";
pub(crate) const FLASH: &str = "flash";

pub struct Ctx {
    pub state: web::Data<AppState>,
    pub session: Session,
    pub lang: &'static str,
    pub csrf: String,
    pub user: Option<User>,
    /// The cookie's claim: user id and session token, honoured only while the
    /// server holds that session.
    signed: Option<Signed>,
    path: String,
}

#[derive(Clone)]
struct Signed {
    uid: i64,
    token: String,
}

impl Signed {
    fn of(session: &Session) -> Option<Signed> {
        let uid = session.get::<i64>(UID).unwrap_or(None)?;
        let token = session.get::<String>(SID).unwrap_or(None)?;
        Some(Signed { uid, token })
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let hop = OneHop::from_request(req, payload);
        Box::pin(async move {
            let OneHop { mut ctx } = hop.await?;
            if let Some(signed) = ctx.signed.clone() {
                let user = load_session_user(&ctx.state, signed).await?;
                ctx.signed_in(user);
            }
            Ok(ctx)
        })
    }
}

/// A `Ctx` whose user is not loaded yet: the handler loads it in its own database
/// hop with [`OneHop::db_owned`]. For the pages a whole class opens at the same
/// instant (start an exam, load it), where every round trip counts.
pub struct OneHop {
    ctx: Ctx,
}

impl FromRequest for OneHop {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let session = req.get_session();
        let path = req
            .uri()
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string());
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("AppState missing"))?;
            ensure_setup(&state, &path).await?;
            let signed = Signed::of(&session);
            let stored_lang: Option<String> = session.get(LANG).unwrap_or(None);
            let lang = Catalog::lang(stored_lang.as_deref().unwrap_or(DEFAULT_LANG));
            let csrf = match session.get::<String>(CSRF).unwrap_or(None) {
                Some(token) => token,
                None => {
                    let token = crate::app::passwords::random_token();
                    session
                        .insert(CSRF, &token)
                        .map_err(|e| anyhow::anyhow!("session: {e}"))?;
                    token
                }
            };
            let ctx = Ctx {
                state,
                session,
                lang,
                csrf,
                user: None,
                signed,
                path,
            };
            Ok(OneHop { ctx })
        })
    }
}

impl OneHop {
    /// Runs `f` with the cookie's claim (user id and stored session key) in one
    /// database hop. `f` must check, in its own query, that the session is live
    /// (`db::sessions::live!`) and the account active, and returns the user it
    /// found with its result, or None when it found nothing for that user; only
    /// then is the account read on its own, to tell a signed-out user (login)
    /// from a missing thing (404).
    pub async fn db_owned<T, F>(self, f: F) -> Result<(Ctx, T), AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn, Claim) -> Result<Option<(User, T)>, AppError> + Send + 'static,
    {
        let OneHop { mut ctx } = self;
        let Some(signed) = ctx.signed.clone() else {
            return Err(AppError::LoginRequired { next: ctx.path });
        };
        let claim = Claim {
            uid: signed.uid,
            session_key: db::sessions::key_of(&signed.token),
        };
        let found = ctx.db(move |conn| f(conn, claim)).await?;
        match found {
            Some((user, out)) => {
                ctx.signed_in(Some(user));
                Ok((ctx, out))
            }
            None => match load_session_user(&ctx.state, signed).await? {
                Some(_) => Err(AppError::NotFound),
                None => {
                    ctx.signed_in(None);
                    Err(AppError::LoginRequired { next: ctx.path })
                }
            },
        }
    }
}

/// Handler parameters that name who may call the handler: each is the request's
/// `Ctx` and its signed-in user, and refuses anyone below its role (signed-out
/// users are sent to log in) before the handler runs.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        pub struct $name {
            pub ctx: Ctx,
            pub me: User,
        }

        impl FromRequest for $name {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let ctx = Ctx::from_request(req, payload);
                Box::pin(async move {
                    let ctx = ctx.await?;
                    let me = ctx.require($role)?.clone();
                    Ok($name { ctx, me })
                })
            }
        }
    };
}

role_extractor!(
    /// Any signed-in user (trainees, leads and admins).
    Trainee,
    Role::Trainee
);
role_extractor!(
    /// A lead or an admin.
    Lead,
    Role::Lead
);
role_extractor!(
    /// An admin.
    Admin,
    Role::Admin
);

/// What a cookie claims: a user and the stored key of their session, for a
/// statement that checks both itself.
pub struct Claim {
    pub uid: i64,
    pub session_key: String,
}

/// The signed-in user's id as the session cookie carries it, with no database
/// read: for the autosave API, whose one statement checks the account and the
/// session itself (with `session_key`).
pub struct SessionUser {
    pub id: i64,
    /// The stored key of the cookie's session (`db::sessions::key_of`).
    pub session_key: String,
    token: String,
    pub state: web::Data<AppState>,
    pub session: Session,
}

impl FromRequest for SessionUser {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let signed = Signed::of(&session);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        std::future::ready(match (signed, state) {
            (Some(Signed { uid, token }), Some(state)) => Ok(SessionUser {
                id: uid,
                session_key: db::sessions::key_of(&token),
                token,
                state,
                session,
            }),
            (None, _) => Err(AppError::LoginRequired {
                next: req.path().to_string(),
            }),
            (_, None) => Err(anyhow::anyhow!("AppState missing").into()),
        })
    }
}

impl SessionUser {
    /// The account behind the cookie, if it is still active (else the cookie is
    /// cleared and the user must log in again).
    pub async fn load(&self) -> Result<User, AppError> {
        let signed = Signed {
            uid: self.id,
            token: self.token.clone(),
        };
        match load_session_user(&self.state, signed).await? {
            Some(user) => Ok(user),
            None => {
                self.session.purge();
                Err(AppError::LoginRequired { next: "/".into() })
            }
        }
    }
}

async fn ensure_setup(state: &web::Data<AppState>, path: &str) -> Result<(), AppError> {
    if state.setup_done.load(Ordering::Relaxed) {
        return Ok(());
    }
    let n = with_conn(&state.pool, |conn| Ok(db::users::count(conn)?)).await?;
    if n > 0 {
        state.setup_done.store(true, Ordering::Relaxed);
        Ok(())
    } else if path.starts_with("/setup") {
        Ok(())
    } else {
        Err(AppError::SetupRequired)
    }
}

/// The active user of a live session, if the cookie's claim holds.
async fn load_session_user(
    state: &web::Data<AppState>,
    signed: Signed,
) -> Result<Option<User>, AppError> {
    with_conn(&state.pool, move |conn| {
        Ok(db::sessions::user_of(
            conn,
            &signed.token,
            signed.uid,
            db::now_ms(),
        )?)
    })
    .await
}

/// Runs blocking database work on the thread pool with a pooled connection.
pub(crate) async fn with_conn<T, F>(pool: &db::DbPool, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

impl Ctx {
    /// Sets the user the session's cookie names, now loaded: their language wins, and
    /// a cookie whose account is gone or disabled no longer opens anything.
    fn signed_in(&mut self, user: Option<User>) {
        match &user {
            Some(u) => self.lang = Catalog::lang(&u.lang),
            None => self.session.purge(),
        }
        self.user = user;
    }

    /// The current user if their role is at least `role`; the first line of a handler.
    pub fn require(&self, role: Role) -> Result<&User, AppError> {
        match &self.user {
            None => Err(AppError::LoginRequired {
                next: self.path.clone(),
            }),
            Some(u) if u.role >= role => Ok(u),
            Some(_) => Err(AppError::Forbidden),
        }
    }

    /// Runs blocking database work on the thread pool with a pooled connection.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
    {
        with_conn(&self.state.pool, f).await
    }

    pub fn t(&self, key: &str) -> String {
        self.state.catalog.get(self.lang, key)
    }

    /// What a form says back about `error`, in the user's language, when it is
    /// the user's to fix (invalid input or a refusal); None for anything else,
    /// which goes on to the error page.
    pub fn form_message(&self, error: &AppError) -> Option<FormRefusal> {
        use actix_web::ResponseError;
        match error {
            AppError::Invalid(_) | AppError::Refused { .. } => {
                let (key, args) = error.message();
                Some(FormRefusal {
                    status: error.status_code(),
                    message: self.state.catalog.format(self.lang, key, &args),
                })
            }
            _ => None,
        }
    }

    /// Renders `page` with the refusal's status: a form coming back with its
    /// message (422 for input to fix, 409 for a state that does not allow it).
    pub fn render_refused<P: Page>(
        &self,
        page: &P,
        status: actix_web::http::StatusCode,
    ) -> Result<HttpResponse, AppError> {
        let mut response = self.render(page)?;
        *response.status_mut() = status;
        Ok(response)
    }

    /// Signs `user` in: a new server-side session, its token in a renewed
    /// cookie (nothing of the anonymous session's carries over).
    pub async fn log_in(&self, user: &User) -> Result<(), AppError> {
        let token = crate::app::passwords::random_token();
        let (id, stored) = (user.id, token.clone());
        self.db(move |conn| Ok(db::sessions::create(conn, id, &stored, db::now_ms())?))
            .await?;
        self.session.renew();
        self.session
            .insert(UID, user.id)
            .map_err(|e| anyhow::anyhow!("session: {e}"))?;
        self.session
            .insert(SID, token)
            .map_err(|e| anyhow::anyhow!("session: {e}"))?;
        self.session
            .insert(LANG, &user.lang)
            .map_err(|e| anyhow::anyhow!("session: {e}"))?;
        // A fresh token after login: one captured before cannot be replayed.
        self.session
            .insert(CSRF, crate::app::passwords::random_token())
            .map_err(|e| anyhow::anyhow!("session: {e}"))?;
        Ok(())
    }

    /// Ends this browser's session on the server and clears its cookie.
    pub async fn log_out(&self) -> Result<(), AppError> {
        if let Some(signed) = self.signed.clone() {
            self.db(move |conn| Ok(db::sessions::end(conn, &signed.token)?))
                .await?;
        }
        self.session.purge();
        Ok(())
    }

    /// The stored key of this request's session, for statements that check it.
    pub fn session_key(&self) -> Option<String> {
        self.signed.as_ref().map(|s| db::sessions::key_of(&s.token))
    }

    pub fn set_lang(&self, lang: &str) -> Result<(), AppError> {
        self.session
            .insert(LANG, lang)
            .map_err(|e| anyhow::anyhow!("session: {e}").into())
    }

    /// A message shown once on the next page.
    pub fn flash(&self, key: &str, args: &[(&str, String)]) {
        let text = self.state.catalog.format(self.lang, key, args);
        // Losing a flash message is harmless; the action it reports already happened.
        let _ = self.session.insert(FLASH, text);
    }

    /// Renders `page` inside the layout: language, CSRF token, a flash
    /// message left by the previous request, and who is signed in.
    pub fn render<P: Page>(&self, page: &P) -> Result<HttpResponse, AppError> {
        let flash: Option<String> = self.session.remove_as(FLASH).and_then(Result::ok);
        let me = self.user.as_ref().map(Me::of);
        let body = render_in_layout(&self.state.hb, page, self.lang, &self.csrf, flash, me)?;
        Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body))
    }
}

/// Why a form was refused, in the user's language, with the status to answer.
pub struct FormRefusal {
    pub status: actix_web::http::StatusCode,
    pub message: String,
}

/// The page every failure ends in; it has no layout, so it renders even when
/// the request's context could not be built.
#[derive(Serialize)]
pub(crate) struct ErrorPage<'a> {
    pub lang: &'static str,
    pub status: u16,
    pub message: &'a str,
}

/// A moment (Unix ms) as the server's local date and time, to the minute.
pub fn local_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}

/// Replaces the body of every 4xx/5xx with a page (or, under /api/, JSON) that says
/// what went wrong in the user's language.
pub fn error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // A page a handler rendered on purpose with a 4xx status (a login form with its
    // error, an exam with the answer that was refused) is already the right answer.
    if res.response().error().is_none()
        && res
            .headers()
            .contains_key(actix_web::http::header::CONTENT_TYPE)
    {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let (req, res) = res.into_parts();
    let status = res.status();
    let (key, args) = match res.error().and_then(|e| e.as_error::<AppError>()) {
        Some(e) => e.message(),
        None => (fallback_key(status.as_u16()), vec![]),
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, res).map_into_left_body(),
        ));
    };
    let session = req.get_session();
    // A chat tool has no session: its Accept-Language chooses, as a browser's would.
    let asked = session.get::<String>(LANG).unwrap_or(None).or_else(|| {
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim_start().to_ascii_lowercase())
            .filter(|v| v.starts_with("en"))
            .map(|_| "en".to_string())
    });
    let lang = Catalog::lang(&asked.unwrap_or_default());
    let message = state.catalog.format(lang, key, &args);
    let mut out = HttpResponse::build(status);
    // The challenge of a 401 tells API clients which credential to send.
    if let Some(challenge) = res.headers().get(actix_web::http::header::WWW_AUTHENTICATE) {
        out.insert_header((actix_web::http::header::WWW_AUTHENTICATE, challenge.clone()));
    }
    let response = if req.path().starts_with("/api/") {
        out.json(json!({ "error": message, "code": key }))
    } else {
        let page = ErrorPage {
            lang,
            status: status.as_u16(),
            message: &message,
        };
        match state.hb.render("error", &page) {
            Ok(body) => out.content_type("text/html; charset=utf-8").body(body),
            Err(_) => out.content_type("text/plain; charset=utf-8").body(message),
        }
    };
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

fn fallback_key(status: u16) -> &'static str {
    match status {
        404 => "error.not_found",
        405 => "error.not_found",
        413 => "error.too_large",
        400..=499 => "error.bad_request",
        _ => "error.internal",
    }
}
