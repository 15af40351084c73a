//! The training programs (`/programs`): each week of each program loaded at
//! start (`exams/programs/*.toml`, or the shipped four-week path), with its
//! goals, its reading and the exams that pass it, in the reader's language.

use actix_web::HttpResponse;
use serde::Serialize;

use super::render::{Page, Trainee};
use crate::app::banks::{BankFile, ProgramFile};
use crate::domain::program::{Program, Week};
use crate::error::AppError;

pub async fn list(Trainee { ctx, .. }: Trainee) -> Result<HttpResponse, AppError> {
    let loaded = ctx.state.loaded_banks();
    let english = ctx.lang == "en";
    ctx.render(&ProgramsPage::of(&loaded.programs, &loaded.files, english))
}

#[derive(Serialize)]
pub(super) struct ProgramsPage {
    programs: Vec<Shown>,
}

#[derive(Serialize)]
struct Shown {
    slug: String,
    title: String,
    weeks: Vec<ShownWeek>,
}

#[derive(Serialize)]
struct ShownWeek {
    number: usize,
    title: String,
    goals: Vec<String>,
    categories: Vec<&'static str>,
    featured_product: bool,
    exams: Vec<ShownExam>,
    unlocks_next: bool,
    last: bool,
}

#[derive(Serialize)]
struct ShownExam {
    bank: String,
    pass: u8,
}

impl ProgramsPage {
    fn of(programs: &[ProgramFile], banks: &[BankFile], english: bool) -> Self {
        let bank_title = |slug: &str| {
            banks
                .iter()
                .filter_map(|f| f.bank.as_ref())
                .find(|b| b.slug == slug)
                .map_or(slug.to_string(), |b| match (&b.title_en, english) {
                    (Some(en), true) => en.clone(),
                    _ => b.title.clone(),
                })
        };
        let shown = |p: &Program| Shown {
            slug: p.slug.clone(),
            title: in_language(&p.title, p.title_en.as_ref(), english),
            weeks: p
                .weeks
                .iter()
                .enumerate()
                .map(|(i, w)| ShownWeek::of(i, w, p.weeks.len(), english, &bank_title))
                .collect(),
        };
        ProgramsPage {
            programs: programs
                .iter()
                .filter_map(|f| f.program.as_ref())
                .map(shown)
                .collect(),
        }
    }
}

impl ShownWeek {
    fn of(
        i: usize,
        w: &Week,
        weeks: usize,
        english: bool,
        bank_title: &dyn Fn(&str) -> String,
    ) -> Self {
        ShownWeek {
            number: i + 1,
            title: in_language(&w.title, w.title_en.as_ref(), english),
            goals: if english && !w.goals_en.is_empty() {
                w.goals_en.clone()
            } else {
                w.goals.clone()
            },
            categories: w.reading.categories.iter().map(|c| c.key()).collect(),
            featured_product: w.reading.featured_product,
            exams: w
                .exams
                .iter()
                .map(|e| ShownExam {
                    bank: bank_title(&e.bank),
                    pass: e.pass,
                })
                .collect(),
            unlocks_next: w.unlocks_next,
            last: i + 1 == weeks,
        }
    }
}

/// The English text when the reader reads English and there is one.
pub(super) fn in_language(zh: &str, en: Option<&String>, english: bool) -> String {
    match en {
        Some(en) if english => en.clone(),
        _ => zh.to_string(),
    }
}

impl Page for ProgramsPage {
    const TEMPLATE: &'static str = "programs";
    const TITLE: &'static str = "programs.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let banks = crate::app::banks::load_builtin();
    let programs = crate::app::banks::load_builtin_programs(&banks);
    out.add(&ProgramsPage::of(&programs, &banks, false));
    out.add(&ProgramsPage::of(&programs, &banks, true));
    out.add(&ProgramsPage::of(&[], &banks, false));
}
