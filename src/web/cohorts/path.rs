//! A new hire's own path, on their home page: their week, what is left,
//! their scores and what opens next.

use chrono::NaiveDate;
use serde::Serialize;

use super::{status_key, title, week_title, ScoreCell};
use crate::app::cohorts::Board;
use crate::domain::curriculum::{Next, Status};
use crate::web::i18n::Catalog;

/// A new hire's path on their home page.
#[derive(Serialize)]
pub(in crate::web) struct MyPath {
    cohort: String,
    program: String,
    /// The week they are in (1-based); None once finished.
    week: Option<usize>,
    weeks_total: usize,
    behind: bool,
    next: String,
    weeks: Vec<MyWeek>,
}

#[derive(Serialize)]
struct MyWeek {
    number: usize,
    title: String,
    status: &'static str,
    current: bool,
    overdue: bool,
    by_exception: bool,
    opens_on: String,
    due_on: String,
    exams: Vec<MyExam>,
}

#[derive(Serialize)]
struct MyExam {
    id: i64,
    title: String,
    minutes: i32,
    score: ScoreCell,
    submitted: bool,
    /// The week is open and the exam still takes answers.
    can_take: bool,
}

impl MyPath {
    pub(in crate::web) fn of(board: &Board, catalog: &Catalog, lang: &str) -> Option<MyPath> {
        let path = board.paths.first()?;
        let english = lang == "en";
        let p = &path.progress;
        let day = |d: NaiveDate| d.to_string();
        let (key, args) = match p.next {
            Next::Starts(on) => ("cohorts.next_starts", vec![("date", day(on))]),
            Next::Passing => (
                "cohorts.next_passing",
                vec![
                    ("week", (p.current + 1).to_string()),
                    ("next", (p.current + 2).to_string()),
                ],
            ),
            Next::Opens { week, on } => (
                "cohorts.next_opens",
                vec![("week", (week + 1).to_string()), ("date", day(on))],
            ),
            Next::Last => ("cohorts.next_last", vec![]),
            Next::Finished => ("cohorts.next_finished", vec![]),
        };
        Some(MyPath {
            cohort: board.cohort.name.clone(),
            program: title(&board.plan, english),
            week: (!p.finished()).then_some(p.current + 1),
            weeks_total: p.weeks.len(),
            behind: p.behind(),
            next: catalog.format(lang, key, &args),
            weeks: p
                .weeks
                .iter()
                .zip(&path.weeks)
                .enumerate()
                .map(|(k, (w, sats))| MyWeek {
                    number: k + 1,
                    title: week_title(&board.plan, k, english),
                    status: status_key(w.status),
                    current: k == p.current,
                    overdue: w.overdue,
                    by_exception: w.by_exception,
                    opens_on: day(w.opens_on),
                    due_on: day(w.due_on),
                    exams: sats
                        .iter()
                        .map(|s| MyExam {
                            id: s.exam.id.get(),
                            title: s.exam.title.clone(),
                            minutes: s.exam.time_limit_min,
                            score: ScoreCell::of(s),
                            submitted: s.attempt.as_ref().is_some_and(|a| a.submitted_at.is_some()),
                            can_take: w.status != Status::Locked
                                && s.exam.status == crate::db::columns::ExamStatus::Open,
                        })
                        .collect(),
                })
                .collect(),
        })
    }
}

/// A cohort of the shipped program with one member who passed week 1 and
/// whose week 3 a lead opened early.
#[cfg(test)]
pub(in crate::web) fn sample_board() -> Board {
    use crate::app::cohorts::{Path, Sat};
    use crate::db::attempts::AttemptRow;
    use crate::db::cohorts::{CohortRow, ExceptionRow};
    use crate::db::columns::{AttemptId, ExamId, ExamStatus};
    use crate::db::exams::ExamRow;
    use crate::db::users::User;
    use crate::domain::curriculum::{progress, PlanWeek, Sitting};
    use crate::domain::types::Role;
    let banks = crate::app::banks::load_builtin();
    let plan = crate::app::banks::load_builtin_programs(&banks)
        .into_iter()
        .find_map(|f| f.program)
        .unwrap_or_else(|| unreachable!("the shipped program loads"));
    let start = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let exam = |k: usize| ExamRow {
        id: ExamId(k as i64 + 1),
        title: format!("新人一班 · 第{}周", k + 1),
        time_limit_min: 30,
        pass_mark: 60,
        status: ExamStatus::Open,
        created_by: 1,
        created_at: 0,
        opened_at: Some(0),
        closed_at: None,
    };
    let user = User {
        id: 7,
        username: "xiaoxin".into(),
        display_name: "小新".into(),
        role: Role::Trainee,
        active: true,
        lang: "zh-CN".into(),
    };
    let weeks: Vec<Vec<Sat>> = (0..plan.weeks.len())
        .map(|k| {
            let score = (k == 0).then_some(72.5);
            vec![Sat {
                exam: exam(k),
                attempt: score.map(|_| AttemptRow {
                    id: AttemptId(3),
                    exam_id: ExamId(1),
                    user_id: 7,
                    started_at: 0,
                    submitted_at: Some(1),
                    score,
                    writable_until: 1,
                    closed_by_lead: false,
                }),
                score,
            }]
        })
        .collect();
    let plan_weeks: Vec<PlanWeek> = weeks
        .iter()
        .map(|sats| PlanWeek {
            exams: sats
                .iter()
                .map(|s| Sitting {
                    pass: 60,
                    score: s.score,
                })
                .collect(),
            unlocks_next: true,
        })
        .collect();
    let today = start + chrono::Days::new(16);
    Board {
        cohort: CohortRow {
            id: 1,
            name: "新人一班".into(),
            program_slug: plan.slug.clone(),
            plan_json: crate::db::to_json(&plan),
            starts_on: start.to_string(),
            created_by: 1,
            created_at: 0,
        },
        starts_on: start,
        paths: vec![Path {
            user,
            weeks,
            exceptions: vec![ExceptionRow {
                id: 1,
                cohort_id: 1,
                user_id: 7,
                week: 2,
                reason: "已有三年售后经验".into(),
                granted_by: 1,
                granted_at: 0,
            }],
            progress: progress(&plan_weeks, start, today, Some(2)),
        }],
        plan,
    }
}
