//! The scorer's weights calibrated to the team's leads: fitted to their
//! grades, put in force only when they agree better on unseen questions,
//! used for answers submitted afterwards, and undone.

use super::*;

/// The three questions graded, and one more to sit afterwards.
const GRADED: [&str; 3] = [
    "你们家卖的是正品吗",
    "这个杯子是什么材质",
    "现在下单有没有优惠券可以用",
];
const LATER: &str = "这件衣服M码还有货吗";

/// The first reference of the shipped question whose prompt starts so.
fn reference(prompt: &str) -> String {
    let bank = huashu::domain::bank::parse(include_str!("../../../exams/pre-sale.toml"))
        .expect("the shipped bank");
    let question = bank.questions.iter().find(|q| q.prompt.starts_with(prompt));
    question.expect("a shipped question").references[0].clone()
}

#[actix_web::test]
async fn weights_fitted_to_leads_grades_are_used_once_a_lead_puts_them_in_force() {
    let app = spawn().await;
    let (_, mut lead, mut trainees) = team(&app).await;
    let page = lead.get("/scoring").await.body;
    assert!(page.contains("id=\"in-force-default\""), "{page}");
    assert!(
        page.contains("id=\"weights-unfit\"") && page.contains("至少需要 10 个"),
        "{page}"
    );
    let refused = lead.post("/scoring/adopt", &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);

    // A lead who grades against the scorer: the closer to the reference, the
    // lower the grade. The built-in weights disagree on every question; the
    // fit learns it, and shows it on questions it did not see.
    for prompt in GRADED {
        let full = reference(prompt);
        let half: String = full.chars().take(full.chars().count() / 2).collect();
        let bodies = [
            full,
            half,
            "亲，您好，欢迎光临本店，有什么可以帮您的吗？".to_string(),
            "这个我也不太清楚。".to_string(),
        ];
        let exam = sit_with(&mut lead, &mut trainees, prompt, &bodies).await;
        close_and_review(&mut lead, exam, "1").await;
        for (name, level) in TRAINEES.iter().zip(["0", "1", "2", "3"]) {
            lead_grades(&mut lead, exam, name, level).await;
        }
    }
    let page = lead.get("/scoring").await.body;
    assert!(
        page.contains("共 12 个组长评分的答案，涉及 3 道题"),
        "{page}"
    );
    assert_eq!(
        page.matches("<meter").count(),
        huashu::domain::calibration::SIGNALS.len(),
        "one row per signal"
    );
    assert!(
        page.contains("id=\"weights-adopt\""),
        "the fit beats the built-in weights: {page}"
    );
    let adopted = lead.post("/scoring/adopt", &[]).await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    let page = lead.get("/scoring").await.body;
    assert!(
        page.contains("id=\"in-force-calibrated\"") && page.contains("lina"),
        "{page}"
    );

    // Answers submitted now are scored with them; after a reset, not.
    let exam = open_exam(&mut lead, &[LATER]).await;
    let copy = reference(LATER);
    let mut results = Vec::new();
    for (i, t) in trainees.iter_mut().take(2).enumerate() {
        if i == 1 {
            let reset = lead.post("/scoring/reset", &[]).await;
            assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
        }
        let (attempt, page) = start(t, exam).await;
        let item = crate::helpers::item_ids(&page.body)[0];
        let field = format!("answer_{item}");
        t.post(
            &format!("/attempts/{attempt}/submit"),
            &[(&field, copy.as_str())],
        )
        .await;
        results.push(t.get(&format!("/attempts/{attempt}/result")).await.body);
    }
    assert!(
        results[0].contains("class=\"calibrated\""),
        "{}",
        results[0]
    );
    assert!(
        !results[1].contains("class=\"calibrated\""),
        "{}",
        results[1]
    );
    let total = |page: &str| {
        let at = page.find("id=\"total-score\">").expect("a total") + "id=\"total-score\">".len();
        page[at..]
            .split('<')
            .next()
            .and_then(|t| t.parse::<f64>().ok())
            .expect("a number")
    };
    assert_eq!(
        total(&results[1]),
        100.0,
        "the built-in weights: a copy is complete"
    );
    assert!(
        total(&results[0]) < 50.0,
        "this team's leads mark copies down: {}",
        total(&results[0])
    );
    let page = lead.get("/scoring").await.body;
    assert!(page.contains("id=\"in-force-default\""), "{page}");

    // Weights stored by a version with other signals are shown as such and
    // not used.
    let old = r#"{"signals":["default_score"],"mean":[0.0],"scale":[1.0],"weights":[-50.0],"intercept":50.0,"grade_min":0.0,"grade_max":100.0,"held_out_r":0.9,"default_r":0.1,"answers":12}"#;
    app.sql(&format!(
        "INSERT INTO scoring_weights (model_json, chosen_by, chosen_at) VALUES ('{old}', 1, 0)"
    ));
    let page = lead.get("/scoring").await.body;
    assert!(page.contains("id=\"weights-stale\""), "{page}");
    let (attempt, page) = start(&mut trainees[2], exam).await;
    let item = crate::helpers::item_ids(&page.body)[0];
    trainees[2]
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&format!("answer_{item}"), copy.as_str())],
        )
        .await;
    let result = trainees[2]
        .get(&format!("/attempts/{attempt}/result"))
        .await
        .body;
    assert!(!result.contains("class=\"calibrated\""), "{result}");
    assert_eq!(total(&result), 100.0);
}
