//! Ranking with fair ties: standard competition ranking ("1224"). Equal scores share a
//! rank and the next distinct score skips the shared places, so nobody's rank depends
//! on the order rows came from the database. Scores are compared at one decimal,
//! the precision they are shown with.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked<T> {
    pub rank: usize,
    /// How many entries share this rank (1 = no tie).
    pub tied_with: usize,
    pub score: f64,
    pub item: T,
}

/// Ranks items by descending score; ties share the best of their places.
pub fn rank<T>(items: Vec<(T, f64)>) -> Vec<Ranked<T>> {
    let mut keyed: Vec<(T, i64)> = items
        .into_iter()
        .map(|(t, s)| (t, (s * 10.0).round() as i64))
        .collect();
    // Stable sort: equal scores keep their input order for display, not for rank.
    keyed.sort_by_key(|k| std::cmp::Reverse(k.1));
    let keys: Vec<i64> = keyed.iter().map(|(_, k)| *k).collect();
    keyed
        .into_iter()
        .enumerate()
        .map(|(i, (item, key))| {
            let first = keys.partition_point(|k| *k > key);
            let last = keys.partition_point(|k| *k >= key);
            debug_assert!(first <= i && i < last);
            Ranked {
                rank: first + 1,
                tied_with: last - first,
                score: key as f64 / 10.0,
                item,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks(scores: &[f64]) -> Vec<(usize, usize)> {
        let items = scores.iter().enumerate().map(|(i, s)| (i, *s)).collect();
        rank(items).iter().map(|r| (r.rank, r.tied_with)).collect()
    }

    #[test]
    fn distinct_scores_rank_in_order() {
        assert_eq!(ranks(&[50.0, 90.0, 70.0]), vec![(1, 1), (2, 1), (3, 1)]);
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        assert_eq!(
            ranks(&[80.0, 90.0, 80.0, 60.0]),
            vec![(1, 1), (2, 2), (2, 2), (4, 1)]
        );
    }

    #[test]
    fn scores_equal_at_display_precision_are_tied() {
        assert_eq!(ranks(&[75.04, 75.01]), vec![(1, 2), (1, 2)]);
    }

    #[test]
    fn an_empty_list_ranks_to_nothing() {
        assert!(rank::<u8>(vec![]).is_empty());
    }
}
