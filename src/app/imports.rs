//! Importing a chat log into the database: recognise the file by its content
//! hash, stream it through the mining pipeline, merge its questions into the
//! stored clusters, and keep a report. Shared by `huashu import` and the web
//! upload, which runs it on a background thread.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::db::imports::{self as stored, Begun, Import, ImportReport, Lease, ServiceReport};
use crate::db::mining::{self, Applied};
use crate::db::service;
use crate::db::{self, DbError, DbPool};
use crate::domain::mining::chatlog::{self, FileError, Format, Mapping};
use crate::domain::mining::cluster::Params;
use crate::domain::mining::incremental;
use crate::domain::mining::mine::{Miner, Summary};
use crate::domain::mining::rules::Rules;
use crate::domain::service::intake::Intake;
use crate::domain::service::Conversation;

/// How often a running import writes its progress (and heartbeat).
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The file's SHA-256 and size, read in a stream.
pub fn fingerprint(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((crate::domain::text::hex(&hasher.finalize()), size))
}

/// What to import and how to read it.
pub struct Source<'a> {
    pub path: &'a Path,
    /// The name shown in the import list (an upload's original name).
    pub file_name: &'a str,
    pub format: Format,
    pub mapping: &'a Mapping,
}

/// What a finished import found and stored.
#[derive(Debug)]
pub struct Outcome {
    pub summary: Summary,
    pub applied: Applied,
    pub service: ServiceReport,
}

/// Records the import, or finds that the same content was imported before.
pub fn begin(pool: &DbPool, source: &Source, by: Option<i64>) -> Result<Begun, ImportError> {
    let (hash, size) = fingerprint(source.path)?;
    let mut conn = pool.get()?;
    Ok(stored::begin_import(
        &mut conn,
        &hash,
        source.file_name,
        i64::try_from(size).unwrap_or(i64::MAX),
        by,
        db::now_ms(),
    )?)
}

/// Runs a begun import to its end and records the outcome either way.
/// `progress` hears the bytes read so far. A heartbeat renews the lease every
/// few seconds in every phase (reading, clustering, merging), so only a dead
/// process loses its import to another.
pub fn run(
    pool: &DbPool,
    lease: Lease,
    source: &Source,
    rules: &Rules,
    mut progress: impl FnMut(u64),
) -> Result<Outcome, ImportError> {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let outcome = std::thread::scope(|scope| {
        scope.spawn(move || beat(pool, lease, &stopped));
        let outcome = mine_and_store(pool, lease, source, rules, &mut progress);
        // Dropping the sender ends the heartbeat at once.
        drop(stop);
        outcome
    });
    let report = match &outcome {
        Ok(done) => ImportReport {
            summary: Some((&done.summary).into()),
            applied: Some(done.applied),
            service: Some(done.service),
            error: None,
            error_key: None,
        },
        Err(e) => ImportReport {
            summary: None,
            applied: None,
            service: None,
            error: Some(e.to_string()),
            error_key: Some(
                match e {
                    ImportError::File(f) => f.key(),
                    ImportError::Io(_) => "imports.error.io",
                    ImportError::Db(_) => "error.internal",
                }
                .to_string(),
            ),
        },
    };
    let mut conn = pool.get()?;
    stored::finish_import(&mut conn, lease, outcome.is_ok(), &report, db::now_ms())?;
    outcome
}

/// Renews the lease until `stopped` says the import ended (or the lease was
/// lost: the merge then refuses to write).
fn beat(pool: &DbPool, lease: Lease, stopped: &std::sync::mpsc::Receiver<()>) {
    let every = Duration::from_millis(stored::HEARTBEAT_EVERY_MS);
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
        // A missed beat is retried at the next; the lease outlasts several.
        if let Ok(mut conn) = pool.get() {
            if let Ok(false) = stored::heartbeat(&mut conn, lease, db::now_ms()) {
                return;
            }
        }
    }
}

fn mine_and_store(
    pool: &DbPool,
    lease: Lease,
    source: &Source,
    rules: &Rules,
    progress: &mut dyn FnMut(u64),
) -> Result<Outcome, ImportError> {
    let file = std::fs::File::open(source.path)?;
    let mut read = 0u64;
    let mut last = Instant::now();
    let counted = Counted {
        inner: file,
        on_read: &mut |n| {
            read += n;
            progress(read);
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                if let Ok(mut conn) = pool.get() {
                    // Progress is a courtesy: failing to show it must not fail the import.
                    let _ = stored::progress(&mut conn, lease, read as i64, db::now_ms());
                }
            }
        },
    };
    let rows = chatlog::read(
        std::io::BufReader::with_capacity(1 << 16, counted),
        source.format,
        source.mapping,
    )?;
    let mut miner = Miner::new(rules.clone(), Params::default());
    let mut intake = Intake::default();
    for row in rows {
        if let Ok(turn) = &row {
            intake.push(turn);
        }
        miner.push(row);
    }
    let openings = miner.take_openings();
    let (asked, mut summary) = miner.finish_questions();
    let taken = intake.finish();
    let mut conn = pool.get()?;
    let (known, answers) = mining::known(&mut conn)?;
    // Questions whose group has an official script keep a sample of how the
    // team answers them now.
    let sampled = mining::Sampled::of(crate::db::scripts::scripted_groups(&mut conn)?, &known);
    let plan = incremental::plan(&known, asked, rules, Params::default());
    // The questions and the figures land together or not at all: a failed
    // import can be retried without counting anything twice.
    let (applied, stored) = db::write_tx(&mut conn, |conn| {
        let (applied, new_ids) =
            mining::apply(conn, lease, &plan, &answers, &sampled, db::now_ms())?;
        let groups = plan.groups_by_key(&known, &new_ids);
        let group = |c: &Conversation| openings.get(&c.id).and_then(|k| groups.get(k)).copied();
        let stored = service::store(
            conn,
            lease.id,
            &taken.conversations,
            &taken.promises,
            &group,
        )?;
        Ok::<_, DbError>((applied, stored))
    })?;
    let service = ServiceReport {
        read: taken.counts,
        stored,
    };
    // The chats are stored; a failure to flag scripts must not report the
    // import as failed (the next import flags them again).
    if let Err(e) = crate::app::library::flag_for_new_round(&mut conn, db::now_ms()) {
        tracing::warn!("flagging scripts after import {}: {e}", lease.id);
    }
    summary.clusters = (applied.new_clusters + applied.grown_clusters) as u64;
    Ok(Outcome {
        summary,
        applied,
        service,
    })
}

/// Reports every read's size, for progress.
struct Counted<'a, R> {
    inner: R,
    on_read: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

/// The import, if it was already done: for the "already imported" message.
pub fn describe_seen(row: &Import) -> String {
    format!(
        "already imported as import #{} ({}, {})",
        row.id,
        row.file_name,
        row.status.key()
    )
}
