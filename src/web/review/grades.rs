//! A lead grades an answer on the review rubric, with a reason.

use super::*;
use crate::app::marking;

async fn to_grade(ctx: &Ctx, answer: AnswerId) -> Result<(review::ToGrade, Rubric), AppError> {
    ctx.db(move |conn| Ok(marking::to_grade(conn, answer)?))
        .await
}

/// A lead grades an answer on the review rubric, with a reason; the grade
/// decides the answer's score and can serve as a calibration example.
pub async fn grade_form(
    Lead { ctx, .. }: Lead,
    path: web::Path<AnswerId>,
) -> Result<HttpResponse, AppError> {
    let answer = path.into_inner();
    let (found, rubric) = to_grade(&ctx, answer).await?;
    let marks = found
        .grade
        .as_ref()
        .map(|g| g.marks.clone())
        .unwrap_or_default();
    let given = found
        .grade
        .as_ref()
        .map(|g| (g.reason.clone(), g.calibration));
    render_grade(&ctx, answer, &found, &rubric, &marks, given, None)
}

fn render_grade(
    ctx: &Ctx,
    answer: AnswerId,
    found: &review::ToGrade,
    rubric: &Rubric,
    marks: &BTreeMap<String, u8>,
    given: Option<(String, bool)>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let failed = error.is_some();
    let mut page = ctx.render(&GradePage {
        answer,
        exam: found.exam_id,
        prompt: found.prompt.clone(),
        body: found.body.clone(),
        marking: Marking::new(rubric, marks, None, false),
        reason: given.as_ref().map(|g| g.0.clone()),
        calibration: given.is_some_and(|g| g.1),
        error,
    })?;
    if failed {
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page)
}

pub async fn grade(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<AnswerId>,
) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let answer = path.into_inner();
    let (found, rubric) = to_grade(&ctx, answer).await?;
    let marks = marks_from(&form, &rubric);
    let reason = form.text("reason").trim().to_string();
    let calibration = form.checked("calibration");
    let problem = match marks_problem(&ctx, &rubric, &marks, &reason) {
        Some(p) => Some(p),
        None if reason.is_empty() => Some(ctx.t("review.reason_needed")),
        None => None,
    };
    if let Some(message) = problem {
        let given = Some((reason, calibration));
        return render_grade(&ctx, answer, &found, &rubric, &marks, given, Some(message));
    }
    let now = db::now_ms();
    ctx.db(move |conn| {
        let graded = marking::grade(conn, answer, me, &marks, &reason, calibration, now)?;
        Ok(graded)
    })
    .await?;
    ctx.flash("review.graded", &[]);
    Ok(redirect(&format!("/exams/{}/review", found.exam_id)))
}

#[derive(Serialize)]
struct GradePage {
    answer: AnswerId,
    exam: ExamId,
    prompt: String,
    body: String,
    #[serde(flatten)]
    marking: Marking,
    reason: Option<String>,
    /// Whether the grade serves as a calibration example.
    calibration: bool,
    error: Option<String>,
}

impl Page for GradePage {
    const TEMPLATE: &'static str = "review/grade";
    const TITLE: &'static str = "review.grade_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    out.add(&GradePage {
        answer: AnswerId(3),
        exam: ExamId(1),
        prompt: "能开发票吗？".into(),
        body: "可以".into(),
        marking: Marking::new(&Rubric::default(), &Default::default(), None, false),
        reason: Some("缺少时间承诺".into()),
        calibration: true,
        error: Some("请写理由".into()),
    });
}
