//! Scenario dialogues on the exam page: the conversation so far, and sending
//! one reply at a time: by script (JSON, the page updates in place) or, with
//! no script, by the exam form itself (every answer in it is kept as a draft
//! first, then the page comes back at the scenario).

use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::json;

use super::{keep_posted, posted_answers};
use crate::app::scenarios;
use crate::db::attempts::ToAnswer;
use crate::db::columns::{AttemptId, ItemId};
use crate::db::{self, exams};
use crate::domain::scenario::{self, Feeling, Said, Scenario};
use crate::error::AppError;
use crate::web::auth::{CsrfJson, Form};
use crate::web::render::{redirect, SessionUser, Trainee};

/// A scenario on the exam page.
#[derive(Debug, Clone, Serialize)]
pub(in crate::web) struct Conversation {
    /// Each customer message with the reply sent to it, if any.
    pub(super) said: Vec<Line>,
    /// The conversation has ended: nothing more to send.
    pub(super) ended: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(in crate::web) struct Line {
    pub(super) customer: String,
    pub(super) reply: Option<String>,
}

impl Conversation {
    pub(super) fn of(item: &ToAnswer) -> Option<Conversation> {
        let scenario: Scenario = serde_json::from_str(item.scenario_json.as_deref()?).ok()?;
        let replies = scenario::replies(item.draft.as_deref().unwrap_or(""));
        Some(Conversation {
            ended: scenario.awaiting(&replies).is_none(),
            said: lines(&scenario.said(&replies)),
        })
    }
}

fn lines(said: &[Said]) -> Vec<Line> {
    said.iter()
        .map(|s| Line {
            customer: s.customer.clone(),
            reply: s.reply.clone(),
        })
        .collect()
}

#[derive(serde::Deserialize)]
pub struct TurnInput {
    item_id: ItemId,
    reply: String,
    #[serde(default)]
    spent_ms: i64,
}

/// Sends one reply (JSON): answers with the customer's next message, or that
/// the conversation ended.
pub async fn send_turn(
    who: SessionUser,
    path: web::Path<AttemptId>,
    input: CsrfJson<TurnInput>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let me = who.load().await?;
    let TurnInput {
        item_id,
        reply,
        spent_ms,
    } = input.0;
    let sent = crate::web::render::with_conn(&who.state.pool, move |conn| {
        Ok(scenarios::send(
            conn,
            id,
            me.id,
            item_id,
            &reply,
            spent_ms,
            db::now_ms(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "said": lines(&sent.said),
        "next": sent.next,
        "ended": sent.next.is_none(),
        "met_feeling": sent.feeling.calms(),
        "cold": sent.feeling == Feeling::Cold,
    })))
}

/// Sends one reply from the exam form, for a browser without script.
pub async fn send_turn_form(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<AttemptId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let item = ItemId(form.int("turn", AppError::bad_request())?);
    let reply = form.text(&format!("reply_{}", item.get())).to_string();
    let posted = posted_answers(&form);
    let session = ctx.session_key().unwrap_or_default();
    ctx.db(move |conn| {
        let (attempt, exam) = db::attempts::find_with_exam(conn, id)?
            .filter(|(a, _)| a.user_id == me.id)
            .ok_or(AppError::NotFound)?;
        let items = exams::items(conn, exam.id)?;
        let now = db::now_ms();
        if super::in_time(&attempt, &exam, now) {
            keep_posted(conn, &attempt, &me, &session, &items, &posted, now)?;
        }
        Ok(scenarios::send(
            conn,
            id,
            me.id,
            item,
            &reply,
            0,
            db::now_ms(),
        )?)
    })
    .await?;
    Ok(redirect(&format!(
        "/attempts/{}#item-{}",
        id.get(),
        item.get()
    )))
}
