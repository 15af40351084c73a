//! The numbers behind a lead's dashboard: score distributions, weakest
//! categories and rubric criteria, and classical item statistics. Pure.

use std::collections::BTreeMap;

/// Counts of scores (0–100) in `bins` equal bins; 100 falls in the last.
pub fn histogram(scores: &[f64], bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins.max(1)];
    let width = 100.0 / counts.len() as f64;
    for s in scores.iter().filter(|s| s.is_finite()) {
        let bin = ((s.clamp(0.0, 100.0) / width) as usize).min(counts.len() - 1);
        counts[bin] += 1;
    }
    counts
}

pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Pearson's r; None when either side does not vary or there are fewer than
/// three pairs.
pub fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 3 {
        return None;
    }
    let (mx, my) = (mean(&xs[..n])?, mean(&ys[..n])?);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// One answer as item statistics need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Response {
    pub attempt: i64,
    pub item: i64,
    /// 0–100.
    pub score: f64,
    pub ms: i64,
}

/// How one question worked in an exam.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStats {
    pub item: i64,
    pub n: usize,
    /// The mean score as a share of the maximum (0–1): how easy it was.
    pub facility: f64,
    /// The correlation of the item's score with the rest of the attempt's
    /// (corrected item–total): whether those who did well overall did well
    /// here. None with too few answers or no spread.
    pub discrimination: Option<f64>,
    /// The median time spent, in seconds.
    pub median_seconds: f64,
}

/// Item statistics for every item answered in `responses` (one exam).
pub fn items(responses: &[Response]) -> Vec<ItemStats> {
    let mut totals: BTreeMap<i64, f64> = BTreeMap::new();
    let mut by_item: BTreeMap<i64, Vec<&Response>> = BTreeMap::new();
    for r in responses {
        *totals.entry(r.attempt).or_default() += r.score;
        by_item.entry(r.item).or_default().push(r);
    }
    by_item
        .into_iter()
        .map(|(item, answers)| {
            let scores: Vec<f64> = answers.iter().map(|r| r.score).collect();
            let rest: Vec<f64> = answers
                .iter()
                .map(|r| totals.get(&r.attempt).copied().unwrap_or(0.0) - r.score)
                .collect();
            let mut seconds: Vec<f64> = answers.iter().map(|r| r.ms as f64 / 1000.0).collect();
            seconds.sort_by(f64::total_cmp);
            ItemStats {
                item,
                n: answers.len(),
                facility: mean(&scores).unwrap_or(0.0) / 100.0,
                discrimination: correlation(&scores, &rest),
                median_seconds: seconds.get(seconds.len() / 2).copied().unwrap_or(0.0),
            }
        })
        .collect()
}

/// Mean score per key (a category, a criterion…), weakest first; ties by key.
pub fn weakest<K: Ord + Clone>(pairs: impl IntoIterator<Item = (K, f64)>) -> Vec<(K, f64, usize)> {
    let mut sums: BTreeMap<K, (f64, usize)> = BTreeMap::new();
    for (k, v) in pairs {
        let e = sums.entry(k).or_default();
        e.0 += v;
        e.1 += 1;
    }
    let mut out: Vec<(K, f64, usize)> = sums
        .into_iter()
        .map(|(k, (sum, n))| (k, sum / n as f64, n))
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_each_score_once_with_a_hundred_in_the_top_bin() {
        let counts = histogram(&[0.0, 9.9, 10.0, 55.0, 99.0, 100.0, f64::NAN], 10);
        assert_eq!(counts, [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(counts.iter().sum::<usize>(), 6);
    }

    #[test]
    fn correlation_is_one_for_a_line_and_none_without_spread() {
        let r = correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).expect("r");
        assert!((r - 1.0).abs() < 1e-12);
        assert_eq!(correlation(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        assert_eq!(correlation(&[1.0, 2.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn an_item_the_strong_pass_and_the_weak_fail_discriminates() {
        // Three attempts; item 1 follows the rest of the attempt, item 2 runs
        // against it.
        let r = |attempt, item, score, ms| Response {
            attempt,
            item,
            score,
            ms,
        };
        let responses = [
            r(1, 1, 90.0, 10_000),
            r(1, 2, 20.0, 30_000),
            r(1, 3, 100.0, 1_000),
            r(2, 1, 50.0, 20_000),
            r(2, 2, 50.0, 40_000),
            r(2, 3, 50.0, 1_000),
            r(3, 1, 10.0, 30_000),
            r(3, 2, 90.0, 50_000),
            r(3, 3, 0.0, 1_000),
        ];
        let stats = items(&responses);
        let first = &stats[0];
        assert_eq!((first.item, first.n), (1, 3));
        assert!((first.facility - 0.5).abs() < 1e-12);
        assert!(first.discrimination.expect("r") > 0.9);
        assert!(stats[1].discrimination.expect("r") < 0.0);
        assert_eq!(first.median_seconds, 20.0);
    }

    #[test]
    fn the_weakest_key_comes_first_with_its_count() {
        let out = weakest([("price", 80.0), ("refund", 40.0), ("price", 60.0)]);
        assert_eq!(out, [("refund", 40.0, 1), ("price", 70.0, 2)]);
    }
}
