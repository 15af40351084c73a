//! `/api/v1` for chat tools: tokens made on the profile page (shown once,
//! stored hashed, revoked at once), the script match, the reply check and the
//! chat-log upload called with `Authorization: Bearer`, and the OpenAPI
//! document describing them.

use reqwest::StatusCode;

use crate::helpers::{question_id, spawn, Client, AUTHENTIC};

/// A GET with a bearer token (no cookies): status and JSON body.
async fn get_with(c: &Client, token: &str, path: &str) -> (StatusCode, serde_json::Value) {
    let res = reqwest::Client::new()
        .get(format!("{}{path}", c.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// Makes a token on the profile page and reads it off the page.
async fn make_token(c: &mut Client, name: &str) -> String {
    c.get("/profile").await;
    let made = c.post("/profile/tokens", &[("name", name)]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    made.body
        .split("id=\"token-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the new token is shown")
        .to_string()
}

#[actix_web::test]
async fn a_chat_tool_finds_the_official_script_with_a_token_until_it_is_revoked() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lead", "lead").await;
    let mut agent = app.user(&mut admin, "agent", "trainee").await;
    let script_text = "亲，我们是品牌授权店，所有商品都是正品，支持专柜验货，请放心购买～";
    let script = publish(&app, &mut lead, AUTHENTIC, script_text).await;

    // No credential, a wrong one, another scheme: 401 in JSON, never a redirect.
    let anonymous = reqwest::Client::new()
        .get(format!("{}/api/v1/scripts/match?q=x", app.base))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    let body: serde_json::Value = anonymous.json().await.expect("JSON");
    assert_eq!(body["code"], "error.unauthorized", "{body}");
    assert!(body["error"].as_str().is_some_and(|e| e.contains("令牌")));
    let (status, _) = get_with(&agent, "hs_not-a-token", "/api/v1/scripts/match?q=x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let english: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/scripts/match?q=x", app.base))
        .header("Accept-Language", "en-US,en;q=0.9")
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    assert!(
        english["error"]
            .as_str()
            .is_some_and(|e| e.contains("API token")),
        "{english}"
    );

    // The agent makes a token: shown once, stored only as a hash.
    let token = make_token(&mut agent, "千牛插件").await;
    assert!(token.starts_with("hs_") && token.len() > 40, "{token}");
    let profile = agent.get("/profile").await.body;
    assert!(
        profile.contains("千牛插件") && !profile.contains(&token),
        "{profile}"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM api_tokens WHERE key = '{token}'"
        )),
        0,
        "the token itself is not stored"
    );

    // A customer's message, worded her own way, finds the script.
    let (status, found) = get_with(
        &agent,
        &token,
        "/api/v1/scripts/match?q=%E4%BD%A0%E4%BB%AC%E5%AE%B6%E7%9A%84%E4%B8%9C%E8%A5%BF%E6%98%AF%E6%AD%A3%E5%93%81%E5%90%97&top=3",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let first = &found["matches"][0];
    assert_eq!(first["script"].as_i64(), Some(script), "{found}");
    assert_eq!(first["text"], script_text);
    assert!(first["question"]
        .as_str()
        .is_some_and(|q| q.starts_with(AUTHENTIC)));
    assert!(
        first["score"].as_f64().is_some_and(|s| s > 0.0 && s <= 1.0),
        "{found}"
    );
    let (_, last_used) = (
        (),
        app.count("SELECT COUNT(*) AS n FROM api_tokens WHERE last_used_at IS NOT NULL"),
    );
    assert_eq!(last_used, 1, "the call is recorded as the token's last use");

    // Parameters out of range are named, in the token owner's language.
    for (query, code) in [
        ("q=&top=3", "api.bad_message"),
        ("top=3", "api.bad_message"),
        ("q=x&top=0", "api.bad_top"),
        ("q=x&top=abc", "api.bad_top"),
        ("q=x&top=21", "api.bad_top"),
    ] {
        let (status, body) =
            get_with(&agent, &token, &format!("/api/v1/scripts/match?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["code"], code, "{query}: {body}");
    }

    // The reply check takes the token in place of a session and its CSRF token.
    let checked = reqwest::Client::new()
        .post(format!("{}/api/v1/replies/check", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "message": "是正品吗", "reply": "是正品，你自己看吧" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(checked.status(), StatusCode::OK);
    let checked: serde_json::Value = checked.json().await.expect("JSON");
    assert_eq!(
        checked["script"]["script"].as_i64(),
        Some(script),
        "{checked}"
    );
    let bad = reqwest::Client::new()
        .post(format!("{}/api/v1/replies/check", app.base))
        .bearer_auth(&token)
        .body("{\"message\": 1}")
        .send()
        .await
        .expect("POST");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad: serde_json::Value = bad.json().await.expect("JSON");
    assert_eq!(bad["code"], "error.bad_json", "{bad}");
    // A browser session without the page's CSRF token is refused.
    let forged = agent
        .http
        .post(format!("{}/api/v1/replies/check", app.base))
        .json(&serde_json::json!({ "message": "是正品吗", "reply": "是的" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // A trainee's token uploads nothing; a lead's token does.
    let upload = |token: String| {
        let base = app.base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/imports"))
                .query(&[("name", "chats.txt")])
                .bearer_auth(token)
                .body("在吗\n什么时候发货\n")
                .send()
                .await
                .expect("upload")
        }
    };
    assert_eq!(upload(token.clone()).await.status(), StatusCode::FORBIDDEN);
    let lead_token = make_token(&mut lead, "每晚导入").await;
    let started = upload(lead_token.clone()).await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let id = started.json::<serde_json::Value>().await.expect("JSON")["id"]
        .as_i64()
        .expect("an import id");
    let (status, import) = get_with(&lead, &lead_token, &format!("/api/v1/imports/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{import}");
    assert_eq!(import["file_name"], "chats.txt");

    // Revoked: refused at once.
    let revoke = agent.get("/profile").await.body;
    let id = revoke
        .split("action=\"/profile/tokens/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("a revoke button")
        .to_string();
    let gone = agent
        .post(&format!("/profile/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let (status, _) = get_with(&agent, &token, "/api/v1/scripts/match?q=x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Someone else's token cannot be revoked by guessing its number.
    let theirs = app.count("SELECT MAX(id) AS n FROM api_tokens");
    let refused = agent
        .post(&format!("/profile/tokens/{theirs}/revoke"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let (status, _) = get_with(&lead, &lead_token, &format!("/api/v1/imports/{id}")).await;
    assert_ne!(
        status,
        StatusCode::UNAUTHORIZED,
        "the lead's token still works"
    );
}

#[actix_web::test]
async fn a_disabled_account_s_tokens_open_nothing_and_names_are_checked() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut agent = app.user(&mut admin, "agent", "trainee").await;
    agent.get("/profile").await;
    let refused = agent.post("/profile/tokens", &[("name", "  ")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("名称需为 1–60 个字符"),
        "{}",
        refused.body
    );
    let long = "长".repeat(61);
    let refused = agent.post("/profile/tokens", &[("name", &long)]).await;
    assert!(
        refused.body.contains(&format!("value=\"{long}\"")),
        "the name typed is kept"
    );
    let token = make_token(&mut agent, "插件").await;
    let (status, _) = get_with(&agent, &token, "/api/v1/scripts/match?q=x").await;
    assert_eq!(status, StatusCode::OK);
    let uid = app.count("SELECT id AS n FROM users WHERE username = 'agent'");
    admin.get("/admin/users").await;
    let off = admin
        .post(&format!("/admin/users/{uid}"), &[("action", "disable")])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let (status, _) = get_with(&agent, &token, "/api/v1/scripts/match?q=x").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The description is public and names its endpoints.
    let doc: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON");
    assert!(doc["paths"]["/api/v1/scripts/match"]["get"].is_object());
}

#[actix_web::test]
async fn a_token_made_on_the_command_line_calls_the_api_as_its_user() {
    let app = spawn().await;
    let url = app.url.clone();
    let mut admin = app.admin().await;
    app.user(&mut admin, "agent", "trainee").await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_huashu"))
            .args(args)
            .args(["--db", &url])
            .output()
            .expect("huashu runs")
    };
    let made = run(&["tokens", "create", "--user", "agent", "--name", "CI"]);
    assert!(made.status.success(), "{made:?}");
    let token = String::from_utf8(made.stdout).expect("UTF-8");
    let token = token.trim();
    assert!(token.starts_with("hs_") && !token.contains('\n'), "{token}");
    let (status, _) = get_with(&admin, token, "/api/v1/scripts/match?q=%E5%9C%A8%E5%90%97").await;
    assert_eq!(status, StatusCode::OK);
    let nobody = run(&["tokens", "create", "--user", "nobody"]);
    assert_eq!(nobody.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no active user named 'nobody'"));
    let bad_name = run(&["tokens", "create", "--user", "agent", "--name", ""]);
    assert_eq!(bad_name.status.code(), Some(2), "{bad_name:?}");
}

/// Saves a script's care form: owner, a review date, the shortcut.
async fn post_care(lead: &mut Client, owner: i64, id: i64, shortcut: &str) -> crate::helpers::Page {
    let owner = owner.to_string();
    let fields = [
        ("owner", owner.as_str()),
        ("review_by", "2027-03-01"),
        ("shortcut", shortcut),
    ];
    lead.post(&format!("/library/{id}/care"), &fields).await
}

/// Publishes `text` as the script of the bank question `prompt`; its id.
async fn publish(
    app: &crate::helpers::TestApp,
    lead: &mut Client,
    prompt: &str,
    text: &str,
) -> i64 {
    let question = question_id(&lead.get("/exams/new").await.body, prompt);
    lead.get(&format!("/library/publish/{question}")).await;
    let published = lead
        .post(
            &format!("/library/publish/{question}"),
            &[("text", text), ("note", "")],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    app.count(&format!(
        "SELECT id AS n FROM scripts WHERE question_id = {question}"
    ))
}

#[actix_web::test]
async fn other_wordings_find_a_script_and_every_instance_follows_the_library() {
    let dir = tempfile::tempdir().expect("dir");
    let url = crate::helpers::fresh_database_url(dir.path());
    let key = actix_web::cookie::Key::generate();
    let banks = crate::helpers::banks();
    let one = crate::helpers::spawn_on(&url, &banks, key.clone()).await;
    let two = crate::helpers::spawn_on(&url, &banks, key).await;
    let mut admin = one.admin().await;
    let mut lead = one.user(&mut admin, "lead", "lead").await;
    let mut agent = two.user(&mut admin, "agent", "trainee").await;
    let token = make_token(&mut agent, "插件").await;
    let script = publish(&one, &mut lead, AUTHENTIC, "亲，支持专柜验货，假一赔十。").await;
    let other = publish(
        &one,
        &mut lead,
        "收到了不太喜欢，可以退吗？",
        "亲，支持七天无理由退货。",
    )
    .await;
    // "验货凭证" is nowhere in the question: the second instance does not find it.
    let asked =
        "/api/v1/scripts/match?q=%E6%9C%89%E6%B2%A1%E6%9C%89%E9%AA%8C%E8%B4%A7%E5%87%AD%E8%AF%81";
    let first = |found: &serde_json::Value| found["matches"][0]["script"].as_i64();
    let (_, before) = get_with(&agent, &token, asked).await;
    assert_ne!(first(&before), Some(script), "{before}");

    // A lead adds the wording on the first instance; the second finds it at once.
    let page = format!("/library/{script}");
    lead.get(&page).await;
    let added = lead
        .post(
            &format!("{page}/alternates"),
            &[("text", "有没有验货凭证？")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let (_, after) = get_with(&agent, &token, asked).await;
    assert_eq!(first(&after), Some(script), "{after}");
    let shown = agent.get(&page).await.body;
    assert!(
        shown.contains("有没有验货凭证？") && !shown.contains("alternate-form"),
        "{shown}"
    );

    // One wording, one script: the same wording for another script is refused, kept.
    lead.get(&format!("/library/{other}")).await;
    let taken = lead
        .post(
            &format!("/library/{other}/alternates"),
            &[("text", "有沒有驗貨憑證")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(
        taken.body.contains(&format!("已经能找到话术 #{script}"))
            && taken.body.contains("value=\"有沒有驗貨憑證\""),
        "{}",
        taken.body
    );

    // Shortcuts: one per script, one word.
    let lead_id = one.count("SELECT id AS n FROM users WHERE username = 'lead'");
    assert_eq!(
        post_care(&mut lead, lead_id, script, "/zp").await.status,
        StatusCode::SEE_OTHER
    );
    let clash = post_care(&mut lead, lead_id, other, "/zp").await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(
        clash.body.contains(&format!("话术 #{script} 使用")),
        "{}",
        clash.body
    );
    let spaced = post_care(&mut lead, lead_id, other, "/t h").await;
    assert_eq!(spaced.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        spaced.body.contains("value=\"/t h\""),
        "the shortcut typed is kept"
    );

    // Removed on the first instance: gone from the second's answers too.
    let alternate = one.count("SELECT MIN(id) AS n FROM script_alternates");
    let removed = lead
        .post(&format!("{page}/alternates/{alternate}/delete"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let (_, gone) = get_with(&agent, &token, asked).await;
    assert_ne!(first(&gone), Some(script), "{gone}");
}
