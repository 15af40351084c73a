//! Finding the official scripts for a customer's message. The index over
//! every script's wordings (question, alternates, mined group members) is
//! kept in memory and rebuilt only when the library changed: before each
//! match one cheap statement (`db::scripts::stamp`) tells, so every instance
//! sharing a database stays in step with publications made on another.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::db::scripts::{self, Listed};
use crate::db::{alternates, questions, Conn, DbError};
use crate::domain::library::{self, Entry, Index, Match, ReplyCheck};
use crate::domain::mining::matchkey::Synonyms;

/// Below this likeness a script shares a stray word with the message, not its
/// question: it is not offered (nor held up as the official answer).
pub const MIN_SCORE: f64 = 0.1;

/// How many members of a mined group a script is also found by.
const GROUP_WORDINGS: usize = 50;

/// The library as one match sees it.
pub struct Snapshot {
    pub listed: Vec<Listed>,
    index: Index,
    by_id: HashMap<i64, usize>,
}

impl Snapshot {
    fn build(conn: &mut Conn, synonyms: &Synonyms) -> Result<Snapshot, DbError> {
        let listed = scripts::library(conn)?;
        let index = Index::build(&entries(conn, &listed)?, synonyms);
        let by_id = listed
            .iter()
            .enumerate()
            .map(|(i, l)| (l.script.id, i))
            .collect();
        Ok(Snapshot {
            listed,
            index,
            by_id,
        })
    }

    /// The `top` scripts that best answer `message`, best first.
    pub fn find(&self, message: &str, synonyms: &Synonyms, top: usize) -> Vec<(Match, &Listed)> {
        self.index
            .best(message, synonyms, top)
            .into_iter()
            .filter(|m| m.score >= MIN_SCORE)
            .filter_map(|m| {
                let listed = &self.listed[*self.by_id.get(&m.script)?];
                Some((m, listed))
            })
            .collect()
    }
}

type Stamp = (i64, i64);

/// The process's matching index, shared by every request.
#[derive(Default)]
pub struct Matcher {
    current: RwLock<Option<(Stamp, Arc<Snapshot>)>>,
}

impl Matcher {
    /// The library as it stands now: the kept snapshot while nothing has
    /// changed, else a new one.
    pub fn snapshot(&self, conn: &mut Conn, synonyms: &Synonyms) -> Result<Arc<Snapshot>, DbError> {
        let stamp = scripts::stamp(conn)?;
        if let Ok(current) = self.current.read() {
            if let Some((kept, snapshot)) = current.as_ref() {
                if *kept == stamp {
                    return Ok(snapshot.clone());
                }
            }
        }
        // Built from rows read after the stamp: at worst newer than it says,
        // and then rebuilt once more on the next match.
        let snapshot = Arc::new(Snapshot::build(conn, synonyms)?);
        if let Ok(mut current) = self.current.write() {
            *current = Some((stamp, snapshot.clone()));
        }
        Ok(snapshot)
    }
}

/// The library's scripts with the wordings each is found by: its question,
/// its alternates, and for a mined group's question the group's most asked
/// members.
pub fn entries(conn: &mut Conn, listed: &[Listed]) -> Result<Vec<Entry>, DbError> {
    let mut alternates_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (script, text) in alternates::all(conn)? {
        alternates_of.entry(script).or_default().push(text);
    }
    let mut out = Vec::with_capacity(listed.len());
    for l in listed {
        let mut wordings = vec![l.prompt.clone()];
        wordings.extend(alternates_of.remove(&l.script.id).unwrap_or_default());
        if let Some(cluster) = mined_group(conn, l.script.question_id)? {
            let members = crate::db::mining::questions_of(conn, cluster)?;
            wordings.extend(members.into_iter().take(GROUP_WORDINGS).map(|m| m.text));
        }
        out.push(Entry {
            script: l.script.id,
            wordings,
        });
    }
    Ok(out)
}

/// Whether a script needs a new round, from the chats imported for its
/// question's mined group: its weekly volume, and how far the team's real
/// replies are from the script. Nothing to say for a bank question.
pub fn freshness(
    conn: &mut Conn,
    question: i64,
    script_text: &str,
) -> Result<library::Freshness, DbError> {
    let Some(cluster) = mined_group(conn, question)? else {
        return Ok(library::Freshness::default());
    };
    let weekly: Vec<i64> = crate::db::mining::weeks_of(conn, Some(&[cluster]))?
        .remove(&cluster)
        .unwrap_or_default()
        .into_values()
        .collect();
    let (earlier, newest) = crate::db::mining::replies_then_and_now(conn, cluster)?;
    let scored = match crate::domain::scoring::Question::new(
        &[script_text.to_string()],
        crate::domain::rubric::Settings::default(),
    ) {
        Ok(q) => {
            let scores = |replies: &[String]| -> Vec<f64> {
                replies.iter().map(|r| q.score(r).score).collect()
            };
            (scores(&earlier), scores(&newest))
        }
        Err(_) => Default::default(),
    };
    Ok(library::freshness(&weekly, &scored.0, &scored.1))
}

/// The mined group a question stands for, if it is one.
fn mined_group(conn: &mut Conn, question: i64) -> Result<Option<i64>, DbError> {
    Ok(questions::find_any(conn, question)?
        .filter(|q| q.bank_slug == questions::MINED_BANK)
        .and_then(|q| questions::mined_cluster(&q.qkey)))
}

/// An agent's draft `reply` to a customer's `message`, checked against the
/// rubric and against the official script the message finds, if any.
pub fn check_reply(
    conn: &mut Conn,
    matcher: &Matcher,
    synonyms: &Synonyms,
    message: &str,
    reply: &str,
) -> Result<(Option<(Match, Listed)>, ReplyCheck), DbError> {
    let snapshot = matcher.snapshot(conn, synonyms)?;
    let found = snapshot
        .find(message, synonyms, 1)
        .into_iter()
        .next()
        .map(|(m, l)| (m, l.clone()));
    let checked = library::check_reply(reply, found.as_ref().map(|(_, l)| l.current.text.as_str()));
    Ok((found, checked))
}
