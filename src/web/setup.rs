//! The one-time "create the first admin" page of an empty installation.

use actix_web::{web, HttpResponse};
use std::sync::atomic::Ordering;

use super::auth::Form;
use super::i18n::DEFAULT_LANG;
use super::render::{redirect, Ctx, Page};
use crate::app::passwords;
use crate::db::users::{self, NewUser};
use crate::domain::types::{DisplayName, NewPassword, Role, Username};
use crate::error::AppError;

pub async fn form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    if ctx.state.setup_done.load(Ordering::Relaxed) {
        return Ok(redirect("/"));
    }
    ctx.render(&SetupPage {})
}

pub async fn create(ctx: Ctx, form: Form) -> Result<HttpResponse, AppError> {
    if ctx.state.setup_done.load(Ordering::Relaxed) {
        return Ok(redirect("/"));
    }
    let username = Username::parse(form.text("username"))?;
    let display_name = DisplayName::parse(form.text("display_name"))?;
    let password = NewPassword::parse(form.text("password"), username.as_str())?;
    let hash = web::block(move || passwords::hash_password(password.as_str())).await??;
    let created = ctx
        .db(move |conn| {
            let new = NewUser {
                username: username.as_str(),
                display_name: display_name.as_str(),
                password_hash: &hash,
                role: Role::Admin,
                lang: DEFAULT_LANG,
            };
            let id = users::create_first_admin(conn, &new)?;
            Ok(match id {
                Some(id) => users::find(conn, id)?,
                None => None,
            })
        })
        .await?;
    ctx.state.setup_done.store(true, Ordering::Relaxed);
    if let Some(user) = created {
        ctx.log_in(&user).await?;
        ctx.flash("setup.done", &[]);
    }
    Ok(redirect("/"))
}

/// The form has nothing to fill in from the server.
#[derive(serde::Serialize)]
struct SetupPage {}

impl Page for SetupPage {
    const TEMPLATE: &'static str = "setup";
    const TITLE: &'static str = "setup.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    out.add(&SetupPage {});
}
