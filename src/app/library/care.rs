//! Looking after a script: the other ways customers ask its question, who
//! owns it, when it is next reviewed, and its quick-reply shortcut.

use super::LibraryError;
use crate::db::{self, alternates, scripts, users, write_tx, Conn, DbError};
use crate::domain::text::{fold, tokens_of_folded, Token};
use crate::domain::types::{parse_prompt, Role};

/// A wording as compared with the others: folded (width, case, traditional
/// characters) and without punctuation.
pub(super) fn wording_key(text: &str) -> Vec<Token> {
    tokens_of_folded(&fold(text))
}

/// Adds a wording of script `script`'s question. A wording that already
/// finds a script (its question or an alternate, compared folded) is
/// refused, naming that script: one wording, one answer.
pub fn add_alternate(
    conn: &mut Conn,
    script: i64,
    text: &str,
    by: i64,
) -> Result<(), LibraryError> {
    let text = parse_prompt(text)?;
    let folded = wording_key(&text);
    write_tx(conn, |conn| {
        scripts::find(conn, script)?.ok_or(LibraryError::NotFound)?;
        let listed = scripts::library(conn)?;
        let prompt_of = |id: i64| {
            listed
                .iter()
                .find(|l| l.script.id == id)
                .map_or(String::new(), |l| l.prompt.clone())
        };
        if let Some(l) = listed.iter().find(|l| wording_key(&l.prompt) == folded) {
            return Err(LibraryError::WordingTaken {
                script: l.script.id,
                prompt: l.prompt.clone(),
            });
        }
        if let Some((other, _)) = alternates::all(conn)?
            .into_iter()
            .find(|(_, t)| wording_key(t) == folded)
        {
            return Err(LibraryError::WordingTaken {
                script: other,
                prompt: prompt_of(other),
            });
        }
        alternates::add(conn, script, &text, by, db::now_ms())?;
        Ok(())
    })
}

/// Removes a wording; removing one already gone (a second click) is no
/// error, as long as the script is there.
pub fn remove_alternate(conn: &mut Conn, script: i64, id: i64) -> Result<(), LibraryError> {
    if alternates::remove(conn, script, id)? || scripts::find(conn, script)?.is_some() {
        Ok(())
    } else {
        Err(LibraryError::NotFound)
    }
}

/// Who looks after a script, when it is next reviewed, and its shortcut.
pub struct Care<'a> {
    pub owner: i64,
    pub review_by: i64,
    pub shortcut: &'a str,
}

/// Longest shortcut: something typed in a chat window, like "/kp".
const SHORTCUT_MAX: usize = 16;

pub fn set_care(conn: &mut Conn, script: i64, care: &Care) -> Result<(), LibraryError> {
    let shortcut = care.shortcut.trim();
    let shortcut = if shortcut.is_empty() {
        None
    } else if shortcut.chars().count() > SHORTCUT_MAX
        || shortcut
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(LibraryError::BadShortcut);
    } else {
        Some(shortcut)
    };
    write_tx(conn, |conn| {
        let lead = users::find(conn, care.owner)?.is_some_and(|u| u.active && u.role >= Role::Lead);
        if !lead {
            return Err(LibraryError::NotALead);
        }
        if let Some(s) = shortcut {
            if let Some(other) = scripts::with_shortcut(conn, s)?.filter(|o| *o != script) {
                return Err(LibraryError::ShortcutTaken { script: other });
            }
        }
        if scripts::set_care(conn, script, care.owner, care.review_by, shortcut)? {
            Ok(())
        } else {
            Err(LibraryError::NotFound)
        }
    })
}

/// A moment as the local date it falls on (YYYY-MM-DD), as review dates show.
pub fn day_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

/// A date typed as YYYY-MM-DD, as the end of that local day; None if it is no date.
pub fn end_of_day(day: &str) -> Option<i64> {
    chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .ok()?
        .and_hms_opt(23, 59, 59)?
        .and_local_timezone(chrono::Local)
        .earliest()
        .map(|t| t.timestamp_millis())
}

/// Flags each script whose question's mined group needs a new round after
/// an import (its volume jumped, or the team's newest replies drift away
/// from it), and clears the flag of those that no longer do, so its owner's
/// inbox lists it. How many are flagged.
pub fn flag_for_new_round(conn: &mut Conn, now: i64) -> Result<usize, DbError> {
    let mut flagged = 0;
    for listed in scripts::library(conn)? {
        let fresh = super::freshness(conn, listed.script.question_id, &listed.current.text)?;
        let needs = fresh.volume_jump.is_some() || fresh.drift.is_some();
        scripts::set_flag(conn, listed.script.id, needs, now)?;
        flagged += usize::from(needs);
    }
    Ok(flagged)
}
