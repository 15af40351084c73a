//! The official reply-script library: publishing from ranked candidates, as
//! written or edited, versions with provenance, rollback, credit, search.

use reqwest::StatusCode;

use crate::helpers::{number_after, question_id, spawn, AUTHENTIC};
use crate::review::{answered_exam, close_and_review, MARKS};

/// The text of the first `<textarea name="text">` on a page.
fn textarea(page: &str) -> String {
    page.split("<textarea name=\"text\"")
        .nth(1)
        .and_then(|s| s.split_once('>'))
        .and_then(|(_, s)| s.split("</textarea>").next())
        .unwrap_or_default()
        .to_string()
}

#[actix_web::test]
async fn a_lead_publishes_the_best_answer_edits_it_rolls_it_back_and_the_author_is_credited() {
    let app = spawn().await;
    let (mut lead, mut trainees, exam) = answered_exam(&app).await;
    close_and_review(&mut lead, exam, "2").await;
    // The lead grades dan's answer at the top: its final score leads.
    let round = lead.get(&format!("/exams/{exam}/review")).await.body;
    let dan_row = round.split("<td>dan</td>").nth(1).expect("dan's answer");
    let dan_answer = number_after(dan_row, "href=\"/answers/").expect("a grade link");
    lead.get(&format!("/answers/{dan_answer}/grade")).await;
    let mut top: Vec<(&str, &str)> = MARKS.iter().map(|(k, _)| (*k, "3")).collect();
    top.push(("reason", "正品保证讲得清楚"));
    let graded = lead
        .post(&format!("/answers/{dan_answer}/grade"), &top)
        .await;
    assert_eq!(graded.status, StatusCode::SEE_OTHER, "{}", graded.body);

    // The library lists the answered question as one to publish.
    let question: i64 = question_id(&lead.get("/exams/new").await.body, AUTHENTIC)
        .parse()
        .expect("a question id");
    let library = lead.get("/library").await.body;
    let waiting = library
        .split("id=\"unpublished\"")
        .nth(1)
        .expect("{library}");
    assert!(
        waiting.contains(&format!("href=\"/library/publish/{question}\""))
            && waiting.contains("4 份回答"),
        "{waiting}"
    );

    // Candidates, best final score first; dan's is picked as written.
    let page = lead.get(&format!("/library/publish/{question}")).await.body;
    let rows = page.split("id=\"candidates\"").nth(1).expect("{page}");
    assert_eq!(rows.matches("class=\"use-candidate\"").count(), 4);
    let first = rows
        .split("<tbody>")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("a row");
    assert!(
        first.contains("dan在这里") && first.contains(">100.0<"),
        "{first}"
    );
    let picked = lead
        .get(&format!("/library/publish/{question}?from={dan_answer}"))
        .await
        .body;
    let dan_text = textarea(&picked);
    assert!(dan_text.contains("dan在这里"), "{picked}");
    // Two candidates merged: the text starts from both.
    assert_eq!(
        picked.matches("class=\"merge-candidate\"").count(),
        3,
        "the other three"
    );
    let merge = picked
        .split("class=\"use-candidate\"")
        .last()
        .and_then(|s| s.split("href=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("a merge link")
        .replace("&amp;", "&");
    assert!(
        merge.contains(&format!("from={dan_answer}&with=")),
        "{merge}"
    );
    let merged = textarea(&lead.get(&merge).await.body);
    assert!(
        merged.contains("dan在这里") && merged.matches("在这里").count() == 2,
        "{merged}"
    );

    // A banned phrase is refused and named; the text is kept.
    let boast = format!("{dan_text}，全店最好");
    let refused = lead
        .post(
            &format!("/library/publish/{question}"),
            &[("from", &dan_answer.to_string()), ("text", &boast)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("最好") && refused.body.contains("id=\"publish-error\""));
    assert_eq!(textarea(&refused.body), boast);

    let published = lead
        .post(
            &format!("/library/publish/{question}"),
            &[("from", &dan_answer.to_string()), ("text", &dan_text)],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let script = number_after(&published.location, "/library/").expect("a script");
    let shown = lead.get(&published.location).await.body;
    assert!(
        shown.contains("已发布为第 1 版") && shown.contains("来自 dan 的回答"),
        "{shown}"
    );
    // A training week's reading lists the scripts of its categories only.
    let link = format!("href=\"/library/{script}\"");
    let quality = lead.get("/library?category=quality").await.body;
    assert!(quality.contains(&link), "{quality}");
    assert!(quality.contains("id=\"library-category\""), "{quality}");
    let shipping = lead.get("/library?category=shipping").await.body;
    assert!(!shipping.contains(&link), "{shipping}");
    let unknown = lead.get("/library?category=weather").await.body;
    assert!(unknown.contains(&link) && !unknown.contains("id=\"library-category\""));
    assert!(shown.contains("最终得分 100.0") && !shown.contains("组长修改过措辞"));

    // Now that the question has a script, another trainee's answer may not
    // replace it: it never met the script in a review round.
    let page = lead.get(&format!("/library/publish/{question}")).await.body;
    assert!(page.contains("id=\"challenge-rule\""), "{page}");
    assert_eq!(
        page.matches("class=\"use-candidate\"").count(),
        1,
        "only the script's own source may be taken up again: {page}"
    );
    assert_eq!(page.matches("未同场比较").count(), 3, "{page}");
    let with_dan = lead
        .get(&format!("/library/publish/{question}?from={dan_answer}"))
        .await
        .body;
    let other = with_dan
        .split("merge-candidate")
        .nth(1)
        .and_then(|s| s.split("with=").nth(1))
        .and_then(|s| s.split('#').next())
        .expect("another candidate")
        .to_string();
    let unmet = lead
        .post(
            &format!("/library/publish/{question}"),
            &[("from", &other), ("text", "亲，放心，是正品")],
        )
        .await;
    assert_eq!(unmet.status, StatusCode::CONFLICT, "{}", unmet.body);
    assert!(
        unmet.body.contains("还没有在互评中和它同场比较过"),
        "{}",
        unmet.body
    );

    // An edited version with a placeholder becomes version 2, beside the first.
    let edited = "{称呼}您好，本店所有商品都是品牌正品，支持专柜验货，请放心购买";
    let again = lead
        .post(
            &format!("/library/publish/{question}"),
            &[("from", &dan_answer.to_string()), ("text", edited)],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let shown = lead.get(&format!("/library/{script}")).await.body;
    let v2 = shown
        .split("id=\"v2\"")
        .nth(1)
        .and_then(|s| s.split("</li>").next())
        .expect("{shown}");
    assert!(
        v2.contains("当前版本") && v2.contains("组长修改过措辞"),
        "{v2}"
    );
    assert!(
        v2.contains("<mark class=\"placeholder\">{称呼}</mark>"),
        "{v2}"
    );
    assert!(
        v2.contains("<ins>") || v2.contains("<del>"),
        "the change from version 1: {v2}"
    );

    // Rolled back to version 1: published again as version 3, nothing lost.
    let back = lead
        .post(&format!("/library/{script}/rollback"), &[("n", "1")])
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    let shown = lead.get(&format!("/library/{script}")).await.body;
    let v3 = shown
        .split("id=\"v3\"")
        .nth(1)
        .and_then(|s| s.split("</li>").next())
        .expect("{shown}");
    assert!(
        v3.contains("当前版本") && v3.contains("恢复自第 1 版") && v3.contains("dan在这里"),
        "{v3}"
    );
    assert!(
        shown.contains("id=\"v2\"") && shown.contains("id=\"v1\""),
        "every version kept"
    );
    let missing = lead
        .post(&format!("/library/{script}/rollback"), &[("n", "9")])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Each script has an owner and a review date; once it passes, the
    // owner's inbox says so.
    let page = lead.get(&format!("/library/{script}")).await.body;
    let in90 = (chrono::Local::now() + chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    assert!(page.contains(&format!("下次复审：{in90}")), "{page}");
    // The lead who first published it owns it.
    let owner: i64 = page
        .split("<option value=\"")
        .skip(1)
        .find(|o| o.contains("selected"))
        .and_then(|o| o.split('"').next())
        .and_then(|id| id.parse().ok())
        .expect("the current owner");
    let bad = lead
        .post(
            &format!("/library/{script}/care"),
            &[("owner", &owner.to_string()), ("review_by", "明天")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let yesterday = (chrono::Local::now() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let cared = lead
        .post(
            &format!("/library/{script}/care"),
            &[("owner", &owner.to_string()), ("review_by", &yesterday)],
        )
        .await;
    assert_eq!(cared.status, StatusCode::SEE_OTHER, "{}", cared.body);
    let home = lead.get("/").await.body;
    let due = home
        .split("class=\"inbox-script\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no overdue script: {home}"));
    assert!(
        due.contains(&format!("href=\"/library/{script}\"")),
        "{due}"
    );

    // The loop closes: the current version is the first reference of the
    // question in the next exam; earlier versions no longer count.
    let latest = "亲，我们是品牌授权店，每件商品都有防伪码，支持专柜验货哦";
    let v4 = lead
        .post(&format!("/library/publish/{question}"), &[("text", latest)])
        .await;
    assert_eq!(v4.status, StatusCode::SEE_OTHER, "{}", v4.body);
    let form = lead.get("/exams/new").await.body;
    let q = question.to_string();
    let draft = lead
        .post(
            "/exams",
            &[
                ("title", "复训"),
                ("time_limit", "20"),
                ("pass_mark", "60"),
                ("mode", "pick"),
                ("q", &q),
            ],
        )
        .await;
    assert!(form.contains(AUTHENTIC));
    let next = number_after(&draft.location, "/exams/").expect("a draft");
    let page = lead.get(&format!("/exams/{next}")).await.body;
    let references = page
        .split("name=\"references_")
        .nth(1)
        .and_then(|s| s.split_once('>'))
        .and_then(|(_, s)| s.split("</textarea>").next())
        .expect("the item's references");
    assert!(references.starts_with(latest), "{references}");
    assert!(
        !references.contains("{称呼}您好，本店所有商品"),
        "version 2 retired: {references}"
    );

    // The author sees the credit on their record; everyone finds the script.
    let dan = &mut trainees[3];
    let record = dan.get("/progress").await.body;
    let credits = record.split("id=\"credits\"").nth(1).expect("{record}");
    assert!(
        credits.contains(&format!("href=\"/library/{script}#v3\"")),
        "{credits}"
    );
    let found = dan.get("/library?q=%E6%AD%A3%E5%93%81").await.body;
    assert!(
        found.contains(&format!("href=\"/library/{script}\"")),
        "{found}"
    );
    // Pasting a customer's message, noisy as they come, finds the script first.
    let pasted = dan
        .get("/library?m=%E4%BA%B2%EF%BC%8C%E5%9C%A8%E5%90%97%EF%BC%9F%E4%BD%A0%E4%BB%AC%E5%8D%96%E7%9A%84%E6%98%AF%E6%AD%A3%E5%93%81%E5%90%97%EF%BC%9F%EF%BC%9F")
        .await
        .body;
    let matches = pasted.split("id=\"matches\"").nth(1).expect("{pasted}");
    let first = matches.split("class=\"match\"").nth(1).expect("{matches}");
    assert!(
        first.contains(&format!("href=\"/library/{script}\"")),
        "{first}"
    );
    assert!(
        first.contains(&format!("data-copy=\"{latest}\"")),
        "one click copies the current script: {first}"
    );
    let unrelated = dan.get("/library?m=%F0%9F%98%8A").await.body;
    assert!(unrelated.contains("id=\"no-matches\""), "{unrelated}");
    // Checking a draft reply before sending it: the rubric, the cold words,
    // the official script and what the draft leaves out.
    dan.get("/library/check").await;
    let cold = "是正品，你自己看吧";
    let checked = dan
        .post(
            "/library/check",
            &[("message", "你们卖的是正品吗"), ("reply", cold)],
        )
        .await;
    assert_eq!(checked.status, StatusCode::OK);
    let result = checked
        .body
        .split("id=\"check-result\"")
        .nth(1)
        .expect("{checked.body}");
    assert!(
        result.contains("自己看") && result.contains("class=\"bad banned\""),
        "{result}"
    );
    assert!(
        result.contains("id=\"official-script\"") && result.contains("专柜验货"),
        "{result}"
    );
    assert!(result.contains("class=\"missing\""), "{result}");
    let (status, json) = dan
        .post_json(
            "/api/v1/replies/check",
            serde_json::json!({ "message": "你们卖的是正品吗", "reply": cold }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["script"]["script"].as_i64(), Some(script), "{json}");
    assert!(
        json["banned"].as_array().is_some_and(|b| !b.is_empty()),
        "{json}"
    );
    assert_eq!(json["checks"].as_array().map(Vec::len), Some(5), "{json}");
    assert!(
        json["facts"]["wrong"].as_array().is_some_and(Vec::is_empty),
        "{json}"
    );
    let (status, _) = dan
        .post_json(
            "/api/v1/replies/check",
            serde_json::json!({ "message": "", "reply": cold }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty message is refused"
    );
    let none = dan.get("/library?q=%E5%8F%91%E7%A5%A8").await.body;
    assert!(none.contains("id=\"no-scripts\""), "{none}");
    assert!(
        !found.contains("id=\"unpublished\""),
        "only leads see what to publish"
    );
    let refused = dan
        .post(&format!("/library/publish/{question}"), &[("text", "好的")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn leads_publishing_at_the_same_moment_each_get_their_own_version() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut one = app.user(&mut admin, "lina", "lead").await;
    let mut two = app.user(&mut admin, "lei", "lead").await;
    let question = question_id(&one.get("/exams/new").await.body, AUTHENTIC);
    let path = format!("/library/publish/{question}");
    one.get(&path).await;
    two.get(&path).await;
    for round in 0..3 {
        let (a, b) = (
            format!("亲，是正品哦（{round}a）"),
            format!("亲，放心，是正品（{round}b）"),
        );
        let (fields_a, fields_b) = ([("text", a.as_str())], [("text", b.as_str())]);
        let (first, second) = tokio::join!(one.post(&path, &fields_a), two.post(&path, &fields_b));
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
        assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    }
    let library = one.get("/library").await.body;
    let listed = library.split("id=\"scripts\"").nth(1).expect("the scripts");
    assert_eq!(
        listed.matches("class=\"script\"").count(),
        1,
        "one script, not two"
    );
    let script = number_after(listed, "href=\"/library/").expect("its link");
    let page = one.get(&format!("/library/{script}")).await.body;
    for n in 1..=6 {
        assert!(
            page.contains(&format!("id=\"v{n}\"")),
            "version {n}: {page}"
        );
    }
    assert!(!page.contains("id=\"v7\""));
}

/// The total of each submitted attempt of `exam`, by attempt id.
fn totals(app: &crate::helpers::TestApp, exam: i64) -> Vec<i64> {
    (0..4)
        .map(|i| {
            app.count(&format!(
                "SELECT CAST(ROUND(score * 10) AS BIGINT) AS n FROM attempts \
                 WHERE exam_id = {exam} ORDER BY id LIMIT 1 OFFSET {i}"
            ))
        })
        .collect()
}

#[actix_web::test]
async fn an_old_exam_scored_again_follows_the_library_both_ways() {
    let app = spawn().await;
    let (mut lead, _, exam) = answered_exam(&app).await;
    let before = totals(&app, exam);
    let question = question_id(&lead.get("/exams/new").await.body, AUTHENTIC);
    let path = format!("/library/publish/{question}");
    // A script close to what the trainees wrote: every answer scores higher.
    lead.get(&path).await;
    let text = "亲，本店商品都是正品，请放心购买，支持专柜验货";
    let done = lead.post(&path, &[("text", text), ("note", "")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    lead.get(&format!("/exams/{exam}/results")).await;
    let page = lead.post(&format!("/exams/{exam}/rescore"), &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("第 1 题的参考答案已换成当前话术"),
        "{}",
        page.body
    );
    assert_eq!(
        page.body.matches("<tr class=\"ok\">").count(),
        4,
        "{}",
        page.body
    );
    let closer = totals(&app, exam);
    assert!(
        closer.iter().zip(&before).all(|(a, b)| a > b),
        "{before:?} → {closer:?}"
    );
    // A new version far from them: the old one is retired, the scores fall back.
    let text = "亲，发货后三天内送达，物流单号可在订单页查看";
    lead.get(&path).await;
    lead.post(&path, &[("text", text), ("note", "")]).await;
    lead.get(&format!("/exams/{exam}/results")).await;
    let page = lead.post(&format!("/exams/{exam}/rescore"), &[]).await;
    assert_eq!(
        page.body.matches("<tr class=\"bad\">").count(),
        4,
        "{}",
        page.body
    );
    let retired = totals(&app, exam);
    assert!(
        retired.iter().zip(&closer).all(|(a, b)| a < b),
        "{closer:?} → {retired:?}"
    );
    let refs = app.count(&format!(
        "SELECT COUNT(*) AS n FROM exam_items WHERE exam_id = {exam} AND references_json LIKE '%专柜验货%'"
    ));
    assert_eq!(refs, 0, "the retired version no longer counts");
}

#[actix_web::test]
async fn the_product_of_the_week_is_on_every_home_page_and_becomes_an_exam() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lead", "lead").await;
    let mut agent = app.user(&mut admin, "agent", "trainee").await;
    assert!(agent
        .get("/")
        .await
        .body
        .find("id=\"featured-home\"")
        .is_none());
    lead.get("/featured").await;
    let mut fields = vec![
        ("product", "轻暖羽绒服A款"),
        ("points", "90%白鸭绒\n可机洗\n"),
        ("technique_0", "choice_question"),
        ("customer_0", "这两款有什么区别？买哪个好？"),
        (
            "reply_0",
            "亲，您更看重保暖还是轻便呢？A款更轻，日常通勤正合适～",
        ),
        ("technique_1", "shift_focus"),
        ("customer_1", "能便宜点吗"),
        ("reply_1", "绝对是最低价了"),
    ];
    // A banned phrase in a reply is named, and everything typed comes back.
    let refused = lead.post("/featured", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("第 2 条说服话术含有禁用词"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"轻暖羽绒服A款\"") && refused.body.contains("能便宜点吗")
    );
    fields[7] = (
        "reply_1",
        "价格是活动价了哦，我给您申请一份运费险，收到不满意也没有后顾之忧～",
    );
    let saved = lead.post("/featured", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let home = agent.get("/").await.body;
    assert!(
        home.contains("本周主推：轻暖羽绒服A款") && home.contains("90%白鸭绒"),
        "{home}"
    );
    let page = agent.get("/featured").await.body;
    assert!(
        page.contains("选择式提问")
            && page.contains("拒绝后补偿")
            && !page.contains("featured-form"),
        "{page}"
    );
    // The exam builder draws its questions from the persuasion scripts.
    let drawn = lead.post("/featured/exam", &[]).await;
    assert_eq!(drawn.status, StatusCode::SEE_OTHER, "{}", drawn.body);
    let exam = drawn.location.trim_start_matches("/exams/").to_string();
    let items = app.count(&format!(
        "SELECT COUNT(*) AS n FROM exam_items WHERE exam_id = {exam} AND references_json LIKE '%运费险%'"
    ));
    assert_eq!(items, 1);
    let draft = lead.get(&drawn.location).await.body;
    assert!(
        draft.contains("这两款有什么区别") && draft.contains("能便宜点吗"),
        "{draft}"
    );
}

#[actix_web::test]
async fn a_script_is_flagged_when_its_question_jumps_in_the_imported_chats() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lead", "lead").await;
    // Four weeks of chats: a few invoice questions, answered as the script
    // will say.
    let weeks = ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"];
    let good = "亲，下单后在订单页点申请发票，电子发票当天开出哦";
    let dir = tempfile::tempdir().expect("dir");
    let import = |name: &str, log: String| {
        let file = dir.path().join(name);
        std::fs::write(&file, log).expect("log");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_huashu"))
            .args(["import", &file.to_string_lossy(), "--db", &app.url])
            .output()
            .expect("import");
        assert!(out.status.success(), "{out:?}");
    };
    import("before.csv", invoice_chats("a", &weeks, 5, good));
    let cluster = app.count("SELECT MIN(cluster_id) AS n FROM mined_questions");
    let lead_id = app.count("SELECT id AS n FROM users WHERE username = 'lead'");
    let pool = huashu::cli::serve::open_db(&app.url).expect("database");
    let mut conn = pool.get().expect("connection");
    let question = huashu::db::questions::upsert_mined(
        &mut conn,
        cluster,
        "发票怎么开",
        ("pre_sale", "invoice"),
        &[],
    )
    .expect("question");
    let publication = huashu::app::library::Publication {
        question: question.id,
        text: good,
        from: None,
        note: "",
        by: lead_id,
        now: huashu::db::now_ms(),
    };
    let (script, _) = huashu::app::library::publish(&mut conn, &Default::default(), &publication)
        .expect("published");
    let page = lead.get(&format!("/library/{script}")).await.body;
    assert!(!page.contains("id=\"freshness\""), "nothing to say yet");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM mined_replies"), 0);

    // Then a week of many, answered quite differently: the question jumped,
    // and the newest replies (sampled now that it has a script) drift away.
    import(
        "after.csv",
        invoice_chats("b", &["2026-11-02"], 40, "这个我不清楚，你去问财务吧"),
    );
    assert!(app.count("SELECT COUNT(*) AS n FROM mined_replies") >= 5);
    let page = lead.get(&format!("/library/{script}")).await.body;
    let flag = page.split("id=\"freshness\"").nth(1).expect("flagged");
    assert!(
        flag.contains("最近一周被问了 40 次，平时每周约 5 次"),
        "{flag}"
    );
    assert!(flag.contains("差距较大"), "{flag}");
    // The script's owner finds it in their inbox, until a new version.
    let inbox = |home: &str| {
        home.split("class=\"inbox-script\"")
            .nth(1)
            .map(|s| s.split("</li>").next().unwrap_or_default().to_string())
    };
    let home = lead.get("/").await.body;
    let listed = inbox(&home).expect("listed");
    assert!(
        listed.contains(&format!("/library/{script}")) && listed.contains("flagged"),
        "{listed}"
    );
    let renewed = huashu::app::library::Publication {
        text: "亲，在订单页点“申请开票”，填写抬头和税号，电子发票当天发到您的邮箱",
        now: huashu::db::now_ms(),
        ..publication
    };
    huashu::app::library::publish(&mut conn, &Default::default(), &renewed).expect("a new version");
    assert!(inbox(&lead.get("/").await.body).is_none());

    // A lead merges another group into the script's: its wordings find the
    // script at once (the index follows the library's version).
    let log = chats(
        "c",
        "可以寄到公司吗",
        &["2026-11-03"],
        3,
        "亲，可以的，填写公司地址就行",
    );
    import("other.csv", log);
    let other = app.count("SELECT MAX(id) AS n FROM mined_clusters");
    let asked = "/library?m=可以寄到公司吗";
    assert!(lead.get(asked).await.body.contains("id=\"no-matches\""));
    lead.get(&format!("/questions/{other}")).await;
    let merged = lead
        .post(
            &format!("/questions/{other}"),
            &[("action", "merge"), ("into", &cluster.to_string())],
        )
        .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let found = lead.get(asked).await.body;
    assert!(
        found.contains(&format!("href=\"/library/{script}\""))
            && !found.contains("id=\"no-matches\""),
        "{found}"
    );
}

/// A chat export of `asked` invoice questions a week, each answered with
/// `reply` (numbered, as agents vary a reply), conversations named from
/// `prefix`.
fn invoice_chats(prefix: &str, weeks: &[&str], asked: usize, reply: &str) -> String {
    chats(prefix, "发票怎么开", weeks, asked, reply)
}

/// A chat export of `question` asked `asked` times a week, each answered with
/// `reply` (numbered).
fn chats(prefix: &str, question: &str, weeks: &[&str], asked: usize, reply: &str) -> String {
    let mut log = String::from("conversation_id,time,sender,message\n");
    for (w, day) in weeks.iter().enumerate() {
        for i in 0..asked {
            let c = format!("{prefix}{w}-{i}");
            let at = i % 60;
            log.push_str(&format!(
                "{c},{day} 10:{at:02}:00,buyer,{question}\n{c},{day} 10:{at:02}:30,seller,{reply}（{i}）\n"
            ));
        }
    }
    log
}

/// The text between `id="{id}">` and the next `</blockquote>` on a page.
fn quoted<'a>(page: &'a str, id: &str) -> &'a str {
    crate::helpers::between(page, &format!("id=\"{id}\">"), "</blockquote>").unwrap_or_default()
}

/// Every review and comparison a trainee holds, done the way the test wants
/// the round to go: the script marked middling (2), dan's answer at the top
/// (3), amy's at the bottom (1); in every comparison with the script, dan's
/// and the others win, amy's loses.
async fn judge_round(t: &mut crate::helpers::Client, script: &str) {
    let level = |answer: &str| {
        if answer.contains("dan在这里") {
            "3"
        } else if answer.contains("amy在这里") {
            "1"
        } else {
            "2"
        }
    };
    loop {
        let home = t.get("/").await.body;
        if let Some(id) = number_after(&home, "href=\"/reviews/") {
            let page = t.get(&format!("/reviews/{id}")).await.body;
            let answer = quoted(&page, "answer-under-review");
            assert!(
                !page.contains("现行官方话术"),
                "the script is never named to a reviewer"
            );
            let mark = if answer.contains(script) {
                "2"
            } else {
                level(answer)
            };
            let marks: Vec<(&str, &str)> = MARKS.iter().map(|(k, _)| (*k, mark)).collect();
            let done = t.post(&format!("/reviews/{id}"), &marks).await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        } else if let Some(id) = number_after(&home, "href=\"/comparisons/") {
            let page = t.get(&format!("/comparisons/{id}")).await.body;
            let (a, b) = (quoted(&page, "answer-a"), quoted(&page, "answer-b"));
            // The button's value (the answer it picks) comes before its id.
            let button = |side: &str| -> i64 {
                page.split(&format!("id=\"pick-{side}\""))
                    .next()
                    .and_then(|s| s.rsplit("value=\"").next())
                    .and_then(|s| s.split('"').next())
                    .and_then(|s| s.parse().ok())
                    .expect("a choice")
            };
            let a_wins = match (a.contains(script), b.contains(script)) {
                (true, false) => b.contains("amy在这里"),
                (false, true) => !a.contains("amy在这里"),
                _ => true,
            };
            let winner = button(if a_wins { "a" } else { "b" });
            let done = t
                .post(
                    &format!("/comparisons/{id}"),
                    &[("winner", &winner.to_string())],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        } else {
            return;
        }
    }
}

#[actix_web::test]
async fn a_challenger_replaces_the_script_only_by_beating_it_in_the_peer_review() {
    let app = spawn().await;
    let (mut admin, mut lead, mut trainees) = crate::review::team(&app).await;
    let first = crate::review::sit(&mut lead, &mut trainees, AUTHENTIC).await;
    crate::helpers::close_exam(&mut lead, first).await;
    // The lead writes the question's script.
    let question = question_id(&lead.get("/exams/new").await.body, AUTHENTIC);
    let path = format!("/library/publish/{question}");
    lead.get(&path).await;
    let script_text = "亲，本店商品均为品牌正品，支持专柜验货";
    let done = lead
        .post(&path, &[("text", script_text), ("note", "")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let script = number_after(&done.location, "/library/").expect("a script");
    let page = lead.get(&format!("/library/{script}")).await.body;
    assert!(page.contains("id=\"no-bouts\""), "{page}");

    // The next exam on the question: its round enters the script
    // anonymously, reviewed and compared like the trainees' answers.
    let second = crate::review::sit(&mut lead, &mut trainees, AUTHENTIC).await;
    close_and_review(&mut lead, second, "2").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM round_incumbents"), 1);
    let reviews_of_script = app.count(
        "SELECT COUNT(*) AS n FROM review_assignments a JOIN round_incumbents i ON i.answer_id = a.answer_id",
    );
    assert_eq!(reviews_of_script, 2, "k reviewers, like any answer");
    let bouts = app.count(
        "SELECT COUNT(*) AS n FROM review_comparisons c JOIN round_incumbents i \
         ON i.answer_id IN (c.answer_a, c.answer_b)",
    );
    let pairs = app.count("SELECT COUNT(*) AS n FROM review_comparisons");
    assert!(
        pairs > 0 && bouts == pairs,
        "every pair is a bout: {bouts} of {pairs}"
    );
    let round = lead.get(&format!("/exams/{second}/review")).await.body;
    assert!(
        round.contains("现行官方话术 · 第 1 版"),
        "the lead sees which it is"
    );
    for t in trainees.iter_mut() {
        judge_round(t, script_text).await;
    }

    // Nobody's result, nobody's account.
    let results = lead.get(&format!("/exams/{second}/results")).await.body;
    assert!(
        !results.contains("<td>话术库</td>") && !results.contains("<strong>话术库</strong>"),
        "{results}"
    );
    assert_eq!(results.matches("<article class=\"answer\">").count(), 4);
    let accounts = admin.get("/admin/users").await.body;
    assert!(accounts.contains("amy") && !accounts.contains("@library"));

    // The candidates show each one's bout; amy's lost and may not replace the
    // script, dan's won and may.
    let page = lead.get(&path).await.body;
    // (Each also has an answer from the first exam, before the script existed:
    // that one never met it.)
    let row_of = |name: &str| {
        page.split("<tr")
            .filter(|r| r.contains(&format!("{name}在这里")) && r.contains("class=\"bout\""))
            .find(|r| !r.contains("未同场比较"))
            .unwrap_or_default()
            .to_string()
    };
    let (amy, dan) = (row_of("amy"), row_of("dan"));
    assert!(
        amy.contains("未胜出") && !amy.contains("use-candidate"),
        "{amy}"
    );
    assert!(
        dan.contains("胜出") && dan.contains("use-candidate"),
        "{dan}"
    );
    assert!(dan.contains("直接比较 "), "{dan}");
    let answer_in = |row: &str| number_after(row, "?from=").map(|n| n.to_string());
    let dan_answer = answer_in(&dan).expect("dan's answer");
    let amy_answer = app.count(&format!(
        "SELECT a.id AS n FROM answers a JOIN attempts t ON t.id = a.attempt_id \
         JOIN users u ON u.id = t.user_id WHERE u.username = 'amy' AND t.exam_id = {second}"
    ));
    let lost = lead
        .post(
            &path,
            &[
                ("from", &amy_answer.to_string()),
                ("text", "亲，amy在这里，本店商品都是正品，请放心购买"),
            ],
        )
        .await;
    assert_eq!(lost.status, StatusCode::CONFLICT, "{}", lost.body);
    assert!(
        lost.body.contains("没有胜过第 1 版现行话术"),
        "{}",
        lost.body
    );
    let won = lead
        .post(
            &path,
            &[
                ("from", &dan_answer),
                ("text", "亲，dan在这里，本店商品都是正品，请放心购买"),
            ],
        )
        .await;
    assert_eq!(won.status, StatusCode::SEE_OTHER, "{}", won.body);

    // The script's page keeps the head-to-head record of version 1.
    let page = lead.get(&format!("/library/{script}")).await.body;
    let record = page
        .split("id=\"head-to-head\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("{page}");
    assert!(
        record.contains("第 1 版") && record.contains("挑战者 4 份"),
        "{record}"
    );
    assert!(page.contains("已发布为第 2 版"), "{page}");
}
