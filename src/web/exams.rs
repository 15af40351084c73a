//! Home page, the banks page, and the lead's exam pages: build, open/close, results.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Form;

mod draft;
mod form;
use super::pages::{ExamView, ItemView};
use super::render::{redirect, Ctx, FormRefusal, Lead, Page};
use crate::app::{self, exams::StatusAction};
use crate::db::columns::{AttemptId, ExamId, ExamStatus, ItemId};
use crate::db::{attempts, exams, questions};
use crate::domain::exam;
use crate::domain::ranking;
use crate::domain::types::{self, Category, Invalid};
use crate::error::AppError;
pub use draft::{delete, save};
pub use form::{create, new_form, settings};

pub async fn banks(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let loaded = ctx.state.loaded_banks();
    let questions = ctx.db(|conn| Ok(questions::list_active(conn)?)).await?;
    ctx.render(&BanksPage {
        files: loaded.files,
        origin: loaded.origin,
        questions: questions.iter().map(QuestionLine::of).collect(),
    })
}

pub async fn show(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    show_exam(&ctx, path.into_inner(), None).await
}

/// A refused form of the exam page: the message, and for the draft editor
/// everything typed in it.
type ExamRefusal = (FormRefusal, Option<draft::Typed>);

async fn show_exam(
    ctx: &Ctx,
    id: ExamId,
    refused: Option<ExamRefusal>,
) -> Result<HttpResponse, AppError> {
    let (exam, items, submitted, writing, reviewed, bank) = ctx
        .db(move |conn| {
            let exam = exams::find(conn, id)?.ok_or(AppError::NotFound)?;
            let bank = if exam.status == ExamStatus::Draft {
                questions::list_active(conn)?
            } else {
                vec![]
            };
            Ok((
                exam,
                exams::items(conn, id)?,
                attempts::submitted_for_exam(conn, id)?.len(),
                attempts::in_progress(conn, id)?.len(),
                crate::db::review::round_for_exam(conn, id)?.is_some(),
                bank,
            ))
        })
        .await?;
    let (refusal, typed) = match refused {
        Some((refusal, typed)) => (Some(refusal), typed),
        None => (None, None),
    };
    let page = ExamPage {
        can_reopen: exam.status == ExamStatus::Closed && !reviewed,
        draft: exam.status == ExamStatus::Draft,
        settings: typed
            .as_ref()
            .map_or_else(|| draft::Settings::of(&exam), |t| t.settings.clone()),
        settings_error: typed.as_ref().and_then(|t| t.settings_error.clone()),
        exam: ExamView::of(&exam),
        items: draft::editable(&items, typed.as_ref()),
        addable: draft::addable(&bank, &items, typed.as_ref()),
        submitted,
        writing,
        error: refusal.as_ref().map(|r| r.message.clone()),
    };
    match refusal {
        Some(r) => ctx.render_refused(&page, r.status),
        None => ctx.render(&page),
    }
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
        .await;
    let changed = match changed {
        Ok(changed) => changed,
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            return show_exam(&ctx, id, Some((refused, None))).await;
        }
    };
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

/// An exam with its items and every submitted attempt and answer: what its
/// results page and its CSV export show.
pub(super) struct Submissions {
    pub exam: exams::ExamRow,
    pub items: Vec<exams::Item>,
    pub submitted: Vec<attempts::Submitted>,
    pub answers: Vec<attempts::Answer>,
    /// Final scores of attempts a review round has scored.
    pub finals: std::collections::HashMap<AttemptId, f64>,
}

impl Submissions {
    /// Attempts ranked on their final score, or the automatic one before
    /// any review.
    pub fn ranked(&self) -> Vec<ranking::Ranked<&attempts::Submitted>> {
        ranking::rank(
            self.submitted
                .iter()
                .map(|s| (s, self.counted(s.attempt.id, s.attempt.score)))
                .collect(),
        )
    }

    /// The score an attempt counts with: final once reviewed, else automatic.
    pub fn counted(&self, attempt: AttemptId, automatic: Option<f64>) -> f64 {
        self.finals
            .get(&attempt)
            .copied()
            .or(automatic)
            .unwrap_or(0.0)
    }
}

pub(super) async fn submissions(ctx: &Ctx, id: ExamId) -> Result<Submissions, AppError> {
    let state = ctx.state.clone();
    ctx.db(move |conn| {
        let exam = exams::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok(Submissions {
            exam,
            items: exams::items(conn, id)?,
            submitted: attempts::submitted_for_exam(conn, id)?,
            answers: attempts::submitted_answers_for_exam(conn, id)?,
            finals: state.finals.of_attempts(conn, &[id])?,
        })
    })
    .await
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
    let found = submissions(&ctx, path.into_inner()).await?;
    let ranking = found
        .ranked()
        .iter()
        .map(|r| RankLine {
            rank: r.rank,
            tied: r.tied_with > 1,
            tied_with: r.tied_with,
            final_score: found.finals.get(&r.item.attempt.id).copied(),
            automatic: r.item.attempt.score.unwrap_or(0.0),
            name: r.item.display_name.clone(),
            attempt_id: r.item.attempt.id,
            passed: exam::passed(r.score, found.exam.pass_mark),
        })
        .collect();
    let Submissions {
        exam,
        items,
        submitted,
        answers,
        ..
    } = found;
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
    const TITLE: &'static str = "banks.title";
}

#[derive(Serialize)]
struct ExamPage {
    exam: ExamView,
    /// The draft editor's settings, as stored or as typed.
    settings: draft::Settings,
    settings_error: Option<String>,
    items: Vec<EditableItem>,
    /// Bank questions a draft may add.
    addable: Vec<draft::Addable>,
    submitted: usize,
    /// Trainees still writing.
    writing: usize,
    draft: bool,
    can_reopen: bool,
    /// Why a form of the page was refused.
    error: Option<String>,
}

#[derive(Serialize)]
struct EditableItem {
    item: ItemView,
    /// Where the lead wants it, as typed.
    order: String,
    /// The references, a blank line between each.
    references: String,
    /// What a complete answer must say (`domain::keypoints`), one per line.
    key_points: String,
    /// Key points proposed from the stored references.
    proposed: Vec<String>,
    bare: bool,
    /// Ticked for removal.
    removed: bool,
    /// Why this item was refused (what was typed is kept above).
    error: Option<String>,
}

impl Page for ExamPage {
    const TEMPLATE: &'static str = "exams/show";
    const TITLE: &'static str = "exams.items";
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
    /// Once a review round scored the attempt; ranked on it then.
    final_score: Option<f64>,
    automatic: f64,
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
    const TITLE: &'static str = "exams.results";
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
    form::samples(out, question);
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
    for draft in [true, false] {
        out.add(&ExamPage {
            exam: ExamView::sample(),
            settings: draft::Settings {
                title: "售后".into(),
                time_limit: "30".into(),
                pass_mark: "60".into(),
            },
            settings_error: Some("及格分须为 0–100".into()),
            items: vec![EditableItem {
                item: ItemView::sample(),
                order: "1".into(),
                references: "亲，退款一般1-3个工作日到账。".into(),
                key_points: "1-3个工作日".into(),
                proposed: vec!["1-3个工作日".into()],
                bare: true,
                removed: true,
                error: Some("问题不能为空".into()),
            }],
            addable: vec![draft::sample_addable()],
            submitted: 3,
            writing: 1,
            draft,
            can_reopen: !draft,
            error: Some("第 1 题还没有参考答案".into()),
        });
    }
    out.add(&ResultsPage {
        exam: ExamView::sample(),
        ranking: [Some(0.0), None]
            .into_iter()
            .map(|final_score| RankLine {
                rank: 1,
                tied: true,
                tied_with: 2,
                final_score,
                automatic: 80.0,
                name: "王芳".into(),
                attempt_id: AttemptId(4),
                passed: true,
            })
            .collect(),
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
