//! Group commit for autosaves. One thread takes every draft queued since its last
//! commit, writes them in one transaction and answers each caller only after that
//! commit. Under a synchronised crowd this turns hundreds of small transactions
//! (each queueing for SQLite's single write lock, or for a PostgreSQL fsync) into a
//! few large ones; a draft that arrives alone is written at once.

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{attempts, write_tx, DbError, DbPool, DbResult};

/// One autosave, as the handler validated it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub attempt_id: i64,
    pub user_id: i64,
    pub item_id: i64,
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

    /// Stores the draft (see `attempts::autosave`); true once it is committed, false
    /// when the attempt does not take it.
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
    let written = pool.get().and_then(|mut conn| {
        write_tx(&mut conn, |conn| {
            batch
                .iter()
                .map(|(d, _)| {
                    attempts::autosave(
                        conn,
                        d.attempt_id,
                        d.user_id,
                        d.item_id,
                        &d.body,
                        d.spent_ms,
                        d.now,
                    )
                })
                .collect::<DbResult<Vec<bool>>>()
        })
    });
    match written {
        Ok(stored) => {
            for ((_, reply), stored) in batch.into_iter().zip(stored) {
                // A caller that went away (client disconnected) needs no answer.
                let _ = reply.send(Ok(stored));
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
