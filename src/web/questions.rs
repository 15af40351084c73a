//! Mined questions for leads: clusters by how often they are asked, filtered by
//! tag and dates, each with its weekly trend; a lead's corrections (name, tags,
//! merge, split); and an exam built from the chosen clusters.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::auth::Form;
use super::render::{redirect, Ctx, FormRefusal, Lead, Page};
use crate::app;
use crate::db::mining::{self, ClusterRow};
use crate::db::{self, exams};
use crate::domain::mining::mine::monday_of;
use crate::domain::mining::trend;
use crate::domain::types::{self, Category, Department, Scene};
use crate::error::AppError;

/// Clusters listed on one page.
const PAGE: usize = 200;

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
    let listed: Vec<ClusterView> = rows
        .iter()
        .take(PAGE)
        .map(|(asked, c)| {
            let bars = match (first, last) {
                (Some(f), Some(l)) => trend::bars(weeks.get(&c.id).unwrap_or(&empty), f, l),
                _ => Vec::new(),
            };
            ClusterView::of(c, *asked, &bars)
        })
        .collect();
    ctx.render(&QuestionsPage {
        shown: listed.len(),
        clusters: listed,
        total,
        filter,
        tags: Tags::all(),
    })
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

/// A question group as the list and its own page show it, with its trend.
#[derive(Serialize)]
struct ClusterView {
    id: i64,
    name: String,
    representative: String,
    renamed: bool,
    /// Asked within the dates filtered on (all time without dates).
    asked: i64,
    scene: Option<String>,
    category: Option<String>,
    department: String,
    first_seen: Option<String>,
    last_seen: Option<String>,
    bars: Vec<BarView>,
    /// The chart's width in pixels.
    width: usize,
}

/// One week's bar of a trend chart, in the chart's pixels.
#[derive(Serialize)]
struct BarView {
    x: usize,
    y: u32,
    h: u32,
    week: String,
    asked: i64,
}

impl ClusterView {
    fn of(c: &ClusterRow, asked: i64, bars: &[trend::Bar]) -> ClusterView {
        let (scene, category, department) = c.tags();
        ClusterView {
            id: c.id,
            name: c.name().to_string(),
            representative: c.representative.clone(),
            renamed: c.title.is_some(),
            asked,
            scene: scene.map(str::to_string),
            category: category.map(str::to_string),
            department: department.to_string(),
            first_seen: c.first_seen.clone(),
            last_seen: c.last_seen.clone(),
            width: bars.len() * 6,
            bars: bars
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let h = (b.height * 24 / 100).max(u32::from(b.asked > 0));
                    BarView {
                        x: i * 6,
                        y: 24 - h,
                        h,
                        week: b.week.clone(),
                        asked: b.asked,
                    }
                })
                .collect(),
        }
    }
}

/// Every scene, category and department key, for the filter and tag forms.
#[derive(Serialize)]
struct Tags {
    scenes: Vec<&'static str>,
    categories: Vec<&'static str>,
    departments: Vec<&'static str>,
}

impl Tags {
    fn all() -> Tags {
        Tags {
            scenes: Scene::ALL.iter().map(|s| s.key()).collect(),
            categories: Category::ALL.iter().map(|s| s.key()).collect(),
            departments: Department::ALL.iter().map(|s| s.key()).collect(),
        }
    }
}

#[derive(Serialize)]
struct QuestionsPage {
    clusters: Vec<ClusterView>,
    total: usize,
    shown: usize,
    filter: Filter,
    #[serde(flatten)]
    tags: Tags,
}

impl Page for QuestionsPage {
    const TEMPLATE: &'static str = "questions/list";
    const TITLE: &'static str = "questions.title";
}

#[derive(Serialize)]
struct QuestionPage {
    /// Why the last decision was refused.
    error: Option<String>,
    /// The merge target as chosen, kept when refused.
    merge_into: Option<i64>,
    /// The groups it may merge into, most asked first.
    targets: Vec<Target>,
    cluster: ClusterView,
    /// The lead's name for it, if renamed.
    title: Option<String>,
    members: Vec<Member>,
    answers: Vec<String>,
    scene_set: Option<String>,
    category_set: Option<String>,
    department_set: Option<String>,
    #[serde(flatten)]
    tags: Tags,
}

/// A group another may be merged into.
#[derive(Serialize)]
struct Target {
    id: i64,
    name: String,
    asked: i64,
}

/// How many groups the merge list offers.
const TARGETS: usize = 500;

/// One wording of a question group.
#[derive(Serialize)]
struct Member {
    id: i64,
    text: String,
    asked: i64,
    first_seen: Option<String>,
    last_seen: Option<String>,
}

impl Page for QuestionPage {
    const TEMPLATE: &'static str = "questions/show";
    const TITLE: &'static str = "questions.members";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    let cluster = || ClusterView {
        id: 3,
        name: "退款多久到账".into(),
        representative: "退款什么时候到".into(),
        renamed: true,
        asked: 12,
        scene: Some("after_sale".into()),
        category: Some("refund".into()),
        department: "finance".into(),
        first_seen: Some("2026-11-01".into()),
        last_seen: Some("2026-11-20".into()),
        bars: vec![BarView {
            x: 0,
            y: 4,
            h: 20,
            week: "2026-11-02".into(),
            asked: 5,
        }],
        width: 6,
    };
    out.add(&QuestionsPage {
        clusters: vec![cluster()],
        total: 1,
        shown: 1,
        filter: Filter::default(),
        tags: Tags::all(),
    });
    out.add(&QuestionPage {
        error: Some("没有这个问题组".into()),
        merge_into: Some(99),
        targets: vec![Target {
            id: 99,
            name: "退款到哪了".into(),
            asked: 3,
        }],
        cluster: cluster(),
        title: Some("退款多久到账".into()),
        members: vec![Member {
            id: 4,
            text: "退款什么时候到".into(),
            asked: 7,
            first_seen: None,
            last_seen: None,
        }],
        answers: vec!["亲，1-3个工作日".into()],
        scene_set: Some("after_sale".into()),
        category_set: None,
        department_set: None,
        tags: Tags::all(),
    });
}

/// One cluster: its wordings with counts, the agent answers, the trend, and the
/// lead's forms.
pub async fn show(Lead { ctx, .. }: Lead, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    show_group(&ctx, path.into_inner(), None, "").await
}

/// A question group's page; after a refused decision, with its message and
/// the merge target as typed.
async fn show_group(
    ctx: &Ctx,
    id: i64,
    refused: Option<FormRefusal>,
    merge_into: &str,
) -> Result<HttpResponse, AppError> {
    let (cluster, members, answers, weeks, mut others) = ctx
        .db(move |conn| {
            let cluster = mining::find_cluster(conn, id)?.ok_or(AppError::NotFound)?;
            let members = mining::questions_of(conn, id)?;
            let answers = mining::answers_of(conn, id)?;
            let weeks = mining::weeks_of(conn, Some(&[id]))?;
            Ok((cluster, members, answers, weeks, mining::clusters(conn)?))
        })
        .await?;
    others.retain(|c| c.id != id);
    others.sort_by(|a, b| b.asked.cmp(&a.asked).then(a.id.cmp(&b.id)));
    let targets = others
        .iter()
        .take(TARGETS)
        .map(|c| Target {
            id: c.id,
            name: c.name().to_string(),
            asked: c.asked,
        })
        .collect();
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
    let status = refused.as_ref().map(|r| r.status);
    let page = QuestionPage {
        error: refused.map(|r| r.message),
        merge_into: merge_into.trim().trim_start_matches('#').parse().ok(),
        targets,
        cluster: ClusterView::of(&cluster, cluster.asked, &bars),
        title: cluster.title.clone(),
        members: members
            .into_iter()
            .map(|m| Member {
                id: m.id,
                text: m.text,
                asked: m.asked,
                first_seen: m.first_seen,
                last_seen: m.last_seen,
            })
            .collect(),
        answers,
        scene_set,
        category_set,
        department_set,
        tags: Tags::all(),
    };
    match status {
        Some(status) => ctx.render_refused(&page, status),
        None => ctx.render(&page),
    }
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
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match apply_decision(&ctx, id, me.id, &form).await {
        Ok(goto) => {
            ctx.flash("questions.saved", &[]);
            Ok(redirect(&format!("/questions/{goto}")))
        }
        Err(e) => match ctx.form_message(&e) {
            Some(refused) => show_group(&ctx, id, Some(refused), form.text("into")).await,
            None => Err(e),
        },
    }
}

/// Applies a lead's decision on group `id`; the group to show next.
async fn apply_decision(ctx: &Ctx, id: i64, by: i64, form: &Form) -> Result<i64, AppError> {
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
                tag(form, "scene", Scene::parse)?,
                tag(form, "category", Category::parse)?,
                tag(form, "department", Department::parse)?,
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
                .db(move |conn| Ok(mining::merge(conn, id, into, by, now)?))
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
                .db(move |conn| Ok(mining::split(conn, id, &picked, by, now)?))
                .await?
                .ok_or_else(|| AppError::refused(StatusCode::CONFLICT, "questions.bad_split"))?;
            (true, new)
        }
        _ => return Err(bad_request()),
    };
    if !flash {
        return Err(AppError::NotFound);
    }
    Ok(goto)
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
    let pick = if picked.is_empty() {
        app::exams::Clusters::Top {
            n: top,
            category: (!category.is_empty()).then_some(category),
        }
    } else {
        app::exams::Clusters::These(picked)
    };
    let id = ctx
        .db(move |conn| {
            let new = exams::NewExam {
                title: &title,
                time_limit_min: limit,
                pass_mark: pass,
                created_by: me,
            };
            Ok(app::exams::from_clusters(conn, &new, &pick)?)
        })
        .await?;
    ctx.flash("exams.created", &[]);
    Ok(redirect(&format!("/exams/{id}")))
}
