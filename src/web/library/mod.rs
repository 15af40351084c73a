//! The official reply-script library (话术库): everyone reads and searches it;
//! a lead publishes a question's script from its ranked candidate answers (as
//! written or edited), sees every version with its provenance and the change
//! from the one before, and rolls back to any of them.

mod check;
pub use check::{api as check_api, check, form as check_form};

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Form;
use super::render::{local_time, redirect, Ctx, Lead, Page, Trainee};
use crate::app::library::{self, Publication};
use crate::db::columns::AnswerId;
use crate::db::{self, questions, scripts};
use crate::domain::{diff, library as core, text};
use crate::error::AppError;

#[derive(serde::Deserialize)]
pub struct Search {
    /// Words to look for in questions and scripts.
    q: Option<String>,
    /// A customer's message to find the scripts for.
    m: Option<String>,
}

/// How many scripts a pasted message brings up.
const MATCHES: usize = 5;

/// The library, newest scripts last, filtered by a search over question and
/// script (folded as scoring folds: width, case, traditional characters).
pub async fn list(
    Trainee { ctx, me }: Trainee,
    query: web::Query<Search>,
) -> Result<HttpResponse, AppError> {
    let is_lead = me.role >= crate::domain::types::Role::Lead;
    let message = query.m.as_deref().unwrap_or("").trim().to_string();
    let (state, asked) = (ctx.state.clone(), message.clone());
    let (listed, unpublished, found) = ctx
        .db(move |conn| {
            let unpublished = if is_lead {
                scripts::unpublished(conn)?
            } else {
                vec![]
            };
            let found = if asked.is_empty() {
                vec![]
            } else {
                library::find(conn, &state.rules.synonyms, &asked, MATCHES)?
            };
            Ok((scripts::library(conn)?, unpublished, found))
        })
        .await?;
    let matches = found
        .into_iter()
        .map(|(m, l)| MatchLine {
            id: l.script.id,
            prompt: l.prompt,
            percent: (m.score * 100.0).round() as i64,
            wording: m.wording,
            pieces: core::pieces(&l.current.text),
            text: l.current.text,
        })
        .collect();
    let q = query.q.as_deref().unwrap_or("").trim().to_string();
    let needle = text::fold(&q);
    let scripts = listed
        .iter()
        .filter(|l| {
            needle.is_empty()
                || text::fold(&l.prompt).contains(&needle)
                || text::fold(&l.current.text).contains(&needle)
        })
        .map(|l| ScriptLine {
            id: l.script.id,
            prompt: l.prompt.clone(),
            scene: l.scene.clone(),
            category: l.category.clone(),
            pieces: core::pieces(&l.current.text),
            n: l.current.n,
        })
        .collect();
    ctx.render(&LibraryPage {
        q,
        m: message,
        matches,
        scripts,
        unpublished: unpublished
            .into_iter()
            .map(|u| Unpublished {
                question: u.question_id,
                prompt: u.prompt,
                answers: u.answers,
            })
            .collect(),
    })
}

/// One script: the current text, placeholders highlighted, then every
/// version newest first with where it came from, who approved it and what
/// changed from the one before.
pub async fn show(
    Trainee { ctx, .. }: Trainee,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (script, question, versions, users) = ctx
        .db(move |conn| {
            let script = scripts::find(conn, id)?.ok_or(AppError::NotFound)?;
            let question =
                questions::find_any(conn, script.question_id)?.ok_or(AppError::NotFound)?;
            Ok((
                script,
                question,
                scripts::versions(conn, id)?,
                db::users::list(conn)?,
            ))
        })
        .await?;
    let name = |id: Option<i64>| id.map(|id| db::users::name_of(&users, id));
    let lines: Vec<VersionLine> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionLine {
            n: v.n,
            pieces: core::pieces(&v.text),
            text: v.text.clone(),
            current: i == 0,
            author: name(v.author_id),
            exam: v.exam_id.map(|e| e.get()),
            automatic: v.automatic_score.map(round1),
            final_score: v.final_score.map(round1),
            edited: v.edited,
            note: v.note.clone(),
            approved_by: db::users::name_of(&users, v.approved_by),
            approved_at: local_time(v.approved_at),
            change: versions
                .get(i + 1)
                .map(|before| diff::segments(&v.text, &before.text))
                .unwrap_or_default(),
        })
        .collect();
    ctx.render(&ScriptPage {
        id: script.id,
        question: question.id,
        prompt: question.prompt,
        owner: name(script.owner_id),
        placeholders: versions
            .first()
            .map(|v| core::placeholders(&v.text))
            .unwrap_or_default(),
        versions: lines,
    })
}

/// A lead rolls a script back to an earlier version: published again as the
/// newest, so the history keeps every step.
pub async fn roll_back(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let n: i32 = form
        .text("n")
        .parse()
        .map_err(|_| AppError::bad_request())?;
    let note = ctx.state.catalog.format(
        ctx.lang,
        "library.rolled_back_note",
        &[("n", n.to_string())],
    );
    let by = me.id;
    let new = ctx
        .db(move |conn| Ok(library::roll_back(conn, id, n, &note, by, db::now_ms())?))
        .await?;
    ctx.flash(
        "library.rolled_back",
        &[("n", n.to_string()), ("new", new.to_string())],
    );
    Ok(redirect(&format!("/library/{id}")))
}

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
            Ok((found, script, library::candidates(conn, question)?))
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
            Ok(library::publish(conn, &p)?)
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

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[derive(Serialize)]
struct LibraryPage {
    q: String,
    /// The customer's message pasted, and the scripts it found.
    m: String,
    matches: Vec<MatchLine>,
    scripts: Vec<ScriptLine>,
    /// For leads: answered questions with no script yet.
    unpublished: Vec<Unpublished>,
}

#[derive(Serialize)]
struct ScriptLine {
    id: i64,
    prompt: String,
    scene: String,
    category: String,
    pieces: Vec<core::Piece>,
    n: i32,
}

/// A script found for a pasted message.
#[derive(Serialize)]
struct MatchLine {
    id: i64,
    prompt: String,
    /// How alike, 0–100.
    percent: i64,
    /// The wording of the question that matched.
    wording: String,
    pieces: Vec<core::Piece>,
    /// The script as the agent copies it.
    text: String,
}

#[derive(Serialize)]
struct Unpublished {
    question: i64,
    prompt: String,
    answers: i64,
}

impl Page for LibraryPage {
    const TEMPLATE: &'static str = "library/list";
    const TITLE: &'static str = "library.title";
}

#[derive(Serialize)]
struct ScriptPage {
    id: i64,
    question: i64,
    prompt: String,
    owner: Option<String>,
    placeholders: Vec<String>,
    versions: Vec<VersionLine>,
}

#[derive(Serialize)]
struct VersionLine {
    n: i32,
    text: String,
    pieces: Vec<core::Piece>,
    current: bool,
    author: Option<String>,
    exam: Option<i64>,
    automatic: Option<f64>,
    final_score: Option<f64>,
    edited: bool,
    note: String,
    approved_by: String,
    approved_at: String,
    /// What changed from the version before (empty for the first).
    change: Vec<diff::Segment>,
}

impl Page for ScriptPage {
    const TEMPLATE: &'static str = "library/script";
    const TITLE: &'static str = "library.script_title";
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
}

impl Page for PublishPage {
    const TEMPLATE: &'static str = "library/publish";
    const TITLE: &'static str = "library.publish_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    check::samples(out);
    let pieces = || core::pieces("{称呼}您好，今天18点前发出");
    out.add(&LibraryPage {
        q: "发货".into(),
        m: "亲，几号发货".into(),
        matches: vec![MatchLine {
            id: 1,
            prompt: "什么时候发货".into(),
            percent: 0,
            wording: "几天能发货".into(),
            pieces: pieces(),
            text: "{称呼}您好，今天18点前发出".into(),
        }],
        scripts: vec![ScriptLine {
            id: 1,
            prompt: "什么时候发货".into(),
            scene: "pre_sale".into(),
            category: "shipping".into(),
            pieces: pieces(),
            n: 2,
        }],
        unpublished: vec![Unpublished {
            question: 3,
            prompt: "能开发票吗".into(),
            answers: 4,
        }],
    });
    out.add(&ScriptPage {
        id: 1,
        question: 3,
        prompt: "什么时候发货".into(),
        owner: Some("李娜".into()),
        placeholders: vec!["{称呼}".into()],
        versions: [true, false]
            .into_iter()
            .map(|current| VersionLine {
                n: 1,
                text: "{称呼}您好".into(),
                pieces: pieces(),
                current,
                author: current.then(|| "王芳".into()),
                exam: Some(2),
                automatic: Some(0.0),
                final_score: Some(81.5),
                edited: current,
                note: "回滚".into(),
                approved_by: "李娜".into(),
                approved_at: "2026-11-30 09:00".into(),
                change: diff::segments("今天发", "明天发"),
            })
            .collect(),
    });
    for error in [None, Some("含有禁用词：最好".to_string())] {
        out.add(&PublishPage {
            question: 3,
            prompt: "什么时候发货".into(),
            current: Some(Current {
                script: 1,
                n: 2,
                pieces: pieces(),
            }),
            candidates: vec![CandidateLine {
                rank: 1,
                answer: AnswerId(9),
                body: "亲，今天发".into(),
                author: "王芳".into(),
                exam: "售前".into(),
                automatic: Some(0.0),
                final_score: None,
                picked: true,
                merge: Some(AnswerId(8)),
            }],
            from: Some(AnswerId(9)),
            text: "亲，今天发".into(),
            note: String::new(),
            error,
        });
    }
}
