//! The demo's new hire: 小新 (`xiaoxin`), in week 2 of the four-week path,
//! having passed week 1 as the model answers would.

use chrono::Days;

use crate::app::cohorts::{self, NewCohort};
use crate::db::{self, cohorts as stored};
use crate::domain::program::Program;

const COHORT: &str = "十二月新人班";
/// Days since the cohort started: the second day of week 2.
const DAYS_IN: u64 = 8;

pub fn seed(
    conn: &mut db::Conn,
    programs: &[Program],
    lead: i64,
    new_hire: i64,
) -> anyhow::Result<()> {
    let Some(program) = programs
        .iter()
        .find(|p| p.slug == "four-weeks")
        .or_else(|| programs.first())
    else {
        eprintln!("warning: no training program loaded, so the demo has no cohort");
        return Ok(());
    };
    let today = cohorts::today();
    let starts_on = today
        .checked_sub_days(Days::new(DAYS_IN))
        .unwrap_or(today)
        .to_string();
    let title = |week: usize, bank: &str| format!("{COHORT} · 第{}周 · {bank}", week + 1);
    let new = NewCohort {
        name: COHORT,
        program,
        starts_on: &starts_on,
        members: &[new_hire],
        by: lead,
    };
    let id = cohorts::create(conn, &new, today, &title, db::now_ms())?;
    let week_one: Vec<_> = stored::exams_of(conn, id)?
        .into_iter()
        .filter(|e| e.week == 0)
        .map(|e| e.exam_id)
        .collect();
    for exam in week_one {
        super::sit_as(conn, exam, &[new_hire], [super::Style::Model; 3])?;
    }
    Ok(())
}
