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
use crate::domain::review::assign;
use crate::domain::review::blend::{self, Weights};
use crate::domain::review::compare::{self, Judgement};
use crate::domain::review::criteria::{self, Rubric};
use crate::domain::review::standings;

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
    pub answers: Vec<Answer>,
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
    evidence_given(conn, round, known)
}

fn evidence_given(
    conn: &mut Conn,
    round: &review::Round,
    known: HashMap<i64, Reputation>,
) -> DbResult<Evidence> {
    Ok(Evidence {
        answers: attempts::submitted_answers_for_exam(conn, round.exam_id)?,
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
    let mut fits = Vec::new();
    let mut out = Vec::new();
    for round in review::rounds(conn)? {
        let known = aggregate::reputation(&fits, REPUTATION_CAP);
        let evidence = evidence_given(conn, &round, known)?;
        let outcome = outcome(&round, &evidence)?;
        fits.push(fit_round(
            &evidence.assignments,
            &evidence.calibrations,
            &evidence.grades,
            &HashMap::new(),
        ));
        out.push((round, evidence, outcome));
    }
    Ok(out)
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
    let judgements: Vec<Judgement> = evidence
        .judged
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
        .collect();
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

/// How many "which would you send?" pairs each reviewer gets.
pub const COMPARISONS_PER_REVIEWER: usize = 2;

/// The team's rubric now: the newest stored version, or the default.
pub fn current_rubric(conn: &mut Conn) -> DbResult<Rubric> {
    match review::rubrics(conn)?.first() {
        Some(row) => Ok(row.rubric.clone()),
        None => Ok(Rubric::default()),
    }
}

/// A lead's request to start a closed exam's review round.
pub struct NewRound {
    pub exam_id: ExamId,
    /// Reviewers per answer.
    pub k: usize,
    pub due_at: i64,
    pub by: i64,
    /// Seeds the assignment, so a round can be replayed.
    pub seed: u64,
    pub now: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("no such exam")]
    NotFound,
    #[error("the exam is not closed")]
    NotClosed,
    #[error("{k} reviewers per answer need {need} trainees")]
    TooFew { need: usize, k: usize },
    #[error("the exam has a round already")]
    Exists,
    #[error(transparent)]
    Db(#[from] db::DbError),
}

/// Starts the round: k reviewers per answer and the comparison pairs, planned
/// by `domain::review::plan`, with the current rubric frozen into it. Returns
/// the round's id. The web and the demo both start rounds here.
pub fn start_round(conn: &mut Conn, new: &NewRound) -> Result<RoundId, RoundError> {
    let exam = crate::db::exams::find(conn, new.exam_id)?.ok_or(RoundError::NotFound)?;
    if exam.status != ExamStatus::Closed {
        return Err(RoundError::NotClosed);
    }
    let rows: Vec<(i64, i64, i64)> = review::answers_with_authors(conn, new.exam_id)?
        .iter()
        .map(|a| (a.answer.get(), a.author, a.item.get()))
        .collect();
    let plan = crate::domain::review::plan(&rows, new.k, COMPARISONS_PER_REVIEWER, new.seed)
        .map_err(|e| match e {
            crate::domain::review::assign::AssignError::TooFewReviewers { need, k, .. } => {
                RoundError::TooFew { need, k }
            }
        })?;
    let round = review::NewRound {
        exam_id: new.exam_id,
        k: i32::try_from(new.k).unwrap_or(i32::MAX),
        // Stored for the record; i64 keeps every bit of the seed.
        seed: new.seed as i64,
        rubric: &current_rubric(conn)?,
        due_at: new.due_at,
        created_by: new.by,
    };
    let reviews: Vec<(AnswerId, i64)> = plan
        .reviews
        .iter()
        .map(|&(answer, reviewer)| (AnswerId(answer), reviewer))
        .collect();
    let pairs: Vec<(i64, AnswerId, AnswerId)> = plan
        .comparisons
        .iter()
        .map(|&(reviewer, a, b)| (reviewer, AnswerId(a), AnswerId(b)))
        .collect();
    review::create_round(conn, &round, &reviews, &pairs, new.now)?.ok_or(RoundError::Exists)
}

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
    let authors: HashMap<AnswerId, i64> = review::answers_with_authors(conn, exam)?
        .into_iter()
        .map(|a| (a.answer, a.author))
        .collect();
    let held = review::assignments(conn, round.id)?;
    let open: Vec<assign::Open> = held
        .iter()
        .filter(|a| a.reviewer_id == absent && a.submitted_at.is_none())
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
    let moves = assign::reassign(&open, &current, &candidates, absent);
    Ok(Some(review::reassign(conn, absent, &moves, due_at)?))
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
