//! Home page, the banks page, and the lead's exam pages: build, open/close, results.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::auth::Form;
use super::render::{redirect, Lead, Trainee};
use crate::app::{self, exams::StatusAction};
use crate::db::columns::{ExamId, ExamStatus, ItemId};
use crate::db::{attempts, exams, questions};
use crate::domain::exam;
use crate::domain::ranking;
use crate::domain::types::{self, Category, Invalid, Role};
use crate::error::AppError;

pub async fn home(Trainee { ctx, me }: Trainee) -> Result<HttpResponse, AppError> {
    let is_lead = me.role >= Role::Lead;
    let now = crate::db::now_ms();
    let (all, mine, (queue, comparisons, lead_queue)) = ctx
        .db(move |conn| {
            Ok((
                exams::list(conn)?,
                attempts::for_user(conn, me.id)?,
                (
                    crate::db::review::queue(conn, me.id)?,
                    crate::db::review::comparison_queue(conn, me.id)?,
                    if is_lead {
                        crate::db::review::needing_lead(conn, now)?
                    } else {
                        Vec::new()
                    },
                ),
            ))
        })
        .await?;
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let dues: Vec<i64> = queue
        .iter()
        .map(|q| q.due_at)
        .chain(comparisons.iter().map(|c| c.due_at))
        .collect();
    // What the reviewer is told at the top of the page: how much is waiting,
    // how much closes within a day, and how much closed unfinished.
    let notice = json!({
        "open": dues.iter().filter(|d| now <= **d).count(),
        "soon": dues.iter().filter(|d| now <= **d && **d - now < DAY_MS).count(),
        "missed": dues.iter().filter(|d| now > **d).count(),
    });
    // Two answers to one question are told apart by a number.
    let queue: Vec<Value> = queue
        .iter()
        .map(|q| {
            let same: Vec<i64> = queue
                .iter()
                .filter(|o| o.exam_title == q.exam_title && o.position == q.position)
                .map(|o| o.id)
                .collect();
            let nth = same.iter().take_while(|id| **id != q.id).count() + 1;
            let of = same.len();
            json!({ "review": q, "nth": (of > 1).then_some(nth), "due": super::render::local_time(q.due_at), "overdue": now > q.due_at, "due_soon": now <= q.due_at && q.due_at - now < DAY_MS })
        })
        .collect();
    let open: Vec<Value> = all
        .iter()
        .filter(|e| e.status == ExamStatus::Open)
        .map(|e| {
            let attempt = mine.iter().find(|a| a.exam_id == e.id);
            json!({ "exam": e, "attempt": attempt, "submitted": attempt.is_some_and(|a| a.submitted_at.is_some()) })
        })
        .collect();
    let comparisons: Vec<Value> = comparisons
        .iter()
        .map(|q| json!({ "id": q.comparison.id, "exam_title": q.exam_title, "due": super::render::local_time(q.due_at), "overdue": now > q.due_at }))
        .collect();
    let done: Vec<Value> = mine
        .iter()
        .filter(|a| a.submitted_at.is_some())
        .filter_map(|a| all.iter().find(|e| e.id == a.exam_id).map(|e| (a, e)))
        .map(|(a, e)| json!({ "attempt": a, "exam": e, "passed": exam::passed(a.score.unwrap_or(0.0), e.pass_mark) }))
        .collect();
    let lead_queue: Vec<Value> = lead_queue
        .into_iter()
        .map(|q| json!({ "exam": q.exam, "title": q.title, "n": q.waiting }))
        .collect();
    let managed = if is_lead { all } else { vec![] };
    ctx.render(
        "home",
        json!({ "open": open, "done": done, "managed": managed, "queue": queue, "comparisons": comparisons, "lead_queue": lead_queue, "notice": notice }),
    )
}

pub async fn banks(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let loaded = ctx
        .state
        .banks
        .read()
        .map(|b| b.clone())
        .unwrap_or_default();
    let questions = ctx.db(|conn| Ok(questions::list_active(conn)?)).await?;
    ctx.render(
        "banks",
        json!({ "files": loaded.files, "origin": loaded.origin, "questions": questions }),
    )
}

pub async fn new_form(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let questions = ctx.db(|conn| Ok(questions::list_active(conn)?)).await?;
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.key()).collect();
    ctx.render(
        "exams/new",
        json!({ "questions": questions, "categories": categories }),
    )
}

/// An exam's title, time limit and pass mark from its form.
pub fn settings(form: &Form) -> Result<(String, i32, i32), AppError> {
    let title = types::parse_title(form.text("title"))?;
    let limit = form.int("time_limit", Invalid::TimeLimit { min: 1, max: 480 }.into())?;
    let limit = types::parse_time_limit(i32::try_from(limit).unwrap_or(0))?;
    let pass = form.int("pass_mark", Invalid::PassMark.into())?;
    let pass = types::parse_pass_mark(i32::try_from(pass).unwrap_or(-1))?;
    Ok((title, limit, pass))
}

pub async fn create(Lead { ctx, me }: Lead, form: Form) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let (title, limit, pass) = settings(&form)?;
    let random = form.text("mode") == "random";
    let picked: Vec<i64> = form
        .all("q")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let categories: Vec<Category> = form
        .all("cat")
        .iter()
        .filter_map(|c| Category::parse(c))
        .collect();
    // A missing or bad number draws nothing, which is refused below as "no questions".
    let per_category = form
        .text("per_category")
        .trim()
        .parse::<i64>()
        .unwrap_or(0)
        .clamp(0, 50) as usize;
    let seed: u64 = rand::random();
    let id = ctx
        .db(move |conn| {
            let ids = if random {
                let pool: Vec<(i64, Category)> = questions::list_active(conn)?
                    .iter()
                    .filter_map(|q| Category::parse(&q.category).map(|c| (q.id, c)))
                    .collect();
                exam::draw(&pool, per_category, &categories, seed)
            } else {
                picked
            };
            let chosen = questions::find_active(conn, &ids)?;
            let new = exams::NewExam {
                title: &title,
                time_limit_min: limit,
                pass_mark: pass,
                created_by: me,
            };
            Ok(app::exams::create(conn, &new, &chosen)?)
        })
        .await?;
    ctx.flash("exams.created", &[]);
    Ok(redirect(&format!("/exams/{id}")))
}

pub async fn show(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (exam, items, submitted, writing, reviewed) = ctx
        .db(move |conn| {
            let exam = exams::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((
                exam,
                exams::items(conn, id)?,
                attempts::submitted_for_exam(conn, id)?.len(),
                attempts::in_progress(conn, id)?.len(),
                crate::db::review::round_for_exam(conn, id)?.is_some(),
            ))
        })
        .await?;
    let can_reopen = exam.status == ExamStatus::Closed && !reviewed;
    let draft = exam.status == ExamStatus::Draft;
    let items: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({ "item": i, "references": i.references.join("\n\n"), "bare": i.references.is_empty() })
        })
        .collect();
    ctx.render(
        "exams/show",
        json!({ "exam": exam, "items": items, "submitted": submitted, "draft": draft,
                "writing": writing, "can_reopen": can_reopen }),
    )
}

pub async fn set_status(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let action = StatusAction::parse(form.text("action")).ok_or_else(AppError::bad_request)?;
    let now = crate::db::now_ms();
    let changed = ctx
        .db(move |conn| Ok(app::exams::change_status(conn, id, action, now)?))
        .await?;
    let n = changed.attempts.to_string();
    match (action, changed.attempts) {
        (StatusAction::Close, 0) | (StatusAction::Open, _) => {
            ctx.flash(&format!("exams.now_{}", changed.now.key()), &[])
        }
        (StatusAction::Close, _) => ctx.flash("exams.closed_with_attempts", &[("n", n)]),
        (StatusAction::Reopen, _) => ctx.flash("exams.reopened", &[("n", n)]),
    }
    Ok(redirect(&format!("/exams/{id}")))
}

#[derive(serde::Deserialize)]
pub struct ResultsQuery {
    sort: Option<String>,
}

/// Per exam: the trainees' ranking, then every answer to each question side by side.
pub async fn results(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
    q: web::Query<ResultsQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (exam, items, submitted, answers) = ctx
        .db(move |conn| {
            let exam = exams::find(conn, id)?.ok_or(AppError::NotFound)?;
            let items = exams::items(conn, id)?;
            Ok((
                exam,
                items,
                attempts::submitted_for_exam(conn, id)?,
                attempts::submitted_answers_for_exam(conn, id)?,
            ))
        })
        .await?;
    let ranked = ranking::rank(
        submitted
            .iter()
            .map(|s| (s, s.attempt.score.unwrap_or(0.0)))
            .collect(),
    );
    let ranking: Vec<Value> = ranked
        .iter()
        .map(|r| {
            json!({
                "rank": r.rank, "tied": r.tied_with > 1, "tied_with": r.tied_with, "score": r.score,
                "name": r.item.display_name, "attempt_id": r.item.attempt.id,
                "passed": exam::passed(r.score, exam.pass_mark),
            })
        })
        .collect();
    let by_name = q.sort.as_deref() == Some("name");
    let per_question: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut rows: Vec<(String, &crate::db::attempts::Answer)> = answers
                .iter()
                .filter(|a| a.item_id == item.id)
                .filter_map(|a| submitted.iter().find(|s| s.attempt.id == a.attempt_id).map(|s| (s.display_name.clone(), a)))
                .collect();
            if by_name {
                rows.sort_by(|a, b| a.0.cmp(&b.0));
            } else {
                rows.sort_by(|a, b| b.1.score.unwrap_or(0.0).total_cmp(&a.1.score.unwrap_or(0.0)));
            }
            let rows: Vec<Value> = rows
                .iter()
                .map(|(name, a)| json!({ "name": name, "score": a.score, "body": a.body, "seconds": a.time_spent_ms / 1000 }))
                .collect();
            json!({ "item": item, "answers": rows })
        })
        .collect();
    ctx.render(
        "exams/results",
        json!({ "exam": exam, "ranking": ranking, "questions": per_question, "by_name": by_name }),
    )
}

/// A lead edits one item of a draft exam: the question and its reference
/// answers (blank lines between them).
pub async fn edit_item(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<(ExamId, ItemId)>,
) -> Result<HttpResponse, AppError> {
    let (exam, item) = path.into_inner();
    let prompt = types::parse_prompt(form.text("prompt"))?;
    let references = types::parse_references(form.text("references"))?;
    let done = ctx
        .db(move |conn| Ok(exams::edit_item(conn, exam, item, &prompt, &references)?))
        .await?;
    if !done {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "exams.wrong_status",
        ));
    }
    ctx.flash("exams.item_saved", &[]);
    Ok(redirect(&format!("/exams/{exam}")))
}
