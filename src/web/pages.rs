//! The test that every template renders from its page model. Each handler
//! module declares its pages (structs implementing `render::Page`) next to
//! the handlers that fill them, and a `samples` function with one filled
//! value of each, every list holding at least one element so that strict
//! mode checks what the template reads inside its loops.

#[cfg(test)]
pub(crate) use harness::Samples;

use serde::Serialize;

use crate::db::columns::{ExamId, ExamStatus};
use crate::db::exams::{ExamRow, Item};

/// An exam as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct ExamView {
    pub id: ExamId,
    pub title: String,
    pub time_limit_min: i32,
    pub pass_mark: i32,
    pub status: ExamStatus,
}

impl ExamView {
    pub fn of(exam: &ExamRow) -> ExamView {
        ExamView {
            id: exam.id,
            title: exam.title.clone(),
            time_limit_min: exam.time_limit_min,
            pass_mark: exam.pass_mark,
            status: exam.status,
        }
    }

    #[cfg(test)]
    pub fn sample() -> ExamView {
        ExamView {
            id: ExamId(1),
            title: "售后处理".into(),
            time_limit_min: 30,
            pass_mark: 60,
            status: ExamStatus::Closed,
        }
    }
}

/// A question of an exam as pages show it (the references only where a page
/// shows them, beside it).
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: crate::db::columns::ItemId,
    pub position: i32,
    pub scene: String,
    pub category: String,
    pub prompt: String,
}

impl ItemView {
    pub fn of(item: &Item) -> ItemView {
        ItemView {
            id: item.id,
            position: item.position,
            scene: item.scene.clone(),
            category: item.category.clone(),
            prompt: item.prompt.clone(),
        }
    }

    #[cfg(test)]
    pub fn sample() -> ItemView {
        ItemView {
            id: crate::db::columns::ItemId(3),
            position: 1,
            scene: "after_sale".into(),
            category: "refund".into(),
            prompt: "退款什么时候到账？".into(),
        }
    }
}

#[cfg(test)]
mod harness {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use crate::db::users::User;
    use crate::domain::types::Role;
    use crate::web::i18n::{Catalog, LANGS};
    use crate::web::render::{render_in_layout, Me, Page};

    pub(crate) struct Samples {
        hb: handlebars::Handlebars<'static>,
        lead: User,
        /// Template, language and what rendering gave.
        pub rendered: Vec<(&'static str, &'static str, Result<String, String>)>,
    }

    impl Samples {
        fn new() -> Samples {
            let catalog = Arc::new(Catalog::load().expect("catalog"));
            Samples {
                hb: crate::web::handlebars(catalog).expect("templates"),
                lead: User {
                    id: 1,
                    username: "lina".into(),
                    display_name: "李娜".into(),
                    role: Role::Lead,
                    active: true,
                    lang: "zh-CN".into(),
                },
                rendered: Vec::new(),
            }
        }

        /// Renders `page` in every language, signed in and (for the layout's
        /// other branch) not.
        pub fn add<P: Page>(&mut self, page: &P) {
            for (lang, _) in LANGS {
                for me in [Some(Me::of(&self.lead)), None] {
                    let flash = Some("已保存".to_string());
                    let out = render_in_layout(&self.hb, page, lang, "token", flash, me)
                        .map_err(|e| e.to_string());
                    self.rendered.push((P::TEMPLATE, lang, out));
                }
            }
        }
    }

    /// Template names that are pages (not the layout, partials or the error page).
    fn page_templates() -> BTreeSet<String> {
        fn walk(dir: &include_dir::Dir, out: &mut BTreeSet<String>) {
            for file in dir.files() {
                let name = file
                    .path()
                    .with_extension("")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = file.contents_utf8().unwrap_or_default();
                if text.starts_with("{{#> layout}}") {
                    out.insert(name);
                }
            }
            for sub in dir.dirs() {
                walk(sub, out);
            }
        }
        let mut out = BTreeSet::new();
        walk(&crate::web::TEMPLATES, &mut out);
        out
    }

    #[test]
    fn every_template_renders_from_its_page_model_in_strict_mode() {
        let mut samples = Samples::new();
        crate::web::accounts::samples(&mut samples);
        crate::web::setup::samples(&mut samples);
        crate::web::exams::samples(&mut samples);
        crate::web::home::samples(&mut samples);
        crate::web::attempts::samples(&mut samples);
        crate::web::imports::samples(&mut samples);
        crate::web::library::samples(&mut samples);
        crate::web::questions::samples(&mut samples);
        crate::web::rankings::samples(&mut samples);
        crate::web::review::samples(&mut samples);
        crate::web::rubric::samples(&mut samples);
        crate::web::profile::samples(&mut samples);
        crate::web::featured::samples(&mut samples);
        crate::web::weights::samples(&mut samples);
        crate::web::learned::samples(&mut samples);
        crate::web::programs::samples(&mut samples);
        crate::web::cohorts::samples(&mut samples);
        crate::web::dashboard::samples(&mut samples);
        crate::web::digest::samples(&mut samples);
        crate::web::weekly::samples(&mut samples);
        crate::web::service::samples(&mut samples);
        let failed: Vec<String> = samples
            .rendered
            .iter()
            .filter_map(|(t, lang, out)| out.as_ref().err().map(|e| format!("{t} ({lang}): {e}")))
            .collect();
        assert!(failed.is_empty(), "{failed:#?}");
        let covered: BTreeSet<String> = samples
            .rendered
            .iter()
            .map(|(t, ..)| t.to_string())
            .collect();
        let pages = page_templates();
        let missing: Vec<&String> = pages.difference(&covered).collect();
        assert!(
            missing.is_empty(),
            "templates without a sample: {missing:?}"
        );
    }

    #[test]
    fn a_final_score_of_zero_is_shown_as_zero() {
        let mut samples = Samples::new();
        crate::web::attempts::samples(&mut samples);
        crate::web::review::samples(&mut samples);
        let shown = |template: &str, needle: &str| {
            samples
                .rendered
                .iter()
                .filter(|(t, ..)| *t == template)
                .filter_map(|(.., out)| out.as_ref().ok())
                .any(|html| html.contains(needle))
        };
        // Scores carry one decimal everywhere, so zero reads "0.0".
        assert!(shown(
            "review/round",
            "<strong class=\"final\">0.0</strong>"
        ));
        assert!(shown("attempts/result", "最终得分: 0.0</strong>"));
        assert!(!shown("attempts/result", "最终得分: —"));
    }

    #[test]
    fn a_field_the_model_lacks_fails_the_render() {
        #[derive(serde::Serialize)]
        struct Renamed {
            nxt: &'static str,
            username: &'static str,
            error: Option<String>,
        }
        impl Page for Renamed {
            const TEMPLATE: &'static str = "login";
            const TITLE: &'static str = "login.title";
        }
        let mut samples = Samples::new();
        samples.add(&Renamed {
            nxt: "/",
            username: "",
            error: None,
        });
        assert!(samples.rendered.iter().all(|(.., out)| out.is_err()));
    }
}
