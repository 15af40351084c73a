//! A lead's dashboard in one read: cohorts (who is where, who is behind),
//! each exam's score distribution, each trainee's scores over time, the
//! weakest categories and rubric criteria, and how each question worked.
//! Scores here are the automatic ones, which every submitted answer has.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::cohorts::{self, Board, CohortError};
use super::review::Finals;
use crate::db::columns::ExamId;
use crate::db::dashboard::{self as stored, ItemInfo, Scored, Sitting};
use crate::db::exams::{self, ExamRow};
use crate::db::users::{self, User};
use crate::db::{Conn, DbResult};
use crate::domain::rubric::Check;
use crate::domain::stats::{self, ItemStats, Response};
use crate::domain::types::Role;

/// Bins of a score histogram (10 points each).
pub const BINS: usize = 10;

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub cohorts: Vec<Board>,
    /// Exams with submissions, the latest first.
    pub exams: Vec<ExamSummary>,
    pub trainees: Vec<Trend>,
    /// Mean answer score per category, weakest first.
    pub categories: Vec<(String, f64, usize)>,
    /// How often each criterion was met where it was expected, weakest first.
    pub criteria: Vec<(Check, f64, usize)>,
    /// Every question of every exam with answers, the hardest first.
    pub items: Vec<ItemLine>,
    /// Service figures from imported chats.
    pub service: super::service::Figures,
    /// How well each peer reviewer marks, the weakest first.
    pub reviewers: Vec<ReviewerQuality>,
}

/// A reviewer over every review round: how many rounds and reviews, and the
/// latest round's fit (bias, reliability, reviewing grade 0–100).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewerQuality {
    pub name: String,
    pub rounds: usize,
    pub reviews: usize,
    pub bias: f64,
    pub reliability: f64,
    pub grade: f64,
}

fn reviewers(conn: &mut Conn, people: &[User]) -> DbResult<Vec<ReviewerQuality>> {
    let mut by: BTreeMap<i64, ReviewerQuality> = BTreeMap::new();
    for (_, _, outcome) in super::review::history(conn)? {
        for r in &outcome.fit.reviewers {
            let q = by.entry(r.reviewer).or_insert_with(|| ReviewerQuality {
                name: users::name_of(people, r.reviewer),
                rounds: 0,
                reviews: 0,
                bias: 0.0,
                reliability: 0.0,
                grade: 0.0,
            });
            q.rounds += 1;
            q.reviews += r.reviews;
            (q.bias, q.reliability, q.grade) = (r.bias, r.reliability, r.grade);
        }
    }
    let mut list: Vec<ReviewerQuality> = by.into_values().collect();
    list.sort_by(|a, b| a.grade.total_cmp(&b.grade));
    Ok(list)
}

#[derive(Debug, Clone)]
pub struct ExamSummary {
    pub exam: ExamRow,
    pub scores: Vec<f64>,
    pub mean: f64,
    pub passed: usize,
    pub histogram: Vec<usize>,
}

/// A trainee's submitted scores in the order they sat them.
#[derive(Debug, Clone)]
pub struct Trend {
    pub user: User,
    pub scores: Vec<(i64, f64)>,
}

#[derive(Debug, Clone)]
pub struct ItemLine {
    pub exam: ExamId,
    pub exam_title: String,
    pub position: i32,
    pub prompt: String,
    pub stats: ItemStats,
}

pub fn load(conn: &mut Conn, finals: &Finals, today: NaiveDate) -> Result<Dashboard, CohortError> {
    let cohorts = crate::db::cohorts::list(conn)?
        .into_iter()
        .map(|c| cohorts::board(conn, finals, c.id, today))
        .collect::<Result<Vec<_>, _>>()?;
    let all_exams = exams::list(conn)?;
    let sittings = stored::submitted(conn)?;
    let answers = stored::scored_answers(conn)?;
    let items = stored::items(conn)?;
    let people = users::list(conn)?;
    Ok(Dashboard {
        cohorts,
        exams: summaries(&all_exams, &sittings),
        trainees: trends(&people, &sittings),
        categories: stats::weakest(answers.iter().map(|a| (a.category.clone(), a.score))),
        criteria: criteria(&answers),
        items: item_lines(&all_exams, &items, &sittings, &answers),
        service: super::service::figures(conn)?,
        reviewers: reviewers(conn, &people)?,
    })
}

fn summaries(all: &[ExamRow], sittings: &[Sitting]) -> Vec<ExamSummary> {
    let mut out: Vec<ExamSummary> = all
        .iter()
        .filter_map(|exam| {
            let scores: Vec<f64> = sittings
                .iter()
                .filter(|s| s.exam == exam.id)
                .filter_map(|s| s.score)
                .collect();
            Some(ExamSummary {
                mean: stats::mean(&scores)?,
                passed: scores
                    .iter()
                    .filter(|s| crate::domain::exam::passed(**s, exam.pass_mark))
                    .count(),
                histogram: stats::histogram(&scores, BINS),
                scores,
                exam: exam.clone(),
            })
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.exam.id));
    out
}

fn trends(people: &[User], sittings: &[Sitting]) -> Vec<Trend> {
    people
        .iter()
        .filter(|u| u.role == Role::Trainee && u.active)
        .map(|u| Trend {
            user: u.clone(),
            scores: sittings
                .iter()
                .filter(|s| s.user == u.id)
                .filter_map(|s| s.score.map(|v| (s.submitted_at, v)))
                .collect(),
        })
        .collect()
}

fn criteria(answers: &[Scored]) -> Vec<(Check, f64, usize)> {
    stats::weakest(answers.iter().flat_map(|a| {
        a.checks
            .iter()
            .filter(|(_, expected, _)| *expected)
            .map(|(check, _, met)| (*check, if *met { 1.0 } else { 0.0 }))
    }))
}

fn item_lines(
    all: &[ExamRow],
    items: &[ItemInfo],
    sittings: &[Sitting],
    answers: &[Scored],
) -> Vec<ItemLine> {
    let exam_of: BTreeMap<i64, ExamId> =
        sittings.iter().map(|s| (s.attempt.get(), s.exam)).collect();
    let mut by_exam: BTreeMap<ExamId, Vec<Response>> = BTreeMap::new();
    for a in answers {
        if let Some(exam) = exam_of.get(&a.attempt.get()) {
            by_exam.entry(*exam).or_default().push(Response {
                attempt: a.attempt.get(),
                item: a.item.get(),
                score: a.score,
                ms: a.ms,
            });
        }
    }
    let mut out: Vec<ItemLine> = by_exam
        .into_iter()
        .flat_map(|(exam, responses)| {
            let title = all
                .iter()
                .find(|e| e.id == exam)
                .map_or_else(String::new, |e| e.title.clone());
            stats::items(&responses).into_iter().map(move |s| {
                let (position, prompt) = items
                    .iter()
                    .find(|i| i.id.get() == s.item)
                    .map_or((0, String::new()), |i| (i.position, i.prompt.clone()));
                ItemLine {
                    exam,
                    exam_title: title.clone(),
                    position,
                    prompt,
                    stats: s,
                }
            })
        })
        .collect();
    out.sort_by(|a, b| a.stats.facility.total_cmp(&b.stats.facility));
    out
}
