//! The review rubric's versions.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = review_rubrics)]
pub struct RubricRow {
    pub id: i64,
    pub version: i32,
    pub rubric_json: String,
    pub created_by: i64,
    pub created_at: i64,
}

/// Every stored rubric version, newest first.
pub fn rubrics(conn: &mut Conn) -> DbResult<Vec<RubricRow>> {
    Ok(on_conn!(conn, c => review_rubrics::table
        .order(review_rubrics::version.desc())
        .select(RubricRow::as_select())
        .load(c))?)
}

/// The rubrics frozen into rounds and leads' grades, as stored.
pub fn rubrics_in_use(conn: &mut Conn) -> DbResult<Vec<String>> {
    let mut used: Vec<String> = on_conn!(conn, c => review_rounds::table
        .select(review_rounds::rubric_json)
        .distinct()
        .load(c))?;
    used.extend(on_conn!(conn, c => lead_grades::table
        .select(lead_grades::rubric_json)
        .distinct()
        .load(c))?);
    Ok(used)
}

/// Stores a rubric version: replaces that version's row if there is one,
/// adds it otherwise.
pub fn save_rubric(
    conn: &mut Conn,
    version: i32,
    rubric_json: &str,
    by: i64,
    now: i64,
) -> DbResult<()> {
    let values = (
        review_rubrics::version.eq(version),
        review_rubrics::rubric_json.eq(rubric_json),
        review_rubrics::created_by.eq(by),
        review_rubrics::created_at.eq(now),
    );
    on_conn!(conn, c => diesel::insert_into(review_rubrics::table)
        .values(values)
        .on_conflict(review_rubrics::version)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}
