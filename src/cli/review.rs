//! `huashu review aggregate --input FILE.jsonl`: the web app's peer-review model
//! on a file. Input lines are `{"item", "reviewer", "score"}` (a peer's mark) or
//! `{"item", "gold"}` (a lead's grade); ids may be numbers or strings, scores on
//! any scale. Output: one `{"item", "score", "reviews"}` line per item, then one
//! `{"reviewer", "bias", "reliability", "grade", "reviews"}` per reviewer. A
//! malformed line is reported on stderr with its number; the rest still count.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::review::aggregate::{fit, Mark, Tuning};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    item: Value,
    reviewer: Option<Value>,
    score: Option<f64>,
    gold: Option<f64>,
}

/// Ids as the input wrote them, numbered in order of appearance.
#[derive(Default)]
struct Ids {
    by_value: HashMap<String, i64>,
    values: Vec<Value>,
}

impl Ids {
    fn id(&mut self, v: &Value) -> Result<i64, String> {
        if !(v.is_string() || v.is_number()) {
            return Err(format!("an id must be a number or a string, not {v}"));
        }
        let key = v.to_string();
        let next = self.values.len() as i64;
        let id = *self.by_value.entry(key).or_insert(next);
        if id == next {
            self.values.push(v.clone());
        }
        Ok(id)
    }
}

/// Larger scores are no grading scale, and their squares would overflow the
/// model's sums (found by the fuzz harness: a score of 1e300 made every
/// result NaN).
const MAX_SCORE: f64 = 1e6;

/// An input file as read: marks and gold grades by dense ids, the ids as the
/// file wrote them, and the malformed lines (number, message).
#[derive(Default)]
pub struct Input {
    pub marks: Vec<Mark>,
    pub gold: BTreeMap<i64, f64>,
    items: Ids,
    reviewers: Ids,
    pub bad: Vec<(usize, String)>,
}

/// Reads input lines; a malformed one is kept as a problem, never a panic.
pub fn read_input(reader: impl BufRead) -> Input {
    let mut input = Input::default();
    for (i, line) in reader.lines().enumerate() {
        let read = line.map_err(|e| format!("cannot read: {e}")).and_then(|text| {
            if text.trim().is_empty() {
                return Ok(());
            }
            let line: Line = serde_json::from_str(&text)
                .map_err(|e| format!("not a valid input object: {e}"))?;
            let item = input.items.id(&line.item)?;
            match (line.reviewer, line.score, line.gold) {
                (_, Some(x), _) | (_, _, Some(x)) if !(-MAX_SCORE..=MAX_SCORE).contains(&x) => {
                    Err(format!("a score of {x} is on no grading scale (at most ±{MAX_SCORE})"))
                }
                (Some(r), Some(score), None) if score.is_finite() => {
                    let reviewer = input.reviewers.id(&r)?;
                    input.marks.push(Mark { item, reviewer, score });
                    Ok(())
                }
                (None, None, Some(g)) if g.is_finite() => {
                    input.gold.insert(item, g);
                    Ok(())
                }
                _ => Err("expected {\"item\", \"reviewer\", \"score\"} or {\"item\", \"gold\"} with finite numbers".into()),
            }
        });
        if let Err(message) = read {
            input.bad.push((i + 1, message));
        }
    }
    input
}

/// Returns the number of malformed lines.
pub fn aggregate(path: &Path) -> anyhow::Result<usize> {
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let Input {
        marks,
        gold,
        items,
        reviewers,
        bad,
    } = read_input(BufReader::new(file));
    for (line, message) in &bad {
        eprintln!("line {line}: {message}");
    }
    let result = fit(&marks, &gold, &HashMap::new(), Tuning::default());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for s in &result.items {
        let line = json!({ "item": items.values[s.item as usize], "score": round(s.score), "reviews": s.reviews, "gold": s.gold });
        writeln!(out, "{line}")?;
    }
    for r in &result.reviewers {
        let line = json!({
            "reviewer": reviewers.values[r.reviewer as usize], "bias": round(r.bias),
            "reliability": round(r.reliability), "grade": round(r.grade), "reviews": r.reviews,
        });
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(bad.len())
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
