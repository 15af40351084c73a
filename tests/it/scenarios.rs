//! Scenario dialogues on the exam page: each reply is sent on its own, the
//! customer's next message follows from how it landed, every turn is kept
//! with its time, and the submitted transcript is scored turn by turn.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{number_after, spawn, started_exam, Started, TestApp};

const LATE_PARCEL: &str = "情景：包裹比预计晚了好几天，顾客很着急，语气很冲。";
const WARM: &str = "真的很抱歉让您等了这么久，我马上帮您查物流，十分钟内给您回复。";
const COLD: &str = "物流的事我也没办法，你自己去问快递吧。";
const WHEN: &str = "理解您着急，物流显示明天下午送达，明天中午前我再帮您跟进一次。";

async fn scenario(app: &TestApp) -> (Started, i64) {
    let started = started_exam(app, &[LATE_PARCEL]).await;
    let mut amy = started.amy;
    let page = amy
        .get(&format!("/attempts/{}", started.attempt))
        .await
        .body;
    assert!(page.contains("我的快递五天了还没到"), "{page}");
    let item = number_after(&page, "data-turn-item=\"").expect("a reply box");
    (Started { amy, ..started }, item)
}

async fn send(s: &mut Started, item: i64, reply: &str) -> (StatusCode, serde_json::Value) {
    s.amy
        .post_json(
            &format!("/api/attempts/{}/turn", s.attempt),
            json!({ "item_id": item, "reply": reply, "spent_ms": 4200 }),
        )
        .await
}

#[actix_web::test]
async fn a_warm_reply_calms_the_customer_and_the_talk_is_scored_turn_by_turn() {
    let app = spawn().await;
    let (mut s, item) = scenario(&app).await;
    let (status, first) = send(&mut s, item, WARM).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["next"], "那到底什么时候能到？我周末要用的。");
    assert_eq!(first["met_feeling"], true);
    let (_, second) = send(&mut s, item, WHEN).await;
    assert_eq!(second["ended"], true, "{second}");
    assert_eq!(second["said"].as_array().map(Vec::len), Some(2));
    let (status, late) = send(&mut s, item, "还有别的吗").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        late["error"].as_str().unwrap_or("").contains("已经结束"),
        "{late}"
    );
    assert_eq!(
        app.count("SELECT time_spent_ms AS n FROM answers"),
        8400,
        "each turn's time is kept"
    );

    let done = s
        .amy
        .post(&format!("/attempts/{}/submit", s.attempt), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let result = s
        .amy
        .get(&format!("/attempts/{}/result", s.attempt))
        .await
        .body;
    assert!(
        result.contains("客服：真的很抱歉让您等了这么久"),
        "{result}"
    );
    assert!(result.contains("逐轮得分"), "{result}");
    let score = app.count("SELECT CAST(score AS BIGINT) AS n FROM attempts");
    assert!(score >= 60, "a warm, concrete talk passes: {score}");
}

#[actix_web::test]
async fn a_cold_reply_makes_the_customer_angrier_and_scores_less() {
    let app = spawn().await;
    let (mut s, item) = scenario(&app).await;
    let (_, first) = send(&mut s, item, COLD).await;
    assert_eq!(first["next"], "你们每次都这么说，我要投诉！");
    assert_eq!(first["cold"], true);
    send(&mut s, item, COLD).await;
    let done = s
        .amy
        .post(&format!("/attempts/{}/submit", s.attempt), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let score = app.count("SELECT CAST(score AS BIGINT) AS n FROM attempts");
    assert!(score < 40, "a cold talk fails: {score}");
}

#[actix_web::test]
async fn without_script_the_exam_form_sends_a_reply_and_an_unanswered_scenario_is_blank() {
    let app = spawn().await;
    let (mut s, item) = scenario(&app).await;
    let refused = s
        .amy
        .post(&format!("/attempts/{}/submit", s.attempt), &[])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("还没有作答"), "{}", refused.body);
    let field = format!("reply_{item}");
    let sent = s
        .amy
        .post(
            &format!("/attempts/{}/turn", s.attempt),
            &[("turn", &item.to_string()), (&field, WARM)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(
        sent.location.ends_with(&format!("#item-{item}")),
        "{}",
        sent.location
    );
    let page = s.amy.get(&format!("/attempts/{}", s.attempt)).await.body;
    assert!(page.contains(WARM), "{page}");
    assert!(page.contains("那到底什么时候能到"), "{page}");
    let empty = s
        .amy
        .post(
            &format!("/attempts/{}/turn", s.attempt),
            &[("turn", &item.to_string()), (&field, "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}
