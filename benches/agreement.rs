//! How well the automatic score agrees with human graders on real Chinese short
//! answers (SAS datasets, research use: read from ../shared/data, never copied).
//! Reports Pearson and Spearman correlations on the test splits, beside strsim's
//! normalised Levenshtein on the raw texts, computed in the same run.
//! Then, on the whole sets (SAS ADS, SAS LE, Mohler 2011 in English), the
//! default score's Pearson r beside the scorer calibrated to the grades
//! (`domain::calibration`) under 5-fold cross-validation split by question,
//! never by answer, and a difflib-style ratio (Ratcliff/Obershelp), all in the
//! same run.
//! Run: `cargo bench --bench agreement`. Skips when the data folder is absent.

use std::path::{Path, PathBuf};

use huashu::domain::calibration::{self, Graded as Fit};
use huashu::domain::rubric::Settings;
use huashu::domain::scoring::Question;
use huashu::domain::similarity::{self, Similarity};

struct Graded {
    references: Vec<String>,
    answer: String,
    human: f64,
    /// The question it answers (folds keep a question's answers together).
    question: String,
    /// The question's text, whose words earn an answer nothing.
    prompt: String,
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/sas_zh_short_answer")
}

fn ads(dir: &Path, file: &str) -> Option<Vec<Graded>> {
    let text = std::fs::read_to_string(dir.join("ADS").join(file)).ok()?;
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
                    question: v["q_id"].as_str().unwrap_or_default().to_string(),
                    prompt: v["question"].as_str().unwrap_or_default().to_string(),
                })
            })
            .collect(),
    )
}

fn le(dir: &Path, file: &str) -> Option<Vec<Graded>> {
    let text = std::fs::read_to_string(dir.join("LE").join(file)).ok()?;
    // qa.csv: id, question, reference.
    let prompts: std::collections::HashMap<String, String> =
        std::fs::read_to_string(dir.join("LE").join("qa.csv"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.trim().to_string(), f.next()?.to_string()))
            })
            .collect();
    Some(
        text.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let human = f.get(3)?.trim().parse().ok()?;
                Some(Graded {
                    references: vec![f.get(1)?.to_string()],
                    answer: f.get(2)?.to_string(),
                    human,
                    question: f.first()?.trim().to_string(),
                    prompt: prompts.get(f.first()?.trim()).cloned().unwrap_or_default(),
                })
            })
            .collect(),
    )
}

/// Mohler et al. 2011: `id,question,desired_answer,student_answer,score_me,
/// score_other,score_avg`; the id names the question.
fn mohler() -> Option<Vec<Graded>> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/mohler_asag/mohler_dataset_edited.csv");
    let mut reader = csv::Reader::from_path(file).ok()?;
    Some(
        reader
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| {
                Some(Graded {
                    references: vec![r.get(2)?.to_string()],
                    answer: r.get(3)?.to_string(),
                    human: r.get(6)?.trim().parse().ok()?,
                    question: r.get(0)?.to_string(),
                    prompt: r.get(1)?.to_string(),
                })
            })
            .collect(),
    )
}

/// Python difflib's `SequenceMatcher.ratio()` on characters (Ratcliff/
/// Obershelp: the longest common block, then the same on each side of it),
/// without its junk heuristics: 2 × matched / total length.
fn difflib_ratio(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    fn matched(a: &[char], b: &[char]) -> usize {
        let (mut best, mut at_a, mut at_b) = (0, 0, 0);
        let mut row = vec![0usize; b.len() + 1];
        for (i, ca) in a.iter().enumerate() {
            let mut next = vec![0usize; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                if ca == cb {
                    next[j + 1] = row[j] + 1;
                    if next[j + 1] > best {
                        (best, at_a, at_b) =
                            (next[j + 1], i + 1 - next[j + 1], j + 1 - next[j + 1]);
                    }
                }
            }
            row = next;
        }
        if best == 0 {
            return 0;
        }
        best + matched(&a[..at_a], &b[..at_b]) + matched(&a[at_a + best..], &b[at_b + best..])
    }
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matched(&a, &b) as f64 / total as f64
}

/// One way of combining the similarity views into one figure.
type Combine = fn(&Similarity) -> f64;

/// Candidate ways of combining the similarity views, on the train splits
/// (`TUNE=1`): where a new view earns its place before it enters the scorer.
fn tune(dir: &Path) {
    let (Some(ads_train), Some(le_train)) = (ads(dir, "train.jsonl"), le(dir, "s_train_zh.csv"))
    else {
        return;
    };
    for (name, rows) in [("ADS train", &ads_train), ("LE train", &le_train)] {
        let human: Vec<f64> = rows.iter().map(|r| r.human).collect();
        let sims: Vec<Similarity> = rows
            .iter()
            .map(|r| {
                r.references
                    .iter()
                    .map(|x| similarity::between(&r.answer, x))
                    .max_by(|a, b| a.combined.total_cmp(&b.combined))
                    .unwrap_or(Similarity::NONE)
            })
            .collect();
        let combos: [(&str, Combine); 5] = [
            ("(edit+dice+coverage)/3", |s| s.combined),
            ("(edit+dice+coverage+precision)/4", |s| {
                (s.edit + s.dice + s.coverage + s.precision) / 4.0
            }),
            ("combined + 0.5*precision*coverage", |s| {
                s.combined + 0.5 * s.precision * s.coverage
            }),
            ("max(combined, precision*0.6)", |s| {
                s.combined.max(0.6 * s.precision)
            }),
            ("(edit+dice+2*coverage+precision)/5", |s| {
                (s.edit + s.dice + 2.0 * s.coverage + s.precision) / 5.0
            }),
        ];
        for (label, f) in combos {
            let xs: Vec<f64> = sims.iter().map(f).collect();
            println!(
                "  tune {name:<10} {label:<40} pearson {:.3}",
                pearson(&xs, &human)
            );
        }
    }
}

/// The whole set: the default score, the calibrated one under 5-fold
/// cross-validation by question, and the difflib-style ratio.
fn whole(name: &str, rows: &[Graded]) {
    let no_rubric = Settings {
        expect: Some(vec![]),
        ..Settings::default()
    };
    let fits: Vec<Fit> = rows
        .iter()
        .filter_map(|r| {
            let q = Question::new(&r.references, no_rubric.clone())
                .ok()?
                .asked(&r.prompt);
            let report = q.score(&r.answer);
            let reference = r.references.get(report.best_reference)?;
            Some(Fit {
                signals: calibration::signals(&report, &r.answer, reference),
                grade: r.human,
                question: r.question.clone(),
            })
        })
        .collect();
    let human: Vec<f64> = rows.iter().map(|r| r.human).collect();
    let difflib: Vec<f64> = rows
        .iter()
        .map(|r| {
            r.references
                .iter()
                .map(|x| difflib_ratio(&r.answer, x))
                .fold(0.0, f64::max)
        })
        .collect();
    let shown = |r: Option<f64>| r.map_or("—".to_string(), |r| format!("{r:.3}"));
    match calibration::calibrate(&fits) {
        Ok(model) => println!(
            "{name} ({} answers): default {}  calibrated (5-fold by question) {}  difflib-style ratio {:.3}",
            fits.len(),
            shown(model.default_r),
            shown(model.held_out_r),
            pearson(&difflib, &human),
        ),
        Err(e) => println!("{name}: cannot calibrate: {e}"),
    }
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
        ..Settings::default()
    };
    let ours: Vec<f64> = rows
        .iter()
        .map(|r| {
            Question::new(&r.references, no_rubric.clone())
                .map_or(0.0, |q| q.asked(&r.prompt).score(&r.answer).score)
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
    let (Some(ads_test), Some(le_eval)) = (ads(&dir, "test.jsonl"), le(&dir, "s_eval_zh.csv"))
    else {
        println!(
            "skipped: {} not found (evaluation data is optional)",
            dir.display()
        );
        return;
    };
    report("SAS ADS test split (0-10)", &ads_test);
    report("SAS LE eval split (0-1)", &le_eval);
    if std::env::var_os("TUNE").is_some() {
        tune(&dir);
    }
    println!("\nWhole sets, Pearson r:");
    if let Some(all) = ads(&dir, "all.jsonl") {
        whole("SAS ADS", &all);
    }
    if let Some(all) = le(&dir, "train.csv") {
        whole("SAS LE", &all);
    }
    match mohler() {
        Some(all) => whole("Mohler 2011", &all),
        None => println!("Mohler 2011: skipped (../shared/data/mohler_asag not found)"),
    }
}
