//! Who reviews what once a round is under way: late answers get reviewers, an
//! absent reviewer's reviews and a calibration example's own review are
//! handed on.

use std::collections::HashMap;

use crate::db::columns::{AnswerId, ExamId};
use crate::db::{review, Conn, DbResult};
use crate::domain::review::assign;

/// Gives every answer of the exam's round that has no reviewer yet (trainees
/// who sent their saved answers once the exam had closed) k reviewers each,
/// the least busy of the round's reviewers, due at `due_at`. The number of
/// reviews added; None if the exam has no round.
pub fn assign_late(conn: &mut Conn, exam: ExamId, due_at: i64) -> DbResult<Option<usize>> {
    let Some(round) = review::round_for_exam(conn, exam)? else {
        return Ok(None);
    };
    let authored = review::answers_with_authors(conn, exam)?;
    let current: Vec<(i64, i64)> = review::assignments(conn, round.id)?
        .iter()
        .map(|a| (a.answer_id.get(), a.reviewer_id))
        .collect();
    let late: Vec<assign::Answer> = authored
        .iter()
        .filter(|a| !current.iter().any(|(id, _)| *id == a.answer.get()))
        .map(|a| assign::Answer {
            id: a.answer.get(),
            author: a.author,
        })
        .collect();
    let reviewers: Vec<i64> = authored.iter().map(|a| a.author).collect();
    let pairs: Vec<(AnswerId, i64)> = assign::extend(&late, &current, &reviewers, round.k as usize)
        .into_iter()
        .map(|(answer, reviewer)| (AnswerId(answer), reviewer))
        .collect();
    Ok(Some(review::add_assignments(
        conn, round.id, &pairs, due_at,
    )?))
}

/// Hands reviewer `absent`'s open reviews in the exam's round to the least
/// busy other reviewers, due at `due_at`. The number moved; None if the exam
/// has no round.
pub fn reassign_absent(
    conn: &mut Conn,
    exam: ExamId,
    absent: i64,
    due_at: i64,
) -> DbResult<Option<usize>> {
    let Some(round) = review::round_for_exam(conn, exam)? else {
        return Ok(None);
    };
    hand_on(conn, &round, absent, |_| true, due_at).map(|(moved, _)| Some(moved))
}

/// Takes answer `answer` off `reviewer`'s open reviews in `round`, once they
/// have marked it as a calibration example: a live review of an answer whose
/// lead's grade they were just shown would be neither blind nor new. Another
/// reviewer takes it when one may; otherwise it is dropped (the answer keeps
/// the lead's grade). Whether anything changed.
pub fn release_example(
    conn: &mut Conn,
    round: &review::Round,
    reviewer: i64,
    answer: AnswerId,
) -> DbResult<bool> {
    let (moved, stuck) = hand_on(
        conn,
        round,
        reviewer,
        |a| a.answer_id == answer,
        round.due_at,
    )?;
    let dropped = review::drop_open(conn, &stuck, reviewer)?;
    Ok(moved + dropped > 0)
}

/// Moves `from`'s open reviews in `round` that `which` picks to the least busy
/// other reviewers, due at `due_at`: the number moved, and the assignments
/// nobody else may take.
fn hand_on(
    conn: &mut Conn,
    round: &review::Round,
    from: i64,
    which: impl Fn(&review::Assignment) -> bool,
    due_at: i64,
) -> DbResult<(usize, Vec<i64>)> {
    let authors: HashMap<AnswerId, i64> = review::answers_with_authors(conn, round.exam_id)?
        .into_iter()
        .map(|a| (a.answer, a.author))
        .collect();
    let held = review::assignments(conn, round.id)?;
    let open: Vec<assign::Open> = held
        .iter()
        .filter(|a| a.reviewer_id == from && a.submitted_at.is_none() && which(a))
        .filter_map(|a| {
            authors.get(&a.answer_id).map(|author| assign::Open {
                assignment: a.id,
                answer: a.answer_id.get(),
                author: *author,
            })
        })
        .collect();
    let current: Vec<(i64, i64)> = held
        .iter()
        .map(|a| (a.answer_id.get(), a.reviewer_id))
        .collect();
    let candidates: Vec<i64> = authors.values().copied().collect();
    let moves = assign::reassign(&open, &current, &candidates, from);
    let stuck = open
        .iter()
        .map(|o| o.assignment)
        .filter(|id| !moves.iter().any(|(moved, _)| moved == id))
        .collect();
    Ok((review::reassign(conn, from, &moves, due_at)?, stuck))
}
