//! A lead's inbox on the home page: appeals, answers needing a grade, rounds
//! closing today and finished imports, each a link; no trainee-only parts for
//! a lead who takes no exams.

use super::*;

fn now_ms() -> i64 {
    huashu::db::now_ms()
}

#[actix_web::test]
async fn a_leads_home_lists_what_waits_for_them_and_hides_the_trainees_parts() {
    let app = spawn().await;
    let (mut lead, mut trainees, exam) = answered_exam(&app).await;
    let home = lead.get("/").await.body;
    assert!(home.contains("id=\"inbox\""), "{home}");
    assert!(home.contains("暂时没有待处理的事项"), "{home}");
    // The exam is open, yet the lead, who sits none, gets no start button
    // and no results of their own; the trainees do.
    assert!(!home.contains("start-exam") && !home.contains("id=\"my-results\""));
    let amy_home = trainees[0].get("/").await.body;
    assert!(amy_home.contains("id=\"my-results\"") && !amy_home.contains("id=\"inbox\""));

    close_and_review(&mut lead, exam, "2").await;
    assert!(
        !lead.get("/").await.body.contains("inbox-round"),
        "due in three days: not today's"
    );
    app.sql(&format!(
        "UPDATE review_rounds SET due_at = {}",
        now_ms() + 3_600_000
    ));
    let home = lead.get("/").await.body;
    let round = home.split("class=\"inbox-round\"").nth(1).expect("{home}");
    assert!(
        round.contains(&format!("href=\"/exams/{exam}/review\"")),
        "{round}"
    );

    // amy appeals her score: the lead's inbox links to the decision.
    let amy = &mut trainees[0];
    let result_home = amy.get("/").await.body;
    let attempt = number_after(&result_home, "href=\"/attempts/").expect("an attempt");
    let result = amy.get(&format!("/attempts/{attempt}/result")).await.body;
    let answer = number_after(&result, "action=\"/answers/").expect("an appeal form");
    let attempt_field = attempt.to_string();
    let appealed = amy
        .post(
            &format!("/answers/{answer}/appeal"),
            &[
                ("attempt", &attempt_field),
                ("reason", "我给了具体的处理时间"),
            ],
        )
        .await;
    assert_eq!(appealed.status, StatusCode::SEE_OTHER, "{}", appealed.body);
    let home = lead.get("/").await.body;
    let appeals = home
        .split("class=\"inbox-appeals\"")
        .nth(1)
        .expect("{home}");
    assert!(
        appeals.contains(&format!("href=\"/exams/{exam}/review?show=appeals\""))
            && appeals.contains("1 条申诉待处理"),
        "{appeals}"
    );

    // The round is past due with no review in: four answers wait for a grade.
    app.sql(&format!(
        "UPDATE review_rounds SET due_at = {}",
        now_ms() - 1
    ));
    let home = lead.get("/").await.body;
    let grade = home.split("class=\"inbox-grade\"").nth(1).expect("{home}");
    assert!(grade.contains("4 份回复无人评审"), "{grade}");
    assert!(!home.contains("inbox-round"), "no longer due today");

    // The round page leads with a summary, and the inbox's links filter it.
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    let summary = page.split("id=\"round-summary\"").nth(1).expect("{page}");
    let row = summary.split("<tbody>").nth(1).expect("a row");
    assert!(
        row.contains(">4</td>") && row.contains(">0/8</td>"),
        "{row}"
    );
    assert!(!page.contains("question-detail\" id=\"q1\" open"), "folded");
    let shown = |page: &str| page.matches("class=\"grade-link\"").count();
    assert_eq!(shown(&page), 4);
    let appeals = lead
        .get(&format!("/exams/{exam}/review?show=appeals"))
        .await
        .body;
    assert_eq!(shown(&appeals), 1, "amy's answer only");
    assert!(appeals.contains("我给了具体的处理时间") && appeals.contains(" open>"));
    let to_grade = lead
        .get(&format!("/exams/{exam}/review?show=grade"))
        .await
        .body;
    assert_eq!(shown(&to_grade), 4);
    let disagree = lead
        .get(&format!("/exams/{exam}/review?show=disagree"))
        .await
        .body;
    assert_eq!(shown(&disagree), 0);
    assert!(disagree.contains("id=\"nothing-filtered\""));

    // The round's final scores with their parts, as a CSV.
    let csv = lead.get(&format!("/exams/{exam}/review.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut lines = csv.body.trim_start_matches('\u{FEFF}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "question,prompt,trainee,username,final,automatic,peer,comparative,lead,reviews,appeal"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    let amy_row = rows
        .iter()
        .find(|r| r.contains(",amy,amy,"))
        .expect("amy's row");
    assert!(
        amy_row.ends_with(",0,open"),
        "no review in, her appeal open: {amy_row}"
    );
    assert!(page.contains(&format!("href=\"/exams/{exam}/review.csv\"")));

    // A finished import links to its report.
    let log = crate::mining::fixture("quoted.csv");
    let (id, _) = crate::mining::upload(&mut lead, &log).await;
    let home = lead.get("/").await.body;
    let import = home.split("class=\"inbox-import\"").nth(1).expect("{home}");
    assert!(import.contains(&format!("href=\"/imports/{id}\"")) && import.contains("quoted.csv"));
}
