//! `huashu score --input FILE.jsonl`: the web app's scorer on a file. Writes one
//! JSON line per valid input line to stdout; a malformed line is reported on stderr
//! with its number and the rest are still scored.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::rubric::Settings;
use crate::domain::scoring::Question;
use crate::domain::types::AnswerText;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: Value,
    answer: String,
    references: Vec<String>,
}

/// Returns the number of malformed lines.
pub fn run(input: &Path) -> anyhow::Result<usize> {
    let file = std::fs::File::open(input)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", input.display()))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut bad = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let number = i + 1;
        let scored = line
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| {
                if text.trim().is_empty() {
                    Ok(None)
                } else {
                    score_line(&text).map(Some)
                }
            });
        match scored {
            Ok(Some(value)) => writeln!(out, "{value}")?,
            Ok(None) => {}
            Err(message) => {
                bad += 1;
                eprintln!("line {number}: {message}");
            }
        }
    }
    out.flush()?;
    Ok(bad)
}

fn score_line(text: &str) -> Result<Value, String> {
    let line: Line =
        serde_json::from_str(text).map_err(|e| format!("not a valid input object: {e}"))?;
    AnswerText::parse_draft(&line.answer).map_err(|e| e.to_string())?;
    let question =
        Question::new(&line.references, Settings::default()).map_err(|e| e.to_string())?;
    let report = question.score(&line.answer);
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
        "score": report.score,
        "similarity": (report.similarity.combined * 1000.0).round() / 1000.0,
        "rubric": rubric,
        "best_reference": report.best_reference,
    }))
}
