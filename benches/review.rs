//! Peer-review aggregation against the truth.
//!
//! Simulation: answers with true scores, reviewers with a random bias and their
//! own noise (a fifth of them careless), k = 3, 4, 5 reviews per answer assigned
//! by `review::assign`. Prints the RMSE of the model's scores against the truth
//! beside the plain mean and the median of the marks, from the same runs.
//!
//! Real data: `../shared/data/peer_vs_tutor_rcode_2025/` (247 submissions, 3
//! peer and 3 tutor grades each; research use, read in place, skipped when
//! absent). A tenth of the submissions get their tutors' mean as a lead's grade;
//! on the others, the RMSE against the tutors' mean of the model's score, the
//! mean and the median of the peer grades.
//!
//! Run: `cargo bench --bench review`.
#![allow(clippy::expect_used)] // a benchmark on inputs it made itself may stop loudly

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use huashu::domain::review::aggregate::{fit, Mark, Tuning};
use huashu::domain::review::assign::{assign, Answer};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const RUNS: u64 = 20;

fn normal(rng: &mut StdRng) -> f64 {
    // Box–Muller: enough for a simulation, and no extra dependency.
    let (u, v): (f64, f64) = (rng.gen_range(1e-12..1.0), rng.gen());
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn rmse(pairs: impl Iterator<Item = (f64, f64)>) -> f64 {
    let (mut sq, mut n) = (0.0, 0.0);
    for (a, b) in pairs {
        sq += (a - b).powi(2);
        n += 1.0;
    }
    (sq / n).sqrt()
}

/// One simulated round: RMSE of (model, mean, median) against the truth.
/// RMSEs (model, mean, median) and the seconds the model's fit and the plain
/// means took.
fn simulate(k: usize, seed: u64) -> ((f64, f64, f64), (f64, f64)) {
    let mut rng = StdRng::seed_from_u64(seed);
    let trainees = 60i64;
    let questions = 5i64;
    let truth: HashMap<i64, f64> = (0..trainees * questions)
        .map(|a| (a, (70.0 + 12.0 * normal(&mut rng)).clamp(0.0, 100.0)))
        .collect();
    let reviewers: Vec<(f64, f64)> = (0..trainees)
        .map(|_| {
            let bias = 8.0 * normal(&mut rng);
            let noise = if rng.gen_bool(0.2) {
                rng.gen_range(12.0..20.0)
            } else {
                rng.gen_range(2.0..6.0)
            };
            (bias, noise)
        })
        .collect();
    let answers: Vec<Answer> = (0..trainees * questions)
        .map(|a| Answer {
            id: a,
            author: a / questions,
        })
        .collect();
    let people: Vec<i64> = (0..trainees).collect();
    let pairs = assign(&answers, &people, k, seed).expect("assignable");
    let marks: Vec<Mark> = pairs
        .iter()
        .map(|(a, r)| {
            let (bias, noise) = reviewers[*r as usize];
            let score = (truth[a] + bias + noise * normal(&mut rng)).clamp(0.0, 100.0);
            Mark {
                item: *a,
                reviewer: *r,
                score,
            }
        })
        .collect();
    let clock = Instant::now();
    let model = fit(&marks, &BTreeMap::new(), &HashMap::new(), Tuning::default());
    let fitting = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let mut by_item: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for m in &marks {
        by_item.entry(m.item).or_default().push(m.score);
    }
    let means: Vec<f64> = by_item.values().map(|s| mean(s)).collect();
    let averaging = clock.elapsed().as_secs_f64();
    assert_eq!(means.len(), by_item.len());
    (
        (
            rmse(model.items.iter().map(|i| (i.score, truth[&i.item]))),
            rmse(by_item.iter().map(|(a, s)| (mean(s), truth[a]))),
            rmse(by_item.iter().map(|(a, s)| (median(s), truth[a]))),
        ),
        (fitting, averaging),
    )
}

fn simulation() {
    println!("Simulation: 60 trainees × 5 answers, reviewer bias sd 8, noise sd 2–6 (careless fifth: 12–20), {RUNS} runs each");
    println!("  k | model RMSE | mean RMSE | median RMSE | model vs median");
    let mut timings = Vec::new();
    for k in [3, 4, 5] {
        let (mut m, mut a, mut d) = (0.0, 0.0, 0.0);
        let (mut fitting, mut averaging) = (0.0, 0.0);
        for run in 0..RUNS {
            let ((x, y, z), (f, g)) = simulate(k, 1000 * k as u64 + run);
            m += x;
            a += y;
            d += z;
            fitting += f;
            averaging += g;
        }
        timings.push((k, fitting / RUNS as f64, averaging / RUNS as f64));
        let n = RUNS as f64;
        let (m, a, d) = (m / n, a / n, d / n);
        println!(
            "  {k} | {m:>10.2} | {a:>9.2} | {d:>11.2} | {:>+.0}% (target ≤ -30%)",
            (m / d - 1.0) * 100.0
        );
    }
    // Rankings and reputations refit every round from its stored marks on each
    // view: two fits per round (its outcome, and the reputation it hands on).
    println!(
        "Time per round of 300 answers (one fit of the model; the plain means as the baseline):"
    );
    println!("  k | model fit | plain means | ratio | 50 rounds refitted (2 fits each)");
    for (k, fitting, averaging) in timings {
        println!(
            "  {k} | {:>7.1} ms | {:>8.3} ms | {:>5.0}× | {:>6.0} ms",
            fitting * 1e3,
            averaging * 1e3,
            fitting / averaging.max(1e-9),
            fitting * 100.0 * 1e3
        );
    }
}

fn real_data(dir: &Path) {
    let (Ok(peer), Ok(tutor)) = (
        std::fs::read_to_string(dir.join("peer_grades.csv")),
        std::fs::read_to_string(dir.join("tutor_grades.csv")),
    ) else {
        println!("Real data skipped: {} not found", dir.display());
        return;
    };
    let mut ids: HashMap<String, i64> = HashMap::new();
    let mut id = |name: &str| {
        let next = ids.len() as i64;
        *ids.entry(name.to_string()).or_insert(next)
    };
    let mut marks = Vec::new();
    for line in peer.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let score: f64 = f[4].parse().expect("peer score");
        marks.push(Mark {
            item: id(f[0]),
            reviewer: id(&format!("reviewer:{}", f[1])),
            score,
        });
    }
    let mut tutors: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for line in tutor.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        tutors
            .entry(id(f[0]))
            .or_default()
            .push(f[7].parse().expect("tutor total"));
    }
    let truth: BTreeMap<i64, f64> = tutors.iter().map(|(k, v)| (*k, mean(v))).collect();
    let mut by_item: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for m in &marks {
        by_item.entry(m.item).or_default().push(m.score);
    }
    println!("Real data: {} submissions, {} peer grades; a tenth given the tutors' mean as a lead's grade, scored on the rest", truth.len(), marks.len());
    println!("  split | model RMSE | same model, reviewers all alike | mean RMSE | median RMSE");
    let alike = Tuning {
        bias_weight: 1e9,
        reliability_weight: 1e9,
        ..Tuning::default()
    };
    let (mut sm, mut sl, mut sa, mut sd) = (0.0, 0.0, 0.0, 0.0);
    let splits = 10;
    for split in 0..splits {
        let mut items: Vec<i64> = truth.keys().copied().collect();
        items.shuffle(&mut StdRng::seed_from_u64(split));
        let gold: BTreeMap<i64, f64> = items[..items.len() / 10]
            .iter()
            .map(|i| (*i, truth[i]))
            .collect();
        let model = fit(&marks, &gold, &HashMap::new(), Tuning::default());
        let rest = |i: &i64| !gold.contains_key(i);
        let m = rmse(
            model
                .items
                .iter()
                .filter(|s| rest(&s.item))
                .map(|s| (s.score, truth[&s.item])),
        );
        let plain = fit(&marks, &gold, &HashMap::new(), alike);
        let l = rmse(
            plain
                .items
                .iter()
                .filter(|s| rest(&s.item))
                .map(|s| (s.score, truth[&s.item])),
        );
        let a = rmse(
            by_item
                .iter()
                .filter(|(i, _)| rest(i))
                .map(|(i, s)| (mean(s), truth[i])),
        );
        let d = rmse(
            by_item
                .iter()
                .filter(|(i, _)| rest(i))
                .map(|(i, s)| (median(s), truth[i])),
        );
        println!("  {split:>5} | {m:>10.3} | {l:>31.3} | {a:>9.3} | {d:>11.3}");
        sm += m;
        sl += l;
        sa += a;
        sd += d;
    }
    let n = splits as f64;
    println!(
        "  mean  | {:>10.3} | {:>31.3} | {:>9.3} | {:>11.3}   (target: model below the mean of peer grades)",
        sm / n,
        sl / n,
        sa / n,
        sd / n
    );
}

fn main() {
    simulation();
    real_data(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/peer_vs_tutor_rcode_2025"),
    );
}
