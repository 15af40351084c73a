//! Calibration before a reviewer's first review: mark the lead's examples until they agree.

use super::next_open;
use super::reviews::mine;
use super::*;
use crate::app::marking::{self, Pending};

/// The calibration page: a lead's example to mark before reviewing.
pub async fn calibration(
    Trainee { ctx, me }: Trainee,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (found, pending) = mine(&ctx, me.id, id).await?;
    let Some(pending) = pending else {
        return Ok(redirect(&format!("/reviews/{id}")));
    };
    render_calibration(&ctx, &found, &pending, &BTreeMap::new(), None, None)
}

/// A try at a calibration example. Where a mark differs from the lead's, the
/// page comes back showing the lead's level and reason, to try again.
pub async fn calibrate(
    Trainee { ctx, me }: Trainee,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (found, pending) = mine(&ctx, me.id, id).await?;
    let Some(pending) = pending else {
        return Ok(redirect(&format!("/reviews/{id}")));
    };
    let example = &pending.example;
    if form.text("answer") != example.answer_id.to_string() {
        // A stale page: the example was passed or changed meanwhile.
        return Ok(redirect(&format!("/reviews/{id}/calibration")));
    }
    let rubric = &found.round.rubric;
    let marks = marks_from(&form, rubric);
    if let Some(message) = marks_problem(&ctx, rubric, &marks, "") {
        return render_calibration(&ctx, &found, &pending, &marks, None, Some(message));
    }
    let (tried, example, kept) = (found.clone(), example.clone(), marks.clone());
    let off = ctx
        .db(move |conn| {
            Ok(marking::try_calibration(
                conn,
                &tried,
                &example,
                &kept,
                db::now_ms(),
            )?)
        })
        .await?;
    if off.is_empty() {
        ctx.flash("review.calibrated", &[]);
        // The review this page came through was the example's own answer, now
        // handed to someone else: on to whatever else is open.
        if found.assignment.answer_id == pending.example.answer_id {
            let next = next_open(&ctx, me.id).await?;
            return Ok(redirect(next.as_ref().map_or("/", |(url, _)| url)));
        }
        return Ok(redirect(&format!("/reviews/{id}")));
    }
    render_calibration(&ctx, &found, &pending, &marks, Some(&off), None)
}

fn render_calibration(
    ctx: &Ctx,
    found: &review::ToReview,
    pending: &Pending,
    marks: &BTreeMap<String, u8>,
    off: Option<&[criteria::Off]>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let example = &pending.example;
    let failed = error.is_some();
    let mut page = ctx.render(&CalibrationPage {
        review: ReviewView::of(found),
        nth: pending.nth,
        of: pending.of,
        example: ExampleView {
            answer: example.answer_id,
            prompt: example.prompt.clone(),
            body: example.body.clone(),
        },
        marking: Marking::new(&found.round.rubric, marks, off, false),
        reason: off.map(|_| example.grade.reason.clone()),
        error,
    })?;
    if failed {
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page)
}

#[derive(Serialize)]
struct CalibrationPage {
    review: ReviewView,
    /// Which example of how many.
    nth: usize,
    of: usize,
    example: ExampleView,
    #[serde(flatten)]
    marking: Marking,
    /// The lead's reason, shown after a try that was off.
    reason: Option<String>,
    error: Option<String>,
}

#[derive(Serialize)]
struct ExampleView {
    answer: AnswerId,
    prompt: String,
    body: String,
}

impl Page for CalibrationPage {
    const TEMPLATE: &'static str = "review/calibration";
    const TITLE: &'static str = "review.calibration_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let rubric = Rubric::default();
    let key = rubric.criteria[0].key.clone();
    let off = [criteria::Off {
        key: key.clone(),
        mine: Some(4),
        lead: 2,
    }];
    let marks: criteria::Marks = [(key, 4)].into_iter().collect();
    for tried in [None, Some(&off[..])] {
        out.add(&CalibrationPage {
            review: ReviewView::sample(),
            nth: 1,
            of: 2,
            example: ExampleView {
                answer: AnswerId(5),
                prompt: "能开发票吗？".into(),
                body: "可以的亲".into(),
            },
            marking: Marking::new(&rubric, &marks, tried, false),
            reason: tried.map(|_| "没有给出时间".into()),
            error: None,
        });
    }
}
