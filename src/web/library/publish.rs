//! Publishing a question's script: its candidate answers from every exam,
//! ranked by final score, one picked (or two merged) as the start of the
//! text, and the text published as the script's next version.

use super::*;

#[derive(serde::Deserialize)]
pub struct Start {
    /// The candidate answer to start the text from.
    from: Option<AnswerId>,
    /// A second candidate to merge into it.
    with: Option<AnswerId>,
}

/// The publish page of a question: its current script, the candidate
/// answers ranked by final score, and the text to publish (started from a
/// candidate when one is picked).
pub async fn publish_form(
    Lead { ctx, .. }: Lead,
    path: web::Path<i64>,
    start: web::Query<Start>,
) -> Result<HttpResponse, AppError> {
    let question = path.into_inner();
    show_publish(&ctx, question, (start.from, start.with), None).await
}

/// What the publish form was sent with, kept when it is refused.
struct Typed {
    text: String,
    note: String,
    message: String,
    status: actix_web::http::StatusCode,
}

/// The publish page, its text started from candidate `from`, merged with
/// candidate `with` when two are picked (the first stays the source).
async fn show_publish(
    ctx: &Ctx,
    question: i64,
    (from, with): (Option<AnswerId>, Option<AnswerId>),
    refused: Option<Typed>,
) -> Result<HttpResponse, AppError> {
    let state = ctx.state.clone();
    let (found, script, ranked) = ctx
        .db(move |conn| {
            let found = questions::find_any(conn, question)?.ok_or(AppError::NotFound)?;
            let script = match scripts::for_question(conn, question)? {
                Some(s) => {
                    let current = scripts::versions(conn, s.id)?.into_iter().next();
                    Some((s, current))
                }
                None => None,
            };
            Ok((
                found,
                script,
                library::candidates(conn, &state.finals, question)?,
            ))
        })
        .await?;
    let find =
        |a: Option<AnswerId>| a.and_then(|a| ranked.iter().find(|r| r.candidate.answer_id == a));
    let (picked, second) = (find(from), find(with).filter(|_| with != from));
    let text = match (&refused, picked, second) {
        (Some(t), _, _) => t.text.clone(),
        (None, Some(p), Some(s)) => format!("{}\n{}", p.candidate.body, s.candidate.body),
        (None, Some(p), None) => p.candidate.body.clone(),
        (None, None, _) => String::new(),
    };
    let source = script
        .as_ref()
        .and_then(|(_, v)| v.as_ref())
        .and_then(|v| v.answer_id);
    let page = PublishPage {
        question: found.id,
        prompt: found.prompt,
        current: script.as_ref().and_then(|(s, v)| {
            v.as_ref().map(|v| Current {
                script: s.id,
                n: v.n,
                pieces: core::pieces(&v.text),
            })
        }),
        candidates: ranked
            .iter()
            .take(CANDIDATES)
            .enumerate()
            .map(|(i, r)| CandidateLine {
                rank: i + 1,
                answer: r.candidate.answer_id,
                body: r.candidate.body.clone(),
                author: r.candidate.author.clone(),
                exam: r.candidate.exam_title.clone(),
                automatic: r.candidate.automatic.map(round1),
                final_score: r.final_score.map(round1),
                picked: Some(r.candidate.answer_id) == from,
                merge: from.filter(|f| *f != r.candidate.answer_id),
                // Over a script, only an answer that beat it may replace it
                // (or the script's own source, edited again).
                is_source: source == Some(r.candidate.answer_id),
                usable: script.is_none()
                    || source == Some(r.candidate.answer_id)
                    || r.bout.as_ref().is_some_and(|b| b.verdict() == Verdict::Won),
                bout: r.bout.as_ref().map(BoutView::of),
            })
            .collect(),
        from: picked.map(|p| p.candidate.answer_id),
        text,
        note: refused.as_ref().map_or(String::new(), |t| t.note.clone()),
        error: refused.as_ref().map(|t| t.message.clone()),
    };
    match refused {
        Some(t) => ctx.render_refused(&page, t.status),
        None => ctx.render(&page),
    }
}

/// How many candidates the publish page lists.
const CANDIDATES: usize = 30;

/// A lead publishes the text as the question's script's next version.
pub async fn publish(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let question = path.into_inner();
    let from: Option<AnswerId> = match form.text("from").trim() {
        "" => None,
        n => Some(AnswerId(n.parse().map_err(|_| AppError::bad_request())?)),
    };
    let (text_sent, note) = (form.text("text").to_string(), form.text("note").to_string());
    let by = me.id;
    let (t, n) = (text_sent.clone(), note.clone());
    let state = ctx.state.clone();
    let published = ctx
        .db(move |conn| {
            let p = Publication {
                question,
                text: &t,
                from,
                note: &n,
                by,
                now: db::now_ms(),
            };
            Ok(library::publish(conn, &state.finals, &p)?)
        })
        .await;
    match published {
        Ok((script, n)) => {
            ctx.flash("library.published", &[("n", n.to_string())]);
            Ok(redirect(&format!("/library/{script}")))
        }
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            let typed = Typed {
                text: text_sent,
                note,
                message: refused.message,
                status: refused.status,
            };
            show_publish(&ctx, question, (from, None), Some(typed)).await
        }
    }
}

#[derive(Serialize)]
struct PublishPage {
    question: i64,
    prompt: String,
    current: Option<Current>,
    candidates: Vec<CandidateLine>,
    from: Option<AnswerId>,
    text: String,
    note: String,
    error: Option<String>,
}

#[derive(Serialize)]
struct Current {
    script: i64,
    n: i32,
    pieces: Vec<core::Piece>,
}

#[derive(Serialize)]
struct CandidateLine {
    rank: usize,
    answer: AnswerId,
    body: String,
    author: String,
    exam: String,
    automatic: Option<f64>,
    final_score: Option<f64>,
    picked: bool,
    /// The candidate picked first, to merge this one into.
    merge: Option<AnswerId>,
    /// It may be published: the question has no script yet, or it beat the
    /// current one.
    usable: bool,
    /// The current script was published from it.
    is_source: bool,
    /// How it fared against the current script, where they met.
    bout: Option<BoutView>,
}

impl Page for PublishPage {
    const TEMPLATE: &'static str = "library/publish";
    const TITLE: &'static str = "library.publish_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let pieces = || core::pieces("{称呼}您好，今天18点前发出");
    for error in [None, Some("含有禁用词：最好".to_string())] {
        out.add(&PublishPage {
            question: 3,
            prompt: "什么时候发货".into(),
            current: Some(Current {
                script: 1,
                n: 2,
                pieces: pieces(),
            }),
            candidates: [
                (true, Some(Verdict::Won)),
                (false, Some(Verdict::Lost)),
                (false, Some(Verdict::Open)),
                (false, None),
            ]
            .into_iter()
            .map(|(usable, verdict)| CandidateLine {
                rank: 1,
                answer: AnswerId(9),
                body: "亲，今天发".into(),
                author: "王芳".into(),
                exam: "售前".into(),
                automatic: Some(0.0),
                final_score: None,
                picked: usable,
                merge: Some(AnswerId(8)),
                usable,
                is_source: verdict.is_none(),
                bout: verdict.map(|verdict| BoutView {
                    verdict,
                    challenger: "71.5".into(),
                    incumbent: "—".into(),
                    wins: 2,
                    losses: 1,
                }),
            })
            .collect(),
            from: Some(AnswerId(9)),
            text: "亲，今天发".into(),
            note: String::new(),
            error,
        });
    }
}
