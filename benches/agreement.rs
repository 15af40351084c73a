//! How well the automatic score agrees with human graders on real Chinese short
//! answers (SAS datasets, research use: read from ../shared/data, never copied).
//! Reports Pearson and Spearman correlations on the test splits, beside strsim's
//! normalised Levenshtein on the raw texts, computed in the same run.
//! Run: `cargo bench --bench agreement`. Skips when the data folder is absent.

use std::path::{Path, PathBuf};

use huashu::domain::rubric::Settings;
use huashu::domain::scoring::Question;
use huashu::domain::similarity::{self, Similarity};

struct Graded {
    references: Vec<String>,
    answer: String,
    human: f64,
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/sas_zh_short_answer")
}

fn ads(dir: &Path) -> Option<Vec<Graded>> {
    let text = std::fs::read_to_string(dir.join("ADS/test.jsonl")).ok()?;
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| {
                let references: Vec<String> = ["reference1", "reference2", "reference3"]
                    .iter()
                    .filter_map(|k| {
                        v[k].as_str()
                            .filter(|s| !s.trim().is_empty())
                            .map(str::to_string)
                    })
                    .collect();
                let human = v["score"].as_str()?.trim().parse().ok()?;
                Some(Graded {
                    references,
                    answer: v["answer"].as_str()?.to_string(),
                    human,
                })
            })
            .collect(),
    )
}

fn le(dir: &Path) -> Option<Vec<Graded>> {
    let text = std::fs::read_to_string(dir.join("LE/s_eval_zh.csv")).ok()?;
    Some(
        text.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let human = f.get(3)?.trim().parse().ok()?;
                Some(Graded {
                    references: vec![f.get(1)?.to_string()],
                    answer: f.get(2)?.to_string(),
                    human,
                })
            })
            .collect(),
    )
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// Ranks with ties averaged, for Spearman's rho.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        for k in i..=j {
            r[idx[k]] = (i + j) as f64 / 2.0;
        }
        i = j + 1;
    }
    r
}

fn report(name: &str, rows: &[Graded]) {
    let human: Vec<f64> = rows.iter().map(|r| r.human).collect();
    // The rubric is a customer-service rubric; these are exam answers, so only the
    // similarity side of the scorer is compared (no expected checks).
    let no_rubric = Settings {
        expect: Some(vec![]),
        banned: vec![],
    };
    let ours: Vec<f64> = rows
        .iter()
        .map(|r| {
            Question::new(&r.references, no_rubric.clone())
                .map_or(0.0, |q| q.score(&r.answer).score)
        })
        .collect();
    // Each pair compared once; each metric then takes its best reference.
    let pairs: Vec<Vec<Similarity>> = rows
        .iter()
        .map(|r| {
            r.references
                .iter()
                .map(|x| similarity::between(&r.answer, x))
                .collect()
        })
        .collect();
    let best = |metric: fn(&Similarity) -> f64| -> Vec<f64> {
        pairs
            .iter()
            .map(|sims| sims.iter().map(metric).fold(0.0, f64::max))
            .collect()
    };
    let (combined, edit, dice) = (best(|s| s.combined), best(|s| s.edit), best(|s| s.dice));
    let strsim: Vec<f64> = rows
        .iter()
        .map(|r| {
            r.references
                .iter()
                .map(|x| strsim::normalized_levenshtein(&r.answer, x))
                .fold(0.0, f64::max)
        })
        .collect();
    println!("{name} ({} answers)", rows.len());
    for (label, xs) in [
        ("huashu score (similarity part)", &ours),
        ("  combined similarity before rescaling", &combined),
        ("  edit similarity alone", &edit),
        ("  bigram Dice alone", &dice),
        ("strsim normalized_levenshtein (baseline)", &strsim),
    ] {
        println!(
            "  {label:<42} pearson {:.3}  spearman {:.3}",
            pearson(xs, &human),
            pearson(&ranks(xs), &ranks(&human))
        );
    }
}

fn main() {
    let dir = data_dir();
    let (Some(ads), Some(le)) = (ads(&dir), le(&dir)) else {
        println!(
            "skipped: {} not found (evaluation data is optional)",
            dir.display()
        );
        return;
    };
    report("SAS ADS test split (0-10)", &ads);
    report("SAS LE eval split (0-1)", &le);
}
