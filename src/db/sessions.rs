//! Signed-in sessions on the server. The cookie carries a random token and the
//! user id; a request is signed in only while a row with the token's hash
//! belongs to that user and has been neither idle nor alive too long. Deleting
//! rows revokes sessions at once, on every instance.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::{sessions, users};
use super::users::{User, UserRow};
use super::{on_conn, Conn, DbResult};

/// A session unused this long has ended.
pub const IDLE_MS: i64 = 12 * 3600 * 1000;
/// No session lives longer than this, however busy.
pub const ABSOLUTE_MS: i64 = 7 * 24 * 3600 * 1000;
/// Use is recorded at most this often, so pages do not each cost a write.
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// What is stored of a cookie's token: its SHA-256, as hex.
pub fn key_of(token: &str) -> String {
    crate::domain::text::hex(&Sha256::digest(token.as_bytes()))
}

/// A new session for `user` under the cookie's `token` (only its hash is
/// stored). Ended sessions are cleared out on the way.
pub fn create(conn: &mut Conn, user: i64, token: &str, now: i64) -> DbResult<()> {
    on_conn!(conn, c => diesel::delete(sessions::table.filter(
        sessions::last_seen_at
            .lt(now - IDLE_MS)
            .or(sessions::created_at.lt(now - ABSOLUTE_MS)),
    ))
    .execute(c))?;
    on_conn!(conn, c => diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(key_of(token)),
            sessions::user_id.eq(user),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// The live session with this key, as a filter (for other statements' EXISTS).
macro_rules! live {
    ($key:expr, $user:expr, $now:expr) => {
        $crate::db::schema::sessions::table.filter(
            $crate::db::schema::sessions::id
                .eq($key)
                .and($crate::db::schema::sessions::user_id.eq($user))
                .and(
                    $crate::db::schema::sessions::last_seen_at
                        .ge($now - $crate::db::sessions::IDLE_MS),
                )
                .and(
                    $crate::db::schema::sessions::created_at
                        .ge($now - $crate::db::sessions::ABSOLUTE_MS),
                ),
        )
    };
}
pub(crate) use live;

/// The active user a live session of `user` with this token belongs to, and
/// the use recorded (at most every few minutes). None: signed out.
pub fn user_of(conn: &mut Conn, token: &str, user: i64, now: i64) -> DbResult<Option<User>> {
    let key = key_of(token);
    let row: Option<(UserRow, i64)> = on_conn!(conn, c => live!(&key, user, now)
        .inner_join(users::table)
        .filter(users::active.eq(true))
        .select((UserRow::as_select(), sessions::last_seen_at))
        .first(c)
        .optional())?;
    let Some((row, last_seen)) = row else {
        return Ok(None);
    };
    if now - last_seen >= TOUCH_EVERY_MS {
        on_conn!(conn, c => diesel::update(sessions::table.find(&key))
            .set(sessions::last_seen_at.eq(now))
            .execute(c))?;
    }
    Ok(Some(row.user()?))
}

/// Ends one session (logging out).
pub fn end(conn: &mut Conn, token: &str) -> DbResult<()> {
    on_conn!(conn, c => diesel::delete(sessions::table.find(key_of(token))).execute(c))?;
    Ok(())
}

/// Ends every session of a user (password reset, disabled, role changed).
pub fn end_all(conn: &mut Conn, user: i64) -> DbResult<usize> {
    Ok(
        on_conn!(conn, c => diesel::delete(sessions::table.filter(sessions::user_id.eq(user))).execute(c))?,
    )
}
