//! Rankings on final scores: every trainee over every reviewed exam (for
//! leads), and one trainee's own record over time.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::render::{local_time, Ctx, Lead, Page, Trainee};
use crate::app::review::{history, standings_of};
use crate::db::columns::ExamId;
use crate::db::{self, exams, review::Round};
use crate::domain::review::standings::{self, Record, Standing};
use crate::error::AppError;

/// One reviewed exam with its standings and each trainee's reviewing grade.
struct Reviewed {
    round: Round,
    title: String,
    standings: Vec<Standing>,
    reviewing: Vec<(i64, f64)>,
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
            })
        })
        .collect();
    let bars: Vec<ProgressBar> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let score = row.standing.score;
            let h = (score.clamp(0.0, 100.0) * 0.4).round();
            ProgressBar {
                x: i * 14,
                y: 40.0 - h,
                h,
                title: row.title.clone(),
                score,
            }
        })
        .collect();
    ctx.render(&ProgressPage {
        who: who.display_name.clone(),
        width: (bars.len() * 14).max(14),
        rows,
        bars,
    })
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
    bars: Vec<ProgressBar>,
    width: usize,
}

#[derive(Serialize)]
struct ProgressRow {
    title: String,
    when: String,
    standing: Standing,
    reviewing: Option<f64>,
}

#[derive(Serialize)]
struct ProgressBar {
    x: usize,
    y: f64,
    h: f64,
    title: String,
    score: f64,
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
    out.add(&ProgressPage {
        who: "王芳".into(),
        rows: vec![ProgressRow {
            title: "售后".into(),
            when: "2026-11-30 10:00".into(),
            standing,
            reviewing: Some(0.0),
        }],
        bars: vec![ProgressBar {
            x: 0,
            y: 40.0,
            h: 0.0,
            title: "售后".into(),
            score: 0.0,
        }],
        width: 14,
    });
}
