//! The lead's dashboard (`/dashboard`): cohort progress, score distributions
//! per exam, each trainee's scores over time, the weakest categories and
//! rubric criteria, and how each question worked. Charts are SVG drawn on
//! the server; the numbers behind each are one click away as CSV.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::export::csv_file;
use super::render::{Ctx, Lead, Page};
use crate::app::dashboard::{self, Dashboard, BINS};
use crate::domain::chart;
use crate::error::AppError;

pub async fn show(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let data = load(&ctx).await?;
    ctx.render(&DashboardPage::of(&data, &|key| ctx.t(key)))
}

async fn load(ctx: &Ctx) -> Result<Dashboard, AppError> {
    let state = ctx.state.clone();
    ctx.db(move |conn| {
        Ok(dashboard::load(
            conn,
            &state.finals,
            crate::app::cohorts::today(),
        )?)
    })
    .await
}

/// The numbers behind one chart.
pub async fn csv(
    Lead { ctx, .. }: Lead,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let chart = path.into_inner();
    let data = load(&ctx).await?;
    let t = |key: &str| ctx.t(key);
    let (header, rows): (Vec<&str>, Vec<Vec<String>>) = match chart.as_str() {
        "exams.csv" => (
            vec!["exam", "answers", "mean", "passed"],
            data.exams
                .iter()
                .map(|e| {
                    vec![
                        e.exam.title.clone(),
                        e.scores.len().to_string(),
                        one(e.mean),
                        e.passed.to_string(),
                    ]
                })
                .collect(),
        ),
        "scores.csv" => (
            vec!["trainee", "submitted_at", "score"],
            data.trainees
                .iter()
                .flat_map(|tr| {
                    tr.scores.iter().map(|(at, s)| {
                        vec![
                            tr.user.display_name.clone(),
                            super::render::local_time(*at),
                            one(*s),
                        ]
                    })
                })
                .collect(),
        ),
        "categories.csv" => (
            vec!["category", "mean", "answers"],
            data.categories
                .iter()
                .map(|(c, m, n)| vec![t(&format!("category.{c}")), one(*m), n.to_string()])
                .collect(),
        ),
        "criteria.csv" => (
            vec!["criterion", "met_share", "answers"],
            data.criteria
                .iter()
                .map(|(c, m, n)| {
                    vec![
                        t(&format!("check.{}", c.key())),
                        format!("{m:.3}"),
                        n.to_string(),
                    ]
                })
                .collect(),
        ),
        "items.csv" => items_table(&data),
        "service.csv" => super::service::csv_rows(&data.service),
        "reviewers.csv" => reviewers_table(&data),
        _ => return Err(AppError::NotFound),
    };
    let header: Vec<String> = header.into_iter().map(str::to_string).collect();
    csv_file(&format!("dashboard-{chart}"), &header, &rows)
}

type Table = (Vec<&'static str>, Vec<Vec<String>>);

fn items_table(data: &Dashboard) -> Table {
    (
        vec![
            "exam",
            "position",
            "question",
            "answers",
            "facility",
            "discrimination",
            "median_seconds",
        ],
        data.items
            .iter()
            .map(|i| {
                vec![
                    i.exam_title.clone(),
                    i.position.to_string(),
                    i.prompt.clone(),
                    i.stats.n.to_string(),
                    format!("{:.3}", i.stats.facility),
                    i.stats
                        .discrimination
                        .map_or(String::new(), |d| format!("{d:.3}")),
                    one(i.stats.median_seconds),
                ]
            })
            .collect(),
    )
}

fn reviewers_table(data: &Dashboard) -> Table {
    (
        vec![
            "reviewer",
            "rounds",
            "reviews",
            "bias",
            "reliability",
            "grade",
        ],
        data.reviewers
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.rounds.to_string(),
                    r.reviews.to_string(),
                    format!("{:.2}", r.bias),
                    format!("{:.2}", r.reliability),
                    one(r.grade),
                ]
            })
            .collect(),
    )
}

fn one(x: f64) -> String {
    format!("{x:.1}")
}

/// Questions listed on the page (the CSV has them all).
const HARDEST: usize = 20;
/// A question whose score runs against the rest of the exam's is worth a look.
const SUSPECT_BELOW: f64 = 0.0;

#[derive(Serialize)]
pub(super) struct DashboardPage {
    cohorts: Vec<CohortBox>,
    exams: Vec<ExamBox>,
    trainees: Vec<TrendLine>,
    categories: String,
    criteria: String,
    items: Vec<ItemRow>,
    service: Option<super::service::ServiceBox>,
    reviewers: Vec<ReviewerRow>,
    empty: bool,
}

#[derive(Serialize)]
struct ReviewerRow {
    name: String,
    rounds: usize,
    reviews: usize,
    bias: String,
    reliability: String,
    grade: String,
    /// A grade this low means their marks count for little: worth a word.
    weak: bool,
}

/// A reviewing grade below this is flagged.
const WEAK_REVIEWER: f64 = 40.0;

impl ReviewerRow {
    fn of(r: &crate::app::dashboard::ReviewerQuality) -> ReviewerRow {
        ReviewerRow {
            name: r.name.clone(),
            rounds: r.rounds,
            reviews: r.reviews,
            bias: format!("{:+.1}", r.bias),
            reliability: format!("{:.2}", r.reliability),
            grade: format!("{:.0}", r.grade),
            weak: r.grade < WEAK_REVIEWER,
        }
    }
}

#[derive(Serialize)]
struct CohortBox {
    id: i64,
    name: String,
    members: Vec<(String, Option<usize>, bool)>,
    behind: usize,
}

#[derive(Serialize)]
struct ExamBox {
    id: i64,
    title: String,
    n: usize,
    mean: String,
    pass_rate: String,
    svg: String,
}

#[derive(Serialize)]
struct TrendLine {
    name: String,
    n: usize,
    last: Option<String>,
    mean: Option<String>,
    svg: String,
}

#[derive(Serialize)]
struct ItemRow {
    exam: i64,
    exam_title: String,
    position: i32,
    prompt: String,
    n: usize,
    facility: String,
    discrimination: Option<String>,
    seconds: String,
    suspect: bool,
}

impl DashboardPage {
    fn of(d: &Dashboard, t: &dyn Fn(&str) -> String) -> DashboardPage {
        let bins: Vec<String> = (0..BINS).map(|i| format!("{}–", i * 100 / BINS)).collect();
        DashboardPage {
            empty: d.exams.is_empty() && d.cohorts.is_empty() && d.service.weeks.is_empty(),
            service: super::service::ServiceBox::of(&d.service, t),
            reviewers: d.reviewers.iter().map(ReviewerRow::of).collect(),
            cohorts: d
                .cohorts
                .iter()
                .map(|b| CohortBox {
                    id: b.cohort.id,
                    name: b.cohort.name.clone(),
                    behind: b.paths.iter().filter(|p| p.progress.behind()).count(),
                    members: b
                        .paths
                        .iter()
                        .map(|p| {
                            let week = (!p.progress.finished()).then_some(p.progress.current + 1);
                            (p.user.display_name.clone(), week, p.progress.behind())
                        })
                        .collect(),
                })
                .collect(),
            exams: d
                .exams
                .iter()
                .map(|e| ExamBox {
                    id: e.exam.id.get(),
                    title: e.exam.title.clone(),
                    n: e.scores.len(),
                    mean: one(e.mean),
                    pass_rate: format!(
                        "{:.0}",
                        100.0 * e.passed as f64 / e.scores.len().max(1) as f64
                    ),
                    svg: chart::bars(
                        &e.exam.title,
                        &bins
                            .iter()
                            .cloned()
                            .zip(e.histogram.iter().map(|n| *n as f64))
                            .collect::<Vec<_>>(),
                        None,
                    ),
                })
                .collect(),
            trainees: d
                .trainees
                .iter()
                .map(|tr| {
                    let scores: Vec<f64> = tr.scores.iter().map(|s| s.1).collect();
                    TrendLine {
                        name: tr.user.display_name.clone(),
                        n: scores.len(),
                        last: scores.last().map(|s| one(*s)),
                        mean: crate::domain::stats::mean(&scores).map(one),
                        svg: chart::sparkline(&tr.user.display_name, &scores, Some(60.0)),
                    }
                })
                .collect(),
            categories: chart::bars(
                &t("dashboard.categories"),
                &d.categories
                    .iter()
                    .map(|(c, m, _)| (t(&format!("category.{c}")), *m))
                    .collect::<Vec<_>>(),
                Some(100.0),
            ),
            criteria: chart::bars(
                &t("dashboard.criteria"),
                &d.criteria
                    .iter()
                    .map(|(c, m, _)| (t(&format!("check.{}", c.key())), 100.0 * m))
                    .collect::<Vec<_>>(),
                Some(100.0),
            ),
            items: d
                .items
                .iter()
                .take(HARDEST)
                .map(|i| ItemRow {
                    exam: i.exam.get(),
                    exam_title: i.exam_title.clone(),
                    position: i.position,
                    prompt: i.prompt.clone(),
                    n: i.stats.n,
                    facility: format!("{:.0}", 100.0 * i.stats.facility),
                    discrimination: i.stats.discrimination.map(|r| format!("{r:.2}")),
                    seconds: format!("{:.0}", i.stats.median_seconds),
                    suspect: i.stats.discrimination.is_some_and(|r| r < SUSPECT_BELOW),
                })
                .collect(),
        }
    }
}

impl Page for DashboardPage {
    const TEMPLATE: &'static str = "dashboard";
    const TITLE: &'static str = "dashboard.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    use crate::app::dashboard::{ExamSummary, ItemLine, Trend};
    use crate::db::columns::{ExamId, ExamStatus};
    use crate::db::exams::ExamRow;
    use crate::domain::stats::ItemStats;
    let board = super::cohorts::sample_board();
    let exam = ExamRow {
        id: ExamId(2),
        title: "售前 <第一轮>".into(),
        time_limit_min: 30,
        pass_mark: 60,
        status: ExamStatus::Closed,
        created_by: 1,
        created_at: 0,
        opened_at: Some(0),
        closed_at: Some(1),
    };
    let data = Dashboard {
        trainees: vec![Trend {
            user: board.paths[0].user.clone(),
            scores: vec![(0, 55.0), (1, 72.5)],
        }],
        cohorts: vec![board],
        exams: vec![ExamSummary {
            exam: exam.clone(),
            scores: vec![55.0, 72.5],
            mean: 63.75,
            passed: 1,
            histogram: crate::domain::stats::histogram(&[55.0, 72.5], BINS),
        }],
        categories: vec![("refund".into(), 48.0, 12)],
        criteria: vec![(crate::domain::rubric::Check::TimePromise, 0.3, 20)],
        items: vec![ItemLine {
            exam: exam.id,
            exam_title: exam.title.clone(),
            position: 1,
            prompt: "退款多久到账？".into(),
            stats: ItemStats {
                item: 1,
                n: 2,
                facility: 0.4,
                discrimination: Some(-0.2),
                median_seconds: 42.0,
            },
        }],
        service: sample_service(),
        reviewers: vec![crate::app::dashboard::ReviewerQuality {
            name: "王芳 <i>".into(),
            rounds: 2,
            reviews: 14,
            bias: -4.2,
            reliability: 0.8,
            grade: 35.0,
        }],
    };
    out.add(&DashboardPage::of(&data, &|k| k.to_string()));
    let empty = Dashboard {
        cohorts: vec![],
        exams: vec![],
        trainees: vec![],
        categories: vec![],
        criteria: vec![],
        items: vec![],
        service: Default::default(),
        reviewers: vec![],
    };
    out.add(&DashboardPage::of(&empty, &|k| k.to_string()));
}

#[cfg(test)]
fn sample_service() -> crate::app::service::Figures {
    use crate::db::service::AgentWeek;
    use crate::domain::service::Tally;
    let tally = Tally {
        conversations: 12,
        answered: 11,
        first_response_s: 440,
        waits: 20,
        waited_s: 1_300,
        handling_s: 4_000,
        repeated: 2,
        csat: 5,
        satisfied: 4,
        nps: 3,
        promoters: 2,
        detractors: 1,
    };
    crate::app::service::Figures {
        weeks: vec![("2026-11-30".into(), tally), ("2026-11-23".into(), tally)],
        agents: vec![
            ("小美 <b>".into(), tally, Some(tally)),
            ("阿杰".into(), tally, None),
        ],
        rows: vec![AgentWeek {
            week: "2026-11-30".into(),
            agent: "小美".into(),
            tally,
        }],
    }
}
