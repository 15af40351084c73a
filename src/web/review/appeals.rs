//! Appealing a final score, and a lead's decision on it.

use super::*;

/// A trainee appeals an answer's final score, with a reason and optionally a
/// better answer, until some days after the round's due date.
pub async fn appeal(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<AnswerId>,
) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let answer = path.into_inner();
    let attempt: i64 = form
        .text("attempt")
        .parse()
        .map_err(|_| AppError::bad_request())?;
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
            crate::app::marking::appeal(conn, answer, me, &reason, better.as_deref(), now);
        Ok(appealed?)
    })
    .await?;
    ctx.flash("review.appealed", &[]);
    Ok(redirect(&format!("/attempts/{attempt}/result")))
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
    let reason = form.text("reason").trim().to_string();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "review.reason_needed",
        ));
    }
    let exam = ctx
        .db(move |conn| Ok(review::decide(conn, id, upheld, &reason, me, db::now_ms())?))
        .await?
        .ok_or_else(|| refused("review.appeal_decided"))?;
    ctx.flash("review.decided", &[]);
    Ok(redirect(&format!("/exams/{exam}/review")))
}
