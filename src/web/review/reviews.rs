//! A reviewer's queue item: the anonymous answer and the rubric form.

use super::*;

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
) -> Result<(review::ToReview, Option<Pending>), AppError> {
    ctx.db(move |conn| {
        let found = review::to_review(conn, id, me)?.ok_or(AppError::NotFound)?;
        let open = found.assignment.submitted_at.is_none()
            && db::now_ms() <= found.assignment.due(found.round.due_at);
        let pending = if open {
            pending_example(conn, &found.round, me)?
        } else {
            None
        };
        Ok((found, pending))
    })
    .await
}

/// A calibration example still to get right, the nth of `of`.
pub(super) struct Pending {
    pub(super) example: review::Example,
    pub(super) nth: usize,
    pub(super) of: usize,
}

/// The calibration example `reviewer` must get right before their first
/// review of a round: the first of the exam's examples not yet passed. None
/// once they have reviewed (the training comes before, not in the middle).
fn pending_example(
    conn: &mut db::Conn,
    round: &review::Round,
    reviewer: i64,
) -> Result<Option<Pending>, AppError> {
    if review::has_reviewed(conn, round.id, reviewer)? {
        return Ok(None);
    }
    let passed: Vec<AnswerId> = review::calibrations(conn, round.id, Some(reviewer))?
        .into_iter()
        .filter(|c| c.passed_at.is_some())
        .map(|c| c.answer_id)
        .collect();
    let examples = review::examples(conn, round.exam_id, reviewer)?;
    let of = examples.len();
    Ok(examples
        .into_iter()
        .enumerate()
        .find(|(_, e)| !passed.contains(&e.answer_id))
        .map(|(i, example)| Pending {
            example,
            nth: i + 1,
            of,
        }))
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
    let (found, pending) = mine(&ctx, me.id, id).await?;
    if pending.is_some() {
        return Err(refused("review.calibrate_first"));
    }
    if found.assignment.submitted_at.is_none()
        && db::now_ms() > found.assignment.due(found.round.due_at)
    {
        return Err(refused("review.closed"));
    }
    let me = found.assignment.reviewer_id;
    let rubric = &found.round.rubric;
    let marks = marks_from(&form, rubric);
    let comment = form.text("comment").trim().to_string();
    let problem = marks_problem(&ctx, rubric, &marks, &comment);
    if let Some(message) = problem {
        // The page comes back with what was marked so far.
        let mut kept = found.clone();
        kept.assignment.marks = Some(marks);
        return render_review(&ctx, &kept, Some(message), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let total = criteria::total(rubric, &marks).map_err(|e| anyhow::anyhow!("{e}"))?;
    let saved = ctx
        .db(move |conn| {
            Ok(review::submit(
                conn,
                id,
                me,
                &marks,
                total.score,
                &comment,
                db::now_ms(),
            )?)
        })
        .await?;
    if !saved {
        return Err(refused("review.already_submitted"));
    }
    ctx.flash("review.thanks", &[]);
    Ok(redirect("/"))
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
