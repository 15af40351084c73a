//! Peer-review rounds and their assignments. Who reviews what is decided by
//! `domain::review::assign`; the marks are combined by `domain::review::aggregate`.

use diesel::prelude::*;

use super::schema::{
    answers, appeals, attempts, exam_items, exams, lead_grades, review_assignments,
    review_calibrations, review_comparisons, review_rounds, review_rubrics,
};
use super::{on_conn, write_tx, Conn, DbResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_rounds)]
pub struct RoundRow {
    pub id: i64,
    pub exam_id: i64,
    pub k: i32,
    pub seed: i64,
    pub rubric_json: String,
    pub due_at: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub weights_json: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_assignments)]
pub struct AssignmentRow {
    pub id: i64,
    pub round_id: i64,
    pub answer_id: i64,
    pub reviewer_id: i64,
    pub marks_json: Option<String>,
    pub score: Option<f64>,
    pub comment: Option<String>,
    pub submitted_at: Option<i64>,
    /// Set when a lead re-assigned the review; otherwise the round's.
    pub due_at: Option<i64>,
    pub reassigned_from: Option<i64>,
}

impl AssignmentRow {
    /// When this review closes: its own due date if re-assigned, else the round's.
    pub fn due(&self, round_due: i64) -> i64 {
        self.due_at.unwrap_or(round_due)
    }
}

pub struct NewRound<'a> {
    pub exam_id: i64,
    pub k: i32,
    pub seed: i64,
    pub rubric_json: &'a str,
    pub due_at: i64,
    pub created_by: i64,
}

/// Every submitted answer of an exam as (answer, author, item): what a round reviews.
pub fn answers_with_authors(conn: &mut Conn, exam_id: i64) -> DbResult<Vec<(i64, i64, i64)>> {
    Ok(on_conn!(conn, c => answers::table
        .inner_join(attempts::table)
        .filter(attempts::exam_id.eq(exam_id).and(attempts::submitted_at.is_not_null()))
        .order(answers::id)
        .select((answers::id, attempts::user_id, answers::item_id))
        .load(c))?)
}

/// Creates a round with its assignments (answer, reviewer) and comparisons
/// (reviewer, answer, answer) in one transaction; None if the exam already has one.
pub fn create_round(
    conn: &mut Conn,
    new: &NewRound,
    pairs: &[(i64, i64)],
    comparisons: &[(i64, i64, i64)],
    now: i64,
) -> DbResult<Option<i64>> {
    write_tx(conn, |conn| {
        let id: Option<i64> = on_conn!(conn, c => diesel::insert_into(review_rounds::table)
            .values((
                review_rounds::exam_id.eq(new.exam_id),
                review_rounds::k.eq(new.k),
                review_rounds::seed.eq(new.seed),
                review_rounds::rubric_json.eq(new.rubric_json),
                review_rounds::due_at.eq(new.due_at),
                review_rounds::created_by.eq(new.created_by),
                review_rounds::created_at.eq(now),
            ))
            .on_conflict(review_rounds::exam_id)
            .do_nothing()
            .returning(review_rounds::id)
            .get_result(c)
            .optional())?;
        let Some(id) = id else {
            return Ok(None);
        };
        for (answer, reviewer) in pairs {
            on_conn!(conn, c => diesel::insert_into(review_assignments::table)
                .values((
                    review_assignments::round_id.eq(id),
                    review_assignments::answer_id.eq(answer),
                    review_assignments::reviewer_id.eq(reviewer),
                ))
                .execute(c))?;
        }
        for (reviewer, a, b) in comparisons {
            on_conn!(conn, c => diesel::insert_into(review_comparisons::table)
                .values((
                    review_comparisons::round_id.eq(id),
                    review_comparisons::reviewer_id.eq(reviewer),
                    review_comparisons::answer_a.eq(a),
                    review_comparisons::answer_b.eq(b),
                ))
                .execute(c))?;
        }
        Ok(Some(id))
    })
}

pub fn round_for_exam(conn: &mut Conn, exam_id: i64) -> DbResult<Option<RoundRow>> {
    Ok(on_conn!(conn, c => review_rounds::table
        .filter(review_rounds::exam_id.eq(exam_id))
        .select(RoundRow::as_select())
        .first(c)
        .optional())?)
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
    pub assignment: AssignmentRow,
    pub round: RoundRow,
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
    Ok(
        row.map(|(assignment, round, exam_title, prompt, body)| ToReview {
            assignment,
            round,
            exam_title,
            prompt,
            body,
        }),
    )
}

/// Stores a review, once. False if it was already submitted.
pub fn submit(
    conn: &mut Conn,
    id: i64,
    reviewer: i64,
    marks_json: &str,
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
        review_assignments::marks_json.eq(marks_json),
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

/// Adds reviews (answer, reviewer) to a round, due at `due_at`, in one
/// transaction; a pair the round already has is skipped.
pub fn add_assignments(
    conn: &mut Conn,
    round: i64,
    pairs: &[(i64, i64)],
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

/// Sets how a round's final scores blend their parts.
pub fn set_weights(conn: &mut Conn, round: i64, weights_json: &str) -> DbResult<()> {
    on_conn!(conn, c => diesel::update(review_rounds::table.find(round))
        .set(review_rounds::weights_json.eq(weights_json))
        .execute(c))?;
    Ok(())
}

/// Every assignment of a round.
pub fn assignments(conn: &mut Conn, round: i64) -> DbResult<Vec<AssignmentRow>> {
    Ok(on_conn!(conn, c => review_assignments::table
        .filter(review_assignments::round_id.eq(round))
        .order(review_assignments::id)
        .select(AssignmentRow::as_select())
        .load(c))?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = lead_grades)]
pub struct LeadGradeRow {
    pub id: i64,
    pub answer_id: i64,
    pub grader_id: i64,
    pub rubric_json: String,
    pub marks_json: String,
    pub score: f64,
    pub reason: String,
    pub calibration: bool,
    pub graded_at: i64,
}

pub struct NewGrade<'a> {
    pub answer_id: i64,
    pub grader_id: i64,
    pub rubric_json: &'a str,
    pub marks_json: &'a str,
    pub score: f64,
    pub reason: &'a str,
    pub calibration: bool,
}

/// A lead's grade of an answer; a later grade by any lead replaces it.
pub fn grade(conn: &mut Conn, g: &NewGrade, now: i64) -> DbResult<()> {
    let values = (
        lead_grades::answer_id.eq(g.answer_id),
        lead_grades::grader_id.eq(g.grader_id),
        lead_grades::rubric_json.eq(g.rubric_json),
        lead_grades::marks_json.eq(g.marks_json),
        lead_grades::score.eq(g.score),
        lead_grades::reason.eq(g.reason),
        lead_grades::calibration.eq(g.calibration),
        lead_grades::graded_at.eq(now),
    );
    on_conn!(conn, c => diesel::insert_into(lead_grades::table)
        .values(values)
        .on_conflict(lead_grades::answer_id)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}

/// The leads' grades of an exam's answers.
pub fn grades_for_exam(conn: &mut Conn, exam_id: i64) -> DbResult<Vec<LeadGradeRow>> {
    Ok(on_conn!(conn, c => lead_grades::table
        .inner_join(answers::table.inner_join(attempts::table))
        .filter(attempts::exam_id.eq(exam_id))
        .select(LeadGradeRow::as_select())
        .load(c))?)
}

/// What earlier rounds' reviewer models are fitted from, for many rounds in
/// three queries: their reviews, calibration tries, and the leads' grades of
/// their exams (with each grade's exam).
pub struct Marked {
    pub assignments: Vec<AssignmentRow>,
    pub calibrations: Vec<CalibrationRow>,
    pub grades: Vec<(i64, LeadGradeRow)>,
}

pub fn marked(conn: &mut Conn, rounds: &[RoundRow]) -> DbResult<Marked> {
    let ids: Vec<i64> = rounds.iter().map(|r| r.id).collect();
    let exams: Vec<i64> = rounds.iter().map(|r| r.exam_id).collect();
    Ok(Marked {
        assignments: on_conn!(conn, c => review_assignments::table
            .filter(review_assignments::round_id.eq_any(&ids))
            .order(review_assignments::id)
            .select(AssignmentRow::as_select())
            .load(c))?,
        calibrations: on_conn!(conn, c => review_calibrations::table
            .filter(review_calibrations::round_id.eq_any(&ids))
            .order(review_calibrations::id)
            .select(CalibrationRow::as_select())
            .load(c))?,
        grades: on_conn!(conn, c => lead_grades::table
            .inner_join(answers::table.inner_join(attempts::table))
            .filter(attempts::exam_id.eq_any(&exams))
            .select((attempts::exam_id, LeadGradeRow::as_select()))
            .load(c))?,
    })
}

/// An answer with its question and any lead's grade, for the grading page.
pub struct ToGrade {
    pub exam_id: i64,
    pub prompt: String,
    pub body: String,
    pub grade: Option<LeadGradeRow>,
}

pub fn answer_to_grade(conn: &mut Conn, answer: i64) -> DbResult<Option<ToGrade>> {
    let row: Option<(i64, String, String)> = on_conn!(conn, c => answers::table
        .inner_join(exam_items::table)
        .filter(answers::id.eq(answer))
        .select((exam_items::exam_id, exam_items::prompt, answers::body))
        .first(c)
        .optional())?;
    let Some((exam_id, prompt, body)) = row else {
        return Ok(None);
    };
    let grade: Option<LeadGradeRow> = on_conn!(conn, c => lead_grades::table
        .filter(lead_grades::answer_id.eq(answer))
        .select(LeadGradeRow::as_select())
        .first(c)
        .optional())?;
    Ok(Some(ToGrade {
        exam_id,
        prompt,
        body,
        grade,
    }))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_comparisons)]
pub struct ComparisonRow {
    pub id: i64,
    pub round_id: i64,
    pub reviewer_id: i64,
    pub answer_a: i64,
    pub answer_b: i64,
    pub winner: Option<i64>,
    pub submitted_at: Option<i64>,
}

/// A reviewer's open comparisons, with the exam's title and the due time.
pub fn comparison_queue(
    conn: &mut Conn,
    reviewer: i64,
) -> DbResult<Vec<(ComparisonRow, String, i64)>> {
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
    let bodies: Vec<(i64, String, String)> = on_conn!(conn, c => answers::table
        .inner_join(exam_items::table)
        .filter(answers::id.eq_any([comparison.answer_a, comparison.answer_b]))
        .select((answers::id, exam_items::prompt, answers::body))
        .load(c))?;
    let body = |id: i64| {
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
pub fn judge(conn: &mut Conn, id: i64, reviewer: i64, winner: i64, now: i64) -> DbResult<bool> {
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
pub fn comparisons(conn: &mut Conn, round: i64) -> DbResult<Vec<ComparisonRow>> {
    Ok(on_conn!(conn, c => review_comparisons::table
        .filter(review_comparisons::round_id.eq(round))
        .select(ComparisonRow::as_select())
        .load(c))?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = appeals)]
pub struct AppealRow {
    pub id: i64,
    pub answer_id: i64,
    pub user_id: i64,
    pub reason: String,
    pub better_answer: Option<String>,
    pub status: String,
    pub decision: Option<String>,
    pub decided_by: Option<i64>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// A trainee's appeal against their answer's score, once per answer. False if
/// the answer is not theirs or was appealed already.
/// Whether `answer` is one of `user`'s own.
pub fn owns_answer(conn: &mut Conn, answer: i64, user: i64) -> DbResult<bool> {
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
    answer: i64,
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
            appeals::status.eq("open"),
            appeals::created_at.eq(now),
        ))
        .on_conflict(appeals::answer_id)
        .do_nothing()
        .execute(c))?
        == 1)
}

/// The appeals against an exam's answers.
pub fn appeals_for_exam(conn: &mut Conn, exam_id: i64) -> DbResult<Vec<AppealRow>> {
    Ok(on_conn!(conn, c => appeals::table
        .inner_join(answers::table.inner_join(attempts::table))
        .filter(attempts::exam_id.eq(exam_id))
        .order(appeals::id)
        .select(AppealRow::as_select())
        .load(c))?)
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
        let changed = on_conn!(conn, c => diesel::update(appeals::table.filter(appeals::id.eq(id).and(appeals::status.eq("open"))))
            .set((
                appeals::status.eq(if upheld { "upheld" } else { "rejected" }),
                appeals::decision.eq(decision),
                appeals::decided_by.eq(lead),
                appeals::decided_at.eq(now),
            ))
            .execute(c))?;
        if changed == 0 {
            return Ok(None);
        }
        Ok(Some(on_conn!(conn, c => appeals::table
            .inner_join(answers::table.inner_join(attempts::table))
            .filter(appeals::id.eq(id))
            .select(attempts::exam_id)
            .first(c))?))
    })
}

/// The better replies proposed with upheld appeals on answers to a question,
/// oldest first.
pub fn upheld_better_answers(conn: &mut Conn, question_id: i64) -> DbResult<Vec<String>> {
    let rows: Vec<Option<String>> = on_conn!(conn, c => appeals::table
        .inner_join(answers::table.inner_join(exam_items::table))
        .filter(
            exam_items::question_id
                .eq(question_id)
                .and(appeals::status.eq("upheld"))
                .and(appeals::better_answer.is_not_null()),
        )
        .order(appeals::id)
        .select(appeals::better_answer)
        .load(c))?;
    Ok(rows.into_iter().flatten().collect())
}

/// Per exam whose review round is past its due date: how many answers got no
/// review and no lead's grade (the lead's queue), as (exam id, title, count).
pub fn needing_lead(conn: &mut Conn, now: i64) -> DbResult<Vec<(i64, String, i64)>> {
    use diesel::dsl::{exists, not};
    let rows: Vec<(i64, String)> = on_conn!(conn, c => answers::table
        .inner_join(attempts::table.inner_join(exams::table.inner_join(review_rounds::table)))
        .filter(review_rounds::due_at.lt(now))
        .filter(not(exists(
            review_assignments::table.filter(
                review_assignments::answer_id.eq(answers::id).and(review_assignments::score.is_not_null()),
            ),
        )))
        .filter(not(exists(lead_grades::table.filter(lead_grades::answer_id.eq(answers::id)))))
        .select((exams::id, exams::title))
        .load(c))?;
    let mut out: Vec<(i64, String, i64)> = Vec::new();
    for (exam, title) in rows {
        match out.iter_mut().find(|(e, _, _)| *e == exam) {
            Some(entry) => entry.2 += 1,
            None => out.push((exam, title, 1)),
        }
    }
    Ok(out)
}

/// Every round, oldest first.
pub fn rounds(conn: &mut Conn) -> DbResult<Vec<RoundRow>> {
    Ok(on_conn!(conn, c => review_rounds::table
        .order((review_rounds::created_at, review_rounds::id))
        .select(RoundRow::as_select())
        .load(c))?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_calibrations)]
pub struct CalibrationRow {
    pub id: i64,
    pub round_id: i64,
    pub reviewer_id: i64,
    pub answer_id: i64,
    pub first_marks_json: String,
    pub first_score: f64,
    pub tries: i32,
    pub passed_at: Option<i64>,
}

/// A calibration example: an answer a lead graded and explained.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Example {
    pub answer_id: i64,
    pub prompt: String,
    pub body: String,
    pub grade: LeadGradeRow,
}

/// The calibration examples of a round's exam that `reviewer` did not write.
pub fn examples(conn: &mut Conn, exam_id: i64, reviewer: i64) -> DbResult<Vec<Example>> {
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
    Ok(rows
        .into_iter()
        .map(|(grade, prompt, body)| Example {
            answer_id: grade.answer_id,
            prompt,
            body,
            grade,
        })
        .collect())
}

/// A reviewer's calibration tries in a round; all reviewers' when `reviewer` is None.
pub fn calibrations(
    conn: &mut Conn,
    round: i64,
    reviewer: Option<i64>,
) -> DbResult<Vec<CalibrationRow>> {
    Ok(on_conn!(conn, c => {
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
pub fn has_reviewed(conn: &mut Conn, round: i64, reviewer: i64) -> DbResult<bool> {
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
    pub round: i64,
    pub reviewer: i64,
    pub answer: i64,
    pub marks_json: &'a str,
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
                review_calibrations::first_marks_json.eq(t.marks_json),
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

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_rubrics)]
pub struct RubricRow {
    pub id: i64,
    pub version: i32,
    pub rubric_json: String,
    pub created_by: i64,
    pub created_at: i64,
}

/// Every stored rubric version, newest first.
pub fn rubrics(conn: &mut Conn) -> DbResult<Vec<RubricRow>> {
    Ok(on_conn!(conn, c => review_rubrics::table
        .order(review_rubrics::version.desc())
        .select(RubricRow::as_select())
        .load(c))?)
}

/// The rubrics frozen into rounds and leads' grades, as stored.
pub fn rubrics_in_use(conn: &mut Conn) -> DbResult<Vec<String>> {
    let mut used: Vec<String> = on_conn!(conn, c => review_rounds::table
        .select(review_rounds::rubric_json)
        .distinct()
        .load(c))?;
    used.extend(on_conn!(conn, c => lead_grades::table
        .select(lead_grades::rubric_json)
        .distinct()
        .load(c))?);
    Ok(used)
}

/// Stores a rubric version: replaces that version's row if there is one,
/// adds it otherwise.
pub fn save_rubric(
    conn: &mut Conn,
    version: i32,
    rubric_json: &str,
    by: i64,
    now: i64,
) -> DbResult<()> {
    let values = (
        review_rubrics::version.eq(version),
        review_rubrics::rubric_json.eq(rubric_json),
        review_rubrics::created_by.eq(by),
        review_rubrics::created_at.eq(now),
    );
    on_conn!(conn, c => diesel::insert_into(review_rubrics::table)
        .values(values)
        .on_conflict(review_rubrics::version)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}
