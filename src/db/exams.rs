//! Exams and their items (a frozen copy of each bank question).

use diesel::prelude::*;

use super::columns::{decode, ExamId, ExamStatus, ItemId};
use super::questions::Question;
use super::schema::{exam_items, exams};
use super::{now_ms, on_conn, to_json, write_tx, Conn, DbResult};
use crate::domain::rubric;
use crate::domain::scenario::Scenario;

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
    /// Backups made before scenarios have none.
    #[serde(default)]
    pub scenario_json: Option<String>,
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
    /// A scenario dialogue's turns; None for a single question.
    pub scenario: Option<Scenario>,
}

impl ItemRow {
    pub(crate) fn decode(self) -> DbResult<Item> {
        let scenario = match &self.scenario_json {
            Some(json) => Some(decode("exam_items", self.id, "scenario_json", json)?),
            None => None,
        };
        Ok(Item {
            scenario,
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
        for (position, (q, references)) in items.iter().enumerate() {
            insert_item(conn, id, position as i32 + 1, q, references)?;
        }
        Ok(id)
    })
}

/// One item, a copy of question `q` with `references`, at `position`. Row by
/// row: multi-row inserts do not compile over diesel's MultiConnection.
fn insert_item(
    conn: &mut Conn,
    exam: ExamId,
    position: i32,
    q: &Question,
    references: &[String],
) -> DbResult<()> {
    on_conn!(conn, c => diesel::insert_into(exam_items::table)
        .values((
            exam_items::exam_id.eq(exam),
            exam_items::position.eq(position),
            exam_items::question_id.eq(q.id),
            exam_items::scene.eq(&q.scene),
            exam_items::category.eq(&q.category),
            exam_items::prompt.eq(&q.prompt),
            exam_items::references_json.eq(to_json(&references)),
            exam_items::rubric_json.eq(to_json(&q.rubric)),
            exam_items::scenario_json.eq(q.scenario.as_ref().map(to_json)),
        ))
        .execute(c))?;
    Ok(())
}

/// An item of a draft as the lead left it.
pub struct ItemEdit {
    pub id: ItemId,
    pub prompt: String,
    pub references: Vec<String>,
    pub rubric: rubric::Settings,
}

/// A draft exam as the lead's editor saves it: its settings, the items kept
/// in their new order, and the questions added after them.
pub struct DraftEdit<'a> {
    pub title: String,
    pub time_limit_min: i32,
    pub pass_mark: i32,
    pub kept: Vec<ItemEdit>,
    pub added: Vec<(&'a Question, Vec<String>)>,
}

/// Rewrites draft exam `id` as `edit` says, in one transaction: items not
/// kept are deleted, the kept ones renumbered and rewritten, the added ones
/// appended. False if the exam is not a draft (or an item is not its own).
pub fn save_draft(conn: &mut Conn, id: ExamId, edit: &DraftEdit) -> DbResult<bool> {
    write_tx(conn, |conn| {
        if !is_draft(conn, id)? {
            return Ok(false);
        }
        let kept: Vec<ItemId> = edit.kept.iter().map(|i| i.id).collect();
        let own: Vec<ItemId> = on_conn!(conn, c => exam_items::table
            .filter(exam_items::exam_id.eq(id))
            .select(exam_items::id)
            .load(c))?;
        if !kept.iter().all(|k| own.contains(k)) {
            return Ok(false);
        }
        on_conn!(conn, c => diesel::delete(
            exam_items::table
                .filter(exam_items::exam_id.eq(id))
                .filter(exam_items::id.ne_all(&kept)),
        )
        .execute(c))?;
        // Out of the way first: positions are unique within an exam.
        on_conn!(conn, c => diesel::update(exam_items::table.filter(exam_items::exam_id.eq(id)))
            .set(exam_items::position.eq(exam_items::position * -1))
            .execute(c))?;
        for (n, item) in edit.kept.iter().enumerate() {
            on_conn!(conn, c => diesel::update(exam_items::table.find(item.id))
                .set((
                    exam_items::position.eq(n as i32 + 1),
                    exam_items::prompt.eq(&item.prompt),
                    exam_items::references_json.eq(to_json(&item.references)),
                    exam_items::rubric_json.eq(to_json(&item.rubric)),
                ))
                .execute(c))?;
        }
        for (n, (q, references)) in edit.added.iter().enumerate() {
            insert_item(conn, id, (edit.kept.len() + n) as i32 + 1, q, references)?;
        }
        on_conn!(conn, c => diesel::update(exams::table.find(id))
            .set((
                exams::title.eq(&edit.title),
                exams::time_limit_min.eq(edit.time_limit_min),
                exams::pass_mark.eq(edit.pass_mark),
            ))
            .execute(c))?;
        Ok(true)
    })
}

fn is_draft(conn: &mut Conn, id: ExamId) -> DbResult<bool> {
    Ok(find(conn, id)?.is_some_and(|e| e.status == ExamStatus::Draft))
}

/// Deletes draft exam `id` with its items; false if it is not a draft (an
/// exam once opened has answers, and stays).
pub fn delete_draft(conn: &mut Conn, id: ExamId) -> DbResult<bool> {
    write_tx(conn, |conn| {
        if !is_draft(conn, id)? {
            return Ok(false);
        }
        on_conn!(conn, c => diesel::delete(exam_items::table.filter(exam_items::exam_id.eq(id)))
            .execute(c))?;
        on_conn!(conn, c => diesel::delete(exams::table.find(id)).execute(c))?;
        Ok(true)
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

/// An item's references replaced (its exam is scored against the library's
/// current scripts again).
pub fn set_references(conn: &mut Conn, item: ItemId, references: &[String]) -> DbResult<()> {
    on_conn!(conn, c => diesel::update(exam_items::table.find(item))
        .set(exam_items::references_json.eq(super::to_json(&references)))
        .execute(c))?;
    Ok(())
}
