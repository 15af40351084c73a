//! Editing the review rubric; versions already used are kept.

use super::*;

/// The rubric form with `weights` (accuracy, empathy, next step, time promise,
/// tone, persuasion) and the keys of the critical criteria.
async fn edit_rubric(
    lead: &mut Client,
    weights: [&str; 6],
    critical: &[&str],
) -> crate::helpers::Page {
    lead.get("/rubric").await;
    let keys: Vec<String> = MARKS
        .iter()
        .map(|(k, _)| k.trim_start_matches("mark_").to_string())
        .collect();
    let names: Vec<(String, String)> = keys
        .iter()
        .zip(weights)
        .map(|(k, w)| (format!("weight_{k}"), w.to_string()))
        .chain(
            critical
                .iter()
                .map(|k| (format!("critical_{k}"), "1".to_string())),
        )
        .collect();
    let fields: Vec<(&str, &str)> = names
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    lead.post("/rubric", &fields).await
}

#[actix_web::test]
async fn a_lead_edits_the_rubric_and_marks_already_given_keep_their_version() {
    let app = spawn().await;
    let (mut lead, mut trainees, exam) = answered_exam(&app).await;
    let page = lead.get("/rubric").await.body;
    assert!(
        page.contains("当前为第 1 版") && page.contains("name=\"weight_accuracy\" value=\"2\"")
    );
    let bad = edit_rubric(&mut lead, ["2", "9", "1", "1", "1", "1"], &["accuracy"]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("每项权重应为 0–5 的整数"));
    let none = edit_rubric(&mut lead, ["0"; 6], &[]).await;
    assert!(none.body.contains("至少保留一个评分项"), "{}", none.body);

    // Nobody has marked with version 1 yet: the edit changes it in place.
    let saved = edit_rubric(&mut lead, ["2", "1", "1", "1", "2", "0"], &["accuracy"]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = lead.get("/rubric").await.body;
    assert!(
        page.contains("量表已保存（第 1 版）") && page.contains("name=\"weight_tone\" value=\"2\""),
        "{page}"
    );

    // A round freezes it: no persuasion to mark.
    close_and_review(&mut lead, exam, "2").await;
    let review = reviews_waiting(&mut trainees[0]).await[0];
    let form = trainees[0].get(&format!("/reviews/{review}")).await.body;
    assert!(
        form.contains("mark_tone") && !form.contains("mark_persuasion"),
        "{form}"
    );

    // Version 1 is in use now: the next edit is version 2, and the round keeps 1.
    let saved = edit_rubric(
        &mut lead,
        ["2", "1", "1", "1", "1", "1"],
        &["accuracy", "empathy"],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = lead.get("/rubric").await.body;
    assert!(page.contains("量表已保存（第 2 版）"), "{page}");
    assert_eq!(
        page.matches("<li>第 ").count(),
        2,
        "both versions listed: {page}"
    );
    let form = trainees[0].get(&format!("/reviews/{review}")).await.body;
    assert!(
        !form.contains("mark_persuasion"),
        "the round keeps its version"
    );
    let mut marks: Vec<(&str, &str)> = MARKS[..5].to_vec();
    marks.push(("comment", "ok"));
    let sent = trainees[0]
        .post(&format!("/reviews/{review}"), &marks)
        .await;
    assert_eq!(
        sent.status,
        StatusCode::SEE_OTHER,
        "marked on the round's version: {}",
        sent.body
    );
    assert_eq!(
        trainees[0].get("/rubric").await.status,
        StatusCode::FORBIDDEN
    );
}
