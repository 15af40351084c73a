//! Home page, the banks page, and the lead's exam pages: build, open/close, results.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Form;
use super::pages::{ExamView, ItemView};
use super::render::{redirect, Ctx, Lead, Page};
use crate::app::{self, exams::StatusAction};
use crate::db::columns::{ExamId, ExamStatus, ItemId};
use crate::db::{attempts, exams, questions};
use crate::domain::exam;
use crate::domain::ranking;
use crate::domain::types::{self, Category, Invalid};
use crate::error::AppError;

pub async fn banks(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let loaded = ctx
        .state
        .banks
        .read()
        .map(|b| b.clone())
        .unwrap_or_default();
    let questions = ctx.db(|conn| Ok(questions::list_active(conn)?)).await?;
    ctx.render(&BanksPage {
        files: loaded.files,
        origin: loaded.origin,
        questions: questions.iter().map(QuestionLine::of).collect(),
    })
}

pub async fn new_form(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    render_new(&ctx, ExamForm::blank(), ExamFormErrors::default()).await
}

/// The exam form, blank or as it was sent, with a message beside the field
/// that was refused.
async fn render_new(
    ctx: &Ctx,
    form: ExamForm,
    errors: ExamFormErrors,
) -> Result<HttpResponse, AppError> {
    let refused = errors.any();
    let questions = ctx.db(|conn| Ok(questions::list_active(conn)?)).await?;
    let page = NewExamPage {
        questions: questions
            .iter()
            .map(|q| Pick {
                checked: form.picked.contains(&q.id),
                question: QuestionLine::of(q),
            })
            .collect(),
        categories: Category::ALL
            .iter()
            .map(|c| CategoryPick {
                key: c.key(),
                checked: form.cats.iter().any(|k| k == c.key()),
            })
            .collect(),
        form,
        errors,
    };
    if refused {
        ctx.render_refused(&page)
    } else {
        ctx.render(&page)
    }
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
    let kept = ExamForm::of(&form);
    match build(&ctx, me.id, &form).await {
        Ok(id) => {
            ctx.flash("exams.created", &[]);
            Ok(redirect(&format!("/exams/{id}")))
        }
        Err(e) => {
            let Some(message) = ctx.form_message(&e) else {
                return Err(e);
            };
            render_new(&ctx, kept, ExamFormErrors::at(&e, message)).await
        }
    }
}

/// Creates the exam the form describes: the questions ticked, or drawn at
/// random per category.
async fn build(ctx: &Ctx, me: i64, form: &Form) -> Result<ExamId, AppError> {
    let (title, limit, pass) = settings(form)?;
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
    ctx.db(move |conn| {
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
    .await
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
    ctx.render(&ExamPage {
        can_reopen: exam.status == ExamStatus::Closed && !reviewed,
        draft: exam.status == ExamStatus::Draft,
        exam: ExamView::of(&exam),
        items: items
            .iter()
            .map(|i| EditableItem {
                item: ItemView::of(i),
                references: i.references.join("\n\n"),
                bare: i.references.is_empty(),
            })
            .collect(),
        submitted,
        writing,
    })
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
    let ranking = ranked
        .iter()
        .map(|r| RankLine {
            rank: r.rank,
            tied: r.tied_with > 1,
            tied_with: r.tied_with,
            score: r.score,
            name: r.item.display_name.clone(),
            attempt_id: r.item.attempt.id,
            passed: exam::passed(r.score, exam.pass_mark),
        })
        .collect();
    let by_name = q.sort.as_deref() == Some("name");
    let per_question = items
        .iter()
        .map(|item| {
            let mut rows: Vec<(String, &crate::db::attempts::Answer)> = answers
                .iter()
                .filter(|a| a.item_id == item.id)
                .filter_map(|a| {
                    submitted
                        .iter()
                        .find(|s| s.attempt.id == a.attempt_id)
                        .map(|s| (s.display_name.clone(), a))
                })
                .collect();
            if by_name {
                rows.sort_by(|a, b| a.0.cmp(&b.0));
            } else {
                rows.sort_by(|a, b| {
                    b.1.score
                        .unwrap_or(0.0)
                        .total_cmp(&a.1.score.unwrap_or(0.0))
                });
            }
            QuestionAnswers {
                item: ItemView::of(item),
                answers: rows
                    .iter()
                    .map(|(name, a)| SideBySide {
                        name: name.clone(),
                        score: a.score,
                        body: a.body.clone(),
                        seconds: a.time_spent_ms / 1000,
                    })
                    .collect(),
            }
        })
        .collect();
    ctx.render(&ResultsPage {
        exam: ExamView::of(&exam),
        ranking,
        questions: per_question,
        by_name,
    })
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

/// A bank question in a list.
#[derive(Serialize)]
struct QuestionLine {
    id: i64,
    bank_title: String,
    scene: String,
    category: String,
    prompt: String,
}

impl QuestionLine {
    fn of(q: &questions::Question) -> QuestionLine {
        QuestionLine {
            id: q.id,
            bank_title: q.bank_title.clone(),
            scene: q.scene.clone(),
            category: q.category.clone(),
            prompt: q.prompt.clone(),
        }
    }
}

#[derive(Serialize)]
struct BanksPage {
    files: Vec<app::banks::BankFile>,
    origin: app::banks::Origin,
    questions: Vec<QuestionLine>,
}

impl Page for BanksPage {
    const TEMPLATE: &'static str = "banks";
}

#[derive(Serialize)]
struct NewExamPage {
    questions: Vec<Pick>,
    categories: Vec<CategoryPick>,
    form: ExamForm,
    errors: ExamFormErrors,
}

#[derive(Serialize)]
struct Pick {
    question: QuestionLine,
    checked: bool,
}

#[derive(Serialize)]
struct CategoryPick {
    key: &'static str,
    checked: bool,
}

/// The exam form's fields as typed, kept when it comes back with a message.
#[derive(Serialize)]
struct ExamForm {
    title: String,
    time_limit: String,
    pass_mark: String,
    random: bool,
    per_category: String,
    cats: Vec<String>,
    picked: Vec<i64>,
}

impl ExamForm {
    fn blank() -> ExamForm {
        ExamForm {
            title: String::new(),
            time_limit: "30".into(),
            pass_mark: "60".into(),
            random: false,
            per_category: "1".into(),
            cats: vec![],
            picked: vec![],
        }
    }

    fn of(form: &Form) -> ExamForm {
        ExamForm {
            title: form.text("title").to_string(),
            time_limit: form.text("time_limit").to_string(),
            pass_mark: form.text("pass_mark").to_string(),
            random: form.text("mode") == "random",
            per_category: form.text("per_category").to_string(),
            cats: form.all("cat").iter().map(|c| c.to_string()).collect(),
            picked: form
                .all("q")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
        }
    }
}

/// A message beside the field it is about.
#[derive(Serialize, Default)]
struct ExamFormErrors {
    title: Option<String>,
    time_limit: Option<String>,
    pass_mark: Option<String>,
    /// No question chosen, or one that cannot be scored.
    questions: Option<String>,
}

impl ExamFormErrors {
    fn at(error: &AppError, message: String) -> ExamFormErrors {
        let mut errors = ExamFormErrors::default();
        let slot = match error {
            AppError::Invalid(Invalid::Title) => &mut errors.title,
            AppError::Invalid(Invalid::TimeLimit { .. }) => &mut errors.time_limit,
            AppError::Invalid(Invalid::PassMark) => &mut errors.pass_mark,
            _ => &mut errors.questions,
        };
        *slot = Some(message);
        errors
    }

    fn any(&self) -> bool {
        self.title.is_some()
            || self.time_limit.is_some()
            || self.pass_mark.is_some()
            || self.questions.is_some()
    }
}

impl Page for NewExamPage {
    const TEMPLATE: &'static str = "exams/new";
}

#[derive(Serialize)]
struct ExamPage {
    exam: ExamView,
    items: Vec<EditableItem>,
    submitted: usize,
    /// Trainees still writing.
    writing: usize,
    draft: bool,
    can_reopen: bool,
}

#[derive(Serialize)]
struct EditableItem {
    item: ItemView,
    /// The references, a blank line between each.
    references: String,
    bare: bool,
}

impl Page for ExamPage {
    const TEMPLATE: &'static str = "exams/show";
}

#[derive(Serialize)]
struct ResultsPage {
    exam: ExamView,
    ranking: Vec<RankLine>,
    questions: Vec<QuestionAnswers>,
    by_name: bool,
}

#[derive(Serialize)]
struct RankLine {
    rank: usize,
    tied: bool,
    tied_with: usize,
    score: f64,
    name: String,
    attempt_id: crate::db::columns::AttemptId,
    passed: bool,
}

#[derive(Serialize)]
struct QuestionAnswers {
    item: ItemView,
    answers: Vec<SideBySide>,
}

#[derive(Serialize)]
struct SideBySide {
    name: String,
    score: Option<f64>,
    body: String,
    seconds: i64,
}

impl Page for ResultsPage {
    const TEMPLATE: &'static str = "exams/results";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    use crate::db::columns::AttemptId;
    let question = || QuestionLine {
        id: 7,
        bank_title: "售后题库".into(),
        scene: "after_sale".into(),
        category: "refund".into(),
        prompt: "退款多久到账？".into(),
    };
    for origin in [
        app::banks::Origin::Folder {
            folder: "exams".into(),
        },
        app::banks::Origin::Builtin {
            searched: "exams".into(),
        },
        app::banks::Origin::Unreadable {
            folder: "exams".into(),
            reason: "permission denied".into(),
        },
    ] {
        out.add(&BanksPage {
            files: vec![app::banks::BankFile {
                file: "after_sale.toml".into(),
                slug: Some("after_sale".into()),
                title: Some("售后题库".into()),
                questions: 12,
                problems: vec!["line 3: prompt is empty".into()],
                bank: None,
            }],
            origin,
            questions: vec![question()],
        });
    }
    for errors in [
        ExamFormErrors::default(),
        ExamFormErrors {
            title: Some("标题不能为空".into()),
            time_limit: Some("1–480 分钟".into()),
            pass_mark: Some("0–100".into()),
            questions: Some("至少选一道题".into()),
        },
    ] {
        out.add(&NewExamPage {
            questions: vec![Pick {
                question: question(),
                checked: true,
            }],
            categories: vec![CategoryPick {
                key: "refund",
                checked: true,
            }],
            form: ExamForm::blank(),
            errors,
        });
    }
    for draft in [true, false] {
        out.add(&ExamPage {
            exam: ExamView::sample(),
            items: vec![EditableItem {
                item: ItemView::sample(),
                references: "亲，退款一般1-3个工作日到账。".into(),
                bare: true,
            }],
            submitted: 3,
            writing: 1,
            draft,
            can_reopen: !draft,
        });
    }
    out.add(&ResultsPage {
        exam: ExamView::sample(),
        ranking: vec![RankLine {
            rank: 1,
            tied: true,
            tied_with: 2,
            score: 80.0,
            name: "王芳".into(),
            attempt_id: AttemptId(4),
            passed: true,
        }],
        questions: vec![QuestionAnswers {
            item: ItemView::sample(),
            answers: vec![SideBySide {
                name: "王芳".into(),
                score: Some(80.0),
                body: "亲，已为您加急处理。".into(),
                seconds: 40,
            }],
        }],
        by_name: false,
    });
}
