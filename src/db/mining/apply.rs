//! Storing an import's merge plan. Rows go in as multi-row statements of up to
//! `CHUNK` rows: on PostgreSQL every statement is a round trip, and one per row
//! made storing 1 M messages take 38 s there against 5 s on SQLite.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::super::imports::{heartbeat, Lease};
use super::super::schema::{
    mined_answers, mined_clusters, mined_questions, mined_replies, mined_weeks,
};
use super::super::{on_conn, write_tx, Conn, DbError, DbResult};
use super::QuestionRow;
use crate::domain::mining::incremental::{Home, Known, Plan};
use crate::domain::mining::mine::{Asked, Label};

/// Candidate answers kept per question.
const ANSWERS_PER_QUESTION: i64 = 3;
/// Rows per statement: well under both engines' limits on bound values
/// (SQLite 32,766, PostgreSQL 65,535) at five values a row.
const CHUNK: usize = 1_000;

/// What an import changed.
#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Applied {
    pub new_clusters: usize,
    pub grown_clusters: usize,
    pub new_questions: usize,
}

/// Which of an import's questions keep a sample of their replies: those in
/// groups with an official script (stored questions by id, new ones by the
/// group they join).
#[derive(Debug, Default)]
pub struct Sampled {
    pub clusters: HashSet<i64>,
    pub questions: HashSet<i64>,
}

impl Sampled {
    /// The questions of `known` in `clusters`, and the clusters themselves.
    pub fn of(clusters: HashSet<i64>, known: &[Known]) -> Sampled {
        let questions = known
            .iter()
            .filter(|k| clusters.contains(&k.cluster))
            .map(|k| k.id)
            .collect();
        Sampled {
            clusters,
            questions,
        }
    }
}

/// The rows an import adds under its questions, gathered to be written in
/// chunks.
#[derive(Default)]
struct Children {
    weeks: Vec<(i64, String, i64)>,
    answers: Vec<(i64, String)>,
    replies: Vec<(i64, String)>,
}

impl Children {
    fn add(&mut self, question: i64, asked: &Asked, answer_room: i64, sampled: bool) {
        self.weeks.extend(
            asked
                .weeks
                .iter()
                .map(|(monday, n)| (question, monday.to_string(), i64::from(*n))),
        );
        self.answers.extend(
            asked
                .answers
                .iter()
                .take(answer_room.max(0) as usize)
                .map(|a| (question, a.clone())),
        );
        if sampled {
            self.replies
                .extend(asked.replies.iter().map(|r| (question, r.clone())));
        }
    }
}

/// Applies a merge plan in one transaction: new clusters, new and grown
/// questions with their weeks and answers, and the recomputed labels. The
/// transaction first renews the import's lease, so a process that lost its
/// import to another writes nothing, and one that holds it commits with a
/// fresh heartbeat (no one can take it over while the merge waits to commit).
/// Returns the ids of the plan's new clusters too, in its order.
pub fn apply(
    conn: &mut Conn,
    lease: Lease,
    plan: &Plan,
    answers: &HashMap<i64, i64>,
    sampled: &Sampled,
    now: i64,
) -> DbResult<(Applied, Vec<i64>)> {
    write_tx(conn, |conn| {
        if !heartbeat(conn, lease, now)? {
            return Err(DbError::LeaseLost);
        }
        let mut new_ids = Vec::with_capacity(plan.new_clusters.len());
        for label in &plan.new_clusters {
            new_ids.push(insert_cluster(conn, label, now)?);
        }
        let mut children = Children::default();
        grow_questions(conn, &plan.grown)?;
        for (question, asked) in &plan.grown {
            let room = ANSWERS_PER_QUESTION - answers.get(question).copied().unwrap_or(0);
            let sample = sampled.questions.contains(question);
            children.add(*question, asked, room, sample);
        }
        let homes: Vec<i64> = plan
            .fresh
            .iter()
            .map(|(home, _)| match home {
                Home::Stored(id) => *id,
                Home::New(i) => new_ids[*i],
            })
            .collect();
        let ids = insert_questions(conn, &homes, &plan.fresh)?;
        for ((id, cluster), (_, asked)) in ids.iter().zip(&homes).zip(&plan.fresh) {
            let sample = sampled.clusters.contains(cluster);
            children.add(*id, asked, ANSWERS_PER_QUESTION, sample);
        }
        insert_children(conn, &children, lease.id)?;
        for (cluster, label) in &plan.relabelled {
            on_conn!(conn, c => diesel::update(mined_clusters::table.find(cluster))
                .set((
                    mined_clusters::representative.eq(&label.representative),
                    mined_clusters::scene.eq(label.tags.scene.map(|s| s.key())),
                    mined_clusters::category.eq(label.tags.category.map(|s| s.key())),
                    mined_clusters::department.eq(label.tags.department.key()),
                    mined_clusters::updated_at.eq(now),
                ))
                .execute(c))?;
        }
        let touched: Vec<i64> = plan
            .relabelled
            .iter()
            .map(|(c, _)| *c)
            .chain(new_ids.iter().copied())
            .collect();
        sum_up(conn, &touched)?;
        let applied = Applied {
            new_clusters: new_ids.len(),
            grown_clusters: plan.relabelled.len(),
            new_questions: plan.fresh.len(),
        };
        Ok((applied, new_ids))
    })
}

fn insert_cluster(conn: &mut Conn, label: &Label, now: i64) -> DbResult<i64> {
    Ok(
        on_conn!(conn, c => diesel::insert_into(mined_clusters::table)
        .values((
            mined_clusters::representative.eq(&label.representative),
            mined_clusters::scene.eq(label.tags.scene.map(|s| s.key())),
            mined_clusters::category.eq(label.tags.category.map(|s| s.key())),
            mined_clusters::department.eq(label.tags.department.key()),
            mined_clusters::asked.eq(0),
            mined_clusters::created_at.eq(now),
            mined_clusters::updated_at.eq(now),
        ))
        .returning(mined_clusters::id)
        .get_result(c))?,
    )
}

/// Inserts the fresh questions, `homes[i]` being the cluster of `fresh[i]`,
/// and returns their ids in the same order.
fn insert_questions(conn: &mut Conn, homes: &[i64], fresh: &[(Home, Asked)]) -> DbResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(fresh.len());
    for (homes, fresh) in homes.chunks(CHUNK).zip(fresh.chunks(CHUNK)) {
        let rows: Vec<_> = homes
            .iter()
            .zip(fresh)
            .map(|(cluster, (_, asked))| {
                (
                    mined_questions::cluster_id.eq(*cluster),
                    mined_questions::text.eq(asked.text.as_str()),
                    mined_questions::asked.eq(asked.count as i64),
                    mined_questions::first_seen.eq(asked.first.map(|d| d.to_string())),
                    mined_questions::last_seen.eq(asked.last.map(|d| d.to_string())),
                )
            })
            .collect();
        let returned: Vec<(i64, i64, String)> = on_conn!(conn, c => diesel::insert_into(mined_questions::table)
            .values(&rows)
            .returning((mined_questions::id, mined_questions::cluster_id, mined_questions::text))
            .get_results(c))?;
        // Neither engine promises RETURNING in the order of VALUES: match
        // the rows back by cluster and wording.
        let mut by_row: HashMap<(i64, String), Vec<i64>> = HashMap::new();
        for (id, cluster, text) in returned {
            by_row.entry((cluster, text)).or_default().push(id);
        }
        for (cluster, (_, asked)) in homes.iter().zip(fresh) {
            let id = by_row
                .get_mut(&(*cluster, asked.text.clone()))
                .and_then(Vec::pop)
                .ok_or_else(|| DbError::Corrupt("an inserted question came back unknown".into()))?;
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Adds what this import saw to stored questions: counts and seen days.
fn grow_questions(conn: &mut Conn, grown: &[(i64, Asked)]) -> DbResult<()> {
    let mut stored: HashMap<i64, QuestionRow> = HashMap::with_capacity(grown.len());
    for chunk in grown.chunks(CHUNK) {
        let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
        let rows: Vec<QuestionRow> = on_conn!(conn, c => mined_questions::table
            .filter(mined_questions::id.eq_any(&ids))
            .select(QuestionRow::as_select())
            .load(c))?;
        stored.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    let updated: Vec<(i64, i64, Option<String>, Option<String>)> = grown
        .iter()
        .filter_map(|(id, asked)| {
            let row = stored.remove(id)?;
            let first = min_day(row.first_seen, asked.first.map(|d| d.to_string()));
            let last = max_day(row.last_seen, asked.last.map(|d| d.to_string()));
            Some((*id, row.asked + asked.count as i64, first, last))
        })
        .collect();
    match conn {
        // One statement per chunk: a round trip per question costs seconds here.
        Conn::Postgres(c) => {
            use diesel::sql_types::{Array, BigInt, Nullable, Text};
            for chunk in updated.chunks(CHUNK) {
                let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                for (id, asked, first, last) in chunk {
                    columns.0.push(*id);
                    columns.1.push(*asked);
                    columns.2.push(first.clone());
                    columns.3.push(last.clone());
                }
                diesel::sql_query(
                    "UPDATE mined_questions AS q SET asked = v.asked, first_seen = v.first_seen, \
                     last_seen = v.last_seen FROM (SELECT UNNEST($1) AS id, UNNEST($2) AS asked, \
                     UNNEST($3) AS first_seen, UNNEST($4) AS last_seen) AS v WHERE q.id = v.id",
                )
                .bind::<Array<BigInt>, _>(columns.0)
                .bind::<Array<BigInt>, _>(columns.1)
                .bind::<Array<Nullable<Text>>, _>(columns.2)
                .bind::<Array<Nullable<Text>>, _>(columns.3)
                .execute(&mut **c)?;
            }
        }
        Conn::Sqlite(c) => {
            for (id, asked, first, last) in &updated {
                diesel::update(mined_questions::table.find(id))
                    .set((
                        mined_questions::asked.eq(asked),
                        mined_questions::first_seen.eq(first),
                        mined_questions::last_seen.eq(last),
                    ))
                    .execute(&mut **c)?;
            }
        }
    }
    Ok(())
}

fn insert_children(conn: &mut Conn, children: &Children, import: i64) -> DbResult<()> {
    for chunk in children.weeks.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(question, week, n)| {
                (
                    mined_weeks::question_id.eq(*question),
                    mined_weeks::week.eq(week.as_str()),
                    mined_weeks::asked.eq(*n),
                )
            })
            .collect();
        on_conn!(conn, c => diesel::insert_into(mined_weeks::table)
            .values(&rows)
            .on_conflict((mined_weeks::question_id, mined_weeks::week))
            .do_update()
            .set(mined_weeks::asked.eq(mined_weeks::asked + excluded(mined_weeks::asked)))
            .execute(c))?;
    }
    for chunk in children.answers.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(question, body)| {
                (
                    mined_answers::question_id.eq(*question),
                    mined_answers::body.eq(body.as_str()),
                )
            })
            .collect();
        on_conn!(conn, c => diesel::insert_into(mined_answers::table)
            .values(&rows)
            .on_conflict((mined_answers::question_id, mined_answers::body))
            .do_nothing()
            .execute(c))?;
    }
    for chunk in children.replies.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(question, body)| {
                (
                    mined_replies::question_id.eq(*question),
                    mined_replies::import_id.eq(import),
                    mined_replies::body.eq(body.as_str()),
                )
            })
            .collect();
        on_conn!(conn, c => diesel::insert_into(mined_replies::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// Recomputes the listed clusters' counts and seen days from their questions.
pub(super) fn sum_up(conn: &mut Conn, clusters: &[i64]) -> DbResult<()> {
    for chunk in clusters.chunks(CHUNK) {
        // Summed here, not in SQL: SUM of a BIGINT is NUMERIC on PostgreSQL.
        let rows: Vec<(i64, i64, Option<String>, Option<String>)> = on_conn!(conn, c => mined_questions::table
            .filter(mined_questions::cluster_id.eq_any(chunk))
            .select((
                mined_questions::cluster_id,
                mined_questions::asked,
                mined_questions::first_seen,
                mined_questions::last_seen,
            ))
            .load(c))?;
        let mut sums: HashMap<i64, (i64, Option<String>, Option<String>)> =
            chunk.iter().map(|c| (*c, (0, None, None))).collect();
        for (cluster, asked, first, last) in rows {
            if let Some(sum) = sums.get_mut(&cluster) {
                sum.0 += asked;
                sum.1 = min_day(sum.1.take(), first);
                sum.2 = max_day(sum.2.take(), last);
            }
        }
        for (cluster, (asked, first, last)) in sums {
            on_conn!(conn, c => diesel::update(mined_clusters::table.find(cluster))
                .set((
                    mined_clusters::asked.eq(asked),
                    mined_clusters::first_seen.eq(first),
                    mined_clusters::last_seen.eq(last),
                ))
                .execute(c))?;
        }
    }
    Ok(())
}

fn min_day(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_day(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
