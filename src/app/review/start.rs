//! Starting a review round: who reviews what and which pairs are compared,
//! with the questions' official scripts entered among the answers.

use super::*;

/// How many "which would you send?" pairs each reviewer gets.
pub const COMPARISONS_PER_REVIEWER: usize = 2;

/// The team's rubric now: the newest stored version, or the default.
pub fn current_rubric(conn: &mut Conn) -> DbResult<Rubric> {
    match review::rubrics(conn)?.first() {
        Some(row) => Ok(row.rubric.clone()),
        None => Ok(Rubric::default()),
    }
}

/// A lead's request to start a closed exam's review round.
pub struct NewRound {
    pub exam_id: ExamId,
    /// Reviewers per answer.
    pub k: usize,
    pub due_at: i64,
    pub by: i64,
    /// Seeds the assignment, so a round can be replayed.
    pub seed: u64,
    pub now: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("no such exam")]
    NotFound,
    #[error("the exam is not closed")]
    NotClosed,
    #[error("{k} reviewers per answer need {need} trainees")]
    TooFew { need: usize, k: usize },
    #[error("the exam has a round already")]
    Exists,
    #[error(transparent)]
    Db(#[from] db::DbError),
}

/// Starts the round: k reviewers per answer and the comparison pairs, planned
/// by `domain::review::plan`, with the current rubric frozen into it. Where
/// an item's question has an official script, its current version enters
/// the round as one more anonymous answer (champion and challenger). All in
/// one transaction. Returns the round's id. The web and the demo both start
/// rounds here.
pub fn start_round(conn: &mut Conn, new: &NewRound) -> Result<RoundId, RoundError> {
    db::write_tx(conn, |conn| {
        let exam = crate::db::exams::find(conn, new.exam_id)?.ok_or(RoundError::NotFound)?;
        if exam.status != ExamStatus::Closed {
            return Err(RoundError::NotClosed);
        }
        let rows: Vec<(i64, i64, i64)> = review::answers_with_authors(conn, new.exam_id)?
            .iter()
            .map(|a| (a.answer.get(), a.author, a.item.get()))
            .collect();
        let round = review::NewRound {
            exam_id: new.exam_id,
            k: i32::try_from(new.k).unwrap_or(i32::MAX),
            // Stored for the record; i64 keeps every bit of the seed.
            seed: new.seed as i64,
            rubric: &current_rubric(conn)?,
            due_at: new.due_at,
            created_by: new.by,
        };
        let id = review::create_round(conn, &round, new.now)?.ok_or(RoundError::Exists)?;
        let answered: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let incumbents: Vec<(i64, i64)> = enter_scripts(conn, id, new, &answered)?
            .into_iter()
            .map(|(answer, item)| (answer.get(), item.get()))
            .collect();
        let plan = crate::domain::review::plan(
            &rows,
            &incumbents,
            new.k,
            COMPARISONS_PER_REVIEWER,
            new.seed,
        )
        .map_err(|e| match e {
            crate::domain::review::assign::AssignError::TooFewReviewers { need, k, .. } => {
                RoundError::TooFew { need, k }
            }
        })?;
        let reviews: Vec<(AnswerId, i64)> = plan
            .reviews
            .iter()
            .map(|&(answer, reviewer)| (AnswerId(answer), reviewer))
            .collect();
        let pairs: Vec<(i64, AnswerId, AnswerId)> = plan
            .comparisons
            .iter()
            .map(|&(reviewer, a, b)| (reviewer, AnswerId(a), AnswerId(b)))
            .collect();
        review::add_plan(conn, id, &reviews, &pairs)?;
        Ok(id)
    })
}

/// Enters the current version of the official script of each `answered`
/// item (an item nobody answered has no challenger) in round `id`: the
/// answers they stand as, with their items.
fn enter_scripts(
    conn: &mut Conn,
    id: RoundId,
    new: &NewRound,
    answered: &[i64],
) -> DbResult<Vec<(AnswerId, db::columns::ItemId)>> {
    let mut current = Vec::new();
    let items = db::exams::items(conn, new.exam_id)?;
    for item in items.iter().filter(|i| answered.contains(&i.id.get())) {
        if let Some(version) = db::scripts::current(conn, item.question_id)? {
            current.push((item.id, version));
        }
    }
    let entries: Vec<review::Entry> = current
        .iter()
        .map(|(item, v)| review::Entry {
            item: *item,
            script: v.script_id,
            n: v.n,
            text: &v.text,
        })
        .collect();
    review::enter(conn, id, new.exam_id, &entries, new.now)
}
