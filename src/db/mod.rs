//! Storage: the connection pool, embedded migrations, and one module of query
//! functions per aggregate. Functions here are blocking; the web shell calls them
//! inside `web::block`.

pub mod alternates;
pub mod attempts;
pub mod backup;
pub mod cohorts;
pub mod columns;
pub mod dashboard;
pub mod drafts;
pub mod exams;
pub mod featured;
pub mod imports;
pub mod mining;
pub mod questions;
pub mod review;
pub mod schema;
pub mod scratch;
pub mod scripts;
pub mod service;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;
pub mod weights;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

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
    #[error("the draft writer has stopped")]
    WriterStopped,
    #[error("another process took this import over after its heartbeat stopped")]
    LeaseLost,
}

pub type DbResult<T> = Result<T, DbError>;

/// Which database a URL names: `postgres://…`/`postgresql://…`, else a SQLite file
/// (optionally written `sqlite://path`). Chosen from the scheme, never by trying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite(String),
    Postgres(String),
}

impl Backend {
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres(url.to_string())
        } else {
            Backend::Sqlite(url.strip_prefix("sqlite://").unwrap_or(url).to_string())
        }
    }
}

/// A pool on either backend. The same binary serves both; queries are written once.
#[derive(Clone)]
pub enum DbPool {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Postgres(Pool<ConnectionManager<PgConnection>>),
}

/// A pooled connection on either backend; query functions take `&mut Conn`.
pub enum Conn {
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
    Postgres(PooledConnection<ConnectionManager<PgConnection>>),
}

impl DbPool {
    pub fn get(&self) -> DbResult<Conn> {
        Ok(match self {
            DbPool::Sqlite(p) => Conn::Sqlite(p.get()?),
            DbPool::Postgres(p) => Conn::Postgres(p.get()?),
        })
    }
}

/// Runs the same diesel expression on whichever connection `$conn` holds; `$c` is
/// bound to the concrete connection inside.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite(pooled) => {
                let $c: &mut diesel::SqliteConnection = &mut *pooled;
                $body
            }
            $crate::db::Conn::Postgres(pooled) => {
                let $c: &mut diesel::PgConnection = &mut *pooled;
                $body
            }
        }
    };
}
pub use on_conn;

/// A write transaction. On SQLite it starts with BEGIN IMMEDIATE, so concurrent
/// writers queue at the start (busy timeout) instead of one failing when it upgrades
/// a read lock; on PostgreSQL it is an ordinary transaction.
///
/// Inside another write transaction it simply runs `f` there, so a use case can
/// make several storage calls, each transactional on its own, one unit. Such an
/// inner call is not undone by its own failure, only with the outer one: a
/// caller inside a transaction must pass inner errors on, not recover from them.
pub fn write_tx<T, E: From<DbError>>(
    conn: &mut Conn,
    f: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E> {
    let depth = on_conn!(conn, c => AnsiTransactionManager::transaction_manager_status_mut(c)
        .transaction_depth())
    .map_err(DbError::from)?;
    if depth.is_some() {
        return f(conn);
    }
    match conn {
        Conn::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(&mut **c, "BEGIN IMMEDIATE")
        }
        Conn::Postgres(c) => AnsiTransactionManager::begin_transaction(&mut **c),
    }
    .map_err(DbError::from)?;
    match f(conn) {
        Ok(value) => {
            on_conn!(conn, c => AnsiTransactionManager::commit_transaction(c))
                .map_err(DbError::from)?;
            Ok(value)
        }
        Err(e) => {
            // The error that made us roll back is the one worth reporting.
            let _ = on_conn!(conn, c => AnsiTransactionManager::rollback_transaction(c));
            Err(e)
        }
    }
}

/// WAL lets readers proceed while one writer commits; the busy timeout makes a
/// second writer wait instead of failing with "database is locked".
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            // busy_timeout first: switching a new file to WAL takes a lock that the
            // pool's other connections, opened at the same moment, must wait for.
            "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
             PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens the database a URL names and applies its backend's migrations.
pub fn connect(url: &str) -> DbResult<DbPool> {
    let opening =
        |e: &dyn std::fmt::Display| DbError::Migration(format!("cannot open database: {e}"));
    match Backend::from_url(url) {
        Backend::Sqlite(path) => {
            // WAL once, alone, before the pool opens its connections at the
            // same moment: switching a new file's journal mode takes a lock
            // that SQLite does not wait for, and a pool connection that met it
            // would fail (and be retried, with an error in the log). Another
            // process starting on the same new file at the same instant can
            // still meet that lock, here or in the migrations: then it waits
            // and tries again.
            let establish = || {
                <SqliteConnection as diesel::Connection>::establish(&path)
                    .map_err(|e| opening(&e))?
                    .batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")?;
                Ok(())
            };
            until_unlocked(establish)?;
            let pool = Pool::builder()
                .max_size(8)
                .connection_customizer(Box::new(SqlitePragmas))
                .build(ConnectionManager::<SqliteConnection>::new(&path))
                .map_err(|e| opening(&e))?;
            until_unlocked(|| migrate_alone(&mut Conn::Sqlite(pool.get()?)))?;
            Ok(DbPool::Sqlite(pool))
        }
        Backend::Postgres(url) => {
            let pool = Pool::builder()
                .max_size(16)
                .build(ConnectionManager::<PgConnection>::new(&url))
                .map_err(|e| opening(&e))?;
            let mut conn = Conn::Postgres(pool.get()?);
            migrate_alone(&mut conn)?;
            Ok(DbPool::Postgres(pool))
        }
    }
}

/// How long opening a SQLite file keeps trying while another process holds
/// a lock SQLite does not wait for.
const OPEN_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs `step` again, after a growing pause, while it fails with SQLite's
/// "database is locked", for at most `OPEN_PATIENCE`.
fn until_unlocked(mut step: impl FnMut() -> DbResult<()>) -> DbResult<()> {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(20);
    loop {
        match step() {
            Err(e)
                if e.to_string().contains("database is locked")
                    && started.elapsed() < OPEN_PATIENCE =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(500));
            }
            done => return done,
        }
    }
}

/// Any number will do, as long as nothing else on the server locks it.
const MIGRATION_LOCK: i64 = 0x6875_6173_6875; // "huashu"

/// Applies pending migrations while holding the database's one migration lock,
/// so instances started at the same instant on one empty database take turns
/// instead of racing to create the same tables: PostgreSQL's advisory lock
/// (held by this connection, released after), SQLite's BEGIN IMMEDIATE (the
/// migrations then run as savepoints inside it).
fn migrate_alone(conn: &mut Conn) -> DbResult<()> {
    let failed = |e: &dyn std::fmt::Display| DbError::Migration(e.to_string());
    match conn {
        Conn::Sqlite(_) => write_tx(conn, |conn| {
            let Conn::Sqlite(c) = conn else {
                return Err(DbError::Migration("not SQLite".into()));
            };
            c.run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(|e| failed(&e))?;
            Ok(())
        }),
        Conn::Postgres(c) => {
            let lock = format!("SELECT pg_advisory_lock({MIGRATION_LOCK})");
            c.batch_execute(&lock)?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|_| ())
                .map_err(|e| failed(&e));
            let unlock = format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})");
            c.batch_execute(&unlock)?;
            result
        }
    }
}

/// Milliseconds since the Unix epoch: the one clock the storage layer uses.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
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
    fn the_backend_is_chosen_by_the_url_scheme() {
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Backend::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            Backend::from_url("postgresql://h/db"),
            Backend::Postgres("postgresql://h/db".into())
        );
        assert_eq!(
            Backend::from_url("sqlite://data/x.db"),
            Backend::Sqlite("data/x.db".into())
        );
        assert_eq!(
            Backend::from_url("data/x.db"),
            Backend::Sqlite("data/x.db".into())
        );
    }

    #[test]
    fn every_migration_reverts_and_applies_again() {
        let (_dir, pool) = fresh();
        let Ok(Conn::Sqlite(mut conn)) = pool.get() else {
            panic!("a SQLite connection")
        };
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
        let c = &mut conn;
        users::list(c).expect("users");
        questions::list_active(c).expect("questions");
        exams::list(c).expect("exams");
        exams::items(c, columns::ExamId(1)).expect("exam_items");
        attempts::for_user(c, 1).expect("attempts");
        attempts::answers(c, columns::AttemptId(1)).expect("answers");
        throttle::blocked(c, 0).expect("login_throttle");
        backup::snapshot(c).expect("every table");
        let columns: i64 = on_conn!(c, c => diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT COUNT(*) FROM sqlite_master m JOIN pragma_table_info(m.name) \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%')",
        ))
        .get_result(c))
        .expect("column count");
        // The column counts declared in schema.rs: 8 + 5 + 11 + 9 + 9 + 8 + 8 (exam
        // loop), 11 + 14 + 6 + 3 + 3 (mining), 9 + 10 + 9 + 7 + 10 + 8 + 5 (review),
        // 6 + 13 + 5 + 2 (scripts), 7 (API tokens), 7 (featured product), 4
        // (scripts entered in rounds), 4 (sampled replies), 1 (script flags),
        // 7 + 4 + 5 + 7 (cohorts), 3 (scenarios), 1 (packed rubric lines),
        // 15 + 10 (service figures and promises), 2 (review version).
        assert_eq!(
            columns, 270,
            "a column exists in SQL but not in schema.rs (or the reverse)"
        );
    }
}
