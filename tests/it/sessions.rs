//! Sessions live on the server: logging out, a password reset, disabling an
//! account and a role change end them at once; idle and old sessions expire;
//! a cookie copied before any of these opens nothing afterwards.

use reqwest::StatusCode;

use crate::helpers::{spawn, TestApp};

/// Logs in without a cookie jar and returns the session cookie the server set.
async fn cookie_of(app: &TestApp, username: &str) -> String {
    let mut c = app.client();
    c.get("/login").await;
    let res = c
        .http
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", username),
            ("password", "password-123"),
            ("next", "/"),
            ("_csrf", c.csrf.as_str()),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("huashu="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

/// GET with exactly this cookie; the status and where it redirects.
async fn with_cookie(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = http
        .get(format!("{}{path}", app.base))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("GET");
    (res.status(), crate::helpers::location_of(&res))
}

fn signed_out((status, location): (StatusCode, String)) -> bool {
    status == StatusCode::SEE_OTHER && location.starts_with("/login")
}

#[actix_web::test]
async fn logging_out_ends_the_session_for_every_copy_of_its_cookie() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    app.user(&mut admin, "amy", "trainee").await;
    let cookie = cookie_of(&app, "amy").await;
    assert_eq!(
        with_cookie(&app, &cookie, "/progress").await.0,
        StatusCode::OK
    );
    // Logging out with one session's cookie …
    let copy = cookie_of(&app, "amy").await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = http
        .get(format!("{}/progress", app.base))
        .header("Cookie", &copy)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = page
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a token on the page");
    let out = http
        .post(format!("{}/logout", app.base))
        .header("Cookie", &copy)
        .form(&[("_csrf", token)])
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    // … leaves any copy of that cookie useless, and the other session alive.
    assert!(signed_out(with_cookie(&app, &copy, "/progress").await));
    assert_eq!(
        with_cookie(&app, &cookie, "/progress").await.0,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_reset_a_disabling_and_a_role_change_each_end_the_users_sessions() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    // The admin is user 1; amy 2, leo 3, tom 4.
    app.user(&mut admin, "amy", "trainee").await;
    app.user(&mut admin, "leo", "lead").await;
    app.user(&mut admin, "tom", "trainee").await;
    let amy = cookie_of(&app, "amy").await;
    let leo = cookie_of(&app, "leo").await;
    let tom = cookie_of(&app, "tom").await;
    admin.get("/admin/users").await;
    let reset = admin
        .post(
            "/admin/users/2",
            &[("action", "reset"), ("password", "a brand new secret")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
    assert!(signed_out(with_cookie(&app, &amy, "/").await), "reset");
    assert_eq!(
        with_cookie(&app, &leo, "/exams/new").await.0,
        StatusCode::OK
    );
    admin
        .post("/admin/users/3", &[("action", "role"), ("role", "trainee")])
        .await;
    assert!(signed_out(with_cookie(&app, &leo, "/").await), "demoted");
    admin.post("/admin/users/4", &[("action", "disable")]).await;
    assert!(signed_out(with_cookie(&app, &tom, "/").await), "disabled");
    admin.post("/admin/users/4", &[("action", "enable")]).await;
    assert!(
        signed_out(with_cookie(&app, &tom, "/").await),
        "enabling again does not revive an old cookie"
    );
}

#[actix_web::test]
async fn idle_and_old_sessions_expire() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    app.user(&mut admin, "amy", "trainee").await;
    let idle = cookie_of(&app, "amy").await;
    let old = cookie_of(&app, "amy").await;
    assert_eq!(with_cookie(&app, &idle, "/").await.0, StatusCode::OK);
    let hour = 3_600_000i64;
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = last_seen_at - {}",
        13 * hour
    ));
    assert!(signed_out(with_cookie(&app, &idle, "/").await), "12 h idle");
    let fresh = cookie_of(&app, "amy").await;
    // Busy but 8 days old: the absolute limit is 7 days.
    app.sql(&format!(
        "UPDATE sessions SET created_at = created_at - {}",
        8 * 24 * hour
    ));
    assert!(
        signed_out(with_cookie(&app, &fresh, "/").await),
        "7 days old"
    );
    assert!(signed_out(with_cookie(&app, &old, "/").await));
}

#[actix_web::test]
async fn an_autosave_or_exam_page_with_an_ended_session_is_refused() {
    let app = spawn().await;
    let crate::helpers::Started {
        mut amy,
        attempt,
        items,
        ..
    } = crate::helpers::started_exam(&app, &[crate::helpers::AUTHENTIC]).await;
    let url = format!("/api/attempts/{attempt}/draft");
    let draft = serde_json::json!({ "item_id": items[0], "body": "会话结束前" });
    assert_eq!(amy.post_json(&url, draft).await.0, StatusCode::OK);
    app.sql("DELETE FROM sessions");
    let draft = serde_json::json!({ "item_id": items[0], "body": "会话结束后" });
    let (status, _) = amy.post_json(&url, draft).await;
    assert_ne!(status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM answers WHERE body = '会话结束后'"),
        0
    );
    let page = amy.get(&format!("/attempts/{attempt}")).await;
    assert!(
        page.location.starts_with("/login?"),
        "the exam page too: {}",
        page.location
    );
}

#[actix_web::test]
async fn pages_are_never_cached_and_carry_a_strict_content_security_policy() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    app.user(&mut admin, "amy", "trainee").await;
    let cookie = cookie_of(&app, "amy").await;
    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/progress", app.base))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("GET");
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(header("cache-control"), "no-store");
    let csp = header("content-security-policy");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(header("permissions-policy").contains("camera=()"));
    let css = http
        .get(format!("{}/static/app.css", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(
        css.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=3600"),
        "static files stay cacheable"
    );
}
