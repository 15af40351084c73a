//! Champion and challenger: a question's official script entered in a later
//! round as one more anonymous answer. The answers are kept in an attempt of
//! the library's own account that is never submitted, so it is nobody's
//! result, while reviews and comparisons refer to it like any answer.

use super::*;
use crate::db::attempts::{Answer, AnswerRow};
use crate::db::schema::{round_incumbents, users};
use crate::db::users::LIBRARY;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = round_incumbents)]
pub struct IncumbentRow {
    pub answer_id: AnswerId,
    pub round_id: RoundId,
    pub script_id: i64,
    pub version_n: i32,
}

/// A script version to enter in a round, against the exam item it answers.
pub struct Entry<'a> {
    pub item: ItemId,
    pub script: i64,
    pub n: i32,
    pub text: &'a str,
}

/// The library's own account: inactive, with no password and a name no one
/// can sign up with, created on first use.
fn library_account(conn: &mut Conn, now: i64) -> DbResult<i64> {
    on_conn!(conn, c => diesel::insert_into(users::table)
        .values((
            users::username.eq(LIBRARY),
            users::display_name.eq("话术库"),
            users::password_hash.eq("!"),
            users::role.eq("trainee"),
            users::active.eq(false),
            users::lang.eq("zh-CN"),
            users::created_at.eq(now),
        ))
        .on_conflict(users::username)
        .do_nothing()
        .execute(c))?;
    Ok(on_conn!(conn, c => users::table
        .filter(users::username.eq(LIBRARY))
        .select(users::id)
        .first(c))?)
}

/// Enters `entries` in `round` of `exam` as answers of the library's
/// attempt, unscored (an exam item's references hold the script itself, so
/// an automatic score would only say it is itself). The answers' ids with
/// their items, in the entries' order.
pub fn enter(
    conn: &mut Conn,
    round: RoundId,
    exam: ExamId,
    entries: &[Entry],
    now: i64,
) -> DbResult<Vec<(AnswerId, ItemId)>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let account = library_account(conn, now)?;
    // Never writable and never submitted: no page offers it, no result counts it.
    let attempt = crate::db::attempts::start(conn, exam, account, now, 0)?.id;
    let mut entered = Vec::with_capacity(entries.len());
    for entry in entries {
        let answer: AnswerId = on_conn!(conn, c => diesel::insert_into(answers::table)
            .values((
                answers::attempt_id.eq(attempt),
                answers::item_id.eq(entry.item),
                answers::body.eq(entry.text),
                answers::updated_at.eq(now),
            ))
            .returning(answers::id)
            .get_result(c))?;
        on_conn!(conn, c => diesel::insert_into(round_incumbents::table)
            .values(&IncumbentRow {
                answer_id: answer,
                round_id: round,
                script_id: entry.script,
                version_n: entry.n,
            })
            .execute(c))?;
        entered.push((answer, entry.item));
    }
    Ok(entered)
}

/// The scripts entered in `round`.
pub fn incumbents(conn: &mut Conn, round: RoundId) -> DbResult<Vec<IncumbentRow>> {
    Ok(on_conn!(conn, c => round_incumbents::table
        .filter(round_incumbents::round_id.eq(round))
        .order(round_incumbents::answer_id)
        .select(IncumbentRow::as_select())
        .load(c))?)
}

/// The answers the scripts entered in `round` stand as.
pub fn incumbent_answers(conn: &mut Conn, round: RoundId) -> DbResult<Vec<Answer>> {
    let rows: Vec<AnswerRow> = on_conn!(conn, c => answers::table
        .inner_join(round_incumbents::table.on(round_incumbents::answer_id.eq(answers::id)))
        .filter(round_incumbents::round_id.eq(round))
        .order(answers::id)
        .select(AnswerRow::as_select())
        .load(c))?;
    rows.into_iter().map(AnswerRow::decode).collect()
}

/// Every round `script` was entered in, oldest first, with its exam.
pub fn rounds_of_script(conn: &mut Conn, script: i64) -> DbResult<Vec<(IncumbentRow, ExamId)>> {
    Ok(on_conn!(conn, c => round_incumbents::table
        .inner_join(review_rounds::table.on(review_rounds::id.eq(round_incumbents::round_id)))
        .filter(round_incumbents::script_id.eq(script))
        .order(round_incumbents::round_id)
        .select((IncumbentRow::as_select(), review_rounds::exam_id))
        .load(c))?)
}
