//! A trainee taking an exam: start, autosave drafts, submit once, see the result.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::json;

use super::auth::{CsrfJson, Form};
use super::pages::{ExamView, ItemView};
use super::render::{redirect, with_conn, Ctx, OneHop, Page, SessionUser, Trainee};
use super::review::AnswerOutcome;
use crate::app::grading;
use crate::db::attempts::{self, Answer, AttemptRow, ToAnswer};
use crate::db::columns::{AnswerId, AttemptId, ExamId, ExamStatus, ItemId};
use crate::db::exams::{self, ExamRow, Item};
use crate::db::{self, drafts, users::User, Conn};
use crate::domain::types::{AnswerText, Invalid, Role};
use crate::domain::{diff, exam, ranking, text};
use crate::error::AppError;

mod page;
mod turns;
#[cfg(test)]
pub(super) use page::samples;
use page::*;
pub use turns::{send_turn, send_turn_form};

fn refused(key: &'static str) -> AppError {
    AppError::refused(StatusCode::CONFLICT, key)
}

/// Starting an exam is one statement when all is well (the crowd at an exam's
/// start); only a refusal reads more, to say why.
pub async fn start(
    who: SessionUser,
    _form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let exam_id = path.into_inner();
    let (me, session) = (who.id, who.session_key.clone());
    let started = with_conn(&who.state.pool, move |conn| {
        Ok(attempts::start_open(
            conn,
            exam_id,
            me,
            &session,
            db::now_ms(),
        )?)
    })
    .await?;
    let attempt = match started {
        Some(attempt) => attempt,
        None => {
            who.load().await?;
            let state = who.state.clone();
            with_conn(&who.state.pool, move |conn| {
                let exam = exams::find(conn, exam_id)?.ok_or(AppError::NotFound)?;
                if exam.status != ExamStatus::Open {
                    return Err(refused("attempts.exam_not_open"));
                }
                // A cohort's exam: its week must be open to this member.
                let today = crate::app::cohorts::today();
                crate::app::cohorts::may_sit(conn, &state.finals, exam_id, me, today)?;
                let now = db::now_ms();
                let until = crate::domain::exam::writable_until(now, exam.time_limit_min);
                Ok(attempts::start(conn, exam_id, me, now, until)?)
            })
            .await?
        }
    };
    Ok(redirect(&format!("/attempts/{}", attempt.id)))
}

/// An attempt with its exam and items, if `user` may see it: its owner always,
/// a lead or admin only once it is submitted (drafts stay private).
fn load_visible(
    conn: &mut Conn,
    id: AttemptId,
    user: &User,
) -> Result<(AttemptRow, ExamRow, Vec<Item>), AppError> {
    let (attempt, exam) = attempts::find_with_exam(conn, id)?.ok_or(AppError::NotFound)?;
    let is_owner = attempt.user_id == user.id;
    let lead_may_read = user.role >= Role::Lead && attempt.submitted_at.is_some();
    if !(is_owner || lead_may_read) {
        return Err(AppError::NotFound);
    }
    let items = exams::items(conn, exam.id)?;
    Ok((attempt, exam, items))
}

/// The exam page: the attempt with its exam and (active) owner, then the items
/// with their drafts: two queries on one connection.
pub async fn take(hop: OneHop, path: web::Path<AttemptId>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (ctx, (attempt, exam, rows)) = hop
        .db_owned(move |conn, claim| {
            let found =
                attempts::find_owned(conn, id, claim.uid, &claim.session_key, db::now_ms())?;
            let Some((attempt, exam, me)) = found else {
                return Ok(None);
            };
            let rows = if attempt.submitted_at.is_some() {
                Vec::new()
            } else {
                attempts::items_with_drafts(conn, exam.id, attempt.id)?
            };
            Ok(Some((me, (attempt, exam, rows))))
        })
        .await?;
    if attempt.submitted_at.is_some() {
        return Ok(redirect(&format!("/attempts/{id}/result")));
    }
    render_take(&ctx, &attempt, &exam, &rows, None)
}

fn render_take(
    ctx: &Ctx,
    attempt: &AttemptRow,
    exam: &ExamRow,
    items: &[ToAnswer],
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    ctx.render(&TakePage {
        attempt: AttemptView {
            id: attempt.id,
            closed_by_lead: attempt.closed_by_lead,
        },
        exam: ExamView::of(exam),
        questions: items
            .iter()
            .map(|item| Question {
                item: item.clone(),
                body: item.draft.clone().unwrap_or_default(),
                saved_at: item.saved_at,
                conversation: turns::Conversation::of(item),
            })
            .collect(),
        deadline: exam::deadline(attempt.started_at, exam.time_limit_min),
        max_len: AnswerText::MAX,
        error,
    })
}

#[derive(serde::Deserialize)]
pub struct Draft {
    item_id: ItemId,
    body: String,
    #[serde(default)]
    spent_ms: i64,
}

/// Autosave: stores one draft and the time spent on it since the last save. The
/// happy path is one statement in a group commit; reads only run to explain a refusal.
pub async fn save_draft(
    who: SessionUser,
    path: web::Path<AttemptId>,
    draft: CsrfJson<Draft>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let Draft {
        item_id,
        body,
        spent_ms,
    } = draft.0;
    let body = AnswerText::parse_draft(&body)?;
    let now = db::now_ms();
    let saved = who
        .state
        .drafts
        .save(drafts::Draft {
            attempt_id: id,
            user_id: who.id,
            session: who.session_key.clone(),
            item_id,
            body: body.into_string(),
            spent_ms: exam::clamp_spent(spent_ms),
            now,
        })
        .await?;
    if !saved {
        let me = who.load().await?;
        return Err(with_conn(&who.state.pool, move |conn| {
            let (attempt, _, items) = load_visible(conn, id, &me)?;
            Ok(
                if attempt.user_id != me.id || !items.iter().any(|i| i.id == item_id) {
                    AppError::NotFound
                } else if attempt.closed_by_lead {
                    refused("attempts.closed_by_lead")
                } else if attempt.submitted_at.is_some() {
                    refused("attempts.already_submitted")
                } else {
                    refused("attempts.closed")
                },
            )
        })
        .await
        .unwrap_or_else(|e| e));
    }
    Ok(HttpResponse::Ok().json(json!({ "saved_at": now })))
}

/// Submission: keeps every posted answer as a draft first, so a refusal (an empty or
/// too long answer) loses nothing; then scores all answers and closes the attempt.
pub async fn submit(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<AttemptId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let posted = posted_answers(&form);
    let allow_blank = form.checked("allow_blank");
    let now = db::now_ms();
    let session = ctx.session_key().unwrap_or_default();
    let outcome = ctx
        .db(move |conn| {
            let (attempt, exam, items) = load_visible(conn, id, &me)?;
            if attempt.user_id != me.id {
                return Err(AppError::NotFound);
            }
            if attempt.closed_by_lead {
                // A page left open past the closing: its saved answers were
                // submitted already; the result says so.
                return Ok(Ok(()));
            }
            if attempt.submitted_at.is_some() {
                return Err(refused("attempts.already_submitted"));
            }
            let in_time = in_time(&attempt, &exam, now);
            if in_time {
                keep_posted(conn, &attempt, &me, &session, &items, &posted, now)?;
            }
            let answers = attempts::answers(conn, id)?;
            // Out of time, what was saved is what counts: posted text is not judged.
            let judged: &[(ItemId, String)] = if in_time { &posted } else { &[] };
            let found = problems(&items, &answers, allow_blank || !in_time, judged);
            if !found.is_empty() {
                return Ok(Err((attempt, exam, items, answers, found)));
            }
            let bodies: Vec<(ItemId, String)> = answers
                .iter()
                .map(|a| (a.item_id, a.body.clone()))
                .collect();
            if !grading::submit(
                conn,
                id,
                &items,
                &bodies,
                now,
                attempts::SubmittedBy::Trainee,
            )? {
                return Err(refused("attempts.already_submitted"));
            }
            Ok(Ok(()))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(redirect(&format!("/attempts/{id}/result"))),
        Err((attempt, exam, items, answers, found)) => {
            let message = problems_message(&ctx, &found);
            let shown: Vec<ToAnswer> = items.iter().map(|i| ToAnswer::of(i, &answers)).collect();
            let mut page = render_take(&ctx, &attempt, &exam, &shown, Some(message))?;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
    }
}

/// The answers a posted exam form carries, by item.
fn posted_answers(form: &Form) -> Vec<(ItemId, String)> {
    form.with_prefix("answer_")
        .filter_map(|(item, body)| item.parse().ok().map(|i| (ItemId(i), body.to_string())))
        .collect()
}

/// Whether the attempt still takes answers at `now`.
fn in_time(attempt: &AttemptRow, exam: &ExamRow, now: i64) -> bool {
    exam.status == ExamStatus::Open && now <= attempt.writable_until
}

/// Keeps the posted answers of the exam's own items as drafts (those too long
/// to keep are left for the caller to refuse), while the attempt is in time.
fn keep_posted(
    conn: &mut Conn,
    attempt: &AttemptRow,
    me: &User,
    session: &str,
    items: &[Item],
    posted: &[(ItemId, String)],
    now: i64,
) -> Result<(), AppError> {
    let keep: Vec<drafts::Draft> = posted
        .iter()
        .filter(|(item_id, body)| {
            items.iter().any(|i| i.id == *item_id) && AnswerText::parse_draft(body).is_ok()
        })
        .map(|(item_id, body)| drafts::Draft {
            attempt_id: attempt.id,
            user_id: me.id,
            session: session.to_string(),
            item_id: *item_id,
            body: body.clone(),
            spent_ms: 0,
            now,
        })
        .collect();
    drafts::save_now(conn, &keep)?;
    Ok(())
}

/// Every answer that cannot be submitted, with its question number.
fn problems(
    items: &[Item],
    answers: &[Answer],
    allow_blank: bool,
    posted: &[(ItemId, String)],
) -> Vec<(Invalid, i32)> {
    items
        .iter()
        .filter_map(|item| {
            // A posted answer too long to keep as a draft is judged as posted.
            let body = posted
                .iter()
                .find(|(id, _)| *id == item.id)
                .map(|(_, b)| b.as_str())
                .or_else(|| {
                    answers
                        .iter()
                        .find(|a| a.item_id == item.id)
                        .map(|a| a.body.as_str())
                })
                .unwrap_or("");
            // A scenario's answer is its transcript: what counts is a reply.
            let checked = if item.scenario.is_some() {
                let replied = !crate::domain::scenario::replies(body).is_empty();
                if replied {
                    Ok(())
                } else {
                    Err(Invalid::EmptyAnswer)
                }
            } else {
                AnswerText::parse(body).map(|_| ())
            };
            match checked {
                Err(Invalid::EmptyAnswer) if allow_blank => None,
                Err(e) => Some((e, item.position)),
                Ok(_) => None,
            }
        })
        .collect()
}

/// One message naming every question to fix: the blank ones together ("第 1、3
/// 题还没有作答"), then each other problem with its number.
fn problems_message(ctx: &Ctx, found: &[(Invalid, i32)]) -> String {
    let catalog = &ctx.state.catalog;
    let blank: Vec<String> = found
        .iter()
        .filter(|(e, _)| *e == Invalid::EmptyAnswer)
        .map(|(_, n)| n.to_string())
        .collect();
    let mut parts = Vec::new();
    if !blank.is_empty() {
        let list = blank.join(&catalog.format(ctx.lang, "attempts.list_sep", &[]));
        parts.push(catalog.format(ctx.lang, "attempts.blank_at", &[("list", list)]));
    }
    for (e, n) in found.iter().filter(|(e, _)| *e != Invalid::EmptyAnswer) {
        let detail = catalog.format(ctx.lang, e.key(), &e.args());
        parts.push(catalog.format(
            ctx.lang,
            "attempts.problem_at",
            &[("n", n.to_string()), ("message", detail)],
        ));
    }
    parts.join(" ")
}

pub async fn result(
    Trainee { ctx, me }: Trainee,
    path: web::Path<AttemptId>,
) -> Result<HttpResponse, AppError> {
    show_result(&ctx, me, path.into_inner(), None).await
}

/// An appeal form that was refused: its answer, what was typed, and why.
pub(crate) struct AppealTyped {
    pub answer: AnswerId,
    pub reason: String,
    pub better: String,
    pub message: String,
    pub status: StatusCode,
}

/// The result page; after a refused appeal, with that form open, its text
/// kept and the message beside it.
pub(crate) async fn show_result(
    ctx: &Ctx,
    me: User,
    id: AttemptId,
    appeal: Option<AppealTyped>,
) -> Result<HttpResponse, AppError> {
    let uid = me.id;
    let (attempt, exam, items, answers, submitted, reviewed) = ctx
        .db(move |conn| {
            let (attempt, exam, items) = load_visible(conn, id, &me)?;
            let answers = attempts::answers(conn, id)?;
            let reviewed = review_of(conn, exam.id)?;
            Ok((
                attempt,
                exam.clone(),
                items,
                answers,
                attempts::submitted_for_exam(conn, exam.id)?,
                reviewed,
            ))
        })
        .await?;
    let Some(total) = attempt.score.filter(|_| attempt.submitted_at.is_some()) else {
        return Ok(redirect(&format!("/attempts/{id}")));
    };
    // Ranked and passed on the final score once there is one, as the exam's
    // results are.
    let finals = reviewed.as_ref().map(|r| &r.finals);
    let counted = |attempt: AttemptId, automatic: Option<f64>| {
        finals
            .and_then(|f| f.get(&attempt).copied())
            .or(automatic)
            .unwrap_or(0.0)
    };
    let ranked = ranking::rank(
        submitted
            .iter()
            .map(|s| (s.attempt.id, counted(s.attempt.id, s.attempt.score)))
            .collect(),
    );
    let mine = ranked.iter().find(|r| r.item == attempt.id);
    let outcome = reviewed.as_ref().map(|r| &r.outcome);
    let reviewing = outcome
        .and_then(|o| o.fit.reviewers.iter().find(|r| r.reviewer == uid))
        .map(|r| MyReviewing {
            grade: r.grade.round(),
            reviews: r.reviews,
        });
    let questions: Vec<Breakdown> = items
        .iter()
        .map(|item| {
            let answer = answers.iter().find(|a| a.item_id == item.id);
            let mut row = breakdown(item, answer);
            if let (Some(r), Some(answer)) = (&reviewed, answer) {
                row.review = AnswerOutcome::of(&r.outcome, &r.grades, &r.appeals, answer.id)
                    .map(|o| o.with_feedback(&r.rubric, &r.assignments, answer.id));
                row.answer_id = Some(answer.id);
            }
            if let Some(typed) = appeal.as_ref().filter(|t| Some(t.answer) == row.answer_id) {
                row.appeal_form = Some(AppealForm {
                    reason: typed.reason.clone(),
                    better: typed.better.clone(),
                    error: typed.message.clone(),
                });
            }
            row
        })
        .collect();
    // The final score: the mean of the answers' final scores, as the standings
    // count it, once the round has given them one.
    let final_total = reviewed
        .as_ref()
        .and_then(|r| r.finals.get(&attempt.id).copied());
    let page = ResultPage {
        final_total,
        attempt: AttemptView {
            id: attempt.id,
            closed_by_lead: attempt.closed_by_lead,
        },
        exam: ExamView::of(&exam),
        total,
        passed: exam::passed(final_total.unwrap_or(total), exam.pass_mark),
        rank: mine.map(|r| r.rank),
        tied_with: mine.map(|r| r.tied_with),
        tied: mine.is_some_and(|r| r.tied_with > 1),
        of: ranked.len(),
        questions,
        reviewing,
    };
    match appeal {
        Some(typed) => ctx.render_refused(&page, typed.status),
        None => ctx.render(&page),
    }
}

/// A review round's outcome with the leads' grades and the appeals.
struct Reviewed {
    outcome: crate::app::review::Outcome,
    /// Each attempt's final score, once reviewed.
    finals: std::collections::HashMap<AttemptId, f64>,
    grades: Vec<crate::db::review::LeadGrade>,
    appeals: Vec<crate::db::review::AppealRow>,
    /// Every review of the round, for the feedback its authors get.
    assignments: Vec<crate::db::review::Assignment>,
    rubric: crate::domain::review::criteria::Rubric,
}

/// The exam's review round as it stands, if it has one, with the leads' grades.
fn review_of(conn: &mut Conn, exam_id: ExamId) -> Result<Option<Reviewed>, AppError> {
    let Some(round) = crate::db::review::round_for_exam(conn, exam_id)? else {
        return Ok(None);
    };
    let evidence = crate::app::review::evidence(conn, &round)?;
    let outcome = crate::app::review::outcome(&round, &evidence)?;
    Ok(Some(Reviewed {
        finals: crate::app::review::attempt_finals(&evidence, &outcome),
        outcome,
        grades: evidence.grades,
        appeals: crate::db::review::appeals_for_exam(conn, exam_id)?,
        assignments: evidence.assignments,
        rubric: round.rubric,
    }))
}

/// One question of the result page, from the report stored when it was scored
/// (so the rubric lines always explain the score shown): score, best reference,
/// rubric lines, what the answer misses of that reference and the diff.
fn breakdown(item: &Item, answer: Option<&Answer>) -> Breakdown {
    let body = answer.map_or("", |a| a.body.as_str());
    let mut row = Breakdown {
        item: ItemView::of(item),
        body: body.to_string(),
        score: None,
        similarity: None,
        reference: None,
        missing: vec![],
        checks: vec![],
        banned: vec![],
        facts: Default::default(),
        calibrated: false,
        diff: vec![],
        seconds: answer.map_or(0, |a| a.time_spent_ms / 1000),
        review: None,
        answer_id: None,
        appeal_form: None,
        turns: vec![],
    };
    let Some(report) = answer.and_then(|a| a.report.as_ref()) else {
        return row;
    };
    let reference = item.references.get(report.best_reference);
    let (answer, folded) = (
        text::fold(body),
        reference.map(|r| text::fold(r)).unwrap_or_default(),
    );
    row.diff = diff::segments(&answer, &folded);
    row.missing = diff::missing_phrases(&answer, &folded)
        .into_iter()
        .map(|p| {
            reference
                .and_then(|r| text::find_folded(r, &p))
                .map_or(p.clone(), str::to_string)
        })
        .collect();
    row.reference = reference.cloned();
    row.checks = report
        .checks
        .iter()
        .filter(|c| c.expected || c.found.is_some())
        .map(|c| CheckLine {
            check: c.check.key(),
            expected: c.expected,
            found: c.found.clone(),
        })
        .collect();
    row.score = Some(report.score);
    row.similarity = Some((report.similarity.combined * 100.0).round());
    row.banned = report.banned.clone();
    row.facts = report.facts.clone();
    row.calibrated = report.calibrated;
    if item.scenario.is_some() {
        // One reference against a whole conversation says nothing: the turns do.
        (row.diff, row.missing, row.reference) = (vec![], vec![], None);
        row.turns = report.turns.iter().map(TurnLine::of).collect();
    }
    row
}
