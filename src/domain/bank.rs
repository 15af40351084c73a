//! Exam banks: TOML files of questions with scene, category, reference answers and
//! optional rubric settings. `parse` reports every problem it can find, each with the
//! line and field, so a bank author fixes a file in one pass.
//!
//! ```toml
//! [bank]
//! slug = "pre-sale"
//! title = "售前咨询"
//! title_en = "Pre-sale questions"
//!
//! [[questions]]
//! id = "authentic-1"
//! scene = "pre_sale"
//! category = "quality"
//! tags = ["choice_question"]
//! prompt = "是正品吗？"
//! references = ["……", "……"]
//! key_points = ["正品", "专柜验货|可以验货"]
//! rubric = { expect = ["empathy", "next_step"], banned = ["包邮"] }
//! ```

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::keypoints;
use super::rubric::{self, Check};
use super::scenario::{parse_turns, RawTurn, Scenario};
use super::scoring;
use super::text::char_len;
use super::types::{AnswerText, Category, Scene};

#[derive(Debug, Clone, PartialEq)]
pub struct Bank {
    pub slug: String,
    pub title: String,
    pub title_en: Option<String>,
    pub questions: Vec<BankQuestion>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BankQuestion {
    /// Unique within its bank; `slug/key` is unique everywhere.
    pub key: String,
    pub scene: Scene,
    pub category: Category,
    pub prompt: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub rubric: rubric::Settings,
    /// A scenario dialogue's turns; None for a single question.
    pub scenario: Option<Scenario>,
}

/// One thing wrong with a bank file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

const MAX_PROMPT: usize = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    bank: Spanned<RawHeader>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub(super) slug: Spanned<String>,
    pub(super) title: Spanned<String>,
    pub(super) title_en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    scene: Spanned<String>,
    category: Spanned<String>,
    prompt: Spanned<String>,
    /// A scenario's references are its turns'.
    references: Option<Spanned<Vec<Spanned<String>>>>,
    /// Present for a scenario dialogue (`domain::scenario`).
    turns: Option<Spanned<Vec<Spanned<RawTurn>>>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    key_points: Option<Spanned<Vec<String>>>,
    rubric: Option<RawRubric>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    expect: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    banned: Vec<String>,
}

/// Collects problems with line numbers computed from byte spans.
pub(super) struct Problems<'a> {
    pub(super) source: &'a str,
    pub(super) list: Vec<Problem>,
}

impl Problems<'_> {
    /// The source read as TOML into `T`, or None with the problem noted.
    pub(super) fn read<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        // TOML may spell a NUL as an escape; no database text column of
        // PostgreSQL can hold one, so it is refused here, with its line.
        let source = self.source;
        if let Some(at) = source
            .find("\\u0000")
            .or_else(|| source.find("\\U00000000"))
        {
            self.add(
                at..at,
                "text",
                "a NUL character (\\u0000) cannot be stored; remove it",
            );
            return None;
        }
        match toml::from_str(source) {
            Ok(raw) => Some(raw),
            Err(e) => {
                let message = e.message().to_string();
                self.add(
                    e.span().unwrap_or(0..0),
                    &field_of_message(&message),
                    message,
                );
                None
            }
        }
    }

    /// Whether `raw` is a slug; if not, the problem is noted against `field`.
    pub(super) fn slug(&mut self, raw: &Spanned<String>, field: &str) -> bool {
        let ok = is_slug(raw.get_ref());
        if !ok {
            self.add(raw.span(), field, "use 1–40 of a-z, 0-9 and '-'");
        }
        ok
    }

    /// The line a byte span starts on.
    fn line_of(&self, span: Range<usize>) -> usize {
        1 + self.source[..span.start.min(self.source.len())]
            .matches('\n')
            .count()
    }

    pub(super) fn add(&mut self, span: Range<usize>, field: &str, message: impl Into<String>) {
        let line = self.line_of(span);
        self.list.push(Problem {
            line,
            field: field.to_string(),
            message: message.into(),
        });
    }
}

/// Parses and validates one bank file's text.
pub fn parse(source: &str) -> Result<Bank, Vec<Problem>> {
    let mut problems = Problems {
        source,
        list: Vec::new(),
    };
    let Some(raw) = problems.read::<RawFile>() else {
        return Err(problems.list);
    };
    let header = raw.bank.into_inner();
    problems.slug(&header.slug, "bank.slug");
    if header.title.get_ref().trim().is_empty() {
        problems.add(header.title.span(), "bank.title", "must not be empty");
    }
    if raw.questions.is_empty() {
        problems.add(
            0..0,
            "questions",
            "a bank needs at least one [[questions]] entry",
        );
    }
    let mut seen = HashSet::new();
    let questions: Vec<BankQuestion> = raw
        .questions
        .into_iter()
        .filter_map(|q| question(q.into_inner(), &mut seen, &mut problems))
        .collect();
    if problems.list.is_empty() {
        Ok(Bank {
            slug: header.slug.into_inner(),
            title: header.title.into_inner().trim().to_string(),
            title_en: header.title_en.map(|t| t.into_inner().trim().to_string()),
            questions,
        })
    } else {
        Err(problems.list)
    }
}

fn question(q: RawQuestion, seen: &mut HashSet<String>, p: &mut Problems) -> Option<BankQuestion> {
    let before = p.list.len();
    let key = q.id.get_ref().clone();
    // A malformed id is one problem, not also a duplicate.
    if p.slug(&q.id, "questions.id") && !seen.insert(key.clone()) {
        p.add(
            q.id.span(),
            "questions.id",
            format!("'{key}' is used twice in this bank"),
        );
    }
    let scene = Scene::parse(q.scene.get_ref());
    if scene.is_none() {
        let known = Scene::ALL
            .iter()
            .map(|s| s.key())
            .collect::<Vec<_>>()
            .join(", ");
        p.add(
            q.scene.span(),
            "questions.scene",
            format!("unknown scene; use one of {known}"),
        );
    }
    let category = Category::parse(q.category.get_ref());
    if category.is_none() {
        let known = Category::ALL
            .iter()
            .map(|c| c.key())
            .collect::<Vec<_>>()
            .join(", ");
        p.add(
            q.category.span(),
            "questions.category",
            format!("unknown category; use one of {known}"),
        );
    }
    let prompt = q.prompt.get_ref().trim().to_string();
    if prompt.is_empty() || char_len(&prompt) > MAX_PROMPT {
        p.add(
            q.prompt.span(),
            "questions.prompt",
            format!("must be 1–{MAX_PROMPT} characters"),
        );
    }
    // Without references, a problem is reported at the prompt's line.
    let references_span = q.references.as_ref().map_or(q.prompt.span(), Spanned::span);
    let raw_references = q.references.map(Spanned::into_inner).unwrap_or_default();
    let references: Vec<String> = raw_references
        .iter()
        .map(|r| r.get_ref().trim().to_string())
        .collect();
    for r in &raw_references {
        if char_len(r.get_ref()) > AnswerText::MAX {
            p.add(
                r.span(),
                "questions.references",
                format!("longer than {} characters", AnswerText::MAX),
            );
        }
    }
    let is_scenario = q.turns.is_some();
    let scenario = q.turns.and_then(|t| parse_turns(t, p));
    // A scenario is scored turn by turn; its question offers every turn's replies.
    let references = match &scenario {
        Some(s) if references.is_empty() => s.all_references(),
        _ => references,
    };
    let mut rubric = rubric_settings(q.rubric, p);
    rubric.key_points = key_points(q.key_points, &references, p);
    // A scenario's own turns say what is wrong with its replies.
    if !is_scenario && scoring::Question::new(&references, rubric.clone()).is_err() {
        p.add(
            references_span,
            "questions.references",
            "needs at least one non-empty reference answer",
        );
    }
    let tags = q.tags.into_iter().map(Spanned::into_inner).collect();
    match (scene, category, p.list.len() == before) {
        (Some(scene), Some(category), true) => Some(BankQuestion {
            key,
            scene,
            category,
            prompt,
            references,
            tags,
            rubric,
            scenario,
        }),
        _ => None,
    }
}

/// The key points, each of which some reference must state: copying a
/// reference has to score as complete.
fn key_points(
    raw: Option<Spanned<Vec<String>>>,
    references: &[String],
    p: &mut Problems,
) -> Vec<String> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let span = raw.span();
    let points: Vec<String> = raw
        .into_inner()
        .iter()
        .map(|k| k.trim().to_string())
        .collect();
    if let Some(message) = keypoints::problem(&points) {
        p.add(span, "questions.key_points", message);
        return Vec::new();
    }
    if let Some(point) = keypoints::unstated(&points, references) {
        p.add(
            span,
            "questions.key_points",
            format!("no reference states the key point \"{point}\""),
        );
    }
    points
}

fn rubric_settings(raw: Option<RawRubric>, p: &mut Problems) -> rubric::Settings {
    let Some(raw) = raw else {
        return rubric::Settings::default();
    };
    let expect = raw.expect.map(|list| {
        list.iter()
            .filter_map(|name| {
                let check = Check::parse(name.get_ref());
                if check.is_none() {
                    let known = Check::ALL
                        .iter()
                        .map(|c| c.key())
                        .collect::<Vec<_>>()
                        .join(", ");
                    p.add(
                        name.span(),
                        "questions.rubric.expect",
                        format!("unknown check; use one of {known}"),
                    );
                }
                check
            })
            .collect()
    });
    rubric::Settings {
        key_points: Vec::new(),
        expect,
        banned: raw
            .banned
            .into_iter()
            .filter(|b| !b.trim().is_empty())
            .collect(),
    }
}

pub(super) fn is_slug(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// serde names the offending field in its message ("missing field `prompt`").
fn field_of_message(message: &str) -> String {
    message
        .split('`')
        .nth(1)
        .map(str::to_string)
        .unwrap_or_else(|| "(syntax)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[bank]
slug = "demo"
title = "演示"

[[questions]]
id = "q-1"
scene = "pre_sale"
category = "quality"
prompt = "是正品吗？"
references = ["亲，我们是品牌授权店，每件都可查验，请放心购买。"]
rubric = { expect = ["empathy"] }
"#;

    #[test]
    fn a_valid_bank_parses_with_its_questions() {
        let bank = parse(GOOD).expect("valid bank");
        assert_eq!(bank.slug, "demo");
        assert_eq!(bank.questions.len(), 1);
        assert_eq!(bank.questions[0].scene, Scene::PreSale);
        assert_eq!(bank.questions[0].rubric.expect, Some(vec![Check::Empathy]));
    }

    #[test]
    fn key_points_are_kept_and_each_must_be_stated_by_a_reference() {
        let marked = GOOD.replace(
            "rubric = {",
            "key_points = [\"品牌授权|授权店\", \"可查验\"]\nrubric = {",
        );
        let bank = parse(&marked).expect("valid bank");
        assert_eq!(
            bank.questions[0].rubric.key_points,
            ["品牌授权|授权店", "可查验"]
        );
        let unstated = GOOD.replace("rubric = {", "key_points = [\"7天无理由\"]\nrubric = {");
        let problems = parse(&unstated).expect_err("a point no reference states");
        assert_eq!(
            (problems[0].line, problems[0].field.as_str()),
            (12, "questions.key_points")
        );
        assert!(problems[0].message.contains("7天无理由"), "{problems:?}");
        let empty = GOOD.replace("rubric = {", "key_points = [\" \"]\nrubric = {");
        assert!(parse(&empty).is_err());
    }

    #[test]
    fn every_semantic_problem_is_reported_with_line_and_field() {
        let bad = GOOD
            .replace("\"pre_sale\"", "\"presale\"")
            .replace("\"quality\"", "\"weather\"")
            .replace("[\"empathy\"]", "[\"charm\"]");
        let problems = parse(&bad).expect_err("broken bank");
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (8, "questions.scene"),
                (9, "questions.category"),
                (12, "questions.rubric.expect")
            ]
        );
    }

    #[test]
    fn a_nul_escape_is_refused_with_its_line() {
        let text = "[bank]\nslug = \"b\"\ntitle = \"t\\u0000\"\n";
        let problems = parse(text).expect_err("refused");
        assert_eq!((problems[0].line, problems[0].field.as_str()), (3, "text"));
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let problems = parse("[bank]\nslug = \"x\"\ntitle = \n").expect_err("broken toml");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 3);
    }

    #[test]
    fn a_missing_field_is_named() {
        let problems =
            parse(&GOOD.replace("prompt = \"是正品吗？\"\n", "")).expect_err("no prompt");
        assert_eq!(problems[0].field, "prompt");
    }

    #[test]
    fn duplicate_ids_and_empty_references_are_refused() {
        let twice = format!("{GOOD}{}", &GOOD[GOOD.find("[[questions]]").unwrap_or(0)..]).replacen(
            "references = [\"亲",
            "references = [\"  \", \"亲",
            1,
        );
        let problems = parse(&twice).expect_err("duplicate id");
        assert!(problems.iter().any(|p| p.message.contains("used twice")));
    }

    #[test]
    fn a_reference_of_only_punctuation_is_no_reference() {
        let problems =
            parse(&GOOD.replace("亲，我们是品牌授权店，每件都可查验，请放心购买。", "。。。"))
                .expect_err("empty reference");
        assert_eq!(problems[0].field, "questions.references");
    }
}
