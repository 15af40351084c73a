//! `huashu backup FILE`, `huashu restore FILE`, `huashu migrate-data --from --to`.
//!
//! The file is JSON Lines: a header line, then one `{"table": …, "row": {…}}` per
//! row in foreign-key order. It is the same for both backends, so a SQLite backup
//! restores into PostgreSQL and back.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::db::backup::{self, Row};

const FORMAT: &str = "huashu-backup";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    created_at: i64,
    rows: usize,
}

/// Writes a consistent snapshot to `file` (via a temporary file, so a failed backup
/// never leaves a half-written one), refusing to overwrite an existing file.
pub fn backup(url: &str, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        anyhow::bail!(
            "{} already exists; choose another name or remove it first",
            file.display()
        );
    }
    let pool = super::serve::open_db(url)?;
    let rows = backup::snapshot(&mut pool.get()?)?;
    let tmp = file.with_extension("partial");
    // A partial file is what a killed backup left; it is never a backup.
    let _ = std::fs::remove_file(&tmp);
    let mut out = BufWriter::new(
        crate::files::create_private(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?,
    );
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        created_at: crate::db::now_ms(),
        rows: rows.len(),
    };
    writeln!(out, "{}", serde_json::to_string(&header)?)?;
    for row in &rows {
        writeln!(out, "{}", serde_json::to_string(row)?)?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, file)?;
    println!("backed up {} rows to {}", rows.len(), file.display());
    Ok(())
}

/// Reads and checks a whole backup file before anything is written. Nothing
/// is sized from the file's own claims (its header's row count is compared
/// at the end, never allocated), so a damaged file is refused with its line.
fn read(file: &Path) -> anyhow::Result<Vec<Row>> {
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    read_rows(BufReader::new(input))
}

/// The rows of a backup, checked whole: its header, every row, their count.
pub fn read_rows(input: impl BufRead) -> anyhow::Result<Vec<Row>> {
    let mut lines = input.lines();
    let first = lines
        .next()
        .context("the file is empty")?
        .context("line 1: not text")?;
    let header: Header = serde_json::from_str(&first)
        .ok()
        .filter(|h: &Header| h.format == FORMAT)
        .context("line 1: not a Huashu backup (no header)")?;
    if header.version != VERSION {
        anyhow::bail!(
            "line 1: backup version {} is not supported (expected {VERSION})",
            header.version
        );
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line.with_context(|| format!("line {}: not UTF-8 text", i + 2))?;
        if line.trim().is_empty() {
            continue;
        }
        rows.push(
            serde_json::from_str(&line)
                .with_context(|| format!("line {}: not a valid row", i + 2))?,
        );
    }
    if rows.len() != header.rows {
        anyhow::bail!(
            "the header promises {} rows but the file has {}: it is truncated or edited",
            header.rows,
            rows.len()
        );
    }
    Ok(rows)
}

/// Restores a backup into an empty database, all or nothing.
pub fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    let rows = read(file)?;
    let pool = super::serve::open_db(url)?;
    let n = backup::restore(&mut pool.get()?, rows)?;
    println!("restored {n} rows from {}", file.display());
    Ok(())
}

/// Copies every row from one database to another (e.g. SQLite → PostgreSQL), then
/// compares the row counts of every table.
pub fn migrate(from: &str, to: &str) -> anyhow::Result<()> {
    let source = super::serve::open_db(from).context("source database")?;
    let target = super::serve::open_db(to).context("target database")?;
    let rows = backup::snapshot(&mut source.get()?)?;
    backup::restore(&mut target.get()?, rows)?;
    let (before, after) = (
        backup::row_counts(&mut source.get()?)?,
        backup::row_counts(&mut target.get()?)?,
    );
    for ((table, a), (_, b)) in before.iter().zip(&after) {
        println!("{table:<15} {a:>8} -> {b:>8}");
    }
    if before != after {
        anyhow::bail!("row counts differ after the copy (the source changed meanwhile?)");
    }
    println!("all rows copied");
    Ok(())
}
