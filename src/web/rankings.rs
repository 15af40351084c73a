//! Rankings on final scores: every trainee over every reviewed exam (for
//! leads), and one trainee's own record over time.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::render::{local_time, Ctx, Lead, Page, Trainee};
use crate::app::review::{history, standings_of};
use crate::db::columns::{AttemptId, ExamId};
use crate::db::{self, exams, review::Round};
use crate::domain::review::standings::{self, Record, Standing};
use crate::error::AppError;

/// One reviewed exam with its standings and each trainee's reviewing grade.
struct Reviewed {
    round: Round,
    title: String,
    standings: Vec<Standing>,
    reviewing: Vec<(i64, f64)>,
    /// Each trainee's attempt, for the chart's links to its result.
    attempts: Vec<(i64, AttemptId)>,
}

async fn reviewed(ctx: &Ctx) -> Result<(Vec<Reviewed>, Vec<db::users::User>), AppError> {
    ctx.db(|conn| {
        let exams = exams::list(conn)?;
        let rounds = history(conn)?
            .into_iter()
            .map(|(round, evidence, outcome)| Reviewed {
                title: exams
                    .iter()
                    .find(|e| e.id == round.exam_id)
                    .map_or(String::new(), |e| e.title.clone()),
                standings: standings_of(&evidence, &outcome),
                attempts: evidence
                    .submitted
                    .iter()
                    .map(|s| (s.attempt.user_id, s.attempt.id))
                    .collect(),
                reviewing: outcome
                    .fit
                    .reviewers
                    .iter()
                    .map(|r| (r.reviewer, r.grade))
                    .collect(),
                round,
            })
            .collect();
        Ok((rounds, db::users::list(conn)?))
    })
    .await
}

/// Everyone ranked by the mean of their exam scores, with each exam's score
/// and place, and the change from their previous exam.
pub async fn team(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let (rounds, users) = reviewed(&ctx).await?;
    let all: Vec<Vec<Standing>> = rounds.iter().map(|r| r.standings.clone()).collect();
    let name = |id: i64| db::users::name_of(&users, id);
    let people = standings::overall(&all)
        .into_iter()
        .map(|r| Person {
            id: r.person,
            name: name(r.person),
            record: r,
        })
        .collect();
    let exams = rounds
        .iter()
        .map(|r| ExamColumn {
            id: r.round.exam_id,
            title: r.title.clone(),
        })
        .collect();
    ctx.render(&TeamPage { exams, people })
}

/// The signed-in trainee's own record.
pub async fn mine(Trainee { ctx, me }: Trainee) -> Result<HttpResponse, AppError> {
    let me = me.id;
    progress(&ctx, me).await
}

/// A trainee's record, for a lead.
pub async fn of(Lead { ctx, .. }: Lead, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    progress(&ctx, path.into_inner()).await
}

/// Exam after exam: the final score, the place, and the reviewing grade, with
/// a bar per exam.
async fn progress(ctx: &Ctx, person: i64) -> Result<HttpResponse, AppError> {
    let (rounds, users) = reviewed(ctx).await?;
    let credits = ctx
        .db(move |conn| Ok(crate::db::scripts::credits(conn, person)?))
        .await?
        .into_iter()
        .map(|(v, prompt)| Credit {
            script: v.script_id,
            prompt,
            n: v.n,
            when: local_time(v.approved_at),
        })
        .collect();
    let who = users
        .iter()
        .find(|u| u.id == person)
        .ok_or(AppError::NotFound)?;
    let rows: Vec<ProgressRow> = rounds
        .iter()
        .filter_map(|r| {
            let standing = r.standings.iter().find(|s| s.person == person)?;
            let reviewing = r.reviewing.iter().find(|(id, _)| *id == person);
            Some(ProgressRow {
                title: r.title.clone(),
                when: local_time(r.round.due_at),
                standing: standing.clone(),
                reviewing: reviewing.map(|(_, g)| g.round()),
                attempt: r
                    .attempts
                    .iter()
                    .find(|(user, _)| *user == person)
                    .map(|(_, a)| *a),
            })
        })
        .collect();
    ctx.render(&ProgressPage {
        who: who.display_name.clone(),
        chart: Chart::of(&rows),
        rows,
        credits,
    })
}

/// A line chart of final scores, exam after exam: a 0–100 axis with grid
/// lines, each point labelled with its score and linked to its result.
#[derive(Serialize)]
struct Chart {
    width: usize,
    height: usize,
    /// The x of the axis and of the plot's right edge.
    left: usize,
    right: usize,
    /// The y of the axis (score 0) and the plot's top (score 100).
    bottom: f64,
    top: f64,
    grid: Vec<GridLine>,
    /// The polyline's points, "x,y x,y …".
    line: String,
    points: Vec<ChartPoint>,
}

#[derive(Serialize)]
struct GridLine {
    y: f64,
    label: u32,
}

#[derive(Serialize)]
struct ChartPoint {
    x: f64,
    y: f64,
    score: f64,
    /// The exam's title, cut to fit under its point.
    label: String,
    title: String,
    attempt: Option<AttemptId>,
}

impl Chart {
    const LEFT: usize = 36;
    const STEP: usize = 96;
    const TOP: f64 = 20.0;
    const PLOT: f64 = 160.0;

    fn of(rows: &[ProgressRow]) -> Chart {
        let bottom = Self::TOP + Self::PLOT;
        let y_of = |score: f64| bottom - score.clamp(0.0, 100.0) / 100.0 * Self::PLOT;
        let points: Vec<ChartPoint> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| ChartPoint {
                x: (Self::LEFT + Self::STEP / 2 + i * Self::STEP) as f64,
                y: y_of(row.standing.score),
                score: (row.standing.score * 10.0).round() / 10.0,
                label: row.title.chars().take(8).collect(),
                title: row.title.clone(),
                attempt: row.attempt,
            })
            .collect();
        let right = Self::LEFT + Self::STEP * rows.len().max(1);
        Chart {
            width: right + 12,
            height: bottom as usize + 36,
            left: Self::LEFT,
            right,
            bottom,
            top: Self::TOP,
            grid: (0..=5)
                .map(|k| GridLine {
                    y: y_of(f64::from(k * 20)),
                    label: k * 20,
                })
                .collect(),
            line: points
                .iter()
                .map(|p| format!("{},{}", p.x, p.y))
                .collect::<Vec<_>>()
                .join(" "),
            points,
        }
    }
}

#[derive(Serialize)]
struct TeamPage {
    exams: Vec<ExamColumn>,
    people: Vec<Person>,
}

#[derive(Serialize)]
struct ExamColumn {
    id: ExamId,
    title: String,
}

#[derive(Serialize)]
struct Person {
    id: i64,
    name: String,
    record: Record,
}

impl Page for TeamPage {
    const TEMPLATE: &'static str = "rankings/team";
    const TITLE: &'static str = "rankings.title";
}

#[derive(Serialize)]
struct ProgressPage {
    who: String,
    rows: Vec<ProgressRow>,
    chart: Chart,
    /// Versions of official scripts that came from this person's answers.
    credits: Vec<Credit>,
}

#[derive(Serialize)]
struct Credit {
    script: i64,
    prompt: String,
    n: i32,
    when: String,
}

#[derive(Serialize)]
struct ProgressRow {
    title: String,
    when: String,
    standing: Standing,
    reviewing: Option<f64>,
    attempt: Option<AttemptId>,
}

impl Page for ProgressPage {
    const TEMPLATE: &'static str = "rankings/progress";
    const TITLE: &'static str = "nav.progress";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    let standing = Standing {
        person: 3,
        score: 0.0,
        answers: 2,
        rank: 1,
        tied_with: 1,
        of: 3,
    };
    out.add(&TeamPage {
        exams: vec![ExamColumn {
            id: ExamId(1),
            title: "售后".into(),
        }],
        people: vec![Person {
            id: 3,
            name: "王芳".into(),
            record: Record {
                person: 3,
                exams: vec![Some(standing.clone()), None],
                mean: 70.0,
                change: Some(0.0),
                rank: 1,
                tied_with: 1,
            },
        }],
    });
    let rows = vec![ProgressRow {
        title: "售后安抚与退款".into(),
        when: "2026-11-30 10:00".into(),
        standing,
        reviewing: Some(0.0),
        attempt: Some(AttemptId(4)),
    }];
    out.add(&ProgressPage {
        who: "王芳".into(),
        chart: Chart::of(&rows),
        rows,
        credits: vec![Credit {
            script: 1,
            prompt: "什么时候发货".into(),
            n: 2,
            when: "2026-11-30 09:00".into(),
        }],
    });
}
