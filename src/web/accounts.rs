//! Logging in and out, the language switch, and the admin's user management.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::auth::Form;
use super::i18n::{Catalog, DEFAULT_LANG};
use super::render::{redirect, Admin, Ctx, FormRefusal, Page};
use crate::app::passwords;
use crate::db::{self, sessions, throttle, users};
use crate::domain::login;
use crate::domain::types::{DisplayName, NewPassword, Role, Username};
use crate::error::AppError;

#[derive(serde::Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn login_form(ctx: Ctx, q: web::Query<Next>) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(redirect("/"));
    }
    ctx.render(&LoginPage {
        next: login::local_path(q.next.as_deref().unwrap_or("/")),
        username: "",
        error: None,
    })
}

pub async fn login(ctx: Ctx, form: Form, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let typed = form.text("username").to_string();
    let next = login::local_path(form.text("next")).to_string();
    let refuse = |key: &str, secs: i64, status: StatusCode| -> Result<HttpResponse, AppError> {
        let error = ctx
            .state
            .catalog
            .format(ctx.lang, key, &[("secs", secs.to_string())]);
        let page = ctx.render(&LoginPage {
            next: &next,
            username: &typed,
            error: Some(error),
        })?;
        Ok(with_status(page, status))
    };
    // A name that could never be an account is refused before anything is
    // stored: the throttle keeps rows for well-formed names only.
    let Ok(name) = Username::parse(&typed) else {
        return refuse("login.failed", 0, StatusCode::UNAUTHORIZED);
    };
    let name = name.as_str().to_string();
    // Behind a proxy every client shares its address; the counter is then per
    // name, which still stops guessing. The address is never trusted from headers.
    let address = req
        .peer_addr()
        .map_or(String::new(), |a| a.ip().to_string());
    let password = form.text("password").to_string();
    let now = db::now_ms();
    let (key, at) = (name.clone(), address.clone());
    let (claim, row) = ctx
        .db(move |conn| {
            let claim = throttle::claim(conn, &key, &at, now)?;
            let row = match claim {
                throttle::Claim::Go => users::find_by_username(conn, &key)?,
                throttle::Claim::Wait { .. } => None,
            };
            Ok((claim, row))
        })
        .await?;
    if let throttle::Claim::Wait { secs } = claim {
        return refuse(
            "error.too_many_attempts",
            secs,
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    // Verify against a decoy hash for unknown users: the answer takes as long either way.
    let hash = row
        .as_ref()
        .map_or(ctx.state.dummy_hash.clone(), |r| r.password_hash.clone());
    let ok = web::block(move || passwords::verify_password(&password, &hash)).await?;
    let user = match (ok, row) {
        (true, Some(row)) if row.active => row.user()?,
        // Told only to whoever knows the password: it says nothing to a guesser.
        (true, Some(_)) => return refuse("login.account_disabled", 0, StatusCode::FORBIDDEN),
        _ => return refuse("login.failed", 0, StatusCode::UNAUTHORIZED),
    };
    ctx.db(move |conn| Ok(throttle::succeeded(conn, &name, &address)?))
        .await?;
    ctx.log_in(&user).await?;
    Ok(redirect(&next))
}

pub fn with_status(mut res: HttpResponse, status: StatusCode) -> HttpResponse {
    *res.status_mut() = status;
    res
}

pub async fn logout(ctx: Ctx, _form: Form) -> Result<HttpResponse, AppError> {
    ctx.log_out().await?;
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
    Ok(redirect(login::local_path(&back)))
}

pub async fn list(Admin { ctx, .. }: Admin) -> Result<HttpResponse, AppError> {
    render_users(&ctx, NewUserForm::default(), None).await
}

/// The users page, with the new-user form blank or as it was sent and its message.
async fn render_users(
    ctx: &Ctx,
    form: NewUserForm,
    refused: Option<FormRefusal>,
) -> Result<HttpResponse, AppError> {
    let now = db::now_ms();
    let (users, blocked) = ctx
        .db(move |conn| Ok((users::list(conn)?, throttle::blocked(conn, now)?)))
        .await?;
    let users = users
        .into_iter()
        .map(|u| UserLine {
            blocked: blocked.contains(&u.username),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.key(),
            active: u.active,
        })
        .collect();
    let (status, error) = match refused {
        Some(r) => (Some(r.status), Some(r.message)),
        None => (None, None),
    };
    let page = UsersPage {
        users,
        roles: Role::ALL.iter().map(|r| r.key()).collect(),
        form,
        error,
    };
    match status {
        Some(status) => ctx.render_refused(&page, status),
        None => ctx.render(&page),
    }
}

pub async fn create(Admin { ctx, .. }: Admin, form: Form) -> Result<HttpResponse, AppError> {
    match add_user(&ctx, &form).await {
        Ok(name) => {
            ctx.flash("users.created", &[("name", name)]);
            Ok(redirect("/admin/users"))
        }
        Err(e) => match ctx.form_message(&e) {
            Some(refused) => render_users(&ctx, NewUserForm::of(&form), Some(refused)).await,
            None => Err(e),
        },
    }
}

/// Creates the account the form describes; its username.
async fn add_user(ctx: &Ctx, form: &Form) -> Result<String, AppError> {
    let username = Username::parse(form.text("username"))?;
    let display_name = DisplayName::parse(form.text("display_name"))?;
    let password = NewPassword::parse(form.text("password"), username.as_str())?;
    let role = Role::parse(form.text("role")).ok_or(crate::domain::types::Invalid::Role)?;
    let hash = web::block(move || passwords::hash_password(password.as_str())).await??;
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
    Ok(name)
}

/// One form per action on a user row: disable, enable, reset (password) or role.
pub async fn update(
    Admin { ctx, me }: Admin,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let id = path.into_inner();
    let action = form.text("action").to_string();
    let new_hash = match action.as_str() {
        "reset" => {
            let target = ctx.db(move |conn| Ok(users::find(conn, id)?)).await?;
            let target = target.ok_or(AppError::NotFound)?;
            let password = NewPassword::parse(form.text("password"), &target.username)?;
            Some(web::block(move || passwords::hash_password(password.as_str())).await??)
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
        // Disabling, a new password and a new role each end the user's
        // sessions: old cookies must not keep the old rights.
        match (action.as_str(), &new_hash, role) {
            ("disable", _, _) => users::set_active(conn, id, false)? + sessions::end_all(conn, id)?,
            ("enable", _, _) => users::set_active(conn, id, true)?,
            ("reset", Some(hash), _) => {
                users::set_password(conn, id, hash)? + sessions::end_all(conn, id)?
            }
            ("role", _, Some(role)) if role != target.role => {
                users::set_role(conn, id, role)? + sessions::end_all(conn, id)?
            }
            ("role", _, Some(_)) => 0,
            ("unblock", _, _) => {
                throttle::clear(conn, &target.username)?;
                1
            }
            _ => return Err(AppError::bad_request()),
        };
        Ok(())
    })
    .await?;
    ctx.flash("users.updated", &[]);
    Ok(redirect("/admin/users"))
}

#[derive(serde::Serialize)]
struct LoginPage<'a> {
    /// Where to go once signed in.
    next: &'a str,
    /// What was typed, kept when the login is refused.
    username: &'a str,
    error: Option<String>,
}

impl Page for LoginPage<'_> {
    const TEMPLATE: &'static str = "login";
    const TITLE: &'static str = "login.title";
}

#[derive(serde::Serialize)]
struct UsersPage {
    users: Vec<UserLine>,
    roles: Vec<&'static str>,
    /// The new-user form as it was sent (never the password).
    form: NewUserForm,
    error: Option<String>,
}

#[derive(serde::Serialize, Default)]
struct NewUserForm {
    username: String,
    display_name: String,
    role: String,
}

impl NewUserForm {
    fn of(form: &Form) -> NewUserForm {
        NewUserForm {
            username: form.text("username").to_string(),
            display_name: form.text("display_name").to_string(),
            role: form.text("role").to_string(),
        }
    }
}

#[derive(serde::Serialize)]
struct UserLine {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    active: bool,
    /// Locked out by the login throttle right now.
    blocked: bool,
}

impl Page for UsersPage {
    const TEMPLATE: &'static str = "admin/users";
    const TITLE: &'static str = "users.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    out.add(&LoginPage {
        next: "/exams/1",
        username: "wang",
        error: Some("wrong".into()),
    });
    out.add(&UsersPage {
        users: vec![UserLine {
            id: 2,
            username: "wang".into(),
            display_name: "王芳".into(),
            role: "trainee",
            active: true,
            blocked: true,
        }],
        roles: vec!["trainee", "lead"],
        form: NewUserForm {
            username: "wang".into(),
            display_name: "王芳".into(),
            role: "lead".into(),
        },
        error: Some("用户名已被占用".into()),
    });
}
