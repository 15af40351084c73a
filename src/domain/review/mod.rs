//! Peer review: who reviews what, and how the marks become one score per answer
//! and a standing per reviewer. Pure: no database, no HTTP.

pub mod aggregate;
pub mod assign;
pub mod blend;
pub mod champion;
pub mod compare;
pub mod criteria;
pub mod standings;

use std::collections::BTreeMap;

use assign::{Answer, AssignError};

/// Who does what in a new round: (answer, reviewer) reviews and (reviewer,
/// answer, answer) comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub reviewers: Vec<i64>,
    pub reviews: Vec<(i64, i64)>,
    pub comparisons: Vec<(i64, i64, i64)>,
}

/// The author of an answer nobody in the round wrote: a question's current
/// official script, entered anonymously among the trainees' answers.
pub const NO_AUTHOR: i64 = i64::MIN;

/// Plans a round over an exam's answers, given as (answer, author, question),
/// and the questions' current scripts, given as (answer, question): every
/// author reviews, k reviewers per answer (scripts included), and each
/// reviewer gets up to `pairs` comparisons of two answers to one question —
/// where the question has a script, the script against another answer, so
/// every comparison there is a bout between the incumbent and a challenger.
/// The same seed gives the same plan.
pub fn plan(
    answers: &[(i64, i64, i64)],
    incumbents: &[(i64, i64)],
    k: usize,
    pairs: usize,
    seed: u64,
) -> Result<Plan, AssignError> {
    let entries: Vec<(Answer, i64)> = answers
        .iter()
        .map(|&(id, author, question)| (Answer { id, author }, question))
        .chain(incumbents.iter().map(|&(id, question)| {
            let answer = Answer {
                id,
                author: NO_AUTHOR,
            };
            (answer, question)
        }))
        .collect();
    let all: Vec<Answer> = entries.iter().map(|(a, _)| *a).collect();
    let mut by_question: BTreeMap<i64, Vec<Answer>> = BTreeMap::new();
    for (answer, question) in &entries {
        by_question.entry(*question).or_default().push(*answer);
    }
    let questions: Vec<Vec<Answer>> = by_question.into_values().collect();
    let mut reviewers: Vec<i64> = answers.iter().map(|a| a.1).collect();
    reviewers.sort_unstable();
    reviewers.dedup();
    let reviews = assign::assign(&all, &reviewers, k, seed)?;
    let scripts: Vec<i64> = incumbents.iter().map(|(id, _)| *id).collect();
    let comparisons = reviewers
        .iter()
        .flat_map(|r| {
            compare::pairs_for(*r, &questions, &scripts, pairs, seed)
                .into_iter()
                .map(move |(a, b)| (*r, a, b))
        })
        .collect();
    Ok(Plan {
        reviewers,
        reviews,
        comparisons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reviews_every_answer_k_times_and_compares_within_a_question() {
        // Three trainees (1, 2, 3) answered two questions (10, 20).
        let answers: Vec<(i64, i64, i64)> = (1..=3)
            .flat_map(|t| [(t * 100 + 10, t, 10), (t * 100 + 20, t, 20)])
            .collect();
        let plan = plan(&answers, &[], 2, 2, 5).expect("plan");
        assert_eq!(plan.reviewers, vec![1, 2, 3]);
        assert_eq!(plan.reviews.len(), 12);
        assert!(plan.reviews.iter().all(|(a, r)| a / 100 != *r));
        assert!(!plan.comparisons.is_empty());
        for (r, a, b) in &plan.comparisons {
            assert_eq!(a % 100, b % 100, "one question");
            assert!(a / 100 != *r && b / 100 != *r, "never their own");
        }
        assert_eq!(plan, super::plan(&answers, &[], 2, 2, 5).expect("again"));
    }

    #[test]
    fn a_questions_script_is_reviewed_like_an_answer_and_meets_every_challenger_it_is_paired_with()
    {
        let answers: Vec<(i64, i64, i64)> = (1..=4)
            .flat_map(|t| [(t * 100 + 10, t, 10), (t * 100 + 20, t, 20)])
            .collect();
        // Question 10 has an official script, entered as answer 9010.
        let plan = plan(&answers, &[(9010, 10)], 2, 2, 7).expect("plan");
        assert_eq!(
            plan.reviewers,
            vec![1, 2, 3, 4],
            "the script reviews nothing"
        );
        let on_script = plan.reviews.iter().filter(|(a, _)| *a == 9010).count();
        assert_eq!(on_script, 2, "k reviewers, like any answer");
        let in_ten: Vec<_> = plan
            .comparisons
            .iter()
            .filter(|(_, a, b)| a % 100 == 10 && b % 100 == 10)
            .collect();
        assert!(!in_ten.is_empty());
        assert!(
            in_ten.iter().all(|(_, a, b)| *a == 9010 || *b == 9010),
            "every pair on a scripted question is a bout: {in_ten:?}"
        );
        let left = in_ten.iter().filter(|(_, a, _)| *a == 9010).count();
        assert!(
            left > 0 && left < in_ten.len(),
            "the script is not always on one side: {in_ten:?}"
        );
        assert!(plan
            .comparisons
            .iter()
            .filter(|(_, a, _)| a % 100 == 20)
            .all(|(_, a, b)| a != &9010 && b != &9010));
    }
}
