//! The automatic scorer's weights as leads chose them (`app::weights`), and
//! the graded answers a choice is fitted to.

use diesel::prelude::*;

use super::columns::decode;
use super::exams::{Item, ItemRow};
use super::schema::{answers, exam_items, lead_grades, scoring_weights};
use super::{on_conn, to_json, Conn, DbResult};
use crate::domain::calibration::Model;

/// A whole row, as stored and backed up.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = scoring_weights)]
pub struct WeightsRow {
    pub id: i64,
    pub model_json: Option<String>,
    pub chosen_by: i64,
    pub chosen_at: i64,
}

/// A lead's choice: a fitted model, or None for the built-in weights.
#[derive(Debug, Clone)]
pub struct Choice {
    pub model: Option<Model>,
    pub chosen_by: i64,
    pub chosen_at: i64,
}

/// The choice in force, if a lead ever made one.
pub fn current(conn: &mut Conn) -> DbResult<Option<Choice>> {
    let row: Option<WeightsRow> = on_conn!(conn, c => scoring_weights::table
        .order(scoring_weights::id.desc())
        .select(WeightsRow::as_select())
        .first(c)
        .optional())?;
    row.map(|r| {
        let model = r
            .model_json
            .as_deref()
            .map(|json| decode("scoring_weights", r.id, "model_json", json))
            .transpose()?;
        Ok(Choice {
            model,
            chosen_by: r.chosen_by,
            chosen_at: r.chosen_at,
        })
    })
    .transpose()
}

/// Records a choice; it is in force from now on.
pub fn choose(conn: &mut Conn, model: Option<&Model>, by: i64, now: i64) -> DbResult<()> {
    let json = model.map(to_json);
    on_conn!(conn, c => diesel::insert_into(scoring_weights::table)
        .values((
            scoring_weights::model_json.eq(json),
            scoring_weights::chosen_by.eq(by),
            scoring_weights::chosen_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// An answer a lead graded, with its item and the grade.
pub struct Graded {
    pub body: String,
    pub item: Item,
    pub grade: f64,
}

/// Every answer a lead has graded, oldest grade first.
pub fn graded(conn: &mut Conn) -> DbResult<Vec<Graded>> {
    let rows: Vec<(String, f64, ItemRow)> = on_conn!(conn, c => lead_grades::table
        .inner_join(answers::table.on(answers::id.eq(lead_grades::answer_id)))
        .inner_join(exam_items::table.on(exam_items::id.eq(answers::item_id)))
        .order(lead_grades::id)
        .select((answers::body, lead_grades::score, ItemRow::as_select()))
        .load(c))?;
    rows.into_iter()
        .map(|(body, grade, item)| {
            Ok(Graded {
                body,
                item: item.decode()?,
                grade,
            })
        })
        .collect()
}
