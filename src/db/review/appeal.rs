//! Appeals of a final score and the lead's decisions.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = appeals)]
pub struct AppealRow {
    pub id: i64,
    pub answer_id: AnswerId,
    pub user_id: i64,
    pub reason: String,
    pub better_answer: Option<String>,
    pub status: AppealStatus,
    pub decision: Option<String>,
    pub decided_by: Option<i64>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// A trainee's appeal against their answer's score, once per answer. False if
/// the answer is not theirs or was appealed already.
/// Whether `answer` is one of `user`'s own.
pub fn owns_answer(conn: &mut Conn, answer: AnswerId, user: i64) -> DbResult<bool> {
    let owns: i64 = on_conn!(conn, c => answers::table
        .inner_join(attempts::table)
        .filter(answers::id.eq(answer).and(attempts::user_id.eq(user)))
        .count()
        .get_result(c))?;
    Ok(owns > 0)
}

/// Files `user`'s appeal of their own `answer`; false if one exists (or the
/// answer is not theirs).
pub fn appeal(
    conn: &mut Conn,
    answer: AnswerId,
    user: i64,
    reason: &str,
    better: Option<&str>,
    now: i64,
) -> DbResult<bool> {
    if !owns_answer(conn, answer, user)? {
        return Ok(false);
    }
    Ok(on_conn!(conn, c => diesel::insert_into(appeals::table)
        .values((
            appeals::answer_id.eq(answer),
            appeals::user_id.eq(user),
            appeals::reason.eq(reason),
            appeals::better_answer.eq(better),
            appeals::status.eq(AppealStatus::Open),
            appeals::created_at.eq(now),
        ))
        .on_conflict(appeals::answer_id)
        .do_nothing()
        .execute(c))?
        == 1)
}

/// The appeals against an exam's answers.
pub fn appeals_for_exam(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<AppealRow>> {
    Ok(on_conn!(conn, c => appeals::table
        .inner_join(answers::table.inner_join(attempts::table))
        .filter(attempts::exam_id.eq(exam_id))
        .order(appeals::id)
        .select(AppealRow::as_select())
        .load(c))?)
}

/// Per exam, the appeals still waiting for a lead's decision.
pub fn open_appeals(conn: &mut Conn) -> DbResult<Vec<ExamCount>> {
    let rows: Vec<(ExamId, String)> = on_conn!(conn, c => appeals::table
        .inner_join(answers::table.inner_join(attempts::table.inner_join(exams::table)))
        .filter(appeals::status.eq(AppealStatus::Open))
        .order(appeals::id)
        .select((exams::id, exams::title))
        .load(c))?;
    Ok(per_exam(rows))
}

/// A lead's decision on an open appeal, with the reason; returns the exam of
/// the appealed answer, or None if there is no such open appeal.
pub fn decide(
    conn: &mut Conn,
    id: i64,
    upheld: bool,
    decision: &str,
    lead: i64,
    now: i64,
) -> DbResult<Option<i64>> {
    write_tx(conn, |conn| {
        let changed = on_conn!(conn, c => diesel::update(appeals::table.filter(appeals::id.eq(id).and(appeals::status.eq(AppealStatus::Open))))
            .set((
                appeals::status.eq(if upheld { AppealStatus::Upheld } else { AppealStatus::Rejected }),
                appeals::decision.eq(decision),
                appeals::decided_by.eq(lead),
                appeals::decided_at.eq(now),
            ))
            .execute(c))?;
        if changed == 0 {
            return Ok(None);
        }
        appeal_exam(conn, id)
    })
}

/// The exam whose answer appeal `id` is about.
pub fn appeal_exam(conn: &mut Conn, id: i64) -> DbResult<Option<i64>> {
    Ok(on_conn!(conn, c => appeals::table
        .inner_join(answers::table.inner_join(attempts::table))
        .filter(appeals::id.eq(id))
        .select(attempts::exam_id)
        .first(c)
        .optional())?)
}

/// The better replies proposed with upheld appeals on answers to a question,
/// oldest first.
pub fn upheld_better_answers(conn: &mut Conn, question_id: i64) -> DbResult<Vec<String>> {
    let rows: Vec<Option<String>> = on_conn!(conn, c => appeals::table
        .inner_join(answers::table.inner_join(exam_items::table))
        .filter(
            exam_items::question_id
                .eq(question_id)
                .and(appeals::status.eq(AppealStatus::Upheld))
                .and(appeals::better_answer.is_not_null()),
        )
        .order(appeals::id)
        .select(appeals::better_answer)
        .load(c))?;
    Ok(rows.into_iter().flatten().collect())
}
