//! The lead's dashboard on the demo team: cohort progress, distributions,
//! trends, weakest points and question analysis, each with its CSV.

use reqwest::StatusCode;

use crate::helpers::{Client, TestApp};

async fn signed_in(app: &TestApp, username: &str) -> Client {
    let mut c = app.client();
    c.login(username, "password-123").await;
    c
}

#[actix_web::test]
async fn a_lead_sees_the_cohort_the_exams_and_the_questions_with_their_numbers() {
    let (app, _dir) = crate::helpers::spawn_demo().await;
    let mut lead = signed_in(&app, "lead").await;
    let page = lead.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    let cohorts =
        crate::helpers::between(&body, "id=\"dash-cohorts\"", "</section>").expect("cohorts");
    assert!(
        cohorts.contains("十二月新人班") && cohorts.contains("小新 · 第 2 周"),
        "{cohorts}"
    );
    assert!(body.contains("售后安抚与退款（演示）"), "{body}");
    assert!(
        body.matches("<svg").count() >= 4,
        "charts drawn on the server"
    );
    assert!(body.contains("张伟"), "{body}");
    assert!(body.contains("id=\"dash-items\""), "{body}");
    let reviewers =
        crate::helpers::between(&body, "id=\"dash-reviewers\"", "</section>").expect("reviewers");
    assert!(reviewers.contains("评审质量分"), "{reviewers}");
    let csv = lead.get("/dashboard/reviewers.csv").await.body;
    assert!(
        csv.lines().count() >= 2,
        "the demo round's reviewers: {csv}"
    );

    let items = lead.get("/dashboard/items.csv").await;
    assert_eq!(items.status, StatusCode::OK);
    let mut lines = items.body.lines();
    let header = lines.next().unwrap_or("");
    assert!(
        header.contains("facility") && header.contains("discrimination"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty(), "every answered question");
    let exams = lead.get("/dashboard/exams.csv").await.body;
    assert!(exams.contains("售后安抚与退款（演示）,3,"), "{exams}");
    assert_eq!(
        lead.get("/dashboard/other.csv").await.status,
        StatusCode::NOT_FOUND
    );

    let mut trainee = signed_in(&app, "xiaoxin").await;
    assert_eq!(
        trainee.get("/dashboard").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn the_department_digest_lists_the_weeks_most_asked_groups_and_exports_them() {
    let (app, _dir) = crate::helpers::spawn_demo().await;
    let mut lead = signed_in(&app, "lead").await;
    let page = lead.get("/digest").await;
    assert_eq!(page.status, StatusCode::OK);
    let sections = page.body.matches("class=\"digest\"").count();
    assert!(
        sections >= 2,
        "the demo's chats reach several departments: {}",
        page.body
    );
    assert!(page.body.contains("顾客原话"), "{}", page.body);
    let week = crate::helpers::between(&page.body, "href=\"/digest.csv?week=", "\"")
        .expect("the week shown")
        .to_string();
    let csv = lead.get(&format!("/digest.csv?week={week}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows: Vec<&str> = csv.body.lines().skip(1).collect();
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r.starts_with(&week)),
        "{}",
        csv.body
    );
    let old = lead.get("/digest?week=2020-01-06").await.body;
    assert!(old.contains("这一周没有带部门标签的提问"), "{old}");
    let bad = lead.get("/digest?week=last-week").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("日期格式应为"), "{}", bad.body);
}

#[actix_web::test]
async fn the_weekly_review_names_the_weakest_points_and_drafts_the_next_exam() {
    let (app, _dir) = crate::helpers::spawn_demo().await;
    let mut lead = signed_in(&app, "lead").await;
    let page = lead.get("/weekly").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    assert!(
        body.contains("本周共"),
        "the demo's exams were sat this week: {body}"
    );
    let weakest =
        crate::helpers::between(&body, "id=\"weekly-weakest\"", "</section>").expect("weakest");
    assert!(
        weakest.matches("<li>").count() <= 3 && weakest.contains("<li>"),
        "{weakest}"
    );
    let next =
        crate::helpers::between(&body, "id=\"weekly-next\"", "</section>").expect("next exam");
    let picked: Vec<String> = next
        .match_indices("name=\"q\" value=\"")
        .filter_map(|(at, m)| crate::helpers::number_after(&next[at..], m))
        .map(|id| id.to_string())
        .collect();
    assert!(!picked.is_empty() && picked.len() <= 5, "{next}");
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", "本周复习"),
        ("time_limit", "30"),
        ("pass_mark", "60"),
    ];
    fields.extend(picked.iter().map(|q| ("q", q.as_str())));
    let drafted = lead.post("/exams", &fields).await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    assert!(
        drafted.location.starts_with("/exams/"),
        "{}",
        drafted.location
    );

    let csv = lead.get("/weekly.csv").await.body;
    assert!(csv.lines().any(|l| l.contains(",weakest,")), "{csv}");
    let quiet = lead.get("/weekly?week=2020-01-08").await.body;
    assert!(
        quiet.contains("这一周还没有人交卷") && quiet.contains("2020-01-06"),
        "{quiet}"
    );
    assert_eq!(
        lead.get("/weekly?week=soon").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[actix_web::test]
async fn the_demo_chats_give_service_figures_and_promises_agents_tick_themselves() {
    let (app, _dir) = crate::helpers::spawn_demo().await;
    let mut lead = signed_in(&app, "lead").await;
    let body = lead.get("/dashboard").await.body;
    let service = crate::helpers::between(&body, "id=\"service\"", "</section>").expect("service");
    assert!(
        service.contains("计算方法") && service.contains("3 天内"),
        "{service}"
    );
    for agent in ["张伟", "王芳", "刘洋", "陈静", "小美"] {
        assert!(service.contains(agent), "{agent}: {service}");
    }
    let csv = lead.get("/dashboard/service.csv").await.body;
    let header = csv
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches('\u{feff}');
    assert!(
        header.starts_with("week,agent,conversations,first_response_s,art_s"),
        "{header}"
    );
    // The careless agents' customers come back: not every conversation is
    // resolved at first contact, nor rated 4–5.
    let fcr: Vec<f64> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(6)?.parse().ok())
        .collect();
    assert!(!fcr.is_empty() && fcr.iter().any(|r| *r < 1.0), "{csv}");

    // An agent sees their own promises only, and ticks them.
    let mut liuyang = signed_in(&app, "liuyang").await;
    let day = app
        .count("SELECT CAST(MAX(said_at) AS BIGINT) AS n FROM chat_promises WHERE agent = '刘洋'");
    assert!(day > 0, "刘洋 promised something in the demo chats");
    let mine = app.count(
        "SELECT MIN(id) AS n FROM chat_promises WHERE agent = '刘洋' \
         AND day = (SELECT MAX(day) FROM chat_promises WHERE agent = '刘洋')",
    );
    let theirs = app.count("SELECT MIN(id) AS n FROM chat_promises WHERE agent = '张伟'");
    let day_of = |id: i64| {
        let secs = app.count(&format!(
            "SELECT said_at AS n FROM chat_promises WHERE id = {id}"
        ));
        chrono::DateTime::from_timestamp(secs, 0)
            .expect("a time")
            .date_naive()
            .to_string()
    };
    let page = liuyang
        .get(&format!("/promises?day={}", day_of(mine)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("id=\"promise-{mine}\"")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("<h2>张伟"),
        "only their own: {}",
        page.body
    );
    let refused = liuyang
        .post(&format!("/promises/{theirs}/kept"), &[("kept", "1")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let ticked = liuyang
        .post(&format!("/promises/{mine}/kept"), &[("kept", "1")])
        .await;
    assert_eq!(ticked.status, StatusCode::SEE_OTHER, "{}", ticked.body);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM chat_promises WHERE id = {mine} AND kept_by IS NOT NULL"
        )),
        1
    );
    // The lead sees everyone's, and the weekly review lists what is still open.
    let all = lead
        .get(&format!("/promises?day={}", day_of(theirs)))
        .await
        .body;
    assert!(all.contains("<h2>张伟"), "{all}");
    let weekly = lead
        .get(&format!("/weekly?week={}", day_of(theirs)))
        .await
        .body;
    let missed =
        crate::helpers::between(&weekly, "id=\"weekly-promises\"", "</section>").expect("missed");
    assert!(missed.contains("张伟"), "{missed}");
    let bad = lead.get("/promises?day=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
