//! Cohorts of new hires (`/cohorts`, leads): create one on a program with a
//! start date and its members, see who is where and who is behind, enrol or
//! remove members, and open a week early for one of them with a reason. A new
//! hire's own path is on their home page (`path::MyPath`).

mod board;
mod list;
mod path;

#[cfg(test)]
pub(super) use path::sample_board;
pub(super) use path::MyPath;

use board::CohortPage;
use list::CohortsPage;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Form;
use super::programs::in_language;
use super::render::{redirect, Ctx, Lead, Page};
use crate::app::cohorts::{self, NewCohort, Sat};
use crate::domain::curriculum::Status;
use crate::domain::program::Program;
use crate::error::AppError;

pub async fn list(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let page = CohortsPage::load(&ctx, Typed::default()).await?;
    ctx.render(&page)
}

/// A lead creates a cohort; refused, the form comes back as typed.
pub async fn create(Lead { ctx, me }: Lead, form: Form) -> Result<HttpResponse, AppError> {
    let typed = Typed {
        name: form.text("name").to_string(),
        program: form.text("program").to_string(),
        starts_on: form.text("starts_on").to_string(),
        members: ids(&form.all("member"))?,
    };
    let loaded = ctx.state.loaded_banks();
    let Some(program) = loaded
        .programs
        .iter()
        .filter_map(|f| f.program.as_ref())
        .find(|p| p.slug == typed.program)
        .cloned()
    else {
        return refuse(
            &ctx,
            typed,
            AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "cohorts.no_program"),
        )
        .await;
    };
    let (catalog, lang, name) = (
        ctx.state.catalog.clone(),
        ctx.lang,
        typed.name.trim().to_string(),
    );
    let (starts_on, members) = (typed.starts_on.clone(), typed.members.clone());
    let created = ctx
        .db(move |conn| {
            let title = |week: usize, bank: &str| {
                let args = [
                    ("cohort", name.clone()),
                    ("week", (week + 1).to_string()),
                    ("bank", bank.to_string()),
                ];
                catalog.format(lang, "cohorts.exam_title", &args)
            };
            let new = NewCohort {
                name: &name,
                program: &program,
                starts_on: &starts_on,
                members: &members,
                by: me.id,
            };
            Ok(cohorts::create(
                conn,
                &new,
                cohorts::today(),
                &title,
                crate::db::now_ms(),
            )?)
        })
        .await;
    match created {
        Ok(id) => {
            ctx.flash("cohorts.created", &[]);
            Ok(redirect(&format!("/cohorts/{id}")))
        }
        Err(e) => refuse(&ctx, typed, e).await,
    }
}

async fn refuse(ctx: &Ctx, typed: Typed, error: AppError) -> Result<HttpResponse, AppError> {
    let Some(refusal) = ctx.form_message(&error) else {
        return Err(error);
    };
    let mut page = CohortsPage::load(ctx, typed).await?;
    page.error = Some(refusal.message);
    ctx.render_refused(&page, refusal.status)
}

fn ids(values: &[&str]) -> Result<Vec<i64>, AppError> {
    values
        .iter()
        .map(|v| v.trim().parse().map_err(|_| AppError::bad_request()))
        .collect()
}

pub async fn show(Lead { ctx, .. }: Lead, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let state = ctx.state.clone();
    let (board, users) = ctx
        .db(move |conn| {
            let board = cohorts::board(conn, &state.finals, id, cohorts::today())?;
            Ok((board, crate::db::users::list(conn)?))
        })
        .await?;
    ctx.render(&CohortPage::of(&board, &users, ctx.lang == "en"))
}

pub async fn enrol(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let members = ids(&form.all("member"))?;
    ctx.db(move |conn| {
        Ok(cohorts::enrol(
            conn,
            id,
            &members,
            me.id,
            crate::db::now_ms(),
        )?)
    })
    .await?;
    ctx.flash("cohorts.enrolled", &[]);
    Ok(redirect(&format!("/cohorts/{id}")))
}

pub async fn unenrol(
    Lead { ctx, .. }: Lead,
    _form: Form,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, user) = path.into_inner();
    ctx.db(move |conn| Ok(cohorts::unenrol(conn, id, user)?))
        .await?;
    ctx.flash("cohorts.removed", &[]);
    Ok(redirect(&format!("/cohorts/{id}")))
}

/// A lead opens a week early for one member; the reason is required and kept.
pub async fn grant(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let user = form.int("user", AppError::bad_request())?;
    let week = usize::try_from(form.int("week", AppError::bad_request())?)
        .map_err(|_| AppError::bad_request())?;
    let reason = form.text("reason").to_string();
    ctx.db(move |conn| {
        Ok(cohorts::grant(
            conn,
            id,
            user,
            week,
            &reason,
            me.id,
            crate::db::now_ms(),
        )?)
    })
    .await?;
    ctx.flash("cohorts.granted", &[("week", week.to_string())]);
    Ok(redirect(&format!("/cohorts/{id}#exceptions")))
}

/// What the create form was sent with.
#[derive(Default, Serialize)]
struct Typed {
    name: String,
    program: String,
    starts_on: String,
    members: Vec<i64>,
}

fn title(p: &Program, english: bool) -> String {
    in_language(&p.title, p.title_en.as_ref(), english)
}

fn week_title(p: &Program, week: usize, english: bool) -> String {
    p.weeks.get(week).map_or_else(String::new, |w| {
        in_language(&w.title, w.title_en.as_ref(), english)
    })
}

#[derive(Serialize)]
struct ScoreCell {
    score: Option<String>,
    pass: i32,
    passed: bool,
    attempt: Option<i64>,
}

impl ScoreCell {
    fn of(s: &Sat) -> ScoreCell {
        ScoreCell {
            score: s.score.map(|v| format!("{v:.1}")),
            pass: s.exam.pass_mark,
            passed: s
                .score
                .is_some_and(|v| crate::domain::exam::passed(v, s.exam.pass_mark)),
            attempt: s.attempt.as_ref().map(|a| a.id.get()),
        }
    }
}

fn status_key(s: Status) -> &'static str {
    match s {
        Status::Locked => "locked",
        Status::Open => "open",
        Status::Passed => "passed",
    }
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let board = sample_board();
    let users: Vec<crate::db::users::User> = board.paths.iter().map(|p| p.user.clone()).collect();
    out.add(&CohortPage::of(&board, &users, false));
    out.add(&CohortPage::of(&board, &users, true));
    let rows = [board.cohort.clone()];
    let program = board.plan.clone();
    let mut page = CohortsPage::of(
        &rows,
        &[(1, 1)],
        &users,
        &[(7, 1)],
        &[&program],
        Typed::default(),
        false,
    );
    page.error = Some("名称需为 1–60 个字符".into());
    out.add(&page);
    out.add(&CohortsPage::of(
        &[],
        &[],
        &[],
        &[],
        &[],
        Typed::default(),
        true,
    ));
}
