//! Rankings per exam and over time, on final scores.

use super::*;

#[actix_web::test]
async fn trainees_are_ranked_per_exam_and_over_time_on_final_scores() {
    let app = spawn().await;
    let (mut lead, mut trainees, first) = answered_exam(&app).await;
    close_and_review(&mut lead, first, "1").await;
    // Everyone reviews once in the first round: the second counts it.
    for t in trainees.iter_mut() {
        let review = reviews_waiting(t).await[0];
        t.get(&format!("/reviews/{review}")).await;
        let sent = t.post(&format!("/reviews/{review}"), &MARKS).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    }
    // Leads' grades decide, so every final score is known: amy 100 then 0,
    // bob 0 then 100; cat and dan 100 in both.
    for (name, level) in [("amy", "3"), ("bob", "0"), ("cat", "3"), ("dan", "3")] {
        lead_grades(&mut lead, first, name, level).await;
    }
    let second = sit(&mut lead, &mut trainees, MATERIAL).await;
    close_and_review(&mut lead, second, "1").await;
    for (name, level) in [("amy", "0"), ("bob", "3"), ("cat", "3"), ("dan", "3")] {
        lead_grades(&mut lead, second, name, level).await;
    }

    let round = lead.get(&format!("/exams/{second}/review")).await.body;
    let reviewers = round.split("id=\"reviewers\"").nth(1).expect("reviewers");
    let earlier = reviewers
        .split("<tr><td>")
        .skip(1)
        .filter(|row| row.contains("<td class=\"num\">1.0</td>\n"))
        .count();
    assert_eq!(
        earlier, 4,
        "each reputation rests on one earlier review: {reviewers}"
    );
    let standings = round
        .split("id=\"exam-standings\"")
        .nth(1)
        .expect("standings");
    assert!(
        standings.contains("<td class=\"num\">4</td><td>amy</td><td class=\"num\">0.0</td>"),
        "{standings}"
    );

    let team = lead.get("/rankings").await.body;
    let table = team
        .split("id=\"team-rankings\"")
        .nth(1)
        .expect("the table");
    let row = |name: &str| {
        table
            .split(&format!(">{name}</a>"))
            .nth(1)
            .and_then(|r| r.split("</tr>").next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("cat").contains("<strong>100.0</strong>"), "{table}");
    assert!(
        row("amy").contains("<strong>50.0</strong>") && row("amy").contains("-100.0"),
        "{}",
        row("amy")
    );
    assert!(
        row("bob").contains("100.0") && row("bob").contains("第 4/4 名"),
        "{}",
        row("bob")
    );
    let cat = table.find(">cat</a>").expect("cat");
    assert!(
        table.find(">amy</a>").expect("amy") > cat,
        "cat (100) above amy (50)"
    );

    // A trainee sees their own record over time, and nobody else's.
    let amy = &mut trainees[0];
    let mine = amy.get("/progress").await.body;
    let rows = mine.split("id=\"progress\"").nth(1).expect("the record");
    assert_eq!(
        rows.matches("<tr>").count(),
        3,
        "a header and two exams: {rows}"
    );
    assert!(
        rows.contains("第 1/4 名") && rows.contains("第 4/4 名"),
        "{rows}"
    );
    // A readable chart: a 0–100 axis, a point per exam with its value, each
    // linking to that exam's result.
    let chart = mine
        .split("id=\"progress-chart\"")
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .expect("the chart");
    assert_eq!(chart.matches("<circle").count(), 2, "a point per exam");
    assert_eq!(chart.matches("href=\"/attempts/").count(), 2, "{chart}");
    assert!(
        chart.contains(">100</text>") && chart.contains(">0</text>"),
        "axis labels"
    );
    assert_eq!(chart.matches("class=\"value\"").count(), 2, "values shown");
    assert_eq!(amy.get("/rankings").await.status, StatusCode::FORBIDDEN);
    let bob = number_after(&team, "href=\"/progress/").expect("a trainee link");
    assert_eq!(
        amy.get(&format!("/progress/{bob}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        lead.get(&format!("/progress/{bob}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        lead.get("/progress/999999").await.status,
        StatusCode::NOT_FOUND
    );
}
