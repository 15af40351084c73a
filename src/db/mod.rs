//! Storage: the connection pool, embedded migrations, and one module of query
//! functions per aggregate. Functions here are blocking; the web shell calls them
//! inside `web::block`.

pub mod attempts;
pub mod exams;
pub mod questions;
pub mod schema;
pub mod users;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub type Conn = SqliteConnection;
pub type DbPool = Pool<ConnectionManager<Conn>>;
pub type PooledConn = PooledConnection<ConnectionManager<Conn>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type DbResult<T> = Result<T, DbError>;

/// WAL lets readers proceed while one writer commits; the busy timeout makes a
/// second writer wait instead of failing with "database is locked".
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<Conn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            // busy_timeout first: switching a new file to WAL takes a lock that the
            // pool's other connections, opened at the same moment, must wait for.
            "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
             PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens (creating if needed) the SQLite database at `path` and applies migrations.
pub fn connect(path: &str) -> DbResult<DbPool> {
    let manager = ConnectionManager::<Conn>::new(path);
    let pool = Pool::builder()
        .max_size(8)
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|e| DbError::Migration(format!("cannot open database {path}: {e}")))?;
    let mut conn = pool.get()?;
    conn.run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(pool)
}

/// Milliseconds since the Unix epoch: the one clock the storage layer uses.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> DbResult<T> {
    serde_json::from_str(text).map_err(|e| DbError::Corrupt(e.to_string()))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serialising plain data structures (strings, numbers, vecs) cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;

    fn fresh() -> (tempfile::TempDir, DbPool) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.db");
        let pool = connect(path.to_str().expect("utf-8")).expect("connects and migrates");
        (dir, pool)
    }

    #[test]
    fn every_migration_reverts_and_applies_again() {
        let (_dir, pool) = fresh();
        let mut conn = pool.get().expect("conn");
        conn.revert_all_migrations(SQLITE_MIGRATIONS)
            .expect("down.sql works");
        conn.run_pending_migrations(SQLITE_MIGRATIONS)
            .expect("up.sql works again");
    }

    #[test]
    fn schema_rs_matches_the_migrated_tables() {
        // Selecting every declared column fails if a name or type drifted from the SQL.
        let (_dir, pool) = fresh();
        let mut conn = pool.get().expect("conn");
        let c = &mut *conn;
        users::list(c).expect("users");
        questions::list_active(c).expect("questions");
        exams::list(c).expect("exams");
        exams::items(c, 1).expect("exam_items");
        attempts::for_user(c, 1).expect("attempts");
        attempts::answers(c, 1).expect("answers");
        users::failures(c, "x").expect("login_failures");
        let columns: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT COUNT(*) FROM pragma_table_info('users')) + (SELECT COUNT(*) FROM pragma_table_info('questions')) \
             + (SELECT COUNT(*) FROM pragma_table_info('exams')) + (SELECT COUNT(*) FROM pragma_table_info('exam_items')) \
             + (SELECT COUNT(*) FROM pragma_table_info('attempts')) + (SELECT COUNT(*) FROM pragma_table_info('answers')) \
             + (SELECT COUNT(*) FROM pragma_table_info('login_failures'))",
        ))
        .get_result(c)
        .expect("column count");
        // The column counts declared in schema.rs: 8 + 11 + 9 + 9 + 6 + 8 + 3.
        assert_eq!(
            columns, 54,
            "a column exists in SQL but not in schema.rs (or the reverse)"
        );
    }
}
