//! Moving data: backup while the app runs, restore into a fresh database, and
//! migrate-data between databases (SQLite → PostgreSQL in `.ci/test`'s second run).

use std::process::Command;

use actix_web::cookie::Key;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{banks, fresh_database_url, spawn_on, started_exam, Started, AUTHENTIC};

fn huashu(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huashu"))
        .args(args)
        .output()
        .expect("runs")
}

/// A database with a team, an exam, a submitted attempt and a pending draft.
async fn populated(url: &str) -> (i64, i64) {
    let app = spawn_on(url, &banks(), Key::generate()).await;
    let Started {
        mut admin,
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
    } = started_exam(&app, &[AUTHENTIC]).await;
    amy.post(
        &format!("/attempts/{attempt}/submit"),
        &[(
            &format!("answer_{}", items[0]),
            "亲，请放心，我们是品牌授权店，谢谢",
        )],
    )
    .await;
    let mut bob = app.user(&mut admin, "bob", "trainee").await;
    bob.get("/").await;
    let started = bob.post(&format!("/exams/{exam}/start"), &[]).await;
    let bob_attempt =
        crate::helpers::number_after(&started.location, "/attempts/").expect("attempt");
    bob.get(&format!("/attempts/{bob_attempt}")).await;
    bob.post_json(
        &format!("/api/attempts/{bob_attempt}/draft"),
        json!({ "item_id": items[0], "body": "鲍勃还没提交的草稿" }),
    )
    .await;
    lead.get("/").await;
    (attempt, bob_attempt)
}

/// Logs in on a copy and checks the submitted result and the draft are there.
async fn check_copy(url: &str, attempt: i64, bob_attempt: i64) {
    let app = spawn_on(url, &banks(), Key::generate()).await;
    let mut amy = app.client();
    assert_eq!(
        amy.login("amy", "password-123").await.status,
        StatusCode::SEE_OTHER
    );
    let result = amy.get(&format!("/attempts/{attempt}/result")).await;
    assert!(
        result.body.contains("亲，请放心，我们是品牌授权店，谢谢"),
        "submitted answer kept"
    );
    let mut bob = app.client();
    bob.login("bob", "password-123").await;
    assert!(
        bob.get(&format!("/attempts/{bob_attempt}"))
            .await
            .body
            .contains("鲍勃还没提交的草稿"),
        "draft kept"
    );
    // New rows get fresh ids after a restore (PostgreSQL sequences were moved on).
    let mut admin = app.client();
    admin.login("boss", "password-123").await;
    admin.get("/admin/users").await;
    let created = admin
        .post(
            "/admin/users",
            &[
                ("username", "newbie"),
                ("display_name", "新人"),
                ("password", "password-123"),
                ("role", "trainee"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
}

#[actix_web::test]
async fn a_backup_taken_while_the_app_runs_restores_into_a_fresh_database() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    let (attempt, bob_attempt) = populated(&url).await;
    let file = dir.path().join("team.backup");
    let file = file.to_str().expect("utf-8");
    let out = huashu(&["--db", &url, "backup", file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        huashu(&["--db", &url, "backup", file]).status.code(),
        Some(2),
        "never overwrites"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file)
            .expect("backup")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a backup holds every answer: owner only"
        );
    }

    let copy_dir = tempfile::tempdir().expect("dir");
    let copy = fresh_database_url(copy_dir.path());
    let out = huashu(&["--db", &copy, "restore", file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_copy(&copy, attempt, bob_attempt).await;

    let again = huashu(&["--db", &copy, "restore", file]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not empty"),
        "a restore never mixes into existing data"
    );
}

#[actix_web::test]
async fn a_damaged_backup_is_refused_with_its_line_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    populated(&url).await;
    let file = dir.path().join("team.backup");
    assert!(
        huashu(&["--db", &url, "backup", file.to_str().expect("utf-8")])
            .status
            .success()
    );
    let text = std::fs::read_to_string(&file).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[3] = "{\"table\": \"users\", \"row\": {\"id\": \"x\"}}";
    let damaged = dir.path().join("damaged.backup");
    std::fs::write(&damaged, lines.join("\n")).expect("write");
    let truncated = dir.path().join("truncated.backup");
    std::fs::write(
        &truncated,
        text.lines().take(5).collect::<Vec<_>>().join("\n"),
    )
    .expect("write");

    let target_dir = tempfile::tempdir().expect("dir");
    let target = fresh_database_url(target_dir.path());
    let out = huashu(&["--db", &target, "restore", damaged.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 4"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = huashu(&[
        "--db",
        &target,
        "restore",
        truncated.to_str().expect("utf-8"),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    // A header that promises more rows than memory holds, bytes that are not
    // text, a row the database refuses: each is named, none panics.
    let lines: Vec<&str> = text.lines().collect();
    let mut header: serde_json::Value = serde_json::from_str(lines[0]).expect("header");
    header["rows"] = json!(u64::MAX);
    let mut huge = vec![header.to_string()];
    huge.extend(lines[1..].iter().map(|l| l.to_string()));
    let not_text = [
        lines[..2].join("\n").into_bytes(),
        b"\n\xff\xfe{}\n".to_vec(),
    ]
    .concat();
    let mut orphan: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let item = orphan
        .iter()
        .position(|l| l.contains("\"exam_items\""))
        .expect("an exam item row");
    orphan[item] = orphan[item].replacen("\"exam_id\":", "\"exam_id\":9999,\"x\":", 1);
    for (name, bytes, says) in [
        (
            "huge.backup",
            huge.join("\n").into_bytes(),
            "header promises".to_string(),
        ),
        ("not-text.backup", not_text, "line 3: not UTF-8".to_string()),
        (
            "orphan.backup",
            orphan.join("\n").into_bytes(),
            format!("line {}: row refused", item + 1),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = huashu(&["--db", &target, "restore", path.to_str().expect("utf-8")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&says), "{name}: {err}");
    }
    // Nothing was written: a good backup still restores into the same target.
    assert!(
        huashu(&["--db", &target, "restore", file.to_str().expect("utf-8")])
            .status
            .success()
    );
}

#[actix_web::test]
async fn migrate_data_copies_every_row_to_another_database() {
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = dir.path().join("source.db").to_string_lossy().into_owned();
    let (attempt, bob_attempt) = populated(&sqlite).await;
    let target_dir = tempfile::tempdir().expect("dir");
    let target = fresh_database_url(target_dir.path());
    let out = huashu(&["migrate-data", "--from", &sqlite, "--to", &target]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("all rows copied"));
    check_copy(&target, attempt, bob_attempt).await;
}
