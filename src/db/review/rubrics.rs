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

/// A stored version of the team's rubric.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RubricVersion {
    pub version: i32,
    pub rubric: Rubric,
    pub created_by: i64,
    pub created_at: i64,
}

/// Every stored rubric version, newest first.
pub fn rubrics(conn: &mut Conn) -> DbResult<Vec<RubricVersion>> {
    let rows: Vec<RubricRow> = on_conn!(conn, c => review_rubrics::table
        .order(review_rubrics::version.desc())
        .select(RubricRow::as_select())
        .load(c))?;
    rows.into_iter()
        .map(|r| {
            Ok(RubricVersion {
                rubric: decode("review_rubrics", r.id, "rubric_json", &r.rubric_json)?,
                version: r.version,
                created_by: r.created_by,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// Whether rubric `version` is frozen into a round or a lead's grade: such a
/// version is never edited in place.
pub fn rubric_in_use(conn: &mut Conn, version: u32) -> DbResult<bool> {
    use diesel::dsl::min;
    // Each distinct stored rubric once (leads' grades repeat theirs row after
    // row), named by the first row that holds it should it not parse.
    let frozen = |table: &str, rows: Vec<(Option<i64>, String)>| -> DbResult<bool> {
        for (id, json) in rows {
            let row = id.map_or(String::new(), |id| id.to_string());
            let rubric: Rubric = decode(table, row, "rubric_json", &json)?;
            if rubric.version == version {
                return Ok(true);
            }
        }
        Ok(false)
    };
    let rounds = on_conn!(conn, c => review_rounds::table
        .group_by(review_rounds::rubric_json)
        .select((min(review_rounds::id), review_rounds::rubric_json))
        .load(c))?;
    if frozen("review_rounds", rounds)? {
        return Ok(true);
    }
    let grades = on_conn!(conn, c => lead_grades::table
        .group_by(lead_grades::rubric_json)
        .select((min(lead_grades::id), lead_grades::rubric_json))
        .load(c))?;
    frozen("lead_grades", grades)
}

/// Stores a rubric version: replaces that version's row if there is one,
/// adds it otherwise.
pub fn save_rubric(
    conn: &mut Conn,
    version: i32,
    rubric: &Rubric,
    by: i64,
    now: i64,
) -> DbResult<()> {
    let values = (
        review_rubrics::version.eq(version),
        review_rubrics::rubric_json.eq(to_json(rubric)),
        review_rubrics::created_by.eq(by),
        review_rubrics::created_at.eq(now),
    );
    on_conn!(conn, c => diesel::insert_into(review_rubrics::table)
        .values(values.clone())
        .on_conflict(review_rubrics::version)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}
