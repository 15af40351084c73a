//! The cohorts page: every cohort, and the form that creates one.

use serde::Serialize;

use super::{cohorts, title, Ctx, Page, Typed};
use crate::db::cohorts::CohortRow;
use crate::db::users::User;
use crate::domain::program::Program;
use crate::domain::types::Role;
use crate::error::AppError;

#[derive(Serialize)]
pub(in crate::web) struct CohortsPage {
    cohorts: Vec<CohortLine>,
    programs: Vec<Choice>,
    trainees: Vec<Pick>,
    form: Typed,
    pub(super) error: Option<String>,
}

#[derive(Serialize)]
struct CohortLine {
    id: i64,
    name: String,
    program: String,
    starts_on: String,
    members: i64,
}

#[derive(Serialize)]
struct Choice {
    slug: String,
    title: String,
}

/// A trainee to tick, with the cohort they follow now, if any.
#[derive(Serialize)]
pub(super) struct Pick {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) username: String,
    pub(super) cohort: Option<String>,
    pub(super) checked: bool,
}

impl CohortsPage {
    pub(super) async fn load(ctx: &Ctx, mut form: Typed) -> Result<CohortsPage, AppError> {
        let (rows, sizes, users, enrolled) = ctx
            .db(|conn| {
                use crate::db::cohorts as c;
                Ok((
                    c::list(conn)?,
                    c::sizes(conn)?,
                    crate::db::users::list(conn)?,
                    c::enrolled(conn)?,
                ))
            })
            .await?;
        if form.starts_on.is_empty() {
            form.starts_on = cohorts::today().to_string();
        }
        let loaded = ctx.state.loaded_banks();
        let programs: Vec<&Program> = loaded
            .programs
            .iter()
            .filter_map(|f| f.program.as_ref())
            .collect();
        Ok(CohortsPage::of(
            &rows,
            &sizes,
            &users,
            &enrolled,
            &programs,
            form,
            ctx.lang == "en",
        ))
    }

    pub(super) fn of(
        rows: &[CohortRow],
        sizes: &[(i64, i64)],
        users: &[User],
        enrolled: &[(i64, i64)],
        programs: &[&Program],
        form: Typed,
        english: bool,
    ) -> CohortsPage {
        let cohort_name = |id: i64| rows.iter().find(|r| r.id == id).map(|r| r.name.clone());
        CohortsPage {
            cohorts: rows
                .iter()
                .map(|r| CohortLine {
                    id: r.id,
                    name: r.name.clone(),
                    program: r
                        .plan()
                        .map_or_else(|_| r.program_slug.clone(), |p| title(&p, english)),
                    starts_on: r.starts_on.clone(),
                    members: sizes
                        .iter()
                        .find(|(c, _)| *c == r.id)
                        .map_or(0, |(_, n)| *n),
                })
                .collect(),
            programs: programs
                .iter()
                .map(|p| Choice {
                    slug: p.slug.clone(),
                    title: title(p, english),
                })
                .collect(),
            trainees: users
                .iter()
                .filter(|u| u.role == Role::Trainee && u.active)
                .map(|u| Pick {
                    id: u.id,
                    name: u.display_name.clone(),
                    username: u.username.clone(),
                    cohort: enrolled
                        .iter()
                        .find(|(user, _)| *user == u.id)
                        .and_then(|(_, c)| cohort_name(*c)),
                    checked: form.members.contains(&u.id),
                })
                .collect(),
            form,
            error: None,
        }
    }
}

impl Page for CohortsPage {
    const TEMPLATE: &'static str = "cohorts/list";
    const TITLE: &'static str = "cohorts.title";
}
