//! Group commit for autosaves. One thread takes every draft queued since its last
//! commit, writes them in one transaction and answers each caller only after that
//! commit. Under a synchronised crowd this turns hundreds of small transactions
//! (each queueing for SQLite's single write lock, or for a PostgreSQL fsync) into a
//! few large ones; a draft that arrives alone is written at once.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc;

use diesel::backend::Backend;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};

use super::columns::{AttemptId, ItemId};

use tokio::sync::oneshot;

use super::{write_tx, Conn, DbError, DbPool, DbResult};

/// One autosave, as the handler validated it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub attempt_id: AttemptId,
    pub user_id: i64,
    /// The stored key of the session the save came with (`sessions::key_of`):
    /// a save counts only while that session of that user is live.
    pub session: String,
    pub item_id: ItemId,
    pub body: String,
    pub spent_ms: i64,
    pub now: i64,
}

type Job = (Draft, oneshot::Sender<DbResult<bool>>);

/// Enough to empty the queue of a 1,000-trainee spike in a few commits, small
/// enough that one transaction never holds the write lock for long.
const MAX_BATCH: usize = 256;

/// The handle requests use; the thread stops when the last handle is dropped.
#[derive(Clone)]
pub struct DraftWriter {
    queue: mpsc::Sender<Job>,
}

impl DraftWriter {
    pub fn spawn(pool: DbPool) -> std::io::Result<Self> {
        let (queue, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("huashu-drafts".into())
            .spawn(move || run(&pool, &jobs))?;
        Ok(Self { queue })
    }

    /// Stores the draft (see `store` for when an attempt takes it); true once it
    /// is committed, false when the attempt does not take it.
    pub async fn save(&self, draft: Draft) -> DbResult<bool> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((draft, reply))
            .map_err(|_| DbError::WriterStopped)?;
        answer.await.map_err(|_| DbError::WriterStopped)?
    }
}

fn run(pool: &DbPool, jobs: &mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(pool, batch);
    }
}

fn write_batch(pool: &DbPool, batch: Vec<Job>) {
    let (rows, deferred) = merge(batch.iter().map(|(d, _)| d));
    let written = pool
        .get()
        .and_then(|mut conn| write_tx(&mut conn, |conn| store(conn, &rows)));
    match written {
        Ok(stored) => {
            let mut later = Vec::new();
            for (i, (draft, reply)) in batch.into_iter().enumerate() {
                if deferred.contains(&i) {
                    later.push((draft, reply));
                } else {
                    // A caller that went away (client disconnected) needs no answer.
                    let _ = reply.send(Ok(stored.contains(&(draft.attempt_id, draft.item_id))));
                }
            }
            if !later.is_empty() {
                write_batch(pool, later);
            }
        }
        // The batch was rolled back: write each draft alone, so one failure only
        // reaches its own caller.
        Err(_) if batch.len() > 1 => {
            for job in batch {
                write_batch(pool, vec![job]);
            }
        }
        Err(e) => {
            if let Some((_, reply)) = batch.into_iter().next() {
                let _ = reply.send(Err(e));
            }
        }
    }
}

/// One row per answer: saves of the same answer in one batch keep the last body,
/// add up their time and take the latest moment. A save for the same answer from
/// a different account (only a forged request does that) waits for the next
/// batch, so its acknowledgement can never ride on the owner's row.
fn merge<'a>(drafts: impl ExactSizeIterator<Item = &'a Draft>) -> (Vec<Draft>, HashSet<usize>) {
    let mut rows: Vec<Draft> = Vec::with_capacity(drafts.len());
    let mut at: HashMap<(AttemptId, ItemId), usize> = HashMap::with_capacity(drafts.len());
    let mut deferred = HashSet::new();
    for (i, d) in drafts.enumerate() {
        match at.get(&(d.attempt_id, d.item_id)) {
            Some(&row) if rows[row].user_id == d.user_id && rows[row].session == d.session => {
                let r = &mut rows[row];
                r.body.clone_from(&d.body);
                r.spent_ms += d.spent_ms;
                r.now = r.now.max(d.now);
            }
            Some(_) => {
                deferred.insert(i);
            }
            None => {
                at.insert((d.attempt_id, d.item_id), rows.len());
                rows.push(d.clone());
            }
        }
    }
    (rows, deferred)
}

#[derive(QueryableByName)]
struct StoredAnswer {
    #[diesel(sql_type = BigInt)]
    attempt_id: AttemptId,
    #[diesel(sql_type = BigInt)]
    item_id: ItemId,
}

/// Stores one account's drafts at once in the caller's connection, merged as a
/// batch is (submission keeps what it was sent this way). Returns the answers
/// stored.
pub fn save_now(conn: &mut Conn, drafts: &[Draft]) -> DbResult<HashSet<(AttemptId, ItemId)>> {
    // Deferred saves only arise between accounts.
    let (rows, _) = merge(drafts.iter());
    store(conn, &rows)
}

/// Writes drafts in one statement whose WHERE clause is the whole permission:
/// the attempt is the draft's account's, that account is active and the save
/// came with a live session of it, the attempt
/// is not submitted and still writable at the draft's moment, its exam open, and
/// the item one of that exam's; a submitted answer never changes. Returns the
/// answers stored.
fn store(conn: &mut Conn, rows: &[Draft]) -> DbResult<HashSet<(AttemptId, ItemId)>> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    let stored: Vec<StoredAnswer> = match conn {
        Conn::Sqlite(c) => bind_all(
            sql_query(upsert_sql(rows.len(), |_| "?".into())).into_boxed(),
            rows,
        )
        .load(&mut **c)?,
        Conn::Postgres(c) => bind_all(
            sql_query(upsert_sql(rows.len(), |n| format!("${n}"))).into_boxed(),
            rows,
        )
        .load(&mut **c)?,
    };
    Ok(stored
        .into_iter()
        .map(|s| (s.attempt_id, s.item_id))
        .collect())
}

fn bind_all<'a, DB>(
    mut query: BoxedSqlQuery<'a, DB, SqlQuery>,
    rows: &'a [Draft],
) -> BoxedSqlQuery<'a, DB, SqlQuery>
where
    DB: Backend + HasSqlType<BigInt> + HasSqlType<Text>,
    i64: ToSql<BigInt, DB>,
    str: ToSql<Text, DB>,
{
    for d in rows {
        query = query
            .bind::<BigInt, _>(d.attempt_id)
            .bind::<BigInt, _>(d.user_id)
            .bind::<BigInt, _>(d.item_id)
            .bind::<Text, _>(d.body.as_str())
            .bind::<BigInt, _>(d.spent_ms)
            .bind::<BigInt, _>(d.now)
            .bind::<Text, _>(d.session.as_str());
    }
    query
}

/// The batch upsert, with `placeholder(n)` for the n-th parameter (from 1).
fn upsert_sql(rows: usize, placeholder: impl Fn(usize) -> String) -> String {
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let cols: Vec<String> = (1..=7).map(|c| placeholder(r * 7 + c)).collect();
            format!("({})", cols.join(", "))
        })
        .collect();
    // VALUES columns are called column1… on both SQLite and PostgreSQL.
    format!(
        "INSERT INTO answers (attempt_id, item_id, body, time_spent_ms, updated_at) \
         SELECT a.id, i.id, d.column4, d.column5, d.column6 \
         FROM (VALUES {}) AS d \
         JOIN attempts a ON a.id = d.column1 AND a.user_id = d.column2 \
         JOIN users u ON u.id = a.user_id \
         JOIN exams e ON e.id = a.exam_id \
         JOIN exam_items i ON i.exam_id = a.exam_id AND i.id = d.column3 \
         WHERE a.submitted_at IS NULL AND a.writable_until >= d.column6 \
           AND e.status = 'open' AND u.active \
           AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = d.column7 AND s.user_id = a.user_id \
             AND s.last_seen_at >= d.column6 - {idle} AND s.created_at >= d.column6 - {absolute}) \
         ON CONFLICT (attempt_id, item_id) DO UPDATE SET body = excluded.body, \
           time_spent_ms = answers.time_spent_ms + excluded.time_spent_ms, \
           updated_at = excluded.updated_at \
         RETURNING attempt_id, item_id",
        values.join(", "),
        idle = super::sessions::IDLE_MS,
        absolute = super::sessions::ABSOLUTE_MS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(attempt_id: i64, user_id: i64, item_id: i64, body: &str, now: i64) -> Job {
        let draft = Draft {
            attempt_id: AttemptId(attempt_id),
            user_id,
            session: format!("s{user_id}"),
            item_id: ItemId(item_id),
            body: body.into(),
            spent_ms: 1000,
            now,
        };
        (draft, oneshot::channel().0)
    }

    #[test]
    fn saves_of_one_answer_in_a_batch_become_one_row_with_the_last_body() {
        let batch = [
            job(1, 7, 10, "a", 5),
            job(1, 7, 11, "x", 6),
            job(1, 7, 10, "ab", 8),
        ];
        let (rows, deferred) = merge(batch.iter().map(|(d, _)| d));
        assert!(deferred.is_empty());
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].body.as_str(), rows[0].spent_ms, rows[0].now),
            ("ab", 2000, 8)
        );
    }

    #[test]
    fn a_save_for_the_same_answer_from_another_account_waits_for_its_own_batch() {
        let batch = [job(1, 7, 10, "mine", 5), job(1, 9, 10, "forged", 6)];
        let (rows, deferred) = merge(batch.iter().map(|(d, _)| d));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].body, "mine");
        assert_eq!(deferred, HashSet::from([1]));
    }

    #[test]
    fn placeholders_are_numbered_across_rows() {
        let sql = upsert_sql(2, |n| format!("${n}"));
        assert!(sql.contains("($1, $2, $3, $4, $5, $6, $7), ($8, $9, $10, $11, $12, $13, $14)"));
    }
}
