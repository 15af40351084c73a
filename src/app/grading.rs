//! Glue between stored exam items and the pure scorer, and the submission of
//! an attempt: used by the web app, a lead's closing and the demo data, so
//! all score exactly alike.

use crate::db::attempts::Scored;
use crate::db::columns::ItemId;
use crate::db::exams::Item;
use crate::db::DbError;
use crate::domain::calibration::Model;
use crate::domain::scenario::{self, Scenario, Turn};
use crate::domain::{exam, scoring};

/// The scoring question of a stored item.
pub fn question(item: &Item) -> Result<scoring::Question, DbError> {
    scoring::Question::new(&item.references, item.rubric.clone())
        .map(|q| q.asked(&item.prompt))
        .map_err(|e| DbError::Corrupt(format!("item {}: {e}", item.id)))
}

/// A scenario's report: the replies together read as one answer for the
/// breakdown (its checks, facts and words), and the score turn by turn, each
/// reply against its turn's references with the customer's message as the
/// question. A team's calibrated weights, fitted on single answers, do not
/// apply.
fn conversation(
    item: &Item,
    scenario: &Scenario,
    transcript: &str,
) -> Result<scoring::Report, DbError> {
    let replies = scenario::replies(transcript);
    let mut report = question(item)?.score(&replies.join("\n"));
    let turn_score = |turn: &Turn, reply: &str| {
        scoring::Question::new(&turn.references, item.rubric.clone())
            .map(|q| q.asked(&turn.customer).score(reply).score)
            .unwrap_or(0.0)
    };
    let (total, turns) = scenario::score(scenario, &replies, &turn_score);
    report.score = total;
    report.turns = turns;
    Ok(report)
}

/// Scores one answer per item (missing answers score 0) and the attempt's
/// total, with the team's calibrated weights when a lead chose them.
pub fn grade(
    items: &[Item],
    bodies: &[(ItemId, String)],
    weights: Option<&Model>,
) -> Result<(Vec<Scored>, f64), DbError> {
    let mut scored = Vec::with_capacity(items.len());
    for item in items {
        let body = bodies
            .iter()
            .find(|(id, _)| *id == item.id)
            .map_or("", |(_, b)| b.as_str());
        if let Some(scenario) = &item.scenario {
            scored.push(Scored {
                item_id: item.id,
                body: body.to_string(),
                report: conversation(item, scenario, body)?,
            });
            continue;
        }
        let mut report = question(item)?.score(body);
        if let Some(model) = weights.filter(|_| !body.trim().is_empty()) {
            report.score = crate::app::weights::score(model, item, body, &report);
            report.calibrated = true;
        }
        scored.push(Scored {
            item_id: item.id,
            body: body.to_string(),
            report,
        });
    }
    let scores: Vec<f64> = scored.iter().map(|s| s.report.score).collect();
    let total = exam::total(&scores, items.len());
    Ok((scored, total))
}

/// Scores the attempt's answers (`bodies`, one per item it has) against the
/// exam's `items` and submits it, once: the trainee's own submission, a
/// lead's closing, and the demo all end an attempt here. False if it was
/// already submitted.
pub fn submit(
    conn: &mut crate::db::Conn,
    attempt: crate::db::columns::AttemptId,
    items: &[Item],
    bodies: &[(ItemId, String)],
    now: i64,
    by: crate::db::attempts::SubmittedBy,
) -> Result<bool, DbError> {
    let weights = crate::app::weights::in_force(conn)?;
    let (scored, total) = grade(items, bodies, weights.as_ref())?;
    crate::db::attempts::submit(conn, attempt, &scored, total, now, by)
}
