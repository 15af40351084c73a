//! Bank questions as loaded from `exams/*.toml`.

use diesel::prelude::*;

use super::columns::decode;
use super::schema::questions;
use super::{on_conn, to_json, write_tx, Conn, DbResult};
use crate::domain::bank::Bank;
use crate::domain::rubric;
use crate::domain::scenario::Scenario;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = questions)]
pub struct QuestionRow {
    pub id: i64,
    pub bank_slug: String,
    pub bank_title: String,
    pub qkey: String,
    pub scene: String,
    pub category: String,
    pub prompt: String,
    pub references_json: String,
    pub tags_json: String,
    pub rubric_json: String,
    pub active: bool,
    /// Backups made before scenarios have none.
    #[serde(default)]
    pub scenario_json: Option<String>,
}

/// A bank or mined question with its references, tags and rubric settings
/// decoded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Question {
    pub id: i64,
    pub bank_slug: String,
    pub bank_title: String,
    pub qkey: String,
    pub scene: String,
    pub category: String,
    pub prompt: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub rubric: rubric::Settings,
    pub active: bool,
    pub scenario: Option<Scenario>,
}

impl QuestionRow {
    fn decode(self) -> DbResult<Question> {
        let id = self.id;
        let scenario = match &self.scenario_json {
            Some(json) => Some(decode("questions", id, "scenario_json", json)?),
            None => None,
        };
        Ok(Question {
            scenario,
            references: decode("questions", id, "references_json", &self.references_json)?,
            tags: decode("questions", id, "tags_json", &self.tags_json)?,
            rubric: decode("questions", id, "rubric_json", &self.rubric_json)?,
            id: self.id,
            bank_slug: self.bank_slug,
            bank_title: self.bank_title,
            qkey: self.qkey,
            scene: self.scene,
            category: self.category,
            prompt: self.prompt,
            active: self.active,
        })
    }
}

/// Makes the stored copy of a bank match the file: upserts every question and
/// deactivates the ones the file no longer has.
pub fn sync_bank(conn: &mut Conn, bank: &Bank) -> DbResult<()> {
    write_tx(conn, |conn| {
        on_conn!(conn, c => diesel::update(questions::table.filter(questions::bank_slug.eq(&bank.slug)))
            .set(questions::active.eq(false))
            .execute(c))?;
        for q in &bank.questions {
            let values = (
                questions::bank_slug.eq(&bank.slug),
                questions::bank_title.eq(&bank.title),
                questions::qkey.eq(&q.key),
                questions::scene.eq(q.scene.key()),
                questions::category.eq(q.category.key()),
                questions::prompt.eq(&q.prompt),
                questions::references_json.eq(to_json(&q.references)),
                questions::tags_json.eq(to_json(&q.tags)),
                questions::rubric_json.eq(to_json(&q.rubric)),
                questions::active.eq(true),
                questions::scenario_json.eq(q.scenario.as_ref().map(to_json)),
            );
            on_conn!(conn, c => diesel::insert_into(questions::table)
                .values(values.clone())
                .on_conflict((questions::bank_slug, questions::qkey))
                .do_update()
                .set(values)
                .execute(c))?;
        }
        Ok(())
    })
}

pub fn list_active(conn: &mut Conn) -> DbResult<Vec<Question>> {
    let rows: Vec<QuestionRow> = on_conn!(conn, c => questions::table
        .filter(questions::active.eq(true))
        .order((questions::bank_slug, questions::id))
        .select(QuestionRow::as_select())
        .load(c))?;
    rows.into_iter().map(QuestionRow::decode).collect()
}

/// The active questions among `ids`, in the order given.
/// A question by id, whether or not its bank still offers it (a script stays
/// with its question when the bank file drops it).
pub fn find_any(conn: &mut Conn, id: i64) -> DbResult<Option<Question>> {
    let row: Option<QuestionRow> = on_conn!(conn, c => questions::table
        .find(id)
        .select(QuestionRow::as_select())
        .first(c)
        .optional())?;
    row.map(QuestionRow::decode).transpose()
}

pub fn find_active(conn: &mut Conn, ids: &[i64]) -> DbResult<Vec<Question>> {
    let rows: Vec<QuestionRow> = on_conn!(conn, c => questions::table
        .filter(questions::id.eq_any(ids).and(questions::active.eq(true)))
        .select(QuestionRow::as_select())
        .load(c))?;
    ids.iter()
        .filter_map(|id| rows.iter().find(|r| r.id == *id).cloned())
        .map(QuestionRow::decode)
        .collect()
}

/// The bank name mined questions are kept under; bank files cannot use it
/// (their slugs have no `_`).
pub const MINED_BANK: &str = "_mined";

/// The bank of questions about the product of the week.
pub const FEATURED_BANK: &str = "_featured";

/// A question about the product of the week: the customer's line of pitch
/// `n` of `week`, its reply the reference.
pub fn upsert_featured(
    conn: &mut Conn,
    week: &str,
    n: usize,
    prompt: &str,
    reply: &str,
) -> DbResult<Question> {
    let qkey = format!("featured-{week}-{n}");
    let tags = ("pre_sale", "recommendation");
    upsert_unbanked(
        conn,
        FEATURED_BANK,
        &qkey,
        prompt,
        tags,
        &[reply.to_string()],
    )
}

/// The bank of questions that came with an imported script sheet.
pub const SHEET_BANK: &str = "_sheet";

/// A question a script sheet brought (in no bank, no mined group), found again
/// by its folded text; not active, so exams draw it only through its script.
pub fn upsert_imported(conn: &mut Conn, prompt: &str, tags: (&str, &str)) -> DbResult<Question> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(crate::domain::text::fold(prompt).as_bytes());
    let qkey = format!("sheet-{}", &crate::domain::text::hex(&digest)[..16]);
    upsert_unbanked(conn, SHEET_BANK, &qkey, prompt, tags, &[])
}

/// A question made from a mined cluster, as an exam item's source: one row per
/// cluster, refreshed each time an exam is built from it. Not active, so the
/// bank pages (which list `exams/`) do not show it.
pub fn upsert_mined(
    conn: &mut Conn,
    cluster: i64,
    prompt: &str,
    tags: (&str, &str),
    references: &[String],
) -> DbResult<Question> {
    let qkey = format!("{CLUSTER_KEY}{cluster}");
    upsert_unbanked(conn, MINED_BANK, &qkey, prompt, tags, references)
}

/// How a mined group's question key starts: "cluster-" and the group's id.
const CLUSTER_KEY: &str = "cluster-";

/// The mined group a question of the mined bank stands for, from its key.
pub fn mined_cluster(qkey: &str) -> Option<i64> {
    qkey.strip_prefix(CLUSTER_KEY)?.parse().ok()
}

fn upsert_unbanked(
    conn: &mut Conn,
    slug: &str,
    qkey: &str,
    prompt: &str,
    tags: (&str, &str),
    references: &[String],
) -> DbResult<Question> {
    let values = (
        questions::bank_slug.eq(slug),
        questions::bank_title.eq(""),
        questions::qkey.eq(qkey),
        questions::scene.eq(tags.0),
        questions::category.eq(tags.1),
        questions::prompt.eq(prompt),
        questions::references_json.eq(to_json(&references)),
        questions::tags_json.eq("[]"),
        questions::rubric_json.eq(to_json(&rubric::Settings::default())),
        questions::active.eq(false),
    );
    let row: QuestionRow = on_conn!(conn, c => diesel::insert_into(questions::table)
        .values(values.clone())
        .on_conflict((questions::bank_slug, questions::qkey))
        .do_update()
        .set(values)
        .returning(QuestionRow::as_returning())
        .get_result(c))?;
    row.decode()
}
