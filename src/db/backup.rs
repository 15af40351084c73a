//! Whole-database snapshots in a portable form: every row of every table, read in
//! one read-only transaction (a consistent snapshot while the app keeps writing),
//! and written back into an empty database of either backend with ids kept.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::attempts::{AnswerRow, AttemptRow};
use super::exams::{ExamRow, ItemRow};
use super::questions::QuestionRow;
use super::schema::{answers, attempts, exam_items, exams, login_failures, questions, users};
use super::users::UserRow;
use super::{on_conn, write_tx, Conn, DbError, DbResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = login_failures)]
pub struct LoginFailureRow {
    pub username: String,
    pub failures: i32,
    pub last_failed_at: i64,
}

/// One row of one table; the unit of a backup file (one JSON line each).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "table", content = "row", rename_all = "snake_case")]
pub enum Row {
    Users(UserRow),
    LoginFailures(LoginFailureRow),
    Questions(QuestionRow),
    Exams(ExamRow),
    ExamItems(ItemRow),
    Attempts(AttemptRow),
    Answers(AnswerRow),
}

/// Tables in foreign-key order: a row only refers to tables before it.
pub const TABLES: [&str; 7] = [
    "users",
    "login_failures",
    "questions",
    "exams",
    "exam_items",
    "attempts",
    "answers",
];

/// Every row, from one snapshot.
pub fn snapshot(conn: &mut Conn) -> DbResult<Vec<Row>> {
    let begin = match conn {
        Conn::Sqlite(_) => "BEGIN",
        Conn::Postgres(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    };
    on_conn!(conn, c => AnsiTransactionManager::begin_transaction_sql(c, begin))?;
    let rows = read_all(conn);
    // Read-only: ending it either way changes nothing.
    on_conn!(conn, c => AnsiTransactionManager::rollback_transaction(c))?;
    rows
}

fn read_all(conn: &mut Conn) -> DbResult<Vec<Row>> {
    let mut rows = Vec::new();
    macro_rules! take {
        ($table:ident, $row:ty, $variant:ident) => {
            let loaded: Vec<$row> = on_conn!(conn, c => $table::table.select(<$row>::as_select()).order($table::all_columns.0).load(c))?;
            rows.extend(loaded.into_iter().map(Row::$variant));
        };
    }
    take!(users, UserRow, Users);
    take!(login_failures, LoginFailureRow, LoginFailures);
    take!(questions, QuestionRow, Questions);
    take!(exams, ExamRow, Exams);
    take!(exam_items, ItemRow, ExamItems);
    take!(attempts, AttemptRow, Attempts);
    take!(answers, AnswerRow, Answers);
    Ok(rows)
}

/// Rows already in the target, per table; a restore only goes into an empty one.
pub fn row_counts(conn: &mut Conn) -> DbResult<Vec<(&'static str, i64)>> {
    Ok(vec![
        (
            "users",
            on_conn!(conn, c => users::table.count().get_result(c))?,
        ),
        (
            "login_failures",
            on_conn!(conn, c => login_failures::table.count().get_result(c))?,
        ),
        (
            "questions",
            on_conn!(conn, c => questions::table.count().get_result(c))?,
        ),
        (
            "exams",
            on_conn!(conn, c => exams::table.count().get_result(c))?,
        ),
        (
            "exam_items",
            on_conn!(conn, c => exam_items::table.count().get_result(c))?,
        ),
        (
            "attempts",
            on_conn!(conn, c => attempts::table.count().get_result(c))?,
        ),
        (
            "answers",
            on_conn!(conn, c => answers::table.count().get_result(c))?,
        ),
    ])
}

/// Writes rows into an empty database in one transaction: all or nothing. Ids are
/// kept; PostgreSQL's sequences are moved past them so new rows do not collide.
pub fn restore(conn: &mut Conn, rows: impl IntoIterator<Item = Row>) -> DbResult<usize> {
    write_tx(conn, |conn| {
        if let Some((table, n)) = row_counts(conn)?.into_iter().find(|(_, n)| *n > 0) {
            return Err(DbError::Corrupt(format!(
                "the target database is not empty ({table} has {n} rows)"
            )));
        }
        let mut count = 0;
        for row in rows {
            insert(conn, &row)?;
            count += 1;
        }
        if let Conn::Postgres(c) = conn {
            for table in TABLES.iter().filter(|t| **t != "login_failures") {
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ))
                .execute(&mut **c)?;
            }
        }
        Ok(count)
    })
}

fn insert(conn: &mut Conn, row: &Row) -> DbResult<()> {
    match row {
        Row::Users(r) => {
            on_conn!(conn, c => diesel::insert_into(users::table).values(r).execute(c))?
        }
        Row::LoginFailures(r) => {
            on_conn!(conn, c => diesel::insert_into(login_failures::table).values(r).execute(c))?
        }
        Row::Questions(r) => {
            on_conn!(conn, c => diesel::insert_into(questions::table).values(r).execute(c))?
        }
        Row::Exams(r) => {
            on_conn!(conn, c => diesel::insert_into(exams::table).values(r).execute(c))?
        }
        Row::ExamItems(r) => {
            on_conn!(conn, c => diesel::insert_into(exam_items::table).values(r).execute(c))?
        }
        Row::Attempts(r) => {
            on_conn!(conn, c => diesel::insert_into(attempts::table).values(r).execute(c))?
        }
        Row::Answers(r) => {
            on_conn!(conn, c => diesel::insert_into(answers::table).values(r).execute(c))?
        }
    };
    Ok(())
}
