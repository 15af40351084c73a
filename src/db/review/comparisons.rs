//! "Which would you send?" pairs and their verdicts.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_comparisons)]
pub struct ComparisonRow {
    pub id: i64,
    pub round_id: RoundId,
    pub reviewer_id: i64,
    pub answer_a: AnswerId,
    pub answer_b: AnswerId,
    pub winner: Option<AnswerId>,
    pub submitted_at: Option<i64>,
}

/// An open comparison in a reviewer's queue.
#[derive(Debug, Clone, Queryable)]
pub struct QueuedComparison {
    pub comparison: ComparisonRow,
    pub exam_title: String,
    pub due_at: i64,
}

/// A reviewer's open comparisons, soonest due first.
pub fn comparison_queue(conn: &mut Conn, reviewer: i64) -> DbResult<Vec<QueuedComparison>> {
    Ok(on_conn!(conn, c => review_comparisons::table
        .inner_join(review_rounds::table.inner_join(exams::table))
        .filter(review_comparisons::reviewer_id.eq(reviewer).and(review_comparisons::submitted_at.is_null()))
        .order((review_rounds::due_at, review_comparisons::id))
        .select((ComparisonRow::as_select(), exams::title, review_rounds::due_at))
        .load(c))?)
}

/// What a reviewer sees of a comparison: the question and the two answers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ToCompare {
    pub comparison: ComparisonRow,
    pub exam_title: String,
    pub due_at: i64,
    pub prompt: String,
    pub a: String,
    pub b: String,
}

pub fn to_compare(conn: &mut Conn, id: i64, reviewer: i64) -> DbResult<Option<ToCompare>> {
    let row: Option<(ComparisonRow, String, i64)> = on_conn!(conn, c => review_comparisons::table
        .inner_join(review_rounds::table.inner_join(exams::table))
        .filter(review_comparisons::id.eq(id).and(review_comparisons::reviewer_id.eq(reviewer)))
        .select((ComparisonRow::as_select(), exams::title, review_rounds::due_at))
        .first(c)
        .optional())?;
    let Some((comparison, exam_title, due_at)) = row else {
        return Ok(None);
    };
    let bodies: Vec<(AnswerId, String, String)> = on_conn!(conn, c => answers::table
        .inner_join(exam_items::table)
        .filter(answers::id.eq_any([comparison.answer_a, comparison.answer_b]))
        .select((answers::id, exam_items::prompt, answers::body))
        .load(c))?;
    let body = |id: AnswerId| {
        bodies
            .iter()
            .find(|b| b.0 == id)
            .map(|b| (b.1.clone(), b.2.clone()))
    };
    let (Some((prompt, a)), Some((_, b))) = (body(comparison.answer_a), body(comparison.answer_b))
    else {
        return Ok(None);
    };
    Ok(Some(ToCompare {
        comparison,
        exam_title,
        due_at,
        prompt,
        a,
        b,
    }))
}

/// Records the preferred answer, once; false if already judged or `winner` is
/// neither of the two.
pub fn judge(
    conn: &mut Conn,
    id: i64,
    reviewer: i64,
    winner: AnswerId,
    now: i64,
) -> DbResult<bool> {
    Ok(on_conn!(conn, c => diesel::update(
        review_comparisons::table.filter(
            review_comparisons::id.eq(id)
                .and(review_comparisons::reviewer_id.eq(reviewer))
                .and(review_comparisons::submitted_at.is_null())
                .and(review_comparisons::answer_a.eq(winner).or(review_comparisons::answer_b.eq(winner))),
        ),
    )
    .set((review_comparisons::winner.eq(winner), review_comparisons::submitted_at.eq(now)))
    .execute(c))?
        == 1)
}

/// Every comparison of a round.
pub fn comparisons(conn: &mut Conn, round: RoundId) -> DbResult<Vec<ComparisonRow>> {
    Ok(on_conn!(conn, c => review_comparisons::table
        .filter(review_comparisons::round_id.eq(round))
        .select(ComparisonRow::as_select())
        .load(c))?)
}
