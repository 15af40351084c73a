//! The library to and from a sheet. Export writes every script's current
//! text with its wordings and care; import checks every row first (lengths,
//! banned phrases, owners), then takes the sheet whole in one transaction. A
//! row whose question (or one of its wordings) already finds a script is that
//! script: the same text changes nothing, so importing a sheet twice doubles
//! nothing; a different text becomes a new version only when asked to
//! update, and is otherwise reported as a conflict.

use std::collections::HashMap;

use super::care::wording_key as key;
use super::{
    add_alternate, day_of, end_of_day, publish, set_care, Care, LibraryError, Publication,
};
use crate::app::review::Finals;
use crate::db::users::User;
use crate::db::{self, alternates, questions, scripts, users, write_tx, Conn, DbError};
use crate::domain::library as core;
use crate::domain::sheet::{SheetProblem, SheetScript};
use crate::domain::types::{parse_prompt, AnswerText, Role};

/// Every script as a sheet row, in the library's order.
pub fn export(conn: &mut Conn) -> Result<Vec<SheetScript>, DbError> {
    let listed = scripts::library(conn)?;
    let mut wordings: HashMap<i64, Vec<String>> = HashMap::new();
    for (script, text) in alternates::all(conn)? {
        wordings.entry(script).or_default().push(text);
    }
    let people = users::list(conn)?;
    let username = |id: Option<i64>| {
        id.and_then(|id| people.iter().find(|u| u.id == id))
            .map_or(String::new(), |u| u.username.clone())
    };
    Ok(listed
        .into_iter()
        .map(|l| SheetScript {
            alternates: wordings.remove(&l.script.id).unwrap_or_default(),
            owner: username(l.script.owner_id),
            review_by: l.script.review_by.map(day_of).unwrap_or_default(),
            shortcut: l.script.shortcut.clone().unwrap_or_default(),
            question: l.prompt,
            text: l.current.text,
            scene: l.scene,
            category: l.category,
        })
        .collect())
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Questions whose text differs from their script's (left as it was).
    pub conflicts: Vec<String>,
    pub wordings_added: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Rows that cannot become scripts, each named; nothing was imported.
    #[error("{} rows refused", .0.len())]
    Rows(Vec<SheetProblem>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<LibraryError> for ImportError {
    fn from(e: LibraryError) -> Self {
        match e {
            LibraryError::Db(e) => ImportError::Db(e),
            other => {
                let (key, args) = crate::error::AppError::from(other).message();
                ImportError::Rows(vec![SheetProblem::at_line(0, key, args)])
            }
        }
    }
}

/// Takes `rows` into the library as `by`; `source` names the sheet in each
/// new version's note.
pub fn import(
    conn: &mut Conn,
    rows: &[SheetScript],
    by: i64,
    update: bool,
    source: &str,
) -> Result<ImportReport, ImportError> {
    let people = users::list(conn)?;
    check_rows(rows, &people)?;
    write_tx(conn, |conn| {
        let mut known = known_wordings(conn)?;
        let mut report = ImportReport::default();
        for (i, row) in rows.iter().enumerate() {
            take_row(
                conn,
                row,
                by,
                update,
                source,
                &people,
                &mut known,
                &mut report,
            )
            .map_err(|e| numbered(i, row, e))?;
        }
        Ok(report)
    })
}

/// A row's own failure, named by its number in the sheet.
fn numbered(i: usize, row: &SheetScript, e: ImportError) -> ImportError {
    match e {
        ImportError::Rows(problems) => ImportError::Rows(
            problems
                .into_iter()
                .map(|p| p.of_row(i + 1, &row.question))
                .collect(),
        ),
        other => other,
    }
}

/// Every row checked before anything is written.
fn check_rows(rows: &[SheetScript], people: &[User]) -> Result<(), ImportError> {
    let mut problems = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let mut refuse = |key: &'static str, args: Vec<(&'static str, String)>| {
            problems.push(SheetProblem::at_line(0, key, args).of_row(i + 1, &row.question));
        };
        if parse_prompt(&row.question).is_err() {
            refuse("sheet.question_length", vec![]);
        }
        if let Err(e) = AnswerText::parse(&row.text) {
            refuse(e.key(), e.args());
        }
        let banned = core::banned(&row.text, &[]);
        if !banned.is_empty() {
            refuse("sheet.banned", vec![("words", banned.join("、"))]);
        }
        if row.alternates.iter().any(|a| parse_prompt(a).is_err()) {
            refuse("sheet.wording_length", vec![]);
        }
        let lead = |u: &&User| u.username == row.owner && u.active && u.role >= Role::Lead;
        if !row.owner.is_empty() && !people.iter().any(|u| lead(&u)) {
            refuse("sheet.owner", vec![("name", row.owner.clone())]);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Rows(problems))
    }
}

/// Each wording (question or alternate, folded, without punctuation) that
/// finds a script, and the script.
fn known_wordings(conn: &mut Conn) -> Result<HashMap<Vec<u32>, i64>, DbError> {
    let mut known = HashMap::new();
    for l in scripts::library(conn)? {
        known.insert(key(&l.prompt), l.script.id);
    }
    for (script, text) in alternates::all(conn)? {
        known.entry(key(&text)).or_insert(script);
    }
    Ok(known)
}

#[allow(clippy::too_many_arguments)]
fn take_row(
    conn: &mut Conn,
    row: &SheetScript,
    by: i64,
    update: bool,
    source: &str,
    people: &[User],
    known: &mut HashMap<Vec<u32>, i64>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let now = db::now_ms();
    let existing = std::iter::once(&row.question)
        .chain(&row.alternates)
        .find_map(|w| known.get(&key(w)).copied());
    let script = match existing {
        Some(script) => {
            let found = scripts::find(conn, script)?.ok_or(LibraryError::NotFound)?;
            let current = scripts::versions(conn, script)?;
            if current.first().is_some_and(|v| v.text == row.text) {
                report.unchanged += 1;
                return Ok(());
            }
            if !update {
                report.conflicts.push(row.question.clone());
                return Ok(());
            }
            publish_row(conn, found.question_id, row, by, source, now)?;
            report.updated += 1;
            script
        }
        None => {
            let tags = (row.scene.as_str(), row.category.as_str());
            let question = questions::upsert_imported(conn, row.question.trim(), tags)?;
            let (script, _) = publish_row(conn, question.id, row, by, source, now)?;
            known.insert(key(&row.question), script);
            report.added += 1;
            script
        }
    };
    for wording in &row.alternates {
        if let std::collections::hash_map::Entry::Vacant(slot) = known.entry(key(wording)) {
            add_alternate(conn, script, wording, by)?;
            slot.insert(script);
            report.wordings_added += 1;
        }
    }
    care_row(conn, script, row, by, people)
}

fn publish_row(
    conn: &mut Conn,
    question: i64,
    row: &SheetScript,
    by: i64,
    source: &str,
    now: i64,
) -> Result<(i64, i32), LibraryError> {
    // Written, not taken from an answer: no candidates, no final scores read.
    publish(
        conn,
        &Finals::default(),
        &Publication {
            question,
            text: &row.text,
            from: None,
            note: source,
            by,
            now,
        },
    )
}

/// The row's owner, review date and shortcut, where it gives them.
fn care_row(
    conn: &mut Conn,
    script: i64,
    row: &SheetScript,
    by: i64,
    people: &[User],
) -> Result<(), ImportError> {
    if row.owner.is_empty() && row.review_by.is_empty() && row.shortcut.is_empty() {
        return Ok(());
    }
    let found = scripts::find(conn, script)?.ok_or(LibraryError::NotFound)?;
    let owner = people
        .iter()
        .find(|u| u.username == row.owner)
        .map(|u| u.id)
        .or(found.owner_id)
        .unwrap_or(by);
    let care = Care {
        owner,
        review_by: end_of_day(&row.review_by)
            .or(found.review_by)
            .unwrap_or_else(db::now_ms),
        shortcut: if row.shortcut.is_empty() {
            found.shortcut.as_deref().unwrap_or("")
        } else {
            &row.shortcut
        },
    };
    Ok(set_care(conn, script, &care)?)
}
