//! The message catalog: one TOML file per language under `i18n/`, embedded in the
//! binary. Adding a language is adding a file and a line in `LANGS`.

use std::collections::HashMap;

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason,
};

/// Languages offered, default first.
pub const LANGS: &[(&str, &str)] = &[
    ("zh-CN", include_str!("../../i18n/zh-CN.toml")),
    ("en", include_str!("../../i18n/en.toml")),
];

pub const DEFAULT_LANG: &str = "zh-CN";

pub struct Catalog {
    messages: HashMap<String, HashMap<String, String>>,
}

impl Catalog {
    pub fn load() -> anyhow::Result<Self> {
        let mut messages = HashMap::new();
        for (lang, source) in LANGS {
            let table: toml::Table = toml::from_str(source)?;
            let mut flat = HashMap::new();
            flatten("", &table, &mut flat);
            messages.insert(lang.to_string(), flat);
        }
        Ok(Self { messages })
    }

    /// A known language code, or the default.
    pub fn lang(code: &str) -> &'static str {
        LANGS
            .iter()
            .map(|(l, _)| *l)
            .find(|l| *l == code)
            .unwrap_or(DEFAULT_LANG)
    }

    /// The message in `lang`, falling back to the default language, then the key.
    pub fn get(&self, lang: &str, key: &str) -> String {
        self.message(lang, key).to_string()
    }

    /// The message as stored: in `lang`, else in the default language, else
    /// the key itself (so a missing message shows, and a test can catch it).
    fn message<'a>(&'a self, lang: &str, key: &'a str) -> &'a str {
        self.messages
            .get(lang)
            .and_then(|m| m.get(key))
            .or_else(|| self.messages.get(DEFAULT_LANG).and_then(|m| m.get(key)))
            .map_or(key, String::as_str)
    }

    /// The message with `{name}` placeholders filled in.
    /// A script sheet's problem in `lang`: what is wrong, with the script it
    /// is about (its number and question); the line, if any, is the caller's.
    pub fn sheet_problem(&self, lang: &str, p: &crate::domain::sheet::SheetProblem) -> String {
        let message = self.format(lang, p.key, &p.args);
        match &p.row {
            Some((n, question)) => self.format(
                lang,
                "sheet.row",
                &[
                    ("n", n.to_string()),
                    ("question", question.clone()),
                    ("message", message),
                ],
            ),
            None => message,
        }
    }

    /// A script's group in a chat workbench's quick replies: its category's
    /// Chinese name ("发货/物流"), or 通用 — the workbenches are Chinese.
    pub fn quick_reply_group(&self, category: &str) -> String {
        match crate::domain::types::Category::parse(category) {
            Some(c) => self.format("zh-CN", &format!("category.{}", c.key()), &[]),
            None => "通用".into(),
        }
    }

    pub fn format(&self, lang: &str, key: &str, args: &[(&str, String)]) -> String {
        args.iter()
            .fold(self.get(lang, key), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    pub fn keys(&self, lang: &str) -> Vec<&str> {
        self.messages
            .get(lang)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

/// The language the page is rendered in (`@root.lang`).
fn page_lang(ctx: &Context) -> &str {
    ctx.data()
        .get("lang")
        .and_then(|l| l.as_str())
        .unwrap_or(DEFAULT_LANG)
}

/// `{{t "key"}}`, `{{t value prefix="scene."}}`, `{{t "key" n=3}}`: looks the message up
/// in the page's language (`@root.lang`) and escapes it.
pub struct TranslateHelper(pub std::sync::Arc<Catalog>);

impl HelperDef for TranslateHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let key = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let prefix = h
            .hash_get("prefix")
            .and_then(|p| p.value().as_str())
            .unwrap_or("");
        let lang = page_lang(ctx);
        let key = if prefix.is_empty() {
            std::borrow::Cow::Borrowed(key)
        } else {
            std::borrow::Cow::Owned(format!("{prefix}{key}"))
        };
        let args: Vec<(&str, String)> = h
            .hash()
            .iter()
            .filter(|(name, _)| **name != "prefix")
            .map(|(name, v)| {
                let value = v
                    .value()
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.value().to_string());
                (*name, value)
            })
            .collect();
        // Most messages have no placeholders: escaped straight from the catalog.
        let escaped = if args.is_empty() {
            handlebars::html_escape(self.0.message(lang, &key))
        } else {
            handlebars::html_escape(&self.0.format(lang, &key, &args))
        };
        out.write(&escaped)?;
        Ok(())
    }
}

/// `{{masked text}}`: a mined text, escaped, with its personal-data
/// placeholders (`{手机号}` …) in the page's language.
pub struct MaskedHelper(pub std::sync::Arc<Catalog>);

impl HelperDef for MaskedHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let text = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("masked", 0))?;
        let lang = page_lang(ctx);
        let mut shown = text.to_string();
        if lang != DEFAULT_LANG && shown.contains('{') {
            for (placeholder, name) in crate::domain::mining::mask::PLACEHOLDER_NAMES {
                if shown.contains(placeholder) {
                    let label = self.0.format(lang, &format!("mask.{name}"), &[]);
                    shown = shown.replace(placeholder, &label);
                }
            }
        }
        out.write(&handlebars::html_escape(&shown))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key_of_the_default() {
        let catalog = Catalog::load().expect("catalog parses");
        let mut default: Vec<&str> = catalog.keys(DEFAULT_LANG);
        default.sort_unstable();
        for (lang, _) in LANGS {
            let missing: Vec<&&str> = default
                .iter()
                .filter(|k| !catalog.keys(lang).contains(k))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn every_key_the_pages_and_handlers_name_is_in_the_catalog() {
        let catalog = Catalog::load().expect("catalog parses");
        let known = catalog.keys(DEFAULT_LANG);
        // Keys as templates name them ({{t "key"}}, (t "key")) and as handlers
        // pass them (flash, refusals, ctx.t, error keys).
        let template = regex::Regex::new(r#"[{(]t "([^"]+)""#).expect("regex");
        let handler = regex::Regex::new(r#"(?:flash|refused|\.t|key:|TITLE: &'static str =)\(?\s*(?:StatusCode::[A-Z_]+,\s*)?"([a-z_]+\.[a-z_.0-9]+)""#)
            .expect("regex");
        let mut missing = Vec::new();
        let mut scan = |dir: &str, ext: &str, pattern: &regex::Regex| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let mut stack = vec![root];
            while let Some(path) = stack.pop() {
                for entry in std::fs::read_dir(&path).expect("dir").flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|e| e == ext) {
                        let text = std::fs::read_to_string(&p).expect("file");
                        for c in pattern.captures_iter(&text) {
                            if !known.contains(&&c[1]) {
                                missing.push(format!("{}: {}", p.display(), &c[1]));
                            }
                        }
                    }
                }
            }
        };
        scan("templates", "hbs", &template);
        scan("src", "rs", &handler);
        assert!(missing.is_empty(), "not in the catalog: {missing:#?}");
    }

    #[test]
    fn placeholders_are_filled_and_unknown_languages_fall_back() {
        let catalog = Catalog::load().expect("catalog parses");
        let text = catalog.format(
            "xx",
            "invalid.answer_too_long",
            &[("len", "9".into()), ("max", "5".into())],
        );
        assert!(text.contains('9') && text.contains('5'), "{text}");
        assert_eq!(Catalog::lang("fr"), DEFAULT_LANG);
    }
}
