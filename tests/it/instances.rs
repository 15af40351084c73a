//! Several app instances on one database: nothing that matters lives in one
//! process's memory. On PostgreSQL (`.ci/test`'s second run) this is the deployment
//! shape of docs/SCALING.md; on SQLite it is two processes on one file.

use actix_web::cookie::Key;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{banks, fresh_database_url, spawn_on, started_exam, Started, AUTHENTIC};

#[actix_web::test]
async fn a_session_and_a_draft_cross_between_two_instances() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    let key = Key::generate();
    let first = spawn_on(&url, &banks(), key.clone()).await;
    let second = spawn_on(&url, &banks(), key).await;

    let Started {
        mut amy,
        attempt,
        items,
        ..
    } = started_exam(&first, &[AUTHENTIC]).await;
    let (status, _) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": items[0], "body": "经由第一个实例保存的草稿" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The same browser, now routed to the other instance by the load balancer.
    amy.base = second.base.clone();
    let page = amy.get(&format!("/attempts/{attempt}")).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the session is valid on the second instance"
    );
    assert!(
        page.body.contains("经由第一个实例保存的草稿"),
        "the draft is visible there"
    );

    let (status, _) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": items[0], "body": "第二个实例上改过的草稿" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the CSRF token of the session works there too"
    );
    amy.base = first.base.clone();
    assert!(amy
        .get(&format!("/attempts/{attempt}"))
        .await
        .body
        .contains("第二个实例上改过的草稿"));
}
