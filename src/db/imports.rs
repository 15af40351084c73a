//! Chat-log imports: one row per file content, run under a lease that a
//! heartbeat renews, so a dead importer's import is taken over and a live
//! one's never is; its report (what was found and changed, or why it failed).

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::columns::{decode, ImportStatus};
use super::mining::Applied;
use super::schema::chat_imports;
use super::service::Stored;
use super::{on_conn, to_json, write_tx, Conn, DbResult};
use crate::domain::mining::mine::{Rejections, Summary};
use crate::domain::service::intake::Counts;

/// A running import whose heartbeat is older than this died with its process,
/// and another may take it over.
pub const LEASE_MS: i64 = 30 * 1000;
/// How often a running import renews its lease, whatever it is doing.
pub const HEARTBEAT_EVERY_MS: u64 = 5 * 1000;

/// The right to run one import: its id and the moment it was (re)started,
/// which a takeover changes, so the process that lost it can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub id: i64,
    pub token: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = chat_imports)]
pub struct ImportRow {
    pub id: i64,
    pub content_hash: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub bytes_total: i64,
    pub bytes_read: i64,
    pub report_json: String,
    pub imported_by: Option<i64>,
    pub started_at: i64,
    pub heartbeat_at: i64,
    pub finished_at: Option<i64>,
}

/// An import as its page shows it: the stored report decoded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Import {
    pub id: i64,
    pub file_name: String,
    pub status: ImportStatus,
    pub bytes_total: i64,
    pub bytes_read: i64,
    pub report: ImportReport,
    /// Who uploaded it; None from the command line.
    pub imported_by: Option<i64>,
    pub started_at: i64,
    pub heartbeat_at: i64,
    pub finished_at: Option<i64>,
}

impl ImportRow {
    pub(crate) fn decode(self) -> DbResult<Import> {
        Ok(Import {
            report: decode("chat_imports", self.id, "report_json", &self.report_json)?,
            id: self.id,
            file_name: self.file_name,
            status: self.status,
            bytes_total: self.bytes_total,
            bytes_read: self.bytes_read,
            imported_by: self.imported_by,
            started_at: self.started_at,
            heartbeat_at: self.heartbeat_at,
            finished_at: self.finished_at,
        })
    }
}

/// What an import found and changed, or why it failed; empty while it runs.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ImportReport {
    pub summary: Option<ReportSummary>,
    pub applied: Option<Applied>,
    /// What the chats gave the service figures (imports before them: none).
    pub service: Option<ServiceReport>,
    /// Why the import failed (the file was refused, or storing failed).
    pub error: Option<String>,
    /// The message key of that reason, for the page.
    pub error_key: Option<String>,
}

/// The chats read for the service figures, and what of them was stored.
#[derive(Debug, Default, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ServiceReport {
    pub read: Counts,
    pub stored: Stored,
}

/// The miner's summary as stored with an import.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ReportSummary {
    pub rows: u64,
    pub customer_messages: u64,
    pub questions: u64,
    pub distinct_questions: u64,
    pub clusters: u64,
    pub answered: u64,
    pub bad_rows: BTreeMap<String, Rejections>,
    pub noise: BTreeMap<String, Rejections>,
}

impl From<&Summary> for ReportSummary {
    fn from(s: &Summary) -> Self {
        let keyed = |m: &BTreeMap<&'static str, Rejections>| {
            m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
        };
        ReportSummary {
            rows: s.rows,
            customer_messages: s.customer_messages,
            questions: s.questions,
            distinct_questions: s.distinct_questions,
            clusters: s.clusters,
            answered: s.answered,
            bad_rows: keyed(&s.bad_rows),
            noise: keyed(&s.noise),
        }
    }
}

/// The outcome of asking to import a file.
#[derive(Debug)]
pub enum Begun {
    /// A new import (or one taken over): go ahead.
    Started(Lease),
    /// This content was imported (or is being imported) already.
    Seen(Box<Import>),
}

/// Records the start of an import of content `hash`, unless the same content
/// was imported before or is being imported now. A failed or abandoned import
/// of it is taken over.
pub fn begin_import(
    conn: &mut Conn,
    hash: &str,
    file_name: &str,
    bytes_total: i64,
    by: Option<i64>,
    now: i64,
) -> DbResult<Begun> {
    write_tx(conn, |conn| {
        let seen: Option<ImportRow> = on_conn!(conn, c => chat_imports::table
            .filter(chat_imports::content_hash.eq(hash))
            .select(ImportRow::as_select())
            .first(c)
            .optional())?;
        let start = (
            chat_imports::file_name.eq(file_name),
            chat_imports::status.eq(ImportStatus::Running),
            chat_imports::bytes_total.eq(bytes_total),
            chat_imports::bytes_read.eq(0),
            chat_imports::report_json.eq("{}"),
            chat_imports::imported_by.eq(by),
            chat_imports::started_at.eq(now),
            chat_imports::heartbeat_at.eq(now),
            chat_imports::finished_at.eq(None::<i64>),
        );
        match seen {
            None => Ok(Begun::Started(Lease {
                id: on_conn!(conn, c => diesel::insert_into(chat_imports::table)
                .values((chat_imports::content_hash.eq(hash), start))
                .returning(chat_imports::id)
                .get_result(c))?,
                token: now,
            })),
            Some(row)
                if row.status == ImportStatus::Failed
                    || (row.status == ImportStatus::Running
                        && now - row.heartbeat_at > LEASE_MS) =>
            {
                on_conn!(conn, c => diesel::update(chat_imports::table.find(row.id)).set(start).execute(c))?;
                Ok(Begun::Started(Lease {
                    id: row.id,
                    token: now,
                }))
            }
            Some(row) => Ok(Begun::Seen(Box::new(row.decode()?))),
        }
    })
}

/// The import row while `lease` still holds it.
macro_rules! held {
    ($lease:expr) => {
        chat_imports::table
            .find($lease.id)
            .filter(chat_imports::started_at.eq($lease.token))
            .filter(chat_imports::status.eq(ImportStatus::Running))
    };
}

pub fn progress(conn: &mut Conn, lease: Lease, bytes_read: i64, now: i64) -> DbResult<()> {
    on_conn!(conn, c => diesel::update(held!(lease))
        .set((chat_imports::bytes_read.eq(bytes_read), chat_imports::heartbeat_at.eq(now)))
        .execute(c))?;
    Ok(())
}

/// Renews the lease; false once another process has taken the import over.
pub fn heartbeat(conn: &mut Conn, lease: Lease, now: i64) -> DbResult<bool> {
    let renewed = on_conn!(conn, c => diesel::update(held!(lease))
        .set(chat_imports::heartbeat_at.eq(now))
        .execute(c))?;
    Ok(renewed == 1)
}

/// Ends an import as done or failed, with its report (counts, masked examples).
pub fn finish_import(
    conn: &mut Conn,
    lease: Lease,
    ok: bool,
    report: &ImportReport,
    now: i64,
) -> DbResult<()> {
    on_conn!(conn, c => diesel::update(held!(lease))
        .set((
            chat_imports::status.eq(if ok { ImportStatus::Done } else { ImportStatus::Failed }),
            chat_imports::report_json.eq(to_json(report)),
            chat_imports::heartbeat_at.eq(now),
            chat_imports::finished_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

pub fn find_import(conn: &mut Conn, id: i64) -> DbResult<Option<Import>> {
    let row: Option<ImportRow> = on_conn!(conn, c => chat_imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(c)
        .optional())?;
    row.map(ImportRow::decode).transpose()
}

/// The latest imports, newest first.
pub fn imports(conn: &mut Conn, limit: i64) -> DbResult<Vec<Import>> {
    let rows: Vec<ImportRow> = on_conn!(conn, c => chat_imports::table
        .order(chat_imports::id.desc())
        .limit(limit)
        .select(ImportRow::as_select())
        .load(c))?;
    rows.into_iter().map(ImportRow::decode).collect()
}
