//! Champion and challenger in review rounds: a question's official script,
//! entered anonymously, judged against every other answer to it on what
//! people said (`domain::review::champion`).

use super::*;
use crate::domain::review::champion::{self, Bout};

impl Final {
    /// What people said of the answer, without the machine: its reviews,
    /// comparisons and a lead's grade, blended with the round's weights. An
    /// official script is judged on this against its challengers, since an
    /// item's references hold the script itself.
    pub fn peer_result(&self, weights: Weights) -> Option<f64> {
        let lead = self
            .blended
            .parts
            .iter()
            .find(|(source, _, _)| *source == blend::Source::Lead)
            .map(|(_, score, _)| *score);
        let parts = blend::Parts {
            automatic: None,
            peer: self.peer,
            comparative: self.comparative.as_ref().map(|c| c.score),
            lead,
        };
        blend::blend(parts, weights).score
    }
}

/// A round's submitted comparisons as judgements.
pub(super) fn judgements_of(judged: &[review::ComparisonRow]) -> Vec<Judgement> {
    judged
        .iter()
        .filter_map(|c| {
            let winner = c.winner?;
            let loser = if winner == c.answer_a {
                c.answer_b
            } else {
                c.answer_a
            };
            Some(Judgement {
                winner: winner.get(),
                loser: loser.get(),
            })
        })
        .collect()
}

/// Champion and challenger in a round: for each official script entered in
/// it, every other answer to its item against it, best challenger first.
pub fn bouts_of(evidence: &Evidence, outcome: &Outcome) -> Vec<(review::IncumbentRow, Vec<Bout>)> {
    let judgements = judgements_of(&evidence.judged);
    let result = |id: i64| {
        outcome
            .finals
            .get(&AnswerId(id))
            .and_then(|f| f.peer_result(outcome.weights))
    };
    evidence
        .incumbents
        .iter()
        .map(|incumbent| {
            let item = evidence
                .answers
                .iter()
                .find(|a| a.id == incumbent.answer_id)
                .map(|a| a.item_id);
            let challengers: Vec<i64> = evidence
                .answers
                .iter()
                .filter(|a| Some(a.item_id) == item)
                .map(|a| a.id.get())
                .collect();
            let bouts =
                champion::bouts(incumbent.answer_id.get(), &challengers, result, &judgements);
            (incumbent.clone(), bouts)
        })
        .collect()
}

/// The bouts of the rounds of `exams`, with each round's exam.
pub fn bouts_of_exams(
    conn: &mut Conn,
    exams: &[ExamId],
) -> DbResult<Vec<(ExamId, review::IncumbentRow, Vec<Bout>)>> {
    let mut out = Vec::new();
    walk_exams(conn, exams, |round, evidence, outcome| {
        for (incumbent, bouts) in bouts_of(evidence, outcome) {
            out.push((round.exam_id, incumbent, bouts));
        }
    })?;
    Ok(out)
}
