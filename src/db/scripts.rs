//! The official reply-script library: a script per customer question and every
//! version ever published, each with where its text came from and who
//! approved it. A version is never changed; the current one is the latest.

use diesel::prelude::*;

use super::columns::{AnswerId, ExamId};
use super::schema::{
    answers, attempts, exam_items, exams, library_version, questions, script_versions, scripts,
    users,
};
use super::{on_conn, write_tx, Conn, DbResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = scripts)]
pub struct ScriptRow {
    pub id: i64,
    pub question_id: i64,
    pub owner_id: Option<i64>,
    pub review_by: Option<i64>,
    pub created_at: i64,
    /// What an agent types in a chat workbench to insert it ("/kp").
    #[serde(default)]
    pub shortcut: Option<String>,
    /// When imported chats last flagged it for a new round (None: not now).
    #[serde(default)]
    pub flagged_at: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = script_versions)]
pub struct VersionRow {
    pub id: i64,
    pub script_id: i64,
    pub n: i32,
    pub text: String,
    pub answer_id: Option<AnswerId>,
    pub author_id: Option<i64>,
    pub exam_id: Option<ExamId>,
    pub automatic_score: Option<f64>,
    pub final_score: Option<f64>,
    /// The lead changed the answer's words before publishing.
    pub edited: bool,
    pub note: String,
    pub approved_by: i64,
    pub approved_at: i64,
}

/// Where a published text came from: a trainee's answer in an exam, with its
/// scores when it was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub answer_id: Option<AnswerId>,
    pub author_id: Option<i64>,
    pub exam_id: Option<ExamId>,
    pub automatic_score: Option<f64>,
    pub final_score: Option<f64>,
    pub edited: bool,
}

impl Provenance {
    /// A text a lead wrote themselves.
    pub fn written() -> Provenance {
        Provenance {
            answer_id: None,
            author_id: None,
            exam_id: None,
            automatic_score: None,
            final_score: None,
            edited: true,
        }
    }

    pub fn of(v: &VersionRow) -> Provenance {
        Provenance {
            answer_id: v.answer_id,
            author_id: v.author_id,
            exam_id: v.exam_id,
            automatic_score: v.automatic_score,
            final_score: v.final_score,
            edited: v.edited,
        }
    }
}

/// How long a published version stands before its owner reviews it again.
pub const REVIEW_DAYS: i64 = 90;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub struct NewVersion<'a> {
    pub question_id: i64,
    pub text: &'a str,
    pub from: Provenance,
    pub note: &'a str,
    pub by: i64,
    pub now: i64,
}

/// Publishes `new` as the next version of its question's script, creating the
/// script (owned by the lead publishing) on its first publication. The
/// script's id and the version's number.
pub fn publish(conn: &mut Conn, new: &NewVersion) -> DbResult<(i64, i32)> {
    write_tx(conn, |conn| {
        // Two leads publishing the first version at once: one creates the
        // script, the other finds it.
        on_conn!(conn, c => diesel::insert_into(scripts::table)
            .values((
                scripts::question_id.eq(new.question_id),
                scripts::owner_id.eq(new.by),
                scripts::created_at.eq(new.now),
            ))
            .on_conflict(scripts::question_id)
            .do_nothing()
            .execute(c))?;
        let script = for_question(conn, new.question_id)?
            .ok_or_else(|| diesel::result::Error::NotFound)?
            .id;
        // Updating the script row first (a new version is good for another
        // review period) also locks it on PostgreSQL, so two publications of
        // one script take turns at numbering their versions.
        on_conn!(conn, c => diesel::update(scripts::table.find(script))
            .set((
                scripts::review_by.eq(new.now + REVIEW_DAYS * DAY_MS),
                scripts::flagged_at.eq(None::<i64>),
            ))
            .execute(c))?;
        let last: Option<i32> = on_conn!(conn, c => script_versions::table
            .filter(script_versions::script_id.eq(script))
            .select(diesel::dsl::max(script_versions::n))
            .first(c))?;
        let n = last.unwrap_or(0) + 1;
        let from = &new.from;
        on_conn!(conn, c => diesel::insert_into(script_versions::table)
            .values((
                script_versions::script_id.eq(script),
                script_versions::n.eq(n),
                script_versions::text.eq(new.text),
                script_versions::answer_id.eq(from.answer_id),
                script_versions::author_id.eq(from.author_id),
                script_versions::exam_id.eq(from.exam_id),
                script_versions::automatic_score.eq(from.automatic_score),
                script_versions::final_score.eq(from.final_score),
                script_versions::edited.eq(from.edited),
                script_versions::note.eq(new.note),
                script_versions::approved_by.eq(new.by),
                script_versions::approved_at.eq(new.now),
            ))
            .execute(c))?;
        touch(conn)?;
        Ok((script, n))
    })
}

pub fn find(conn: &mut Conn, id: i64) -> DbResult<Option<ScriptRow>> {
    Ok(on_conn!(conn, c => scripts::table
        .find(id)
        .select(ScriptRow::as_select())
        .first(c)
        .optional())?)
}

pub fn for_question(conn: &mut Conn, question: i64) -> DbResult<Option<ScriptRow>> {
    Ok(on_conn!(conn, c => scripts::table
        .filter(scripts::question_id.eq(question))
        .select(ScriptRow::as_select())
        .first(c)
        .optional())?)
}

/// The mined groups that have an official script.
pub fn scripted_groups(conn: &mut Conn) -> DbResult<std::collections::HashSet<i64>> {
    let keys: Vec<String> = on_conn!(conn, c => scripts::table
        .inner_join(questions::table)
        .filter(questions::bank_slug.eq(super::questions::MINED_BANK))
        .select(questions::qkey)
        .load(c))?;
    Ok(keys
        .iter()
        .filter_map(|k| super::questions::mined_cluster(k))
        .collect())
}

/// The current version of `question`'s script, if it has one.
pub fn current(conn: &mut Conn, question: i64) -> DbResult<Option<VersionRow>> {
    Ok(on_conn!(conn, c => script_versions::table
        .inner_join(scripts::table)
        .filter(scripts::question_id.eq(question))
        .order(script_versions::n.desc())
        .select(VersionRow::as_select())
        .first(c)
        .optional())?)
}

/// A script's versions, newest first.
pub fn versions(conn: &mut Conn, script: i64) -> DbResult<Vec<VersionRow>> {
    Ok(on_conn!(conn, c => script_versions::table
        .filter(script_versions::script_id.eq(script))
        .order(script_versions::n.desc())
        .select(VersionRow::as_select())
        .load(c))?)
}

/// A script as the library lists it: its question and current version.
#[derive(Debug, Clone)]
pub struct Listed {
    pub script: ScriptRow,
    pub prompt: String,
    pub scene: String,
    pub category: String,
    pub current: VersionRow,
}

/// Every script with its current version, in the order they were created.
pub fn library(conn: &mut Conn) -> DbResult<Vec<Listed>> {
    let rows: Vec<(ScriptRow, (String, String, String), VersionRow)> = on_conn!(conn, c => scripts::table
        .inner_join(questions::table)
        .inner_join(script_versions::table)
        .order((scripts::id, script_versions::n.desc()))
        .select((
            ScriptRow::as_select(),
            (questions::prompt, questions::scene, questions::category),
            VersionRow::as_select(),
        ))
        .load(c))?;
    let mut out: Vec<Listed> = Vec::new();
    for (script, (prompt, scene, category), version) in rows {
        // Newest version first within each script: keep the first seen.
        if out.last().is_some_and(|l| l.script.id == script.id) {
            continue;
        }
        out.push(Listed {
            script,
            prompt,
            scene,
            category,
            current: version,
        });
    }
    Ok(out)
}

/// The versions whose text came from `author`'s answers, with their
/// question, newest first: the credit on the author's record.
pub fn credits(conn: &mut Conn, author: i64) -> DbResult<Vec<(VersionRow, String)>> {
    Ok(on_conn!(conn, c => script_versions::table
        .inner_join(scripts::table.inner_join(questions::table))
        .filter(script_versions::author_id.eq(author))
        .order(script_versions::approved_at.desc())
        .select((VersionRow::as_select(), questions::prompt))
        .load(c))?)
}

/// A submitted answer to a question, in any exam: a candidate for its script.
#[derive(Debug, Clone, Queryable)]
pub struct Candidate {
    pub answer_id: AnswerId,
    pub body: String,
    pub automatic: Option<f64>,
    pub author_id: i64,
    pub author: String,
    pub exam_id: ExamId,
    pub exam_title: String,
}

/// Every submitted answer to `question`, in every exam that asked it.
pub fn candidates(conn: &mut Conn, question: i64) -> DbResult<Vec<Candidate>> {
    Ok(on_conn!(conn, c => answers::table
        .inner_join(exam_items::table.inner_join(exams::table))
        .inner_join(attempts::table.inner_join(users::table))
        .filter(exam_items::question_id.eq(question))
        .filter(attempts::submitted_at.is_not_null())
        .order(answers::id)
        .select((
            answers::id,
            answers::body,
            answers::score,
            users::id,
            users::display_name,
            exams::id,
            exams::title,
        ))
        .load(c))?)
}

/// A question with submitted answers and no script yet: what a lead may
/// publish next.
pub struct Unpublished {
    pub question_id: i64,
    pub prompt: String,
    pub answers: i64,
}

/// Questions answered in some exam that have no script, most answered first.
pub fn unpublished(conn: &mut Conn) -> DbResult<Vec<Unpublished>> {
    use diesel::dsl::{count_star, exists, not};
    let rows: Vec<(i64, String, i64)> = on_conn!(conn, c => answers::table
        .inner_join(exam_items::table.inner_join(
            questions::table.on(questions::id.eq(exam_items::question_id)),
        ))
        .inner_join(attempts::table)
        .filter(attempts::submitted_at.is_not_null())
        .filter(not(exists(scripts::table.filter(scripts::question_id.eq(questions::id)))))
        .group_by((questions::id, questions::prompt))
        .select((questions::id, questions::prompt, count_star()))
        .load(c))?;
    let mut out: Vec<Unpublished> = rows
        .into_iter()
        .map(|(question_id, prompt, answers)| Unpublished {
            question_id,
            prompt,
            answers,
        })
        .collect();
    out.sort_by(|a, b| {
        b.answers
            .cmp(&a.answers)
            .then(a.question_id.cmp(&b.question_id))
    });
    Ok(out)
}

/// Sets who looks after a script and when it is next reviewed.
pub fn set_care(
    conn: &mut Conn,
    script: i64,
    owner: i64,
    review_by: i64,
    shortcut: Option<&str>,
) -> DbResult<bool> {
    Ok(
        on_conn!(conn, c => diesel::update(scripts::table.find(script))
        .set((
            scripts::owner_id.eq(owner),
            scripts::review_by.eq(review_by),
            scripts::shortcut.eq(shortcut),
        ))
        .execute(c))?
            == 1,
    )
}

/// The script another one already uses `shortcut` for, if any.
pub fn with_shortcut(conn: &mut Conn, shortcut: &str) -> DbResult<Option<i64>> {
    Ok(on_conn!(conn, c => scripts::table
        .filter(scripts::shortcut.eq(shortcut))
        .select(scripts::id)
        .first(c)
        .optional())?)
}

/// Moves the library's version on: its wordings changed (a publication, an
/// alternate added or removed), so every instance's matching index is stale.
pub fn touch(conn: &mut Conn) -> DbResult<()> {
    on_conn!(conn, c => diesel::update(library_version::table.find(1))
        .set(library_version::n.eq(library_version::n + 1))
        .execute(c))?;
    Ok(())
}

/// What says whether the library's matching must be rebuilt: its version
/// (see `touch`) and the newest mined question (imports add group members).
/// Two primary-key reads, so every instance can ask before each match.
pub fn stamp(conn: &mut Conn) -> DbResult<(i64, i64)> {
    use diesel::sql_types::BigInt;
    Ok(
        on_conn!(conn, c => diesel::select(diesel::dsl::sql::<(BigInt, BigInt)>(
        "(SELECT n FROM library_version WHERE id = 1), \
         (SELECT COALESCE(MAX(id), 0) FROM mined_questions)",
    ))
    .get_result(c))?,
    )
}

/// `owner`'s scripts that need them: the review-by date has passed, or
/// imported chats flagged it for a new round; with their question, the
/// longest waiting first.
pub fn needing_care(conn: &mut Conn, owner: i64, now: i64) -> DbResult<Vec<(ScriptRow, String)>> {
    Ok(on_conn!(conn, c => scripts::table
        .inner_join(questions::table)
        .filter(scripts::owner_id.eq(owner))
        .filter(scripts::review_by.lt(now).or(scripts::flagged_at.is_not_null()))
        .order(scripts::review_by)
        .select((ScriptRow::as_select(), questions::prompt))
        .load(c))?)
}

/// Sets (keeping the first moment) or clears a script's flag for a new round.
pub fn set_flag(conn: &mut Conn, script: i64, flagged: bool, now: i64) -> DbResult<()> {
    let found = scripts::table.find(script);
    if flagged {
        on_conn!(conn, c => diesel::update(found.filter(scripts::flagged_at.is_null()))
            .set(scripts::flagged_at.eq(now))
            .execute(c))?;
    } else {
        on_conn!(conn, c => diesel::update(found)
            .set(scripts::flagged_at.eq(None::<i64>))
            .execute(c))?;
    }
    Ok(())
}
