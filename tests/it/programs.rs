//! The training paths page: the programs loaded at start, week by week, in
//! the reader's language; a broken program file is left out, not shown half.

use crate::helpers::{spawn, spawn_with_banks};

#[actix_web::test]
async fn a_trainee_reads_the_four_week_path_in_chinese_and_english() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut amy = app.user(&mut admin, "amy", "trainee").await;
    let page = amy.get("/programs").await.body;
    for expected in [
        "新人四周成长路径",
        "第 2 周 · 场景对话与情绪管理",
        "售中跟进 · 65 分及格",
        "通过本周全部考试后解锁下一周。",
        "href=\"/featured\"",
        "href=\"/library?category=complaint\"",
    ] {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    amy.post("/lang", &[("lang", "en")]).await;
    let page = amy.get("/programs").await.body;
    assert!(
        page.contains("Week 2 · Scenario dialogues and emotion management"),
        "{page}"
    );
    assert!(page.contains("In-sale follow-up · pass at 65"), "{page}");
}

#[actix_web::test]
async fn a_program_naming_a_missing_bank_is_not_shown() {
    let dir = tempfile::tempdir().expect("dir");
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/exams");
    std::fs::copy(
        format!("{shipped}/pre-sale.toml"),
        dir.path().join("pre-sale.toml"),
    )
    .expect("copy");
    std::fs::create_dir(dir.path().join("programs")).expect("mkdir");
    std::fs::copy(
        format!("{shipped}/programs/four-weeks.toml"),
        dir.path().join("programs/four-weeks.toml"),
    )
    .expect("copy");
    let app = spawn_with_banks(dir.path()).await;
    let mut admin = app.admin().await;
    let page = admin.get("/programs").await.body;
    assert!(page.contains("id=\"no-programs\""), "{page}");
    assert!(!page.contains("新人四周成长路径"), "{page}");
}
