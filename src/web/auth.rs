//! The CSRF-checking body extractors, and decoding forms strictly.
//! Every state-changing route takes `Form` or `CsrfJson`, which refuse a request
//! whose token does not match the session's before the handler runs.

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::render::CSRF;
use crate::domain::types::Invalid;
use crate::error::AppError;

/// Comparison whose time does not depend on where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub(super) fn check_token(req: &HttpRequest, given: Option<&str>) -> Result<(), AppError> {
    let expected: Option<String> = req.get_session().get(CSRF).unwrap_or(None);
    match (expected, given) {
        (Some(e), Some(g)) if same(&e, g) => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

async fn body(
    bytes: impl std::future::Future<Output = Result<web::Bytes, actix_web::Error>>,
) -> Result<web::Bytes, AppError> {
    bytes
        .await
        .map_err(|_| AppError::refused(StatusCode::PAYLOAD_TOO_LARGE, "error.too_large"))
}

/// A URL-encoded form whose `_csrf` field matched the session. Keeps every pair, so
/// repeated fields (check boxes) are available too.
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl FromRequest for Form {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = body(bytes).await?;
            let pairs = decode_form(&bytes)?;
            let given = pairs
                .iter()
                .find(|(k, _)| k == "_csrf")
                .map(|(_, v)| v.as_str());
            check_token(&req, given)?;
            Ok(Form { pairs })
        })
    }
}

/// The pairs of a URL-encoded body, refusing what serde_urlencoded would
/// quietly accept: bytes that are not UTF-8 (it stores U+FFFD in their place)
/// and NUL characters (PostgreSQL refuses them, SQLite would keep them).
fn decode_form(body: &[u8]) -> Result<Vec<(String, String)>, Invalid> {
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |b| *b == b'=');
            let name = percent_decode(halves.next().unwrap_or_default())?;
            let value = percent_decode(halves.next().unwrap_or_default())?;
            Ok((name, value))
        })
        .collect()
}

fn percent_decode(raw: &[u8]) -> Result<String, Invalid> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let byte = match raw[i] {
            b'+' => b' ',
            b'%' => match (
                raw.get(i + 1).and_then(|b| hex(*b)),
                raw.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(hi), Some(lo)) => {
                    i += 2;
                    (hi * 16 + lo) as u8
                }
                // A lone '%' stays itself, as browsers and serde_urlencoded do.
                _ => b'%',
            },
            other => other,
        };
        out.push(byte);
        i += 1;
    }
    let text = String::from_utf8(out).map_err(|_| Invalid::NotUtf8)?;
    if text.contains('\0') {
        return Err(Invalid::NulCharacter);
    }
    Ok(text)
}

/// Refuses a request whose query string is not UTF-8 or holds a NUL character,
/// or whose path holds a NUL, before any handler (or `web::Query`, which would
/// quietly turn bad bytes into U+FFFD) sees it.
pub async fn refuse_unclean_urls(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let path_has_nul = req.path().to_ascii_lowercase().contains("%00");
    let refusal = if path_has_nul {
        Some(Invalid::NulCharacter)
    } else {
        decode_form(req.query_string().as_bytes()).err()
    };
    match refusal {
        Some(invalid) => Ok(req.error_response(AppError::from(invalid))),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

/// Whether a JSON text holds a NUL character: a `\u0000` escape that is not
/// itself an escaped backslash followed by "u0000" (a raw NUL byte is no JSON).
fn json_has_nul(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json[i + 1..].starts_with(b"u0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

impl Form {
    /// The first value of a field, or "" when absent.
    pub fn text(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a repeated field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Pairs whose name starts with `prefix`, with the prefix removed.
    pub fn with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.pairs
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|rest| (rest, v.as_str())))
    }

    /// An integer field; `invalid` is the refusal when it is missing or not a number.
    pub fn int(&self, name: &str, invalid: AppError) -> Result<i64, AppError> {
        self.text(name).trim().parse().map_err(|_| invalid)
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.text(name).is_empty()
    }
}

/// The token a script sends in the `X-CSRF-Token` header (JSON and API
/// calls, which have no form field for it).
pub(super) fn csrf_header(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get("X-CSRF-Token")
        .and_then(|v| v.to_str().ok())
}

/// A JSON body sent with the session's token in the `X-CSRF-Token` header.
pub struct CsrfJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            check_token(&req, csrf_header(&req))?;
            parse_json(bytes).await.map(CsrfJson)
        })
    }
}

/// A JSON body: NUL characters refused (as in forms), and a body that does not
/// fit the request's shape answered with what serde found wrong.
pub(super) async fn parse_json<T: DeserializeOwned>(
    bytes: impl std::future::Future<Output = Result<web::Bytes, actix_web::Error>>,
) -> Result<T, AppError> {
    let bytes = body(bytes).await?;
    if json_has_nul(&bytes) {
        return Err(Invalid::NulCharacter.into());
    }
    serde_json::from_slice(&bytes).map_err(|e| AppError::Refused {
        status: StatusCode::BAD_REQUEST,
        key: "error.bad_json",
        args: vec![("detail", e.to_string())],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::passwords::random_token;

    #[test]
    fn a_form_is_decoded_as_browsers_encode_it() {
        let pairs = decode_form(b"a=1&name=%E5%B0%8F+%E6%9D%8E&empty=&flag&pct=100%&&x=%2B")
            .expect("decodes");
        let expect = [
            ("a", "1"),
            ("name", "小 李"),
            ("empty", ""),
            ("flag", ""),
            ("pct", "100%"),
            ("x", "+"),
        ];
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(pairs, expect);
    }

    #[test]
    fn a_form_with_bad_utf8_or_a_nul_is_refused() {
        assert_eq!(decode_form(b"name=%E5%B0"), Err(Invalid::NotUtf8));
        assert_eq!(decode_form(b"name=%FF"), Err(Invalid::NotUtf8));
        assert_eq!(decode_form(b"username=a%00b"), Err(Invalid::NulCharacter));
    }

    #[test]
    fn a_nul_escape_in_json_is_found_and_an_escaped_backslash_is_not() {
        assert!(json_has_nul(br#"{"body":"a\u0000b"}"#));
        assert!(!json_has_nul(br#"{"body":"a\\u0000b"}"#));
        assert!(!json_has_nul(br#"{"body":"a\u0001b"}"#));
        assert!(!json_has_nul(b"\\"));
    }

    #[test]
    fn the_comparison_tells_tokens_apart() {
        let (a, b) = (random_token(), random_token());
        assert!(same(&a, &a.clone()) && !same(&a, &b));
    }
}
