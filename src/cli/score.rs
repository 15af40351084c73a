//! `huashu score --input FILE.jsonl [--weights W.json]`: the web app's scorer
//! on a file, with the default or a team's calibrated weights. Writes one
//! JSON line per valid input line to stdout; a malformed line is reported on
//! stderr with its number and the rest are still scored.
//!
//! `huashu score calibrate --input GRADED.jsonl --out W.json`: fits the
//! weights to graded answers (`domain::calibration`), prints how well the
//! calibrated and the default scores agree with the grades on held-out
//! questions, and writes the weights.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::calibration::{self, Graded, Model};
use crate::domain::keypoints;
use crate::domain::rubric::Settings;
use crate::domain::scoring::{Question, Report};
use crate::domain::types::AnswerText;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: Value,
    answer: String,
    references: Vec<String>,
    /// What a complete answer must say, as a bank marks it.
    #[serde(default)]
    key_points: Vec<String>,
    /// The customer's question: its words earn an answer nothing.
    #[serde(default)]
    question: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradedLine {
    #[serde(rename = "id")]
    _id: Value,
    answer: String,
    references: Vec<String>,
    grade: f64,
    /// The question answered: answers to one question are kept together
    /// when checking on unseen questions, and its words earn nothing.
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    key_points: Vec<String>,
}

/// Returns the number of malformed lines.
pub fn run(input: &Path, weights: Option<&Path>) -> anyhow::Result<usize> {
    let model = weights.map(read_model).transpose()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let bad = each_line(input, |text| {
        let value = score_line(text, model.as_ref())?;
        writeln!(out, "{value}").map_err(|e| format!("cannot write: {e}"))
    })?;
    out.flush()?;
    Ok(bad)
}

/// Fits the weights to a graded file and writes them. Returns the number of
/// malformed lines (the fit uses the others).
pub fn calibrate(input: &Path, out: &Path) -> anyhow::Result<usize> {
    let mut graded = Vec::new();
    let bad = each_line(input, |text| {
        graded.push(graded_line(text)?);
        Ok(())
    })?;
    let model = calibration::calibrate(&graded).map_err(|e| anyhow::anyhow!("{e}"))?;
    let shown = |r: Option<f64>| r.map_or("—".to_string(), |r| format!("{r:.3}"));
    eprintln!(
        "{} graded answers: Pearson r on held-out questions {} calibrated, {} default",
        model.answers,
        shown(model.held_out_r),
        shown(model.default_r)
    );
    for (name, weight) in model.signals.iter().zip(&model.weights) {
        eprintln!("  {name:<16} {weight:+.3}");
    }
    let json = serde_json::to_string_pretty(&model)?;
    std::fs::write(out, json + "\n")
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    Ok(bad)
}

/// Calls `each` with every non-blank line; a line it refuses is reported on
/// stderr with its number. Returns how many were refused.
fn each_line(
    input: &Path,
    mut each: impl FnMut(&str) -> Result<(), String>,
) -> anyhow::Result<usize> {
    let file = std::fs::File::open(input)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", input.display()))?;
    let mut bad = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let done = line
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| {
                if text.trim().is_empty() {
                    Ok(())
                } else {
                    each(&text)
                }
            });
        if let Err(message) = done {
            bad += 1;
            eprintln!("line {}: {message}", i + 1);
        }
    }
    Ok(bad)
}

fn read_model(path: &Path) -> anyhow::Result<Model> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let model: Model = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a weights file: {e}", path.display()))?;
    model
        .check()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(model)
}

/// The answer scored against its references, with the signals a model reads.
fn scored(
    answer: &str,
    references: &[String],
    key_points: Vec<String>,
    asked: Option<&str>,
) -> Result<(Report, Vec<f64>), String> {
    AnswerText::parse_draft(answer).map_err(|e| e.to_string())?;
    if let Some(problem) = keypoints::problem(&key_points) {
        return Err(problem);
    }
    let settings = Settings {
        key_points,
        ..Settings::default()
    };
    let mut question = Question::new(references, settings).map_err(|e| e.to_string())?;
    if let Some(asked) = asked {
        question = question.asked(asked);
    }
    let report = question.score(answer);
    let reference = references
        .get(report.best_reference)
        .map_or("", String::as_str);
    let signals = calibration::signals(&report, answer, reference);
    Ok((report, signals))
}

fn graded_line(text: &str) -> Result<Graded, String> {
    let line: GradedLine =
        serde_json::from_str(text).map_err(|e| format!("not a valid graded object: {e}"))?;
    if !line.grade.is_finite() {
        return Err("the grade is not a number".into());
    }
    let (_, signals) = scored(
        &line.answer,
        &line.references,
        line.key_points,
        line.question.as_deref(),
    )?;
    Ok(Graded {
        signals,
        grade: line.grade,
        question: line
            .question
            .unwrap_or_else(|| line.references.join("\u{1f}")),
    })
}

fn score_line(text: &str, model: Option<&Model>) -> Result<Value, String> {
    let line: Line =
        serde_json::from_str(text).map_err(|e| format!("not a valid input object: {e}"))?;
    let (report, signals) = scored(
        &line.answer,
        &line.references,
        line.key_points,
        line.question.as_deref(),
    )?;
    let score = model.map_or(report.score, |m| (m.score(&signals) * 10.0).round() / 10.0);
    let rubric: serde_json::Map<String, Value> = report
        .checks
        .iter()
        .map(|c| {
            (
                c.check.key().to_string(),
                json!({ "expected": c.expected, "found": c.found }),
            )
        })
        .chain(std::iter::once((
            "banned".to_string(),
            json!(report.banned),
        )))
        .collect();
    Ok(json!({
        "id": line.id,
        "score": score,
        "similarity": (report.similarity.combined * 1000.0).round() / 1000.0,
        "rubric": rubric,
        "best_reference": report.best_reference,
        "key_points_missed": report.facts.key_points_missed,
    }))
}
