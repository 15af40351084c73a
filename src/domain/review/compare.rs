//! Comparative judgement: "which of these two would you send?" answered many
//! times becomes one strength per answer, by the Bradley–Terry model (the chance
//! that a beats b is s_a / (s_a + s_b)), fitted with Hunter's MM iterations.
//! Every answer also plays one virtual draw against an average answer, so an
//! answer that always won (or was never compared) still gets a finite strength.

use std::collections::BTreeMap;

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
}
