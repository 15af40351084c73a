//! Appealing a final score, and a lead's decision on it.

use super::*;

/// A trainee appeals an answer's final score, with a reason and optionally a
/// better answer, until some days after the round's due date.
pub async fn appeal(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<AnswerId>,
) -> Result<HttpResponse, AppError> {
    let answer = path.into_inner();
    let attempt: i64 = form
        .text("attempt")
        .parse()
        .map_err(|_| AppError::bad_request())?;
    let uid = me.id;
    let filed = async {
        let reason = form.text("reason").trim().to_string();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(AppError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "review.appeal_reason",
            ));
        }
        let better = form.text("better").trim().to_string();
        let better = if better.is_empty() {
            None
        } else {
            Some(crate::domain::types::AnswerText::parse(&better)?.into_string())
        };
        let now = db::now_ms();
        ctx.db(move |conn| {
            let appealed =
                crate::app::marking::appeal(conn, answer, uid, &reason, better.as_deref(), now);
            Ok(appealed?)
        })
        .await
    };
    match filed.await {
        Ok(()) => {
            ctx.flash("review.appealed", &[]);
            Ok(redirect(&format!("/attempts/{attempt}/result")))
        }
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            let typed = crate::web::attempts::AppealTyped {
                answer,
                reason: form.text("reason").to_string(),
                better: form.text("better").to_string(),
                message: refused.message,
                status: refused.status,
            };
            let attempt = crate::db::columns::AttemptId(attempt);
            crate::web::attempts::show_result(&ctx, me, attempt, Some(typed)).await
        }
    }
}

/// A lead upholds or rejects an appeal, saying why.
pub async fn decide_appeal(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let id = path.into_inner();
    let upheld = match form.text("decision") {
        "uphold" => true,
        "reject" => false,
        _ => return Err(AppError::bad_request()),
    };
    let decided = async {
        let reason = form.text("reason").trim().to_string();
        if reason.is_empty() || reason.chars().count() > 1000 {
            return Err(AppError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "review.reason_needed",
            ));
        }
        ctx.db(move |conn| Ok(review::decide(conn, id, upheld, &reason, me, db::now_ms())?))
            .await?
            .ok_or_else(|| refused("review.appeal_decided"))
    };
    match decided.await {
        Ok(exam) => {
            ctx.flash("review.decided", &[]);
            Ok(redirect(&format!("/exams/{exam}/review")))
        }
        Err(e) => {
            // Back to the round's open appeals, the message at the top.
            let exam = ctx
                .db(move |conn| Ok(review::appeal_exam(conn, id)?))
                .await?
                .ok_or(AppError::NotFound)?;
            super::rounds::refill(&ctx, ExamId(exam), "appeal", &form, e).await
        }
    }
}
