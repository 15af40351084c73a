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

/// Returns the number of malformed lines.
pub fn aggregate(input: &Path) -> anyhow::Result<usize> {
    let file = std::fs::File::open(input)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", input.display()))?;
    let (mut items, mut reviewers) = (Ids::default(), Ids::default());
    let (mut marks, mut gold) = (Vec::new(), BTreeMap::new());
    let mut bad = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let read = line.map_err(|e| format!("cannot read: {e}")).and_then(|text| {
            if text.trim().is_empty() {
                return Ok(());
            }
            let line: Line = serde_json::from_str(&text)
                .map_err(|e| format!("not a valid input object: {e}"))?;
            let item = items.id(&line.item)?;
            match (line.reviewer, line.score, line.gold) {
                (Some(r), Some(score), None) if score.is_finite() => {
                    let reviewer = reviewers.id(&r)?;
                    marks.push(Mark { item, reviewer, score });
                    Ok(())
                }
                (None, None, Some(g)) if g.is_finite() => {
                    gold.insert(item, g);
                    Ok(())
                }
                _ => Err("expected {\"item\", \"reviewer\", \"score\"} or {\"item\", \"gold\"} with finite numbers".into()),
            }
        });
        if let Err(message) = read {
            bad += 1;
            eprintln!("line {}: {message}", i + 1);
        }
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
    Ok(bad)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
