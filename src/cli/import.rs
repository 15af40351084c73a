//! `huashu import FILE`: a chat log into the database, merged into the stored
//! clusters. A progress bar while the file is read; the report on stdout.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use super::mine::{byte_bar, report, settings};
use crate::app::imports::{self, Source};
use crate::config::ImportArgs;
use crate::db::imports::{Begun, Lease, LEASE_MS};
use crate::db::DbPool;

pub fn run(url: &str, args: &ImportArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let (format, mapping, rules) = settings(&args.file, &args.log)?;
    let pool = super::serve::open_db(url)?;
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = Source {
        path: &args.file,
        file_name: &name,
        format,
        mapping: &mapping,
    };
    let Some(lease) = take(&pool, &source, &args.file)? else {
        return Ok(());
    };
    let id = lease.id;
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let bar = byte_bar(size);
    let outcome = imports::run(&pool, lease, &source, &rules, |read| bar.set_position(read));
    bar.finish_and_clear();
    let done = outcome.with_context(|| args.file.display().to_string())?;
    print!("{}", report(&done.summary, started.elapsed().as_secs_f64()));
    let applied = done.applied;
    println!(
        "import #{id}: {} new questions; {} new clusters, {} clusters grew",
        applied.new_questions, applied.new_clusters, applied.grown_clusters
    );
    let (read, stored) = (done.service.read, done.service.stored);
    println!(
        "service figures: {} conversations stored ({} already stored), {} promises; \
         {} messages without a conversation or time of day left out; {} ratings read, {} unreadable",
        stored.conversations,
        stored.overlapping,
        stored.promises,
        read.untimed,
        read.ratings,
        read.unreadable_ratings
    );
    Ok(())
}

/// The lease on this file's import: a new one, or one taken over from a
/// failed import or a dead importer. While another process is alive and
/// importing the same content, waits for it to finish or to die. None when
/// the content was imported already (nothing to do).
fn take(pool: &DbPool, source: &Source, file: &Path) -> anyhow::Result<Option<Lease>> {
    let mut told = false;
    loop {
        match imports::begin(pool, source, None).with_context(|| file.display().to_string())? {
            Begun::Started(lease) => return Ok(Some(lease)),
            Begun::Seen(row) if row.status == crate::db::columns::ImportStatus::Running => {
                if !told {
                    println!(
                        "{}: import #{} of the same content is running in another process; \
                         waiting for it (it is taken over if it stops for {} s)",
                        file.display(),
                        row.id,
                        LEASE_MS / 1000
                    );
                    told = true;
                }
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            Begun::Seen(row) => {
                println!(
                    "{}: nothing to do, {}",
                    file.display(),
                    imports::describe_seen(&row)
                );
                return Ok(None);
            }
        }
    }
}
