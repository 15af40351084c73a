//! Passwords (argon2id), random tokens, and the CSRF-checking body extractors.
//! Every state-changing route takes `Form` or `CsrfJson`, which refuse a request
//! whose token does not match the session's before the handler runs.

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use futures_util::future::LocalBoxFuture;
use rand::RngCore;
use serde::de::DeserializeOwned;

use super::render::CSRF;
use crate::error::AppError;

/// argon2id with OWASP's recommended floor: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
    Ok(hash.to_string())
}

/// False for a wrong password and for a hash that cannot be parsed.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Comparison whose time does not depend on where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn check_token(req: &HttpRequest, given: Option<&str>) -> Result<(), AppError> {
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
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::bad_request())?;
            let given = pairs
                .iter()
                .find(|(k, _)| k == "_csrf")
                .map(|(_, v)| v.as_str());
            check_token(&req, given)?;
            Ok(Form { pairs })
        })
    }
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

/// The session's token in the `X-CSRF-Token` header, for a request whose body is
/// not a form or JSON (an uploaded file).
pub struct CsrfHeader;

impl FromRequest for CsrfHeader {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let given = req
            .headers()
            .get("X-CSRF-Token")
            .and_then(|v| v.to_str().ok());
        std::future::ready(check_token(req, given).map(|()| CsrfHeader))
    }
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
            let given = req
                .headers()
                .get("X-CSRF-Token")
                .and_then(|v| v.to_str().ok());
            check_token(&req, given)?;
            let bytes = body(bytes).await?;
            serde_json::from_slice(&bytes)
                .map(CsrfJson)
                .map_err(|_| AppError::bad_request())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_hex() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()) && !same(&a, &b));
    }
}
