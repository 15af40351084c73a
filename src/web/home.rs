//! The home page: open exams, the reviewer's queue and notice, one's
//! results, and for a lead an inbox of what waits for them and the exams
//! they run.

use actix_web::HttpResponse;
use serde::Serialize;

use super::pages::ExamView;
use super::render::{local_time, Page, Trainee};
use crate::app;
use crate::db::columns::{ExamId, ExamStatus, ImportStatus};
use crate::db::{attempts, exams, imports, review};
use crate::domain::exam;
use crate::domain::types::Role;
use crate::error::AppError;

pub async fn home(Trainee { ctx, me }: Trainee) -> Result<HttpResponse, AppError> {
    let is_lead = me.role >= Role::Lead;
    let now = crate::db::now_ms();
    let state = ctx.state.clone();
    let (all, mine, finals, (queue, comparisons), (inbox, featured), (path, in_cohorts)) = ctx
        .db(move |conn| {
            let mine = attempts::for_user(conn, me.id)?;
            let done: Vec<ExamId> = mine
                .iter()
                .filter(|a| a.submitted_at.is_some())
                .map(|a| a.exam_id)
                .collect();
            Ok((
                exams::list(conn)?,
                mine,
                state.finals.of_attempts(conn, &done)?,
                (
                    review::queue(conn, me.id)?,
                    review::comparison_queue(conn, me.id)?,
                ),
                (
                    if is_lead {
                        Some(Inbox::load(conn, me.id, now)?)
                    } else {
                        None
                    },
                    app::featured::current(conn)?,
                ),
                (
                    app::cohorts::path_of(conn, &state.finals, me.id, app::cohorts::today())?,
                    crate::db::cohorts::all_exam_ids(conn)?,
                ),
            ))
        })
        .await?;
    let notice = Notice::of(&queue, &comparisons, now);
    let reviews = queued_reviews(&queue, now);
    // A cohort's exams are on its members' path, not in everyone's list.
    let open = all
        .iter()
        .filter(|e| e.status == ExamStatus::Open && !in_cohorts.contains(&e.id))
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
        .map(|(a, e)| {
            let final_score = finals.get(&a.id).copied();
            let counted = final_score.or(a.score).unwrap_or(0.0);
            DoneExam {
                exam: ExamView::of(e),
                attempt: AttemptRef::of(a),
                final_score,
                passed: exam::passed(counted, e.pass_mark),
            }
        })
        .collect();
    let managed = if is_lead {
        all.iter().map(ExamView::of).collect()
    } else {
        vec![]
    };
    let path = path
        .as_ref()
        .and_then(|b| super::cohorts::MyPath::of(b, &ctx.state.catalog, ctx.lang));
    ctx.render(&HomePage {
        path,
        notice,
        // A lead or admin sees the trainee's parts only once they sit exams.
        takes_exams: !is_lead || !mine.is_empty(),
        open,
        queue: reviews,
        comparisons,
        done,
        inbox,
        managed,
        featured: super::featured::summary(featured),
    })
}

#[derive(Serialize)]
struct HomePage {
    /// A new hire's training path, if they follow one.
    path: Option<super::cohorts::MyPath>,
    notice: Notice,
    takes_exams: bool,
    open: Vec<OpenExam>,
    queue: Vec<QueuedReview>,
    comparisons: Vec<QueuedComparison>,
    done: Vec<DoneExam>,
    inbox: Option<Inbox>,
    managed: Vec<ExamView>,
    /// The product of the week, for everyone.
    featured: Option<super::featured::FeaturedBox>,
}

impl Page for HomePage {
    const TEMPLATE: &'static str = "home";
    const TITLE: &'static str = "home.title";
}

/// What waits for a lead today, each a link: appeals to decide, answers only
/// their grade can score, rounds closing within a day, imports finished in
/// the last week, their scripts due for review.
#[derive(Serialize)]
struct Inbox {
    appeals: Vec<review::ExamCount>,
    to_grade: Vec<review::ExamCount>,
    rounds_due: Vec<RoundDue>,
    imports: Vec<FinishedImport>,
    /// Scripts this lead owns whose review date has passed.
    scripts_due: Vec<ScriptDue>,
    empty: bool,
}

#[derive(Serialize)]
struct ScriptDue {
    id: i64,
    prompt: String,
    overdue: bool,
    /// Imported chats flagged it for a new round.
    flagged: bool,
}

#[derive(Serialize)]
struct RoundDue {
    exam: ExamId,
    title: String,
    due: String,
}

#[derive(Serialize)]
struct FinishedImport {
    id: i64,
    file_name: String,
    finished: String,
    failed: bool,
}

/// How long a finished import stays in the inbox.
const IMPORT_DAYS: i64 = 7;

impl Inbox {
    fn load(conn: &mut crate::db::Conn, me: i64, now: i64) -> crate::db::DbResult<Inbox> {
        let appeals = review::open_appeals(conn)?;
        let to_grade = review::needing_lead(conn, now)?;
        let rounds_due: Vec<RoundDue> = review::rounds_due(conn, now, now + DAY_MS)?
            .into_iter()
            .map(|r| RoundDue {
                exam: r.exam,
                title: r.title,
                due: local_time(r.due_at),
            })
            .collect();
        let imports: Vec<FinishedImport> = imports::imports(conn, 20)?
            .into_iter()
            .filter_map(|i| {
                let finished = i.finished_at.filter(|t| now - t < IMPORT_DAYS * DAY_MS)?;
                Some(FinishedImport {
                    id: i.id,
                    file_name: i.file_name,
                    finished: local_time(finished),
                    failed: i.status == ImportStatus::Failed,
                })
            })
            .take(5)
            .collect();
        let scripts_due: Vec<ScriptDue> = crate::db::scripts::needing_care(conn, me, now)?
            .into_iter()
            .map(|(script, prompt)| ScriptDue {
                id: script.id,
                prompt,
                overdue: script.review_by.is_some_and(|t| t < now),
                flagged: script.flagged_at.is_some(),
            })
            .collect();
        let empty = appeals.is_empty()
            && to_grade.is_empty()
            && rounds_due.is_empty()
            && imports.is_empty()
            && scripts_due.is_empty();
        Ok(Inbox {
            appeals,
            to_grade,
            rounds_due,
            imports,
            scripts_due,
            empty,
        })
    }
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
    fn of(queue: &[review::Queued], comparisons: &[review::QueuedComparison], now: i64) -> Notice {
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
fn queued_reviews(queue: &[review::Queued], now: i64) -> Vec<QueuedReview> {
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
    review: review::Queued,
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
    /// Its score is the automatic one, part of the final once reviewed.
    attempt: AttemptRef,
    final_score: Option<f64>,
    /// On the final score once there is one.
    passed: bool,
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    use crate::db::columns::AttemptId;
    let attempt = || AttemptRef {
        id: AttemptId(4),
        score: Some(72.5),
    };
    let catalog = crate::web::i18n::Catalog::load().unwrap_or_else(|e| unreachable!("{e}"));
    let board = super::cohorts::sample_board();
    out.add(&HomePage {
        path: super::cohorts::MyPath::of(&board, &catalog, "zh-CN"),
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
            review: review::Queued {
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
        done: vec![
            DoneExam {
                exam: ExamView::sample(),
                attempt: attempt(),
                final_score: Some(0.0),
                passed: true,
            },
            DoneExam {
                exam: ExamView::sample(),
                attempt: attempt(),
                final_score: None,
                passed: false,
            },
        ],
        takes_exams: true,
        inbox: Some(Inbox {
            appeals: vec![review::ExamCount {
                exam: ExamId(1),
                title: "售后".into(),
                waiting: 1,
            }],
            to_grade: vec![review::ExamCount {
                exam: ExamId(1),
                title: "售后".into(),
                waiting: 3,
            }],
            rounds_due: vec![RoundDue {
                exam: ExamId(2),
                title: "售前".into(),
                due: "2026-12-01 18:00".into(),
            }],
            imports: vec![FinishedImport {
                id: 3,
                file_name: "十一月.csv".into(),
                finished: "2026-11-30 09:00".into(),
                failed: false,
            }],
            scripts_due: vec![ScriptDue {
                id: 1,
                prompt: "什么时候发货".into(),
                overdue: true,
                flagged: true,
            }],
            empty: false,
        }),
        managed: vec![ExamView::sample()],
        featured: super::featured::summary(Some(crate::db::featured::Stored {
            week: "2026-W49".into(),
            featured: crate::domain::featured::Featured {
                product: "羽绒服A款".into(),
                points: vec!["90%白鸭绒".into()],
                pitches: vec![],
            },
            set_by: 1,
            set_at: 0,
        })),
    });
}
