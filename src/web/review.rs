//! Peer review in the browser: a lead starts a round on a closed exam, each
//! trainee reviews the answers assigned to them (never told whose), and the
//! lead sees every answer's aggregated peer score with how it was reached.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::auth::Form;
use super::render::{local_time, redirect, Ctx};
use crate::app;
use crate::app::review::{
    calibration_agreement, current_rubric, evidence, outcome, standings_of, Evidence, Final,
    NewRound, Outcome,
};
use crate::db::attempts::AnswerRow;
use crate::db::{self, exams, review};
use crate::domain::ranking;
use crate::domain::review::aggregate;
use crate::domain::review::assign;
use crate::domain::review::blend::{self, Weights};
use crate::domain::review::criteria::{self, Rubric, TOP};
use crate::domain::types::Role;
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

/// A lead starts the review round of a closed exam: k reviewers per answer,
/// due in some days.
pub async fn start(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Lead)?.id;
    let exam_id = path.into_inner();
    let k = form.int("k", bad_settings())?;
    if !(1..=10).contains(&k) {
        return Err(bad_settings());
    }
    let due = due_from(&form)?;
    let new = NewRound {
        exam_id,
        k: k as usize,
        due_at: due,
        by: me,
        seed: rand::random(),
        now: db::now_ms(),
    };
    ctx.db(move |conn| Ok(app::review::start_round(conn, &new)?))
        .await?;
    ctx.flash("review.started", &[]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// The lead's view of a round: per question, the answers ranked by their final
/// score, each with its parts (automatic, peer with every reviewer's mark, bias
/// and weight, the lead's grade); then the reviewers' standing.
pub async fn round(ctx: Ctx, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Lead)?;
    let exam_id = path.into_inner();
    let (exam, round, items, appeals, users) = ctx
        .db(move |conn| {
            let exam = exams::find(conn, exam_id)?.ok_or(AppError::NotFound)?;
            let round = match review::round_for_exam(conn, exam_id)? {
                Some(r) => {
                    let evidence = evidence(conn, &r)?;
                    Some((r, evidence))
                }
                None => None,
            };
            Ok((
                exam,
                round,
                exams::items(conn, exam_id)?,
                review::appeals_for_exam(conn, exam_id)?,
                db::users::list(conn)?,
            ))
        })
        .await?;
    let Some((round, evidence)) = round else {
        return ctx.render("review/round", json!({ "exam": exam, "round": null }));
    };
    let view = RoundView {
        outcome: outcome(&round, &evidence)?,
        rubric: db::from_json(&round.rubric_json)?,
        round,
        evidence,
        appeals,
        users,
    };
    let questions: Vec<Value> = items
        .iter()
        .map(|item| {
            let scored: Vec<(Value, f64)> = view
                .evidence
                .answers
                .iter()
                .filter(|a| a.item_id == item.id)
                .filter_map(|a| view.answer_row(a))
                .collect();
            let ranked: Vec<Value> = ranking::rank(scored)
                .into_iter()
                .map(|r| {
                    let mut row = r.item;
                    row["rank"] = json!(r.rank);
                    row
                })
                .collect();
            json!({ "item": item, "answers": ranked })
        })
        .collect();
    let trainees: Vec<Value> = standings_of(&view.evidence, &view.outcome)
        .iter()
        .map(|s| json!({ "name": view.name(s.person), "standing": s }))
        .collect();
    let assignments = &view.evidence.assignments;
    let late = view
        .evidence
        .answers
        .iter()
        .filter(|a| !assignments.iter().any(|x| x.answer_id == a.id))
        .count();
    let (round, weights) = (&view.round, view.outcome.weights);
    ctx.render(
        "review/round",
        json!({
            "exam": exam, "round": round, "due": local_time(round.due_at), "questions": questions,
            "reviewers": view.reviewer_rows(), "overdue": db::now_ms() > round.due_at, "trainees": trainees, "late": late,
            "weights": { "automatic": percent(weights.automatic), "peer": percent(weights.peer), "comparative": percent(weights.comparative) },
        }),
    )
}

/// A round with everything its page shows.
struct RoundView {
    round: review::RoundRow,
    evidence: Evidence,
    outcome: Outcome,
    rubric: Rubric,
    appeals: Vec<review::AppealRow>,
    users: Vec<db::users::User>,
}

impl RoundView {
    fn name(&self, id: i64) -> String {
        db::users::name_of(&self.users, id)
    }

    fn fitted(&self, reviewer: i64) -> Option<&aggregate::ReviewerFit> {
        self.outcome
            .fit
            .reviewers
            .iter()
            .find(|r| r.reviewer == reviewer)
    }

    /// One answer as the lead sees it, with its final score for ranking: the
    /// parts and their shares, each reviewer's mark, bias and weight, the
    /// lead's grade, comparison wins and any appeal.
    fn answer_row(&self, answer: &AnswerRow) -> Option<(Value, f64)> {
        let Final {
            blended,
            peer,
            comparative,
        } = self.outcome.finals.get(&answer.id)?;
        let mine: Vec<&review::AssignmentRow> = self
            .evidence
            .assignments
            .iter()
            .filter(|a| a.answer_id == answer.id)
            .collect();
        let done = mine.iter().filter(|a| a.score.is_some()).count();
        let lead = self
            .evidence
            .grades
            .iter()
            .find(|g| g.answer_id == answer.id);
        let weight_total: f64 = mine
            .iter()
            .filter(|a| a.score.is_some())
            .filter_map(|a| self.fitted(a.reviewer_id))
            .map(|r| r.reliability)
            .sum();
        let reviews: Vec<Value> = mine
            .iter()
            .map(|a| {
                let fitted = self.fitted(a.reviewer_id);
                json!({
                    "reviewer": self.name(a.reviewer_id), "score": a.score.map(round1),
                    "bias": fitted.map(|r| round1(r.bias)),
                    "weight": fitted.filter(|_| a.score.is_some() && weight_total > 0.0)
                        .map(|r| (100.0 * r.reliability / weight_total).round()),
                    "comment": a.comment,
                })
            })
            .collect();
        let author = self
            .evidence
            .submitted
            .iter()
            .find(|s| s.attempt.id == answer.attempt_id)
            .map_or(String::new(), |s| s.display_name.clone());
        let row = json!({
            "answer": answer, "author": author,
            "automatic": answer.score.map(round1), "peer": peer.map(round1),
            "lead": lead.map(|g| json!({ "score": round1(g.score), "reason": g.reason, "calibration": g.calibration })),
            "final": blended.score.map(round1), "parts": parts_json(blended),
            "compared": comparative.as_ref().map(|s| json!({ "wins": s.wins, "of": s.comparisons })),
            "reviews": reviews, "done": done, "k": self.round.k,
            "appeal": self.appeals.iter().find(|x| x.answer_id == answer.id),
            "lead_needed": done == 0 && lead.is_none(),
        });
        Some((row, blended.score.unwrap_or(-1.0)))
    }

    /// Everyone holding a review, including the absent who have not sent one
    /// (the model knows only those who did): reviews done and open, bias,
    /// reliability, reviewing grade, calibration agreement, earlier reviews.
    fn reviewer_rows(&self) -> Vec<Value> {
        let assignments = &self.evidence.assignments;
        let mut ids: Vec<i64> = assignments.iter().map(|a| a.reviewer_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                let count = |submitted: bool| {
                    assignments
                        .iter()
                        .filter(|a| a.reviewer_id == id && a.submitted_at.is_some() == submitted)
                        .count()
                };
                let fitted = self.fitted(id);
                let e = &self.evidence;
                json!({
                    "id": id, "name": self.name(id), "open": count(false), "reviews": count(true),
                    "calibration": calibration_agreement(&self.rubric, &e.calibrations, &e.grades, id).map(percent),
                    "bias": fitted.map(|r| round1(r.bias)),
                    "reliability": fitted.map(|r| round1(r.reliability)),
                    "grade": fitted.map(|r| r.grade.round()),
                    "earlier": e.known.get(&id).map_or(0.0, |k| k.reviews.round()),
                })
            })
            .collect()
    }
}

/// A final score's parts with their values and shares in whole percent.
fn parts_json(blended: &blend::Blended) -> Vec<Value> {
    blended
        .parts
        .iter()
        .map(|(source, value, share)| json!({ "source": source, "value": round1(*value), "share": percent(*share) }))
        .collect()
}

/// A lead gives the answers submitted after the round began (a trainee who
/// sent their saved answers once the exam had closed) k reviewers each, the
/// least busy of the round's reviewers, with a new due date.
pub async fn late(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Lead)?;
    let exam_id = path.into_inner();
    let due = due_from(&form)?;
    let added = ctx
        .db(move |conn| {
            let round = review::round_for_exam(conn, exam_id)?.ok_or(AppError::NotFound)?;
            let rows = review::answers_with_authors(conn, exam_id)?;
            let current: Vec<(i64, i64)> = review::assignments(conn, round.id)?
                .iter()
                .map(|a| (a.answer_id, a.reviewer_id))
                .collect();
            let late: Vec<assign::Answer> = rows
                .iter()
                .filter(|(id, ..)| !current.iter().any(|(a, _)| a == id))
                .map(|(id, author, _)| assign::Answer {
                    id: *id,
                    author: *author,
                })
                .collect();
            let reviewers: Vec<i64> = rows.iter().map(|(_, author, _)| *author).collect();
            let pairs = assign::extend(&late, &current, &reviewers, round.k as usize);
            Ok(review::add_assignments(conn, round.id, &pairs, due)?)
        })
        .await?;
    if added == 0 {
        return Err(refused("review.no_late"));
    }
    ctx.flash("review.late_assigned", &[("n", added.to_string())]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// A lead sets how this exam's final scores blend the automatic, peer and
/// comparative parts (whole percentages making 100).
pub async fn weights(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Lead)?;
    let exam_id = path.into_inner();
    let bad = || AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "review.bad_weights");
    let weights = Weights::from_percents(
        form.int("automatic", bad())?,
        form.int("peer", bad())?,
        form.int("comparative", bad())?,
    )
    .map_err(|_| bad())?;
    let json = db::to_json(&weights);
    ctx.db(move |conn| {
        let round = review::round_for_exam(conn, exam_id)?.ok_or(AppError::NotFound)?;
        Ok(review::set_weights(conn, round.id, &json)?)
    })
    .await?;
    ctx.flash("review.weights_saved", &[]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// A lead hands an absent reviewer's open reviews to the least busy other
/// reviewers of the round, with a new due date.
pub async fn reassign(
    ctx: Ctx,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Lead)?;
    let exam_id = path.into_inner();
    let absent = form.int("reviewer", bad_settings())?;
    let due = due_from(&form)?;
    let moved = ctx
        .db(move |conn| {
            let round = review::round_for_exam(conn, exam_id)?.ok_or(AppError::NotFound)?;
            let authors: HashMap<i64, i64> = review::answers_with_authors(conn, exam_id)?
                .into_iter()
                .map(|(answer, author, _)| (answer, author))
                .collect();
            let held = review::assignments(conn, round.id)?;
            let open: Vec<assign::Open> = held
                .iter()
                .filter(|a| a.reviewer_id == absent && a.submitted_at.is_none())
                .filter_map(|a| {
                    authors.get(&a.answer_id).map(|author| assign::Open {
                        assignment: a.id,
                        answer: a.answer_id,
                        author: *author,
                    })
                })
                .collect();
            let current: Vec<(i64, i64)> =
                held.iter().map(|a| (a.answer_id, a.reviewer_id)).collect();
            let candidates: Vec<i64> = authors.values().copied().collect();
            let moves = assign::reassign(&open, &current, &candidates, absent);
            Ok(review::reassign(conn, absent, &moves, due)?)
        })
        .await?;
    if moved == 0 {
        return Err(refused("review.nothing_to_reassign"));
    }
    ctx.flash("review.reassigned", &[("n", moved.to_string())]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// An answer to grade with the rubric it is graded on: its round's, frozen
/// when the round started, or the team's current one before any round.
async fn to_grade(ctx: &Ctx, answer: i64) -> Result<(review::ToGrade, Rubric), AppError> {
    ctx.db(move |conn| {
        let found = review::answer_to_grade(conn, answer)?.ok_or(AppError::NotFound)?;
        let rubric = match review::round_for_exam(conn, found.exam_id)? {
            Some(round) => db::from_json(&round.rubric_json)?,
            None => current_rubric(conn)?,
        };
        Ok((found, rubric))
    })
    .await
}

/// A lead grades an answer on the review rubric, with a reason; the grade
/// decides the answer's score and can serve as a calibration example.
pub async fn grade_form(ctx: Ctx, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Lead)?;
    let answer = path.into_inner();
    let (found, rubric) = to_grade(&ctx, answer).await?;
    let marks: BTreeMap<String, u8> = found
        .grade
        .as_ref()
        .and_then(|g| serde_json::from_str(&g.marks_json).ok())
        .unwrap_or_default();
    let given = found
        .grade
        .as_ref()
        .map(|g| (g.reason.clone(), g.calibration));
    render_grade(&ctx, answer, &found, &rubric, &marks, given, None)
}

fn render_grade(
    ctx: &Ctx,
    answer: i64,
    found: &review::ToGrade,
    rubric: &Rubric,
    marks: &BTreeMap<String, u8>,
    given: Option<(String, bool)>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let mut page = ctx.render(
        "review/grade",
        json!({
            "answer": answer, "exam": found.exam_id, "prompt": found.prompt, "body": found.body,
            "criteria": criteria_json(rubric), "marks": marks,
            "reason": given.as_ref().map(|g| &g.0), "calibration": given.is_some_and(|g| g.1), "error": error,
        }),
    )?;
    if error.is_some() {
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page)
}

pub async fn grade(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Lead)?.id;
    let answer = path.into_inner();
    let (found, rubric) = to_grade(&ctx, answer).await?;
    let marks = marks_from(&form, &rubric);
    let reason = form.text("reason").trim().to_string();
    let calibration = form.checked("calibration");
    let problem = match marks_problem(&ctx, &rubric, &marks, &reason) {
        Some(p) => Some(p),
        None if reason.is_empty() => Some(ctx.t("review.reason_needed")),
        None => None,
    };
    if let Some(message) = problem {
        let given = Some((reason, calibration));
        return render_grade(&ctx, answer, &found, &rubric, &marks, given, Some(message));
    }
    let total = criteria::total(&rubric, &marks).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (rubric_json, marks_json) = (db::to_json(&rubric), db::to_json(&marks));
    ctx.db(move |conn| {
        let new = review::NewGrade {
            answer_id: answer,
            grader_id: me,
            rubric_json: &rubric_json,
            marks_json: &marks_json,
            score: total.score,
            reason: &reason,
            calibration,
        };
        Ok(review::grade(conn, &new, db::now_ms())?)
    })
    .await?;
    ctx.flash("review.graded", &[]);
    Ok(redirect(&format!("/exams/{}/review", found.exam_id)))
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
    grades: &[review::LeadGradeRow],
    appeals: &[review::AppealRow],
    answer: i64,
) -> Value {
    let Some(f) = outcome.finals.get(&answer) else {
        return Value::Null;
    };
    let parts = parts_json(&f.blended);
    let reviews = outcome
        .fit
        .items
        .iter()
        .find(|s| s.item == answer)
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

/// A reviewer's page: the question, the anonymous answer, the rubric; first
/// the calibration examples, if the reviewer has some to get right.
pub async fn show(ctx: Ctx, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (found, pending) = mine(&ctx, id).await?;
    if pending.is_some() {
        return Ok(redirect(&format!("/reviews/{id}/calibration")));
    }
    render_review(&ctx, &found, None, StatusCode::OK)
}

/// The signed-in user's assignment `id` (404 for anyone else's), with the
/// calibration example they must get right before it, if any.
async fn mine(ctx: &Ctx, id: i64) -> Result<(review::ToReview, Option<Pending>), AppError> {
    let me = ctx.require(Role::Trainee)?.id;
    ctx.db(move |conn| {
        let found = review::to_review(conn, id, me)?.ok_or(AppError::NotFound)?;
        let open = found.assignment.submitted_at.is_none()
            && db::now_ms() <= found.assignment.due(found.round.due_at);
        let pending = if open {
            pending_example(conn, &found.round, me)?
        } else {
            None
        };
        Ok((found, pending))
    })
    .await
}

/// A calibration example still to get right, the nth of `of`.
struct Pending {
    example: review::Example,
    nth: usize,
    of: usize,
}

/// The calibration example `reviewer` must get right before their first
/// review of a round: the first of the exam's examples not yet passed. None
/// once they have reviewed (the training comes before, not in the middle).
fn pending_example(
    conn: &mut db::Conn,
    round: &review::RoundRow,
    reviewer: i64,
) -> Result<Option<Pending>, AppError> {
    if review::has_reviewed(conn, round.id, reviewer)? {
        return Ok(None);
    }
    let passed: Vec<i64> = review::calibrations(conn, round.id, Some(reviewer))?
        .into_iter()
        .filter(|c| c.passed_at.is_some())
        .map(|c| c.answer_id)
        .collect();
    let examples = review::examples(conn, round.exam_id, reviewer)?;
    let of = examples.len();
    Ok(examples
        .into_iter()
        .enumerate()
        .find(|(_, e)| !passed.contains(&e.answer_id))
        .map(|(i, example)| Pending {
            example,
            nth: i + 1,
            of,
        }))
}

/// The calibration page: a lead's example to mark before reviewing.
pub async fn calibration(ctx: Ctx, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (found, pending) = mine(&ctx, id).await?;
    let Some(pending) = pending else {
        return Ok(redirect(&format!("/reviews/{id}")));
    };
    render_calibration(&ctx, &found, &pending, &BTreeMap::new(), None, None)
}

/// A try at a calibration example. Where a mark differs from the lead's, the
/// page comes back showing the lead's level and reason, to try again.
pub async fn calibrate(
    ctx: Ctx,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (found, pending) = mine(&ctx, id).await?;
    let Some(pending) = pending else {
        return Ok(redirect(&format!("/reviews/{id}")));
    };
    let example = &pending.example;
    if form.text("answer") != example.answer_id.to_string() {
        // A stale page: the example was passed or changed meanwhile.
        return Ok(redirect(&format!("/reviews/{id}/calibration")));
    }
    let rubric: Rubric = db::from_json(&found.round.rubric_json)?;
    let marks = marks_from(&form, &rubric);
    if let Some(message) = marks_problem(&ctx, &rubric, &marks, "") {
        return render_calibration(&ctx, &found, &pending, &marks, None, Some(message));
    }
    let lead: BTreeMap<String, u8> = db::from_json(&example.grade.marks_json)?;
    let off = criteria::calibrate(&rubric, &marks, &lead);
    let total = criteria::total(&rubric, &marks).map_err(|e| anyhow::anyhow!("{e}"))?;
    let json = db::to_json(&marks);
    let (round, reviewer, answer) = (
        found.round.id,
        found.assignment.reviewer_id,
        example.answer_id,
    );
    let passed = off.is_empty();
    ctx.db(move |conn| {
        let attempt = review::Try {
            round,
            reviewer,
            answer,
            marks_json: &json,
            score: total.score,
            passed,
        };
        Ok(review::record_try(conn, &attempt, db::now_ms())?)
    })
    .await?;
    if off.is_empty() {
        ctx.flash("review.calibrated", &[]);
        return Ok(redirect(&format!("/reviews/{id}")));
    }
    render_calibration(&ctx, &found, &pending, &marks, Some(&off), None)
}

fn render_calibration(
    ctx: &Ctx,
    found: &review::ToReview,
    pending: &Pending,
    marks: &BTreeMap<String, u8>,
    off: Option<&[criteria::Off]>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let rubric: Rubric = db::from_json(&found.round.rubric_json)?;
    let example = &pending.example;
    let off_by_key: BTreeMap<&str, &criteria::Off> = off
        .unwrap_or_default()
        .iter()
        .map(|o| (o.key.as_str(), o))
        .collect();
    let mut page = ctx.render(
        "review/calibration",
        json!({
            "review": found, "nth": pending.nth, "of": pending.of,
            "example": { "answer": example.answer_id, "prompt": example.prompt, "body": example.body },
            "criteria": criteria_json(&rubric), "marks": marks, "off": off_by_key,
            "reason": off.map(|_| example.grade.reason.as_str()), "error": error,
        }),
    )?;
    if error.is_some() {
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page)
}

fn render_review(
    ctx: &Ctx,
    found: &review::ToReview,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let rubric: Rubric = db::from_json(&found.round.rubric_json)?;
    let marks: BTreeMap<String, u8> = found
        .assignment
        .marks_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let done = found.assignment.submitted_at.is_some();
    let due = found.assignment.due(found.round.due_at);
    let closed = !done && db::now_ms() > due;
    let mut page = ctx.render(
        "review/show",
        json!({
            "review": found, "criteria": criteria_json(&rubric), "marks": marks,
            "done": done, "closed": closed, "locked": done || closed, "error": error, "due": local_time(due),
        }),
    )?;
    *page.status_mut() = status;
    Ok(page)
}

/// A submitted review: every criterion marked, a comment of reasonable length.
pub async fn submit(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (found, pending) = mine(&ctx, id).await?;
    if pending.is_some() {
        return Err(refused("review.calibrate_first"));
    }
    if found.assignment.submitted_at.is_none()
        && db::now_ms() > found.assignment.due(found.round.due_at)
    {
        return Err(refused("review.closed"));
    }
    let me = found.assignment.reviewer_id;
    let rubric: Rubric = db::from_json(&found.round.rubric_json)?;
    let marks = marks_from(&form, &rubric);
    let comment = form.text("comment").trim().to_string();
    let problem = marks_problem(&ctx, &rubric, &marks, &comment);
    if let Some(message) = problem {
        // The page comes back with what was marked so far.
        let mut kept = found.clone();
        kept.assignment.marks_json = Some(db::to_json(&marks));
        return render_review(&ctx, &kept, Some(message), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let total = criteria::total(&rubric, &marks).map_err(|e| anyhow::anyhow!("{e}"))?;
    let json = db::to_json(&marks);
    let saved = ctx
        .db(move |conn| {
            Ok(review::submit(
                conn,
                id,
                me,
                &json,
                total.score,
                &comment,
                db::now_ms(),
            )?)
        })
        .await?;
    if !saved {
        return Err(refused("review.already_submitted"));
    }
    ctx.flash("review.thanks", &[]);
    Ok(redirect("/"))
}

/// A comparison: two anonymous answers to one question, "which would you send?"
pub async fn compare_form(ctx: Ctx, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Trainee)?.id;
    let id = path.into_inner();
    let found = ctx
        .db(move |conn| Ok(review::to_compare(conn, id, me)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let done = found.comparison.submitted_at.is_some();
    ctx.render(
        "review/compare",
        json!({ "c": found, "done": done, "closed": !done && db::now_ms() > found.due_at, "due": local_time(found.due_at) }),
    )
}

pub async fn judge(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Trainee)?.id;
    let id = path.into_inner();
    let winner: i64 = form
        .text("winner")
        .parse()
        .map_err(|_| AppError::bad_request())?;
    let done = ctx
        .db(move |conn| {
            let found = review::to_compare(conn, id, me)?.ok_or(AppError::NotFound)?;
            if found.comparison.submitted_at.is_some() {
                return Err(refused("review.already_submitted"));
            }
            if db::now_ms() > found.due_at {
                return Err(refused("review.closed"));
            }
            Ok(review::judge(conn, id, me, winner, db::now_ms())?)
        })
        .await?;
    if !done {
        return Err(AppError::bad_request());
    }
    ctx.flash("review.thanks", &[]);
    Ok(redirect("/"))
}

/// A trainee appeals an answer's final score, with a reason and optionally a
/// better answer, until some days after the round's due date.
pub async fn appeal(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Trainee)?.id;
    let answer = path.into_inner();
    let attempt: i64 = form
        .text("attempt")
        .parse()
        .map_err(|_| AppError::bad_request())?;
    let reason = form.text("reason").trim().to_string();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "review.appeal_reason",
        ));
    }
    let better = form.text("better").trim().to_string();
    let better = if better.is_empty() {
        None
    } else {
        Some(crate::domain::types::AnswerText::parse(&better)?.into_string())
    };
    ctx.db(move |conn| {
        // Someone else's answer does not exist, as far as this trainee can tell.
        if !review::owns_answer(conn, answer, me)? {
            return Err(AppError::NotFound);
        }
        let found = review::answer_to_grade(conn, answer)?.ok_or(AppError::NotFound)?;
        let round = review::round_for_exam(conn, found.exam_id)?
            .ok_or_else(|| refused("review.appeal_closed"))?;
        let now = db::now_ms();
        if now > round.due_at + APPEAL_DAYS * DAY_MS {
            return Err(refused("review.appeal_closed"));
        }
        if !review::appeal(conn, answer, me, &reason, better.as_deref(), now)? {
            return Err(refused("review.appeal_exists"));
        }
        Ok(())
    })
    .await?;
    ctx.flash("review.appealed", &[]);
    Ok(redirect(&format!("/attempts/{attempt}/result")))
}

/// A lead upholds or rejects an appeal, saying why.
pub async fn decide_appeal(
    ctx: Ctx,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Lead)?.id;
    let id = path.into_inner();
    let upheld = match form.text("decision") {
        "uphold" => true,
        "reject" => false,
        _ => return Err(AppError::bad_request()),
    };
    let reason = form.text("reason").trim().to_string();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "review.reason_needed",
        ));
    }
    let exam = ctx
        .db(move |conn| Ok(review::decide(conn, id, upheld, &reason, me, db::now_ms())?))
        .await?
        .ok_or_else(|| refused("review.appeal_decided"))?;
    ctx.flash("review.decided", &[]);
    Ok(redirect(&format!("/exams/{exam}/review")))
}
