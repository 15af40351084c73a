//! How typed values sit in columns: row ids as their own types (an exam's id
//! cannot be passed where an attempt's is meant), the domain's keyed enums as
//! their stable keys, and JSON columns decoded once, naming the row when the
//! stored text does not parse.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{BigInt, Text};
use serde::de::DeserializeOwned;

use serde::{Deserialize, Serialize};

use super::{DbError, DbResult};
use crate::domain::types::keyed_enum;

macro_rules! row_id {
    ($($(#[$m:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = BigInt)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<DB: Backend> ToSql<BigInt, DB> for $name
        where
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<BigInt, DB> for $name
        where
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }
    )+};
}

row_id!(
    /// `exams.id`
    ExamId,
    /// `exam_items.id`
    ItemId,
    /// `attempts.id`
    AttemptId,
    /// `answers.id`
    AnswerId,
    /// `review_rounds.id`
    RoundId,
);

/// A keyed enum (`domain::types::keyed_enum!`) stored as its stable key; an
/// unknown key read back is corrupt data, not a default.
macro_rules! stored_as_key {
    ($($name:ident),+) => {$(
        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.key().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let key = String::from_sql(bytes)?;
                $name::parse(&key)
                    .ok_or_else(|| format!("{key} is not a known {}", stringify!($name)).into())
            }
        }
    )+};
}

keyed_enum!(
    /// Where an exam is in its life: drafted, taking answers, closed.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = Text)]
    ExamStatus, "exam_status" { Draft => "draft", Open => "open", Closed => "closed" }
);

keyed_enum!(
    /// An appeal against a final score: waiting for a lead, or decided.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = Text)]
    AppealStatus, "appeal_status" { Open => "open", Upheld => "upheld", Rejected => "rejected" }
);

keyed_enum!(
    /// A chat-log import: being read (under a lease), finished, or failed.
    #[derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
    #[diesel(sql_type = Text)]
    ImportStatus, "import_status" { Running => "running", Done => "done", Failed => "failed" }
);

stored_as_key!(ExamStatus, AppealStatus, ImportStatus);

/// Decodes a stored JSON column. Text that does not parse names its table, row
/// and column, so the logged 500 says where to look.
pub(crate) fn decode<T: DeserializeOwned>(
    table: &str,
    id: impl std::fmt::Display,
    column: &str,
    text: &str,
) -> DbResult<T> {
    serde_json::from_str(text)
        .map_err(|e| DbError::Corrupt(format!("{table} row {id}, column {column}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{exams, on_conn};
    use diesel::RunQueryDsl;

    #[test]
    fn a_status_key_nobody_wrote_is_corrupt_data_not_a_default() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.db");
        let pool = crate::db::connect(path.to_str().expect("utf-8")).expect("db");
        let mut conn = pool.get().expect("conn");
        let c = &mut conn;
        on_conn!(c, c => diesel::sql_query(
            "INSERT INTO users (id, username, display_name, password_hash, role, active, lang, created_at) \
             VALUES (1, 'lead', 'L', 'x', 'lead', 1, 'zh-CN', 0)"
        ).execute(c))
        .expect("user");
        // The schema's CHECK refuses such a row; a hand edit or another tool may not.
        on_conn!(c, c => diesel::sql_query("PRAGMA ignore_check_constraints = ON").execute(c))
            .expect("pragma");
        on_conn!(c, c => diesel::sql_query(
            "INSERT INTO exams (id, title, time_limit_min, pass_mark, status, created_by, created_at) \
             VALUES (7, 'T', 10, 60, 'open', 1, 0), (8, 'T', 10, 60, 'paused', 1, 0)"
        ).execute(c))
        .expect("exams");
        let open = exams::find(c, ExamId(7)).expect("reads").expect("there");
        assert_eq!((open.id, open.status), (ExamId(7), ExamStatus::Open));
        let err = exams::find(c, ExamId(8)).expect_err("an unknown status");
        // What the 500 logs (`AppError` is logged with `{:?}`) names field and value.
        let logged = format!("{err:?}");
        assert!(
            logged.contains("status") && logged.contains("paused"),
            "{logged}"
        );
    }

    #[test]
    fn a_corrupt_json_column_names_its_row() {
        let err = decode::<Vec<String>>("exam_items", ItemId(12), "references_json", "[1,")
            .expect_err("corrupt");
        let message = err.to_string();
        assert!(
            message.contains("exam_items row 12, column references_json"),
            "{message}"
        );
    }

    #[test]
    fn ids_and_statuses_keep_their_plain_form_in_json() {
        assert_eq!(serde_json::to_string(&AnswerId(5)).expect("json"), "5");
        assert_eq!(
            serde_json::to_string(&AppealStatus::Upheld).expect("json"),
            "\"upheld\""
        );
        for status in [
            ImportStatus::Running,
            ImportStatus::Done,
            ImportStatus::Failed,
        ] {
            assert_eq!(ImportStatus::parse(status.key()), Some(status));
        }
    }
}
