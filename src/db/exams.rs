//! Exams and their items (a frozen copy of each bank question).

use diesel::prelude::*;

use super::columns::{decode, ExamId, ExamStatus, ItemId};
use super::questions::Question;
use super::schema::{exam_items, exams};
use super::{now_ms, on_conn, to_json, write_tx, Conn, DbResult};
use crate::domain::rubric;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = exams)]
pub struct ExamRow {
    pub id: ExamId,
    pub title: String,
    pub time_limit_min: i32,
    pub pass_mark: i32,
    pub status: ExamStatus,
    pub created_by: i64,
    pub created_at: i64,
    pub opened_at: Option<i64>,
    pub closed_at: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = exam_items)]
pub struct ItemRow {
    pub id: ItemId,
    pub exam_id: ExamId,
    pub position: i32,
    pub question_id: i64,
    pub scene: String,
    pub category: String,
    pub prompt: String,
    pub references_json: String,
    pub rubric_json: String,
}

/// An exam item as the program uses it: its references and rubric settings
/// decoded from their stored JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Item {
    pub id: ItemId,
    pub exam_id: ExamId,
    pub position: i32,
    pub question_id: i64,
    pub scene: String,
    pub category: String,
    pub prompt: String,
    pub references: Vec<String>,
    pub rubric: rubric::Settings,
}

impl ItemRow {
    pub(crate) fn decode(self) -> DbResult<Item> {
        Ok(Item {
            references: decode(
                "exam_items",
                self.id,
                "references_json",
                &self.references_json,
            )?,
            rubric: decode("exam_items", self.id, "rubric_json", &self.rubric_json)?,
            id: self.id,
            exam_id: self.exam_id,
            position: self.position,
            question_id: self.question_id,
            scene: self.scene,
            category: self.category,
            prompt: self.prompt,
        })
    }
}

pub struct NewExam<'a> {
    pub title: &'a str,
    pub time_limit_min: i32,
    pub pass_mark: i32,
    pub created_by: i64,
}

/// Creates a draft exam with a copy of each question, in one transaction. An
/// item's references are its question's plus the better replies of upheld
/// appeals on earlier answers to it: they are the candidates this round
/// scores against.
/// Stores a draft exam with one item per question, in order, each with the
/// references given for it (JSON), in one transaction.
pub fn create(
    conn: &mut Conn,
    new: &NewExam,
    items: &[(&Question, Vec<String>)],
) -> DbResult<ExamId> {
    write_tx(conn, |conn| {
        let id: ExamId = on_conn!(conn, c => diesel::insert_into(exams::table)
            .values((
                exams::title.eq(new.title),
                exams::time_limit_min.eq(new.time_limit_min),
                exams::pass_mark.eq(new.pass_mark),
                exams::status.eq(ExamStatus::Draft),
                exams::created_by.eq(new.created_by),
                exams::created_at.eq(now_ms()),
            ))
            .returning(exams::id)
            .get_result(c))?;
        // Row by row: multi-row inserts do not compile over diesel's MultiConnection,
        // which the PostgreSQL backend will need.
        for (position, (q, references)) in items.iter().enumerate() {
            on_conn!(conn, c => diesel::insert_into(exam_items::table)
                .values((
                    exam_items::exam_id.eq(id),
                    exam_items::position.eq(position as i32 + 1),
                    exam_items::question_id.eq(q.id),
                    exam_items::scene.eq(&q.scene),
                    exam_items::category.eq(&q.category),
                    exam_items::prompt.eq(&q.prompt),
                    exam_items::references_json.eq(to_json(references)),
                    exam_items::rubric_json.eq(to_json(&q.rubric)),
                ))
                .execute(c))?;
        }
        Ok(id)
    })
}

pub fn list(conn: &mut Conn) -> DbResult<Vec<ExamRow>> {
    Ok(on_conn!(conn, c => exams::table
        .order(exams::id.desc())
        .select(ExamRow::as_select())
        .load(c))?)
}

pub fn list_with_status(conn: &mut Conn, status: ExamStatus) -> DbResult<Vec<ExamRow>> {
    Ok(on_conn!(conn, c => exams::table
        .filter(exams::status.eq(status))
        .order(exams::id.desc())
        .select(ExamRow::as_select())
        .load(c))?)
}

pub fn find(conn: &mut Conn, id: ExamId) -> DbResult<Option<ExamRow>> {
    Ok(on_conn!(conn, c => exams::table
        .find(id)
        .select(ExamRow::as_select())
        .first(c)
        .optional())?)
}

pub fn items(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<Item>> {
    let rows: Vec<ItemRow> = on_conn!(conn, c => exam_items::table
        .filter(exam_items::exam_id.eq(exam_id))
        .order(exam_items::position)
        .select(ItemRow::as_select())
        .load(c))?;
    rows.into_iter().map(ItemRow::decode).collect()
}

/// A lead's edit of a draft exam's item: its question and references. False if
/// the exam is not a draft (what trainees answered stays as it was) or the
/// item is not in it.
pub fn edit_item(
    conn: &mut Conn,
    exam_id: ExamId,
    item_id: ItemId,
    prompt: &str,
    references: &[String],
) -> DbResult<bool> {
    write_tx(conn, |conn| {
        let draft = find(conn, exam_id)?.is_some_and(|e| e.status == ExamStatus::Draft);
        if !draft {
            return Ok(false);
        }
        Ok(on_conn!(conn, c => diesel::update(
            exam_items::table
                .find(item_id)
                .filter(exam_items::exam_id.eq(exam_id)),
        )
        .set((
            exam_items::prompt.eq(prompt),
            exam_items::references_json.eq(to_json(&references)),
        ))
        .execute(c))?
            == 1)
    })
}

/// Moves an exam from one status to the next; false if it was not in `from`.
/// Opening a draft stamps the first opening, reopening clears the close, and
/// closing stamps it.
pub fn transition(conn: &mut Conn, id: ExamId, from: ExamStatus, to: ExamStatus) -> DbResult<bool> {
    let now = now_ms();
    let target = exams::table.find(id).filter(exams::status.eq(from));
    let changed = match (from, to) {
        (ExamStatus::Draft, ExamStatus::Open) => on_conn!(conn, c => diesel::update(target)
            .set((exams::status.eq(to), exams::opened_at.eq(now)))
            .execute(c))?,
        (_, ExamStatus::Open) => on_conn!(conn, c => diesel::update(target)
            .set((exams::status.eq(to), exams::closed_at.eq(None::<i64>)))
            .execute(c))?,
        (_, ExamStatus::Closed) => on_conn!(conn, c => diesel::update(target)
            .set((exams::status.eq(to), exams::closed_at.eq(now)))
            .execute(c))?,
        (_, ExamStatus::Draft) => on_conn!(conn, c => diesel::update(target)
            .set(exams::status.eq(to))
            .execute(c))?,
    };
    Ok(changed == 1)
}
