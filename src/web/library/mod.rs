//! The official reply-script library (话术库): everyone reads and searches it;
//! a lead publishes a question's script from its ranked candidate answers (as
//! written or edited), sees every version with its provenance and the change
//! from the one before, and rolls back to any of them.

mod check;
mod publish;
mod rescore;
mod script;
mod sheet;
pub use check::{api as check_api, check, form as check_form};
pub use publish::{publish, publish_form};
pub use rescore::rescore;
pub use script::{add_alternate, care, remove_alternate, roll_back, show};
pub use sheet::{download, import, import_form};

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Form;
use super::render::{local_time, redirect, Ctx, Lead, Page, Trainee};
use crate::app::library::{self, Publication};
use crate::db::columns::AnswerId;
use crate::db::{self, questions, scripts};
use crate::domain::review::champion::{Bout, Verdict};
use crate::domain::{diff, library as core, text};
use crate::error::AppError;
use crate::web::review::round1;

#[derive(serde::Deserialize)]
pub struct Search {
    /// Words to look for in questions and scripts.
    q: Option<String>,
    /// A customer's message to find the scripts for.
    m: Option<String>,
    /// Only scripts of this category (a training week's reading); an
    /// unknown one filters nothing.
    category: Option<String>,
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
            let found: Vec<_> = if asked.is_empty() {
                vec![]
            } else {
                let snapshot = state.matcher.snapshot(conn, &state.rules.synonyms)?;
                snapshot
                    .find(&asked, &state.rules.synonyms, MATCHES)
                    .into_iter()
                    .map(|(m, l)| (m, l.clone()))
                    .collect()
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
    let category = query
        .category
        .as_deref()
        .and_then(crate::domain::types::Category::parse)
        .map(|c| c.key().to_string());
    let scripts = listed
        .iter()
        .filter(|l| category.as_ref().is_none_or(|c| l.category == *c))
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
        category,
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

#[derive(Serialize)]
struct LibraryPage {
    q: String,
    /// The category the list is narrowed to, if any.
    category: Option<String>,
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

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    check::samples(out);
    publish::samples(out);
    let pieces = || core::pieces("{称呼}您好，今天18点前发出");
    out.add(&LibraryPage {
        q: "发货".into(),
        category: Some("shipping".into()),
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
    script::samples(out);
    sheet::samples(out);
    rescore::samples(out);
}

/// A challenger's bout against the current script, as a page shows it:
/// both peer results and their direct comparisons.
#[derive(Serialize)]
struct BoutView {
    verdict: Verdict,
    /// Peer results to one decimal, "—" where there is none yet.
    challenger: String,
    incumbent: String,
    wins: u32,
    losses: u32,
}

impl BoutView {
    fn of(b: &Bout) -> Self {
        BoutView {
            verdict: b.verdict(),
            challenger: shown(b.challenger_result),
            incumbent: shown(b.incumbent_result),
            wins: b.wins,
            losses: b.losses,
        }
    }
}

fn shown(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_string(), |s| format!("{:.1}", round1(s)))
}
