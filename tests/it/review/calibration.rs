//! Calibration before a reviewer's first review.

use super::*;

#[actix_web::test]
async fn reviewers_first_match_the_leads_calibration_example_then_review() {
    let app = spawn().await;
    let (mut lead, mut trainees, exam) = answered_exam(&app).await;
    close_and_review(&mut lead, exam, "2").await;
    let answer = amy_as_example(&mut lead, exam).await;

    // amy wrote the example: nothing to calibrate on, straight to her review.
    let amy_review = reviews_waiting(&mut trainees[0]).await[0];
    let page = trainees[0].get(&format!("/reviews/{amy_review}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("review-form"));

    let bob = &mut trainees[1];
    let review = reviews_waiting(bob).await[0];
    let opened = bob.get(&format!("/reviews/{review}")).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert_eq!(opened.location, format!("/reviews/{review}/calibration"));
    let page = bob.get(&opened.location).await.body;
    assert!(
        page.contains("评审前校准") && page.contains("amy在这里"),
        "{page}"
    );
    assert!(page.contains("样例 1/1"), "{page}");
    let early = bob.post(&format!("/reviews/{review}"), &MARKS).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(early.body.contains("请先完成评审前校准"));

    // bob's first try differs on four criteria: he sees the lead's levels and reason.
    let answer_field = answer.to_string();
    let mut first = MARKS.to_vec();
    first.push(("answer", &answer_field));
    let tried = bob
        .post(&format!("/reviews/{review}/calibration"), &first)
        .await;
    assert_eq!(tried.status, StatusCode::OK, "{}", tried.body);
    assert_eq!(
        tried.body.matches("组长给的是 3 级").count(),
        4,
        "{}",
        tried.body
    );
    assert!(tried.body.contains("正品保证讲清楚了，也给了下一步"));
    assert!(tried.body.contains("value=\"1\" checked"), "his marks kept");
    let mut second: Vec<(&str, &str)> = MARKS.iter().map(|(k, _)| (*k, "3")).collect();
    second.push(("answer", &answer_field));
    let passed = bob
        .post(&format!("/reviews/{review}/calibration"), &second)
        .await;
    assert_eq!(passed.status, StatusCode::SEE_OTHER, "{}", passed.body);
    // On to a review: this one, unless it was of amy's answer, the example
    // itself, which went to someone else.
    assert!(
        passed.location.starts_with("/reviews/"),
        "{}",
        passed.location
    );
    assert!(bob.get(&passed.location).await.body.contains("review-form"));
    let sent = bob.post(&passed.location, &MARKS).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    // The lead sees how closely bob's first try matched: 2 of 6 criteria.
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    let bob_row = page.split("<td>bob</td>").last().expect("bob's row");
    assert!(bob_row.contains(">33%<"), "{bob_row}");
}

/// The lead grades amy's answer as a calibration example; its id.
async fn amy_as_example(lead: &mut Client, exam: i64) -> i64 {
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    let row = page.split("<td>amy</td>").nth(1).expect("amy's answer");
    let answer = number_after(row, "href=\"/answers/").expect("a grade link");
    lead.get(&format!("/answers/{answer}/grade")).await;
    let mut lead_marks: Vec<(&str, &str)> = MARKS.iter().map(|(k, _)| (*k, "3")).collect();
    lead_marks.push(("reason", "正品保证讲清楚了，也给了下一步"));
    lead_marks.push(("calibration", "1"));
    let graded = lead
        .post(&format!("/answers/{answer}/grade"), &lead_marks)
        .await;
    assert_eq!(graded.status, StatusCode::SEE_OTHER, "{}", graded.body);
    answer
}

#[actix_web::test]
async fn the_example_a_reviewer_marked_does_not_come_back_as_a_live_review() {
    let app = spawn().await;
    let (mut lead, mut trainees, exam) = answered_exam(&app).await;
    // k = 3 of four trainees: everyone reviews every answer but their own, so
    // bob certainly holds a live review of amy's answer, and nobody else may
    // take it from him.
    close_and_review(&mut lead, exam, "3").await;
    let answer = amy_as_example(&mut lead, exam).await;
    let bob = &mut trainees[1];
    let before = reviews_waiting(bob).await;
    assert_eq!(before.len(), 3);

    let mut marks: Vec<(&str, &str)> = MARKS.iter().map(|(k, _)| (*k, "3")).collect();
    let answer_field = answer.to_string();
    marks.push(("answer", &answer_field));
    let passed = bob
        .post(&format!("/reviews/{}/calibration", before[0]), &marks)
        .await;
    assert_eq!(passed.status, StatusCode::SEE_OTHER, "{}", passed.body);

    let after = reviews_waiting(bob).await;
    assert_eq!(after.len(), 2, "amy's answer left bob's queue");
    for review in after {
        let page = bob.get(&format!("/reviews/{review}")).await.body;
        assert!(page.contains("review-form"), "{page}");
        assert!(!page.contains("amy在这里"), "{page}");
    }
}
