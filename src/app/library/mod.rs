//! The official reply-script library: the candidates for a question's script
//! (every answer to it in every exam, best first), publishing one — as
//! written or edited — as a new version with its provenance, and rolling back
//! to an earlier version (published again, so nothing is overwritten).

mod care;
mod matching;
pub mod rescore;
pub mod sheet;
pub use care::{
    add_alternate, day_of, end_of_day, flag_for_new_round, remove_alternate, set_care, Care,
};
pub use matching::{check_reply, entries, freshness, Matcher, Snapshot};

use std::collections::HashMap;

use crate::app::review::Finals;
use crate::db::columns::{AnswerId, ExamId};
use crate::db::scripts::{self, Candidate, NewVersion, Provenance};
use crate::db::{questions, review, write_tx, Conn, DbError};
use crate::domain::library;
use crate::domain::review::champion::{Bout, Verdict};
use crate::domain::types::{AnswerText, Invalid};

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The script holds phrases the team must not send.
    #[error("banned phrases: {}", .0.join(", "))]
    Banned(Vec<String>),
    /// The answer named as the source is not an answer to this question.
    #[error("not an answer to this question")]
    NotACandidate,
    /// A wording already finds a script (this one or another).
    #[error("wording already finds script {script}")]
    WordingTaken { script: i64, prompt: String },
    /// Another script already has this quick-reply shortcut.
    #[error("shortcut taken by script {script}")]
    ShortcutTaken { script: i64 },
    /// A shortcut must be one short word (it is typed in a chat window).
    #[error("bad shortcut")]
    BadShortcut,
    /// A script is looked after by an active lead.
    #[error("not a lead")]
    NotALead,
    /// The question has a script, and this answer has not beaten it in a
    /// review round where both stood (None: they never met).
    #[error("has not beaten the current script")]
    Unbeaten {
        /// The answer's peer result, and the script's, where they met.
        met: Option<(Option<f64>, Option<f64>)>,
        n: i32,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A candidate with its final score once a review round gave it one.
pub struct Ranked {
    pub candidate: Candidate,
    pub final_score: Option<f64>,
    /// How it fared against the question's current script, where the two
    /// met in a review round.
    pub bout: Option<Bout>,
}

impl Ranked {
    /// What it is ranked by: the final score, else the automatic one.
    pub fn score(&self) -> f64 {
        self.final_score.or(self.candidate.automatic).unwrap_or(0.0)
    }
}

/// Every answer to `question` in every exam, best first, each with its final
/// score where a round gave one, and its bout against the current script
/// where the two met.
pub fn candidates(conn: &mut Conn, finals: &Finals, question: i64) -> Result<Vec<Ranked>, DbError> {
    let found = scripts::candidates(conn, question)?;
    let mut exams: Vec<_> = found.iter().map(|c| c.exam_id).collect();
    exams.sort_unstable();
    exams.dedup();
    let finals: HashMap<AnswerId, f64> = finals.of_answers(conn, &exams)?;
    let mut bouts = bouts_with_current(conn, question)?;
    let mut ranked: Vec<Ranked> = found
        .into_iter()
        .map(|candidate| Ranked {
            final_score: finals.get(&candidate.answer_id).copied(),
            bout: bouts.remove(&candidate.answer_id.get()),
            candidate,
        })
        .collect();
    ranked.sort_by(|a, b| b.score().total_cmp(&a.score()));
    Ok(ranked)
}

/// The bouts against the current version of `question`'s script, by
/// challenger, from every round it stood in.
fn bouts_with_current(conn: &mut Conn, question: i64) -> Result<HashMap<i64, Bout>, DbError> {
    let Some(current) = scripts::current(conn, question)? else {
        return Ok(HashMap::new());
    };
    let record = record(conn, current.script_id)?;
    Ok(record
        .into_iter()
        .filter(|r| r.incumbent.version_n == current.n)
        .flat_map(|r| r.bouts)
        .map(|b| (b.challenger, b))
        .collect())
}

/// A round a script stood in: its exam, the version entered, and every
/// challenger's bout against it.
pub struct Stood {
    pub exam: ExamId,
    pub incumbent: review::IncumbentRow,
    pub bouts: Vec<Bout>,
}

/// The head-to-head record of `script`: every round it stood in, oldest first.
pub fn record(conn: &mut Conn, script: i64) -> Result<Vec<Stood>, DbError> {
    let rounds = review::rounds_of_script(conn, script)?;
    if rounds.is_empty() {
        return Ok(Vec::new());
    }
    let exams: Vec<ExamId> = rounds.iter().map(|(_, exam)| *exam).collect();
    Ok(crate::app::review::bouts_of_exams(conn, &exams)?
        .into_iter()
        .filter(|(_, incumbent, _)| incumbent.script_id == script)
        .map(|(exam, incumbent, bouts)| Stood {
            exam,
            incumbent,
            bouts,
        })
        .collect())
}

/// Whether `answer` (found among the candidates as `source`, if it is one)
/// may replace the script whose current version is `current`: it must have
/// beaten that version in a round where both stood. A question with no
/// script yet takes any candidate, and the current version's own source
/// answer is no challenger (publishing from it is the lead editing the
/// script).
fn challenge(
    current: Option<&scripts::VersionRow>,
    answer: AnswerId,
    source: Option<&Ranked>,
) -> Result<(), LibraryError> {
    let Some(current) = current else {
        return Ok(());
    };
    if current.answer_id == Some(answer) {
        return Ok(());
    }
    match source.and_then(|r| r.bout.as_ref()) {
        Some(b) if b.verdict() == Verdict::Won => Ok(()),
        met => Err(LibraryError::Unbeaten {
            met: met.map(|b| (b.challenger_result, b.incumbent_result)),
            n: current.n,
        }),
    }
}

/// What a lead publishes: the text, and the answer it came from, if any.
pub struct Publication<'a> {
    pub question: i64,
    pub text: &'a str,
    pub from: Option<AnswerId>,
    pub note: &'a str,
    pub by: i64,
    pub now: i64,
}

/// Publishes a new version of `p.question`'s script: the text checked (not
/// empty, not too long, no banned phrase), its provenance taken from the
/// answer it came from (edited when the words differ). The script's id and
/// the version's number.
pub fn publish(
    conn: &mut Conn,
    finals: &Finals,
    p: &Publication,
) -> Result<(i64, i32), LibraryError> {
    let text = AnswerText::parse(p.text)?.into_string();
    let banned = library::banned(&text, &[]);
    if !banned.is_empty() {
        return Err(LibraryError::Banned(banned));
    }
    write_tx(conn, |conn| {
        if questions::find_any(conn, p.question)?.is_none() {
            return Err(LibraryError::NotFound);
        }
        let from = match p.from {
            None => Provenance::written(),
            Some(answer) => {
                // One walk of the rounds gives both the candidate and its bout.
                let ranked = candidates(conn, finals, p.question)?;
                let source = ranked.iter().find(|r| r.candidate.answer_id == answer);
                let current = scripts::current(conn, p.question)?;
                challenge(current.as_ref(), answer, source)?;
                let source = source.ok_or(LibraryError::NotACandidate)?;
                Provenance {
                    answer_id: Some(answer),
                    author_id: Some(source.candidate.author_id),
                    exam_id: Some(source.candidate.exam_id),
                    automatic_score: source.candidate.automatic,
                    final_score: source.final_score,
                    edited: source.candidate.body.trim() != text,
                }
            }
        };
        let new = NewVersion {
            question_id: p.question,
            text: &text,
            from,
            note: p.note.trim(),
            by: p.by,
            now: p.now,
        };
        Ok(scripts::publish(conn, &new)?)
    })
}

/// Publishes version `n` of script `script` again, as its newest version,
/// with its provenance and a note saying so. The new version's number.
pub fn roll_back(
    conn: &mut Conn,
    script: i64,
    n: i32,
    note: &str,
    by: i64,
    now: i64,
) -> Result<i32, LibraryError> {
    write_tx(conn, |conn| {
        let found = scripts::find(conn, script)?.ok_or(LibraryError::NotFound)?;
        let versions = scripts::versions(conn, script)?;
        let old = versions
            .iter()
            .find(|v| v.n == n)
            .ok_or(LibraryError::NotFound)?;
        let new = NewVersion {
            question_id: found.question_id,
            text: &old.text,
            from: Provenance::of(old),
            note,
            by,
            now,
        };
        Ok(scripts::publish(conn, &new)?.1)
    })
}
