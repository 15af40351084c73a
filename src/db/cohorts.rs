//! Cohorts of new hires on a program: the cohort with its frozen plan, the
//! exam of each week, who is enrolled, and the weeks a lead opened early.

use diesel::prelude::*;

use super::columns::{decode, ExamId};
use super::schema::{cohort_exams, cohorts, enrolments, week_exceptions};
use super::{on_conn, to_json, Conn, DbResult};
use crate::domain::program::Program;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = cohorts)]
pub struct CohortRow {
    pub id: i64,
    pub name: String,
    pub program_slug: String,
    pub plan_json: String,
    pub starts_on: String,
    pub created_by: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = cohort_exams)]
pub struct CohortExamRow {
    pub id: i64,
    pub cohort_id: i64,
    pub week: i32,
    pub exam_id: ExamId,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = enrolments)]
pub struct EnrolmentRow {
    pub id: i64,
    pub user_id: i64,
    pub cohort_id: i64,
    pub enrolled_by: i64,
    pub enrolled_at: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = week_exceptions)]
pub struct ExceptionRow {
    pub id: i64,
    pub cohort_id: i64,
    pub user_id: i64,
    pub week: i32,
    pub reason: String,
    pub granted_by: i64,
    pub granted_at: i64,
}

impl CohortRow {
    /// The program as it was when the cohort was created.
    pub fn plan(&self) -> DbResult<Program> {
        decode("cohorts", self.id, "plan_json", &self.plan_json)
    }
}

pub struct NewCohort<'a> {
    pub name: &'a str,
    pub plan: &'a Program,
    pub starts_on: &'a str,
    pub created_by: i64,
    pub now: i64,
}

pub fn create(conn: &mut Conn, new: &NewCohort) -> DbResult<i64> {
    Ok(on_conn!(conn, c => diesel::insert_into(cohorts::table)
        .values((
            cohorts::name.eq(new.name),
            cohorts::program_slug.eq(&new.plan.slug),
            cohorts::plan_json.eq(to_json(new.plan)),
            cohorts::starts_on.eq(new.starts_on),
            cohorts::created_by.eq(new.created_by),
            cohorts::created_at.eq(new.now),
        ))
        .returning(cohorts::id)
        .get_result(c))?)
}

pub fn add_exam(conn: &mut Conn, cohort: i64, week: i32, exam: ExamId) -> DbResult<()> {
    on_conn!(conn, c => diesel::insert_into(cohort_exams::table)
        .values((
            cohort_exams::cohort_id.eq(cohort),
            cohort_exams::week.eq(week),
            cohort_exams::exam_id.eq(exam),
        ))
        .execute(c))?;
    Ok(())
}

/// Every cohort, the latest first.
pub fn list(conn: &mut Conn) -> DbResult<Vec<CohortRow>> {
    Ok(on_conn!(conn, c => cohorts::table
        .order(cohorts::id.desc())
        .select(CohortRow::as_select())
        .load(c))?)
}

pub fn find(conn: &mut Conn, id: i64) -> DbResult<Option<CohortRow>> {
    Ok(on_conn!(conn, c => cohorts::table
        .find(id)
        .select(CohortRow::as_select())
        .first(c)
        .optional())?)
}

/// A cohort's exams, week by week in the program's order.
pub fn exams_of(conn: &mut Conn, cohort: i64) -> DbResult<Vec<CohortExamRow>> {
    Ok(on_conn!(conn, c => cohort_exams::table
        .filter(cohort_exams::cohort_id.eq(cohort))
        .order((cohort_exams::week, cohort_exams::id))
        .select(CohortExamRow::as_select())
        .load(c))?)
}

/// The cohort week an exam belongs to, if it belongs to one.
pub fn of_exam(conn: &mut Conn, exam: ExamId) -> DbResult<Option<CohortExamRow>> {
    Ok(on_conn!(conn, c => cohort_exams::table
        .filter(cohort_exams::exam_id.eq(exam))
        .select(CohortExamRow::as_select())
        .first(c)
        .optional())?)
}

/// Every exam that belongs to a cohort.
pub fn all_exam_ids(conn: &mut Conn) -> DbResult<Vec<ExamId>> {
    Ok(on_conn!(conn, c => cohort_exams::table
        .select(cohort_exams::exam_id)
        .load(c))?)
}

/// Puts `user` in `cohort`, moving them out of any other.
pub fn enrol(conn: &mut Conn, cohort: i64, user: i64, by: i64, now: i64) -> DbResult<()> {
    on_conn!(conn, c => diesel::insert_into(enrolments::table)
        .values((
            enrolments::user_id.eq(user),
            enrolments::cohort_id.eq(cohort),
            enrolments::enrolled_by.eq(by),
            enrolments::enrolled_at.eq(now),
        ))
        .on_conflict(enrolments::user_id)
        .do_update()
        .set((
            enrolments::cohort_id.eq(cohort),
            enrolments::enrolled_by.eq(by),
            enrolments::enrolled_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// Takes `user` out of `cohort`.
pub fn unenrol(conn: &mut Conn, cohort: i64, user: i64) -> DbResult<()> {
    on_conn!(conn, c => diesel::delete(
        enrolments::table.filter(enrolments::cohort_id.eq(cohort).and(enrolments::user_id.eq(user))),
    )
    .execute(c))?;
    Ok(())
}

pub fn enrolment_of(conn: &mut Conn, user: i64) -> DbResult<Option<EnrolmentRow>> {
    Ok(on_conn!(conn, c => enrolments::table
        .filter(enrolments::user_id.eq(user))
        .select(EnrolmentRow::as_select())
        .first(c)
        .optional())?)
}

/// The user ids of a cohort's members, in the order they were enrolled.
pub fn members(conn: &mut Conn, cohort: i64) -> DbResult<Vec<i64>> {
    Ok(on_conn!(conn, c => enrolments::table
        .filter(enrolments::cohort_id.eq(cohort))
        .order(enrolments::id)
        .select(enrolments::user_id)
        .load(c))?)
}

/// Every enrolment as (user, cohort).
pub fn enrolled(conn: &mut Conn) -> DbResult<Vec<(i64, i64)>> {
    Ok(on_conn!(conn, c => enrolments::table
        .select((enrolments::user_id, enrolments::cohort_id))
        .load(c))?)
}

/// How many members each cohort has.
pub fn sizes(conn: &mut Conn) -> DbResult<Vec<(i64, i64)>> {
    Ok(on_conn!(conn, c => enrolments::table
        .group_by(enrolments::cohort_id)
        .select((enrolments::cohort_id, diesel::dsl::count_star()))
        .load(c))?)
}

pub struct NewException<'a> {
    pub cohort: i64,
    pub user: i64,
    pub week: i32,
    pub reason: &'a str,
    pub by: i64,
    pub now: i64,
}

pub fn grant(conn: &mut Conn, e: &NewException) -> DbResult<()> {
    on_conn!(conn, c => diesel::insert_into(week_exceptions::table)
        .values((
            week_exceptions::cohort_id.eq(e.cohort),
            week_exceptions::user_id.eq(e.user),
            week_exceptions::week.eq(e.week),
            week_exceptions::reason.eq(e.reason),
            week_exceptions::granted_by.eq(e.by),
            week_exceptions::granted_at.eq(e.now),
        ))
        .execute(c))?;
    Ok(())
}

/// The exceptions granted in a cohort, in the order they were granted.
pub fn exceptions(conn: &mut Conn, cohort: i64) -> DbResult<Vec<ExceptionRow>> {
    Ok(on_conn!(conn, c => week_exceptions::table
        .filter(week_exceptions::cohort_id.eq(cohort))
        .order(week_exceptions::id)
        .select(ExceptionRow::as_select())
        .load(c))?)
}
