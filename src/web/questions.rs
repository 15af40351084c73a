//! Mined questions for leads: clusters by how often they are asked, filtered by
//! tag and dates, each with its weekly trend; a lead's corrections (name, tags,
//! merge, split); and an exam built from the chosen clusters.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde_json::{json, Value};

use super::auth::Form;
use super::render::{redirect, Lead};
use crate::db::mining::{self, ClusterRow};
use crate::db::{self, exams, questions};
use crate::domain::mining::mine::monday_of;
use crate::domain::mining::trend;
use crate::domain::types::{self, Category, Department, Scene};
use crate::error::AppError;

/// Clusters listed on one page.
const PAGE: usize = 200;
/// Candidate answers that become an item's references.
const REFERENCES: usize = 5;

#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct Filter {
    #[serde(default)]
    scene: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn bad_date() -> AppError {
    AppError::refused(StatusCode::BAD_REQUEST, "questions.bad_date")
}

fn day(text: &str) -> Result<Option<NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad_date()),
    }
}

impl Filter {
    fn keeps(&self, c: &ClusterRow) -> bool {
        let (scene, category, department) = c.tags();
        (self.scene.is_empty() || scene == Some(self.scene.as_str()))
            && (self.category.is_empty() || category == Some(self.category.as_str()))
            && (self.department.is_empty() || department == self.department)
    }
}

/// The list: most asked first (within the dates, when given).
pub async fn list(Lead { ctx, .. }: Lead, q: web::Query<Filter>) -> Result<HttpResponse, AppError> {
    let filter = q.into_inner();
    let known = |value: &str, ok: bool| value.is_empty() || ok;
    if !(known(&filter.scene, Scene::parse(&filter.scene).is_some())
        && known(
            &filter.category,
            Category::parse(&filter.category).is_some(),
        )
        && known(
            &filter.department,
            Department::parse(&filter.department).is_some(),
        ))
    {
        return Err(bad_request());
    }
    let (from, to) = (day(&filter.from)?, day(&filter.to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(bad_date());
        }
    }
    let (clusters, weeks) = ctx
        .db(|conn| {
            let clusters = mining::clusters(conn)?;
            let weeks = mining::weeks_of(conn, None)?;
            Ok((clusters, weeks))
        })
        .await?;
    let (first, last) = span(&weeks, from, to);
    let (lo, hi) = (
        from.map(|d| monday_of(d).to_string()),
        to.map(|d| d.to_string()),
    );
    let in_range = |w: &BTreeMap<String, i64>| -> i64 {
        w.iter()
            .filter(|(k, _)| {
                lo.as_ref().is_none_or(|lo| *k >= lo) && hi.as_ref().is_none_or(|hi| *k <= hi)
            })
            .map(|(_, n)| n)
            .sum()
    };
    let empty = BTreeMap::new();
    let mut rows: Vec<(i64, &ClusterRow)> = clusters
        .iter()
        .filter(|c| filter.keeps(c))
        .map(|c| {
            let asked = if from.is_some() || to.is_some() {
                in_range(weeks.get(&c.id).unwrap_or(&empty))
            } else {
                c.asked
            };
            (asked, c)
        })
        .filter(|(asked, _)| *asked > 0 || (from.is_none() && to.is_none()))
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    let total = rows.len();
    let listed: Vec<Value> = rows
        .iter()
        .take(PAGE)
        .map(|(asked, c)| {
            let bars = match (first, last) {
                (Some(f), Some(l)) => trend::bars(weeks.get(&c.id).unwrap_or(&empty), f, l),
                _ => Vec::new(),
            };
            cluster_json(c, *asked, &bars)
        })
        .collect();
    ctx.render(
        "questions/list",
        json!({
            "clusters": listed, "total": total, "shown": listed.len(), "filter": filter,
            "scenes": keys(Scene::ALL.iter().map(|s| s.key())),
            "categories": keys(Category::ALL.iter().map(|s| s.key())),
            "departments": keys(Department::ALL.iter().map(|s| s.key())),
        }),
    )
}

fn keys<'a>(it: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    it.collect()
}

/// The weeks the trend charts cover: the dates asked for, else all weeks stored.
fn span(
    weeks: &std::collections::HashMap<i64, BTreeMap<String, i64>>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let parse = |s: &String| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let stored_first = weeks
        .values()
        .filter_map(|w| w.keys().next())
        .filter_map(parse)
        .min();
    let stored_last = weeks
        .values()
        .filter_map(|w| w.keys().next_back())
        .filter_map(parse)
        .max();
    (
        from.map(monday_of).or(stored_first),
        to.map(monday_of).or(stored_last),
    )
}

fn cluster_json(c: &ClusterRow, asked: i64, bars: &[trend::Bar]) -> Value {
    let (scene, category, department) = c.tags();
    let width = bars.len() * 6;
    let bars: Vec<Value> = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let h = (b.height * 24 / 100).max(u32::from(b.asked > 0));
            json!({ "x": i * 6, "y": 24 - h, "h": h, "week": b.week, "asked": b.asked })
        })
        .collect();
    json!({
        "id": c.id, "name": c.name(), "representative": c.representative, "renamed": c.title.is_some(),
        "asked": asked, "total": c.asked, "scene": scene, "category": category, "department": department,
        "first_seen": c.first_seen, "last_seen": c.last_seen, "bars": bars, "width": width,
    })
}

/// One cluster: its wordings with counts, the agent answers, the trend, and the
/// lead's forms.
pub async fn show(Lead { ctx, .. }: Lead, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (cluster, members, answers, weeks) = ctx
        .db(move |conn| {
            let cluster = mining::find_cluster(conn, id)?.ok_or(AppError::NotFound)?;
            let members = mining::questions_of(conn, id)?;
            let answers = mining::answers_of(conn, id)?;
            let weeks = mining::weeks_of(conn, Some(&[id]))?;
            Ok((cluster, members, answers, weeks))
        })
        .await?;
    let (first, last) = span(&weeks, None, None);
    let empty = BTreeMap::new();
    let bars = match (first, last) {
        (Some(f), Some(l)) => trend::bars(weeks.get(&id).unwrap_or(&empty), f, l),
        _ => Vec::new(),
    };
    let (scene_set, category_set, department_set) = (
        cluster.scene_set.clone(),
        cluster.category_set.clone(),
        cluster.department_set.clone(),
    );
    ctx.render(
        "questions/show",
        json!({
            "cluster": cluster_json(&cluster, cluster.asked, &bars), "title": cluster.title,
            "members": members, "answers": answers,
            "scene_set": scene_set, "category_set": category_set, "department_set": department_set,
            "scenes": keys(Scene::ALL.iter().map(|s| s.key())),
            "categories": keys(Category::ALL.iter().map(|s| s.key())),
            "departments": keys(Department::ALL.iter().map(|s| s.key())),
        }),
    )
}

fn bad_request() -> AppError {
    AppError::bad_request()
}

/// A tag from a form: empty means "as the rules say"; anything else must be known.
fn tag<T>(
    form: &Form,
    name: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<String>, AppError> {
    match form.text(name).trim() {
        "" => Ok(None),
        t => parse(t)
            .map(|_| Some(t.to_string()))
            .ok_or_else(bad_request),
    }
}

/// A lead's decision on a cluster: rename, tags, merge into another, split.
pub async fn decide(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let now = db::now_ms();
    let (flash, goto) = match form.text("action") {
        "rename" => {
            let title = form.text("title").trim().to_string();
            let title = if title.is_empty() {
                None
            } else {
                Some(types::parse_title(&title)?)
            };
            let done = ctx
                .db(move |conn| Ok(mining::rename(conn, id, title.as_deref(), now)?))
                .await?;
            (done, id)
        }
        "tags" => {
            let tags = (
                tag(&form, "scene", Scene::parse)?,
                tag(&form, "category", Category::parse)?,
                tag(&form, "department", Department::parse)?,
            );
            let done = ctx
                .db(move |conn| {
                    Ok(mining::set_tags(
                        conn,
                        id,
                        (tags.0.as_deref(), tags.1.as_deref(), tags.2.as_deref()),
                        now,
                    )?)
                })
                .await?;
            (done, id)
        }
        "merge" => {
            let into: i64 = form
                .text("into")
                .trim()
                .trim_start_matches('#')
                .parse()
                .map_err(|_| AppError::refused(StatusCode::BAD_REQUEST, "questions.bad_merge"))?;
            let done = ctx
                .db(move |conn| Ok(mining::merge(conn, id, into, now)?))
                .await?;
            if !done {
                return Err(AppError::refused(
                    StatusCode::CONFLICT,
                    "questions.bad_merge",
                ));
            }
            (true, into)
        }
        "split" => {
            let picked: Vec<i64> = form
                .all("q")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect();
            let new = ctx
                .db(move |conn| Ok(mining::split(conn, id, &picked, now)?))
                .await?
                .ok_or_else(|| AppError::refused(StatusCode::CONFLICT, "questions.bad_split"))?;
            (true, new)
        }
        _ => return Err(bad_request()),
    };
    if !flash {
        return Err(AppError::NotFound);
    }
    ctx.flash("questions.saved", &[]);
    Ok(redirect(&format!("/questions/{goto}")))
}

/// An exam from the chosen clusters (or the N most asked matching the filter):
/// one item per cluster, its name as the question and its agent answers as the
/// references. A draft: the lead edits it before opening.
pub async fn build_exam(Lead { ctx, me }: Lead, form: Form) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let (title, limit, pass) = super::exams::settings(&form)?;
    let picked: Vec<i64> = form
        .all("c")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let top = form
        .text("top")
        .trim()
        .parse::<usize>()
        .unwrap_or(0)
        .min(50);
    let category = form.text("top_category").to_string();
    let id = ctx
        .db(move |conn| {
            let all = mining::clusters(conn)?;
            let chosen: Vec<&ClusterRow> = if picked.is_empty() {
                all.iter()
                    .filter(|c| category.is_empty() || c.tags().1 == Some(category.as_str()))
                    .take(top)
                    .collect()
            } else {
                picked
                    .iter()
                    .filter_map(|id| all.iter().find(|c| c.id == *id))
                    .collect()
            };
            let mut rows = Vec::with_capacity(chosen.len());
            for c in chosen {
                let mut references = mining::answers_of(conn, c.id)?;
                references.truncate(REFERENCES);
                let (scene, category, _) = c.tags();
                rows.push(questions::upsert_mined(
                    conn,
                    c.id,
                    c.name(),
                    (scene.unwrap_or(""), category.unwrap_or("")),
                    &references,
                )?);
            }
            let new = exams::NewExam {
                title: &title,
                time_limit_min: limit,
                pass_mark: pass,
                created_by: me,
            };
            Ok(crate::app::exams::create(conn, &new, &rows)?)
        })
        .await?;
    ctx.flash("exams.created", &[]);
    Ok(redirect(&format!("/exams/{id}")))
}
