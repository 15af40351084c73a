//! "Which would you send?": the better of two others' answers.

use super::*;

/// A comparison: two anonymous answers to one question, "which would you send?"
pub async fn compare_form(
    Trainee { ctx, me }: Trainee,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let id = path.into_inner();
    let found = ctx
        .db(move |conn| Ok(review::to_compare(conn, id, me)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let done = found.comparison.submitted_at.is_some();
    ctx.render(
        "review/compare",
        json!({ "c": found, "done": done, "closed": !done && db::now_ms() > found.due_at, "due": local_time(found.due_at) }),
    )
}

pub async fn judge(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let id = path.into_inner();
    let winner = AnswerId(
        form.text("winner")
            .parse()
            .map_err(|_| AppError::bad_request())?,
    );
    let done = ctx
        .db(move |conn| {
            let found = review::to_compare(conn, id, me)?.ok_or(AppError::NotFound)?;
            if found.comparison.submitted_at.is_some() {
                return Err(refused("review.already_submitted"));
            }
            if db::now_ms() > found.due_at {
                return Err(refused("review.closed"));
            }
            Ok(review::judge(conn, id, me, winner, db::now_ms())?)
        })
        .await?;
    if !done {
        return Err(AppError::bad_request());
    }
    ctx.flash("review.thanks", &[]);
    Ok(redirect("/"))
}
