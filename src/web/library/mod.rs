//! The official reply-script library (话术库): everyone reads and searches it;
//! a lead publishes a question's script from its ranked candidate answers (as
//! written or edited), sees every version with its provenance and the change
//! from the one before, and rolls back to any of them.

mod check;
mod publish;
pub use check::{api as check_api, check, form as check_form};
pub use publish::{publish, publish_form};

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Form;
use super::render::{local_time, redirect, Ctx, Lead, Page, Trainee};
use crate::app::library::{self, Publication};
use crate::db::columns::AnswerId;
use crate::db::{self, questions, scripts};
use crate::domain::{diff, library as core, text};
use crate::error::AppError;
use crate::web::review::round1;

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
            let listed = scripts::library(conn)?;
            let found = if asked.is_empty() {
                vec![]
            } else {
                library::find(conn, &state.rules.synonyms, &listed, &asked, MATCHES)?
            };
            Ok((listed, unpublished, found))
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
    let now = db::now_ms();
    ctx.render(&ScriptPage {
        id: script.id,
        question: question.id,
        prompt: question.prompt,
        owner: name(script.owner_id),
        owners: users
            .iter()
            .filter(|u| u.active && u.role >= crate::domain::types::Role::Lead)
            .map(|u| Owner {
                id: u.id,
                name: u.display_name.clone(),
                current: Some(u.id) == script.owner_id,
            })
            .collect(),
        review_by: script.review_by.map(day_of).unwrap_or_default(),
        overdue: script.review_by.is_some_and(|t| t < now),
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

/// A lead sets who looks after a script and when it is next reviewed.
pub async fn care(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let owner: i64 = form
        .text("owner")
        .parse()
        .map_err(|_| AppError::bad_request())?;
    let review_by = chrono::NaiveDate::parse_from_str(form.text("review_by").trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| {
            AppError::refused(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "library.bad_date",
            )
        })?;
    let changed = ctx
        .db(move |conn| {
            let leads = db::users::list(conn)?;
            let may = leads
                .iter()
                .any(|u| u.id == owner && u.active && u.role >= crate::domain::types::Role::Lead);
            if !may {
                return Err(AppError::bad_request());
            }
            Ok(scripts::set_care(conn, id, owner, review_by)?)
        })
        .await?;
    if !changed {
        return Err(AppError::NotFound);
    }
    ctx.flash("library.care_saved", &[]);
    Ok(redirect(&format!("/library/{id}")))
}

/// A moment as the local date it falls on.
fn day_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
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
    /// Who may look after it (leads), the current owner marked.
    owners: Vec<Owner>,
    /// When it is next reviewed, as a date.
    review_by: String,
    overdue: bool,
    placeholders: Vec<String>,
    versions: Vec<VersionLine>,
}

#[derive(Serialize)]
struct Owner {
    id: i64,
    name: String,
    current: bool,
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

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    check::samples(out);
    publish::samples(out);
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
        owners: vec![Owner {
            id: 2,
            name: "李娜".into(),
            current: true,
        }],
        review_by: "2027-02-28".into(),
        overdue: true,
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
}
