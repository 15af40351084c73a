//! A reviewer's queue item: the anonymous answer and the rubric form.

use super::*;
use crate::app::marking;

/// A reviewer's page: the question, the anonymous answer, the rubric; first
/// the calibration examples, if the reviewer has some to get right.
pub async fn show(
    Trainee { ctx, me }: Trainee,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (found, pending) = mine(&ctx, me.id, id).await?;
    if pending.is_some() {
        return Ok(redirect(&format!("/reviews/{id}/calibration")));
    }
    render_review(&ctx, &found, None, StatusCode::OK)
}

/// The signed-in user's assignment `id` (404 for anyone else's), with the
/// calibration example they must get right before it, if any.
pub(super) async fn mine(
    ctx: &Ctx,
    me: i64,
    id: i64,
) -> Result<(review::ToReview, Option<marking::Pending>), AppError> {
    ctx.db(move |conn| Ok(marking::assignment(conn, id, me, db::now_ms())?))
        .await
}

fn render_review(
    ctx: &Ctx,
    found: &review::ToReview,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let marks = found.assignment.marks.clone().unwrap_or_default();
    let done = found.assignment.submitted_at.is_some();
    let due = found.assignment.due(found.round.due_at);
    let closed = !done && db::now_ms() > due;
    let mut page = ctx.render(&ReviewPage {
        review: ReviewView::of(found),
        marking: Marking::new(&found.round.rubric, &marks, None, done || closed),
        done,
        closed,
        error,
        due: local_time(due),
    })?;
    *page.status_mut() = status;
    Ok(page)
}

/// A submitted review: every criterion marked, a comment of reasonable length.
pub async fn submit(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let now = db::now_ms();
    let (found, pending) = mine(&ctx, me.id, id).await?;
    let open = pending.is_none()
        && found.assignment.submitted_at.is_none()
        && now <= found.assignment.due(found.round.due_at);
    let marks = marks_from(&form, &found.round.rubric);
    let comment = form.text("comment").trim().to_string();
    if open {
        if let Some(message) = marks_problem(&ctx, &found.round.rubric, &marks, &comment) {
            // The page comes back with what was marked so far.
            let mut kept = found.clone();
            kept.assignment.marks = Some(marks);
            return render_review(&ctx, &kept, Some(message), StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
    let me = me.id;
    ctx.db(move |conn| Ok(marking::submit_review(conn, id, me, &marks, &comment, now)?))
        .await?;
    next_task(&ctx, me).await
}

/// The review being written, as its reviewer sees it (no author).
#[derive(Serialize)]
pub(super) struct ReviewView {
    id: i64,
    exam_title: String,
    prompt: String,
    body: String,
    comment: Option<String>,
}

impl ReviewView {
    pub(super) fn of(found: &review::ToReview) -> ReviewView {
        ReviewView {
            id: found.assignment.id,
            exam_title: found.exam_title.clone(),
            prompt: found.prompt.clone(),
            body: found.body.clone(),
            comment: found.assignment.comment.clone(),
        }
    }

    #[cfg(test)]
    pub(super) fn sample() -> ReviewView {
        ReviewView {
            id: 9,
            exam_title: "售后".into(),
            prompt: "退款多久到账？".into(),
            body: "亲，1-3天".into(),
            comment: Some("很好".into()),
        }
    }
}

#[derive(Serialize)]
struct ReviewPage {
    review: ReviewView,
    #[serde(flatten)]
    marking: Marking,
    done: bool,
    closed: bool,
    error: Option<String>,
    due: String,
}

impl Page for ReviewPage {
    const TEMPLATE: &'static str = "review/show";
    const TITLE: &'static str = "review.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let rubric = Rubric::default();
    let marks: criteria::Marks = rubric
        .criteria
        .iter()
        .take(1)
        .map(|c| (c.key.clone(), 3))
        .collect();
    for (done, closed) in [(false, false), (true, false), (false, true)] {
        out.add(&ReviewPage {
            review: ReviewView::sample(),
            marking: Marking::new(&rubric, &marks, None, done || closed),
            done,
            closed,
            error: Some("请给每一项打分".into()),
            due: "2026-12-01 18:00".into(),
        });
    }
}
