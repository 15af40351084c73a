//! `huashu import FILE`: a chat log into the database, merged into the stored
//! clusters. A progress bar while the file is read; the report on stdout.

use std::time::Instant;

use anyhow::Context;

use super::mine::{byte_bar, report, settings};
use crate::config::ImportArgs;
use crate::db::mining::Begun;
use crate::imports::{self, Source};

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
    let begun =
        imports::begin(&pool, &source, None).with_context(|| args.file.display().to_string())?;
    let id = match begun {
        Begun::Started(id) => id,
        Begun::Seen(row) => {
            println!(
                "{}: nothing to do, {}",
                args.file.display(),
                imports::describe_seen(&row)
            );
            return Ok(());
        }
    };
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let bar = byte_bar(size);
    let outcome = imports::run(&pool, id, &source, &rules, |read| bar.set_position(read));
    bar.finish_and_clear();
    let (summary, applied) = outcome.with_context(|| args.file.display().to_string())?;
    print!("{}", report(&summary, started.elapsed().as_secs_f64()));
    println!(
        "import #{id}: {} new questions; {} new clusters, {} clusters grew",
        applied.new_questions, applied.new_clusters, applied.grown_clusters
    );
    Ok(())
}
