//! The loop closed backwards: an exam taken before a script was published,
//! or before its latest version, scored again against the library as it
//! stands — each item's references become the current script first, with
//! retired versions dropped — and what changed, per trainee and answer.

use super::LibraryError;
use crate::app::grading;
use crate::db::columns::{AttemptId, ExamId};
use crate::db::{attempts, exams, scripts, write_tx, Conn};
use crate::domain::library::item_references;

/// An answer whose score moved.
pub struct AnswerChange {
    pub position: i32,
    pub prompt: String,
    pub before: Option<f64>,
    pub after: f64,
}

/// A trainee's attempt scored again.
pub struct AttemptChange {
    pub attempt: AttemptId,
    pub name: String,
    pub before: Option<f64>,
    pub after: f64,
    pub answers: Vec<AnswerChange>,
}

pub struct Rescored {
    /// Positions of the items whose references changed.
    pub items: Vec<i32>,
    pub attempts: Vec<AttemptChange>,
}

/// Smaller moves are rounding, not a change worth showing.
const MOVED: f64 = 0.05;

pub fn rescore_exam(conn: &mut Conn, exam: ExamId) -> Result<Rescored, LibraryError> {
    write_tx(conn, |conn| {
        exams::find(conn, exam)?.ok_or(LibraryError::NotFound)?;
        let mut items = exams::items(conn, exam)?;
        let mut changed = Vec::new();
        for item in &mut items {
            let versions = match scripts::for_question(conn, item.question_id)? {
                Some(script) => scripts::versions(conn, script.id)?,
                None => vec![],
            };
            let retired: Vec<String> = versions.iter().skip(1).map(|v| v.text.clone()).collect();
            let current = versions.first().map(|v| v.text.as_str());
            let references = item_references(current, &retired, &item.references);
            if references != item.references {
                exams::set_references(conn, item.id, &references)?;
                item.references = references;
                changed.push(item.position);
            }
        }
        let answers = attempts::submitted_answers_for_exam(conn, exam)?;
        let weights = crate::app::weights::in_force(conn)?;
        let mut out = Vec::new();
        for taken in attempts::submitted_for_exam(conn, exam)? {
            let id = taken.attempt.id;
            let mine: Vec<_> = answers.iter().filter(|a| a.attempt_id == id).collect();
            let bodies: Vec<_> = mine.iter().map(|a| (a.item_id, a.body.clone())).collect();
            let (scored, total) = grading::grade(&items, &bodies, weights.as_ref())?;
            attempts::rescore(conn, id, &scored, total)?;
            let moved = scored
                .iter()
                .filter_map(|s| {
                    let before = mine.iter().find(|a| a.item_id == s.item_id)?.score;
                    let item = items.iter().find(|i| i.id == s.item_id)?;
                    let after = s.report.score;
                    (before.is_none_or(|b| (b - after).abs() >= MOVED)).then(|| AnswerChange {
                        position: item.position,
                        prompt: item.prompt.clone(),
                        before,
                        after,
                    })
                })
                .collect();
            out.push(AttemptChange {
                attempt: id,
                name: taken.display_name,
                before: taken.attempt.score,
                after: total,
                answers: moved,
            });
        }
        Ok(Rescored {
            items: changed,
            attempts: out,
        })
    })
}
