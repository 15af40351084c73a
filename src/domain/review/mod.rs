//! Peer review: who reviews what, and how the marks become one score per answer
//! and a standing per reviewer. Pure: no database, no HTTP.

pub mod aggregate;
pub mod assign;
pub mod blend;
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

/// Plans a round over an exam's answers, given as (answer, author, question):
/// every author reviews, k reviewers per answer, and each reviewer gets up to
/// `pairs` comparisons of two answers to one question. The same seed gives
/// the same plan.
pub fn plan(
    answers: &[(i64, i64, i64)],
    k: usize,
    pairs: usize,
    seed: u64,
) -> Result<Plan, AssignError> {
    let all: Vec<Answer> = answers
        .iter()
        .map(|(id, author, _)| Answer {
            id: *id,
            author: *author,
        })
        .collect();
    let mut by_question: BTreeMap<i64, Vec<Answer>> = BTreeMap::new();
    for (answer, (_, _, question)) in all.iter().zip(answers) {
        by_question.entry(*question).or_default().push(*answer);
    }
    let questions: Vec<Vec<Answer>> = by_question.into_values().collect();
    let mut reviewers: Vec<i64> = all.iter().map(|a| a.author).collect();
    reviewers.sort_unstable();
    reviewers.dedup();
    let reviews = assign::assign(&all, &reviewers, k, seed)?;
    let comparisons = reviewers
        .iter()
        .flat_map(|r| {
            compare::pairs_for(*r, &questions, pairs, seed)
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
        let plan = plan(&answers, 2, 2, 5).expect("plan");
        assert_eq!(plan.reviewers, vec![1, 2, 3]);
        assert_eq!(plan.reviews.len(), 12);
        assert!(plan.reviews.iter().all(|(a, r)| a / 100 != *r));
        assert!(!plan.comparisons.is_empty());
        for (r, a, b) in &plan.comparisons {
            assert_eq!(a % 100, b % 100, "one question");
            assert!(a / 100 != *r && b / 100 != *r, "never their own");
        }
        assert_eq!(plan, super::plan(&answers, 2, 2, 5).expect("again"));
    }
}
