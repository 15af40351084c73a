//! Clustering quality on real customer-service questions: BQ (WeBank) and
//! ATEC/AFQMC (Alipay) labelled same/different question pairs, read from
//! ../shared/data (research use: never copied; skipped when absent).
//!
//! The clusters are read as a classifier: a pair is predicted "same question"
//! when both sentences land in one cluster. Reported beside a pairwise baseline,
//! strsim's normalised Levenshtein on the raw sentences with its threshold tuned
//! on the dev split, computed in the same run. Accuracy, precision and recall (the
//! pairs are balanced, so F1 would reward one giant cluster).
//!
//! Run: `cargo bench --bench clusters`.

use std::collections::HashMap;
mod pairs;
use pairs::{afqmc, bq, data_dir, Pair};

use huashu::domain::mining::cluster::{Params, Weights};
use huashu::domain::mining::mask::mask;
use huashu::domain::mining::matchkey::key;
use huashu::domain::mining::rules::Rules;
use huashu::domain::text::Token;

#[derive(Clone, Copy, Default)]
struct Score {
    accuracy: f64,
    precision: f64,
    recall: f64,
}

fn score(pairs: &[Pair], predict: impl Fn(&Pair) -> bool) -> Score {
    let (mut tp, mut fp, mut tn, mut fn_) = (0.0, 0.0, 0.0, 0.0);
    for p in pairs {
        match (predict(p), p.same) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, false) => tn += 1.0,
            (false, true) => fn_ += 1.0,
        }
    }
    Score {
        accuracy: (tp + tn) / pairs.len() as f64,
        precision: if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 },
        recall: if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 },
    }
}

/// The threshold on `sim` with the best accuracy.
fn tune(pairs: &[Pair], sim: impl Fn(&Pair) -> f64) -> f64 {
    let sims: Vec<f64> = pairs.iter().map(&sim).collect();
    (1..100)
        .map(|t| t as f64 / 100.0)
        .map(|t| {
            let correct = sims
                .iter()
                .zip(pairs)
                .filter(|(s, p)| (**s >= t) == p.same)
                .count();
            (t, correct)
        })
        .max_by_key(|(_, c)| *c)
        .map_or(0.5, |(t, _)| t)
}

struct Keys {
    rules: Rules,
}

impl Keys {
    fn of(&self, s: &str) -> Vec<Token> {
        key(&mask(s), &self.rules.synonyms)
    }
}

/// Clusters every distinct sentence of the pairs; returns sentence → cluster.
/// Clusters the pairs' sentences as the product does: IDF weights over them,
/// and the default rules' categories kept apart.
fn clusters(pairs: &[Pair], keys: &Keys, params: Params) -> HashMap<String, u32> {
    let mut distinct: Vec<Vec<Token>> = Vec::new();
    let mut by_key: HashMap<Vec<Token>, u32> = HashMap::new();
    let mut sentence_key: HashMap<String, u32> = HashMap::new();
    for p in pairs {
        for s in [&p.a, &p.b] {
            if sentence_key.contains_key(s) {
                continue;
            }
            let k = keys.of(s);
            let id = *by_key.entry(k.clone()).or_insert_with(|| {
                distinct.push(k);
                distinct.len() as u32 - 1
            });
            sentence_key.insert(s.clone(), id);
        }
    }
    let weights = Weights::from_keys(distinct.iter().map(Vec::as_slice)).with_categories(
        &keys.rules.tags.category,
        distinct.iter().map(Vec::as_slice),
    );
    let roots = huashu::domain::mining::cluster::cluster_all(&distinct, &weights, params);
    sentence_key
        .into_iter()
        .map(|(s, id)| (s, roots[id as usize]))
        .collect()
}

fn cluster_score(pairs: &[Pair], keys: &Keys, params: Params) -> (Score, usize) {
    let of = clusters(pairs, keys, params);
    let n = of.values().collect::<std::collections::HashSet<_>>().len();
    (score(pairs, |p| of.get(&p.a) == of.get(&p.b)), n)
}

fn line(name: &str, s: Score, extra: &str) {
    println!(
        "  {name:<44} accuracy {:.3}  precision {:.3}  recall {:.3}  {extra}",
        s.accuracy, s.precision, s.recall
    );
}

fn evaluate(label: &str, dev: &[Pair], test: &[Pair]) {
    println!(
        "{label}: {} dev pairs (tuning), {} test pairs",
        dev.len(),
        test.len()
    );
    let lev = |p: &Pair| strsim::normalized_levenshtein(&p.a, &p.b);
    let t = tune(dev, lev);
    line(
        "strsim normalized_levenshtein (baseline)",
        score(test, |p| lev(p) >= t),
        &format!("threshold {t:.2}"),
    );

    let keys = Keys {
        rules: Rules::default(),
    };
    let all: Vec<Vec<Token>> = dev
        .iter()
        .chain(test)
        .flat_map(|p| [keys.of(&p.a), keys.of(&p.b)])
        .collect();
    let weights = Weights::from_keys(all.iter().map(Vec::as_slice));
    let pairwise = |p: &Pair| weights.similarity(&keys.of(&p.a), &keys.of(&p.b));
    let t = tune(dev, pairwise);
    line(
        "huashu key similarity, pairwise",
        score(test, |p| pairwise(p) >= t),
        &format!("threshold {t:.2}"),
    );

    let mut best = (0.0, Params::default());
    for (t, e) in (10..=40)
        .step_by(3)
        .flat_map(|t| [5, 10].map(move |e| (t, e)))
    {
        let params = Params {
            threshold: t as f64 / 100.0,
            edge: e as f64 / 100.0,
            ..Params::default()
        };
        let (s, _) = cluster_score(dev, &keys, params);
        if s.accuracy > best.0 {
            best = (s.accuracy, params);
        }
    }
    let (s, n) = cluster_score(test, &keys, best.1);
    line(
        "huashu clusters (MinHash-LSH, centroid-checked)",
        s,
        &format!(
            "threshold {:.2}, edge {:.2}, {n} clusters",
            best.1.threshold, best.1.edge
        ),
    );
    let shipped = Params::default();
    let (s, n) = cluster_score(test, &keys, shipped);
    line(
        "  the same with the shipped parameters",
        s,
        &format!(
            "threshold {:.2}, edge {:.2}, {n} clusters",
            shipped.threshold, shipped.edge
        ),
    );
    println!();
}

fn main() {
    let dir = data_dir();
    match (
        bq(&dir.join("bq_corpus/dev.csv")),
        bq(&dir.join("bq_corpus/test.csv")),
    ) {
        (Some(dev), Some(test)) => evaluate("BQ corpus (WeBank)", &dev, &test),
        _ => println!(
            "BQ corpus skipped: {} not found",
            dir.join("bq_corpus").display()
        ),
    }
    match afqmc(&dir.join("atec_afqmc/atec_nlp_sim_train.csv")) {
        Some((dev, test)) => evaluate(
            "ATEC/AFQMC (Alipay; even ids tune, odd ids test)",
            &dev,
            &test,
        ),
        None => println!(
            "ATEC/AFQMC skipped: {} not found",
            dir.join("atec_afqmc").display()
        ),
    }
}
