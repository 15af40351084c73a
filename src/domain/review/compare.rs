//! Comparative judgement: "which of these two would you send?" answered many
//! times becomes one strength per answer, by the Bradley–Terry model (the chance
//! that a beats b is s_a / (s_a + s_b)), fitted with Hunter's MM iterations.
//! Every answer also plays one virtual draw against an average answer, so an
//! answer that always won (or was never compared) still gets a finite strength.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::assign::Answer;

/// One judgement: the answer preferred, and the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    pub winner: i64,
    pub loser: i64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Strength {
    pub item: i64,
    /// 0–100: the chance, in percent, of being preferred to an average answer.
    pub score: f64,
    pub wins: u32,
    pub comparisons: u32,
}

const ROUNDS: usize = 200;

/// Strengths of `items` (in that order) from the judgements; judgements about
/// other items are ignored.
pub fn strengths(items: &[i64], judgements: &[Judgement]) -> Vec<Strength> {
    let index: BTreeMap<i64, usize> = items.iter().enumerate().map(|(i, x)| (*x, i)).collect();
    let games: Vec<(usize, usize)> = judgements
        .iter()
        .filter_map(|j| Some((*index.get(&j.winner)?, *index.get(&j.loser)?)))
        .filter(|(w, l)| w != l)
        .collect();
    let n = items.len();
    let mut wins = vec![0u32; n];
    let mut played = vec![0u32; n];
    for (w, l) in &games {
        wins[*w] += 1;
        played[*w] += 1;
        played[*l] += 1;
    }
    // The virtual average opponent has strength 1 and draws once with everyone:
    // half a win and half a loss.
    let mut s = vec![1.0f64; n];
    for _ in 0..ROUNDS {
        let mut denom: Vec<f64> = s.iter().map(|si| 1.0 / (si + 1.0)).collect();
        for (w, l) in &games {
            let d = 1.0 / (s[*w] + s[*l]);
            denom[*w] += d;
            denom[*l] += d;
        }
        let next: Vec<f64> = (0..n)
            .map(|i| (f64::from(wins[i]) + 0.5) / denom[i])
            .collect();
        let change = next
            .iter()
            .zip(&s)
            .map(|(a, b)| (a.ln() - b.ln()).abs())
            .fold(0.0, f64::max);
        s = next;
        if change < 1e-9 {
            break;
        }
    }
    (0..n)
        .map(|i| Strength {
            item: items[i],
            score: 100.0 * s[i] / (s[i] + 1.0),
            wins: wins[i],
            comparisons: played[i],
        })
        .collect()
}

/// Pairs for one reviewer to judge: two answers to the same question, neither
/// theirs, taken from the questions in turn, at most `per_reviewer` pairs,
/// shuffled by `seed` (so two reviewers see different pairs). `questions`
/// holds each question's answers. Where one of a question's answers is in
/// `incumbents` (its current official script), each of its pairs sets the
/// script against another answer, on a side drawn at random, so a reviewer
/// cannot tell it by its place.
pub fn pairs_for(
    reviewer: i64,
    questions: &[Vec<Answer>],
    incumbents: &[i64],
    per_reviewer: usize,
    seed: u64,
) -> Vec<(i64, i64)> {
    let mut rng =
        StdRng::seed_from_u64(seed ^ (reviewer as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut pools: Vec<(Option<i64>, Vec<i64>)> = questions
        .iter()
        .map(|answers| {
            let incumbent = answers
                .iter()
                .map(|a| a.id)
                .find(|id| incumbents.contains(id));
            let mut ids: Vec<i64> = answers
                .iter()
                .filter(|a| a.author != reviewer && Some(a.id) != incumbent)
                .map(|a| a.id)
                .collect();
            ids.sort_unstable();
            ids.shuffle(&mut rng);
            (incumbent, ids)
        })
        .collect();
    let mut pairs = Vec::new();
    while pairs.len() < per_reviewer {
        let before = pairs.len();
        for (incumbent, pool) in &mut pools {
            if pairs.len() >= per_reviewer {
                break;
            }
            match incumbent {
                Some(script) if !pool.is_empty() => {
                    let challenger = pool.remove(0);
                    pairs.push(if rng.gen_bool(0.5) {
                        (*script, challenger)
                    } else {
                        (challenger, *script)
                    });
                }
                None if pool.len() >= 2 => pairs.push((pool.remove(0), pool.remove(0))),
                _ => {}
            }
        }
        if pairs.len() == before {
            break;
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(winner: i64, loser: i64) -> Judgement {
        Judgement { winner, loser }
    }

    #[test]
    fn a_consistent_order_is_recovered_and_the_unseen_stay_average() {
        let judgements = [j(1, 2), j(2, 3), j(1, 3), j(1, 2), j(2, 3)];
        let s = strengths(&[1, 2, 3, 4], &judgements);
        assert!(s[0].score > s[1].score && s[1].score > s[2].score, "{s:?}");
        assert!(
            (s[3].score - 50.0).abs() < 1e-9,
            "never compared: {:?}",
            s[3]
        );
        assert!(s[0].score < 100.0, "always winning is still finite");
        assert_eq!((s[0].wins, s[0].comparisons), (3, 3));
    }

    #[test]
    fn evenly_split_judgements_mean_equal_strength() {
        let s = strengths(&[7, 8], &[j(7, 8), j(8, 7), j(7, 8), j(8, 7)]);
        assert!((s[0].score - s[1].score).abs() < 1e-9);
        assert!((s[0].score - 50.0).abs() < 1e-6);
    }

    #[test]
    fn more_evidence_moves_further_from_average() {
        let once = strengths(&[1, 2], &[j(1, 2)]);
        let thrice = strengths(&[1, 2], &[j(1, 2), j(1, 2), j(1, 2)]);
        assert!(thrice[0].score > once[0].score && once[0].score > 50.0);
    }

    #[test]
    fn pairs_are_two_others_answers_to_one_question() {
        let q = |base: i64| -> Vec<Answer> {
            (0..4)
                .map(|t| Answer {
                    id: base + t,
                    author: t,
                })
                .collect()
        };
        let questions = vec![q(100), q(200)];
        let pairs = pairs_for(0, &questions, &[], 3, 9);
        assert_eq!(
            pairs.len(),
            2,
            "each question has three others' answers: one pair each"
        );
        for (a, b) in &pairs {
            assert_eq!(a / 100, b / 100, "same question");
            assert!(a % 100 != 0 && b % 100 != 0, "never the reviewer's own");
            assert_ne!(a, b);
        }
        assert_eq!(
            pairs,
            pairs_for(0, &questions, &[], 3, 9),
            "same seed, same pairs"
        );
        assert_eq!(pairs_for(0, &questions, &[], 1, 9).len(), 1);
    }
}
