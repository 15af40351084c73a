//! An exam's life: creating it from questions, opening it, closing it (which
//! submits every attempt still in progress with what it saved), and reopening
//! it until peer review starts.

use crate::db::attempts::{self, SubmittedBy};
use crate::db::columns::{ExamId, ExamStatus, ItemId};
use crate::db::questions::Question;
use crate::db::{exams, mining, review, scripts, write_tx, Conn, DbError};

/// What a lead may do to an exam's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    Open,
    Close,
    Reopen,
}

impl StatusAction {
    pub fn parse(s: &str) -> Option<StatusAction> {
        match s {
            "open" => Some(StatusAction::Open),
            "close" => Some(StatusAction::Close),
            "reopen" => Some(StatusAction::Reopen),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExamError {
    #[error("no such exam")]
    NotFound,
    #[error("the exam's status does not allow this")]
    WrongStatus,
    /// Item `position` has no reference answer, so it could not be scored.
    #[error("item {position} has no reference answer")]
    NoReference { position: i32 },
    #[error("peer review has started")]
    ReviewStarted,
    #[error("an exam needs at least one question")]
    NoQuestions,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A draft exam of `questions`, in order. Each item's references are its
/// question's, plus the better replies of appeals upheld on that question, so
/// what a trainee showed to be better is scored as right the next time.
pub fn create(
    conn: &mut Conn,
    new: &exams::NewExam,
    questions: &[Question],
) -> Result<ExamId, ExamError> {
    if questions.is_empty() {
        return Err(ExamError::NoQuestions);
    }
    write_tx(conn, |conn| {
        let items = with_references(conn, questions)?;
        Ok(exams::create(conn, new, &items)?)
    })
}

/// Each question with the references its item starts with: the current
/// version of its official script first (the loop the library closes: what
/// the team published is what the next exam is scored against; older
/// versions no longer count), then its own, then the better replies of
/// appeals upheld on it, each text once.
fn with_references<'q>(
    conn: &mut Conn,
    questions: &'q [Question],
) -> Result<Vec<(&'q Question, Vec<String>)>, DbError> {
    let mut items = Vec::with_capacity(questions.len());
    for q in questions {
        let current = scripts::current(conn, q.id)?.map(|v| v.text);
        let mut own = q.references.clone();
        own.extend(review::upheld_better_answers(conn, q.id)?);
        let references = crate::domain::library::item_references(current.as_deref(), &[], &own);
        items.push((q, references));
    }
    Ok(items)
}

/// A draft as the lead's editor sends it: settings, the items kept in their
/// new order, and the bank questions to add after them.
pub struct DraftInput {
    pub title: String,
    pub time_limit_min: i32,
    pub pass_mark: i32,
    pub kept: Vec<exams::ItemEdit>,
    pub add: Vec<i64>,
}

/// Saves a draft exam's editor in one transaction. An exam left without a
/// question is refused; so is any exam no longer a draft.
pub fn save_draft(conn: &mut Conn, id: ExamId, input: DraftInput) -> Result<(), ExamError> {
    write_tx(conn, |conn| {
        let added = crate::db::questions::find_active(conn, &input.add)?;
        if input.kept.is_empty() && added.is_empty() {
            return Err(ExamError::NoQuestions);
        }
        let edit = exams::DraftEdit {
            title: input.title,
            time_limit_min: input.time_limit_min,
            pass_mark: input.pass_mark,
            kept: input.kept,
            added: with_references(conn, &added)?,
        };
        if !exams::save_draft(conn, id, &edit)? {
            exams::find(conn, id)?.ok_or(ExamError::NotFound)?;
            return Err(ExamError::WrongStatus);
        }
        Ok(())
    })
}

/// Deletes a draft exam; an exam once opened is refused.
pub fn delete_draft(conn: &mut Conn, id: ExamId) -> Result<(), ExamError> {
    exams::find(conn, id)?.ok_or(ExamError::NotFound)?;
    if !exams::delete_draft(conn, id)? {
        return Err(ExamError::WrongStatus);
    }
    Ok(())
}

/// Which question groups an exam is built from.
pub enum Clusters {
    /// The `n` most asked, of one category if given.
    Top { n: usize, category: Option<String> },
    /// These, in this order.
    These(Vec<i64>),
}

/// Agent answers of a question group that become its item's references.
const REFERENCES: usize = 5;

/// A draft exam of mined question groups: each becomes a question (its name
/// the prompt, its tags, its agents' first answers as references), refreshed
/// from the group as it stands now.
pub fn from_clusters(
    conn: &mut Conn,
    new: &exams::NewExam,
    pick: &Clusters,
) -> Result<ExamId, ExamError> {
    write_tx(conn, |conn| {
        let all = mining::clusters(conn)?;
        let chosen: Vec<&mining::ClusterRow> = match pick {
            Clusters::Top { n, category } => all
                .iter()
                .filter(|c| category.is_none() || c.tags().1 == category.as_deref())
                .take(*n)
                .collect(),
            Clusters::These(ids) => ids
                .iter()
                .filter_map(|id| all.iter().find(|c| c.id == *id))
                .collect(),
        };
        let mut questions = Vec::with_capacity(chosen.len());
        for c in chosen {
            // Agents often send the same reply word for word: each counts once.
            let mut references = crate::domain::text::distinct(mining::answers_of(conn, c.id)?);
            references.truncate(REFERENCES);
            let (scene, category, _) = c.tags();
            questions.push(crate::db::questions::upsert_mined(
                conn,
                c.id,
                c.name(),
                (scene.unwrap_or(""), category.unwrap_or("")),
                &references,
            )?);
        }
        create(conn, new, &questions)
    })
}

/// What a status change did, for the lead's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed {
    pub now: ExamStatus,
    /// Attempts submitted by a closing, or given back by a reopening.
    pub attempts: usize,
}

/// Applies `action` to exam `id` in one transaction: a refusal undoes it all.
pub fn change_status(
    conn: &mut Conn,
    id: ExamId,
    action: StatusAction,
    now: i64,
) -> Result<Changed, ExamError> {
    write_tx(conn, |conn| apply(conn, id, action, now))
}

fn apply(
    conn: &mut Conn,
    id: ExamId,
    action: StatusAction,
    now: i64,
) -> Result<Changed, ExamError> {
    exams::find(conn, id)?.ok_or(ExamError::NotFound)?;
    match action {
        StatusAction::Open => {
            // An item without a reference answer could not be scored.
            let items = exams::items(conn, id)?;
            if let Some(bare) = items
                .iter()
                .find(|i| crate::app::grading::question(i).is_err())
            {
                return Err(ExamError::NoReference {
                    position: bare.position,
                });
            }
            moved(exams::transition(
                conn,
                id,
                ExamStatus::Draft,
                ExamStatus::Open,
            )?)?;
            Ok(Changed {
                now: ExamStatus::Open,
                attempts: 0,
            })
        }
        StatusAction::Close => {
            moved(exams::transition(
                conn,
                id,
                ExamStatus::Open,
                ExamStatus::Closed,
            )?)?;
            Ok(Changed {
                now: ExamStatus::Closed,
                attempts: submit_in_progress(conn, id, now)?,
            })
        }
        StatusAction::Reopen => {
            if review::round_for_exam(conn, id)?.is_some() {
                return Err(ExamError::ReviewStarted);
            }
            moved(exams::transition(
                conn,
                id,
                ExamStatus::Closed,
                ExamStatus::Open,
            )?)?;
            Ok(Changed {
                now: ExamStatus::Open,
                attempts: attempts::reopen_closed_by_lead(conn, id, now)?,
            })
        }
    }
}

fn moved(changed: bool) -> Result<(), ExamError> {
    if changed {
        Ok(())
    } else {
        Err(ExamError::WrongStatus)
    }
}

/// Submits every attempt of the exam still in progress with the answers it
/// saved (unanswered questions score 0), as the trainee's own submission would.
fn submit_in_progress(conn: &mut Conn, exam: ExamId, now: i64) -> Result<usize, DbError> {
    let items = exams::items(conn, exam)?;
    let mut submitted = 0;
    for attempt in attempts::in_progress(conn, exam)? {
        let bodies: Vec<(ItemId, String)> = attempts::answers(conn, attempt.id)?
            .into_iter()
            .map(|a| (a.item_id, a.body))
            .collect();
        if crate::app::grading::submit(
            conn,
            attempt.id,
            &items,
            &bodies,
            now,
            SubmittedBy::ClosingLead,
        )? {
            submitted += 1;
        }
    }
    Ok(submitted)
}
