#![allow(clippy::expect_used)] // a benchmark on fixed inputs may stop loudly
//! Scoring throughput: 10,000 answers against 5 references each, beside rapidfuzz's
//! normalised Levenshtein and strsim's textbook one on the same pairs, in one run.
//! Run: `cargo bench --bench scoring`. Figures go to docs/PERF.md.

use std::hint::black_box;
use std::time::Instant;

use huashu::domain::rubric::Settings;
use huashu::domain::scoring::Question;
use huashu::domain::similarity::{self, Prepared};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[path = "figure/mod.rs"]
mod figure;
use figure::figure;

const QUESTIONS: usize = 2_000;
const ANSWERS_PER_QUESTION: usize = 5;
const REFERENCES: usize = 5;
const FILLERS: &[&str] = &[
    "亲，",
    "好的，",
    "嗯，",
    "您好，",
    "呢",
    "哦",
    "～",
    "谢谢！",
    "马上",
    "稍等，",
];

/// Derives a text from a seed text: characters dropped, fillers inserted, a span
/// moved — the way trainees paraphrase a reference.
fn vary(rng: &mut StdRng, seed: &str) -> String {
    let mut chars: Vec<char> = seed.chars().filter(|_| rng.gen_bool(0.9)).collect();
    for _ in 0..rng.gen_range(1..4) {
        let at = rng.gen_range(0..=chars.len());
        let filler = FILLERS[rng.gen_range(0..FILLERS.len())];
        chars.splice(at..at, filler.chars());
    }
    if chars.len() > 10 && rng.gen_bool(0.5) {
        let cut = rng.gen_range(0..chars.len() / 2);
        let span: Vec<char> = chars.drain(cut..cut + 5).collect();
        chars.extend(span);
    }
    chars.into_iter().collect()
}

fn corpus() -> Vec<(Vec<String>, Vec<String>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exams");
    let seeds: Vec<String> = huashu::app::banks::load_dir(&dir)
        .expect("exams/ readable")
        .into_iter()
        .filter_map(|f| f.bank)
        .flat_map(|b| b.questions.into_iter().flat_map(|q| q.references))
        .collect();
    let mut rng = StdRng::seed_from_u64(2026);
    (0..QUESTIONS)
        .map(|i| {
            let seed = &seeds[i % seeds.len()];
            let refs = (0..REFERENCES).map(|_| vary(&mut rng, seed)).collect();
            let answers = (0..ANSWERS_PER_QUESTION)
                .map(|_| vary(&mut rng, seed))
                .collect();
            (refs, answers)
        })
        .collect()
}

/// Best of three timed runs, in answers per second.
fn measure(name: &str, answers: usize, mut run: impl FnMut() -> f64) -> f64 {
    let mut best = f64::MAX;
    let mut check = 0.0;
    for _ in 0..3 {
        let start = Instant::now();
        check = black_box(run());
        best = best.min(start.elapsed().as_secs_f64());
    }
    let rate = answers as f64 / best;
    println!(
        "{name:<46} {rate:>12.0} answers/s  ({:>7.1} ms, checksum {check:.1})",
        best * 1000.0
    );
    rate
}

fn main() {
    let corpus = corpus();
    let answers = QUESTIONS * ANSWERS_PER_QUESTION;
    let avg: f64 = corpus
        .iter()
        .flat_map(|(r, a)| r.iter().chain(a))
        .map(|t| t.chars().count() as f64)
        .sum::<f64>()
        / (answers + QUESTIONS * REFERENCES) as f64;
    println!("{answers} answers x {REFERENCES} references, {avg:.0} characters on average\n");

    let strsim = measure("strsim::normalized_levenshtein (baseline)", answers, || {
        corpus
            .iter()
            .flat_map(|(refs, ans)| {
                ans.iter().flat_map(move |a| {
                    refs.iter()
                        .map(move |r| strsim::normalized_levenshtein(a, r))
                })
            })
            .sum()
    });
    let rapidfuzz = measure(
        "rapidfuzz normalized_similarity (reference)",
        answers,
        || {
            corpus
                .iter()
                .flat_map(|(refs, ans)| {
                    ans.iter().flat_map(move |a| {
                        refs.iter().map(move |r| {
                            rapidfuzz::distance::levenshtein::normalized_similarity(
                                a.chars(),
                                r.chars(),
                            )
                        })
                    })
                })
                .sum()
        },
    );

    // Edit-distance stage: references prepared once per question, answers tokenised.
    type AnswerSide = (Vec<u32>, Vec<u64>);
    let prepared: Vec<(Vec<Prepared>, Vec<AnswerSide>)> = corpus
        .iter()
        .map(|(refs, ans)| {
            (
                refs.iter().map(|r| Prepared::new(r)).collect(),
                ans.iter()
                    .map(|a| similarity::answer_side(&huashu::domain::text::fold(a)))
                    .collect(),
            )
        })
        .collect();
    let edit = measure(
        "huashu edit stage (bit-parallel, prepared refs)",
        answers,
        || {
            prepared
                .iter()
                .flat_map(|(refs, ans)| {
                    ans.iter().flat_map(move |(t, g)| {
                        refs.iter().map(move |r| similarity::compare(t, g, r).edit)
                    })
                })
                .sum()
        },
    );

    let questions: Vec<Question> = corpus
        .iter()
        .map(|(refs, _)| Question::new(refs, Settings::default()).expect("references"))
        .collect();
    let whole = measure(
        "huashu whole scorer (fold+all metrics+rubric)",
        answers,
        || {
            questions
                .iter()
                .zip(&corpus)
                .flat_map(|(q, (_, ans))| ans.iter().map(move |a| q.score(a).score))
                .sum()
        },
    );

    println!();
    println!(
        "edit stage   / rapidfuzz = {:.2}  (target >= 0.8)",
        edit / rapidfuzz
    );
    println!(
        "whole scorer / rapidfuzz = {:.2}  (target >= 0.8)",
        whole / rapidfuzz
    );
    println!(
        "whole scorer / strsim    = {:.2}  (target >= 2.0)",
        whole / strsim
    );
    figure("edit stage / rapidfuzz", edit / rapidfuzz, ">=", 0.8);
    figure("whole scorer / rapidfuzz", whole / rapidfuzz, ">=", 0.8);
    figure("whole scorer / strsim", whole / strsim, ">=", 2.0);
}
