//! Peer review through the web app: a round on a closed exam, anonymous reviews,
//! and the lead's page with aggregated scores.

mod calibration;
mod demo;
mod inbox;
mod kept;
mod rankings;
mod rounds;
mod rubric;
mod weights;

use reqwest::StatusCode;

use crate::helpers::{
    close_exam, number_after, open_exam, spawn, start, Client, TestApp, AUTHENTIC, MATERIAL,
};

pub(crate) const TRAINEES: [&str; 4] = ["amy", "bob", "cat", "dan"];

/// A complete review: every criterion marked (persuasion last).
pub(crate) const MARKS: [(&str, &str); 6] = [
    ("mark_accuracy", "3"),
    ("mark_empathy", "2"),
    ("mark_next_step", "2"),
    ("mark_time_promise", "1"),
    ("mark_tone", "3"),
    ("mark_persuasion", "2"),
];

/// An open exam of one question that four trainees have answered, each
/// answer naming its author (so a test can tell if a page gives it away).
pub(crate) async fn answered_exam(app: &TestApp) -> (Client, Vec<Client>, i64) {
    let (_, mut lead, mut trainees) = team(app).await;
    let exam = sit(&mut lead, &mut trainees, AUTHENTIC).await;
    (lead, trainees, exam)
}

/// The admin, a lead and the four trainees.
pub(crate) async fn team(app: &TestApp) -> (Client, Client, Vec<Client>) {
    let mut admin = app.admin().await;
    let lead = app.user(&mut admin, "lina", "lead").await;
    let mut trainees = Vec::new();
    for name in TRAINEES {
        trainees.push(app.user(&mut admin, name, "trainee").await);
    }
    (admin, lead, trainees)
}

/// The lead opens an exam of one question and every trainee answers it.
pub(crate) async fn sit(lead: &mut Client, trainees: &mut [Client], prompt: &str) -> i64 {
    let bodies: Vec<String> = TRAINEES
        .iter()
        .map(|name| format!("亲，{name}在这里，本店商品都是正品，请放心购买"))
        .collect();
    sit_with(lead, trainees, prompt, &bodies).await
}

/// The lead opens an exam of one question and every trainee answers it with
/// their own body.
pub(crate) async fn sit_with(
    lead: &mut Client,
    trainees: &mut [Client],
    prompt: &str,
    bodies: &[String],
) -> i64 {
    let exam = open_exam(lead, &[prompt]).await;
    for (t, body) in trainees.iter_mut().zip(bodies) {
        let (attempt, page) = start(t, exam).await;
        let item = crate::helpers::item_ids(&page.body)[0];
        let field = format!("answer_{item}");
        let done = t
            .post(&format!("/attempts/{attempt}/submit"), &[(&field, body)])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    }
    exam
}

/// Closes the exam and starts its review round: k reviewers, due in 3 days.
pub(crate) async fn close_and_review(lead: &mut Client, exam: i64, k: &str) {
    close_exam(lead, exam).await;
    start_round(lead, exam, k).await;
}

/// Starts a closed exam's review round: k reviewers, due in 3 days.
async fn start_round(lead: &mut Client, exam: i64, k: &str) {
    lead.get(&format!("/exams/{exam}/review")).await;
    let started = lead
        .post(
            &format!("/exams/{exam}/review"),
            &[("k", k), ("due_days", "3")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
}

/// The lead grades `name`'s answer in an exam's round with every criterion at `level`.
pub(crate) async fn lead_grades(lead: &mut Client, exam: i64, name: &str, level: &str) {
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    let row = page
        .split(&format!("<td>{name}</td>"))
        .nth(1)
        .expect("the answer");
    let answer = number_after(row, "href=\"/answers/").expect("a grade link");
    lead.get(&format!("/answers/{answer}/grade")).await;
    let mut marks: Vec<(&str, &str)> = MARKS.iter().map(|(k, _)| (*k, level)).collect();
    marks.push(("reason", "按标准评分"));
    let graded = lead.post(&format!("/answers/{answer}/grade"), &marks).await;
    assert_eq!(graded.status, StatusCode::SEE_OTHER, "{}", graded.body);
}

/// The review links on a trainee's home page.
async fn reviews_waiting(t: &mut Client) -> Vec<i64> {
    let home = t.get("/").await.body;
    home.split("href=\"/reviews/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}
