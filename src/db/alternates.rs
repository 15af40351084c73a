//! Alternate wordings of a script's question, which a pasted customer
//! message is matched against like the question itself.

use diesel::prelude::*;

use super::schema::script_alternates;
use super::{on_conn, Conn, DbResult};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = script_alternates)]
pub struct AlternateRow {
    pub id: i64,
    pub script_id: i64,
    pub text: String,
    pub added_by: i64,
    pub created_at: i64,
}

/// Adds a wording unless the script has it already; whether it was added.
pub fn add(conn: &mut Conn, script: i64, text: &str, by: i64, now: i64) -> DbResult<bool> {
    let added = on_conn!(conn, c => diesel::insert_into(script_alternates::table)
        .values((
            script_alternates::script_id.eq(script),
            script_alternates::text.eq(text),
            script_alternates::added_by.eq(by),
            script_alternates::created_at.eq(now),
        ))
        .on_conflict((script_alternates::script_id, script_alternates::text))
        .do_nothing()
        .execute(c))?;
    super::scripts::touch(conn)?;
    Ok(added == 1)
}

/// Removes wording `id` of `script`; whether there was one.
pub fn remove(conn: &mut Conn, script: i64, id: i64) -> DbResult<bool> {
    let gone = on_conn!(conn, c => diesel::delete(
        script_alternates::table
            .filter(script_alternates::id.eq(id))
            .filter(script_alternates::script_id.eq(script)),
    )
    .execute(c))?;
    super::scripts::touch(conn)?;
    Ok(gone == 1)
}

/// One script's wordings, oldest first.
pub fn of_script(conn: &mut Conn, script: i64) -> DbResult<Vec<AlternateRow>> {
    Ok(on_conn!(conn, c => script_alternates::table
        .filter(script_alternates::script_id.eq(script))
        .order(script_alternates::id)
        .select(AlternateRow::as_select())
        .load(c))?)
}

/// Every script's wordings, as (script, text), for the matching index.
pub fn all(conn: &mut Conn) -> DbResult<Vec<(i64, String)>> {
    Ok(on_conn!(conn, c => script_alternates::table
        .order(script_alternates::id)
        .select((script_alternates::script_id, script_alternates::text))
        .load(c))?)
}
