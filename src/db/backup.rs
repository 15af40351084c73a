//! Whole-database snapshots in a portable form: every row of every table, read in
//! one read-only transaction (a consistent snapshot while the app keeps writing),
//! and written back into an empty database of either backend with ids kept.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::alternates::AlternateRow;
use super::attempts::{AnswerRow, AttemptRow};
use super::cohorts::{CohortExamRow, CohortRow, EnrolmentRow, ExceptionRow};
use super::exams::{ExamRow, ItemRow};
use super::featured::Row as FeaturedRow;
use super::imports::ImportRow;
use super::mining::{self, ClusterRow, LinkRow, WeekRow};
use super::questions::QuestionRow;
use super::review::{
    AppealRow, AssignmentRow, CalibrationRow, ComparisonRow, IncumbentRow, LeadGradeRow, RoundRow,
    RubricRow,
};
use super::schema::{
    answers, api_tokens, appeals, attempts, chat_conversations, chat_imports, chat_promises,
    cohort_exams, cohorts, enrolments, exam_items, exams, featured_products, lead_grades,
    mined_answers, mined_clusters, mined_questions, mined_replies, mined_weeks, question_links,
    questions, review_assignments, review_calibrations, review_comparisons, review_rounds,
    review_rubrics, round_incumbents, scoring_weights, script_alternates, script_versions, scripts,
    users, week_exceptions,
};
use super::scripts::{ScriptRow, VersionRow};
use super::service::{ConversationRow, PromiseRow};
use super::tokens::TokenRow;
use super::users::UserRow;
use super::weights::WeightsRow;
use super::{on_conn, write_tx, Conn, DbError, DbResult};

/// One row of one table; the unit of a backup file (one JSON line each).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "table", content = "row", rename_all = "snake_case")]
pub enum Row {
    Users(UserRow),
    ApiTokens(TokenRow),
    /// Written by older versions; login counters are not data worth keeping,
    /// so such rows are read and skipped.
    #[serde(skip_serializing)]
    LoginFailures(serde::de::IgnoredAny),
    Questions(QuestionRow),
    Exams(ExamRow),
    ExamItems(ItemRow),
    Attempts(AttemptRow),
    Answers(AnswerRow),
    ChatImports(ImportRow),
    MinedClusters(ClusterRow),
    MinedQuestions(mining::QuestionRow),
    MinedWeeks(WeekRow),
    MinedAnswers(mining::AnswerRow),
    MinedReplies(mining::ReplyRow),
    ReviewRounds(RoundRow),
    ReviewAssignments(AssignmentRow),
    LeadGrades(LeadGradeRow),
    ReviewComparisons(ComparisonRow),
    Appeals(AppealRow),
    ReviewCalibrations(CalibrationRow),
    ReviewRubrics(RubricRow),
    Scripts(ScriptRow),
    ScriptVersions(VersionRow),
    ScriptAlternates(AlternateRow),
    FeaturedProducts(FeaturedRow),
    RoundIncumbents(IncumbentRow),
    ScoringWeights(WeightsRow),
    QuestionLinks(LinkRow),
    Cohorts(CohortRow),
    CohortExams(CohortExamRow),
    Enrolments(EnrolmentRow),
    WeekExceptions(ExceptionRow),
    ChatConversations(ConversationRow),
    ChatPromises(PromiseRow),
}

/// Tables in foreign-key order: a row only refers to tables before it.
pub const TABLES: [&str; 33] = [
    "users",
    "api_tokens",
    "questions",
    "exams",
    "exam_items",
    "attempts",
    "answers",
    "chat_imports",
    "mined_clusters",
    "mined_questions",
    "mined_weeks",
    "mined_answers",
    "mined_replies",
    "review_rounds",
    "review_assignments",
    "lead_grades",
    "review_comparisons",
    "appeals",
    "review_calibrations",
    "review_rubrics",
    "scripts",
    "script_versions",
    "script_alternates",
    "featured_products",
    "round_incumbents",
    "scoring_weights",
    "question_links",
    "cohorts",
    "cohort_exams",
    "enrolments",
    "week_exceptions",
    "chat_conversations",
    "chat_promises",
];

/// Tables whose key is not a serial `id` (no sequence to move on PostgreSQL).
const WITHOUT_ID: [&str; 2] = ["mined_weeks", "round_incumbents"];

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
    take!(api_tokens, TokenRow, ApiTokens);
    take!(questions, QuestionRow, Questions);
    take!(exams, ExamRow, Exams);
    take!(exam_items, ItemRow, ExamItems);
    take!(attempts, AttemptRow, Attempts);
    take!(answers, AnswerRow, Answers);
    take!(chat_imports, ImportRow, ChatImports);
    take!(mined_clusters, ClusterRow, MinedClusters);
    take!(mined_questions, mining::QuestionRow, MinedQuestions);
    take!(mined_weeks, WeekRow, MinedWeeks);
    take!(mined_answers, mining::AnswerRow, MinedAnswers);
    take!(mined_replies, mining::ReplyRow, MinedReplies);
    take!(review_rounds, RoundRow, ReviewRounds);
    take!(review_assignments, AssignmentRow, ReviewAssignments);
    take!(lead_grades, LeadGradeRow, LeadGrades);
    take!(review_comparisons, ComparisonRow, ReviewComparisons);
    take!(appeals, AppealRow, Appeals);
    take!(review_calibrations, CalibrationRow, ReviewCalibrations);
    take!(review_rubrics, RubricRow, ReviewRubrics);
    take!(scripts, ScriptRow, Scripts);
    take!(script_versions, VersionRow, ScriptVersions);
    take!(script_alternates, AlternateRow, ScriptAlternates);
    take!(featured_products, FeaturedRow, FeaturedProducts);
    take!(round_incumbents, IncumbentRow, RoundIncumbents);
    take!(scoring_weights, WeightsRow, ScoringWeights);
    take!(question_links, LinkRow, QuestionLinks);
    take!(cohorts, CohortRow, Cohorts);
    take!(cohort_exams, CohortExamRow, CohortExams);
    take!(enrolments, EnrolmentRow, Enrolments);
    take!(week_exceptions, ExceptionRow, WeekExceptions);
    take!(chat_conversations, ConversationRow, ChatConversations);
    take!(chat_promises, PromiseRow, ChatPromises);
    Ok(rows)
}

/// Rows already in the target, per table; a restore only goes into an empty one.
pub fn row_counts(conn: &mut Conn) -> DbResult<Vec<(&'static str, i64)>> {
    macro_rules! count {
        ($table:ident) => {
            (stringify!($table), on_conn!(conn, c => $table::table.count().get_result(c))?)
        };
    }
    Ok(vec![
        count!(users),
        count!(api_tokens),
        count!(questions),
        count!(exams),
        count!(exam_items),
        count!(attempts),
        count!(answers),
        count!(chat_imports),
        count!(mined_clusters),
        count!(mined_questions),
        count!(mined_weeks),
        count!(mined_answers),
        count!(mined_replies),
        count!(review_rounds),
        count!(review_assignments),
        count!(lead_grades),
        count!(review_comparisons),
        count!(appeals),
        count!(review_calibrations),
        count!(review_rubrics),
        count!(scripts),
        count!(script_versions),
        count!(script_alternates),
        count!(featured_products),
        count!(round_incumbents),
        count!(scoring_weights),
        count!(question_links),
        count!(cohorts),
        count!(cohort_exams),
        count!(enrolments),
        count!(week_exceptions),
        count!(chat_conversations),
        count!(chat_promises),
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
            count += 1;
            // Row n of the backup is line n + 1 of its file (after the header).
            insert(conn, &row)
                .map_err(|e| DbError::Corrupt(format!("line {}: row refused: {e}", count + 1)))?;
        }
        if let Conn::Postgres(c) = conn {
            for table in TABLES.iter().filter(|t| !WITHOUT_ID.contains(t)) {
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
    macro_rules! put {
        ($table:ident, $r:expr) => {
            on_conn!(conn, c => diesel::insert_into($table::table).values($r).execute(c))?
        };
    }
    match row {
        Row::Users(r) => put!(users, r),
        Row::ApiTokens(r) => put!(api_tokens, r),
        Row::LoginFailures(_) => 0,
        Row::Questions(r) => put!(questions, r),
        Row::Exams(r) => put!(exams, r),
        Row::ExamItems(r) => put!(exam_items, r),
        Row::Attempts(r) => put!(attempts, r),
        Row::Answers(r) => put!(answers, r),
        Row::ChatImports(r) => put!(chat_imports, r),
        Row::MinedClusters(r) => put!(mined_clusters, r),
        Row::MinedQuestions(r) => put!(mined_questions, r),
        Row::MinedWeeks(r) => put!(mined_weeks, r),
        Row::MinedAnswers(r) => put!(mined_answers, r),
        Row::MinedReplies(r) => put!(mined_replies, r),
        Row::ReviewRounds(r) => put!(review_rounds, r),
        Row::ReviewAssignments(r) => put!(review_assignments, r),
        Row::LeadGrades(r) => put!(lead_grades, r),
        Row::ReviewComparisons(r) => put!(review_comparisons, r),
        Row::Appeals(r) => put!(appeals, r),
        Row::ReviewCalibrations(r) => put!(review_calibrations, r),
        Row::ReviewRubrics(r) => put!(review_rubrics, r),
        Row::Scripts(r) => put!(scripts, r),
        Row::ScriptVersions(r) => put!(script_versions, r),
        Row::ScriptAlternates(r) => put!(script_alternates, r),
        Row::FeaturedProducts(r) => put!(featured_products, r),
        Row::RoundIncumbents(r) => put!(round_incumbents, r),
        Row::ScoringWeights(r) => put!(scoring_weights, r),
        Row::QuestionLinks(r) => put!(question_links, r),
        Row::Cohorts(r) => put!(cohorts, r),
        Row::CohortExams(r) => put!(cohort_exams, r),
        Row::Enrolments(r) => put!(enrolments, r),
        Row::WeekExceptions(r) => put!(week_exceptions, r),
        Row::ChatConversations(r) => put!(chat_conversations, r),
        Row::ChatPromises(r) => put!(chat_promises, r),
    };
    Ok(())
}
