//! Final scores as every page shows them, kept in memory. A round's outcome
//! changes only when something it is computed from is written, and the
//! database moves `review_version` on with every such write (its own
//! triggers), so the walk over every round runs once per change rather than
//! once per page view. Before each use one primary-key read tells whether
//! what is kept is current, so every instance sharing a database agrees.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::*;
use crate::db::columns::AttemptId;

/// The final scores of every round's exam.
#[derive(Default)]
struct Kept {
    /// Each submitted attempt's final score (the mean of its reviewed
    /// answers'), by exam.
    attempts: HashMap<ExamId, HashMap<AttemptId, f64>>,
    /// Each reviewed answer's final score, by exam.
    answers: HashMap<ExamId, HashMap<AnswerId, f64>>,
}

impl Kept {
    fn compute(conn: &mut Conn) -> DbResult<Kept> {
        let mut kept = Kept::default();
        let rounds = review::rounds(conn)?;
        walk(conn, rounds, |round, evidence| {
            let outcome = outcome(&round, &evidence)?;
            kept.attempts
                .insert(round.exam_id, attempt_finals(&evidence, &outcome));
            let answers = outcome
                .finals
                .iter()
                .filter_map(|(id, f)| f.reviewed().map(|score| (*id, score)))
                .collect();
            kept.answers.insert(round.exam_id, answers);
            Ok(())
        })?;
        Ok(kept)
    }
}

/// The process's final scores, shared by every request.
#[derive(Default)]
pub struct Finals {
    current: RwLock<Option<(i64, Arc<Kept>)>>,
}

impl Finals {
    /// The final score of each submitted attempt at any of `exams`, to one
    /// decimal (as the result page counts it); attempts with no reviewed
    /// answer are left out.
    pub fn of_attempts(
        &self,
        conn: &mut Conn,
        exams: &[ExamId],
    ) -> DbResult<HashMap<AttemptId, f64>> {
        let kept = self.kept(conn)?;
        Ok(gathered(&kept.attempts, exams))
    }

    /// Each reviewed answer's final score in the rounds of `exams`.
    pub fn of_answers(
        &self,
        conn: &mut Conn,
        exams: &[ExamId],
    ) -> DbResult<HashMap<AnswerId, f64>> {
        let kept = self.kept(conn)?;
        Ok(gathered(&kept.answers, exams))
    }

    /// What is kept while the review data has not moved on, else computed
    /// anew.
    fn kept(&self, conn: &mut Conn) -> DbResult<Arc<Kept>> {
        let version = review::version(conn)?;
        if let Ok(current) = self.current.read() {
            if let Some((at, kept)) = current.as_ref() {
                if *at == version {
                    return Ok(kept.clone());
                }
            }
        }
        // Computed from rows read after the version: at worst newer than it
        // says, and then computed once more on the next use.
        let kept = Arc::new(Kept::compute(conn)?);
        if let Ok(mut current) = self.current.write() {
            *current = Some((version, kept.clone()));
        }
        Ok(kept)
    }
}

fn gathered<K: Copy + Eq + std::hash::Hash>(
    by_exam: &HashMap<ExamId, HashMap<K, f64>>,
    exams: &[ExamId],
) -> HashMap<K, f64> {
    exams
        .iter()
        .filter_map(|exam| by_exam.get(exam))
        .flat_map(|finals| finals.iter().map(|(k, v)| (*k, *v)))
        .collect()
}
