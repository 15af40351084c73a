//! Cohorts: a lead puts new hires on a program from a start date; each week's
//! exams are real exams opened for the cohort alone; a new hire's gates follow
//! `domain::curriculum`, and a lead may open a week early with a reason.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::attempts::{self, AttemptRow};
use crate::db::cohorts::{self, CohortRow, ExceptionRow, NewException};
use crate::db::columns::{AttemptId, ExamId};
use crate::db::exams::{self, ExamRow, NewExam};
use crate::db::users::{self, User};
use crate::db::{questions, write_tx, Conn, DbError};
use crate::domain::curriculum::{self, PlanWeek, Progress, Sitting};
use crate::domain::program::Program;
use crate::domain::text::char_len;
use crate::domain::types::{Invalid, Role};

use super::exams::{ExamError, StatusAction};
use super::review::Finals;

#[derive(Debug, thiserror::Error)]
pub enum CohortError {
    #[error("no such cohort")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("bank {bank} has no active question")]
    EmptyBank { bank: String },
    #[error("{name} is not an active trainee")]
    NotATrainee { name: String },
    #[error("not a member of this cohort")]
    NotAMember,
    /// The exam belongs to a week this user may not sit (yet).
    #[error("week {week} is not open")]
    Locked { week: usize },
    #[error(transparent)]
    Exam(#[from] ExamError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Today in the server's time zone: the day a cohort's weeks are counted in.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

const MAX_NAME: usize = 60;
const MAX_REASON: usize = 300;
/// How far from today a start date may be, in days: a typo ("2062") is refused.
const START_WITHIN_DAYS: i64 = 366;

/// A cohort as the lead's form gives it.
pub struct NewCohort<'a> {
    pub name: &'a str,
    pub program: &'a Program,
    pub starts_on: &'a str,
    pub members: &'a [i64],
    pub by: i64,
}

/// Creates the cohort, one open exam per exam of each week (built from its
/// bank's active questions, scored against the current official scripts),
/// and enrols the members, in one transaction. `title` names each exam from
/// its week (0-based) and bank title.
pub fn create(
    conn: &mut Conn,
    new: &NewCohort,
    today: NaiveDate,
    title: &dyn Fn(usize, &str) -> String,
    now: i64,
) -> Result<i64, CohortError> {
    let name = checked_name(new.name)?;
    let starts_on = start_date(new.starts_on, today)?;
    write_tx(conn, |conn| {
        let id = cohorts::create(
            conn,
            &cohorts::NewCohort {
                name: &name,
                plan: new.program,
                starts_on: &starts_on.to_string(),
                created_by: new.by,
                now,
            },
        )?;
        let active = questions::list_active(conn)?;
        for (k, week) in new.program.weeks.iter().enumerate() {
            for e in &week.exams {
                let of_bank: Vec<_> = active
                    .iter()
                    .filter(|q| q.bank_slug == e.bank)
                    .cloned()
                    .collect();
                let bank_title =
                    of_bank
                        .first()
                        .map(|q| q.bank_title.clone())
                        .ok_or_else(|| CohortError::EmptyBank {
                            bank: e.bank.clone(),
                        })?;
                let exam = super::exams::create(
                    conn,
                    &NewExam {
                        title: &title(k, &bank_title),
                        time_limit_min: i32::from(e.minutes),
                        pass_mark: i32::from(e.pass),
                        created_by: new.by,
                    },
                    &of_bank,
                )?;
                super::exams::change_status(conn, exam, StatusAction::Open, now)?;
                cohorts::add_exam(conn, id, k as i32, exam)?;
            }
        }
        enrol_all(conn, id, new.members, new.by, now)?;
        Ok(id)
    })
}

/// Enrols active trainees in a cohort (moving them from any other).
pub fn enrol(
    conn: &mut Conn,
    cohort: i64,
    members: &[i64],
    by: i64,
    now: i64,
) -> Result<(), CohortError> {
    write_tx(conn, |conn| {
        cohorts::find(conn, cohort)?.ok_or(CohortError::NotFound)?;
        enrol_all(conn, cohort, members, by, now)
    })
}

fn enrol_all(
    conn: &mut Conn,
    cohort: i64,
    members: &[i64],
    by: i64,
    now: i64,
) -> Result<(), CohortError> {
    for &id in members {
        let user = users::find(conn, id)?.ok_or(CohortError::NotFound)?;
        if user.role != Role::Trainee || !user.active {
            return Err(CohortError::NotATrainee {
                name: user.display_name,
            });
        }
        cohorts::enrol(conn, cohort, id, by, now)?;
    }
    Ok(())
}

/// Takes `user` out of `cohort` (their results stay); taking out someone
/// already out changes nothing.
pub fn unenrol(conn: &mut Conn, cohort: i64, user: i64) -> Result<(), CohortError> {
    cohorts::find(conn, cohort)?.ok_or(CohortError::NotFound)?;
    cohorts::unenrol(conn, cohort, user)?;
    Ok(())
}

/// A lead's exception: opens `week` (1-based, as the form shows it) and every
/// week before it for one member, with the reason kept.
pub fn grant(
    conn: &mut Conn,
    cohort: i64,
    user: i64,
    week: usize,
    reason: &str,
    by: i64,
    now: i64,
) -> Result<(), CohortError> {
    let reason = reason.trim();
    if reason.is_empty() || char_len(reason) > MAX_REASON || reason.contains('\0') {
        return Err(Invalid::Reason { max: MAX_REASON }.into());
    }
    write_tx(conn, |conn| {
        let row = cohorts::find(conn, cohort)?.ok_or(CohortError::NotFound)?;
        if week == 0 || week > row.plan()?.weeks.len() {
            return Err(Invalid::Week.into());
        }
        if cohorts::enrolment_of(conn, user)?.map(|e| e.cohort_id) != Some(cohort) {
            return Err(CohortError::NotAMember);
        }
        cohorts::grant(
            conn,
            &NewException {
                cohort,
                user,
                week: week as i32 - 1,
                reason,
                by,
                now,
            },
        )?;
        Ok(())
    })
}

/// One exam of a week as one member stands on it.
#[derive(Debug, Clone)]
pub struct Sat {
    pub exam: ExamRow,
    pub attempt: Option<AttemptRow>,
    /// The counted score (final after review, else automatic) once submitted.
    pub score: Option<f64>,
}

/// One member's path through the cohort.
#[derive(Debug, Clone)]
pub struct Path {
    pub user: User,
    /// Per week, its exams.
    pub weeks: Vec<Vec<Sat>>,
    pub exceptions: Vec<ExceptionRow>,
    pub progress: Progress,
}

/// A cohort with every member's path.
#[derive(Debug, Clone)]
pub struct Board {
    pub cohort: CohortRow,
    pub plan: Program,
    pub starts_on: NaiveDate,
    pub paths: Vec<Path>,
}

/// The cohort `id` with each member's progress as of `today`.
pub fn board(
    conn: &mut Conn,
    finals: &Finals,
    id: i64,
    today: NaiveDate,
) -> Result<Board, CohortError> {
    let cohort = cohorts::find(conn, id)?.ok_or(CohortError::NotFound)?;
    let members = cohorts::members(conn, id)?;
    load_board(conn, finals, cohort, &members, today)
}

/// The cohort `user` follows, with only their path; None if they follow none.
pub fn path_of(
    conn: &mut Conn,
    finals: &Finals,
    user: i64,
    today: NaiveDate,
) -> Result<Option<Board>, CohortError> {
    let Some(enrolment) = cohorts::enrolment_of(conn, user)? else {
        return Ok(None);
    };
    let cohort = cohorts::find(conn, enrolment.cohort_id)?.ok_or(CohortError::NotFound)?;
    load_board(conn, finals, cohort, &[user], today).map(Some)
}

fn load_board(
    conn: &mut Conn,
    finals: &Finals,
    cohort: CohortRow,
    members: &[i64],
    today: NaiveDate,
) -> Result<Board, CohortError> {
    let plan = cohort.plan()?;
    let starts_on = stored_date(&cohort)?;
    let links = cohorts::exams_of(conn, cohort.id)?;
    let ids: Vec<ExamId> = links.iter().map(|l| l.exam_id).collect();
    let mut exams_by_week: Vec<Vec<ExamRow>> = vec![Vec::new(); plan.weeks.len()];
    for link in &links {
        let exam = exams::find(conn, link.exam_id)?.ok_or(CohortError::NotFound)?;
        if let Some(week) = exams_by_week.get_mut(link.week as usize) {
            week.push(exam);
        }
    }
    let attempts = attempts::of_exams(conn, &ids)?;
    let finals = finals.of_attempts(conn, &ids)?;
    let exceptions = cohorts::exceptions(conn, cohort.id)?;
    let all_users = users::list(conn)?;
    let paths = members
        .iter()
        .filter_map(|m| all_users.iter().find(|u| u.id == *m))
        .map(|user| {
            let mine: Vec<ExceptionRow> = exceptions
                .iter()
                .filter(|e| e.user_id == user.id)
                .cloned()
                .collect();
            path(
                user.clone(),
                &plan,
                &exams_by_week,
                &attempts,
                &finals,
                mine,
                starts_on,
                today,
            )
        })
        .collect();
    Ok(Board {
        cohort,
        plan,
        starts_on,
        paths,
    })
}

#[allow(clippy::too_many_arguments)]
fn path(
    user: User,
    plan: &Program,
    exams_by_week: &[Vec<ExamRow>],
    attempts: &[AttemptRow],
    finals: &HashMap<AttemptId, f64>,
    exceptions: Vec<ExceptionRow>,
    starts_on: NaiveDate,
    today: NaiveDate,
) -> Path {
    let weeks: Vec<Vec<Sat>> = exams_by_week
        .iter()
        .map(|week| {
            week.iter()
                .map(|exam| {
                    let attempt = attempts
                        .iter()
                        .find(|a| a.exam_id == exam.id && a.user_id == user.id)
                        .cloned();
                    let score = attempt
                        .as_ref()
                        .filter(|a| a.submitted_at.is_some())
                        .and_then(|a| finals.get(&a.id).copied().or(a.score));
                    Sat {
                        exam: exam.clone(),
                        attempt,
                        score,
                    }
                })
                .collect()
        })
        .collect();
    let plan_weeks: Vec<PlanWeek> = weeks
        .iter()
        .zip(&plan.weeks)
        .map(|(sats, week)| PlanWeek {
            exams: sats
                .iter()
                .map(|s| Sitting {
                    pass: u8::try_from(s.exam.pass_mark.clamp(0, 100)).unwrap_or(100),
                    score: s.score,
                })
                .collect(),
            unlocks_next: week.unlocks_next,
        })
        .collect();
    let excepted = exceptions.iter().map(|e| e.week.max(0) as usize).max();
    let progress = curriculum::progress(&plan_weeks, starts_on, today, excepted);
    Path {
        user,
        weeks,
        exceptions,
        progress,
    }
}

/// Whether `user` may sit exam `exam` today: any exam outside a cohort, or
/// one of an open week of the cohort they follow.
pub fn may_sit(
    conn: &mut Conn,
    finals: &Finals,
    exam: ExamId,
    user: i64,
    today: NaiveDate,
) -> Result<(), CohortError> {
    let Some(link) = cohorts::of_exam(conn, exam)? else {
        return Ok(());
    };
    let week = link.week.max(0) as usize;
    let enrolled = cohorts::enrolment_of(conn, user)?.map(|e| e.cohort_id);
    if enrolled != Some(link.cohort_id) {
        return Err(CohortError::NotAMember);
    }
    let board = path_of(conn, finals, user, today)?.ok_or(CohortError::NotAMember)?;
    match board.paths.first() {
        Some(p) if p.progress.is_open(week) => Ok(()),
        _ => Err(CohortError::Locked { week: week + 1 }),
    }
}

fn checked_name(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    if name.is_empty() || char_len(name) > MAX_NAME || name.chars().any(char::is_control) {
        return Err(Invalid::Name);
    }
    Ok(name.to_string())
}

fn start_date(text: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (*d - today).num_days().abs() <= START_WITHIN_DAYS)
        .ok_or(Invalid::StartDate)
}

fn stored_date(cohort: &CohortRow) -> Result<NaiveDate, DbError> {
    NaiveDate::parse_from_str(&cohort.starts_on, "%Y-%m-%d").map_err(|_| {
        DbError::Corrupt(format!(
            "cohorts {}: starts_on {:?} is not a date",
            cohort.id, cohort.starts_on
        ))
    })
}
