//! Logging in and out, the language switch, and the admin's user management.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::auth::{self, Form};
use super::i18n::{Catalog, DEFAULT_LANG};
use super::render::{redirect, Ctx};
use crate::db::{self, users};
use crate::domain::login;
use crate::domain::types::{DisplayName, NewPassword, Role, Username};
use crate::error::AppError;

#[derive(serde::Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only local paths: `next` must never send a user to another site.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

pub async fn login_form(ctx: Ctx, q: web::Query<Next>) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(redirect("/"));
    }
    ctx.render(
        "login",
        json!({ "next": safe_next(q.next.as_deref().unwrap_or("/")) }),
    )
}

pub async fn login(ctx: Ctx, form: Form) -> Result<HttpResponse, AppError> {
    let name = form.text("username").trim().to_lowercase();
    let password = form.text("password").to_string();
    let next = safe_next(form.text("next")).to_string();
    let now = db::now_ms();
    let key = name.clone();
    let (failures, row) = ctx
        .db(move |conn| {
            Ok((
                users::failures(conn, &key)?,
                users::find_by_username(conn, &key)?,
            ))
        })
        .await?;
    if let Some((count, last)) = failures {
        let wait_secs = login::wait_secs(count, last, now);
        if wait_secs > 0 {
            return Err(AppError::TooManyAttempts { wait_secs });
        }
    }
    // Verify against a decoy hash for unknown users: the answer takes as long either way.
    let hash = row
        .as_ref()
        .map_or(ctx.state.dummy_hash.clone(), |r| r.password_hash.clone());
    let ok = web::block(move || auth::verify_password(&password, &hash)).await?;
    let user = match (ok, row) {
        (true, Some(row)) if row.active => Some(row.user()?),
        _ => None,
    };
    let Some(user) = user else {
        ctx.db(move |conn| Ok(users::record_failure(conn, &name, now)?))
            .await?;
        let page = ctx.render("login", json!({ "next": next, "username": form.text("username"), "error": ctx.t("login.failed") }))?;
        return Ok(with_status(page, StatusCode::UNAUTHORIZED));
    };
    ctx.db(move |conn| Ok(users::clear_failures(conn, &name)?))
        .await?;
    ctx.log_in(&user)?;
    Ok(redirect(&next))
}

pub fn with_status(mut res: HttpResponse, status: StatusCode) -> HttpResponse {
    *res.status_mut() = status;
    res
}

pub async fn logout(ctx: Ctx, _form: Form) -> Result<HttpResponse, AppError> {
    ctx.session.purge();
    Ok(redirect("/login"))
}

pub async fn switch_lang(ctx: Ctx, form: Form, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let lang = Catalog::lang(form.text("lang"));
    ctx.set_lang(lang)?;
    if let Some(user) = &ctx.user {
        let id = user.id;
        ctx.db(move |conn| Ok(users::set_lang(conn, id, lang)?))
            .await?;
    }
    let back = req
        .headers()
        .get("Referer")
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|at| rest[at..].to_string()))
        .unwrap_or_else(|| "/".to_string());
    Ok(redirect(safe_next(&back)))
}

pub async fn list(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Admin)?;
    let users = ctx.db(|conn| Ok(users::list(conn)?)).await?;
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
    ctx.render("admin/users", json!({ "users": users, "roles": roles }))
}

pub async fn create(ctx: Ctx, form: Form) -> Result<HttpResponse, AppError> {
    ctx.require(Role::Admin)?;
    let username = Username::parse(form.text("username"))?;
    let display_name = DisplayName::parse(form.text("display_name"))?;
    let password = NewPassword::parse(form.text("password"))?;
    let role = Role::parse(form.text("role")).ok_or(crate::domain::types::Invalid::Role)?;
    let hash = web::block(move || auth::hash_password(password.as_str())).await??;
    let name = username.as_str().to_string();
    let created = ctx
        .db(move |conn| {
            let new = users::NewUser {
                username: username.as_str(),
                display_name: display_name.as_str(),
                password_hash: &hash,
                role,
                lang: DEFAULT_LANG,
            };
            Ok(users::create(conn, &new)?)
        })
        .await?;
    if created.is_none() {
        return Err(AppError::Refused {
            status: StatusCode::CONFLICT,
            key: "users.taken",
            args: vec![("name", name)],
        });
    }
    ctx.flash("users.created", &[("name", name)]);
    Ok(redirect("/admin/users"))
}

/// One form per action on a user row: disable, enable, reset (password) or role.
pub async fn update(ctx: Ctx, form: Form, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let me = ctx.require(Role::Admin)?.id;
    let id = path.into_inner();
    let action = form.text("action").to_string();
    let new_hash = match action.as_str() {
        "reset" => {
            let password = NewPassword::parse(form.text("password"))?;
            Some(web::block(move || auth::hash_password(password.as_str())).await??)
        }
        _ => None,
    };
    let role = Role::parse(form.text("role"));
    ctx.db(move |conn| {
        let target = users::find(conn, id)?.ok_or(AppError::NotFound)?;
        let removes_admin = target.role == Role::Admin
            && (action == "disable" || (action == "role" && role != Some(Role::Admin)));
        if removes_admin && (id == me || users::active_admins(conn)? <= 1) {
            return Err(AppError::refused(StatusCode::CONFLICT, "users.last_admin"));
        }
        match (action.as_str(), &new_hash, role) {
            ("disable", _, _) => users::set_active(conn, id, false)?,
            ("enable", _, _) => users::set_active(conn, id, true)?,
            ("reset", Some(hash), _) => users::set_password(conn, id, hash)?,
            ("role", _, Some(role)) => users::set_role(conn, id, role)?,
            _ => return Err(AppError::bad_request()),
        };
        Ok(())
    })
    .await?;
    ctx.flash("users.updated", &[]);
    Ok(redirect("/admin/users"))
}
