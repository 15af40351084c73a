//! The team's weekly review (`/weekly`, leads): one printable page for a week
//! (this week by default): the mean against last week, what improved, the
//! three weakest points, each rubric criterion, and the questions the team
//! scored worst on with a button that drafts the next exam from them; also
//! as CSV (`/weekly.csv`).

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::digest::WeekQuery;
use super::export::csv_file;
use super::render::{Ctx, Lead, Page};
use crate::app::weekly::{self, Weekly};
use crate::domain::mining::mine::monday_of;
use crate::error::AppError;

async fn load(ctx: &Ctx, q: &WeekQuery) -> Result<Weekly, AppError> {
    let day = q.day()?.unwrap_or_else(crate::app::cohorts::today);
    let monday = monday_of(day);
    ctx.db(move |conn| Ok(weekly::load(conn, monday)?)).await
}

pub async fn show(
    Lead { ctx, .. }: Lead,
    q: web::Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    let data = load(&ctx, &q).await?;
    let title = ctx.state.catalog.format(
        ctx.lang,
        "weekly.exam_title",
        &[("week", data.week.to_string())],
    );
    ctx.render(&WeeklyPage::of(&data, &|k| ctx.t(k), title))
}

pub async fn csv(
    Lead { ctx, .. }: Lead,
    q: web::Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    let data = load(&ctx, &q).await?;
    let header: Vec<String> = ["week", "kind", "name", "value", "before", "answers"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    let week = data.week.to_string();
    let row = |kind: &str, name: String, value: f64, before: Option<f64>, n: Option<usize>| {
        vec![
            week.clone(),
            kind.to_string(),
            name,
            format!("{value:.3}"),
            before.map_or_else(String::new, |b| format!("{b:.3}")),
            n.map_or_else(String::new, |n| n.to_string()),
        ]
    };
    let mut rows = Vec::new();
    if let Some(mean) = data.mean {
        rows.push(row(
            "mean",
            String::new(),
            mean,
            data.previous_mean,
            Some(data.answers),
        ));
    }
    for (c, now, was) in &data.improved {
        rows.push(row(
            "improved",
            ctx.t(&format!("category.{c}")),
            *now,
            Some(*was),
            None,
        ));
    }
    for (c, mean, n) in &data.weakest {
        rows.push(row(
            "weakest",
            ctx.t(&format!("category.{c}")),
            *mean,
            None,
            Some(*n),
        ));
    }
    for (c, share, was) in &data.criteria {
        rows.push(row(
            "criterion",
            ctx.t(&format!("check.{}", c.key())),
            *share,
            *was,
            None,
        ));
    }
    for (_, prompt, mean, n) in &data.suggested {
        rows.push(row("worst_question", prompt.clone(), *mean, None, Some(*n)));
    }
    for (agent, missed) in crate::app::service::by_agent(&data.missed) {
        rows.push(row(
            "missed_promises",
            agent,
            missed.len() as f64,
            None,
            None,
        ));
    }
    csv_file(&format!("weekly-{week}.csv"), &header, &rows)
}

#[derive(Serialize)]
pub(super) struct WeeklyPage {
    week: String,
    previous_week: String,
    next_week: String,
    answers: usize,
    mean: Option<String>,
    previous_mean: Option<String>,
    rose: bool,
    improved: Vec<(String, String, String)>,
    weakest: Vec<(String, String, usize)>,
    criteria: Vec<(String, String, Option<String>)>,
    suggested: Vec<(i64, String, String, usize)>,
    exam_title: String,
    /// Promises nobody ticked as kept: (agent, how many, the first few).
    missed: Vec<(String, usize, Vec<MissedLine>)>,
}

#[derive(Serialize)]
struct MissedLine {
    day: String,
    conversation: String,
    text: String,
}

/// Missed promises listed per agent on the page.
const MISSED_SHOWN: usize = 3;

fn one(x: f64) -> String {
    format!("{x:.1}")
}

fn percent(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

impl WeeklyPage {
    fn of(d: &Weekly, t: &dyn Fn(&str) -> String, exam_title: String) -> WeeklyPage {
        let category = |c: &str| t(&format!("category.{c}"));
        WeeklyPage {
            week: d.week.to_string(),
            previous_week: (d.week - chrono::Days::new(7)).to_string(),
            next_week: (d.week + chrono::Days::new(7)).to_string(),
            answers: d.answers,
            mean: d.mean.map(one),
            previous_mean: d.previous_mean.map(one),
            rose: matches!((d.mean, d.previous_mean), (Some(a), Some(b)) if a > b),
            improved: d
                .improved
                .iter()
                .map(|(c, now, was)| (category(c), one(*now), one(*was)))
                .collect(),
            weakest: d
                .weakest
                .iter()
                .map(|(c, m, n)| (category(c), one(*m), *n))
                .collect(),
            criteria: d
                .criteria
                .iter()
                .map(|(c, s, was)| {
                    (
                        t(&format!("check.{}", c.key())),
                        percent(*s),
                        was.map(percent),
                    )
                })
                .collect(),
            suggested: d
                .suggested
                .iter()
                .map(|(id, prompt, mean, n)| (*id, prompt.clone(), one(*mean), *n))
                .collect(),
            exam_title,
            missed: crate::app::service::by_agent(&d.missed)
                .into_iter()
                .map(|(agent, list)| {
                    let shown = list
                        .iter()
                        .take(MISSED_SHOWN)
                        .map(|p| MissedLine {
                            day: p.day.clone(),
                            conversation: p.conversation.clone(),
                            text: p.text.clone(),
                        })
                        .collect();
                    (agent, list.len(), shown)
                })
                .collect(),
        }
    }
}

impl Page for WeeklyPage {
    const TEMPLATE: &'static str = "weekly";
    const TITLE: &'static str = "weekly.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let week = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
    let full = Weekly {
        week,
        answers: 40,
        mean: Some(71.5),
        previous_mean: Some(64.0),
        improved: vec![("refund".into(), 70.0, 55.0)],
        weakest: vec![("price".into(), 48.0, 12)],
        criteria: vec![(crate::domain::rubric::Check::TimePromise, 0.4, Some(0.3))],
        suggested: vec![(3, "能便宜点吗？".into(), 41.0, 9)],
        missed: vec![crate::db::service::PromiseRow {
            id: 1,
            import_id: 1,
            conversation: "c00042".into(),
            agent: Some("刘洋".into()),
            said_at: 0,
            day: "2026-11-30".into(),
            text: "明天上午给您回复 <b>".into(),
            words: "明天上午".into(),
            kept_by: None,
            kept_at: None,
        }],
    };
    out.add(&WeeklyPage::of(&full, &|k| k.to_string(), "复习".into()));
    let quiet = Weekly {
        week,
        answers: 0,
        mean: None,
        previous_mean: None,
        improved: vec![],
        weakest: vec![],
        criteria: vec![],
        suggested: vec![],
        missed: vec![],
    };
    out.add(&WeeklyPage::of(&quiet, &|k| k.to_string(), "复习".into()));
}
