//! Taking a scenario dialogue: each reply is sent on its own, stored at once
//! with the time it took, and answered by the customer's next message (or the
//! end of the conversation), as `domain::scenario` decides.

use crate::db::attempts;
use crate::db::columns::{AttemptId, ExamStatus, ItemId};
use crate::db::{exams, write_tx, Conn, DbError};
use crate::domain::exam;
use crate::domain::scenario::{self, Feeling, Said};
use crate::domain::types::{AnswerText, Invalid};

#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    /// No such attempt of this user, or no such scenario in its exam.
    #[error("not found")]
    NotFound,
    #[error("the attempt no longer takes answers")]
    Closed,
    #[error("the attempt is submitted")]
    Submitted,
    #[error("the conversation has ended")]
    Ended,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a sent reply led to.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The conversation so far, the reply just sent included.
    pub said: Vec<Said>,
    /// How the reply met the customer's feeling.
    pub feeling: Feeling,
    /// The customer's next message; None when the conversation ended.
    pub next: Option<String>,
}

/// Sends `reply` as `user`'s answer to the turn scenario `item` of `attempt`
/// awaits, with the ms spent on it.
pub fn send(
    conn: &mut Conn,
    attempt: AttemptId,
    user: i64,
    item: ItemId,
    reply: &str,
    spent_ms: i64,
    now: i64,
) -> Result<Sent, TurnError> {
    let reply = scenario::one_line(AnswerText::parse(reply)?.as_str());
    write_tx(conn, |conn| {
        let (row, exam_row) = attempts::find_with_exam(conn, attempt)?
            .filter(|(a, _)| a.user_id == user)
            .ok_or(TurnError::NotFound)?;
        if row.submitted_at.is_some() {
            return Err(TurnError::Submitted);
        }
        if exam_row.status != ExamStatus::Open || now > row.writable_until {
            return Err(TurnError::Closed);
        }
        let items = exams::items(conn, exam_row.id)?;
        let scenario = items
            .into_iter()
            .find(|i| i.id == item)
            .and_then(|i| i.scenario)
            .ok_or(TurnError::NotFound)?;
        let stored = attempts::answers(conn, attempt)?
            .into_iter()
            .find(|a| a.item_id == item);
        let (mut replies, mut turn_ms) = stored.map_or((Vec::new(), Vec::new()), |a| {
            (scenario::replies(&a.body), a.turn_ms)
        });
        if scenario.awaiting(&replies).is_none() {
            return Err(TurnError::Ended);
        }
        replies.push(reply.clone());
        turn_ms.resize(replies.len() - 1, 0);
        turn_ms.push(exam::clamp_spent(spent_ms));
        let said = scenario.said(&replies);
        attempts::save_turns(
            conn,
            attempt,
            item,
            &scenario::transcript(&said),
            &turn_ms,
            now,
        )?;
        Ok(Sent {
            next: scenario.awaiting(&replies).map(|t| t.customer.clone()),
            feeling: scenario::feeling(&reply),
            said,
        })
    })
}
