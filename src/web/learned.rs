//! What leads' merges and splits of question groups teach (`/questions/learned`):
//! synonym candidates, each with how many merges showed it, and the lines to
//! add to the team's rules file for the next imports to use.

use actix_web::HttpResponse;
use serde::Serialize;

use super::render::{Lead, Page};
use crate::db::mining;
use crate::domain::mining::learned::{candidates, Candidate, Link};
use crate::error::AppError;

pub async fn show(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let links = ctx.db(|conn| Ok(mining::links(conn)?)).await?;
    let found = candidates(&links, &ctx.state.rules.synonyms);
    ctx.render(&LearnedPage::of(&links, &found))
}

#[derive(Serialize)]
pub(super) struct LearnedPage {
    merges: usize,
    splits: usize,
    candidates: Vec<Row>,
    /// The rules-file lines for every candidate.
    snippet: String,
}

#[derive(Serialize)]
struct Row {
    a: String,
    b: String,
    merges: usize,
}

impl LearnedPage {
    fn of(links: &[Link], found: &[Candidate]) -> LearnedPage {
        let splits = links
            .iter()
            .filter(|l| matches!(l, Link::Apart(..)))
            .count();
        LearnedPage {
            merges: links.len() - splits,
            splits,
            snippet: found
                .iter()
                .map(|c| format!("\"{}\" = [\"{}\"]", c.a, c.b))
                .collect::<Vec<_>>()
                .join("\n"),
            candidates: found
                .iter()
                .map(|c| Row {
                    a: c.a.clone(),
                    b: c.b.clone(),
                    merges: c.merges,
                })
                .collect(),
        }
    }
}

impl Page for LearnedPage {
    const TEMPLATE: &'static str = "questions/learned";
    const TITLE: &'static str = "learned.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let links = [
        Link::Same("拍错了能退吗".into(), "买错了能退吗".into()),
        Link::Apart("裤子起球".into(), "裤子掉毛".into()),
    ];
    let found = [Candidate {
        a: "拍错".into(),
        b: "买错".into(),
        merges: 1,
    }];
    out.add(&LearnedPage::of(&links, &found));
    out.add(&LearnedPage::of(&[], &[]));
}
