//! Who reviews which answer: k reviewers per answer, never its author, never the
//! same reviewer twice for one answer, the load spread so that no reviewer has
//! more than one review above another, and the same result for the same seed.

use std::collections::{HashSet, VecDeque};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    /// Every answer needs k reviewers who did not write it.
    #[error("{k} reviewers per answer need at least {need} reviewers besides each author; there are {have}")]
    TooFewReviewers { k: usize, need: usize, have: usize },
}

/// One answer to review: its id and its author's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub id: i64,
    pub author: i64,
}

/// Pairs of (answer id, reviewer id). Answers are visited in a shuffled order,
/// and each takes the k eligible reviewers with the fewest reviews so far
/// (ties in a shuffled order); a last pass moves reviews, along chains of
/// reviewers where no direct move is allowed, until loads differ by at most one.
pub fn assign(
    answers: &[Answer],
    reviewers: &[i64],
    k: usize,
    seed: u64,
) -> Result<Vec<(i64, i64)>, AssignError> {
    let mut people: Vec<i64> = reviewers.to_vec();
    people.sort_unstable();
    people.dedup();
    let authors_reviewing = answers.iter().any(|a| people.contains(&a.author));
    let need = k + usize::from(authors_reviewing);
    if k > 0 && !answers.is_empty() && people.len() < need {
        return Err(AssignError::TooFewReviewers {
            k,
            need,
            have: people.len(),
        });
    }
    let mut rng = StdRng::seed_from_u64(seed);
    people.shuffle(&mut rng);
    let mut order: Vec<&Answer> = answers.iter().collect();
    order.shuffle(&mut rng);

    let mut load = vec![0usize; people.len()];
    // Per answer (in `order`), the indices into `people` reviewing it.
    let mut chosen: Vec<Vec<usize>> = Vec::with_capacity(order.len());
    for answer in &order {
        let mut eligible: Vec<usize> = (0..people.len())
            .filter(|p| people[*p] != answer.author)
            .collect();
        // Stable sort: equal loads keep the shuffled order.
        eligible.sort_by_key(|p| load[*p]);
        let picked: Vec<usize> = eligible.into_iter().take(k).collect();
        for p in &picked {
            load[*p] += 1;
        }
        chosen.push(picked);
    }
    balance(&order, &people, &mut chosen, &mut load);

    let people = &people;
    let mut pairs: Vec<(i64, i64)> = order
        .iter()
        .zip(&chosen)
        .flat_map(|(a, ps)| ps.iter().map(move |p| (a.id, people[*p])))
        .collect();
    pairs.sort_unstable();
    Ok(pairs)
}

/// Evens out the loads: while some reviewer has two or more reviews above
/// another, moves one review along a shortest chain of allowed moves from a
/// busiest reviewer to a less busy one (busiest → b on one answer, b → c on
/// another, …). A single direct move is not always possible — the idle
/// reviewer may already be on every answer the busy one has — but a chain
/// through others is whenever any rebalancing is; each chain lowers the spread
/// of loads, so the loop ends.
fn balance(order: &[&Answer], people: &[i64], chosen: &mut [Vec<usize>], load: &mut [usize]) {
    while let Some(chain) = chain_to_lighten(order, people, chosen, load) {
        // A shortest chain visits each answer once, so its moves are independent.
        for (answer, from, to) in chain {
            if let Some(slot) = chosen[answer].iter().position(|p| *p == from) {
                chosen[answer][slot] = to;
                load[from] -= 1;
                load[to] += 1;
            }
        }
    }
}

/// A shortest chain of moves (answer, from, to) from a busiest reviewer to one
/// with at least two reviews fewer, by breadth-first search over "may hand one
/// of their answers to"; None when loads are even or no chain exists.
fn chain_to_lighten(
    order: &[&Answer],
    people: &[i64],
    chosen: &[Vec<usize>],
    load: &[usize],
) -> Option<Vec<(usize, usize, usize)>> {
    let max = *load.iter().max()?;
    if max < 2 || load.iter().all(|l| *l + 1 >= max) {
        return None;
    }
    let mut reviews_of: Vec<Vec<usize>> = vec![Vec::new(); people.len()];
    for (a, reviewers) in chosen.iter().enumerate() {
        for p in reviewers {
            reviews_of[*p].push(a);
        }
    }
    // came_from[q] = (answer, p): q was reached by p handing q that answer.
    let mut came_from: Vec<Option<(usize, usize)>> = vec![None; people.len()];
    let mut seen = vec![false; people.len()];
    let mut queue = VecDeque::new();
    for p in (0..people.len()).filter(|p| load[*p] == max) {
        seen[p] = true;
        queue.push_back(p);
    }
    while let Some(p) = queue.pop_front() {
        for &a in &reviews_of[p] {
            for q in 0..people.len() {
                if seen[q] || people[q] == order[a].author || chosen[a].contains(&q) {
                    continue;
                }
                seen[q] = true;
                came_from[q] = Some((a, p));
                if load[q] + 2 <= max {
                    return Some(walk_back(&came_from, q));
                }
                queue.push_back(q);
            }
        }
    }
    None
}

/// The moves that reached `end`, from the busiest reviewer onwards.
fn walk_back(came_from: &[Option<(usize, usize)>], end: usize) -> Vec<(usize, usize, usize)> {
    let mut chain = Vec::new();
    let mut to = end;
    while let Some((answer, from)) = came_from[to] {
        chain.push((answer, from, to));
        to = from;
    }
    chain.reverse();
    chain
}

/// An open review of an absent reviewer: the assignment, its answer and that
/// answer's author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open {
    pub assignment: i64,
    pub answer: i64,
    pub author: i64,
}

/// A round's reviewers with their loads, to add reviews to one at a time:
/// each goes to the least busy who may take it (lower id first on ties).
struct Loads {
    people: Vec<i64>,
    load: Vec<usize>,
    taken: HashSet<(i64, i64)>,
}

impl Loads {
    /// `current` holds every (answer, reviewer) pair of the round.
    fn new(current: &[(i64, i64)], candidates: impl Iterator<Item = i64>) -> Self {
        let mut people: Vec<i64> = candidates.collect();
        people.sort_unstable();
        people.dedup();
        let load = people
            .iter()
            .map(|p| current.iter().filter(|(_, r)| r == p).count())
            .collect();
        Self {
            people,
            load,
            taken: current.iter().copied().collect(),
        }
    }

    /// The least busy reviewer who did not write the answer and is not on it yet.
    fn take(&mut self, answer: i64, author: i64) -> Option<i64> {
        let best = (0..self.people.len())
            .filter(|p| {
                self.people[*p] != author && !self.taken.contains(&(answer, self.people[*p]))
            })
            .min_by_key(|p| (self.load[*p], self.people[*p]))?;
        self.load[best] += 1;
        self.taken.insert((answer, self.people[best]));
        Some(self.people[best])
    }
}

/// Hands an absent reviewer's open reviews on, as (assignment, new reviewer):
/// each goes to the candidate with the fewest reviews in the round (`current`
/// holds every (answer, reviewer) pair of it, lower id first on ties) who did
/// not write the answer and is not already reviewing it. A review nobody may
/// take stays with the absent reviewer and is left out.
pub fn reassign(
    open: &[Open],
    current: &[(i64, i64)],
    candidates: &[i64],
    absent: i64,
) -> Vec<(i64, i64)> {
    let mut loads = Loads::new(current, candidates.iter().copied().filter(|c| *c != absent));
    open.iter()
        .filter_map(|review| Some((review.assignment, loads.take(review.answer, review.author)?)))
        .collect()
}

/// Reviewers for answers submitted after their round began: k each, as
/// (answer, reviewer), the least busy first, with the same rules as `reassign`.
/// An answer gets fewer than k when fewer may take it.
pub fn extend(
    late: &[Answer],
    current: &[(i64, i64)],
    reviewers: &[i64],
    k: usize,
) -> Vec<(i64, i64)> {
    let mut loads = Loads::new(current, reviewers.iter().copied());
    late.iter()
        .flat_map(|a| {
            (0..k)
                .filter_map(|_| loads.take(a.id, a.author))
                .collect::<Vec<_>>()
                .into_iter()
                .map(move |r| (a.id, r))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exam(trainees: i64, questions: i64) -> (Vec<Answer>, Vec<i64>) {
        let answers = (0..trainees)
            .flat_map(|t| {
                (0..questions).map(move |q| Answer {
                    id: t * 100 + q,
                    author: t,
                })
            })
            .collect();
        (answers, (0..trainees).collect())
    }

    #[test]
    fn three_reviewers_each_never_the_author_and_the_same_for_a_seed() {
        let (answers, reviewers) = exam(5, 2);
        let pairs = assign(&answers, &reviewers, 3, 7).expect("assigned");
        assert_eq!(pairs.len(), 30);
        assert!(pairs.iter().all(|(a, r)| a / 100 != *r));
        assert_eq!(pairs, assign(&answers, &reviewers, 3, 7).expect("again"));
        assert_ne!(
            pairs,
            assign(&answers, &reviewers, 3, 8).expect("other seed")
        );
    }

    #[test]
    fn too_few_reviewers_is_an_error_not_a_short_round() {
        let (answers, reviewers) = exam(3, 1);
        assert_eq!(
            assign(&answers, &reviewers, 3, 1),
            Err(AssignError::TooFewReviewers {
                k: 3,
                need: 4,
                have: 3
            })
        );
        assert!(assign(&answers, &reviewers, 2, 1).is_ok());
    }

    #[test]
    fn an_absent_reviewers_reviews_go_to_the_least_busy_who_may_take_them() {
        // Reviewer 9 is absent with two open reviews. Answer 10 is by 1 and
        // already reviewed by 2; answer 20 is by 3.
        let current = [(10, 2), (10, 9), (20, 9), (30, 2), (30, 3), (40, 4)];
        let open = [
            Open {
                assignment: 1,
                answer: 10,
                author: 1,
            },
            Open {
                assignment: 2,
                answer: 20,
                author: 3,
            },
        ];
        // Loads: 1 → 0, 2 → 2, 3 → 1, 4 → 1. Answer 10 cannot go to its author
        // (1) or to 2, so 3 and 4 tie at 1 and the lower id takes it.
        assert_eq!(
            reassign(&open, &current, &[1, 2, 3, 4, 9], 9),
            vec![(1, 3), (2, 1)]
        );
        // Nobody eligible: the review stays where it is.
        assert_eq!(reassign(&open[..1], &current, &[1, 2, 9], 9), vec![]);
    }

    #[test]
    fn late_answers_get_k_of_the_least_busy_reviewers_never_their_author() {
        // 1 and 2 carry two reviews each, 3 one; 4 submitted late (answer 40).
        let current = [(10, 2), (10, 3), (20, 1), (30, 1), (30, 2)];
        let late = [Answer { id: 40, author: 4 }, Answer { id: 50, author: 3 }];
        let pairs = extend(&late, &current, &[1, 2, 3, 4], 2);
        // 40: 4 wrote it; 3 (1 review) then 1 (2, lower id than 2).
        // 50: 3 wrote it; 4 (0) then 2 (2 reviews; 1 now has 3).
        assert_eq!(pairs, vec![(40, 3), (40, 1), (50, 4), (50, 2)]);
        assert_eq!(
            extend(&late[..1], &current, &[4], 2),
            vec![],
            "only its author"
        );
    }

    #[test]
    fn loads_even_out_where_no_single_move_from_the_busiest_is_allowed() {
        // Found by the property below: the greedy pass left loads of 9 and 7,
        // and every direct move from a busiest to an idlest reviewer was barred.
        let (answers, reviewers) = exam(21, 2);
        let pairs = assign(&answers, &reviewers, 4, 11660618589885912570).expect("assigned");
        let mut load = [0usize; 21];
        for (_, r) in &pairs {
            load[*r as usize] += 1;
        }
        let (lo, hi) = (load.iter().min(), load.iter().max());
        assert!(
            hi.zip(lo).is_some_and(|(h, l)| h - l <= 1),
            "loads {load:?}"
        );
    }

    proptest::proptest! {
        // Uneven loads hid in about one case in a few thousand: run enough
        // cases that such a case shows here rather than at random in CI.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn assignments_keep_every_rule(
            trainees in 2i64..25,
            questions in 1i64..5,
            k in 1usize..6,
            seed in proptest::prelude::any::<u64>(),
        ) {
            let (answers, reviewers) = exam(trainees, questions);
            let result = assign(&answers, &reviewers, k, seed);
            if k >= trainees as usize {
                proptest::prop_assert!(result.is_err());
                return Ok(());
            }
            let pairs = result.expect("k < trainees is always assignable");
            let mut per_answer: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
            for (a, r) in &pairs {
                proptest::prop_assert_ne!(a / 100, *r, "self-review");
                per_answer.entry(*a).or_default().push(*r);
            }
            for a in &answers {
                let mut who = per_answer.remove(&a.id).unwrap_or_default();
                proptest::prop_assert_eq!(who.len(), k, "answer {} has {:?}", a.id, who);
                who.sort_unstable();
                who.dedup();
                proptest::prop_assert_eq!(who.len(), k, "a reviewer twice on one answer");
            }
            let mut load = vec![0usize; trainees as usize];
            for (_, r) in &pairs {
                load[*r as usize] += 1;
            }
            let (lo, hi) = (load.iter().min().copied().unwrap_or(0), load.iter().max().copied().unwrap_or(0));
            proptest::prop_assert!(hi - lo <= 1, "loads {:?}", load);
        }
    }
}
