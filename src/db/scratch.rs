//! Throwaway databases for tests and benchmarks: a SQLite file in a folder, or, when
//! `HUASHU_TEST_POSTGRES` names a PostgreSQL server (a maintenance URL ending in
//! `/postgres`, as `.ci/with-postgres` sets it), a new database on that server.

use std::path::Path;

use diesel::{Connection, PgConnection, RunQueryDsl};

pub const POSTGRES_ENV: &str = "HUASHU_TEST_POSTGRES";

/// The URL of a new, empty database for one test or benchmark run.
pub fn database_url(dir: &Path) -> anyhow::Result<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(admin_url) => postgres_database(&admin_url),
        Err(_) => Ok(dir.join("huashu.db").to_string_lossy().into_owned()),
    }
}

/// Creates a uniquely named database on the server `admin_url` points at.
pub fn postgres_database(admin_url: &str) -> anyhow::Result<String> {
    // Storage may not reach up into the app layer for its token helper.
    let name = format!("huashu_scratch_{:016x}", rand::random::<u64>());
    let mut admin = PgConnection::establish(admin_url)?;
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}
