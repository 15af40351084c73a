//! Training programs: a path of weeks for new hires, kept as TOML files beside
//! the banks (`exams/programs/*.toml`). Each week has its goals, its reading
//! (pages of the official script library by category, and the featured
//! product), the exams to pass with their pass marks, and whether passing them
//! unlocks the next week. `parse` reports every problem it finds with its line
//! and field, as the banks do, an exam naming a bank that is not loaded too.
//!
//! ```toml
//! [program]
//! slug = "four-weeks"
//! title = "新人四周成长路径"
//! title_en = "Four weeks for new hires"
//!
//! [[weeks]]
//! title = "产品知识与常见问题"
//! title_en = "Product knowledge and the FAQ"
//! goals = ["能用官方话术回答售前的常见问题"]
//! reading = { categories = ["quality", "price"], featured_product = true }
//! exams = [{ bank = "pre-sale", pass = 60 }]
//! unlocks_next = true
//! ```

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::bank::{is_slug, Problem, Problems, RawHeader};
use super::text::char_len;
use super::types::Category;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub slug: String,
    pub title: String,
    pub title_en: Option<String>,
    pub weeks: Vec<Week>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Week {
    pub title: String,
    pub title_en: Option<String>,
    pub goals: Vec<String>,
    pub goals_en: Vec<String>,
    pub reading: Reading,
    pub exams: Vec<WeekExam>,
    /// Whether passing every exam of this week opens the next one; when not,
    /// the next week opens on its date.
    pub unlocks_next: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// Official scripts of these categories.
    pub categories: Vec<Category>,
    pub featured_product: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekExam {
    /// The bank the exam is built from (its slug).
    pub bank: String,
    /// The score (0–100) that passes.
    pub pass: u8,
    /// The exam's time limit.
    pub minutes: u16,
}

const MAX_WEEKS: usize = 12;
const MAX_GOALS: usize = 8;
const MAX_EXAMS: usize = 5;
const MAX_TITLE: usize = 60;
const MAX_GOAL: usize = 200;
/// An exam's time limit when the file gives none, and the limits it may give.
const DEFAULT_MINUTES: u16 = 30;
const MINUTES: std::ops::RangeInclusive<i64> = 5..=180;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    program: RawHeader,
    #[serde(default)]
    weeks: Vec<Spanned<RawWeek>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeek {
    title: Spanned<String>,
    title_en: Option<Spanned<String>>,
    goals: Spanned<Vec<Spanned<String>>>,
    goals_en: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    reading: Option<RawReading>,
    #[serde(default)]
    exams: Vec<Spanned<RawExam>>,
    #[serde(default = "yes")]
    unlocks_next: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReading {
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    #[serde(default)]
    featured_product: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExam {
    bank: Spanned<String>,
    pass: Spanned<i64>,
    minutes: Option<Spanned<i64>>,
}

/// Parses and validates one program file's text; `banks` are the slugs of
/// the banks loaded, which its exams must name.
pub fn parse(source: &str, banks: &[&str]) -> Result<Program, Vec<Problem>> {
    let mut problems = Problems {
        source,
        list: Vec::new(),
    };
    let Some(raw) = problems.read::<RawFile>() else {
        return Err(problems.list);
    };
    let header = raw.program;
    problems.slug(&header.slug, "program.slug");
    let title = title(&header.title, "program.title", &mut problems);
    let title_en = header
        .title_en
        .map(|t| self::title(&t, "program.title_en", &mut problems));
    if raw.weeks.is_empty() || raw.weeks.len() > MAX_WEEKS {
        problems.add(
            0..0,
            "weeks",
            format!("a program needs 1–{MAX_WEEKS} [[weeks]] entries"),
        );
    }
    let weeks: Vec<Week> = raw
        .weeks
        .into_iter()
        .map(|w| week(w.into_inner(), banks, &mut problems))
        .collect();
    if problems.list.is_empty() {
        Ok(Program {
            slug: header.slug.into_inner(),
            title,
            title_en,
            weeks,
        })
    } else {
        Err(problems.list)
    }
}

fn title(raw: &Spanned<String>, field: &str, p: &mut Problems) -> String {
    let text = raw.get_ref().trim().to_string();
    if text.is_empty() || char_len(&text) > MAX_TITLE {
        p.add(
            raw.span(),
            field,
            format!("must be 1–{MAX_TITLE} characters"),
        );
    }
    text
}

fn week(w: RawWeek, banks: &[&str], p: &mut Problems) -> Week {
    let title = title(&w.title, "weeks.title", p);
    let title_en = w.title_en.map(|t| self::title(&t, "weeks.title_en", p));
    let goals: Vec<String> = w
        .goals
        .get_ref()
        .iter()
        .map(|g| {
            let text = g.get_ref().trim().to_string();
            if text.is_empty() || char_len(&text) > MAX_GOAL {
                p.add(
                    g.span(),
                    "weeks.goals",
                    format!("each goal must be 1–{MAX_GOAL} characters"),
                );
            }
            text
        })
        .collect();
    if goals.is_empty() || goals.len() > MAX_GOALS {
        p.add(
            w.goals.span(),
            "weeks.goals",
            format!("list 1–{MAX_GOALS} goals"),
        );
    }
    let goals_en = w.goals_en.map_or_else(Vec::new, |g| {
        if g.get_ref().len() != goals.len() {
            p.add(
                g.span(),
                "weeks.goals_en",
                "give one English goal per goal, in the same order",
            );
        }
        g.into_inner()
            .into_iter()
            .map(|s| s.trim().to_string())
            .collect()
    });
    let reading = w.reading.map_or_else(Reading::default, |r| Reading {
        categories: r
            .categories
            .iter()
            .filter_map(|c| {
                let category = Category::parse(c.get_ref());
                if category.is_none() {
                    p.add(c.span(), "weeks.reading.categories", unknown_category());
                }
                category
            })
            .collect(),
        featured_product: r.featured_product,
    });
    if w.exams.len() > MAX_EXAMS {
        p.add(
            w.title.span(),
            "weeks.exams",
            format!("at most {MAX_EXAMS} exams a week"),
        );
    }
    let exams = w
        .exams
        .iter()
        .map(|e| exam(e.get_ref(), banks, p))
        .collect();
    Week {
        title,
        title_en,
        goals,
        goals_en,
        reading,
        exams,
        unlocks_next: w.unlocks_next,
    }
}

fn exam(e: &RawExam, banks: &[&str], p: &mut Problems) -> WeekExam {
    let bank = e.bank.get_ref();
    if !is_slug(bank) {
        p.add(
            e.bank.span(),
            "weeks.exams.bank",
            "name a bank by its slug (a-z, 0-9, '-')",
        );
    } else if !banks.contains(&bank.as_str()) {
        p.add(
            e.bank.span(),
            "weeks.exams.bank",
            format!("no bank '{bank}' is loaded (known: {})", banks.join(", ")),
        );
    }
    let pass = u8::try_from(*e.pass.get_ref()).ok().filter(|v| *v <= 100);
    if pass.is_none() {
        p.add(
            e.pass.span(),
            "weeks.exams.pass",
            "a pass mark is a score from 0 to 100",
        );
    }
    let minutes = e.minutes.as_ref().map_or(DEFAULT_MINUTES, |m| {
        let value = *m.get_ref();
        if !MINUTES.contains(&value) {
            p.add(
                m.span(),
                "weeks.exams.minutes",
                format!(
                    "a time limit is {}–{} minutes",
                    MINUTES.start(),
                    MINUTES.end()
                ),
            );
        }
        u16::try_from(value).unwrap_or(DEFAULT_MINUTES)
    });
    WeekExam {
        bank: e.bank.get_ref().clone(),
        pass: pass.unwrap_or(100),
        minutes,
    }
}

fn unknown_category() -> String {
    let known = Category::ALL
        .iter()
        .map(|c| c.key())
        .collect::<Vec<_>>()
        .join(", ");
    format!("unknown category; use one of {known}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANKS: &[&str] = &["pre-sale", "in-sale", "after-sale"];

    const GOOD: &str = r#"
[program]
slug = "two-weeks"
title = "两周试用"

[[weeks]]
title = "产品与常见问题"
goals = ["说清主推商品的卖点", "答好售前常见问题"]
goals_en = ["Explain the featured product", "Answer common pre-sale questions"]
reading = { categories = ["quality", "price"], featured_product = true }
exams = [{ bank = "pre-sale", pass = 60 }]

[[weeks]]
title = "售后与情绪"
goals = ["安抚着急的顾客"]
exams = [{ bank = "after-sale", pass = 70, minutes = 45 }, { bank = "in-sale", pass = 50 }]
unlocks_next = false
"#;

    #[test]
    fn a_valid_program_parses_with_its_weeks() {
        let program = parse(GOOD, BANKS).expect("valid");
        assert_eq!(program.slug, "two-weeks");
        assert_eq!(program.weeks.len(), 2);
        let first = &program.weeks[0];
        assert_eq!(
            first.reading.categories,
            vec![Category::Quality, Category::Price]
        );
        assert!(first.reading.featured_product && first.unlocks_next);
        assert_eq!(first.exams[0].bank, "pre-sale");
        assert_eq!(first.exams[0].pass, 60);
        assert_eq!(first.exams[0].minutes, 30, "the default time limit");
        assert_eq!(program.weeks[1].exams.len(), 2);
        assert_eq!(program.weeks[1].exams[0].minutes, 45);
        assert!(!program.weeks[1].unlocks_next);
    }

    #[test]
    fn every_problem_is_reported_with_line_and_field() {
        let bad = GOOD
            .replace("slug = \"two-weeks\"", "slug = \"Two Weeks\"")
            .replace("\"quality\", \"price\"", "\"quality\", \"prices\"")
            .replace("pass = 60", "pass = 160")
            .replace("bank = \"in-sale\"", "bank = \"mid-sale\"")
            .replace("minutes = 45", "minutes = 2")
            .replace("goals = [\"安抚着急的顾客\"]", "goals = []")
            .replace(", \"Answer common pre-sale questions\"", "");
        let problems = parse(&bad, BANKS).expect_err("invalid");
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        for expected in [
            (3, "program.slug"),
            (9, "weeks.goals_en"),
            (10, "weeks.reading.categories"),
            (11, "weeks.exams.pass"),
            (15, "weeks.goals"),
            (16, "weeks.exams.bank"),
            (16, "weeks.exams.minutes"),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
    }

    #[test]
    fn a_syntax_error_or_unknown_field_names_its_line() {
        let problems = parse(
            &GOOD.replace("unlocks_next = false", "unlock = false"),
            BANKS,
        )
        .expect_err("unknown field");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 17, "{problems:?}");
        assert_eq!(problems[0].field, "unlock");
        let problems = parse("[program]\nslug = \"x\"\ntitle = ", BANKS).expect_err("syntax");
        assert_eq!(problems[0].line, 3);
    }

    #[test]
    fn a_program_needs_weeks() {
        let problems =
            parse("[program]\nslug = \"x\"\ntitle = \"空\"\n", BANKS).expect_err("no weeks");
        assert_eq!(problems[0].field, "weeks");
    }

    #[test]
    fn the_shipped_four_week_program_is_valid() {
        let text = include_str!("../../exams/programs/four-weeks.toml");
        let shipped = ["pre-sale", "in-sale", "after-sale", "scenarios"];
        let program = parse(text, &shipped).expect("the shipped program parses");
        assert_eq!(program.weeks.len(), 4);
        assert!(program.weeks.iter().all(|w| !w.exams.is_empty()));
    }
}
