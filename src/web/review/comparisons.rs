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
    ctx.render(&ComparePage {
        closed: !done && db::now_ms() > found.due_at,
        due: local_time(found.due_at),
        done,
        c: CompareView {
            id: found.comparison.id,
            exam_title: found.exam_title,
            prompt: found.prompt,
            a: found.a,
            b: found.b,
            answer_a: found.comparison.answer_a,
            answer_b: found.comparison.answer_b,
        },
    })
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
    ctx.db(move |conn| {
        Ok(crate::app::marking::judge(
            conn,
            id,
            me,
            winner,
            db::now_ms(),
        )?)
    })
    .await?;
    next_task(&ctx, me).await
}

#[derive(Serialize)]
struct ComparePage {
    c: CompareView,
    done: bool,
    closed: bool,
    due: String,
}

/// Two anonymous answers to one question.
#[derive(Serialize)]
struct CompareView {
    id: i64,
    exam_title: String,
    prompt: String,
    a: String,
    b: String,
    answer_a: AnswerId,
    answer_b: AnswerId,
}

impl Page for ComparePage {
    const TEMPLATE: &'static str = "review/compare";
    const TITLE: &'static str = "review.compare_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    for done in [false, true] {
        out.add(&ComparePage {
            c: CompareView {
                id: 2,
                exam_title: "售后".into(),
                prompt: "能便宜点吗？".into(),
                a: "亲，已经是最低价了".into(),
                b: "不能".into(),
                answer_a: AnswerId(1),
                answer_b: AnswerId(2),
            },
            done,
            closed: !done,
            due: "2026-12-01 18:00".into(),
        });
    }
}
