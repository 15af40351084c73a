//! Attempts (one per trainee and exam) and their answers.

use diesel::prelude::*;

use super::columns::{AnswerId, AttemptId, ExamId, ExamStatus, ItemId};
use diesel::IntoSql;

use super::columns::decode;
use super::exams::{ExamRow, Item};
use super::schema::{answers, attempts, cohort_exams, exam_items, exams, users};
use super::users::{User, UserRow};
use super::{on_conn, to_json, write_tx, Conn, DbResult};
use crate::domain::exam;
use crate::domain::scoring::pack_checks;
use crate::domain::scoring::Report;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = attempts)]
pub struct AttemptRow {
    pub id: AttemptId,
    pub exam_id: ExamId,
    pub user_id: i64,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<f64>,
    pub writable_until: i64,
    /// Submitted by the lead's closing of the exam, with what it had saved.
    #[serde(default)]
    pub closed_by_lead: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = answers)]
pub struct AnswerRow {
    pub id: AnswerId,
    pub attempt_id: AttemptId,
    pub item_id: ItemId,
    pub body: String,
    pub time_spent_ms: i64,
    pub updated_at: i64,
    pub score: Option<f64>,
    pub report_json: Option<String>,
    /// A scenario's time per turn (backups made before scenarios have none).
    #[serde(default)]
    pub turns_json: Option<String>,
    /// The report's rubric lines packed (`scoring::pack_checks`).
    #[serde(default)]
    pub rubric_bits: Option<i32>,
}

/// An answer as the program uses it: the scorer's report decoded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Answer {
    pub id: AnswerId,
    pub attempt_id: AttemptId,
    pub item_id: ItemId,
    pub body: String,
    pub time_spent_ms: i64,
    pub updated_at: i64,
    pub score: Option<f64>,
    /// How the score came about; None while it is a draft.
    pub report: Option<Report>,
    /// A scenario's time per turn, in ms, in the order of its replies.
    pub turn_ms: Vec<i64>,
}

impl AnswerRow {
    pub(crate) fn decode(self) -> DbResult<Answer> {
        let report = match &self.report_json {
            Some(json) => Some(decode("answers", self.id, "report_json", json)?),
            None => None,
        };
        let turn_ms = match &self.turns_json {
            Some(json) => decode("answers", self.id, "turns_json", json)?,
            None => Vec::new(),
        };
        Ok(Answer {
            turn_ms,
            id: self.id,
            attempt_id: self.attempt_id,
            item_id: self.item_id,
            body: self.body,
            time_spent_ms: self.time_spent_ms,
            updated_at: self.updated_at,
            score: self.score,
            report,
        })
    }
}

fn decoded(rows: Vec<AnswerRow>) -> DbResult<Vec<Answer>> {
    rows.into_iter().map(AnswerRow::decode).collect()
}

/// One scored answer, ready to store at submission.
pub struct Scored {
    pub item_id: ItemId,
    pub body: String,
    pub report: Report,
}

/// Returns the trainee's attempt at an exam, creating it on first call with the
/// moment it stops taking writes.
pub fn start(
    conn: &mut Conn,
    exam_id: ExamId,
    user_id: i64,
    now: i64,
    writable_until: i64,
) -> DbResult<AttemptRow> {
    on_conn!(conn, c => diesel::insert_into(attempts::table)
        .values((
            attempts::exam_id.eq(exam_id),
            attempts::user_id.eq(user_id),
            attempts::started_at.eq(now),
            attempts::writable_until.eq(writable_until),
        ))
        .on_conflict((attempts::exam_id, attempts::user_id))
        .do_nothing()
        .returning(AttemptRow::as_returning())
        .get_result(c)
        .optional())?
    .map_or_else(|| existing(conn, exam_id, user_id), Ok)
}

/// Starts an attempt in one statement, if the exam is open, the user active and
/// `session` (a stored session key) one of theirs and live, with the moment it
/// stops taking writes computed from the exam's time limit. None if it was not
/// started: the exam is not open, the user is not active or signed out, or the
/// attempt exists already (the caller finds out which).
pub fn start_open(
    conn: &mut Conn,
    exam_id: ExamId,
    user_id: i64,
    session: &str,
    now: i64,
) -> DbResult<Option<AttemptRow>> {
    use diesel::dsl::{exists, not};
    use diesel::sql_types::BigInt;
    // Built from typed parts, not an SQL string, so PostgreSQL reuses its plan.
    let until =
        exams::time_limit_min.cast::<BigInt>() * exam::MS_PER_MINUTE + exam::writable_until(now, 0);
    let active = users::table.filter(users::id.eq(user_id).and(users::active.eq(true)));
    let row = exams::table
        .filter(
            exams::id
                .eq(exam_id)
                .and(exams::status.eq(ExamStatus::Open))
                .and(exists(active))
                .and(exists(super::sessions::live!(session, user_id, now)))
                // A cohort's exam has gates: the caller checks them first.
                .and(not(exists(
                    cohort_exams::table.filter(cohort_exams::exam_id.eq(exam_id)),
                ))),
        )
        .select((
            exams::id,
            user_id.into_sql::<BigInt>(),
            now.into_sql::<BigInt>(),
            until,
        ));
    Ok(on_conn!(conn, c => diesel::insert_into(attempts::table)
        .values(row)
        .into_columns((attempts::exam_id, attempts::user_id, attempts::started_at, attempts::writable_until))
        .on_conflict((attempts::exam_id, attempts::user_id))
        .do_nothing()
        .returning(AttemptRow::as_returning())
        .get_result(c)
        .optional())?)
}

pub fn existing(conn: &mut Conn, exam_id: ExamId, user_id: i64) -> DbResult<AttemptRow> {
    Ok(on_conn!(conn, c => attempts::table
        .filter(
            attempts::exam_id
                .eq(exam_id)
                .and(attempts::user_id.eq(user_id)),
        )
        .select(AttemptRow::as_select())
        .first(c))?)
}

pub fn find(conn: &mut Conn, id: AttemptId) -> DbResult<Option<AttemptRow>> {
    Ok(on_conn!(conn, c => attempts::table
        .find(id)
        .select(AttemptRow::as_select())
        .first(c)
        .optional())?)
}

/// An attempt with its exam and its owner, if `owner` owns it, is active and
/// `session` (a stored session key) is a live session of theirs, in one query
/// (the exam page's first read).
pub fn find_owned(
    conn: &mut Conn,
    id: AttemptId,
    owner: i64,
    session: &str,
    now: i64,
) -> DbResult<Option<(AttemptRow, ExamRow, User)>> {
    use diesel::dsl::exists;
    let row: Option<(AttemptRow, ExamRow, UserRow)> = on_conn!(conn, c => attempts::table
        .inner_join(exams::table)
        .inner_join(users::table)
        .filter(attempts::id.eq(id).and(attempts::user_id.eq(owner)).and(users::active.eq(true)))
        .filter(exists(super::sessions::live!(session, owner, now)))
        .select((AttemptRow::as_select(), ExamRow::as_select(), UserRow::as_select()))
        .first(c)
        .optional())?;
    row.map(|(a, e, u)| Ok((a, e, u.user()?))).transpose()
}

/// An attempt with its exam, in one query.
pub fn find_with_exam(conn: &mut Conn, id: AttemptId) -> DbResult<Option<(AttemptRow, ExamRow)>> {
    Ok(on_conn!(conn, c => attempts::table
        .inner_join(exams::table)
        .filter(attempts::id.eq(id))
        .select((AttemptRow::as_select(), ExamRow::as_select()))
        .first(c)
        .optional())?)
}

/// An item as the trainee answering it sees it (no references), with the
/// draft saved so far.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct ToAnswer {
    pub id: ItemId,
    pub position: i32,
    pub scene: String,
    pub category: String,
    pub prompt: String,
    pub draft: Option<String>,
    pub saved_at: Option<i64>,
    /// A scenario's turns, as stored: never shown, since they hold the
    /// references.
    #[serde(skip)]
    pub scenario_json: Option<String>,
}

impl ToAnswer {
    /// The same view from an item and the attempt's answers.
    pub fn of(item: &Item, answers: &[Answer]) -> ToAnswer {
        let draft = answers.iter().find(|a| a.item_id == item.id);
        ToAnswer {
            id: item.id,
            position: item.position,
            scene: item.scene.clone(),
            category: item.category.clone(),
            prompt: item.prompt.clone(),
            draft: draft.map(|a| a.body.clone()),
            saved_at: draft.map(|a| a.updated_at),
            scenario_json: item.scenario.as_ref().map(to_json),
        }
    }
}

/// An exam's items in order, each with this attempt's draft if there is one, in one
/// query (the exam page's second read).
pub fn items_with_drafts(
    conn: &mut Conn,
    exam_id: ExamId,
    attempt_id: AttemptId,
) -> DbResult<Vec<ToAnswer>> {
    Ok(on_conn!(conn, c => exam_items::table
        .left_join(
            answers::table.on(answers::item_id
                .eq(exam_items::id)
                .and(answers::attempt_id.eq(attempt_id))),
        )
        .filter(exam_items::exam_id.eq(exam_id))
        .order(exam_items::position)
        .select((
            exam_items::id,
            exam_items::position,
            exam_items::scene,
            exam_items::category,
            exam_items::prompt,
            answers::body.nullable(),
            answers::updated_at.nullable(),
            exam_items::scenario_json,
        ))
        .load(c))?)
}

pub fn for_user(conn: &mut Conn, user_id: i64) -> DbResult<Vec<AttemptRow>> {
    Ok(on_conn!(conn, c => attempts::table
        .filter(attempts::user_id.eq(user_id))
        .select(AttemptRow::as_select())
        .load(c))?)
}

/// Stores a scenario answer as it stands after a turn: its transcript, the
/// time of each turn and their sum, unless the attempt was submitted.
pub fn save_turns(
    conn: &mut Conn,
    attempt: AttemptId,
    item: ItemId,
    transcript: &str,
    turn_ms: &[i64],
    now: i64,
) -> DbResult<()> {
    let total: i64 = turn_ms.iter().sum();
    let turns = to_json(&turn_ms);
    on_conn!(conn, c => diesel::insert_into(answers::table)
        .values((
            answers::attempt_id.eq(attempt),
            answers::item_id.eq(item),
            answers::body.eq(transcript),
            answers::time_spent_ms.eq(total),
            answers::updated_at.eq(now),
            answers::turns_json.eq(Some(&turns)),
        ))
        .on_conflict((answers::attempt_id, answers::item_id))
        .do_update()
        .set((
            answers::body.eq(transcript),
            answers::time_spent_ms.eq(total),
            answers::updated_at.eq(now),
            answers::turns_json.eq(Some(&turns)),
        ))
        .execute(c))?;
    Ok(())
}

/// Every attempt at any of `exams`.
pub fn of_exams(conn: &mut Conn, exams: &[ExamId]) -> DbResult<Vec<AttemptRow>> {
    Ok(on_conn!(conn, c => attempts::table
        .filter(attempts::exam_id.eq_any(exams))
        .select(AttemptRow::as_select())
        .load(c))?)
}

pub fn answers(conn: &mut Conn, attempt_id: AttemptId) -> DbResult<Vec<Answer>> {
    decoded(on_conn!(conn, c => answers::table
        .filter(answers::attempt_id.eq(attempt_id))
        .select(AnswerRow::as_select())
        .load(c))?)
}

/// Who ended an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmittedBy {
    Trainee,
    /// The lead closed the exam while the trainee was still writing.
    ClosingLead,
}

/// Stores the scored answers and closes the attempt, once. False if it was
/// already submitted (a double click or a second tab).
pub fn submit(
    conn: &mut Conn,
    attempt_id: AttemptId,
    scored: &[Scored],
    total: f64,
    now: i64,
    by: SubmittedBy,
) -> DbResult<bool> {
    write_tx(conn, |conn| {
        let closed = on_conn!(conn, c => diesel::update(
            attempts::table
                .find(attempt_id)
                .filter(attempts::submitted_at.is_null()),
        )
        .set((
            attempts::submitted_at.eq(now),
            attempts::score.eq(total),
            attempts::closed_by_lead.eq(by == SubmittedBy::ClosingLead),
        ))
        .execute(c))?;
        if closed == 0 {
            return Ok(false);
        }
        for s in scored {
            let report_json = to_json(&s.report);
            on_conn!(conn, c => diesel::insert_into(answers::table)
                .values((
                    answers::attempt_id.eq(attempt_id),
                    answers::item_id.eq(s.item_id),
                    answers::body.eq(&s.body),
                    answers::updated_at.eq(now),
                    answers::score.eq(s.report.score),
                    answers::report_json.eq(&report_json),
                    answers::rubric_bits.eq(pack_checks(&s.report.checks)),
                ))
                .on_conflict((answers::attempt_id, answers::item_id))
                .do_update()
                .set((
                    answers::body.eq(&s.body),
                    answers::updated_at.eq(now),
                    answers::score.eq(s.report.score),
                    answers::report_json.eq(&report_json),
                    answers::rubric_bits.eq(pack_checks(&s.report.checks)),
                ))
                .execute(c))?;
        }
        Ok(true)
    })
}

/// Attempts of an exam that were started and not submitted.
pub fn in_progress(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<AttemptRow>> {
    // The library's attempt (the scripts a round entered) is never in progress.
    let library = users::table
        .filter(users::username.eq(super::users::LIBRARY))
        .select(users::id);
    Ok(on_conn!(conn, c => attempts::table
        .filter(attempts::exam_id.eq(exam_id).and(attempts::submitted_at.is_null()))
        .filter(attempts::user_id.ne_all(library))
        .select(AttemptRow::as_select())
        .load(c))?)
}

/// Gives back the attempts a closing submitted that still have time left, when
/// the exam is reopened; their saved answers are kept. Returns how many.
pub fn reopen_closed_by_lead(conn: &mut Conn, exam_id: ExamId, now: i64) -> DbResult<usize> {
    Ok(on_conn!(conn, c => diesel::update(
        attempts::table.filter(
            attempts::exam_id
                .eq(exam_id)
                .and(attempts::closed_by_lead.eq(true))
                .and(attempts::writable_until.gt(now)),
        ),
    )
    .set((
        attempts::submitted_at.eq(None::<i64>),
        attempts::score.eq(None::<f64>),
        attempts::closed_by_lead.eq(false),
    ))
    .execute(c))?)
}

/// A submitted attempt with its trainee's names, for rankings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Submitted {
    pub attempt: AttemptRow,
    pub display_name: String,
    pub username: String,
}

pub fn submitted_for_exam(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<Submitted>> {
    let rows: Vec<(AttemptRow, String, String)> = on_conn!(conn, c => attempts::table
        .inner_join(users::table)
        .filter(
            attempts::exam_id
                .eq(exam_id)
                .and(attempts::submitted_at.is_not_null()),
        )
        .select((
            AttemptRow::as_select(),
            users::display_name,
            users::username,
        ))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(attempt, display_name, username)| Submitted {
            attempt,
            display_name,
            username,
        })
        .collect())
}

/// Every answer of every submitted attempt of an exam.
pub fn submitted_answers_for_exam(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<Answer>> {
    decoded(on_conn!(conn, c => answers::table
        .inner_join(attempts::table)
        .filter(
            attempts::exam_id
                .eq(exam_id)
                .and(attempts::submitted_at.is_not_null()),
        )
        .select(AnswerRow::as_select())
        .load(c))?)
}

/// The submitted answers of an exam as final scores need them: ids and the
/// automatic score, without the text or the report (whose JSON is most of
/// the cost of reading an answer, and which peer-review outcomes never read).
pub fn submitted_scores_for_exam(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<Answer>> {
    type Row = (AnswerId, AttemptId, ItemId, i64, i64, Option<f64>);
    let rows: Vec<Row> = on_conn!(conn, c => answers::table
        .inner_join(attempts::table)
        .filter(
            attempts::exam_id
                .eq(exam_id)
                .and(attempts::submitted_at.is_not_null()),
        )
        .select((
            answers::id,
            answers::attempt_id,
            answers::item_id,
            answers::time_spent_ms,
            answers::updated_at,
            answers::score,
        ))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(
            |(id, attempt_id, item_id, time_spent_ms, updated_at, score)| Answer {
                id,
                attempt_id,
                item_id,
                body: String::new(),
                time_spent_ms,
                updated_at,
                score,
                report: None,
                turn_ms: Vec::new(),
            },
        )
        .collect())
}

/// A submitted attempt's answers scored again (the exam's references
/// changed): each answer's score and report, and the attempt's total.
pub fn rescore(
    conn: &mut Conn,
    attempt_id: AttemptId,
    scored: &[Scored],
    total: f64,
) -> DbResult<()> {
    write_tx(conn, |conn| {
        on_conn!(conn, c => diesel::update(attempts::table.find(attempt_id))
            .set(attempts::score.eq(total))
            .execute(c))?;
        for s in scored {
            on_conn!(conn, c => diesel::update(
                answers::table
                    .filter(answers::attempt_id.eq(attempt_id))
                    .filter(answers::item_id.eq(s.item_id)),
            )
            .set((
                answers::score.eq(s.report.score),
                answers::report_json.eq(to_json(&s.report)),
                answers::rubric_bits.eq(pack_checks(&s.report.checks)),
            ))
            .execute(c))?;
        }
        Ok(())
    })
}
