//! Peer review in the browser: a lead starts a round on a closed exam, each
//! trainee reviews the answers assigned to them (never told whose), and the
//! lead sees every answer's aggregated peer score with how it was reached.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::auth::Form;
use super::render::{local_time, redirect, Ctx};
use crate::db::attempts::AnswerRow;
use crate::db::{self, attempts, exams, review};
use crate::domain::ranking;
use crate::domain::review::aggregate::{self, Mark, Reputation, Tuning};
use crate::domain::review::assign::{self, Answer, AssignError};
use crate::domain::review::blend::{self, Weights};
use crate::domain::review::compare::{self, Judgement};
use crate::domain::review::criteria::{self, Rubric, TOP};
use crate::domain::types::Role;
use crate::error::AppError;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// How long after a round's due date its scores may be appealed.
const APPEAL_DAYS: i64 = 7;
/// "Which would you send?" pairs per reviewer and round.
const COMPARISONS_PER_REVIEWER: usize = 2;

fn refused(key: &'static str) -> AppError {
    AppError::refused(StatusCode::CONFLICT, key)
}

/// A lead starts the review round of a closed exam: k reviewers per answer,
/// due in some days.
pub async fn start(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Lead)?.id;
    let exam_id = path.into_inner();
    let bad = || AppError::refused(StatusCode::BAD_REQUEST, "review.bad_settings");
    let k = form.int("k", bad())?;
    let days = form.int("due_days", bad())?;
    if !(1..=10).contains(&k) || !(1..=30).contains(&days) {
        return Err(bad());
    }
    let seed: u64 = rand::random();
    ctx.db(move |conn| {
        let exam = exams::find(conn, exam_id)?.ok_or(AppError::NotFound)?;
        if exam.status != "closed" {
            return Err(refused("review.exam_not_closed"));
        }
        let rows = review::answers_with_authors(conn, exam_id)?;
        let answers: Vec<Answer> = rows
            .iter()
            .map(|(id, author, _)| Answer {
                id: *id,
                author: *author,
            })
            .collect();
        let mut by_item: BTreeMap<i64, Vec<Answer>> = BTreeMap::new();
        for (id, author, item) in &rows {
            by_item.entry(*item).or_default().push(Answer {
                id: *id,
                author: *author,
            });
        }
        let questions: Vec<Vec<Answer>> = by_item.into_values().collect();
        let mut reviewers: Vec<i64> = answers.iter().map(|a| a.author).collect();
        reviewers.sort_unstable();
        reviewers.dedup();
        let pairs =
            assign::assign(&answers, &reviewers, k as usize, seed).map_err(|e| match e {
                AssignError::TooFewReviewers { need, .. } => AppError::Refused {
                    status: StatusCode::CONFLICT,
                    key: "review.too_few",
                    args: vec![("need", need.to_string()), ("k", k.to_string())],
                },
            })?;
        let now = db::now_ms();
        let new = review::NewRound {
            exam_id,
            k: k as i32,
            // Stored for the record; i64 keeps every bit of the seed.
            seed: seed as i64,
            rubric_json: &db::to_json(&Rubric::default()),
            due_at: now + days * DAY_MS,
            created_by: me,
        };
        let comparisons: Vec<(i64, i64, i64)> = reviewers
            .iter()
            .flat_map(|r| {
                compare::pairs_for(*r, &questions, COMPARISONS_PER_REVIEWER, seed)
                    .into_iter()
                    .map(move |(a, b)| (*r, a, b))
            })
            .collect();
        review::create_round(conn, &new, &pairs, &comparisons, now)?
            .ok_or_else(|| refused("review.exists"))
    })
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
    let (
        exam,
        round,
        items,
        submitted,
        answers,
        (assignments, judged, known),
        (grades, appeals),
        users,
    ) = ctx
        .db(move |conn| {
            let exam = exams::find(conn, exam_id)?.ok_or(AppError::NotFound)?;
            let round = review::round_for_exam(conn, exam_id)?;
            let work = match &round {
                Some(r) => (
                    review::assignments(conn, r.id)?,
                    review::comparisons(conn, r.id)?,
                    reputation_before(conn, r)?,
                ),
                None => (Vec::new(), Vec::new(), HashMap::new()),
            };
            Ok((
                exam,
                round,
                exams::items(conn, exam_id)?,
                attempts::submitted_for_exam(conn, exam_id)?,
                attempts::submitted_answers_for_exam(conn, exam_id)?,
                work,
                (
                    review::grades_for_exam(conn, exam_id)?,
                    review::appeals_for_exam(conn, exam_id)?,
                ),
                db::users::list(conn)?,
            ))
        })
        .await?;
    let Some(round) = round else {
        return ctx.render("review/round", json!({ "exam": exam, "round": null }));
    };
    let Outcome {
        fit,
        weights,
        finals,
    } = outcome(&round, &answers, &assignments, &judged, &grades, &known)?;
    let name = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or(String::new(), |u| u.display_name.clone())
    };
    let author = |attempt: i64| {
        submitted
            .iter()
            .find(|s| s.attempt.id == attempt)
            .map_or(String::new(), |s| s.display_name.clone())
    };
    let questions: Vec<Value> = items
        .iter()
        .map(|item| {
            let scored: Vec<(Value, f64)> = answers
                .iter()
                .filter(|a| a.item_id == item.id)
                .map(|answer| {
                    let mine: Vec<&review::AssignmentRow> =
                        assignments.iter().filter(|a| a.answer_id == answer.id).collect();
                    let done = mine.iter().filter(|a| a.score.is_some()).count();
                    let lead = grades.iter().find(|g| g.answer_id == answer.id);
                    let Some(Final { blended, peer, comparative }) = finals.get(&answer.id) else {
                        return (Value::Null, -1.0);
                    };
                    let weight_total: f64 = mine
                        .iter()
                        .filter(|a| a.score.is_some())
                        .filter_map(|a| fit.reviewers.iter().find(|r| r.reviewer == a.reviewer_id))
                        .map(|r| r.reliability)
                        .sum();
                    let reviews: Vec<Value> = mine
                        .iter()
                        .map(|a| {
                            let fitted = fit.reviewers.iter().find(|r| r.reviewer == a.reviewer_id);
                            json!({
                                "reviewer": name(a.reviewer_id), "score": a.score.map(round1),
                                "bias": fitted.map(|r| round1(r.bias)),
                                "weight": fitted.filter(|_| a.score.is_some() && weight_total > 0.0)
                                    .map(|r| (100.0 * r.reliability / weight_total).round()),
                                "comment": a.comment,
                            })
                        })
                        .collect();
                    let parts: Vec<Value> = blended
                        .parts
                        .iter()
                        .map(|(source, value, share)| json!({ "source": source, "value": round1(*value), "share": percent(*share) }))
                        .collect();
                    let row = json!({
                        "answer": answer, "author": author(answer.attempt_id),
                        "automatic": answer.score.map(round1), "peer": peer.map(round1),
                        "lead": lead.map(|g| json!({ "score": round1(g.score), "reason": g.reason, "calibration": g.calibration })),
                        "final": blended.score.map(round1), "parts": parts,
                        "compared": comparative.as_ref().map(|s| json!({ "wins": s.wins, "of": s.comparisons })),
                        "reviews": reviews, "done": done, "k": round.k,
                        "appeal": appeals.iter().find(|x| x.answer_id == answer.id),
                        "lead_needed": done == 0 && lead.is_none(),
                    });
                    (row, blended.score.unwrap_or(-1.0))
                })
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
    // Everyone holding a review, including the absent who have not sent one
    // (the model knows only those who did).
    let mut ids: Vec<i64> = assignments.iter().map(|a| a.reviewer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let reviewers: Vec<Value> = ids
        .into_iter()
        .map(|id| {
            let open = assignments
                .iter()
                .filter(|a| a.reviewer_id == id && a.submitted_at.is_none())
                .count();
            let fitted = fit.reviewers.iter().find(|r| r.reviewer == id);
            json!({
                "id": id, "name": name(id), "open": open,
                "reviews": fitted.map_or(0, |r| r.reviews),
                "bias": fitted.map(|r| round1(r.bias)),
                "reliability": fitted.map(|r| round1(r.reliability)),
                "grade": fitted.map(|r| r.grade.round()),
                "earlier": known.get(&id).map_or(0.0, |k| k.reviews.round()),
            })
        })
        .collect();
    let overdue = db::now_ms() > round.due_at;
    ctx.render(
        "review/round",
        json!({
            "exam": exam, "round": round, "due": local_time(round.due_at), "questions": questions,
            "reviewers": reviewers, "overdue": overdue,
            "weights": { "automatic": percent(weights.automatic), "peer": percent(weights.peer), "comparative": percent(weights.comparative) },
        }),
    )
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
    let bad = || AppError::refused(StatusCode::BAD_REQUEST, "review.bad_settings");
    let absent = form.int("reviewer", bad())?;
    let days = form.int("due_days", bad())?;
    if !(1..=30).contains(&days) {
        return Err(bad());
    }
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
            Ok(review::reassign(
                conn,
                absent,
                &moves,
                db::now_ms() + days * DAY_MS,
            )?)
        })
        .await?;
    if moved == 0 {
        return Err(refused("review.nothing_to_reassign"));
    }
    ctx.flash("review.reassigned", &[("n", moved.to_string())]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// A lead grades an answer on the review rubric, with a reason; the grade
/// decides the answer's score and can serve as a calibration example.
pub async fn grade_form(ctx: Ctx, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Lead)?;
    let answer = path.into_inner();
    let found = ctx
        .db(move |conn| Ok(review::answer_to_grade(conn, answer)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let marks: BTreeMap<String, u8> = found
        .grade
        .as_ref()
        .and_then(|g| serde_json::from_str(&g.marks_json).ok())
        .unwrap_or_default();
    render_grade(
        &ctx,
        answer,
        found.exam_id,
        &found.prompt,
        &found.body,
        &marks,
        found
            .grade
            .as_ref()
            .map(|g| (g.reason.as_str(), g.calibration)),
        None,
    )
}

#[allow(clippy::too_many_arguments)]
fn render_grade(
    ctx: &Ctx,
    answer: i64,
    exam: i64,
    prompt: &str,
    body: &str,
    marks: &BTreeMap<String, u8>,
    given: Option<(&str, bool)>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let mut page = ctx.render(
        "review/grade",
        json!({
            "answer": answer, "exam": exam, "prompt": prompt, "body": body,
            "criteria": criteria_json(&Rubric::default()), "marks": marks,
            "reason": given.map(|g| g.0), "calibration": given.is_some_and(|g| g.1), "error": error,
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
    let review::ToGrade {
        exam_id: exam,
        prompt,
        body,
        ..
    } = ctx
        .db(move |conn| Ok(review::answer_to_grade(conn, answer)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let rubric = Rubric::default();
    let marks = marks_from(&form, &rubric);
    let reason = form.text("reason").trim().to_string();
    let calibration = form.checked("calibration");
    let problem = match marks_problem(&ctx, &rubric, &marks, &reason) {
        Some(p) => Some(p),
        None if reason.is_empty() => Some(ctx.t("review.reason_needed")),
        None => None,
    };
    if let Some(message) = problem {
        return render_grade(
            &ctx,
            answer,
            exam,
            &prompt,
            &body,
            &marks,
            Some((&reason, calibration)),
            Some(message),
        );
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
    Ok(redirect(&format!("/exams/{exam}/review")))
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

/// The submitted reviews of a round as the model's marks.
fn marks_of(assignments: &[review::AssignmentRow]) -> Vec<Mark> {
    assignments
        .iter()
        .filter_map(|a| {
            a.score.map(|score| Mark {
                item: a.answer_id,
                reviewer: a.reviewer_id,
                score,
            })
        })
        .collect()
}

/// Leads' grades as the model's gold, by answer.
fn gold_of(grades: &[review::LeadGradeRow]) -> BTreeMap<i64, f64> {
    grades.iter().map(|g| (g.answer_id, g.score)).collect()
}

/// How many earlier reviews a reputation may count as, at most.
const REPUTATION_CAP: f64 = 20.0;

/// Reviewers' reputations from the rounds before `round`: their fits, with the
/// leads' grades, averaged by reviews. Recomputed from the stored marks, so it
/// is never stale and every instance agrees.
pub(crate) fn reputation_before(
    conn: &mut crate::db::Conn,
    round: &review::RoundRow,
) -> Result<HashMap<i64, Reputation>, AppError> {
    let mut fits = Vec::new();
    for earlier in review::rounds_before(conn, round)? {
        let marks = marks_of(&review::assignments(conn, earlier.id)?);
        let gold = gold_of(&review::grades_for_exam(conn, earlier.exam_id)?);
        fits.push(aggregate::fit(
            &marks,
            &gold,
            &HashMap::new(),
            Tuning::default(),
        ));
    }
    Ok(aggregate::reputation(&fits, REPUTATION_CAP))
}

/// One answer's final score with the peer and comparative parts behind it.
pub(crate) struct Final {
    pub blended: blend::Blended,
    pub peer: Option<f64>,
    pub comparative: Option<compare::Strength>,
}

/// What a round says: the reviewers' model, its blend weights, and every
/// answer's final score.
pub(crate) struct Outcome {
    pub fit: aggregate::Fit,
    pub weights: Weights,
    pub finals: HashMap<i64, Final>,
}

/// Combines a round's marks (with leads' grades as gold), its comparisons (per
/// question) and the automatic scores into each answer's final score.
pub(crate) fn outcome(
    round: &review::RoundRow,
    answers: &[AnswerRow],
    assignments: &[review::AssignmentRow],
    judged: &[review::ComparisonRow],
    grades: &[review::LeadGradeRow],
    reputation: &HashMap<i64, Reputation>,
) -> Result<Outcome, AppError> {
    let weights: Weights = db::from_json(&round.weights_json)?;
    let gold = gold_of(grades);
    let fit = aggregate::fit(&marks_of(assignments), &gold, reputation, Tuning::default());
    let judgements: Vec<Judgement> = judged
        .iter()
        .filter_map(|c| {
            let winner = c.winner?;
            let loser = if winner == c.answer_a {
                c.answer_b
            } else {
                c.answer_a
            };
            Some(Judgement { winner, loser })
        })
        .collect();
    let mut by_item: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for a in answers {
        by_item.entry(a.item_id).or_default().push(a.id);
    }
    let mut strengths: HashMap<i64, compare::Strength> = HashMap::new();
    for ids in by_item.values() {
        for s in compare::strengths(ids, &judgements) {
            strengths.insert(s.item, s);
        }
    }
    let finals = answers
        .iter()
        .map(|answer| {
            let peer = fit
                .items
                .iter()
                .find(|s| s.item == answer.id && s.reviews > 0)
                .map(|s| s.score);
            let comparative = strengths.remove(&answer.id).filter(|s| s.comparisons > 0);
            let blended = blend::blend(
                blend::Parts {
                    automatic: answer.score,
                    peer,
                    comparative: comparative.as_ref().map(|s| s.score),
                    lead: gold.get(&answer.id).copied(),
                },
                weights,
            );
            (
                answer.id,
                Final {
                    blended,
                    peer,
                    comparative,
                },
            )
        })
        .collect();
    Ok(Outcome {
        fit,
        weights,
        finals,
    })
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
    let parts: Vec<Value> = f
        .blended
        .parts
        .iter()
        .map(|(source, value, share)| json!({ "source": source, "value": round1(*value), "share": percent(*share) }))
        .collect();
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

/// A reviewer's page: the question, the anonymous answer, the rubric.
pub async fn show(ctx: Ctx, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let found = mine(&ctx, path.into_inner()).await?;
    render_review(&ctx, &found, None, StatusCode::OK)
}

/// The signed-in user's assignment `id` (404 for anyone else's).
async fn mine(ctx: &Ctx, id: i64) -> Result<review::ToReview, AppError> {
    let me = ctx.require(Role::Trainee)?.id;
    ctx.db(move |conn| Ok(review::to_review(conn, id, me)?))
        .await?
        .ok_or(AppError::NotFound)
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
    let mut page = ctx.render(
        "review/show",
        json!({
            "review": found, "criteria": criteria_json(&rubric), "marks": marks,
            "done": done, "closed": !done && db::now_ms() > due, "error": error, "due": local_time(due),
        }),
    )?;
    *page.status_mut() = status;
    Ok(page)
}

/// A submitted review: every criterion marked, a comment of reasonable length.
pub async fn submit(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let found = mine(&ctx, id).await?;
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
        .map_err(|_| AppError::refused(StatusCode::BAD_REQUEST, "error.bad_request"))?;
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
        return Err(AppError::refused(
            StatusCode::BAD_REQUEST,
            "error.bad_request",
        ));
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
        .map_err(|_| AppError::refused(StatusCode::BAD_REQUEST, "error.bad_request"))?;
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
        _ => {
            return Err(AppError::refused(
                StatusCode::BAD_REQUEST,
                "error.bad_request",
            ))
        }
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
