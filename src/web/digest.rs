//! The weekly digest per department (`/digest`, leads): for the week asked
//! (the latest with chats by default), each department's most asked question
//! groups with last week's count beside them and customers' own wordings;
//! printable, and as CSV (`/digest.csv`).

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::export::csv_file;
use super::render::{Ctx, Lead, Page};
use crate::app::digest::{self, Weekly};
use crate::domain::types::Invalid;
use crate::error::AppError;

/// `?week=YYYY-MM-DD`: any day of the week wanted (the digest and the weekly
/// review read it alike).
#[derive(Deserialize)]
pub struct WeekQuery {
    week: Option<String>,
}

impl WeekQuery {
    /// The day given, None when none is; a day not written YYYY-MM-DD is refused.
    pub(super) fn day(&self) -> Result<Option<NaiveDate>, AppError> {
        match self
            .week
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            None => Ok(None),
            Some(w) => parse_day(w).map(Some),
        }
    }
}

/// A day as forms and links write it (YYYY-MM-DD).
pub(super) fn parse_day(text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| Invalid::Day.into())
}

async fn load(ctx: &Ctx, q: &WeekQuery) -> Result<Weekly, AppError> {
    let day = q.day()?;
    ctx.db(move |conn| Ok(digest::load(conn, day)?)).await
}

pub async fn show(
    Lead { ctx, .. }: Lead,
    q: web::Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    let weekly = load(&ctx, &q).await?;
    ctx.render(&DigestPage::of(&weekly, &|k| ctx.t(k)))
}

pub async fn csv(
    Lead { ctx, .. }: Lead,
    q: web::Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    let weekly = load(&ctx, &q).await?;
    let week = weekly.week.map_or_else(String::new, |w| w.to_string());
    let header: Vec<String> = [
        "week",
        "department",
        "group",
        "this_week",
        "last_week",
        "change",
        "examples",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let rows: Vec<Vec<String>> = weekly
        .digests
        .iter()
        .flat_map(|d| {
            let department = ctx.t(&format!("department.{}", d.department));
            let week = week.clone();
            let examples = &weekly.examples;
            d.entries.iter().map(move |e| {
                vec![
                    week.clone(),
                    department.clone(),
                    e.name.clone(),
                    e.this_week.to_string(),
                    e.last_week.to_string(),
                    e.change().to_string(),
                    examples
                        .get(&e.group)
                        .map_or_else(String::new, |x| x.join(" / ")),
                ]
            })
        })
        .collect();
    csv_file(&format!("digest-{week}.csv"), &header, &rows)
}

#[derive(Serialize)]
pub(super) struct DigestPage {
    week: Option<String>,
    weeks: Vec<String>,
    departments: Vec<Department>,
}

#[derive(Serialize)]
struct Department {
    key: String,
    name: String,
    this_week: i64,
    last_week: i64,
    entries: Vec<Line>,
}

#[derive(Serialize)]
struct Line {
    group: i64,
    name: String,
    this_week: i64,
    last_week: i64,
    /// "+5", "-3" or "0".
    change: String,
    rising: bool,
    examples: Vec<String>,
}

impl DigestPage {
    fn of(w: &Weekly, t: &dyn Fn(&str) -> String) -> DigestPage {
        DigestPage {
            week: w.week.map(|d| d.to_string()),
            weeks: w.weeks.iter().map(NaiveDate::to_string).collect(),
            departments: w
                .digests
                .iter()
                .map(|d| Department {
                    key: d.department.clone(),
                    name: t(&format!("department.{}", d.department)),
                    this_week: d.this_week,
                    last_week: d.last_week,
                    entries: d
                        .entries
                        .iter()
                        .map(|e| Line {
                            group: e.group,
                            name: e.name.clone(),
                            this_week: e.this_week,
                            last_week: e.last_week,
                            change: match e.change() {
                                c if c > 0 => format!("+{c}"),
                                c => c.to_string(),
                            },
                            rising: e.change() > 0,
                            examples: w.examples.get(&e.group).cloned().unwrap_or_default(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl Page for DigestPage {
    const TEMPLATE: &'static str = "digest";
    const TITLE: &'static str = "digest.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    use crate::domain::digest::{Digest, Entry};
    let week = NaiveDate::from_ymd_opt(2026, 11, 30);
    let weekly = Weekly {
        week,
        weeks: week.into_iter().collect(),
        digests: vec![Digest {
            department: "logistics".into(),
            entries: vec![Entry {
                group: 1,
                name: "快递怎么还没到".into(),
                this_week: 40,
                last_week: 25,
            }],
            this_week: 40,
            last_week: 25,
        }],
        examples: [(1, vec!["我的快递怎么还没到".to_string()])]
            .into_iter()
            .collect(),
    };
    out.add(&DigestPage::of(&weekly, &|k| k.to_string()));
    let none = Weekly {
        week: None,
        weeks: vec![],
        digests: vec![],
        examples: Default::default(),
    };
    out.add(&DigestPage::of(&none, &|k| k.to_string()));
}
