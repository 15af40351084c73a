//! Where a new hire stands on a program: which weeks are open, which are
//! passed, which are overdue, and what opens the next one. Pure: the caller
//! passes the cohort's start date, today, each exam's counted score and the
//! lead's exceptions.
//!
//! The rules, week by week (week 1 is index 0):
//! - week 1 opens on the cohort's start date;
//! - the next week opens when every exam of this one is passed, if this week
//!   `unlocks_next`; otherwise on its own date (start + 7 days per week);
//! - a lead's exception opens a week, and every week before it, at once;
//! - a week is passed when every exam in it scores its pass mark or more (a
//!   week without exams passes once its seven days are over);
//! - a week not passed by its last day is overdue, whether or not it opened:
//!   a new hire stuck in week 1 is behind on week 2 too.

use chrono::{Days, NaiveDate};

use super::exam::passed;

pub const WEEK_DAYS: u64 = 7;

/// One week as a cohort runs it: its exams (pass mark, and the counted score
/// of a submitted attempt if there is one) and whether passing opens the next.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanWeek {
    pub exams: Vec<Sitting>,
    pub unlocks_next: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sitting {
    pub pass: u8,
    /// The score that counts (the final one after review, else the automatic
    /// one) of a submitted attempt; None before submitting.
    pub score: Option<f64>,
}

impl Sitting {
    pub fn passed(self) -> bool {
        self.score.is_some_and(|s| passed(s, i32::from(self.pass)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not open yet.
    Locked,
    Open,
    Passed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeekProgress {
    pub status: Status,
    /// The first and last day the schedule gives this week.
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
    pub overdue: bool,
    /// Open only because a lead granted an exception.
    pub by_exception: bool,
}

/// What opens the week after the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The program starts on this date.
    Starts(NaiveDate),
    /// Passing the current week's exams opens the next.
    Passing,
    /// Week `week` (index) opens on date `on`.
    Opens { week: usize, on: NaiveDate },
    /// The current week is the last.
    Last,
    /// Every week is passed.
    Finished,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub weeks: Vec<WeekProgress>,
    /// The first week not passed (== weeks.len() once all are).
    pub current: usize,
    pub next: Next,
}

impl Progress {
    pub fn finished(&self) -> bool {
        self.current == self.weeks.len()
    }

    /// Behind schedule: some week is overdue.
    pub fn behind(&self) -> bool {
        self.weeks.iter().any(|w| w.overdue)
    }

    pub fn is_open(&self, week: usize) -> bool {
        self.weeks
            .get(week)
            .is_some_and(|w| w.status != Status::Locked)
    }
}

/// `excepted`: the latest week (index) a lead has opened by exception.
pub fn progress(
    plan: &[PlanWeek],
    start: NaiveDate,
    today: NaiveDate,
    excepted: Option<usize>,
) -> Progress {
    let mut weeks: Vec<WeekProgress> = Vec::with_capacity(plan.len());
    for (k, week) in plan.iter().enumerate() {
        let opens_on = day(start, WEEK_DAYS * k as u64);
        let due_on = day(opens_on, WEEK_DAYS - 1);
        let by_schedule = match k.checked_sub(1).and_then(|i| weeks.get(i).zip(plan.get(i))) {
            None => today >= start,
            Some((before, plan_before)) if plan_before.unlocks_next => {
                before.status == Status::Passed
            }
            Some((before, _)) => before.status != Status::Locked && today >= opens_on,
        };
        let excepted = excepted.is_some_and(|e| e >= k);
        let open = by_schedule || excepted;
        let passed = open
            && if week.exams.is_empty() {
                today > due_on
            } else {
                week.exams.iter().all(|s| s.passed())
            };
        weeks.push(WeekProgress {
            status: match (open, passed) {
                (_, true) => Status::Passed,
                (true, false) => Status::Open,
                (false, _) => Status::Locked,
            },
            opens_on,
            due_on,
            overdue: !passed && today > due_on,
            by_exception: excepted && !by_schedule,
        });
    }
    let current = weeks
        .iter()
        .position(|w| w.status != Status::Passed)
        .unwrap_or(weeks.len());
    let next = match (weeks.get(current), plan.get(current)) {
        (None, _) | (_, None) => Next::Finished,
        _ if today < start => Next::Starts(start),
        (Some(w), _) if w.status == Status::Locked => Next::Opens {
            week: current,
            on: w.opens_on,
        },
        _ if current + 1 == plan.len() => Next::Last,
        (Some(_), Some(w)) if w.unlocks_next => Next::Passing,
        (Some(w), Some(_)) => Next::Opens {
            week: current + 1,
            on: day(w.due_on, 1),
        },
    };
    Progress {
        weeks,
        current,
        next,
    }
}

fn day(from: NaiveDate, days: u64) -> NaiveDate {
    from.checked_add_days(Days::new(days)).unwrap_or(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    const START: &str = "2026-12-07";

    fn week(scores: &[(u8, Option<f64>)], unlocks_next: bool) -> PlanWeek {
        PlanWeek {
            exams: scores
                .iter()
                .map(|&(pass, score)| Sitting { pass, score })
                .collect(),
            unlocks_next,
        }
    }

    fn statuses(p: &Progress) -> Vec<Status> {
        p.weeks.iter().map(|w| w.status).collect()
    }

    use Status::{Locked, Open, Passed};

    #[test]
    fn nothing_opens_before_the_start_date() {
        let plan = [week(&[(60, None)], true), week(&[(60, None)], true)];
        let p = progress(&plan, date(START), date("2026-12-06"), None);
        assert_eq!(statuses(&p), [Locked, Locked]);
        assert_eq!(p.next, Next::Starts(date(START)));
        assert!(!p.behind());
    }

    #[test]
    fn passing_every_exam_of_a_week_opens_the_next_at_once() {
        let plan = [
            week(&[(60, Some(72.0)), (50, Some(50.0))], true),
            week(&[(65, None)], true),
            week(&[(70, None)], true),
        ];
        let p = progress(&plan, date(START), date("2026-12-08"), None);
        assert_eq!(statuses(&p), [Passed, Open, Locked]);
        assert_eq!(p.current, 1);
        assert_eq!(p.next, Next::Passing);
    }

    #[test]
    fn a_failed_or_missing_exam_keeps_the_next_week_shut() {
        let failed = [
            week(&[(60, Some(72.0)), (50, Some(49.9))], true),
            week(&[], true),
        ];
        let p = progress(&failed, date(START), date("2026-12-20"), None);
        assert_eq!(statuses(&p), [Open, Locked]);
        let unsat = [week(&[(60, None)], true), week(&[], true)];
        assert_eq!(
            statuses(&progress(&unsat, date(START), date("2026-12-08"), None)),
            [Open, Locked]
        );
    }

    #[test]
    fn an_exception_opens_that_week_and_every_week_before_it() {
        let plan = [
            week(&[(60, Some(40.0))], true),
            week(&[(65, None)], true),
            week(&[(70, None)], true),
            week(&[(75, None)], true),
        ];
        let p = progress(&plan, date(START), date("2026-12-08"), Some(2));
        assert_eq!(statuses(&p), [Open, Open, Open, Locked]);
        assert!(!p.weeks[0].by_exception, "week 1 opened on its date");
        assert!(p.weeks[1].by_exception && p.weeks[2].by_exception);
    }

    #[test]
    fn a_week_that_does_not_unlock_opens_on_its_date() {
        let plan = [week(&[(60, Some(90.0))], false), week(&[(60, None)], true)];
        let early = progress(&plan, date(START), date("2026-12-10"), None);
        assert_eq!(statuses(&early), [Passed, Locked]);
        let opens = Next::Opens {
            week: 1,
            on: date("2026-12-14"),
        };
        assert_eq!(early.next, opens);
        let failed = [week(&[(60, Some(10.0))], false), week(&[(60, None)], true)];
        let p = progress(&failed, date(START), date("2026-12-10"), None);
        assert_eq!(p.next, opens);
        let on_time = progress(&failed, date(START), date("2026-12-14"), None);
        assert_eq!(statuses(&on_time), [Open, Open]);
    }

    #[test]
    fn an_unpassed_week_is_overdue_after_its_last_day_even_if_still_locked() {
        let plan = [week(&[(60, None)], true), week(&[(60, None)], true)];
        let last_day = progress(&plan, date(START), date("2026-12-13"), None);
        assert!(!last_day.behind());
        let p = progress(&plan, date(START), date("2026-12-21"), None);
        assert!(p.weeks[0].overdue && p.weeks[1].overdue);
        assert_eq!(p.weeks[1].status, Locked);
        assert_eq!(p.weeks[1].due_on, date("2026-12-20"));
    }

    #[test]
    fn a_week_without_exams_passes_when_its_days_are_over() {
        let plan = [week(&[], true), week(&[(60, None)], true)];
        let during = progress(&plan, date(START), date("2026-12-13"), None);
        assert_eq!(statuses(&during), [Open, Locked]);
        let after = progress(&plan, date(START), date("2026-12-14"), None);
        assert_eq!(statuses(&after), [Passed, Open]);
        assert_eq!(after.next, Next::Last);
    }

    #[test]
    fn passing_the_last_week_finishes_the_program() {
        let plan = [
            week(&[(60, Some(60.0))], true),
            week(&[(60, Some(99.0))], false),
        ];
        let p = progress(&plan, date(START), date("2026-12-30"), None);
        assert!(p.finished() && !p.behind());
        assert_eq!(p.next, Next::Finished);
    }
}
