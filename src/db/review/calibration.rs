//! Calibration examples and each reviewer's tries on them (the first one kept).

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_calibrations)]
pub struct CalibrationRow {
    pub id: i64,
    pub round_id: RoundId,
    pub reviewer_id: i64,
    pub answer_id: AnswerId,
    pub first_marks_json: String,
    pub first_score: f64,
    pub tries: i32,
    pub passed_at: Option<i64>,
}

/// A reviewer's tries on a calibration example, the first marks decoded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Calibration {
    pub id: i64,
    pub round_id: RoundId,
    pub reviewer_id: i64,
    pub answer_id: AnswerId,
    pub first_marks: Marks,
    pub first_score: f64,
    pub tries: i32,
    pub passed_at: Option<i64>,
}

impl CalibrationRow {
    fn decode(self) -> DbResult<Calibration> {
        Ok(Calibration {
            first_marks: decode(
                "review_calibrations",
                self.id,
                "first_marks_json",
                &self.first_marks_json,
            )?,
            id: self.id,
            round_id: self.round_id,
            reviewer_id: self.reviewer_id,
            answer_id: self.answer_id,
            first_score: self.first_score,
            tries: self.tries,
            passed_at: self.passed_at,
        })
    }
}

pub(crate) fn decode_calibrations(rows: Vec<CalibrationRow>) -> DbResult<Vec<Calibration>> {
    rows.into_iter().map(CalibrationRow::decode).collect()
}

/// A calibration example: an answer a lead graded and explained.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Example {
    pub answer_id: AnswerId,
    pub prompt: String,
    pub body: String,
    pub grade: LeadGrade,
}

/// The calibration examples of a round's exam that `reviewer` did not write.
pub fn examples(conn: &mut Conn, exam_id: ExamId, reviewer: i64) -> DbResult<Vec<Example>> {
    let rows: Vec<(LeadGradeRow, String, String)> = on_conn!(conn, c => lead_grades::table
        .inner_join(answers::table.inner_join(attempts::table).inner_join(exam_items::table))
        .filter(
            lead_grades::calibration
                .eq(true)
                .and(attempts::exam_id.eq(exam_id))
                .and(attempts::user_id.ne(reviewer)),
        )
        .order(lead_grades::answer_id)
        .select((LeadGradeRow::as_select(), exam_items::prompt, answers::body))
        .load(c))?;
    rows.into_iter()
        .map(|(grade, prompt, body)| {
            Ok(Example {
                answer_id: grade.answer_id,
                prompt,
                body,
                grade: grade.decode()?,
            })
        })
        .collect()
}

/// A reviewer's calibration tries in a round; all reviewers' when `reviewer` is None.
pub fn calibrations(
    conn: &mut Conn,
    round: RoundId,
    reviewer: Option<i64>,
) -> DbResult<Vec<Calibration>> {
    decode_calibrations(on_conn!(conn, c => {
        let mut query = review_calibrations::table
            .filter(review_calibrations::round_id.eq(round))
            .order(review_calibrations::id)
            .select(CalibrationRow::as_select())
            .into_boxed();
        if let Some(r) = reviewer {
            query = query.filter(review_calibrations::reviewer_id.eq(r));
        }
        query.load(c)
    })?)
}

/// Whether `reviewer` has submitted any review in a round.
pub fn has_reviewed(conn: &mut Conn, round: RoundId, reviewer: i64) -> DbResult<bool> {
    Ok(on_conn!(conn, c => diesel::select(diesel::dsl::exists(
        review_assignments::table.filter(
            review_assignments::round_id
                .eq(round)
                .and(review_assignments::reviewer_id.eq(reviewer))
                .and(review_assignments::submitted_at.is_not_null()),
        ),
    ))
    .get_result(c))?)
}

/// One try at a calibration example. The first try's marks and score are kept;
/// later ones count; `passed` marks it done.
pub struct Try<'a> {
    pub round: RoundId,
    pub reviewer: i64,
    pub answer: AnswerId,
    pub marks: &'a Marks,
    pub score: f64,
    pub passed: bool,
}

pub fn record_try(conn: &mut Conn, t: &Try, now: i64) -> DbResult<()> {
    let passed_at = t.passed.then_some(now);
    write_tx(conn, |conn| {
        // The first try inserts; a later one (or a first sent twice at once)
        // finds the row and counts.
        let first = on_conn!(conn, c => diesel::insert_into(review_calibrations::table)
            .values((
                review_calibrations::round_id.eq(t.round),
                review_calibrations::reviewer_id.eq(t.reviewer),
                review_calibrations::answer_id.eq(t.answer),
                review_calibrations::first_marks_json.eq(to_json(t.marks)),
                review_calibrations::first_score.eq(t.score),
                review_calibrations::tries.eq(1),
                review_calibrations::passed_at.eq(passed_at),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        if first == 1 {
            return Ok(());
        }
        let key = review_calibrations::round_id
            .eq(t.round)
            .and(review_calibrations::reviewer_id.eq(t.reviewer))
            .and(review_calibrations::answer_id.eq(t.answer));
        let (id, passed_before): (i64, Option<i64>) = on_conn!(conn, c => review_calibrations::table
            .filter(key)
            .select((review_calibrations::id, review_calibrations::passed_at))
            .first(c))?;
        on_conn!(conn, c => diesel::update(review_calibrations::table.find(id))
            .set((
                review_calibrations::tries.eq(review_calibrations::tries + 1),
                review_calibrations::passed_at.eq(passed_before.or(passed_at)),
            ))
            .execute(c))?;
        Ok(())
    })
}
