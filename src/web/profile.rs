//! A user's own page: who they are, and their API tokens for chat tools —
//! made here (shown once), listed by name and first characters, revoked here.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::auth::Form;
use super::render::{local_time, redirect, Ctx, Page, Trainee};
use crate::app::tokens;
use crate::db::tokens::Token;
use crate::db::users::User;
use crate::error::AppError;

pub async fn show(Trainee { ctx, me }: Trainee) -> Result<HttpResponse, AppError> {
    let page = load(&ctx, &me, None, None, String::new()).await?;
    ctx.render(&page)
}

/// A new token: the page again, with the token shown this once. Rendered in
/// the answer rather than carried to a redirect, so it is stored nowhere.
pub async fn create_token(
    Trainee { ctx, me }: Trainee,
    form: Form,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let name = form.text("name").to_string();
    let uid = me.id;
    let typed = name.clone();
    let made = ctx
        .db(move |conn| Ok(tokens::create(conn, uid, &typed)?))
        .await;
    match made {
        Ok((_, secret)) => {
            let example = {
                let info = req.connection_info();
                format!(
                    "curl -H \"Authorization: Bearer {secret}\" \"{}://{}/api/v1/scripts/match?q=%E5%8F%91%E7%A5%A8\"",
                    info.scheme(),
                    info.host()
                )
            };
            let made = NewToken { example, secret };
            let page = load(&ctx, &me, Some(made), None, String::new()).await?;
            ctx.render(&page)
        }
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            let page = load(&ctx, &me, None, Some(refused.message), name).await?;
            ctx.render_refused(&page, refused.status)
        }
    }
}

pub async fn revoke_token(
    Trainee { ctx, me }: Trainee,
    path: web::Path<i64>,
    _form: Form,
) -> Result<HttpResponse, AppError> {
    let (uid, id) = (me.id, path.into_inner());
    ctx.db(move |conn| Ok(tokens::revoke(conn, uid, id)?))
        .await?;
    ctx.flash("profile.revoked", &[]);
    Ok(redirect("/profile"))
}

async fn load(
    ctx: &Ctx,
    me: &User,
    new_token: Option<NewToken>,
    error: Option<String>,
    name: String,
) -> Result<ProfilePage, AppError> {
    let uid = me.id;
    let list = ctx
        .db(move |conn| Ok(crate::db::tokens::of_user(conn, uid)?))
        .await?;
    Ok(ProfilePage {
        username: me.username.clone(),
        display_name: me.display_name.clone(),
        role: me.role.key(),
        tokens: list.iter().map(TokenView::of).collect(),
        new_token,
        error,
        name,
    })
}

#[derive(Serialize)]
pub(super) struct ProfilePage {
    username: String,
    display_name: String,
    role: &'static str,
    tokens: Vec<TokenView>,
    /// The token just made, shown this once.
    new_token: Option<NewToken>,
    error: Option<String>,
    /// The name typed, kept when it was refused.
    name: String,
}

#[derive(Serialize)]
struct NewToken {
    secret: String,
    /// A call to paste into a terminal, against this server.
    example: String,
}

#[derive(Serialize)]
struct TokenView {
    id: i64,
    name: String,
    hint: String,
    created: String,
    last_used: Option<String>,
}

impl TokenView {
    fn of(t: &Token) -> TokenView {
        TokenView {
            id: t.id,
            name: t.name.clone(),
            hint: t.hint.clone(),
            created: local_time(t.created_at),
            last_used: t.last_used_at.map(local_time),
        }
    }
}

impl Page for ProfilePage {
    const TEMPLATE: &'static str = "profile";
    const TITLE: &'static str = "profile.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let blank = ProfilePage {
        username: "zhangwei".into(),
        display_name: "张伟".into(),
        role: "trainee",
        tokens: vec![],
        new_token: None,
        error: None,
        name: String::new(),
    };
    out.add(&blank);
    out.add(&ProfilePage {
        tokens: vec![TokenView {
            id: 1,
            name: "千牛插件".into(),
            hint: "hs_1a2b3c".into(),
            created: "2026-11-30 09:00".into(),
            last_used: Some("2026-11-30 10:00".into()),
        }],
        new_token: Some(NewToken {
            secret: "hs_1a2b3c4d".into(),
            example: "curl …".into(),
        }),
        error: Some("名称需为 1–60 个字符".into()),
        name: "x".into(),
        ..blank
    });
}
