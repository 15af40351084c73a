//! Pages in the layout: a page's model rendered by its template, then the
//! layout (header, navigation, flash message) around the HTML it gave.

use serde::Serialize;

use super::i18n::LANGS;
use crate::db::users::User;
use crate::domain::types::Role;
use crate::error::AppError;

/// A page's model: the one value its template reads, so a field the template
/// names and the model lacks is a render error (strict mode), not a blank.
pub trait Page: Serialize {
    const TEMPLATE: &'static str;
    /// Message key of the page's name in the browser's tab.
    const TITLE: &'static str;
}

/// What a page's template reads: the page's own model, and what forms and
/// messages need (the language, the CSRF token, who is signed in).
#[derive(Serialize)]
struct InPage<'a, P: Serialize> {
    #[serde(flatten)]
    page: &'a P,
    lang: &'static str,
    csrf: &'a str,
    me: Option<&'a Me<'a>>,
}

/// What the layout around every page reads: the page already rendered, so
/// the page's model is serialised once and never copied into a partial's
/// context (handlebars copies the whole context for each partial it expands,
/// which was a tenth of a page's CPU).
#[derive(Serialize)]
struct Frame<'a> {
    content: &'a str,
    title_key: &'static str,
    lang: &'static str,
    csrf: &'a str,
    flash: Option<String>,
    langs: Vec<&'static str>,
    me: Option<&'a Me<'a>>,
}

/// The signed-in user as the layout shows them.
#[derive(Serialize)]
pub struct Me<'a> {
    display_name: &'a str,
    role: &'static str,
    is_lead: bool,
    is_admin: bool,
}

impl<'a> Me<'a> {
    pub fn of(user: &'a User) -> Me<'a> {
        Me {
            display_name: &user.display_name,
            role: user.role.key(),
            is_lead: user.role >= Role::Lead,
            is_admin: user.role == Role::Admin,
        }
    }
}

pub(crate) fn render_in_layout<P: Page>(
    hb: &handlebars::Handlebars<'static>,
    page: &P,
    lang: &'static str,
    csrf: &str,
    flash: Option<String>,
    me: Option<Me>,
) -> Result<String, AppError> {
    let me = me.as_ref();
    let content = hb
        .render(
            P::TEMPLATE,
            &InPage {
                page,
                lang,
                csrf,
                me,
            },
        )
        .map_err(|e| anyhow::anyhow!("template {}: {e}", P::TEMPLATE))?;
    let frame = Frame {
        content: &content,
        title_key: P::TITLE,
        lang,
        csrf,
        flash,
        langs: LANGS.iter().map(|(l, _)| *l).collect(),
        me,
    };
    Ok(hb
        .render("layout", &frame)
        .map_err(|e| anyhow::anyhow!("template layout: {e}"))?)
}
