//! API tokens: a chat tool's credential for `/api/v1`, acting as the user who
//! made it. Stored as the token's SHA-256 (like sessions), so only the person
//! shown it once can use it; a disabled account's tokens open nothing.

use diesel::prelude::*;

use super::schema::{api_tokens, users};
use super::users::{User, UserRow};
use super::{on_conn, Conn, DbResult};

/// Use is recorded at most this often, so calls do not each cost a write.
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// A token as its owner sees it on their profile (never the token itself).
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = api_tokens)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub hint: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A whole row, for backups (the stored hash, never a token).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub key: String,
    pub hint: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// Stores a new token of `user` under the hash of `token`.
pub fn create(
    conn: &mut Conn,
    user: i64,
    name: &str,
    token: &str,
    hint: &str,
    now: i64,
) -> DbResult<Token> {
    Ok(on_conn!(conn, c => diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user),
            api_tokens::name.eq(name),
            api_tokens::key.eq(super::sessions::key_of(token)),
            api_tokens::hint.eq(hint),
            api_tokens::created_at.eq(now),
        ))
        .returning(Token::as_returning())
        .get_result(c))?)
}

/// A user's tokens, newest first.
pub fn of_user(conn: &mut Conn, user: i64) -> DbResult<Vec<Token>> {
    Ok(on_conn!(conn, c => api_tokens::table
        .filter(api_tokens::user_id.eq(user))
        .order(api_tokens::id.desc())
        .select(Token::as_select())
        .load(c))?)
}

/// Revokes token `id` if it is `user`'s; whether there was one to revoke.
pub fn revoke(conn: &mut Conn, user: i64, id: i64) -> DbResult<bool> {
    let gone = on_conn!(conn, c => diesel::delete(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user)),
    )
    .execute(c))?;
    Ok(gone > 0)
}

/// The active user a token belongs to, its use recorded (at most every few
/// minutes). None: no such token, or its account is disabled.
pub fn user_of(conn: &mut Conn, token: &str, now: i64) -> DbResult<Option<User>> {
    let key = super::sessions::key_of(token);
    let row: Option<(UserRow, i64, Option<i64>)> = on_conn!(conn, c => api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::key.eq(&key))
        .filter(users::active.eq(true))
        .select((UserRow::as_select(), api_tokens::id, api_tokens::last_used_at))
        .first(c)
        .optional())?;
    let Some((row, id, last_used)) = row else {
        return Ok(None);
    };
    if last_used.is_none_or(|t| now - t >= TOUCH_EVERY_MS) {
        on_conn!(conn, c => diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(now))
            .execute(c))?;
    }
    Ok(Some(row.user()?))
}
