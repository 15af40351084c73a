use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    close_exam, item_ids, number_after, open_exam, question_id, spawn, spawn_with_banks, start,
    started_exam, Started, AUTHENTIC, MATERIAL,
};

#[actix_web::test]
async fn a_trainee_takes_an_exam_and_the_lead_sees_the_ranking() {
    let app = spawn().await;
    let Started {
        mut admin,
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
    } = started_exam(&app, &[AUTHENTIC, MATERIAL]).await;
    let mut bob = app.user(&mut admin, "bob", "trainee").await;
    assert_eq!(items.len(), 2);
    let (status, _) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": items[0], "body": "亲，您好，正在为您查询", "spent_ms": 5000 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let reload = amy.get(&format!("/attempts/{attempt}")).await;
    assert!(
        reload.body.contains("亲，您好，正在为您查询"),
        "draft survives a reload"
    );

    let a0 = format!("answer_{}", items[0]);
    let a1 = format!("answer_{}", items[1]);
    let done = amy
        .post(&format!("/attempts/{attempt}/submit"), &[(&a0, "亲，您的担心我完全理解。本店是品牌官方授权店铺，每件商品都有防伪码，请您放心购买～"), (&a1, "是304不锈钢的，谢谢")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let result = amy.get(&format!("/attempts/{attempt}/result")).await;
    assert!(result.body.contains("自动评分"));
    let total: f64 = result
        .body
        .split("id=\"total-score\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|s| s.parse().ok())
        .expect("a total");
    assert!(total > 0.0 && total < 100.0, "{total}");
    assert!(result.body.contains("第 1 名 / 共 1 人"));
    assert!(
        result.body.contains("id=\"automatic-only\""),
        "before any review the score says it is the automatic one"
    );
    // The matched reference is shown as written beside the answer, then what
    // the answer misses of it, then the detailed diff on demand.
    assert!(result
        .body
        .contains("class=\"body matched-reference\">亲，这款杯子内胆是食品级304不锈钢"));
    let missing = result
        .body
        .split("class=\"missing\"")
        .nth(2)
        .and_then(|m| m.split("</p>").next())
        .expect("what the material answer misses");
    assert!(missing.contains("外壳是PP材质"), "{missing}");
    assert!(!missing.contains("304"), "she said 304: {missing}");
    assert!(!result.body.contains("最接近参考答案"));
    assert!(
        result.body.contains("<details class=\"diff-details\">")
            && (result.body.contains("<ins>") || result.body.contains("<del>")),
        "differences are highlighted on demand"
    );

    let (bob_attempt, bob_page) = start(&mut bob, exam).await;
    let bob_items = item_ids(&bob_page.body);
    let b0 = format!("answer_{}", bob_items[0]);
    let b1 = format!("answer_{}", bob_items[1]);
    bob.post(
        &format!("/attempts/{bob_attempt}/submit"),
        &[(&b0, "不知道"), (&b1, "不知道")],
    )
    .await;

    let results = lead.get(&format!("/exams/{exam}/results")).await;
    assert_eq!(results.status, StatusCode::OK);
    let amy_at = results.body.find("<td>amy</td>").expect("amy ranked");
    let bob_at = results.body.find("<td>bob</td>").expect("bob ranked");
    assert!(amy_at < bob_at, "higher score ranks first");
    assert!(
        results.body.contains("是304不锈钢的，谢谢"),
        "answers side by side"
    );
    assert!(
        results.body.contains("用时 5 秒"),
        "time per question is recorded"
    );

    // A trainee can neither see another trainee's attempt nor the lead's pages.
    assert_eq!(
        bob.get(&format!("/attempts/{attempt}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bob.get(&format!("/attempts/{attempt}/result")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bob.get(&format!("/exams/{exam}/results")).await.status,
        StatusCode::FORBIDDEN
    );

    amy.post("/logout", &[]).await;
    assert_eq!(amy.get("/").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn an_attempt_is_submitted_once() {
    let app = spawn().await;
    let Started {
        mut amy,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let field = format!("answer_{}", items[0]);
    let first = amy
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&field, "亲，马上为您处理")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let again = amy
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&field, "改过的答案")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("答卷已提交"));
    let result = amy.get(&format!("/attempts/{attempt}/result")).await;
    assert!(result.body.contains("亲，马上为您处理") && !result.body.contains("改过的答案"));
}

#[actix_web::test]
async fn an_empty_or_huge_answer_is_refused_and_the_drafts_survive() {
    let app = spawn().await;
    let Started {
        mut amy,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC, MATERIAL]).await;
    let draft_url = format!("/api/attempts/{attempt}/draft");
    amy.post_json(
        &draft_url,
        json!({ "item_id": items[0], "body": "先写的草稿" }),
    )
    .await;

    let huge = "好".repeat(100_000);
    let (status, error) = amy
        .post_json(&draft_url, json!({ "item_id": items[0], "body": huge }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error["error"].as_str().unwrap_or("").contains("100000"),
        "{error}"
    );

    let a0 = format!("answer_{}", items[0]);
    let a1 = format!("answer_{}", items[1]);
    let refused = amy
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&a0, &huge), (&a1, "第二题答案")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("第 1 题：答案有 100000 个字"),
        "{}",
        &refused.body[..refused.body.len().min(3000)]
    );
    assert!(
        refused.body.contains("先写的草稿") && refused.body.contains("第二题答案"),
        "nothing typed is lost"
    );

    let blank = amy
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&a0, "  "), (&a1, "第二题答案")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("第 1 题还没有作答"), "{}", blank.body);
    // Every blank question is named, not just the first.
    let both = amy
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&a0, " "), (&a1, "")],
        )
        .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(both.body.contains("第 1、2 题还没有作答"), "{}", both.body);

    let allowed = amy
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&a0, ""), (&a1, "第二题答案"), ("allow_blank", "1")],
        )
        .await;
    assert_eq!(
        allowed.status,
        StatusCode::SEE_OTHER,
        "blank answers are allowed when the trainee says so"
    );
}

#[actix_web::test]
async fn an_answer_with_markup_is_shown_as_text_to_the_lead() {
    let app = spawn().await;
    let Started {
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let field = format!("answer_{}", items[0]);
    amy.post(
        &format!("/attempts/{attempt}/submit"),
        &[(&field, "<script>alert('x')</script>亲")],
    )
    .await;
    let results = lead.get(&format!("/exams/{exam}/results")).await;
    assert!(!results.body.contains("<script>alert"));
    assert!(results.body.contains("&lt;script&gt;"));
}

#[actix_web::test]
async fn a_closed_exam_takes_no_more_answers() {
    let app = spawn().await;
    let Started {
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let item = items[0];
    close_exam(&mut lead, exam).await;
    let (status, _) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": item, "body": "迟到的答案" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let start_again = amy.post(&format!("/exams/{exam}/start"), &[]).await;
    assert_eq!(start_again.status, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn closing_submits_every_attempt_in_progress_with_what_it_saved() {
    let app = spawn().await;
    let Started {
        mut admin,
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
    } = started_exam(&app, &[AUTHENTIC, MATERIAL]).await;
    let mut bob = app.user(&mut admin, "bob", "trainee").await;
    start(&mut bob, exam).await;
    let saved = "亲，您的担心我完全理解，本店是品牌官方授权店铺，请放心购买，谢谢";
    let (status, _) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": items[0], "body": saved, "spent_ms": 4000 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The lead is told who is still writing before closing.
    let page = lead.get(&format!("/exams/{exam}")).await.body;
    assert!(page.contains("2 人作答中"), "{page}");
    assert!(
        page.contains("还有 2 名学员正在作答"),
        "the close button asks first: {page}"
    );
    let closed = lead
        .post(&format!("/exams/{exam}/status"), &[("action", "close")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    assert!(lead
        .get(&format!("/exams/{exam}"))
        .await
        .body
        .contains("2 名学员已按已保存的答案自动交卷"));
    // What amy types afterwards is refused with the reason, not dropped silently.
    let (status, body) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": items[1], "body": "关闭后才写的" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("组长已关闭")),
        "{body}"
    );
    // Her reload shows her result, scored on what she had saved.
    let reload = amy.get(&format!("/attempts/{attempt}")).await;
    assert_eq!(reload.location, format!("/attempts/{attempt}/result"));
    let result = amy.get(&reload.location).await.body;
    assert!(result.contains("自动交卷"), "{result}");
    assert!(result.contains(saved));
    // The lead's results count both trainees as submitted.
    let results = lead.get(&format!("/exams/{exam}/results")).await.body;
    assert!(
        results.contains("amy") && results.contains("bob"),
        "{results}"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM attempts WHERE submitted_at IS NOT NULL AND closed_by_lead"
        ),
        2
    );
}

#[actix_web::test]
async fn a_closed_exam_reopens_until_its_review_starts_and_gives_back_the_attempts() {
    let app = spawn().await;
    let Started {
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    amy.post_json(
        &format!("/api/attempts/{attempt}/draft"),
        json!({ "item_id": items[0], "body": "写到一半" }),
    )
    .await;
    close_exam(&mut lead, exam).await;
    let page = lead.get(&format!("/exams/{exam}")).await.body;
    assert!(page.contains("id=\"reopen-exam\""), "{page}");
    let reopened = lead
        .post(&format!("/exams/{exam}/status"), &[("action", "reopen")])
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER, "{}", reopened.body);
    // Amy goes on where she was.
    let take = amy.get(&format!("/attempts/{attempt}")).await;
    assert_eq!(take.status, StatusCode::OK, "{}", take.location);
    assert!(take.body.contains("写到一半"));
    let (status, _) = amy
        .post_json(
            &format!("/api/attempts/{attempt}/draft"),
            json!({ "item_id": items[0], "body": "写完了，谢谢" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Once a review round has started, the exam stays closed.
    let mut others = Vec::new();
    let mut admin = app.client();
    admin.login("boss", "password-123").await;
    admin.get("/admin/users").await;
    for name in ["bo", "cy", "di"] {
        let mut t = app.user(&mut admin, name, "trainee").await;
        let (a, page) = start(&mut t, exam).await;
        let item = item_ids(&page.body)[0];
        t.post(
            &format!("/attempts/{a}/submit"),
            &[(&format!("answer_{item}"), "亲，是正品，请放心")],
        )
        .await;
        others.push(t);
    }
    crate::review::close_and_review(&mut lead, exam, "2").await;
    lead.get(&format!("/exams/{exam}")).await;
    let refused = lead
        .post(&format!("/exams/{exam}/status"), &[("action", "reopen")])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("同伴评审已经开始"),
        "{}",
        refused.body
    );
}

#[actix_web::test]
async fn a_status_change_on_a_missing_exam_is_not_found() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    lead.get("/exams/new").await;
    let page = lead.post("/exams/999/status", &[("action", "close")]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_lead_can_draw_questions_at_random_per_category() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    lead.get("/exams/new").await;
    let fields = [
        ("title", "随机"),
        ("time_limit", "20"),
        ("pass_mark", "60"),
        ("mode", "random"),
        ("per_category", "2"),
        ("cat", "refund"),
        ("cat", "complaint"),
    ];
    let created = lead.post("/exams", &fields).await;
    let id = number_after(&created.location, "/exams/").expect("created");
    let show = lead.get(&format!("/exams/{id}")).await;
    assert_eq!(
        crate::helpers::draft_items(&show.body).len(),
        4,
        "2 per category"
    );
    assert_eq!(show.body.matches(">退款</span>").count(), 2);
    assert_eq!(show.body.matches(">投诉</span>").count(), 2);
}

#[actix_web::test]
async fn invalid_exam_settings_are_refused_with_a_message() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    lead.get("/exams/new").await;
    let none = lead
        .post(
            "/exams",
            &[
                ("title", "空"),
                ("time_limit", "30"),
                ("pass_mark", "60"),
                ("mode", "pick"),
            ],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The same form comes back, the message beside the questions, what was typed kept.
    assert!(none.body.contains("id=\"new-exam\""), "{}", none.body);
    assert!(none.body.contains("id=\"questions-error\""));
    assert!(none.body.contains("请至少选择一道题目"));
    assert!(none
        .body
        .contains("name=\"title\" required maxlength=\"80\" value=\"空\""));
    let bad = lead
        .post(
            "/exams",
            &[
                ("title", "售后 <测试>"),
                ("time_limit", "abc"),
                ("pass_mark", "75"),
                ("mode", "random"),
                ("cat", "refund"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let beside = bad
        .body
        .split("name=\"time_limit\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        beside
            .split("</label>")
            .next()
            .unwrap_or_default()
            .contains("考试时长需为 1–480 分钟"),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("value=\"售后 &lt;测试&gt;\""),
        "kept and escaped"
    );
    assert!(bad.body.contains("value=\"75\""));
    assert!(bad.body.contains("value=\"random\" checked"));
    assert!(bad.body.contains("value=\"refund\" checked"));
}

#[actix_web::test]
async fn a_broken_bank_is_refused_with_its_reason_and_the_others_still_load() {
    let dir = tempfile::tempdir().expect("dir");
    let exams = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exams/pre-sale.toml");
    std::fs::copy(exams, dir.path().join("good.toml")).expect("copy");
    std::fs::write(dir.path().join("broken.toml"), "[bank]\nslug = \"broken\"\ntitle = \"坏的\"\n\n[[questions]]\nid = \"q\"\nscene = \"later\"\ncategory = \"refund\"\nprompt = \"?\"\nreferences = [\"好的\"]\n").expect("write");
    let app = spawn_with_banks(dir.path()).await;
    let mut admin = app.admin().await;
    let banks = admin.get("/banks").await;
    assert!(banks.body.contains("broken.toml"));
    assert!(
        banks
            .body
            .contains("line 7: questions.scene: unknown scene"),
        "{}",
        banks.body
    );
    assert!(banks.body.contains("未加载") && banks.body.contains("已加载"));
    assert!(admin
        .get("/exams/new")
        .await
        .body
        .contains("你们家卖的是正品吗"));
}

#[actix_web::test]
async fn nobody_can_autosave_into_another_trainees_attempt() {
    let app = spawn().await;
    let Started {
        mut admin,
        mut amy,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let draft_url = format!("/api/attempts/{attempt}/draft");
    amy.post_json(
        &draft_url,
        json!({ "item_id": items[0], "body": "艾米的草稿" }),
    )
    .await;
    let mut mallory = app.user(&mut admin, "mallory", "trainee").await;
    mallory.get("/").await;
    let (status, _) = mallory
        .post_json(
            &draft_url,
            json!({ "item_id": items[0], "body": "冒名顶替" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = amy
        .post_json(
            &draft_url,
            json!({ "item_id": items[0] + 999, "body": "别的考试的题" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an item of another exam is refused"
    );
    assert!(amy
        .get(&format!("/attempts/{attempt}"))
        .await
        .body
        .contains("艾米的草稿"));
}

#[actix_web::test]
async fn a_submission_sent_after_the_closing_shows_the_result_of_what_was_saved() {
    let app = spawn().await;
    let Started {
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC, MATERIAL]).await;
    amy.post_json(
        &format!("/api/attempts/{attempt}/draft"),
        json!({ "item_id": items[0], "body": "已保存的回答" }),
    )
    .await;
    close_exam(&mut lead, exam).await;
    let late = "好".repeat(5000);
    let a0 = format!("answer_{}", items[0]);
    let done = amy
        .post(&format!("/attempts/{attempt}/submit"), &[(&a0, &late)])
        .await;
    assert_eq!(
        done.status,
        StatusCode::SEE_OTHER,
        "{}",
        &done.body[..done.body.len().min(500)]
    );
    let result = amy.get(&format!("/attempts/{attempt}/result")).await;
    assert!(result.body.contains("已保存的回答") && !result.body.contains(&late[..30]));
}

#[actix_web::test]
async fn concurrent_autosaves_are_each_acknowledged_after_they_are_stored() {
    let app = spawn().await;
    let Started {
        mut amy,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC, MATERIAL]).await;
    let url = format!("{}/api/attempts/{attempt}/draft", amy.base);
    // Sixty saves in flight at once reach the writer together and share commits;
    // each adds one second, so the stored time tells whether any was dropped.
    let saves = (0..60).map(|n| {
        amy.http
            .post(&url)
            .header("X-CSRF-Token", &amy.csrf)
            .json(&json!({ "item_id": items[n % 2], "body": format!("第{n}版"), "spent_ms": 1000 }))
            .send()
    });
    for res in futures_util::future::join_all(saves).await {
        assert_eq!(res.expect("sent").status(), StatusCode::OK);
    }
    let page = amy.get(&format!("/attempts/{attempt}")).await;
    assert!(page.body.contains("版"), "a draft is shown on the page");
    let a0 = format!("answer_{}", items[0]);
    let a1 = format!("answer_{}", items[1]);
    amy.post(
        &format!("/attempts/{attempt}/submit"),
        &[(&a0, "正品保证"), (&a1, "纯棉面料")],
    )
    .await;
    let result = amy.get(&format!("/attempts/{attempt}/result")).await;
    assert_eq!(
        result.body.matches("用时 30 秒").count(),
        2,
        "30 saves of one second on each question are all kept"
    );
}

#[actix_web::test]
async fn a_disabled_trainee_can_no_longer_autosave() {
    let app = spawn().await;
    let Started {
        mut admin,
        mut amy,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let url = format!("/api/attempts/{attempt}/draft");
    let (status, _) = amy
        .post_json(&url, json!({ "item_id": items[0], "body": "停用前" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    admin.get("/admin/users").await;
    // The admin is 1, the lead 2, amy 3.
    let done = admin.post("/admin/users/3", &[("action", "disable")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let (status, _) = amy
        .post_json(&url, json!({ "item_id": items[0], "body": "停用后" }))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "sent to the login page");
    let (status, _) = amy
        .post_json(&url, json!({ "item_id": items[0], "body": "再试一次" }))
        .await;
    assert_ne!(status, StatusCode::OK, "the cookie was cleared");
}

#[actix_web::test]
async fn a_disabled_trainee_can_no_longer_open_the_exam() {
    let app = spawn().await;
    let Started {
        mut admin,
        mut amy,
        attempt,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let page = format!("/attempts/{attempt}");
    assert_eq!(amy.get(&page).await.status, StatusCode::OK);
    admin.get("/admin/users").await;
    let done = admin.post("/admin/users/3", &[("action", "disable")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let refused = amy.get(&page).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(
        refused.location.starts_with("/login"),
        "{}",
        refused.location
    );
    assert_eq!(amy.get("/").await.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn starting_again_finds_the_same_attempt_and_a_closed_exam_cannot_be_started() {
    let app = spawn().await;
    let Started {
        mut admin,
        mut lead,
        mut amy,
        exam,
        attempt,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let (again, _) = start(&mut amy, exam).await;
    assert_eq!(again, attempt, "one attempt per trainee and exam");
    let mut bob = app.user(&mut admin, "bob", "trainee").await;
    close_exam(&mut lead, exam).await;
    bob.get("/").await;
    let late = bob.post(&format!("/exams/{exam}/start"), &[]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.body.contains("该考试当前未开放"), "{}", late.body);
    let nowhere = bob.post("/exams/9999/start", &[]).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);

    // A disabled trainee is sent to log in, not given an attempt.
    let exam2 = crate::helpers::open_exam(&mut lead, &[AUTHENTIC]).await;
    admin.get("/admin/users").await;
    // The admin is 1, the lead 2, amy 3, bob 4.
    admin.post("/admin/users/4", &[("action", "disable")]).await;
    let refused = bob.post(&format!("/exams/{exam2}/start"), &[]).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(
        refused.location.starts_with("/login"),
        "{}",
        refused.location
    );
}

#[actix_web::test]
async fn a_corrupt_stored_item_is_an_error_page_not_a_silent_blank() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    let exam = crate::helpers::open_exam(&mut lead, &[AUTHENTIC]).await;
    assert_eq!(
        lead.get(&format!("/exams/{exam}")).await.status,
        StatusCode::OK
    );
    // Before, unreadable references showed as none; now the row is named in the log.
    app.sql("UPDATE exam_items SET references_json = '[\"cut off' WHERE id IS NOT NULL");
    let page = lead.get(&format!("/exams/{exam}")).await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !page.body.contains("cut off"),
        "nothing of the row is shown"
    );
}

#[actix_web::test]
async fn a_lead_exports_an_exams_results_as_csv_that_excel_reads() {
    let app = spawn().await;
    let Started {
        mut lead,
        mut amy,
        exam,
        attempt,
        items,
        ..
    } = started_exam(&app, &[AUTHENTIC]).await;
    let answer = format!("answer_{}", items[0]);
    let sent = amy
        .post(
            &format!("/attempts/{attempt}/submit"),
            &[(&answer, "亲，是正品，请放心")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let results = lead.get(&format!("/exams/{exam}/results")).await.body;
    assert!(results.contains(&format!("href=\"/exams/{exam}/results.csv\"")));
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/exams/{exam}/results.csv", app.base))
        .send()
        .await
        .expect("GET");
    assert_ne!(res.status(), StatusCode::OK, "not without signing in");
    let csv = lead.get(&format!("/exams/{exam}/results.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.starts_with('\u{FEFF}'),
        "a BOM, so Excel reads UTF-8"
    );
    let mut lines = csv.body.trim_start_matches('\u{FEFF}').lines();
    let header = lines.next().expect("a header");
    assert!(
        header.starts_with("rank,trainee,username,final,automatic,passed,Q1 "),
        "{header}"
    );
    let row = lines.next().expect("amy's row");
    // No review round yet: no final score, the automatic one beside it.
    assert!(row.starts_with("1,amy,amy,,"), "{row}");
    // One question: the automatic total is that question's score.
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells.len(), 7, "{row}");
    assert_eq!(cells[4], cells[6], "{row}");
    assert!(cells[4].parse::<f64>().is_ok(), "{row}");
    assert_eq!(lines.next(), None, "one trainee, one row");
    // The questions list and the rankings export too, for leads only.
    for path in ["/questions.csv", "/rankings.csv"] {
        let file = lead.get(path).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        assert!(file.body.starts_with('\u{FEFF}'));
        assert_ne!(amy.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[actix_web::test]
async fn the_draft_editor_saves_every_item_at_once_and_reorders_removes_adds_and_deletes() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    let form = lead.get("/exams/new").await.body;
    let (authentic, material) = (question_id(&form, AUTHENTIC), question_id(&form, MATERIAL));
    let exam = crate::helpers::draft_exam(&mut lead, "草稿", &[AUTHENTIC, MATERIAL]).await;
    let page = lead.get(&format!("/exams/{exam}")).await.body;
    let items = crate::helpers::draft_items(&page);
    assert_eq!(items.len(), 2);
    assert!(
        page.contains("<textarea name=\"prompt_"),
        "a wide prompt box"
    );
    let extra = page
        .split("name=\"add\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a bank question to add")
        .to_string();
    assert!(
        extra != authentic && extra != material,
        "only questions not in it"
    );

    // Both items edited at once, their order swapped, and a third added.
    let mut fields = crate::helpers::draft_settings("十二月复训");
    for (item, prompt, order) in [(items[0], "正品吗？", "2"), (items[1], "什么材质？", "1")]
    {
        fields.push((format!("prompt_{item}"), prompt.into()));
        fields.push((format!("references_{item}"), format!("亲，{prompt}的回答")));
        fields.push((format!("order_{item}"), order.into()));
    }
    fields.push(("add".into(), extra.clone()));
    let saved = crate::helpers::save_draft(&mut lead, exam, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = lead.get(&format!("/exams/{exam}")).await.body;
    assert!(
        page.contains("<h1>十二月复训</h1>"),
        "the settings saved too"
    );
    let now = crate::helpers::draft_items(&page);
    assert_eq!(now.len(), 3);
    assert_eq!(&now[..2], &[items[1], items[0]], "swapped");
    let (material_at, authentic_at) = (
        page.find("什么材质？").expect("edited"),
        page.find("正品吗？").expect("edited"),
    );
    assert!(material_at < authentic_at);
    assert!(page.contains("亲，正品吗？的回答") && page.contains("亲，什么材质？的回答"));

    // Removing everything is refused, with the ticks kept; removing one works.
    let mut all_gone = crate::helpers::draft_settings("十二月复训");
    for item in &now {
        all_gone.push((format!("prompt_{item}"), "问".into()));
        all_gone.push(("remove".into(), item.to_string()));
    }
    let refused = crate::helpers::save_draft(&mut lead, exam, &all_gone).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body.matches("name=\"remove\" value=").count(), 3);
    assert_eq!(
        refused.body.matches("\" checked> 移除此题").count(),
        3,
        "{}",
        refused.body
    );
    let mut one_gone = all_gone[..3].to_vec();
    for item in &now {
        one_gone.push((format!("prompt_{item}"), "问".into()));
        one_gone.push((format!("references_{item}"), "答".into()));
    }
    one_gone.push(("remove".into(), now[2].to_string()));
    let saved = crate::helpers::save_draft(&mut lead, exam, &one_gone).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = lead.get(&format!("/exams/{exam}")).await.body;
    assert_eq!(crate::helpers::draft_items(&page), &now[..2]);

    // A bad setting is named beside it; nothing is saved.
    let mut bad = one_gone.clone();
    bad[2].1 = "150".into();
    let refused = crate::helpers::save_draft(&mut lead, exam, &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"settings-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"150\""), "kept as typed");

    // The draft is deleted, after the page asks; an opened exam cannot be.
    assert!(page.contains("id=\"delete-draft\" data-confirm="));
    let gone = lead.post(&format!("/exams/{exam}/delete"), &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    assert_eq!(
        lead.get(&format!("/exams/{exam}")).await.status,
        StatusCode::NOT_FOUND
    );
    let opened = open_exam(&mut lead, &[AUTHENTIC]).await;
    lead.get(&format!("/exams/{opened}")).await;
    let kept = lead.post(&format!("/exams/{opened}/delete"), &[]).await;
    assert_eq!(kept.status, StatusCode::CONFLICT);
    assert_eq!(
        lead.get(&format!("/exams/{opened}")).await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_lead_marks_key_points_in_the_editor_and_a_result_names_the_ones_missed() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    let mut amy = app.user(&mut admin, "amy", "trainee").await;
    let exam = crate::helpers::draft_exam(&mut lead, "要点", &[AUTHENTIC]).await;
    let page = lead.get(&format!("/exams/{exam}")).await.body;
    let item = crate::helpers::draft_items(&page)[0];
    assert!(
        page.contains("正品|授权|防伪</textarea>"),
        "the bank's key points: {page}"
    );
    let proposed = crate::helpers::between(&page, "class=\"muted proposed-key-points\"", "</p>")
        .expect("proposed key points");
    assert!(proposed.contains("7天无理由"), "{proposed}");
    let references = crate::helpers::between(
        &page,
        &format!("name=\"references_{item}\" rows=\"4\">"),
        "</textarea>",
    )
    .expect("the references")
    .replace("&#x3D;", "=");
    let save = |points: &str| {
        let mut fields = crate::helpers::draft_settings("要点");
        fields.push((format!("prompt_{item}"), "你们家卖的是正品吗？".into()));
        fields.push((format!("references_{item}"), references.clone()));
        fields.push((format!("key_points_{item}"), points.into()));
        fields
    };
    let refused = crate::helpers::save_draft(&mut lead, exam, &save("7天无理由\n包邮")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("参考答案里没有说到要点“包邮”"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("7天无理由\n包邮</textarea>"),
        "kept as typed"
    );
    let saved = crate::helpers::save_draft(&mut lead, exam, &save("授权|正品、7天无理由")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = lead.get(&format!("/exams/{exam}")).await.body;
    assert!(page.contains("授权|正品\n7天无理由</textarea>"), "{page}");

    lead.post(&format!("/exams/{exam}/status"), &[("action", "open")])
        .await;
    let (attempt, page) = crate::helpers::start(&mut amy, exam).await;
    let answer = format!("answer_{}", crate::helpers::item_ids(&page.body)[0]);
    amy.post(
        &format!("/attempts/{attempt}/submit"),
        &[(&answer, "亲，是正品的，放心买")],
    )
    .await;
    let result = amy.get(&format!("/attempts/{attempt}/result")).await.body;
    let missed = crate::helpers::between(&result, "class=\"facts-key-points\"", "</p>")
        .expect("the key points missed");
    assert!(
        missed.contains("7天无理由") && !missed.contains("授权"),
        "{missed}"
    );
}
