//! What a lead's dashboard reads: every submitted attempt, and every answer of
//! one with its item's category and the rubric lines of its report.

use std::collections::HashMap;

use diesel::prelude::*;

use super::columns::{AttemptId, ExamId, ItemId};
use super::schema::{answers, attempts, exam_items};
use super::{on_conn, Conn, DbResult};
use crate::domain::rubric::Check;
use crate::domain::scoring::{pack_checks, unpack_checks, CheckOutcome};

/// A submitted attempt.
#[derive(Debug, Clone, Queryable)]
pub struct Sitting {
    pub attempt: AttemptId,
    pub exam: ExamId,
    pub user: i64,
    pub submitted_at: i64,
    pub score: Option<f64>,
}

pub fn submitted(conn: &mut Conn) -> DbResult<Vec<Sitting>> {
    Ok(on_conn!(conn, c => attempts::table
        .filter(attempts::submitted_at.is_not_null())
        .order(attempts::submitted_at)
        .select((
            attempts::id,
            attempts::exam_id,
            attempts::user_id,
            attempts::submitted_at.assume_not_null(),
            attempts::score,
        ))
        .load(c))?)
}

/// A scored answer with what the dashboard groups it by.
#[derive(Debug, Clone)]
pub struct Scored {
    pub attempt: AttemptId,
    pub item: ItemId,
    pub category: String,
    pub score: f64,
    pub ms: i64,
    /// Each rubric check of its report.
    pub checks: Vec<RubricLine>,
}

/// (check, expected, met).
pub type RubricLine = (Check, bool, bool);
type ByAnswer = HashMap<(AttemptId, ItemId), Vec<RubricLine>>;

/// Only the rubric lines of a stored report are read.
#[derive(serde::Deserialize)]
struct Lines {
    #[serde(default)]
    checks: Vec<CheckOutcome>,
}

/// Every scored answer of a submitted attempt. The rubric lines come packed
/// (`rubric_bits`); only answers scored before they were kept have their
/// report read.
pub fn scored_answers(conn: &mut Conn) -> DbResult<Vec<Scored>> {
    type Row = (AttemptId, ItemId, String, Option<f64>, i64, Option<i32>);
    let rows: Vec<Row> = on_conn!(conn, c => answers::table
        .inner_join(exam_items::table)
        .inner_join(attempts::table)
        .filter(attempts::submitted_at.is_not_null())
        .select((
            answers::attempt_id,
            answers::item_id,
            exam_items::category,
            answers::score,
            answers::time_spent_ms,
            answers::rubric_bits,
        ))
        .load(c))?;
    let unpacked = rows.iter().any(|r| r.3.is_some() && r.5.is_none());
    let older: ByAnswer = if unpacked {
        reports_without_bits(conn)?
    } else {
        HashMap::new()
    };
    Ok(rows
        .into_iter()
        .filter_map(|(attempt, item, category, score, ms, bits)| {
            let checks = match bits {
                Some(bits) => unpack_checks(bits).collect(),
                None => older.get(&(attempt, item)).cloned().unwrap_or_default(),
            };
            Some(Scored {
                attempt,
                item,
                category,
                score: score?,
                ms,
                checks,
            })
        })
        .collect())
}

/// The rubric lines of scored answers kept before they were packed.
fn reports_without_bits(conn: &mut Conn) -> DbResult<ByAnswer> {
    let rows: Vec<(AttemptId, ItemId, Option<String>)> = on_conn!(conn, c => answers::table
        .filter(answers::rubric_bits.is_null().and(answers::report_json.is_not_null()))
        .select((answers::attempt_id, answers::item_id, answers::report_json))
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|(attempt, item, json)| {
            // A report unreadable for its rubric lines still counts its score.
            let lines = serde_json::from_str::<Lines>(&json?).ok()?;
            let packed = pack_checks(&lines.checks);
            Some(((attempt, item), unpack_checks(packed).collect()))
        })
        .collect())
}

/// An exam item as the dashboard names it.
#[derive(Debug, Clone, Queryable)]
pub struct ItemInfo {
    pub id: ItemId,
    pub exam: ExamId,
    pub position: i32,
    pub prompt: String,
    /// The bank question it copies.
    pub question: i64,
}

pub fn items(conn: &mut Conn) -> DbResult<Vec<ItemInfo>> {
    Ok(on_conn!(conn, c => exam_items::table
        .select((
            exam_items::id,
            exam_items::exam_id,
            exam_items::position,
            exam_items::prompt,
            exam_items::question_id,
        ))
        .load(c))?)
}
