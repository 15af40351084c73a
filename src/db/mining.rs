//! Mined questions: clusters, their questions with weekly counts and the agent
//! answers that followed them, and a lead's decisions on them. The clustering
//! itself is `domain::mining`; this module stores what it planned, under the
//! lease of its import (`db::imports`).

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;

use super::imports::{heartbeat, Lease};

use super::schema::{mined_answers, mined_clusters, mined_questions, mined_replies, mined_weeks};
use super::{on_conn, write_tx, Conn, DbError, DbResult};
use crate::domain::mining::incremental::{Home, Known, Plan};
use crate::domain::mining::mine::{Asked, Label};

/// Candidate answers kept per question.
const ANSWERS_PER_QUESTION: i64 = 3;
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

/// What an import changed.
#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Applied {
    pub new_clusters: usize,
    pub grown_clusters: usize,
    pub new_questions: usize,
}

/// Applies a merge plan in one transaction: new clusters, new and grown
/// questions with their weeks and answers, and the recomputed labels. The
/// transaction first renews the import's lease, so a process that lost its
/// import to another writes nothing, and one that holds it commits with a
/// fresh heartbeat (no one can take it over while the merge waits to commit).
/// Which of an import's questions keep a sample of their replies: those in
/// groups with an official script (stored questions by id, new ones by the
/// group they join).
#[derive(Debug, Default)]
pub struct Sampled {
    pub clusters: HashSet<i64>,
    pub questions: HashSet<i64>,
}

impl Sampled {
    /// The questions of `known` in `clusters`, and the clusters themselves.
    pub fn of(clusters: HashSet<i64>, known: &[Known]) -> Sampled {
        let questions = known
            .iter()
            .filter(|k| clusters.contains(&k.cluster))
            .map(|k| k.id)
            .collect();
        Sampled {
            clusters,
            questions,
        }
    }
}

pub fn apply(
    conn: &mut Conn,
    lease: Lease,
    plan: &Plan,
    answers: &HashMap<i64, i64>,
    sampled: &Sampled,
    now: i64,
) -> DbResult<Applied> {
    write_tx(conn, |conn| {
        if !heartbeat(conn, lease, now)? {
            return Err(DbError::LeaseLost);
        }
        let mut new_ids = Vec::with_capacity(plan.new_clusters.len());
        for label in &plan.new_clusters {
            new_ids.push(insert_cluster(conn, label, now)?);
        }
        for (question, asked) in &plan.grown {
            grow_question(conn, *question, asked)?;
            let room = ANSWERS_PER_QUESTION - answers.get(question).copied().unwrap_or(0);
            add_answers(conn, *question, asked, room)?;
            if sampled.questions.contains(question) {
                add_replies(conn, *question, lease.id, asked)?;
            }
        }
        for (home, asked) in &plan.fresh {
            let cluster = match home {
                Home::Stored(id) => *id,
                Home::New(i) => new_ids[*i],
            };
            let question: i64 = on_conn!(conn, c => diesel::insert_into(mined_questions::table)
                .values((
                    mined_questions::cluster_id.eq(cluster),
                    mined_questions::text.eq(&asked.text),
                    mined_questions::asked.eq(asked.count as i64),
                    mined_questions::first_seen.eq(asked.first.map(|d| d.to_string())),
                    mined_questions::last_seen.eq(asked.last.map(|d| d.to_string())),
                ))
                .returning(mined_questions::id)
                .get_result(c))?;
            add_weeks(conn, question, asked)?;
            add_answers(conn, question, asked, ANSWERS_PER_QUESTION)?;
            if sampled.clusters.contains(&cluster) {
                add_replies(conn, question, lease.id, asked)?;
            }
        }
        for (cluster, label) in &plan.relabelled {
            on_conn!(conn, c => diesel::update(mined_clusters::table.find(cluster))
                .set((
                    mined_clusters::representative.eq(&label.representative),
                    mined_clusters::scene.eq(label.tags.scene.map(|s| s.key())),
                    mined_clusters::category.eq(label.tags.category.map(|s| s.key())),
                    mined_clusters::department.eq(label.tags.department.key()),
                    mined_clusters::updated_at.eq(now),
                ))
                .execute(c))?;
        }
        let touched: Vec<i64> = plan
            .relabelled
            .iter()
            .map(|(c, _)| *c)
            .chain(new_ids.iter().copied())
            .collect();
        for cluster in &touched {
            sum_up(conn, *cluster)?;
        }
        Ok(Applied {
            new_clusters: new_ids.len(),
            grown_clusters: plan.relabelled.len(),
            new_questions: plan.fresh.len(),
        })
    })
}

fn insert_cluster(conn: &mut Conn, label: &Label, now: i64) -> DbResult<i64> {
    Ok(
        on_conn!(conn, c => diesel::insert_into(mined_clusters::table)
        .values((
            mined_clusters::representative.eq(&label.representative),
            mined_clusters::scene.eq(label.tags.scene.map(|s| s.key())),
            mined_clusters::category.eq(label.tags.category.map(|s| s.key())),
            mined_clusters::department.eq(label.tags.department.key()),
            mined_clusters::asked.eq(0),
            mined_clusters::created_at.eq(now),
            mined_clusters::updated_at.eq(now),
        ))
        .returning(mined_clusters::id)
        .get_result(c))?,
    )
}

fn grow_question(conn: &mut Conn, id: i64, asked: &Asked) -> DbResult<()> {
    let row: QuestionRow = on_conn!(conn, c => mined_questions::table.find(id).select(QuestionRow::as_select()).first(c))?;
    let first = min_day(row.first_seen, asked.first.map(|d| d.to_string()));
    let last = max_day(row.last_seen, asked.last.map(|d| d.to_string()));
    on_conn!(conn, c => diesel::update(mined_questions::table.find(id))
        .set((
            mined_questions::asked.eq(row.asked + asked.count as i64),
            mined_questions::first_seen.eq(first),
            mined_questions::last_seen.eq(last),
        ))
        .execute(c))?;
    add_weeks(conn, id, asked)
}

fn add_weeks(conn: &mut Conn, question: i64, asked: &Asked) -> DbResult<()> {
    for (monday, n) in &asked.weeks {
        let n = i64::from(*n);
        on_conn!(conn, c => diesel::insert_into(mined_weeks::table)
            .values((
                mined_weeks::question_id.eq(question),
                mined_weeks::week.eq(monday.to_string()),
                mined_weeks::asked.eq(n),
            ))
            .on_conflict((mined_weeks::question_id, mined_weeks::week))
            .do_update()
            .set(mined_weeks::asked.eq(mined_weeks::asked + n))
            .execute(c))?;
    }
    Ok(())
}

fn add_answers(conn: &mut Conn, question: i64, asked: &Asked, room: i64) -> DbResult<()> {
    for body in asked.answers.iter().take(room.max(0) as usize) {
        on_conn!(conn, c => diesel::insert_into(mined_answers::table)
            .values((mined_answers::question_id.eq(question), mined_answers::body.eq(body)))
            .on_conflict((mined_answers::question_id, mined_answers::body))
            .do_nothing()
            .execute(c))?;
    }
    Ok(())
}

fn add_replies(conn: &mut Conn, question: i64, import: i64, asked: &Asked) -> DbResult<()> {
    for body in &asked.replies {
        on_conn!(conn, c => diesel::insert_into(mined_replies::table)
            .values((
                mined_replies::question_id.eq(question),
                mined_replies::import_id.eq(import),
                mined_replies::body.eq(body),
            ))
            .execute(c))?;
    }
    Ok(())
}

/// Recomputes a cluster's count and seen days from its questions.
fn sum_up(conn: &mut Conn, cluster: i64) -> DbResult<()> {
    let rows: Vec<QuestionRow> = questions_of(conn, cluster)?;
    let asked: i64 = rows.iter().map(|q| q.asked).sum();
    let first = rows.iter().filter_map(|q| q.first_seen.clone()).min();
    let last = rows.iter().filter_map(|q| q.last_seen.clone()).max();
    on_conn!(conn, c => diesel::update(mined_clusters::table.find(cluster))
        .set((
            mined_clusters::asked.eq(asked),
            mined_clusters::first_seen.eq(first),
            mined_clusters::last_seen.eq(last),
        ))
        .execute(c))?;
    Ok(())
}

fn min_day(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_day(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
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
pub fn merge(conn: &mut Conn, from: i64, into: i64, now: i64) -> DbResult<bool> {
    write_tx(conn, |conn| {
        if from == into
            || find_cluster(conn, from)?.is_none()
            || find_cluster(conn, into)?.is_none()
        {
            return Ok(false);
        }
        on_conn!(conn, c => diesel::update(mined_questions::table.filter(mined_questions::cluster_id.eq(from)))
            .set(mined_questions::cluster_id.eq(into))
            .execute(c))?;
        on_conn!(conn, c => diesel::delete(mined_clusters::table.find(from)).execute(c))?;
        on_conn!(conn, c => diesel::update(mined_clusters::table.find(into))
            .set(mined_clusters::updated_at.eq(now))
            .execute(c))?;
        sum_up(conn, into)?;
        // The library's index reads groups' members as wordings.
        super::scripts::touch(conn)?;
        Ok(true)
    })
}

/// Moves some of a cluster's questions into a new cluster, named after the
/// most asked of them and tagged like the old one. None if the questions are
/// not all in the cluster, or are all of it.
pub fn split(conn: &mut Conn, id: i64, questions: &[i64], now: i64) -> DbResult<Option<i64>> {
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
            on_conn!(conn, c => diesel::update(mined_clusters::table.find(id))
                .set((mined_clusters::representative.eq(rest), mined_clusters::updated_at.eq(now)))
                .filter(mined_clusters::representative.eq_any(moving.iter().map(|q| q.text.clone()).collect::<Vec<_>>()))
                .execute(c))?;
        }
        sum_up(conn, id)?;
        sum_up(conn, new)?;
        super::scripts::touch(conn)?;
        Ok(Some(new))
    })
}
