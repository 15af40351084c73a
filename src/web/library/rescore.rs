//! A lead scores an old exam again against the library as it stands, in one
//! action, and sees what changed per trainee and answer.

use super::*;
use crate::app::library::rescore::{self, Rescored};
use crate::db::columns::ExamId;

pub async fn rescore(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
    _form: Form,
) -> Result<HttpResponse, AppError> {
    let exam = path.into_inner();
    let (title, done) = ctx
        .db(move |conn| {
            let found = db::exams::find(conn, exam)?.ok_or(AppError::NotFound)?;
            Ok((found.title, rescore::rescore_exam(conn, exam)?))
        })
        .await?;
    ctx.render(&RescoredPage::of(exam.get(), title, done))
}

#[derive(Serialize)]
pub(super) struct RescoredPage {
    exam: i64,
    title: String,
    /// Item numbers whose references changed ("1、3"), or "".
    items: String,
    attempts: Vec<Line>,
}

#[derive(Serialize)]
struct Line {
    name: String,
    before: Option<f64>,
    after: f64,
    up: bool,
    down: bool,
    answers: Vec<AnswerLine>,
}

#[derive(Serialize)]
struct AnswerLine {
    position: i32,
    prompt: String,
    before: Option<f64>,
    after: f64,
}

impl RescoredPage {
    fn of(exam: i64, title: String, done: Rescored) -> RescoredPage {
        RescoredPage {
            exam,
            title,
            items: done
                .items
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("、"),
            attempts: done
                .attempts
                .into_iter()
                .map(|a| {
                    let delta = a.after - a.before.unwrap_or(0.0);
                    Line {
                        name: a.name,
                        before: a.before.map(round1),
                        after: round1(a.after),
                        up: delta >= 0.05,
                        down: delta <= -0.05,
                        answers: a
                            .answers
                            .into_iter()
                            .map(|c| AnswerLine {
                                position: c.position,
                                prompt: c.prompt,
                                before: c.before.map(round1),
                                after: round1(c.after),
                            })
                            .collect(),
                    }
                })
                .collect(),
        }
    }
}

impl Page for RescoredPage {
    const TEMPLATE: &'static str = "library/rescored";
    const TITLE: &'static str = "library.rescored_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    out.add(&RescoredPage {
        exam: 1,
        title: "售后".into(),
        items: "1".into(),
        attempts: vec![Line {
            name: "王芳".into(),
            before: Some(61.5),
            after: 72.0,
            up: true,
            down: false,
            answers: vec![AnswerLine {
                position: 1,
                prompt: "可以退吗".into(),
                before: None,
                after: 72.0,
            }],
        }],
    });
    out.add(&RescoredPage {
        exam: 1,
        title: "售后".into(),
        items: String::new(),
        attempts: vec![],
    });
}
