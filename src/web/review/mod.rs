//! Peer review in the browser: a lead starts a round on a closed exam, each
//! trainee reviews the answers assigned to them (never told whose), and the
//! lead sees every answer's aggregated peer score with how it was reached.

mod appeals;
mod calibration;
mod comparisons;
mod grades;
mod reviews;
mod rounds;

pub use appeals::{appeal, decide_appeal};
pub use calibration::{calibrate, calibration};
pub use comparisons::{compare_form, judge};
pub use grades::{grade, grade_form};
pub use reviews::{show, submit};
pub use rounds::{late, reassign, round, start, weights};

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::auth::Form;
use super::render::{local_time, redirect, Ctx, Lead, Trainee};
use crate::app;
use crate::app::review::{
    calibration_agreement, current_rubric, evidence, outcome, standings_of, Evidence, Final,
    NewRound, Outcome,
};
use crate::db::attempts::Answer;
use crate::db::columns::{AnswerId, ExamId};
use crate::db::{self, exams, review};
use crate::domain::ranking;
use crate::domain::review::aggregate;
use crate::domain::review::blend::{self, Weights};
use crate::domain::review::criteria::{self, Rubric, TOP};
use crate::error::AppError;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How long after a round's due date its scores may be appealed.
const APPEAL_DAYS: i64 = 7;

fn bad_settings() -> AppError {
    AppError::refused(StatusCode::BAD_REQUEST, "review.bad_settings")
}

/// The due time a form's `due_days` (1–30 days from now) sets.
fn due_from(form: &Form) -> Result<i64, AppError> {
    let days = form.int("due_days", bad_settings())?;
    if !(1..=30).contains(&days) {
        return Err(bad_settings());
    }
    Ok(db::now_ms() + days * DAY_MS)
}

fn refused(key: &'static str) -> AppError {
    AppError::refused(StatusCode::CONFLICT, key)
}

/// The levels a form gave, by criterion (unparsable or missing ones left out).
fn marks_from(form: &Form, rubric: &Rubric) -> BTreeMap<String, u8> {
    rubric
        .criteria
        .iter()
        .filter_map(|c| {
            form.text(&format!("mark_{}", c.key))
                .parse()
                .ok()
                .map(|l| (c.key.clone(), l))
        })
        .collect()
}

/// What is wrong with a set of marks and a comment, in the user's language.
fn marks_problem(
    ctx: &Ctx,
    rubric: &Rubric,
    marks: &BTreeMap<String, u8>,
    comment: &str,
) -> Option<String> {
    match criteria::total(rubric, marks) {
        Err(criteria::MarkError::Missing(key)) => Some(ctx.state.catalog.format(
            ctx.lang,
            "review.missing",
            &[("criterion", ctx.t(&format!("review.criterion.{key}")))],
        )),
        Err(_) => Some(ctx.t("error.bad_request")),
        Ok(_) if comment.chars().count() > 1000 => Some(ctx.t("review.comment_too_long")),
        Ok(_) => None,
    }
}

/// An answer's final score as its author sees it: the score, each part with
/// its share, a lead's reason and any appeal. No reviewer is named.
pub(crate) fn answer_json(
    outcome: &Outcome,
    grades: &[review::LeadGrade],
    appeals: &[review::AppealRow],
    answer: AnswerId,
) -> Value {
    let Some(f) = outcome.finals.get(&answer) else {
        return Value::Null;
    };
    let parts = parts_json(&f.blended);
    let reviews = outcome
        .fit
        .items
        .iter()
        .find(|s| s.item == answer.get())
        .map_or(0, |s| s.reviews);
    json!({
        "final": f.blended.score.map(round1), "parts": parts, "reviews": reviews,
        "lead_reason": grades.iter().find(|g| g.answer_id == answer).map(|g| g.reason.clone()),
        "appeal": appeals.iter().find(|a| a.answer_id == answer),
    })
}

fn percent(share: f64) -> i64 {
    (share * 100.0).round() as i64
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The criteria as the form shows them: key, critical, levels from the top.
fn criteria_json(rubric: &Rubric) -> Vec<Value> {
    rubric
        .criteria
        .iter()
        .map(|c| {
            let levels: Vec<Value> = (0..=TOP)
                .rev()
                .map(|l| json!({ "level": l, "anchor": format!("review.anchor.{}.{l}", c.key) }))
                .collect();
            json!({ "key": c.key, "label": format!("review.criterion.{}", c.key), "critical": c.critical, "levels": levels })
        })
        .collect()
}

/// A final score's parts with their values and shares in whole percent.
fn parts_json(blended: &blend::Blended) -> Vec<Value> {
    blended
        .parts
        .iter()
        .map(|(source, value, share)| json!({ "source": source, "value": round1(*value), "share": percent(*share) }))
        .collect()
}
