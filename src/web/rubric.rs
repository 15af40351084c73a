//! The team's review rubric: a lead sets each criterion's weight and whether
//! it is critical. A version already used to mark answers is never rewritten;
//! the edit becomes a new version, and rounds keep the one they started with.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;

use super::auth::Form;
use super::render::{local_time, redirect, Lead, Page};
use crate::app::review::current_rubric;
use crate::db::{self, review};
use crate::domain::review::criteria::{self, EditError, Rubric, MAX_WEIGHT};
use crate::error::AppError;

pub async fn show(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let (current, versions, users) = ctx
        .db(|conn| {
            Ok((
                current_rubric(conn)?,
                review::rubrics(conn)?,
                db::users::list(conn)?,
            ))
        })
        .await?;
    let rows = Rubric::default()
        .criteria
        .iter()
        .map(|known| {
            let now = current.criteria.iter().find(|c| c.key == known.key);
            CriterionRow {
                key: known.key.clone(),
                label: format!("review.criterion.{}", known.key),
                weight: now.map_or(0, |c| c.weight.round() as i64),
                critical: now.is_some_and(|c| c.critical),
            }
        })
        .collect();
    let history = versions
        .iter()
        .map(|v| VersionLine {
            version: v.version,
            by: db::users::name_of(&users, v.created_by),
            when: local_time(v.created_at),
        })
        .collect();
    ctx.render(&RubricPage {
        version: current.version,
        rows,
        history,
        max: MAX_WEIGHT,
    })
}

/// Saves the lead's edit: in place while nobody has marked with the current
/// version, as the next version once someone has.
pub async fn save(Lead { ctx, me }: Lead, form: Form) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let wanted: Vec<(String, i64, bool)> = Rubric::default()
        .criteria
        .iter()
        .map(|c| {
            let weight = form
                .int(&format!("weight_{}", c.key), bad_rubric())
                .unwrap_or(-1);
            (
                c.key.clone(),
                weight,
                form.checked(&format!("critical_{}", c.key)),
            )
        })
        .collect();
    let edited = criteria::edit(&wanted).map_err(|e| match e {
        EditError::Empty => AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "rubric.empty"),
        EditError::Weight | EditError::Unknown(_) => bad_rubric(),
    })?;
    let version = ctx
        .db(move |conn| {
            let current = current_rubric(conn)?;
            let used = review::rubric_in_use(conn, current.version)?;
            let revised = criteria::revise(&current, edited, used);
            if revised != current {
                review::save_rubric(conn, revised.version as i32, &revised, me, db::now_ms())?;
            }
            Ok(revised.version)
        })
        .await?;
    ctx.flash("rubric.saved", &[("version", version.to_string())]);
    Ok(redirect("/rubric"))
}

fn bad_rubric() -> AppError {
    AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "rubric.bad_weight")
}

#[derive(Serialize)]
struct RubricPage {
    version: u32,
    rows: Vec<CriterionRow>,
    history: Vec<VersionLine>,
    /// The largest weight a criterion may have.
    max: i64,
}

#[derive(Serialize)]
struct CriterionRow {
    key: String,
    /// Message key of its name.
    label: String,
    weight: i64,
    critical: bool,
}

#[derive(Serialize)]
struct VersionLine {
    version: i32,
    by: String,
    when: String,
}

impl Page for RubricPage {
    const TEMPLATE: &'static str = "rubric/edit";
    const TITLE: &'static str = "rubric.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    out.add(&RubricPage {
        version: 2,
        rows: vec![CriterionRow {
            key: "empathy".into(),
            label: "review.criterion.empathy".into(),
            weight: 20,
            critical: true,
        }],
        history: vec![VersionLine {
            version: 1,
            by: "李娜".into(),
            when: "2026-11-30 10:00".into(),
        }],
        max: MAX_WEIGHT,
    });
}
