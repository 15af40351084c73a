//! "Check my reply": an agent pastes the customer's message and the reply
//! they are about to send, and sees the daily self-check list made live — the
//! rubric, banned or cold phrases, and the official script for the message
//! with what the draft leaves out. The same as JSON for chat tools.

use super::*;
use crate::domain::library::ReplyCheck;
use crate::domain::types::AnswerText;
use crate::web::api::{ApiCaller, ApiJson};
use crate::web::render::with_conn;

/// The empty form.
pub async fn form(Trainee { ctx, .. }: Trainee) -> Result<HttpResponse, AppError> {
    ctx.render(&CheckPage::blank())
}

/// The form sent: the same page with the check below it.
pub async fn check(Trainee { ctx, .. }: Trainee, form: Form) -> Result<HttpResponse, AppError> {
    let (message, reply) = (
        form.text("message").to_string(),
        form.text("reply").to_string(),
    );
    let checked = run(&ctx.state, &message, &reply).await;
    let (found, result) = match checked {
        Ok(found) => found,
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            let page = CheckPage {
                message,
                reply,
                error: Some(refused.message),
                ..CheckPage::blank()
            };
            return ctx.render_refused(&page, refused.status);
        }
    };
    ctx.render(&CheckPage {
        message,
        reply,
        error: None,
        script: found.map(|(m, l)| FoundScript {
            id: l.script.id,
            prompt: l.prompt,
            percent: (m.score * 100.0).round() as i64,
            pieces: core::pieces(&l.current.text),
        }),
        result: Some(result),
    })
}

#[derive(serde::Deserialize)]
pub struct CheckRequest {
    message: String,
    reply: String,
}

/// `POST /api/v1/replies/check` with `{"message", "reply"}`: the same check
/// as JSON — `{"checks", "banned", "score", "missing", "facts", "script"}`.
pub async fn api(caller: ApiCaller, body: ApiJson<CheckRequest>) -> Result<HttpResponse, AppError> {
    let CheckRequest { message, reply } = body.0;
    let (found, result) = run(&caller.state, &message, &reply).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "checks": result.checks,
        "banned": result.banned,
        "score": result.score,
        "missing": result.missing,
        "facts": result.facts,
        "script": found.map(|(m, l)| serde_json::json!({
            "script": l.script.id,
            "question": l.prompt,
            "text": l.current.text,
            "score": m.score,
        })),
    })))
}

/// Both texts checked for length and NUL, then the check.
async fn run(
    state: &web::Data<crate::web::AppState>,
    message: &str,
    reply: &str,
) -> Result<
    (
        Option<(crate::domain::library::Match, scripts::Listed)>,
        ReplyCheck,
    ),
    AppError,
> {
    let message = AnswerText::parse(message)?.into_string();
    let reply = AnswerText::parse(reply)?.into_string();
    let shared = state.clone();
    with_conn(&state.pool, move |conn| {
        Ok(library::check_reply(
            conn,
            &shared.matcher,
            &shared.rules.synonyms,
            &message,
            &reply,
        )?)
    })
    .await
}

#[derive(Serialize)]
pub(super) struct CheckPage {
    message: String,
    reply: String,
    error: Option<String>,
    script: Option<FoundScript>,
    result: Option<ReplyCheck>,
}

impl CheckPage {
    fn blank() -> CheckPage {
        CheckPage {
            message: String::new(),
            reply: String::new(),
            error: None,
            script: None,
            result: None,
        }
    }
}

#[derive(Serialize)]
pub(super) struct FoundScript {
    id: i64,
    prompt: String,
    percent: i64,
    pieces: Vec<core::Piece>,
}

impl Page for CheckPage {
    const TEMPLATE: &'static str = "library/check";
    const TITLE: &'static str = "library.check_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    out.add(&CheckPage::blank());
    let script = "非常抱歉，今天下午五点前给您回复";
    out.add(&CheckPage {
        message: "快递怎么还没到".into(),
        reply: "你自己看吧".into(),
        error: Some("答案不能为空".into()),
        script: Some(FoundScript {
            id: 1,
            prompt: "快递怎么还没到".into(),
            percent: 0,
            pieces: core::pieces(script),
        }),
        result: Some(crate::domain::library::check_reply(
            "你自己看吧",
            Some(script),
        )),
    });
}
