//! Service figures and the promise checklist, read for pages: the team's
//! last weeks and each agent's latest week; a day's promises, which an agent
//! ticks as kept (their own) and a lead ticks for anyone.

use chrono::NaiveDate;

use crate::db::service::{self as stored, AgentWeek, PromiseRow};
use crate::db::users::User;
use crate::db::{Conn, DbError, DbResult};
use crate::domain::service::Tally;
use crate::domain::types::Role;

/// Weeks of chats the dashboard shows.
pub const WEEKS: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// The team per week, latest first.
    pub weeks: Vec<(String, Tally)>,
    /// Each agent in the latest week, with the week before when they had one.
    pub agents: Vec<(String, Tally, Option<Tally>)>,
    /// Every agent-week summed, for the CSV.
    pub rows: Vec<AgentWeek>,
}

impl Figures {
    pub fn latest(&self) -> Option<&str> {
        self.weeks.first().map(|(w, _)| w.as_str())
    }
}

pub fn figures(conn: &mut Conn) -> DbResult<Figures> {
    let weeks = stored::weeks(conn)?;
    let shown = &weeks[..weeks.len().min(WEEKS)];
    let Some(since) = shown.last() else {
        return Ok(Figures::default());
    };
    let rows = stored::agent_weeks(conn, since)?;
    Ok(of_rows(shown, rows))
}

/// The page's view of the sums: `weeks` latest first.
fn of_rows(weeks: &[String], rows: Vec<AgentWeek>) -> Figures {
    let team = weeks
        .iter()
        .map(|w| {
            let mut t = Tally::default();
            rows.iter()
                .filter(|r| &r.week == w)
                .for_each(|r| t.merge(&r.tally));
            (w.clone(), t)
        })
        .collect();
    let (latest, before) = (weeks.first(), weeks.get(1));
    let agents = rows
        .iter()
        .filter(|r| Some(&r.week) == latest)
        .map(|r| {
            let earlier = rows
                .iter()
                .find(|e| e.agent == r.agent && Some(&e.week) == before)
                .map(|e| e.tally);
            (r.agent.clone(), r.tally, earlier)
        })
        .collect();
    Figures {
        weeks: team,
        agents,
        rows,
    }
}

/// Whether `me` answers to the agent name an export gave: by username or
/// display name, so an agent finds their own promises.
pub fn is_agent(me: &User, agent: Option<&str>) -> bool {
    agent.is_some_and(|a| a == me.username || a == me.display_name)
}

/// A day's promises as `me` may see them: all of them for leads, their own
/// for an agent. `agent` narrows a lead's list to one agent.
pub fn promises_of_day(
    conn: &mut Conn,
    me: &User,
    day: NaiveDate,
    agent: Option<&str>,
) -> DbResult<Vec<PromiseRow>> {
    let day = day.to_string();
    let all = stored::promises(conn, &day, &day, agent)?;
    Ok(all
        .into_iter()
        .filter(|p| me.role >= Role::Lead || is_agent(me, p.agent.as_deref()))
        .collect())
}

/// Promises grouped by agent, for rows ordered by agent (as every promise
/// query returns them); an unnamed agent is "".
pub fn by_agent(rows: &[PromiseRow]) -> Vec<(String, Vec<&PromiseRow>)> {
    let mut out: Vec<(String, Vec<&PromiseRow>)> = Vec::new();
    for p in rows {
        let agent = p.agent.clone().unwrap_or_default();
        match out.last_mut() {
            Some((a, list)) if *a == agent => list.push(p),
            _ => out.push((agent, vec![p])),
        }
    }
    out
}

/// The days with promises `me` can see, latest first.
pub fn promise_days(conn: &mut Conn) -> DbResult<Vec<String>> {
    stored::promise_days(conn)
}

/// The promises of a week (from its Monday) nobody ticked as kept.
pub fn missed(conn: &mut Conn, monday: NaiveDate) -> DbResult<Vec<PromiseRow>> {
    let sunday = monday + chrono::Days::new(6);
    Ok(
        stored::promises(conn, &monday.to_string(), &sunday.to_string(), None)?
            .into_iter()
            .filter(|p| p.kept_by.is_none())
            .collect(),
    )
}

#[derive(Debug, thiserror::Error)]
pub enum PromiseError {
    #[error("no such promise")]
    NotFound,
    /// Someone else's promise, ticked by an agent.
    #[error("not your promise")]
    NotYours,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Ticks a promise as kept (or clears the tick); returns its day, for the
/// page to go back to.
pub fn tick(
    conn: &mut Conn,
    me: &User,
    id: i64,
    kept: bool,
    now: i64,
) -> Result<String, PromiseError> {
    let promise = stored::find_promise(conn, id)?.ok_or(PromiseError::NotFound)?;
    if me.role < Role::Lead && !is_agent(me, promise.agent.as_deref()) {
        return Err(PromiseError::NotYours);
    }
    stored::set_kept(conn, id, kept.then_some(me.id), now)?;
    Ok(promise.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(week: &str, agent: &str, conversations: i64) -> AgentWeek {
        AgentWeek {
            week: week.into(),
            agent: agent.into(),
            tally: Tally {
                conversations,
                ..Tally::default()
            },
        }
    }

    #[test]
    fn the_team_is_summed_per_week_and_agents_are_shown_for_the_latest() {
        let weeks = ["2026-11-30".to_string(), "2026-11-23".to_string()];
        let rows = vec![
            week("2026-11-23", "小美", 4),
            week("2026-11-30", "小美", 6),
            week("2026-11-30", "阿杰", 3),
        ];
        let f = of_rows(&weeks, rows);
        let team: Vec<(&str, i64)> = f
            .weeks
            .iter()
            .map(|(w, t)| (w.as_str(), t.conversations))
            .collect();
        assert_eq!(team, [("2026-11-30", 9), ("2026-11-23", 4)]);
        assert_eq!(f.latest(), Some("2026-11-30"));
        let agents: Vec<(&str, i64, Option<i64>)> = f
            .agents
            .iter()
            .map(|(a, t, b)| (a.as_str(), t.conversations, b.map(|b| b.conversations)))
            .collect();
        assert_eq!(agents, [("小美", 6, Some(4)), ("阿杰", 3, None)]);
    }

    #[test]
    fn an_agent_is_known_by_username_or_display_name() {
        let me = User {
            id: 3,
            username: "xiaomei".into(),
            display_name: "小美".into(),
            role: Role::Trainee,
            active: true,
            lang: "zh-CN".into(),
        };
        assert!(is_agent(&me, Some("小美")));
        assert!(is_agent(&me, Some("xiaomei")));
        assert!(!is_agent(&me, Some("阿杰")));
        assert!(!is_agent(&me, None));
    }
}
