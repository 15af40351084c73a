//! The login throttle's counters, one per (username, client address). An
//! attempt is claimed before its password is checked, by a compare-and-set on
//! the counter, so parallel guesses cannot slip past it: of many sent at once,
//! each counter value admits one.

use diesel::prelude::*;

use super::schema::login_throttle as t;
use super::{on_conn, Conn, DbResult};
use crate::domain::login;

/// Counters untouched this long are forgotten.
const EXPIRE_MS: i64 = 24 * 3600 * 1000;
/// The table never holds more rows than this; the oldest go first.
const MAX_ROWS: i64 = 50_000;

/// Whether an attempt may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Go,
    Wait { secs: i64 },
}

/// Counts one attempt for (username, address) unless it must wait.
pub fn claim(conn: &mut Conn, username: &str, address: &str, now: i64) -> DbResult<Claim> {
    // Each lost race means another attempt was counted meanwhile; a few tries
    // settle it, and a request that keeps losing is asked to wait a second.
    for _ in 0..4 {
        let current: Option<(i32, i64)> = on_conn!(conn, c => t::table
            .find((username, address))
            .select((t::attempts, t::blocked_until))
            .first(c)
            .optional())?;
        let won = match current {
            Some((_, until)) if until > now => {
                return Ok(Claim::Wait {
                    secs: login::secs_left(until, now),
                })
            }
            Some((attempts, _)) => advance(conn, username, address, attempts, now)?,
            None => start(conn, username, address, now)?,
        };
        if won {
            return Ok(Claim::Go);
        }
    }
    Ok(Claim::Wait { secs: 1 })
}

fn blocked_until(attempts: i32, now: i64) -> i64 {
    now + login::delay_secs(attempts) * 1000
}

fn advance(conn: &mut Conn, username: &str, address: &str, seen: i32, now: i64) -> DbResult<bool> {
    let changed = on_conn!(conn, c => diesel::update(
        t::table.find((username, address)).filter(t::attempts.eq(seen)),
    )
    .set((
        t::attempts.eq(seen + 1),
        t::blocked_until.eq(blocked_until(seen + 1, now)),
        t::updated_at.eq(now),
    ))
    .execute(c))?;
    Ok(changed == 1)
}

fn start(conn: &mut Conn, username: &str, address: &str, now: i64) -> DbResult<bool> {
    forget_old(conn, now)?;
    let inserted = on_conn!(conn, c => diesel::insert_into(t::table)
        .values((
            t::username.eq(username),
            t::address.eq(address),
            t::attempts.eq(1),
            t::blocked_until.eq(blocked_until(1, now)),
            t::updated_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Drops expired counters, and the oldest ones while the table is full.
fn forget_old(conn: &mut Conn, now: i64) -> DbResult<()> {
    on_conn!(conn, c => diesel::delete(t::table.filter(t::updated_at.lt(now - EXPIRE_MS))).execute(c))?;
    let rows: i64 = on_conn!(conn, c => t::table.count().get_result(c))?;
    if rows >= MAX_ROWS {
        let cutoff: Option<i64> = on_conn!(conn, c => t::table
            .select(t::updated_at)
            .order(t::updated_at.asc())
            .offset(rows - MAX_ROWS + 1000)
            .first(c)
            .optional())?;
        if let Some(cutoff) = cutoff {
            on_conn!(conn, c => diesel::delete(t::table.filter(t::updated_at.lt(cutoff))).execute(c))?;
        }
    }
    Ok(())
}

/// A successful login from this address forgets its counter.
pub fn succeeded(conn: &mut Conn, username: &str, address: &str) -> DbResult<()> {
    on_conn!(conn, c => diesel::delete(t::table.find((username, address))).execute(c))?;
    Ok(())
}

/// An admin lifts every wait on a username.
pub fn clear(conn: &mut Conn, username: &str) -> DbResult<()> {
    on_conn!(conn, c => diesel::delete(t::table.filter(t::username.eq(username))).execute(c))?;
    Ok(())
}

/// Usernames that must wait now from at least one address.
pub fn blocked(conn: &mut Conn, now: i64) -> DbResult<Vec<String>> {
    Ok(on_conn!(conn, c => t::table
        .filter(t::blocked_until.gt(now))
        .select(t::username)
        .distinct()
        .load(c))?)
}
