//! One cohort's board: who is in which week, who is behind, each week's
//! scores, the exceptions granted, and the forms to enrol and to grant.

use chrono::NaiveDate;
use serde::Serialize;

use super::list::Pick;
use super::{status_key, title, week_title, Page, ScoreCell};
use crate::app::cohorts::{Board, Path};
use crate::db::users::{name_of, User};
use crate::domain::types::Role;
use crate::web::render::local_time;

#[derive(Serialize)]
pub(in crate::web) struct CohortPage {
    id: i64,
    name: String,
    program: String,
    starts_on: String,
    weeks: Vec<WeekHead>,
    members: Vec<MemberLine>,
    exceptions: Vec<ExceptionLine>,
    /// Trainees not in this cohort, to enrol.
    others: Vec<Pick>,
}

#[derive(Serialize)]
struct WeekHead {
    number: usize,
    title: String,
    opens_on: String,
    due_on: String,
}

#[derive(Serialize)]
struct MemberLine {
    id: i64,
    name: String,
    /// The week they are in (1-based); None once they finished.
    week: Option<usize>,
    behind: bool,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct Cell {
    status: &'static str,
    overdue: bool,
    by_exception: bool,
    scores: Vec<ScoreCell>,
}

#[derive(Serialize)]
struct ExceptionLine {
    member: String,
    week: usize,
    reason: String,
    by: String,
    at: String,
}

impl CohortPage {
    pub(super) fn of(board: &Board, users: &[User], english: bool) -> CohortPage {
        let weeks = board
            .paths
            .first()
            .map(|p| p.progress.weeks.clone())
            .unwrap_or_else(|| {
                crate::domain::curriculum::progress(&[], board.starts_on, board.starts_on, None)
                    .weeks
            });
        let heads = (0..board.plan.weeks.len())
            .map(|k| {
                let (opens_on, due_on) = weeks
                    .get(k)
                    .map_or_else(|| schedule(board.starts_on, k), |w| (w.opens_on, w.due_on));
                WeekHead {
                    number: k + 1,
                    title: week_title(&board.plan, k, english),
                    opens_on: opens_on.to_string(),
                    due_on: due_on.to_string(),
                }
            })
            .collect();
        let members: Vec<MemberLine> = board.paths.iter().map(MemberLine::of).collect();
        CohortPage {
            id: board.cohort.id,
            name: board.cohort.name.clone(),
            program: title(&board.plan, english),
            starts_on: board.cohort.starts_on.clone(),
            weeks: heads,
            exceptions: board
                .paths
                .iter()
                .flat_map(|p| p.exceptions.iter().map(move |e| (p, e)))
                .map(|(p, e)| ExceptionLine {
                    member: p.user.display_name.clone(),
                    week: e.week.max(0) as usize + 1,
                    reason: e.reason.clone(),
                    by: name_of(users, e.granted_by),
                    at: local_time(e.granted_at),
                })
                .collect(),
            others: users
                .iter()
                .filter(|u| u.role == Role::Trainee && u.active)
                .filter(|u| !board.paths.iter().any(|p| p.user.id == u.id))
                .map(|u| Pick {
                    id: u.id,
                    name: u.display_name.clone(),
                    username: u.username.clone(),
                    cohort: None,
                    checked: false,
                })
                .collect(),
            members,
        }
    }
}

/// The days the schedule gives week `k`, for a cohort without members.
fn schedule(start: NaiveDate, k: usize) -> (NaiveDate, NaiveDate) {
    let days = crate::domain::curriculum::WEEK_DAYS;
    let opens = start + chrono::Days::new(days * k as u64);
    (opens, opens + chrono::Days::new(days - 1))
}

impl MemberLine {
    fn of(p: &Path) -> MemberLine {
        MemberLine {
            id: p.user.id,
            name: p.user.display_name.clone(),
            week: (!p.progress.finished()).then_some(p.progress.current + 1),
            behind: p.progress.behind(),
            cells: p
                .progress
                .weeks
                .iter()
                .zip(&p.weeks)
                .map(|(w, sats)| Cell {
                    status: status_key(w.status),
                    overdue: w.overdue,
                    by_exception: w.by_exception,
                    scores: sats.iter().map(ScoreCell::of).collect(),
                })
                .collect(),
        }
    }
}

impl Page for CohortPage {
    const TEMPLATE: &'static str = "cohorts/show";
    const TITLE: &'static str = "cohorts.title";
}
