//! The team's weekly review: one week's submitted answers against the week
//! before: the mean and what improved by category, the three weakest
//! categories, how often each rubric criterion was met, and the questions
//! the team scored worst on, to build the next exam from.

use chrono::{Days, NaiveDate};

use crate::db::dashboard::{self as stored, ItemInfo, Scored, Sitting};
use crate::db::service::PromiseRow;
use crate::db::{Conn, DbResult};
use crate::domain::rubric::Check;
use crate::domain::stats;

/// Weakest categories shown, and questions suggested for the next exam.
pub const WEAKEST: usize = 3;
pub const SUGGESTED: usize = 5;

#[derive(Debug, Clone)]
pub struct Weekly {
    /// The week's Monday.
    pub week: NaiveDate,
    pub answers: usize,
    pub mean: Option<f64>,
    pub previous_mean: Option<f64>,
    /// Categories whose mean rose since last week: (category, now, before),
    /// the biggest rise first.
    pub improved: Vec<(String, f64, f64)>,
    /// This week's weakest categories: (category, mean, answers).
    pub weakest: Vec<(String, f64, usize)>,
    /// Each criterion's share met this week, and last week's.
    pub criteria: Vec<(Check, f64, Option<f64>)>,
    /// The questions scored worst this week: (question, prompt, mean, answers).
    pub suggested: Vec<(i64, String, f64, usize)>,
    /// Promises made in the week's chats that nobody ticked as kept, by
    /// agent then time.
    pub missed: Vec<PromiseRow>,
}

/// Ms bounds of the local week starting on `monday`.
fn bounds(monday: NaiveDate) -> (i64, i64) {
    let at = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
            .map_or(0, |t| t.timestamp_millis())
    };
    (at(monday), at(monday + Days::new(7)))
}

pub fn load(conn: &mut Conn, monday: NaiveDate) -> DbResult<Weekly> {
    let sittings = stored::submitted(conn)?;
    let answers = stored::scored_answers(conn)?;
    let items = stored::items(conn)?;
    let previous = monday - Days::new(7);
    let now = of_week(&sittings, &answers, bounds(monday));
    let before = of_week(&sittings, &answers, bounds(previous));
    let by_category =
        |xs: &[&Scored]| stats::weakest(xs.iter().map(|a| (a.category.clone(), a.score)));
    let (categories, earlier) = (by_category(&now), by_category(&before));
    let mut improved: Vec<(String, f64, f64)> = categories
        .iter()
        .filter_map(|(c, m, _)| {
            let (_, was, _) = earlier.iter().find(|(e, ..)| e == c)?;
            (m > was).then(|| (c.clone(), *m, *was))
        })
        .collect();
    improved.sort_by(|a, b| (b.1 - b.2).total_cmp(&(a.1 - a.2)));
    let met = |xs: &[&Scored]| {
        stats::weakest(xs.iter().flat_map(|a| {
            a.checks
                .iter()
                .filter(|(_, expected, _)| *expected)
                .map(|(check, _, met)| (*check, if *met { 1.0 } else { 0.0 }))
        }))
    };
    let met_before = met(&before);
    let scores = |xs: &[&Scored]| xs.iter().map(|a| a.score).collect::<Vec<_>>();
    Ok(Weekly {
        week: monday,
        answers: now.len(),
        mean: stats::mean(&scores(&now)),
        previous_mean: stats::mean(&scores(&before)),
        improved,
        weakest: categories.into_iter().take(WEAKEST).collect(),
        criteria: met(&now)
            .into_iter()
            .map(|(c, share, _)| {
                let was = met_before
                    .iter()
                    .find(|(b, ..)| *b == c)
                    .map(|(_, s, _)| *s);
                (c, share, was)
            })
            .collect(),
        suggested: worst_questions(&now, &items),
        missed: super::service::missed(conn, monday)?,
    })
}

/// The answers of attempts submitted within `[from, to)`.
fn of_week<'a>(
    sittings: &[Sitting],
    answers: &'a [Scored],
    (from, to): (i64, i64),
) -> Vec<&'a Scored> {
    let inside: std::collections::HashSet<i64> = sittings
        .iter()
        .filter(|s| (from..to).contains(&s.submitted_at))
        .map(|s| s.attempt.get())
        .collect();
    answers
        .iter()
        .filter(|a| inside.contains(&a.attempt.get()))
        .collect()
}

fn worst_questions(answers: &[&Scored], items: &[ItemInfo]) -> Vec<(i64, String, f64, usize)> {
    let question = |a: &Scored| {
        items
            .iter()
            .find(|i| i.id == a.item)
            .map(|i| (i.question, i.prompt.clone()))
    };
    stats::weakest(
        answers
            .iter()
            .filter_map(|a| question(a).map(|q| (q, a.score))),
    )
    .into_iter()
    .take(SUGGESTED)
    .map(|((id, prompt), mean, n)| (id, prompt, mean, n))
    .collect()
}
