//! Mined questions: clusters, their questions with weekly counts and the agent
//! answers that followed them, and a lead's decisions on them. The clustering
//! itself is `domain::mining`; this module stores what it planned, under the
//! lease of its import (`db::imports`).

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use super::schema::{
    mined_answers, mined_clusters, mined_questions, mined_replies, mined_weeks, question_links,
};
use super::{on_conn, write_tx, Conn, DbResult};
use crate::domain::mining::incremental::Known;
use crate::domain::mining::learned::Link;

mod apply;

use apply::sum_up;
pub use apply::{apply, Applied, Sampled};
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = mined_clusters)]
pub struct ClusterRow {
    pub id: i64,
    pub representative: String,
    pub title: Option<String>,
    pub scene: Option<String>,
    pub category: Option<String>,
    pub department: String,
    pub scene_set: Option<String>,
    pub category_set: Option<String>,
    pub department_set: Option<String>,
    pub asked: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ClusterRow {
    /// What the cluster is called: a lead's title, else its representative.
    pub fn name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.representative)
    }

    /// Scene, category and department, a lead's correction winning over the rules.
    pub fn tags(&self) -> (Option<&str>, Option<&str>, &str) {
        (
            self.scene_set.as_deref().or(self.scene.as_deref()),
            self.category_set.as_deref().or(self.category.as_deref()),
            self.department_set.as_deref().unwrap_or(&self.department),
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = mined_questions)]
pub struct QuestionRow {
    pub id: i64,
    pub cluster_id: i64,
    pub text: String,
    pub asked: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = mined_weeks)]
pub struct WeekRow {
    pub question_id: i64,
    pub week: String,
    pub asked: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = mined_answers)]
pub struct AnswerRow {
    pub id: i64,
    pub question_id: i64,
    pub body: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = mined_replies)]
pub struct ReplyRow {
    pub id: i64,
    pub question_id: i64,
    pub import_id: i64,
    pub body: String,
}

/// Every stored question as the merge plan needs it, with how many candidate
/// answers it has.
pub fn known(conn: &mut Conn) -> DbResult<(Vec<Known>, HashMap<i64, i64>)> {
    let rows: Vec<(i64, i64, String, i64)> = on_conn!(conn, c => mined_questions::table
        .order(mined_questions::id)
        .select((mined_questions::id, mined_questions::cluster_id, mined_questions::text, mined_questions::asked))
        .load(c))?;
    let counts: Vec<(i64, i64)> = on_conn!(conn, c => mined_answers::table
        .group_by(mined_answers::question_id)
        .select((mined_answers::question_id, diesel::dsl::count_star()))
        .load(c))?;
    let known = rows
        .into_iter()
        .map(|(id, cluster, text, asked)| Known {
            id,
            cluster,
            text,
            asked: asked.max(0) as u64,
        })
        .collect();
    Ok((known, counts.into_iter().collect()))
}

/// A cluster's questions, most asked first.
pub fn questions_of(conn: &mut Conn, cluster: i64) -> DbResult<Vec<QuestionRow>> {
    Ok(on_conn!(conn, c => mined_questions::table
        .filter(mined_questions::cluster_id.eq(cluster))
        .order((mined_questions::asked.desc(), mined_questions::id))
        .select(QuestionRow::as_select())
        .load(c))?)
}

pub fn find_cluster(conn: &mut Conn, id: i64) -> DbResult<Option<ClusterRow>> {
    Ok(
        on_conn!(conn, c => mined_clusters::table.find(id).select(ClusterRow::as_select()).first(c).optional())?,
    )
}

/// Every cluster, most asked first.
pub fn clusters(conn: &mut Conn) -> DbResult<Vec<ClusterRow>> {
    Ok(on_conn!(conn, c => mined_clusters::table
        .order((mined_clusters::asked.desc(), mined_clusters::id))
        .select(ClusterRow::as_select())
        .load(c))?)
}

/// Questions per week for each cluster (all, or those listed), by Monday.
pub fn weeks_of(
    conn: &mut Conn,
    clusters: Option<&[i64]>,
) -> DbResult<HashMap<i64, BTreeMap<String, i64>>> {
    let query = mined_weeks::table
        .inner_join(mined_questions::table)
        .select((
            mined_questions::cluster_id,
            mined_weeks::week,
            mined_weeks::asked,
        ));
    let rows: Vec<(i64, String, i64)> = match clusters {
        Some(ids) => {
            on_conn!(conn, c => query.filter(mined_questions::cluster_id.eq_any(ids)).load(c))?
        }
        None => on_conn!(conn, c => query.load(c))?,
    };
    let mut out: HashMap<i64, BTreeMap<String, i64>> = HashMap::new();
    for (cluster, week, n) in rows {
        *out.entry(cluster).or_default().entry(week).or_default() += n;
    }
    Ok(out)
}

/// The candidate answers of a cluster's questions, those of the most asked first.
pub fn answers_of(conn: &mut Conn, cluster: i64) -> DbResult<Vec<String>> {
    Ok(on_conn!(conn, c => mined_answers::table
        .inner_join(mined_questions::table)
        .filter(mined_questions::cluster_id.eq(cluster))
        .order((mined_questions::asked.desc(), mined_answers::id))
        .select(mined_answers::body)
        .load(c))?)
}

/// The agents' replies to a cluster's questions: those sampled by the latest
/// import that sampled any, and every earlier one (the sampled replies of
/// earlier imports, and the candidate answers kept before its script was
/// sampled at all).
pub fn replies_then_and_now(conn: &mut Conn, cluster: i64) -> DbResult<(Vec<String>, Vec<String>)> {
    let sampled: Vec<(i64, String)> = on_conn!(conn, c => mined_replies::table
        .inner_join(mined_questions::table)
        .filter(mined_questions::cluster_id.eq(cluster))
        .order((mined_replies::import_id, mined_replies::id))
        .select((mined_replies::import_id, mined_replies::body))
        .load(c))?;
    let mut earlier: Vec<String> = on_conn!(conn, c => mined_answers::table
        .inner_join(mined_questions::table)
        .filter(mined_questions::cluster_id.eq(cluster))
        .order(mined_answers::id)
        .select(mined_answers::body)
        .load(c))?;
    let latest = sampled.last().map(|(import, _)| *import);
    let mut newest = Vec::new();
    for (import, body) in sampled {
        if Some(import) == latest {
            newest.push(body);
        } else {
            earlier.push(body);
        }
    }
    Ok((earlier, newest))
}

/// A lead's name for a cluster; None goes back to the representative.
pub fn rename(conn: &mut Conn, id: i64, title: Option<&str>, now: i64) -> DbResult<bool> {
    Ok(
        on_conn!(conn, c => diesel::update(mined_clusters::table.find(id))
        .set((mined_clusters::title.eq(title), mined_clusters::updated_at.eq(now)))
        .execute(c))?
            == 1,
    )
}

/// A lead's tags for a cluster; a None goes back to what the rules say.
pub fn set_tags(
    conn: &mut Conn,
    id: i64,
    tags: (Option<&str>, Option<&str>, Option<&str>),
    now: i64,
) -> DbResult<bool> {
    Ok(
        on_conn!(conn, c => diesel::update(mined_clusters::table.find(id))
        .set((
            mined_clusters::scene_set.eq(tags.0),
            mined_clusters::category_set.eq(tags.1),
            mined_clusters::department_set.eq(tags.2),
            mined_clusters::updated_at.eq(now),
        ))
        .execute(c))?
            == 1,
    )
}

/// Moves every question of `from` into `into` and removes `from`. Later imports
/// find those questions in `into`. False if either cluster is missing.
pub fn merge(conn: &mut Conn, from: i64, into: i64, by: i64, now: i64) -> DbResult<bool> {
    write_tx(conn, |conn| {
        if from == into
            || find_cluster(conn, from)?.is_none()
            || find_cluster(conn, into)?.is_none()
        {
            return Ok(false);
        }
        let wordings = (top_wording(conn, from)?, top_wording(conn, into)?);
        if let (Some(a), Some(b)) = wordings {
            add_link(conn, Kind::Same, &a, &b, by, now)?;
        }
        on_conn!(conn, c => diesel::update(mined_questions::table.filter(mined_questions::cluster_id.eq(from)))
            .set(mined_questions::cluster_id.eq(into))
            .execute(c))?;
        on_conn!(conn, c => diesel::delete(mined_clusters::table.find(from)).execute(c))?;
        on_conn!(conn, c => diesel::update(mined_clusters::table.find(into))
            .set(mined_clusters::updated_at.eq(now))
            .execute(c))?;
        sum_up(conn, &[into])?;
        // The library's index reads groups' members as wordings.
        super::scripts::touch(conn)?;
        Ok(true)
    })
}

/// Moves some of a cluster's questions into a new cluster, named after the
/// most asked of them and tagged like the old one. None if the questions are
/// not all in the cluster, or are all of it.
pub fn split(
    conn: &mut Conn,
    id: i64,
    questions: &[i64],
    by: i64,
    now: i64,
) -> DbResult<Option<i64>> {
    write_tx(conn, |conn| {
        let Some(old) = find_cluster(conn, id)? else {
            return Ok(None);
        };
        let members = questions_of(conn, id)?;
        let moving: Vec<&QuestionRow> = members
            .iter()
            .filter(|q| questions.contains(&q.id))
            .collect();
        if moving.is_empty() || moving.len() != questions.len() || moving.len() == members.len() {
            return Ok(None);
        }
        let new: i64 = on_conn!(conn, c => diesel::insert_into(mined_clusters::table)
            .values((
                mined_clusters::representative.eq(&moving[0].text),
                mined_clusters::scene.eq(&old.scene),
                mined_clusters::category.eq(&old.category),
                mined_clusters::department.eq(&old.department),
                mined_clusters::scene_set.eq(&old.scene_set),
                mined_clusters::category_set.eq(&old.category_set),
                mined_clusters::department_set.eq(&old.department_set),
                mined_clusters::asked.eq(0),
                mined_clusters::created_at.eq(now),
                mined_clusters::updated_at.eq(now),
            ))
            .returning(mined_clusters::id)
            .get_result(c))?;
        on_conn!(conn, c => diesel::update(mined_questions::table.filter(mined_questions::id.eq_any(questions)))
            .set(mined_questions::cluster_id.eq(new))
            .execute(c))?;
        let rest = members
            .iter()
            .find(|q| !questions.contains(&q.id))
            .map(|q| q.text.clone());
        if let Some(rest) = rest {
            add_link(conn, Kind::Apart, &moving[0].text, &rest, by, now)?;
            on_conn!(conn, c => diesel::update(mined_clusters::table.find(id))
                .set((mined_clusters::representative.eq(rest), mined_clusters::updated_at.eq(now)))
                .filter(mined_clusters::representative.eq_any(moving.iter().map(|q| q.text.clone()).collect::<Vec<_>>()))
                .execute(c))?;
        }
        sum_up(conn, &[id, new])?;
        super::scripts::touch(conn)?;
        Ok(Some(new))
    })
}

/// A whole row, as stored and backed up.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = question_links)]
pub struct LinkRow {
    pub id: i64,
    pub kind: String,
    pub a_text: String,
    pub b_text: String,
    pub made_by: i64,
    pub made_at: i64,
}

#[derive(Clone, Copy)]
enum Kind {
    Same,
    Apart,
}

/// A group's most asked wording: what a lead saw it as when deciding.
fn top_wording(conn: &mut Conn, cluster: i64) -> DbResult<Option<String>> {
    Ok(questions_of(conn, cluster)?
        .into_iter()
        .next()
        .map(|q| q.text))
}

fn add_link(conn: &mut Conn, kind: Kind, a: &str, b: &str, by: i64, now: i64) -> DbResult<()> {
    let kind = match kind {
        Kind::Same => "same",
        Kind::Apart => "apart",
    };
    on_conn!(conn, c => diesel::insert_into(question_links::table)
        .values((
            question_links::kind.eq(kind),
            question_links::a_text.eq(a),
            question_links::b_text.eq(b),
            question_links::made_by.eq(by),
            question_links::made_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

/// Every merge and split leads made, oldest first.
pub fn links(conn: &mut Conn) -> DbResult<Vec<Link>> {
    let rows: Vec<LinkRow> = on_conn!(conn, c => question_links::table
        .order(question_links::id)
        .select(LinkRow::as_select())
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|r| match r.kind.as_str() {
            "apart" => Link::Apart(r.a_text, r.b_text),
            _ => Link::Same(r.a_text, r.b_text),
        })
        .collect())
}
