//! Rankings on final scores: every trainee over every reviewed exam (for
//! leads), and one trainee's own record over time.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::render::{local_time, Ctx, Lead, Trainee};
use crate::app::review::{history, standings_of};
use crate::db::{self, exams, review::Round};
use crate::domain::review::standings::{self, Standing};
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
    let people: Vec<Value> = standings::overall(&all)
        .into_iter()
        .map(|r| json!({ "id": r.person, "name": name(r.person), "record": r }))
        .collect();
    let exams: Vec<Value> = rounds
        .iter()
        .map(|r| json!({ "id": r.round.exam_id, "title": r.title }))
        .collect();
    ctx.render("rankings/team", json!({ "exams": exams, "people": people }))
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
    let rows: Vec<Value> = rounds
        .iter()
        .filter_map(|r| {
            let standing = r.standings.iter().find(|s| s.person == person)?;
            let reviewing = r.reviewing.iter().find(|(id, _)| *id == person);
            Some(json!({
                "exam": r.round.exam_id, "title": r.title, "when": local_time(r.round.due_at),
                "standing": standing, "reviewing": reviewing.map(|(_, g)| g.round()),
            }))
        })
        .collect();
    let bars: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let score = row["standing"]["score"].as_f64().unwrap_or(0.0);
            let h = (score.clamp(0.0, 100.0) * 0.4).round();
            json!({ "x": i * 14, "y": 40.0 - h, "h": h, "title": row["title"], "score": score })
        })
        .collect();
    ctx.render(
        "rankings/progress",
        json!({
            "who": who.display_name, "rows": rows, "bars": bars,
            "width": (bars.len() * 14).max(14),
        }),
    )
}
