//! Service figures on the dashboard (with the method written beside them)
//! and the daily promise checklist (`/promises`): agents tick their own
//! promises as kept; leads see and tick everyone's.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::auth::Form;
use super::digest::parse_day;
use super::render::{local_time, redirect, Page, Trainee};
use crate::app::service::{self, Figures};
use crate::db::service::PromiseRow;
use crate::domain::chart;
use crate::domain::service::Tally;
use crate::domain::types::Role;
use crate::error::AppError;

/// One line of figures as the page shows them.
#[derive(Serialize)]
pub(super) struct FigureLine {
    name: String,
    conversations: i64,
    first: String,
    art: String,
    aht: String,
    fcr: String,
    csat: String,
    nps: String,
    /// ART the week before, when there was one.
    art_before: Option<String>,
}

/// Seconds as m:ss (h:mm:ss past an hour); "—" for none.
fn clock(seconds: Option<f64>) -> String {
    let Some(s) = seconds else {
        return "—".into();
    };
    let s = s.round() as i64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

fn percent(share: Option<f64>) -> String {
    share.map_or("—".into(), |s| format!("{:.0}%", 100.0 * s))
}

impl FigureLine {
    fn of(name: String, t: &Tally, before: Option<&Tally>) -> FigureLine {
        FigureLine {
            name,
            conversations: t.conversations,
            first: clock(t.first_response()),
            art: clock(t.average_response()),
            aht: clock(t.handling()),
            fcr: percent(t.resolved()),
            csat: percent(t.csat_share()),
            nps: t.net_promoter().map_or("—".into(), |n| format!("{n:+.0}")),
            art_before: before.map(|b| clock(b.average_response())),
        }
    }
}

#[derive(Serialize)]
pub(super) struct ServiceBox {
    week: String,
    agents: Vec<FigureLine>,
    weeks: Vec<FigureLine>,
    /// Each agent's ART in the latest week, as bars.
    chart: String,
}

impl ServiceBox {
    pub(super) fn of(f: &Figures, t: &dyn Fn(&str) -> String) -> Option<ServiceBox> {
        let week = f.latest()?.to_string();
        Some(ServiceBox {
            agents: f
                .agents
                .iter()
                .map(|(a, now, before)| FigureLine::of(a.clone(), now, before.as_ref()))
                .collect(),
            weeks: f
                .weeks
                .iter()
                .map(|(w, tally)| FigureLine::of(w.clone(), tally, None))
                .collect(),
            chart: chart::bars(
                &t("service.art_chart"),
                &f.agents
                    .iter()
                    .map(|(a, now, _)| (a.clone(), now.average_response().unwrap_or(0.0)))
                    .collect::<Vec<_>>(),
                None,
            ),
            week,
        })
    }
}

/// The dashboard's service CSV: every agent-week of the weeks shown.
pub(super) fn csv_rows(f: &Figures) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let num = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.1}"));
    let share = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.3}"));
    let header = vec![
        "week",
        "agent",
        "conversations",
        "first_response_s",
        "art_s",
        "aht_s",
        "fcr",
        "csat_share",
        "csat_ratings",
        "nps",
        "nps_ratings",
    ];
    let rows = f
        .rows
        .iter()
        .map(|r| {
            let t = &r.tally;
            vec![
                r.week.clone(),
                r.agent.clone(),
                t.conversations.to_string(),
                num(t.first_response()),
                num(t.average_response()),
                num(t.handling()),
                share(t.resolved()),
                share(t.csat_share()),
                t.csat.to_string(),
                num(t.net_promoter()),
                t.nps.to_string(),
            ]
        })
        .collect();
    (header, rows)
}

#[derive(Deserialize)]
pub struct DayQuery {
    day: Option<String>,
    agent: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PromisesPage {
    day: Option<String>,
    days: Vec<String>,
    agent: Option<String>,
    groups: Vec<AgentPromises>,
    lead: bool,
}

#[derive(Serialize)]
struct AgentPromises {
    agent: String,
    kept: usize,
    count: usize,
    promises: Vec<PromiseLine>,
}

#[derive(Serialize)]
struct PromiseLine {
    id: i64,
    time: String,
    conversation: String,
    text: String,
    words: String,
    kept: bool,
    kept_at: Option<String>,
    /// When it falls due, read from its words (None: it does not say).
    due: Option<String>,
    /// Due and not ticked as kept.
    overdue: bool,
}

impl Page for PromisesPage {
    const TEMPLATE: &'static str = "promises";
    const TITLE: &'static str = "promises.title";
}

/// Days offered to pick from.
const DAYS: usize = 14;

impl PromisesPage {
    fn of(
        day: Option<NaiveDate>,
        days: Vec<String>,
        agent: Option<String>,
        rows: &[PromiseRow],
        lead: bool,
        now: chrono::NaiveDateTime,
    ) -> PromisesPage {
        let line = |p: &PromiseRow| {
            let said = crate::db::service::from_secs(p.said_at);
            let due = crate::domain::service::due::due(said, &p.text);
            PromiseLine {
                id: p.id,
                time: said.format("%H:%M").to_string(),
                due: due.map(|d| d.format("%m-%d %H:%M").to_string()),
                overdue: p.kept_by.is_none() && due.is_some_and(|d| d < now),
                conversation: p.conversation.clone(),
                text: p.text.clone(),
                words: p.words.clone(),
                kept: p.kept_by.is_some(),
                kept_at: p.kept_at.map(local_time),
            }
        };
        let groups = service::by_agent(rows)
            .into_iter()
            .map(|(agent, list)| AgentPromises {
                agent,
                kept: list.iter().filter(|p| p.kept_by.is_some()).count(),
                count: list.len(),
                promises: list.into_iter().map(line).collect(),
            })
            .collect();
        PromisesPage {
            day: day.map(|d| d.to_string()),
            days: days.into_iter().take(DAYS).collect(),
            agent,
            groups,
            lead,
        }
    }
}

/// A day's promises: the day asked for, else the latest day with any.
pub async fn promises(
    Trainee { ctx, me }: Trainee,
    q: web::Query<DayQuery>,
) -> Result<HttpResponse, AppError> {
    let asked = q
        .day
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(parse_day)
        .transpose()?;
    let lead = me.role >= Role::Lead;
    // Only a lead narrows by agent; an agent sees their own anyway.
    let agent = q
        .agent
        .clone()
        .filter(|a| lead && !a.trim().is_empty())
        .map(|a| a.trim().chars().take(100).collect::<String>());
    let wanted = agent.clone();
    let (day, days, rows) = ctx
        .db(move |conn| {
            let days = service::promise_days(conn)?;
            let day = asked.or_else(|| days.first().and_then(|d| parse_day(d).ok()));
            let rows = match day {
                Some(day) => service::promises_of_day(conn, &me, day, wanted.as_deref())?,
                None => Vec::new(),
            };
            Ok((day, days, rows))
        })
        .await?;
    // Chats carry the shop's local time, as the server keeps it.
    let now = chrono::Local::now().naive_local();
    ctx.render(&PromisesPage::of(day, days, agent, &rows, lead, now))
}

/// Ticks a promise kept (`kept=1`) or clears the tick (`kept=0`).
pub async fn tick(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let kept = match form.text("kept") {
        "1" => true,
        "0" => false,
        _ => return Err(AppError::bad_request()),
    };
    let day = ctx
        .db(move |conn| Ok(service::tick(conn, &me, id, kept, crate::db::now_ms())?))
        .await?;
    ctx.flash(
        if kept {
            "promises.ticked"
        } else {
            "promises.unticked"
        },
        &[],
    );
    Ok(redirect(&format!("/promises?day={day}#promise-{id}")))
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let row = |id: i64, agent: &str, kept: bool| PromiseRow {
        id,
        import_id: 1,
        conversation: "c00042".into(),
        agent: Some(agent.into()),
        said_at: 1_764_500_000,
        day: "2026-11-30".into(),
        text: "今天下午五点前给您回复 <b>".into(),
        words: "今天下午五点前".into(),
        kept_by: kept.then_some(2),
        kept_at: kept.then_some(1_764_500_000_000),
    };
    let day = NaiveDate::from_ymd_opt(2026, 11, 30);
    let rows = [
        row(1, "小美", true),
        row(2, "小美", false),
        row(3, "阿杰", false),
    ];
    let now = chrono::NaiveDateTime::default();
    out.add(&PromisesPage::of(
        day,
        vec!["2026-11-30".into()],
        Some("小美".into()),
        &rows,
        true,
        now,
    ));
    out.add(&PromisesPage::of(None, vec![], None, &[], false, now));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_promise_past_its_time_and_not_kept_is_overdue() {
        let said = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("a time");
        let row = |id: i64, text: &str, kept: bool| PromiseRow {
            id,
            import_id: 1,
            conversation: "c1".into(),
            agent: Some("小美".into()),
            said_at: crate::db::service::secs(said),
            day: "2026-11-30".into(),
            text: text.into(),
            words: String::new(),
            kept_by: kept.then_some(2),
            kept_at: kept.then_some(0),
        };
        let rows = [
            row(1, "今天下午五点前给您回复", false),
            row(2, "今天下午五点前给您回复", true),
            row(3, "明天上午给您回复", false),
            row(4, "我尽快处理", false),
        ];
        let evening = said + chrono::Duration::hours(8);
        let page = PromisesPage::of(None, vec![], None, &rows, true, evening);
        let lines = &page.groups[0].promises;
        let overdue: Vec<bool> = lines.iter().map(|l| l.overdue).collect();
        assert_eq!(overdue, [true, false, false, false]);
        assert_eq!(lines[0].due.as_deref(), Some("11-30 17:00"));
        assert_eq!(lines[3].due, None);
    }

    #[test]
    fn durations_read_as_a_clock_and_shares_as_percent() {
        assert_eq!(clock(Some(65.4)), "1:05");
        assert_eq!(clock(Some(3725.0)), "1:02:05");
        assert_eq!(clock(None), "—");
        assert_eq!(percent(Some(0.875)), "88%");
        let t = Tally {
            nps: 4,
            promoters: 1,
            detractors: 2,
            ..Tally::default()
        };
        assert_eq!(FigureLine::of("x".into(), &t, None).nps, "-25");
    }
}
