//! Peer marks combined into one score per answer by a model of the reviewers,
//! after Piech et al., "Tuned Models of Peer Assessment in MOOCs" (2013), model
//! PG1: a mark is the answer's true score plus the reviewer's bias plus noise
//! whose size is the reviewer's own (their reliability is its precision).
//!
//! The unknowns are estimated together by coordinate ascent to the posterior's
//! mode: true scores from the debiased marks weighted by reliability; each bias
//! from that reviewer's residuals, pulled towards zero (or their reputation)
//! when they reviewed little; each reliability from their squared residuals,
//! pulled towards the typical one. A lead's grade ("gold") is the true score of
//! its answer, and so also measures every reviewer of that answer. The priors
//! come from the data's own spread, so scores can be on any scale.

use std::collections::{BTreeMap, HashMap};

/// One reviewer's mark for one answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub item: i64,
    pub reviewer: i64,
    pub score: f64,
}

/// What a reviewer brought from earlier rounds: a bias and a reliability
/// (1 = typical), and how many reviews that rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reputation {
    pub bias: f64,
    pub reliability: f64,
    pub reviews: f64,
}

/// How strongly the priors hold, in pseudo-reviews.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// A bias needs this many reviews to count half of what the data say.
    pub bias_weight: f64,
    /// Likewise for a reliability.
    pub reliability_weight: f64,
    pub rounds: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            bias_weight: 2.0,
            reliability_weight: 4.0,
            rounds: 50,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemScore {
    pub item: i64,
    pub score: f64,
    /// Peer marks it rests on.
    pub reviews: usize,
    /// A lead's grade decided it.
    pub gold: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReviewerFit {
    pub reviewer: i64,
    /// Marks this much above the truth on average (negative: too harsh).
    pub bias: f64,
    /// Precision relative to the typical reviewer: 2 = half the noise variance.
    pub reliability: f64,
    /// 0–100: how close their marks come to the others' consensus and to the
    /// leads' grades, each mark judged without itself; 50 with no evidence.
    pub grade: f64,
    pub reviews: usize,
}

#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Fit {
    pub items: Vec<ItemScore>,
    pub reviewers: Vec<ReviewerFit>,
}

/// Fits the model. `gold` maps items to a lead's grade; `reputation` gives
/// reviewers' priors from earlier rounds. Items with neither marks nor gold
/// are not in the result (nobody can score them).
pub fn fit(
    marks: &[Mark],
    gold: &BTreeMap<i64, f64>,
    reputation: &HashMap<i64, Reputation>,
    tuning: Tuning,
) -> Fit {
    let model = Model::new(marks, gold, reputation, tuning);
    model.solve()
}

struct Model<'a> {
    marks: &'a [Mark],
    gold: &'a BTreeMap<i64, f64>,
    items: Vec<i64>,
    reviewers: Vec<i64>,
    /// Per mark: index of its item and its reviewer.
    at: Vec<(usize, usize)>,
    /// Spread of true scores, and of a typical reviewer's noise (variances).
    truth_var: f64,
    noise_var: f64,
    mean: f64,
    prior: Vec<Reputation>,
    tuning: Tuning,
}

impl<'a> Model<'a> {
    fn new(
        marks: &'a [Mark],
        gold: &'a BTreeMap<i64, f64>,
        reputation: &HashMap<i64, Reputation>,
        tuning: Tuning,
    ) -> Self {
        let mut items: Vec<i64> = marks
            .iter()
            .map(|m| m.item)
            .chain(gold.keys().copied())
            .collect();
        items.sort_unstable();
        items.dedup();
        let mut reviewers: Vec<i64> = marks.iter().map(|m| m.reviewer).collect();
        reviewers.sort_unstable();
        reviewers.dedup();
        let item_ix: HashMap<i64, usize> = items.iter().enumerate().map(|(i, x)| (*x, i)).collect();
        let rev_ix: HashMap<i64, usize> =
            reviewers.iter().enumerate().map(|(i, x)| (*x, i)).collect();
        let at = marks
            .iter()
            .map(|m| (item_ix[&m.item], rev_ix[&m.reviewer]))
            .collect();

        // Noise: the pooled spread of marks around their item's mean; truth: the
        // spread of item means beyond what that noise explains.
        let mut by_item: Vec<Vec<f64>> = vec![Vec::new(); items.len()];
        for m in marks {
            by_item[item_ix[&m.item]].push(m.score);
        }
        let (mut within, mut dof) = (0.0, 0.0);
        for scores in by_item.iter().filter(|s| s.len() > 1) {
            let mu = mean(scores);
            within += scores.iter().map(|s| (s - mu).powi(2)).sum::<f64>();
            dof += scores.len() as f64 - 1.0;
        }
        let all: Vec<f64> = marks
            .iter()
            .map(|m| m.score)
            .chain(gold.values().copied())
            .collect();
        let spread = variance(&all).max(1e-9);
        let noise_var = if dof > 0.0 {
            (within / dof).max(spread * 1e-3)
        } else {
            spread / 2.0
        };
        let truth_var = (spread - noise_var / 2.0).max(spread * 0.1);
        let prior = reviewers
            .iter()
            .map(|r| {
                reputation.get(r).copied().unwrap_or(Reputation {
                    bias: 0.0,
                    reliability: 1.0,
                    reviews: 0.0,
                })
            })
            .collect();
        Self {
            marks,
            gold,
            items,
            reviewers,
            at,
            truth_var,
            noise_var,
            mean: mean(&all),
            prior,
            tuning,
        }
    }

    fn solve(&self) -> Fit {
        let n_items = self.items.len();
        let n_rev = self.reviewers.len();
        let mut truth: Vec<f64> = vec![self.mean; n_items];
        let mut bias: Vec<f64> = self.prior.iter().map(|p| p.bias).collect();
        // Precision of each reviewer's noise, in units of 1 / noise_var.
        let mut prec: Vec<f64> = self.prior.iter().map(|p| p.reliability.max(1e-3)).collect();
        let gold: Vec<Option<f64>> = self
            .items
            .iter()
            .map(|i| self.gold.get(i).copied())
            .collect();
        let typical = self.noise_var.sqrt();
        let mut count = vec![0usize; n_rev];
        for (_, r) in &self.at {
            count[*r] += 1;
        }
        for _ in 0..self.tuning.rounds {
            // True scores.
            let mut num = vec![self.mean / self.truth_var; n_items];
            let mut den = vec![1.0 / self.truth_var; n_items];
            for (m, (i, r)) in self.marks.iter().zip(&self.at) {
                let w = prec[*r] / self.noise_var;
                num[*i] += w * (m.score - bias[*r]);
                den[*i] += w;
            }
            for i in 0..n_items {
                truth[i] = gold[i].unwrap_or(num[i] / den[i]);
            }
            // Biases, pulled towards the prior as if by `bias_weight` reviews of a
            // typical reviewer: the steadier a reviewer, the less their own
            // reviews are pulled.
            let mut sum = vec![0.0; n_rev];
            for (m, (i, r)) in self.marks.iter().zip(&self.at) {
                sum[*r] += m.score - truth[*i];
            }
            for r in 0..n_rev {
                // A Huber prior: firm near the prior bias, lenient far from it, so
                // one far-off reviewer takes their own offset instead of shifting
                // everyone's truth towards it.
                let off = (bias[r] - self.prior[r].bias).abs();
                let robust = if off > typical { typical / off } else { 1.0 };
                let k = robust * (self.tuning.bias_weight + self.prior[r].reviews) / prec[r];
                bias[r] = (sum[r] + k * self.prior[r].bias) / (count[r] as f64 + k);
            }
            // Reliabilities: typical noise plus their residuals, weighted the same way.
            let mut sq = vec![0.0; n_rev];
            for (m, (i, r)) in self.marks.iter().zip(&self.at) {
                sq[*r] += (m.score - truth[*i] - bias[*r]).powi(2);
            }
            for r in 0..n_rev {
                let k = self.tuning.reliability_weight + self.prior[r].reviews;
                let prior_var = self.noise_var / self.prior[r].reliability.max(1e-3);
                let var = (k * prior_var + sq[r]) / (k + count[r] as f64);
                prec[r] = (self.noise_var / var.max(1e-12)).clamp(0.05, 20.0);
            }
        }
        let grades = self.reviewing_grades(&truth, &bias, &prec, &gold);
        let mut reviews = vec![0usize; n_items];
        for (i, _) in &self.at {
            reviews[*i] += 1;
        }
        Fit {
            items: (0..n_items)
                .map(|i| ItemScore {
                    item: self.items[i],
                    score: truth[i],
                    reviews: reviews[i],
                    gold: gold[i].is_some(),
                })
                .collect(),
            reviewers: (0..n_rev)
                .map(|r| ReviewerFit {
                    reviewer: self.reviewers[r],
                    bias: bias[r],
                    reliability: prec[r],
                    grade: grades[r],
                    reviews: count[r],
                })
                .collect(),
        }
    }

    /// Each mark against what the others say of its answer: the lead's grade
    /// if there is one, else the other reviewers' debiased, weighted consensus.
    /// A reviewer's grade falls with their root-mean-square miss, measured in
    /// typical noise and pulled towards 50 (no evidence) by the prior's weight,
    /// so two reviewers who merely agree with each other do not both score 100.
    fn reviewing_grades(
        &self,
        truth: &[f64],
        bias: &[f64],
        prec: &[f64],
        gold: &[Option<f64>],
    ) -> Vec<f64> {
        let n_items = truth.len();
        let mut num = vec![0.0; n_items];
        let mut den = vec![0.0; n_items];
        for (m, (i, r)) in self.marks.iter().zip(&self.at) {
            num[*i] += prec[*r] * (m.score - bias[*r]);
            den[*i] += prec[*r];
        }
        let k = self.tuning.reliability_weight;
        let mut sq = vec![k * self.noise_var; self.reviewers.len()];
        let mut n = vec![k; self.reviewers.len()];
        for (m, (i, r)) in self.marks.iter().zip(&self.at) {
            let others = match gold[*i] {
                Some(g) => Some(g),
                None => {
                    let d = den[*i] - prec[*r];
                    (d > 1e-9).then(|| (num[*i] - prec[*r] * (m.score - bias[*r])) / d)
                }
            };
            if let Some(o) = others {
                sq[*r] += (m.score - o).powi(2);
                n[*r] += 1.0;
            }
        }
        (0..self.reviewers.len())
            .map(|r| {
                let rms = (sq[r] / n[r]).sqrt() / self.noise_var.sqrt();
                // 1 typical noise → 50; none → 100.
                100.0 / (1.0 + rms)
            })
            .collect()
    }
}

/// Reputations from earlier rounds' fits: each reviewer's bias and reliability
/// averaged over rounds by how many reviews each rests on. The weight is capped
/// at `cap` reviews, so a long record still lets a reviewer change.
pub fn reputation(fits: &[Fit], cap: f64) -> HashMap<i64, Reputation> {
    let mut sums: HashMap<i64, (f64, f64, f64)> = HashMap::new();
    for fit in fits {
        for r in &fit.reviewers {
            let n = r.reviews as f64;
            let e = sums.entry(r.reviewer).or_default();
            e.0 += n * r.bias;
            e.1 += n * r.reliability;
            e.2 += n;
        }
    }
    sums.into_iter()
        .filter(|(_, (_, _, n))| *n > 0.0)
        .map(|(id, (b, rel, n))| {
            (
                id,
                Reputation {
                    bias: b / n,
                    reliability: rel / n,
                    reviews: n.min(cap),
                },
            )
        })
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

fn variance(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let mu = mean(xs);
    xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (xs.len() - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(item: i64, reviewer: i64, score: f64) -> Mark {
        Mark {
            item,
            reviewer,
            score,
        }
    }

    fn reviewer(fit: &Fit, id: i64) -> &ReviewerFit {
        fit.reviewers
            .iter()
            .find(|r| r.reviewer == id)
            .expect("reviewer")
    }

    /// 24 answers, each marked by two of six reviewers who agree and by
    /// reviewer 9, always 2 below them.
    fn harsh_nine() -> Vec<Mark> {
        let mut marks = Vec::new();
        for item in 0..24 {
            let truth = 5.0 + (item % 4) as f64;
            marks.push(mark(item, item % 6, truth));
            marks.push(mark(item, (item + 1) % 6, truth));
            marks.push(mark(item, 9, truth - 2.0));
        }
        marks
    }

    #[test]
    fn a_harsh_reviewer_is_found_out_and_corrected_for() {
        // Reviewer 9 marks everything 2 below the six others, who agree with each
        // other. (Only the majority tells who is off: the model assumes reviewers
        // are unbiased on average.)
        let marks = harsh_nine();
        let fit = fit(&marks, &BTreeMap::new(), &HashMap::new(), Tuning::default());
        let harsh = reviewer(&fit, 9);
        let others: Vec<f64> = fit
            .reviewers
            .iter()
            .filter(|r| r.reviewer != 9)
            .map(|r| r.bias)
            .collect();
        let others = others.iter().sum::<f64>() / others.len() as f64;
        assert!(harsh.bias - others < -1.8, "{fit:?}");
        for item in &fit.items {
            let truth = 5.0 + (item.item % 4) as f64;
            // Closer to the truth than the mean of its marks (truth - 2/3) is.
            assert!((item.score - truth).abs() < 2.0 / 3.0, "{item:?}");
        }
    }

    #[test]
    fn a_lead_grade_decides_its_answer_and_a_noisy_reviewer_weighs_less() {
        let mut marks = Vec::new();
        for item in 0..20 {
            let truth = 10.0 + (item % 5) as f64;
            marks.push(mark(item, 1, truth));
            marks.push(mark(item, 2, truth + 0.2));
            // Reviewer 3 is careless: far off in alternating directions.
            marks.push(mark(
                item,
                3,
                truth + if item % 2 == 0 { 4.0 } else { -4.0 },
            ));
        }
        let gold = BTreeMap::from([(0, 10.5)]);
        let fit = fit(&marks, &gold, &HashMap::new(), Tuning::default());
        assert_eq!(fit.items[0].score, 10.5);
        assert!(fit.items[0].gold);
        let rel = |id| reviewer(&fit, id).reliability;
        assert!(
            rel(3) < 0.5 * rel(1),
            "careless {} vs careful {}",
            rel(3),
            rel(1)
        );
        let grade = |id| reviewer(&fit, id).grade;
        assert!(grade(1) > grade(3) + 20.0);
    }

    #[test]
    fn two_reviewers_who_agree_once_are_not_both_perfect() {
        let marks = [
            mark(1, 1, 7.0),
            mark(1, 2, 7.0),
            mark(2, 3, 4.0),
            mark(2, 4, 9.0),
        ];
        let fit = fit(&marks, &BTreeMap::new(), &HashMap::new(), Tuning::default());
        for r in &fit.reviewers {
            assert!(r.grade < 80.0, "one agreement is little evidence: {r:?}");
        }
        let grade = |id| reviewer(&fit, id).grade;
        assert!(grade(1) > grade(3), "agreeing still counts for something");
    }

    #[test]
    fn any_scale_and_no_marks_at_all_work() {
        let marks = [
            mark(1, 1, 0.7),
            mark(1, 2, 0.9),
            mark(2, 1, 0.2),
            mark(2, 2, 0.4),
        ];
        let fit = fit(&marks, &BTreeMap::new(), &HashMap::new(), Tuning::default());
        assert!(
            fit.items.iter().all(|i| i.score > 0.0 && i.score < 1.0),
            "{fit:?}"
        );
        let empty = super::fit(&[], &BTreeMap::new(), &HashMap::new(), Tuning::default());
        assert!(empty.items.is_empty() && empty.reviewers.is_empty());
    }

    #[test]
    fn a_reputation_carries_a_harsh_reviewer_into_a_round_with_little_evidence() {
        // Round 1: reviewer 9 is 2 below six others on 24 answers.
        let round1 = fit(
            &harsh_nine(),
            &BTreeMap::new(),
            &HashMap::new(),
            Tuning::default(),
        );
        let known = reputation(&[round1], 20.0);
        assert!(
            known[&9].bias < -1.0 && known[&9].reviews == 20.0,
            "{:?}",
            known[&9]
        );
        // Round 2: one answer, marked by 9 and one other who disagree by 2.
        let second = [mark(100, 9, 5.0), mark(100, 1, 7.0)];
        let blind = fit(
            &second,
            &BTreeMap::new(),
            &HashMap::new(),
            Tuning::default(),
        );
        let told = fit(&second, &BTreeMap::new(), &known, Tuning::default());
        assert!(
            (told.items[0].score - 7.0).abs() < (blind.items[0].score - 7.0).abs(),
            "knowing 9 is harsh moves the score towards the other mark: {} vs {}",
            told.items[0].score,
            blind.items[0].score
        );
    }
}
