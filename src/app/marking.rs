//! What reviewers and leads record on answers: a review (after the calibration
//! examples a reviewer must get right first), a calibration try, a "which
//! would you send?" verdict, a lead's grade, and a trainee's appeal. Each
//! checks who may record it and whether it is still open, then stores it.

use crate::app::review::{current_rubric, release_example};
use crate::db::columns::{AnswerId, ExamId};
use crate::db::{review, write_tx, Conn, DbError};
use crate::domain::review::criteria::{self, Marks, Rubric};

/// How long after a round's due date its scores may be appealed.
pub const APPEAL_DAYS: i64 = 7;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, thiserror::Error)]
pub enum MarkingError {
    /// Not there, or not this user's to see.
    #[error("not found")]
    NotFound,
    #[error("a calibration example comes first")]
    CalibrateFirst,
    #[error("past its due date")]
    Closed,
    #[error("already submitted")]
    AlreadySubmitted,
    /// The marks do not cover the rubric.
    #[error("incomplete marks: {0}")]
    Incomplete(String),
    /// A verdict for an answer that is not one of the pair.
    #[error("not one of the two answers")]
    NotInPair,
    #[error("the appeal window is closed")]
    AppealClosed,
    #[error("already appealed")]
    AppealExists,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A calibration example still to get right, the nth of `of`.
pub struct Pending {
    pub example: review::Example,
    pub nth: usize,
    pub of: usize,
}

/// Reviewer's assignment `id` (NotFound for anyone else's) with the
/// calibration example they must get right before it, if any.
pub fn assignment(
    conn: &mut Conn,
    id: i64,
    reviewer: i64,
    now: i64,
) -> Result<(review::ToReview, Option<Pending>), MarkingError> {
    let found = review::to_review(conn, id, reviewer)?.ok_or(MarkingError::NotFound)?;
    let open =
        found.assignment.submitted_at.is_none() && now <= found.assignment.due(found.round.due_at);
    let pending = if open {
        pending_example(conn, &found.round, reviewer)?
    } else {
        None
    };
    Ok((found, pending))
}

/// The calibration example `reviewer` must get right before their first
/// review of a round: the first of the exam's examples not yet passed. None
/// once they have reviewed (the training comes before, not in the middle).
fn pending_example(
    conn: &mut Conn,
    round: &review::Round,
    reviewer: i64,
) -> Result<Option<Pending>, DbError> {
    if review::has_reviewed(conn, round.id, reviewer)? {
        return Ok(None);
    }
    let passed: Vec<AnswerId> = review::calibrations(conn, round.id, Some(reviewer))?
        .into_iter()
        .filter(|c| c.passed_at.is_some())
        .map(|c| c.answer_id)
        .collect();
    let examples = review::examples(conn, round.exam_id, reviewer)?;
    let of = examples.len();
    Ok(examples
        .into_iter()
        .enumerate()
        .find(|(_, e)| !passed.contains(&e.answer_id))
        .map(|(i, example)| Pending {
            example,
            nth: i + 1,
            of,
        }))
}

fn total(rubric: &Rubric, marks: &Marks) -> Result<f64, MarkingError> {
    criteria::total(rubric, marks)
        .map(|t| t.score)
        .map_err(|e| MarkingError::Incomplete(e.to_string()))
}

/// Stores reviewer's marks and comment on assignment `id`, once, while it is
/// open and after their calibration.
pub fn submit_review(
    conn: &mut Conn,
    id: i64,
    reviewer: i64,
    marks: &Marks,
    comment: &str,
    now: i64,
) -> Result<(), MarkingError> {
    let (found, pending) = assignment(conn, id, reviewer, now)?;
    if pending.is_some() {
        return Err(MarkingError::CalibrateFirst);
    }
    if found.assignment.submitted_at.is_some() {
        return Err(MarkingError::AlreadySubmitted);
    }
    if now > found.assignment.due(found.round.due_at) {
        return Err(MarkingError::Closed);
    }
    let score = total(&found.round.rubric, marks)?;
    if !review::submit(conn, id, reviewer, marks, score, comment, now)? {
        return Err(MarkingError::AlreadySubmitted);
    }
    Ok(())
}

/// A try at `example`, the calibration example pending before the review
/// `found`: where the marks differ from the lead's (empty when calibrated).
/// Only the first try counts towards the reviewer's reputation; every try is
/// counted. Once passed, the reviewer's own live review of the example is
/// handed on.
pub fn try_calibration(
    conn: &mut Conn,
    found: &review::ToReview,
    example: &review::Example,
    marks: &Marks,
    now: i64,
) -> Result<Vec<criteria::Off>, MarkingError> {
    let rubric = &found.round.rubric;
    let off = criteria::calibrate(rubric, marks, &example.grade.marks);
    let attempt = review::Try {
        round: found.round.id,
        reviewer: found.assignment.reviewer_id,
        answer: example.answer_id,
        marks,
        score: total(rubric, marks)?,
        passed: off.is_empty(),
    };
    write_tx(conn, |conn| {
        review::record_try(conn, &attempt, now)?;
        if attempt.passed {
            release_example(conn, &found.round, attempt.reviewer, example.answer_id)?;
        }
        Ok::<_, DbError>(())
    })?;
    Ok(off)
}

/// Records which of comparison `id`'s two answers the reviewer would send.
pub fn judge(
    conn: &mut Conn,
    id: i64,
    reviewer: i64,
    winner: AnswerId,
    now: i64,
) -> Result<(), MarkingError> {
    let found = review::to_compare(conn, id, reviewer)?.ok_or(MarkingError::NotFound)?;
    if found.comparison.submitted_at.is_some() {
        return Err(MarkingError::AlreadySubmitted);
    }
    if now > found.due_at {
        return Err(MarkingError::Closed);
    }
    if !review::judge(conn, id, reviewer, winner, now)? {
        return Err(MarkingError::NotInPair);
    }
    Ok(())
}

/// An answer to grade with the rubric it is graded on: its round's, frozen
/// when the round started, or the team's current one before any round.
pub fn to_grade(
    conn: &mut Conn,
    answer: AnswerId,
) -> Result<(review::ToGrade, Rubric), MarkingError> {
    let found = review::answer_to_grade(conn, answer)?.ok_or(MarkingError::NotFound)?;
    let rubric = match review::round_for_exam(conn, found.exam_id)? {
        Some(round) => round.rubric,
        None => current_rubric(conn)?,
    };
    Ok((found, rubric))
}

/// A lead's grade of an answer on its rubric; a later grade replaces it. The
/// exam the answer belongs to.
pub fn grade(
    conn: &mut Conn,
    answer: AnswerId,
    lead: i64,
    marks: &Marks,
    reason: &str,
    calibration: bool,
    now: i64,
) -> Result<ExamId, MarkingError> {
    let (found, rubric) = to_grade(conn, answer)?;
    let new = review::NewGrade {
        answer_id: answer,
        grader_id: lead,
        rubric: &rubric,
        marks,
        score: total(&rubric, marks)?,
        reason,
        calibration,
    };
    review::grade(conn, &new, now)?;
    Ok(found.exam_id)
}

/// A trainee's appeal of their answer's final score, once per answer, until
/// `APPEAL_DAYS` after the round's due date.
pub fn appeal(
    conn: &mut Conn,
    answer: AnswerId,
    author: i64,
    reason: &str,
    better: Option<&str>,
    now: i64,
) -> Result<(), MarkingError> {
    // Someone else's answer does not exist, as far as this trainee can tell.
    if !review::owns_answer(conn, answer, author)? {
        return Err(MarkingError::NotFound);
    }
    let found = review::answer_to_grade(conn, answer)?.ok_or(MarkingError::NotFound)?;
    let round = review::round_for_exam(conn, found.exam_id)?.ok_or(MarkingError::AppealClosed)?;
    if now > round.due_at + APPEAL_DAYS * DAY_MS {
        return Err(MarkingError::AppealClosed);
    }
    if !review::appeal(conn, answer, author, reason, better, now)? {
        return Err(MarkingError::AppealExists);
    }
    Ok(())
}
