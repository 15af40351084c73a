//! Review rounds: one per exam, planned reviews and pairs stored at once, blend weights.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_rounds)]
pub struct RoundRow {
    pub id: RoundId,
    pub exam_id: ExamId,
    pub k: i32,
    pub seed: i64,
    pub rubric_json: String,
    pub due_at: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub weights_json: String,
}

/// A review round with its frozen rubric and blend weights decoded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Round {
    pub id: RoundId,
    pub exam_id: ExamId,
    pub k: i32,
    pub seed: i64,
    pub rubric: Rubric,
    pub due_at: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub weights: Weights,
}

impl RoundRow {
    pub(crate) fn decode(self) -> DbResult<Round> {
        Ok(Round {
            rubric: decode("review_rounds", self.id, "rubric_json", &self.rubric_json)?,
            weights: decode("review_rounds", self.id, "weights_json", &self.weights_json)?,
            id: self.id,
            exam_id: self.exam_id,
            k: self.k,
            seed: self.seed,
            due_at: self.due_at,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

pub struct NewRound<'a> {
    pub exam_id: ExamId,
    pub k: i32,
    pub seed: i64,
    pub rubric: &'a Rubric,
    pub due_at: i64,
    pub created_by: i64,
}

/// A submitted answer as a round sees it: whose it is and which item it answers.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct Authored {
    pub answer: AnswerId,
    pub author: i64,
    pub item: ItemId,
}

/// Every submitted answer of an exam with its author: what a round reviews.
pub fn answers_with_authors(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<Authored>> {
    Ok(on_conn!(conn, c => answers::table
        .inner_join(attempts::table)
        .filter(attempts::exam_id.eq(exam_id).and(attempts::submitted_at.is_not_null()))
        .order(answers::id)
        .select((answers::id, attempts::user_id, answers::item_id))
        .load(c))?)
}

/// Creates a round; None if the exam already has one. Its reviews and
/// comparisons follow with `add_plan`, in the same transaction.
pub fn create_round(conn: &mut Conn, new: &NewRound, now: i64) -> DbResult<Option<RoundId>> {
    Ok(
        on_conn!(conn, c => diesel::insert_into(review_rounds::table)
        .values((
            review_rounds::exam_id.eq(new.exam_id),
            review_rounds::k.eq(new.k),
            review_rounds::seed.eq(new.seed),
            review_rounds::rubric_json.eq(to_json(new.rubric)),
            review_rounds::due_at.eq(new.due_at),
            review_rounds::created_by.eq(new.created_by),
            review_rounds::created_at.eq(now),
        ))
        .on_conflict(review_rounds::exam_id)
        .do_nothing()
        .returning(review_rounds::id)
        .get_result(c)
        .optional())?,
    )
}

/// Stores a new round's planned reviews (answer, reviewer) and comparisons
/// (reviewer, answer, answer).
pub fn add_plan(
    conn: &mut Conn,
    round: RoundId,
    pairs: &[(AnswerId, i64)],
    comparisons: &[(i64, AnswerId, AnswerId)],
) -> DbResult<()> {
    for (answer, reviewer) in pairs {
        on_conn!(conn, c => diesel::insert_into(review_assignments::table)
            .values((
                review_assignments::round_id.eq(round),
                review_assignments::answer_id.eq(answer),
                review_assignments::reviewer_id.eq(reviewer),
            ))
            .execute(c))?;
    }
    for (reviewer, a, b) in comparisons {
        on_conn!(conn, c => diesel::insert_into(review_comparisons::table)
            .values((
                review_comparisons::round_id.eq(round),
                review_comparisons::reviewer_id.eq(reviewer),
                review_comparisons::answer_a.eq(a),
                review_comparisons::answer_b.eq(b),
            ))
            .execute(c))?;
    }
    Ok(())
}

pub fn round_for_exam(conn: &mut Conn, exam_id: ExamId) -> DbResult<Option<Round>> {
    let row: Option<RoundRow> = on_conn!(conn, c => review_rounds::table
        .filter(review_rounds::exam_id.eq(exam_id))
        .select(RoundRow::as_select())
        .first(c)
        .optional())?;
    row.map(RoundRow::decode).transpose()
}

/// Sets how a round's final scores blend their parts.
pub fn set_weights(conn: &mut Conn, round: RoundId, weights: &Weights) -> DbResult<()> {
    on_conn!(conn, c => diesel::update(review_rounds::table.find(round))
        .set(review_rounds::weights_json.eq(to_json(weights)))
        .execute(c))?;
    Ok(())
}

/// Where the review data stands: a counter the database's own triggers move
/// on with every write a final score is computed from (see the migration
/// `review_version`). One primary-key read, so every instance can ask before
/// using what it keeps.
pub fn version(conn: &mut Conn) -> DbResult<i64> {
    use crate::db::schema::review_version;
    Ok(on_conn!(conn, c => review_version::table
        .find(1)
        .select(review_version::n)
        .first(c))?)
}

/// Every round, oldest first.
pub fn rounds(conn: &mut Conn) -> DbResult<Vec<Round>> {
    let rows: Vec<RoundRow> = on_conn!(conn, c => review_rounds::table
        .order((review_rounds::created_at, review_rounds::id))
        .select(RoundRow::as_select())
        .load(c))?;
    rows.into_iter().map(RoundRow::decode).collect()
}

/// A review round's exam and due date, for a lead's inbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RoundDue {
    pub exam: ExamId,
    pub title: String,
    pub due_at: i64,
}

/// The rounds due in `from..=to`, soonest first.
pub fn rounds_due(conn: &mut Conn, from: i64, to: i64) -> DbResult<Vec<RoundDue>> {
    let rows: Vec<(ExamId, String, i64)> = on_conn!(conn, c => review_rounds::table
        .inner_join(exams::table)
        .filter(review_rounds::due_at.between(from, to))
        .order(review_rounds::due_at)
        .select((exams::id, exams::title, review_rounds::due_at))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(exam, title, due_at)| RoundDue {
            exam,
            title,
            due_at,
        })
        .collect())
}
