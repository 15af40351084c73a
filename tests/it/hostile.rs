//! Input no honest browser sends: NUL characters and bytes that are not UTF-8
//! get a message in the user's language on both backends, never a 500, and
//! nothing is stored.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn, started_exam, Client, Started, AUTHENTIC};

/// POSTs a raw URL-encoded body (with the client's CSRF token appended).
async fn post_bytes(c: &Client, path: &str, body: &[u8]) -> (StatusCode, String) {
    let mut all = body.to_vec();
    all.extend_from_slice(format!("&_csrf={}", c.csrf).as_bytes());
    let res = c
        .http
        .post(format!("{}{path}", c.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(all)
        .send()
        .await
        .expect("POST");
    (res.status(), res.text().await.unwrap_or_default())
}

#[actix_web::test]
async fn a_nul_in_the_anonymous_login_form_gets_a_message_not_a_500() {
    let app = spawn().await;
    app.admin().await;
    let mut c = app.client();
    c.get("/login").await;
    let (status, body) = post_bytes(&c, "/login", b"username=bo%00ss&password=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("空字符"), "{body}");
}

#[actix_web::test]
async fn a_form_that_is_not_utf8_is_refused_not_stored_as_replacement_characters() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    admin.get("/admin/users").await;
    let (status, body) = post_bytes(
        &admin,
        "/admin/users",
        b"username=newbie&display_name=%E5%B0&password=a+quiet+river+9&role=trainee",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("UTF-8"), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users"), 1);
}

#[actix_web::test]
async fn a_nul_in_a_query_string_or_json_body_is_refused() {
    let app = spawn().await;
    let Started {
        mut lead,
        mut amy,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let page = lead.get("/questions?scene=%00").await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("空字符"));
    let (status, body) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": items[0], "body": "亲\u{0}在的", "spent_ms": 100 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("空字符")),
        "{body}"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM answers"), 0);
}
