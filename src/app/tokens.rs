//! API tokens for chat tools: made on a user's profile (or with `huashu tokens
//! create`), shown once, stored hashed, revoked by their owner.

use crate::db::tokens::{self, Token};
use crate::db::{self, Conn, DbError};
use crate::domain::types::{parse_name, Invalid};

/// More than any one person's chat tools need; keeps a runaway script from
/// filling the table.
pub const MAX_PER_USER: usize = 20;

/// Every token starts so, which tells a leaked one apart in logs and scanners.
const PREFIX: &str = "hs_";

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("at most {MAX_PER_USER} tokens per user")]
    TooMany,
    #[error("no such token")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A new token of `user` named `name`: the stored record and the token itself,
/// which is never shown again.
pub fn create(conn: &mut Conn, user: i64, name: &str) -> Result<(Token, String), TokenError> {
    let name = parse_name(name)?;
    db::write_tx(conn, |conn| {
        if tokens::of_user(conn, user)?.len() >= MAX_PER_USER {
            return Err(TokenError::TooMany);
        }
        let secret = format!("{PREFIX}{}", crate::app::passwords::random_token());
        let hint: String = secret.chars().take(PREFIX.len() + 6).collect();
        let token = tokens::create(conn, user, &name, &secret, &hint, db::now_ms())?;
        Ok((token, secret))
    })
}

/// Revokes one of `user`'s tokens at once, on every instance.
pub fn revoke(conn: &mut Conn, user: i64, id: i64) -> Result<(), TokenError> {
    if tokens::revoke(conn, user, id)? {
        Ok(())
    } else {
        Err(TokenError::NotFound)
    }
}

/// What an `Authorization` header's value names: the token after "Bearer ".
/// None: not a bearer credential at all.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_header_gives_its_token_and_other_schemes_none() {
        assert_eq!(bearer("Bearer hs_abc"), Some("hs_abc"));
        assert_eq!(bearer("bearer   hs_abc "), Some("hs_abc"));
        assert_eq!(bearer("Basic dXNlcjpwdw=="), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("hs_abc"), None);
    }
}
