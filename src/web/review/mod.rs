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
use reviews::ReviewView;
pub use reviews::{show, submit};
pub use rounds::{late, reassign, round, start, weights};

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Form;
use super::pages::{ExamView, ItemView};
use super::render::{local_time, redirect, Ctx, Lead, Page, Trainee};
use crate::app;
use crate::app::review::{
    calibration_agreement, evidence, outcome, standings_of, Evidence, Final, NewRound, Outcome,
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
#[derive(Serialize)]
pub(crate) struct AnswerOutcome {
    #[serde(rename = "final")]
    pub final_score: Option<f64>,
    pub parts: Vec<PartView>,
    pub reviews: usize,
    pub lead_reason: Option<String>,
    pub appeal: Option<AppealView>,
    /// What each reviewer said, without who: their level per criterion and
    /// their comment.
    pub feedback: Vec<Feedback>,
}

/// One anonymous review as its answer's author reads it.
#[derive(Serialize)]
pub(crate) struct Feedback {
    pub levels: Vec<FeedbackLevel>,
    pub comment: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct FeedbackLevel {
    /// Message key of the criterion's name.
    pub label: String,
    pub level: u8,
    pub top: u8,
}

#[derive(Serialize)]
pub(crate) struct AppealView {
    pub status: crate::db::columns::AppealStatus,
    pub decision: Option<String>,
}

impl AnswerOutcome {
    pub(crate) fn of(
        outcome: &Outcome,
        grades: &[review::LeadGrade],
        appeals: &[review::AppealRow],
        answer: AnswerId,
    ) -> Option<AnswerOutcome> {
        let f = outcome.finals.get(&answer)?;
        let reviews = outcome
            .fit
            .items
            .iter()
            .find(|s| s.item == answer.get())
            .map_or(0, |s| s.reviews);
        Some(AnswerOutcome {
            feedback: vec![],
            final_score: f.blended.score.map(round1),
            parts: parts_of(&f.blended),
            reviews,
            lead_reason: grades
                .iter()
                .find(|g| g.answer_id == answer)
                .map(|g| g.reason.clone()),
            appeal: appeals
                .iter()
                .find(|a| a.answer_id == answer)
                .map(|a| AppealView {
                    status: a.status,
                    decision: a.decision.clone(),
                }),
        })
    }

    /// With the submitted reviews of `answer`, in the round's rubric order.
    pub(crate) fn with_feedback(
        mut self,
        rubric: &Rubric,
        assignments: &[review::Assignment],
        answer: AnswerId,
    ) -> AnswerOutcome {
        self.feedback = assignments
            .iter()
            .filter(|a| a.answer_id == answer)
            .filter_map(|a| {
                let marks = a.marks.as_ref()?;
                Some(Feedback {
                    levels: rubric
                        .criteria
                        .iter()
                        .filter_map(|c| {
                            marks.get(&c.key).map(|level| FeedbackLevel {
                                label: format!("review.criterion.{}", c.key),
                                level: *level,
                                top: TOP,
                            })
                        })
                        .collect(),
                    comment: a.comment.clone().filter(|c| !c.trim().is_empty()),
                })
            })
            .collect();
        self
    }

    #[cfg(test)]
    pub(crate) fn sample() -> AnswerOutcome {
        AnswerOutcome {
            feedback: vec![Feedback {
                levels: vec![FeedbackLevel {
                    label: "review.criterion.empathy".into(),
                    level: 2,
                    top: TOP,
                }],
                comment: Some("语气很好".into()),
            }],
            // Zero is a score like any other, not "none yet".
            final_score: Some(0.0),
            parts: vec![PartView::sample()],
            reviews: 2,
            lead_reason: Some("语气可以更温和".into()),
            appeal: Some(AppealView {
                status: crate::db::columns::AppealStatus::Open,
                decision: Some("维持".into()),
            }),
        }
    }
}

/// One part of a final score: where it comes from, its value, its share in
/// whole percent.
#[derive(Serialize)]
pub(crate) struct PartView {
    source: blend::Source,
    value: f64,
    share: i64,
}

impl PartView {
    #[cfg(test)]
    pub(crate) fn sample() -> PartView {
        PartView {
            source: blend::Source::Peer,
            value: 70.0,
            share: 40,
        }
    }
}

/// After a review or a comparison, straight on to the reviewer's next open
/// task, saying how many are left; home once there is none.
async fn next_task(ctx: &Ctx, reviewer: i64) -> Result<HttpResponse, AppError> {
    Ok(match next_open(ctx, reviewer).await? {
        Some((next, left)) => {
            ctx.flash("review.thanks_next", &[("n", left.to_string())]);
            redirect(&next)
        }
        None => {
            ctx.flash("review.thanks", &[]);
            redirect("/")
        }
    })
}

/// The reviewer's first open task (reviews before comparisons) and how many
/// are open in all.
async fn next_open(ctx: &Ctx, reviewer: i64) -> Result<Option<(String, usize)>, AppError> {
    let now = db::now_ms();
    let (reviews, comparisons) = ctx
        .db(move |conn| {
            Ok((
                review::queue(conn, reviewer)?,
                review::comparison_queue(conn, reviewer)?,
            ))
        })
        .await?;
    let reviews: Vec<i64> = reviews
        .iter()
        .filter(|q| now <= q.due_at)
        .map(|q| q.id)
        .collect();
    let comparisons: Vec<i64> = comparisons
        .iter()
        .filter(|q| now <= q.due_at)
        .map(|q| q.comparison.id)
        .collect();
    let left = reviews.len() + comparisons.len();
    Ok(match (reviews.first(), comparisons.first()) {
        (Some(id), _) => Some((format!("/reviews/{id}"), left)),
        (None, Some(id)) => Some((format!("/comparisons/{id}"), left)),
        (None, None) => None,
    })
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    reviews::samples(out);
    calibration::samples(out);
    comparisons::samples(out);
    grades::samples(out);
    rounds::samples(out);
}

fn percent(share: f64) -> i64 {
    (share * 100.0).round() as i64
}

/// A score to one decimal, as pages show them.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// What the rubric partial reads: the criteria, the marks given so far and,
/// after a calibration try, where they were off. Every criterion has an entry
/// in `marks` and `off` (null when there is none), so the template never
/// looks up a key that is not there.
#[derive(Serialize)]
struct Marking {
    criteria: Vec<CriterionView>,
    marks: BTreeMap<String, Option<u8>>,
    off: BTreeMap<String, Option<criteria::Off>>,
    locked: bool,
}

impl Marking {
    fn new(
        rubric: &Rubric,
        marks: &criteria::Marks,
        off: Option<&[criteria::Off]>,
        locked: bool,
    ) -> Marking {
        let keys = rubric.criteria.iter().map(|c| c.key.clone());
        Marking {
            criteria: criteria_views(rubric),
            marks: keys
                .clone()
                .map(|k| {
                    let level = marks.get(&k).copied();
                    (k, level)
                })
                .collect(),
            off: keys
                .map(|k| {
                    let found = off.unwrap_or_default().iter().find(|o| o.key == k).cloned();
                    (k, found)
                })
                .collect(),
            locked,
        }
    }
}

/// A rubric criterion as the marking forms show it.
#[derive(Serialize)]
struct CriterionView {
    key: String,
    /// Message key of its name.
    label: String,
    critical: bool,
    /// From the top level down, each with the message key of its anchor.
    levels: Vec<LevelView>,
}

#[derive(Serialize)]
struct LevelView {
    level: u8,
    anchor: String,
}

/// The criteria as the form shows them: key, critical, levels from the top.
fn criteria_views(rubric: &Rubric) -> Vec<CriterionView> {
    rubric
        .criteria
        .iter()
        .map(|c| CriterionView {
            key: c.key.clone(),
            label: format!("review.criterion.{}", c.key),
            critical: c.critical,
            levels: (0..=TOP)
                .rev()
                .map(|l| LevelView {
                    level: l,
                    anchor: format!("review.anchor.{}.{l}", c.key),
                })
                .collect(),
        })
        .collect()
}

/// A final score's parts with their values and shares in whole percent.
fn parts_of(blended: &blend::Blended) -> Vec<PartView> {
    blended
        .parts
        .iter()
        .map(|(source, value, share)| PartView {
            source: *source,
            value: round1(*value),
            share: percent(*share),
        })
        .collect()
}
