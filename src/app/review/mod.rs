//! What a review round says: each answer's final score (the reviewers' model,
//! comparisons, automatic scores and leads' grades blended), reviewers'
//! reputations from earlier rounds, the history of every round, and each
//! trainee's standing. Read through `db`, computed by `domain::review`; the
//! round page, the result page and the rankings all use these.

use std::collections::{BTreeMap, HashMap};

use crate::db::attempts::{self, Answer};
use crate::db::columns::{AnswerId, ExamId, ExamStatus, RoundId};
use crate::db::{self, review, Conn, DbResult};
use crate::domain::review::aggregate::{self, Mark, Reputation, Tuning};
use crate::domain::review::blend::{self, Weights};
use crate::domain::review::compare::{self, Judgement};
use crate::domain::review::criteria::{self, Rubric};
use crate::domain::review::standings;

mod bouts;
mod finals;
mod handing;
mod start;
pub use bouts::*;
pub use finals::Finals;
pub use handing::*;
pub use start::*;

/// The submitted reviews of a round as the model's marks.
fn marks_of(assignments: &[review::Assignment]) -> Vec<Mark> {
    assignments
        .iter()
        .filter_map(|a| {
            a.score.map(|score| Mark {
                item: a.answer_id.get(),
                reviewer: a.reviewer_id,
                score,
            })
        })
        .collect()
}

/// Leads' grades as the model's gold, by answer.
fn gold_of(grades: &[review::LeadGrade]) -> BTreeMap<i64, f64> {
    grades
        .iter()
        .map(|g| (g.answer_id.get(), g.score))
        .collect()
}

/// How many earlier reviews a reputation may count as, at most.
const REPUTATION_CAP: f64 = 20.0;

/// The model's input from a round: the submitted reviews as marks, the leads'
/// grades as gold, and each reviewer's first try at a calibration example as a
/// mark on that example with the lead's grade as its gold. Calibration items
/// are keyed by the negated answer id, so they never mix with the answers
/// being scored, yet measure the reviewer against the lead.
fn model_input(
    assignments: &[review::Assignment],
    calibrations: &[review::Calibration],
    grades: &[review::LeadGrade],
) -> (Vec<Mark>, BTreeMap<i64, f64>) {
    let mut marks = marks_of(assignments);
    let mut gold = gold_of(grades);
    for c in calibrations {
        if let Some(g) = grades.iter().find(|g| g.answer_id == c.answer_id) {
            marks.push(Mark {
                item: -c.answer_id.get(),
                reviewer: c.reviewer_id,
                score: c.first_score,
            });
            gold.insert(-c.answer_id.get(), g.score);
        }
    }
    (marks, gold)
}

/// The reviewers' model of one round, with `known` reputations as its priors
/// (none for the fit a round hands on to later rounds as reputation).
fn fit_round(
    assignments: &[review::Assignment],
    calibrations: &[review::Calibration],
    grades: &[review::LeadGrade],
    known: &HashMap<i64, Reputation>,
) -> aggregate::Fit {
    let (marks, gold) = model_input(assignments, calibrations, grades);
    aggregate::fit(&marks, &gold, known, Tuning::default())
}

/// A reviewer's average agreement with the lead on their first calibration
/// tries, 0–1; None if they had none.
pub fn calibration_agreement(
    rubric: &Rubric,
    calibrations: &[review::Calibration],
    grades: &[review::LeadGrade],
    reviewer: i64,
) -> Option<f64> {
    let shares: Vec<f64> = calibrations
        .iter()
        .filter(|c| c.reviewer_id == reviewer)
        .filter_map(|c| {
            let lead = grades.iter().find(|g| g.answer_id == c.answer_id)?;
            Some(criteria::agreement(rubric, &c.first_marks, &lead.marks))
        })
        .collect();
    (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64)
}

/// Reviewers' reputations from the rounds before `round`: their fits, with the
/// leads' grades and calibrations, averaged by reviews. Recomputed from the
/// stored marks (read in three queries whatever the number of rounds), so it
/// is never stale and every instance agrees.
fn reputation_before(conn: &mut Conn, round: &review::Round) -> DbResult<HashMap<i64, Reputation>> {
    let earlier: Vec<review::Round> = review::rounds(conn)?
        .into_iter()
        .take_while(|r| r.id != round.id)
        .collect();
    let all = review::marked(conn, &earlier)?;
    let fits: Vec<aggregate::Fit> = earlier
        .iter()
        .map(|r| {
            let assignments: Vec<review::Assignment> = all
                .assignments
                .iter()
                .filter(|a| a.round_id == r.id)
                .cloned()
                .collect();
            let calibrations: Vec<review::Calibration> = all
                .calibrations
                .iter()
                .filter(|c| c.round_id == r.id)
                .cloned()
                .collect();
            let grades: Vec<review::LeadGrade> = all
                .grades
                .iter()
                .filter(|(exam, _)| *exam == r.exam_id)
                .map(|(_, g)| g.clone())
                .collect();
            fit_round(&assignments, &calibrations, &grades, &HashMap::new())
        })
        .collect();
    Ok(aggregate::reputation(&fits, REPUTATION_CAP))
}

/// Everything a round's scores are computed from.
pub struct Evidence {
    /// The trainees' submitted answers, and the official scripts the round
    /// entered among them; from `history` and the final-score walks, the
    /// trainees' answers carry ids and scores only (no text, no report).
    pub answers: Vec<Answer>,
    /// Which of `answers` are official scripts, and which versions.
    pub incumbents: Vec<review::IncumbentRow>,
    /// The submitted attempts, with their trainees.
    pub submitted: Vec<attempts::Submitted>,
    pub assignments: Vec<review::Assignment>,
    pub judged: Vec<review::ComparisonRow>,
    pub grades: Vec<review::LeadGrade>,
    pub calibrations: Vec<review::Calibration>,
    /// Reviewers' reputations from earlier rounds.
    pub known: HashMap<i64, Reputation>,
}

pub fn evidence(conn: &mut Conn, round: &review::Round) -> DbResult<Evidence> {
    let known = reputation_before(conn, round)?;
    evidence_given(conn, round, known, Detail::Full)
}

/// How much of each answer the evidence carries.
#[derive(Clone, Copy, PartialEq)]
enum Detail {
    /// Text and report too, for the round's own page.
    Full,
    /// Ids and automatic scores: all an outcome reads. Final scores on
    /// every trainee's home page walk every round, so this is what they load.
    Scores,
}

fn evidence_given(
    conn: &mut Conn,
    round: &review::Round,
    known: HashMap<i64, Reputation>,
    detail: Detail,
) -> DbResult<Evidence> {
    let mut answers = match detail {
        Detail::Full => attempts::submitted_answers_for_exam(conn, round.exam_id)?,
        Detail::Scores => attempts::submitted_scores_for_exam(conn, round.exam_id)?,
    };
    answers.extend(review::incumbent_answers(conn, round.id)?);
    Ok(Evidence {
        answers,
        incumbents: review::incumbents(conn, round.id)?,
        submitted: attempts::submitted_for_exam(conn, round.exam_id)?,
        assignments: review::assignments(conn, round.id)?,
        judged: review::comparisons(conn, round.id)?,
        grades: review::grades_for_exam(conn, round.exam_id)?,
        calibrations: review::calibrations(conn, round.id, None)?,
        known,
    })
}

/// Every round, oldest first, with its evidence and outcome; each round's
/// reviewers are weighted by the rounds before it, as on its own page. One
/// pass: each round is fitted once for its outcome and once for the
/// reputations it hands on.
pub fn history(conn: &mut Conn) -> DbResult<Vec<(review::Round, Evidence, Outcome)>> {
    let mut out = Vec::new();
    let rounds = review::rounds(conn)?;
    walk(conn, rounds, |round, evidence| {
        let outcome = outcome(&round, &evidence)?;
        out.push((round, evidence, outcome));
        Ok(())
    })?;
    Ok(out)
}

/// Hands each round, oldest first, to `visit` with its evidence, its
/// reviewers weighted by the rounds before it.
fn walk(
    conn: &mut Conn,
    rounds: Vec<review::Round>,
    mut visit: impl FnMut(review::Round, Evidence) -> DbResult<()>,
) -> DbResult<()> {
    let mut fits = Vec::new();
    for round in rounds {
        let known = aggregate::reputation(&fits, REPUTATION_CAP);
        let evidence = evidence_given(conn, &round, known, Detail::Scores)?;
        fits.push(fit_round(
            &evidence.assignments,
            &evidence.calibrations,
            &evidence.grades,
            &HashMap::new(),
        ));
        visit(round, evidence)?;
    }
    Ok(())
}

/// Hands the rounds of `exams` to `visit`, walking the rounds once, oldest
/// first, and no further than the last one asked for (a round's reviewers are
/// weighted by the rounds before it).
fn walk_exams(
    conn: &mut Conn,
    exams: &[ExamId],
    mut visit: impl FnMut(&review::Round, &Evidence, &Outcome),
) -> DbResult<()> {
    let mut rounds = review::rounds(conn)?;
    let Some(last) = rounds.iter().rposition(|r| exams.contains(&r.exam_id)) else {
        return Ok(());
    };
    rounds.truncate(last + 1);
    walk(conn, rounds, |round, evidence| {
        if exams.contains(&round.exam_id) {
            visit(&round, &evidence, &outcome(&round, &evidence)?);
        }
        Ok(())
    })
}

/// Each attempt's final score in a round: the mean of its reviewed answers'
/// finals.
pub fn attempt_finals(
    evidence: &Evidence,
    outcome: &Outcome,
) -> HashMap<db::columns::AttemptId, f64> {
    let mut sums: HashMap<db::columns::AttemptId, (f64, usize)> = HashMap::new();
    for answer in &evidence.answers {
        if let Some(score) = outcome.finals.get(&answer.id).and_then(Final::reviewed) {
            let sum = sums.entry(answer.attempt_id).or_default();
            sum.0 += score;
            sum.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(attempt, (sum, n))| (attempt, (sum / n as f64 * 10.0).round() / 10.0))
        .collect()
}

/// Each trainee's standing in a round's exam, on the final scores.
pub fn standings_of(evidence: &Evidence, outcome: &Outcome) -> Vec<standings::Standing> {
    let scores: Vec<(i64, Option<f64>)> = evidence
        .answers
        .iter()
        .filter_map(|a| {
            let person = evidence
                .submitted
                .iter()
                .find(|s| s.attempt.id == a.attempt_id)?
                .attempt
                .user_id;
            Some((
                person,
                outcome.finals.get(&a.id).and_then(|f| f.blended.score),
            ))
        })
        .collect();
    standings::exam(&scores)
}

/// One answer's final score with the peer and comparative parts behind it.
pub struct Final {
    pub blended: blend::Blended,
    pub peer: Option<f64>,
    pub comparative: Option<compare::Strength>,
}

impl Final {
    /// The final score once anything beyond the automatic score went into it
    /// (a review, a comparison, a lead's grade); before that the automatic
    /// score is all there is, and is called that.
    pub fn reviewed(&self) -> Option<f64> {
        let beyond = self
            .blended
            .parts
            .iter()
            .any(|(source, _, _)| *source != blend::Source::Automatic);
        self.blended.score.filter(|_| beyond)
    }
}

/// What a round says: the reviewers' model, its blend weights, and every
/// answer's final score.
pub struct Outcome {
    pub fit: aggregate::Fit,
    pub weights: Weights,
    pub finals: HashMap<AnswerId, Final>,
}

/// Combines a round's marks (with leads' grades as gold), its comparisons (per
/// question) and the automatic scores into each answer's final score.
pub fn outcome(round: &review::Round, evidence: &Evidence) -> DbResult<Outcome> {
    let weights = round.weights;
    let fit = fit_round(
        &evidence.assignments,
        &evidence.calibrations,
        &evidence.grades,
        &evidence.known,
    );
    let gold = gold_of(&evidence.grades);
    let answers = &evidence.answers;
    let judgements = judgements_of(&evidence.judged);
    let mut by_item: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for a in answers {
        by_item.entry(a.item_id.get()).or_default().push(a.id.get());
    }
    let mut strengths: HashMap<i64, compare::Strength> = HashMap::new();
    for ids in by_item.values() {
        for s in compare::strengths(ids, &judgements) {
            strengths.insert(s.item, s);
        }
    }
    let finals = answers
        .iter()
        .map(|answer| {
            let peer = fit
                .items
                .iter()
                .find(|s| s.item == answer.id.get() && s.reviews > 0)
                .map(|s| s.score);
            let comparative = strengths
                .remove(&answer.id.get())
                .filter(|s| s.comparisons > 0);
            let blended = blend::blend(
                blend::Parts {
                    automatic: answer.score,
                    peer,
                    comparative: comparative.as_ref().map(|s| s.score),
                    lead: gold.get(&answer.id.get()).copied(),
                },
                weights,
            );
            (
                answer.id,
                Final {
                    blended,
                    peer,
                    comparative,
                },
            )
        })
        .collect();
    Ok(Outcome {
        fit,
        weights,
        finals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(answer: i64, score: f64) -> review::LeadGrade {
        review::LeadGrade {
            id: answer,
            answer_id: AnswerId(answer),
            grader_id: 1,
            rubric: Rubric::default(),
            marks: Default::default(),
            score,
            reason: "why".into(),
            calibration: true,
            graded_at: 0,
        }
    }

    fn first_try(reviewer: i64, answer: i64, score: f64) -> review::Calibration {
        review::Calibration {
            id: reviewer * 100 + answer,
            round_id: RoundId(1),
            reviewer_id: reviewer,
            answer_id: AnswerId(answer),
            first_marks: Default::default(),
            first_score: score,
            tries: 2,
            passed_at: Some(1),
        }
    }

    #[test]
    fn first_calibration_tries_measure_reviewers_against_the_lead() {
        let grades = [grade(7, 60.0)];
        let (marks, gold) = model_input(
            &[],
            &[first_try(2, 7, 90.0), first_try(3, 7, 60.0)],
            &grades,
        );
        assert_eq!(marks.len(), 2);
        assert!(
            marks.iter().all(|m| m.item == -7),
            "kept apart from answer 7 itself"
        );
        assert_eq!(gold.get(&-7), Some(&60.0));
        assert_eq!(gold.get(&7), Some(&60.0));
        // The model then sees reviewer 2 as lenient, reviewer 3 as on the mark.
        let fit = aggregate::fit(&marks, &gold, &HashMap::new(), Tuning::default());
        let bias = |r: i64| {
            fit.reviewers
                .iter()
                .find(|f| f.reviewer == r)
                .map(|f| f.bias)
        };
        assert!(bias(2) > bias(3), "{:?}", fit.reviewers);
        // A try on an answer the lead no longer grades says nothing.
        assert!(model_input(&[], &[first_try(2, 8, 90.0)], &grades)
            .0
            .is_empty());
    }
}
