//! Review assignments: a reviewer's queue, the anonymous answer to review, marks, handing reviews on, late answers.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_assignments)]
pub struct AssignmentRow {
    pub id: i64,
    pub round_id: RoundId,
    pub answer_id: AnswerId,
    pub reviewer_id: i64,
    pub marks_json: Option<String>,
    pub score: Option<f64>,
    pub comment: Option<String>,
    pub submitted_at: Option<i64>,
    /// Set when a lead re-assigned the review; otherwise the round's.
    pub due_at: Option<i64>,
    pub reassigned_from: Option<i64>,
}

/// A review assignment with the reviewer's marks decoded once submitted.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Assignment {
    pub id: i64,
    pub round_id: RoundId,
    pub answer_id: AnswerId,
    pub reviewer_id: i64,
    pub marks: Option<Marks>,
    pub score: Option<f64>,
    pub comment: Option<String>,
    pub submitted_at: Option<i64>,
    /// Set when a lead re-assigned the review; otherwise the round's.
    pub due_at: Option<i64>,
    pub reassigned_from: Option<i64>,
}

impl AssignmentRow {
    fn decode(self) -> DbResult<Assignment> {
        let marks = match &self.marks_json {
            Some(json) => Some(decode("review_assignments", self.id, "marks_json", json)?),
            None => None,
        };
        Ok(Assignment {
            id: self.id,
            round_id: self.round_id,
            answer_id: self.answer_id,
            reviewer_id: self.reviewer_id,
            marks,
            score: self.score,
            comment: self.comment,
            submitted_at: self.submitted_at,
            due_at: self.due_at,
            reassigned_from: self.reassigned_from,
        })
    }
}

fn decode_assignments(rows: Vec<AssignmentRow>) -> DbResult<Vec<Assignment>> {
    rows.into_iter().map(AssignmentRow::decode).collect()
}

impl Assignment {
    /// When this review closes: its own due date if re-assigned, else the round's.
    pub fn due(&self, round_due: i64) -> i64 {
        self.due_at.unwrap_or(round_due)
    }
}

/// A review waiting on a reviewer's queue.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Queued {
    pub id: i64,
    pub exam_title: String,
    pub position: i32,
    pub due_at: i64,
}

/// A reviewer's reviews not yet submitted, soonest due first.
pub fn queue(conn: &mut Conn, reviewer: i64) -> DbResult<Vec<Queued>> {
    let rows: Vec<(i64, String, i32, i64, Option<i64>)> = on_conn!(conn, c => review_assignments::table
        .inner_join(review_rounds::table.inner_join(exams::table))
        .inner_join(answers::table.inner_join(exam_items::table))
        .filter(review_assignments::reviewer_id.eq(reviewer).and(review_assignments::submitted_at.is_null()))
        .select((review_assignments::id, exams::title, exam_items::position, review_rounds::due_at, review_assignments::due_at))
        .load(c))?;
    let mut queued: Vec<Queued> = rows
        .into_iter()
        .map(|(id, exam_title, position, round_due, own_due)| Queued {
            id,
            exam_title,
            position,
            due_at: own_due.unwrap_or(round_due),
        })
        .collect();
    // Sorted here: a re-assigned review's own due date overrides its round's.
    queued.sort_by_key(|q| (q.due_at, q.id));
    Ok(queued)
}

/// What a reviewer sees of an assignment: never who wrote the answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ToReview {
    pub assignment: Assignment,
    pub round: Round,
    pub exam_title: String,
    pub prompt: String,
    pub body: String,
}

/// An assignment, if `reviewer` holds it.
pub fn to_review(conn: &mut Conn, id: i64, reviewer: i64) -> DbResult<Option<ToReview>> {
    let row: Option<(AssignmentRow, RoundRow, String, String, String)> = on_conn!(conn, c => review_assignments::table
        .inner_join(review_rounds::table.inner_join(exams::table))
        .inner_join(answers::table.inner_join(exam_items::table))
        .filter(review_assignments::id.eq(id).and(review_assignments::reviewer_id.eq(reviewer)))
        .select((AssignmentRow::as_select(), RoundRow::as_select(), exams::title, exam_items::prompt, answers::body))
        .first(c)
        .optional())?;
    row.map(|(assignment, round, exam_title, prompt, body)| {
        Ok(ToReview {
            assignment: assignment.decode()?,
            round: round.decode()?,
            exam_title,
            prompt,
            body,
        })
    })
    .transpose()
}

/// Stores a review, once. False if it was already submitted.
pub fn submit(
    conn: &mut Conn,
    id: i64,
    reviewer: i64,
    marks: &Marks,
    score: f64,
    comment: &str,
    now: i64,
) -> DbResult<bool> {
    Ok(on_conn!(conn, c => diesel::update(
        review_assignments::table.filter(
            review_assignments::id
                .eq(id)
                .and(review_assignments::reviewer_id.eq(reviewer))
                .and(review_assignments::submitted_at.is_null()),
        ),
    )
    .set((
        review_assignments::marks_json.eq(to_json(marks)),
        review_assignments::score.eq(score),
        review_assignments::comment.eq(comment),
        review_assignments::submitted_at.eq(now),
    ))
    .execute(c))?
        == 1)
}

/// Hands open reviews of `from` to other reviewers as (assignment, reviewer),
/// due at `due_at`, in one transaction; the number moved. A review submitted
/// meanwhile stays where it is.
pub fn reassign(conn: &mut Conn, from: i64, moves: &[(i64, i64)], due_at: i64) -> DbResult<usize> {
    write_tx(conn, |conn| {
        let mut moved = 0;
        for (id, to) in moves {
            moved += on_conn!(conn, c => diesel::update(
                review_assignments::table.filter(
                    review_assignments::id
                        .eq(id)
                        .and(review_assignments::reviewer_id.eq(from))
                        .and(review_assignments::submitted_at.is_null()),
                ),
            )
            .set((
                review_assignments::reviewer_id.eq(to),
                review_assignments::due_at.eq(due_at),
                review_assignments::reassigned_from.eq(from),
            ))
            .execute(c))?;
        }
        Ok(moved)
    })
}

/// Deletes `reviewer`'s assignments `ids` that are still open; the number deleted.
pub fn drop_open(conn: &mut Conn, ids: &[i64], reviewer: i64) -> DbResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(on_conn!(conn, c => diesel::delete(
        review_assignments::table.filter(
            review_assignments::id
                .eq_any(ids)
                .and(review_assignments::reviewer_id.eq(reviewer))
                .and(review_assignments::submitted_at.is_null()),
        ),
    )
    .execute(c))?)
}

/// Adds reviews (answer, reviewer) to a round, due at `due_at`, in one
/// transaction; a pair the round already has is skipped.
pub fn add_assignments(
    conn: &mut Conn,
    round: RoundId,
    pairs: &[(AnswerId, i64)],
    due_at: i64,
) -> DbResult<usize> {
    write_tx(conn, |conn| {
        let mut added = 0;
        for (answer, reviewer) in pairs {
            added += on_conn!(conn, c => diesel::insert_into(review_assignments::table)
                .values((
                    review_assignments::round_id.eq(round),
                    review_assignments::answer_id.eq(answer),
                    review_assignments::reviewer_id.eq(reviewer),
                    review_assignments::due_at.eq(due_at),
                ))
                .on_conflict_do_nothing()
                .execute(c))?;
        }
        Ok(added)
    })
}

/// Every assignment of a round.
pub fn assignments(conn: &mut Conn, round: RoundId) -> DbResult<Vec<Assignment>> {
    decode_assignments(on_conn!(conn, c => review_assignments::table
        .filter(review_assignments::round_id.eq(round))
        .order(review_assignments::id)
        .select(AssignmentRow::as_select())
        .load(c))?)
}

/// What earlier rounds' reviewer models are fitted from, for many rounds in
/// three queries: their reviews, calibration tries, and the leads' grades of
/// their exams (with each grade's exam).
pub struct Marked {
    pub assignments: Vec<Assignment>,
    pub calibrations: Vec<Calibration>,
    /// Each lead's grade with the exam of the answer it grades.
    pub grades: Vec<(ExamId, LeadGrade)>,
}

pub fn marked(conn: &mut Conn, rounds: &[Round]) -> DbResult<Marked> {
    let ids: Vec<RoundId> = rounds.iter().map(|r| r.id).collect();
    let exams: Vec<ExamId> = rounds.iter().map(|r| r.exam_id).collect();
    let grades: Vec<(ExamId, LeadGradeRow)> = on_conn!(conn, c => lead_grades::table
        .inner_join(answers::table.inner_join(attempts::table))
        .filter(attempts::exam_id.eq_any(&exams))
        .select((attempts::exam_id, LeadGradeRow::as_select()))
        .load(c))?;
    Ok(Marked {
        assignments: decode_assignments(on_conn!(conn, c => review_assignments::table
            .filter(review_assignments::round_id.eq_any(&ids))
            .order(review_assignments::id)
            .select(AssignmentRow::as_select())
            .load(c))?)?,
        calibrations: decode_calibrations(on_conn!(conn, c => review_calibrations::table
            .filter(review_calibrations::round_id.eq_any(&ids))
            .order(review_calibrations::id)
            .select(CalibrationRow::as_select())
            .load(c))?)?,
        grades: grades
            .into_iter()
            .map(|(exam, grade)| Ok((exam, grade.decode()?)))
            .collect::<DbResult<_>>()?,
    })
}
