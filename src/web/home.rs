//! The home page: open exams, the reviewer's queue and notice, one's
//! results, and for a lead the exams they run and the answers waiting for them.

use actix_web::HttpResponse;
use serde::Serialize;

use super::pages::ExamView;
use super::render::{local_time, Page, Trainee};
use crate::db::columns::ExamStatus;
use crate::db::{attempts, exams};
use crate::domain::exam;
use crate::domain::types::Role;
use crate::error::AppError;

pub async fn home(Trainee { ctx, me }: Trainee) -> Result<HttpResponse, AppError> {
    let is_lead = me.role >= Role::Lead;
    let now = crate::db::now_ms();
    let (all, mine, (queue, comparisons, lead_queue)) = ctx
        .db(move |conn| {
            Ok((
                exams::list(conn)?,
                attempts::for_user(conn, me.id)?,
                (
                    crate::db::review::queue(conn, me.id)?,
                    crate::db::review::comparison_queue(conn, me.id)?,
                    if is_lead {
                        crate::db::review::needing_lead(conn, now)?
                    } else {
                        Vec::new()
                    },
                ),
            ))
        })
        .await?;
    let notice = Notice::of(&queue, &comparisons, now);
    let reviews = queued_reviews(&queue, now);
    let open = all
        .iter()
        .filter(|e| e.status == ExamStatus::Open)
        .map(|e| {
            let attempt = mine.iter().find(|a| a.exam_id == e.id);
            OpenExam {
                exam: ExamView::of(e),
                attempt: attempt.map(AttemptRef::of),
                submitted: attempt.is_some_and(|a| a.submitted_at.is_some()),
            }
        })
        .collect();
    let comparisons = comparisons
        .iter()
        .map(|q| QueuedComparison {
            id: q.comparison.id,
            exam_title: q.exam_title.clone(),
            due: local_time(q.due_at),
            overdue: now > q.due_at,
        })
        .collect();
    let done = mine
        .iter()
        .filter(|a| a.submitted_at.is_some())
        .filter_map(|a| all.iter().find(|e| e.id == a.exam_id).map(|e| (a, e)))
        .map(|(a, e)| DoneExam {
            exam: ExamView::of(e),
            attempt: AttemptRef::of(a),
            passed: exam::passed(a.score.unwrap_or(0.0), e.pass_mark),
        })
        .collect();
    let managed = if is_lead {
        all.iter().map(ExamView::of).collect()
    } else {
        vec![]
    };
    ctx.render(&HomePage {
        notice,
        open,
        queue: reviews,
        comparisons,
        done,
        lead_queue,
        managed,
    })
}

#[derive(Serialize)]
struct HomePage {
    notice: Notice,
    open: Vec<OpenExam>,
    queue: Vec<QueuedReview>,
    comparisons: Vec<QueuedComparison>,
    done: Vec<DoneExam>,
    lead_queue: Vec<crate::db::review::LeadQueue>,
    managed: Vec<ExamView>,
}

impl Page for HomePage {
    const TEMPLATE: &'static str = "home";
    const TITLE: &'static str = "home.title";
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Reviews and comparisons waiting, closing within a day, and missed: what
/// the reviewer is told at the top of the page.
#[derive(Serialize)]
struct Notice {
    open: usize,
    soon: usize,
    missed: usize,
}

impl Notice {
    fn of(
        queue: &[crate::db::review::Queued],
        comparisons: &[crate::db::review::QueuedComparison],
        now: i64,
    ) -> Notice {
        let dues: Vec<i64> = queue
            .iter()
            .map(|q| q.due_at)
            .chain(comparisons.iter().map(|c| c.due_at))
            .collect();
        Notice {
            open: dues.iter().filter(|d| now <= **d).count(),
            soon: dues
                .iter()
                .filter(|d| now <= **d && **d - now < DAY_MS)
                .count(),
            missed: dues.iter().filter(|d| now > **d).count(),
        }
    }
}

/// The reviewer's queue; two answers to one question are told apart by a number.
fn queued_reviews(queue: &[crate::db::review::Queued], now: i64) -> Vec<QueuedReview> {
    queue
        .iter()
        .map(|q| {
            let same: Vec<i64> = queue
                .iter()
                .filter(|o| o.exam_title == q.exam_title && o.position == q.position)
                .map(|o| o.id)
                .collect();
            let nth = same.iter().take_while(|id| **id != q.id).count() + 1;
            QueuedReview {
                review: q.clone(),
                nth: (same.len() > 1).then_some(nth),
                due: local_time(q.due_at),
                overdue: now > q.due_at,
                due_soon: now <= q.due_at && q.due_at - now < DAY_MS,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct OpenExam {
    exam: ExamView,
    attempt: Option<AttemptRef>,
    submitted: bool,
}

#[derive(Serialize)]
struct AttemptRef {
    id: crate::db::columns::AttemptId,
    score: Option<f64>,
}

impl AttemptRef {
    fn of(a: &attempts::AttemptRow) -> AttemptRef {
        AttemptRef {
            id: a.id,
            score: a.score,
        }
    }
}

#[derive(Serialize)]
struct QueuedReview {
    review: crate::db::review::Queued,
    /// Which of several answers to the same question, when there are several.
    nth: Option<usize>,
    due: String,
    overdue: bool,
    due_soon: bool,
}

#[derive(Serialize)]
struct QueuedComparison {
    id: i64,
    exam_title: String,
    due: String,
    overdue: bool,
}

#[derive(Serialize)]
struct DoneExam {
    exam: ExamView,
    attempt: AttemptRef,
    passed: bool,
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    use crate::db::columns::{AttemptId, ExamId};
    let attempt = || AttemptRef {
        id: AttemptId(4),
        score: Some(72.5),
    };
    out.add(&HomePage {
        notice: Notice {
            open: 2,
            soon: 1,
            missed: 1,
        },
        open: vec![OpenExam {
            exam: ExamView::sample(),
            attempt: Some(attempt()),
            submitted: false,
        }],
        queue: vec![QueuedReview {
            review: crate::db::review::Queued {
                id: 9,
                exam_title: "售后".into(),
                position: 2,
                due_at: 0,
            },
            nth: Some(2),
            due: "2026-12-01 18:00".into(),
            overdue: false,
            due_soon: true,
        }],
        comparisons: vec![QueuedComparison {
            id: 5,
            exam_title: "售后".into(),
            due: "2026-12-01 18:00".into(),
            overdue: true,
        }],
        done: vec![DoneExam {
            exam: ExamView::sample(),
            attempt: attempt(),
            passed: true,
        }],
        lead_queue: vec![crate::db::review::LeadQueue {
            exam: ExamId(1),
            title: "售后".into(),
            waiting: 3,
        }],
        managed: vec![ExamView::sample()],
    });
}
