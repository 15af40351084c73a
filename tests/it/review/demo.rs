//! The demo team's round.

use super::*;

#[actix_web::test]
async fn the_demo_team_has_a_review_round_under_way() {
    let dir = tempfile::tempdir().expect("dir");
    let url = crate::helpers::fresh_database_url(dir.path());
    let app = crate::helpers::spawn_on(
        &url,
        &crate::helpers::banks(),
        actix_web::cookie::Key::generate(),
    )
    .await;
    let pool = huashu::cli::serve::open_db(&url).expect("database");
    let logins = crate::helpers::seed_demo(&pool);
    let login = |name: &str| {
        let l = logins
            .iter()
            .find(|l| l.username == name)
            .expect("a demo user");
        l.password.clone().expect("printed once")
    };
    let mut lead = app.client();
    lead.login("lead", &login("lead")).await;
    let page = lead.get("/exams/1/review").await.body;
    assert!(
        page.contains("校准样例") && page.contains("可以直接发给顾客"),
        "{page}"
    );
    assert!(page.contains("对比中胜出"), "comparisons judged: {page}");
    let reviewers = page.split("id=\"reviewers\"").nth(1).expect("reviewers");
    assert_eq!(
        reviewers.matches("class=\"inline reassign\"").count(),
        1,
        "one trainee still has reviews open"
    );

    // A month of a mid-size shop's chats: the most asked question hundreds
    // of times, dozens of groups, personal data masked.
    let questions = lead.get("/questions").await.body;
    let top = questions
        .split("<td class=\"num\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|n| n.trim().parse::<u32>().ok())
        .expect("the most asked group's count");
    assert!(top >= 300, "asked {top} times");
    assert!(questions.matches("href=\"/questions/").count() >= 20);
    let import = lead.get("/imports").await.body;
    assert!(import.contains("演示聊天记录.csv"), "{import}");

    // The library holds the finished exam's best answer, then a lead's edit.
    let library = lead.get("/library").await.body;
    assert!(
        library.contains("<mark class=\"placeholder\">{称呼}</mark>"),
        "{library}"
    );
    assert!(library.contains("第 2 版"), "{library}");
    // The script then stood in a rematch, and a warmer answer beat it.
    let script = lead.get("/library/1").await.body;
    let record = script
        .split("id=\"head-to-head\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("{script}");
    assert!(
        record.contains("售后话术擂台（演示）") && record.contains("class=\"verdict won\""),
        "{record}"
    );

    // 刘洋 has not started: his reviews wait behind the calibration example.
    let mut liuyang = app.client();
    liuyang.login("liuyang", &login("liuyang")).await;
    let waiting = reviews_waiting(&mut liuyang).await;
    assert!(!waiting.is_empty());
    let opened = liuyang.get(&format!("/reviews/{}", waiting[0])).await;
    assert_eq!(
        opened.location,
        format!("/reviews/{}/calibration", waiting[0])
    );
}

#[actix_web::test]
async fn final_scores_walked_from_scores_alone_match_the_rounds_full_evidence() {
    let (app, _dir) = crate::helpers::spawn_demo().await;
    let pool = huashu::cli::serve::open_db(&app.url).expect("database");
    let mut conn = pool.get().expect("conn");
    let rounds = huashu::db::review::rounds(&mut conn).expect("rounds");
    assert!(!rounds.is_empty(), "the demo has review rounds");
    let exams: Vec<_> = rounds.iter().map(|r| r.exam_id).collect();
    let walked = huashu::app::review::Finals::default()
        .of_answers(&mut conn, &exams)
        .expect("walk");
    let mut reviewed = 0;
    for round in &rounds {
        let evidence = huashu::app::review::evidence(&mut conn, round).expect("evidence");
        assert!(
            evidence.answers.iter().any(|a| !a.body.is_empty()),
            "the full evidence has text"
        );
        let outcome = huashu::app::review::outcome(round, &evidence).expect("outcome");
        for (id, f) in &outcome.finals {
            assert_eq!(walked.get(id).copied(), f.reviewed(), "answer {id:?}");
            reviewed += usize::from(f.reviewed().is_some());
        }
    }
    assert!(reviewed > 0, "some answers are reviewed in the demo");
}
