//! The final scores an instance keeps in memory: computed again whenever
//! anything they are computed from is written, by whichever instance.

use std::collections::HashMap;

use huashu::app::review::Finals;
use huashu::db::columns::AnswerId;

use super::*;

fn version(app: &TestApp) -> i64 {
    app.count("SELECT n FROM review_version WHERE id = 1")
}

fn assert_same(kept: &HashMap<AnswerId, f64>, fresh: &HashMap<AnswerId, f64>, what: &str) {
    assert_eq!(
        kept.len(),
        fresh.len(),
        "{what}: {kept:?} against {fresh:?}"
    );
    for (id, score) in fresh {
        let held = kept.get(id).copied().unwrap_or(f64::NAN);
        assert!(
            (held - score).abs() < 1e-9,
            "{what}: answer {id:?} kept {held}, now {score}"
        );
    }
}

#[actix_web::test]
async fn kept_final_scores_follow_every_write_they_are_computed_from() {
    let (app, _dir) = crate::helpers::spawn_demo().await;
    let pool = huashu::cli::serve::open_db(&app.url).expect("database");
    let mut conn = pool.get().expect("conn");
    let exams: Vec<_> = huashu::db::review::rounds(&mut conn)
        .expect("rounds")
        .iter()
        .map(|r| r.exam_id)
        .collect();
    // This one stands for an instance that keeps serving; each write is made
    // as another instance (or a lead with a SQL shell) would make it.
    let kept = Finals::default();
    let writes = [
        (
            "reviewers' marks",
            "UPDATE review_assignments SET score = 100 - score WHERE score IS NOT NULL",
        ),
        (
            "a lead's grade",
            "INSERT INTO lead_grades (answer_id, grader_id, rubric_json, marks_json, score, \
             reason, calibration, graded_at) \
             SELECT (SELECT MIN(a.answer_id) FROM review_assignments a WHERE a.score IS NOT NULL \
             AND a.answer_id NOT IN (SELECT answer_id FROM lead_grades)), grader_id, rubric_json, \
             marks_json, 0, reason, (1 = 0), graded_at FROM lead_grades \
             WHERE id = (SELECT MIN(id) FROM lead_grades)",
        ),
        (
            "automatic scores",
            "UPDATE answers SET score = 0 WHERE id IN (SELECT answer_id FROM review_assignments)",
        ),
        (
            "comparisons",
            "UPDATE review_comparisons SET winner = CASE WHEN winner = answer_a \
             THEN answer_b ELSE answer_a END WHERE winner IS NOT NULL",
        ),
        (
            "the blend's weights",
            "UPDATE review_rounds SET weights_json = \
             '{\"automatic\":0.1,\"peer\":0.1,\"comparative\":0.8}'",
        ),
        (
            "a review withdrawn",
            "DELETE FROM review_assignments WHERE id = \
             (SELECT MIN(id) FROM review_assignments WHERE score IS NOT NULL)",
        ),
        (
            "an attempt reopened",
            "UPDATE attempts SET submitted_at = NULL WHERE id = (SELECT MIN(s.attempt_id) \
             FROM answers s JOIN review_assignments a ON a.answer_id = s.id \
             WHERE a.score IS NOT NULL)",
        ),
    ];
    for (what, statement) in writes {
        let before = kept.of_answers(&mut conn, &exams).expect("kept");
        let moved_from = version(&app);
        app.sql(statement);
        assert!(version(&app) > moved_from, "{what} moved the version on");
        let now = kept.of_answers(&mut conn, &exams).expect("kept");
        let fresh = Finals::default()
            .of_answers(&mut conn, &exams)
            .expect("fresh");
        assert_same(&now, &fresh, what);
        assert!(
            before.iter().any(|(id, s)| now.get(id) != Some(s)) || before.len() != now.len(),
            "{what} changed some final score"
        );
    }
}

#[actix_web::test]
async fn answering_before_a_round_leaves_the_review_data_alone() {
    let app = spawn().await;
    let (mut lead, mut trainees) = {
        let (_, lead, trainees) = team(&app).await;
        (lead, trainees)
    };
    let before = version(&app);
    let exam = sit(&mut lead, &mut trainees, AUTHENTIC).await;
    let (attempt, page) = start(&mut trainees[0], open_exam(&mut lead, &[MATERIAL]).await).await;
    let item = crate::helpers::item_ids(&page.body)[0];
    let (status, _) = trainees[0]
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            serde_json::json!({ "item_id": item, "body": "亲，在的" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        version(&app),
        before,
        "autosaves and submissions with no round change no final score"
    );
    close_and_review(&mut lead, exam, "2").await;
    assert!(version(&app) > before, "a round started");
}
