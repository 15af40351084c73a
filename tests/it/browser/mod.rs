//! One real-browser test: headless Chromium via chromedriver, spoken to with the
//! W3C WebDriver protocol. Skips, loudly, when chromedriver is not installed
//! (`.ci/run` installs it).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{open_exam, spawn, AUTHENTIC};

mod path;

/// One browser at a time: two headless Chromiums typing on two cores at once
/// starve each other's timers (the autosave waits for a pause in typing).
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
    child: Child,
    _profile: tempfile::TempDir,
}

impl Driver {
    async fn start() -> Option<Driver> {
        let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new(chromedriver)
            .args([
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let profile = tempfile::tempdir().ok()?;
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     format!("--user-data-dir={}", profile.path().display())]
        }}}});
        let mut session = None;
        for _ in 0..50 {
            if let Ok(res) = http
                .post(format!("{base}/session"))
                .json(&caps)
                .send()
                .await
            {
                let v: Value = res.json().await.ok()?;
                session = v["value"]["sessionId"].as_str().map(str::to_string);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Some(Driver {
            http,
            base,
            session: session?,
            child,
            _profile: profile,
        })
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url).json(&body),
        };
        let v: Value = req
            .send()
            .await
            .expect("webdriver")
            .json()
            .await
            .expect("webdriver json");
        v["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url })).await;
    }

    async fn find(&self, css: &str) -> String {
        for _ in 0..50 {
            let v = self
                .call(
                    "POST",
                    "/element",
                    json!({ "using": "css selector", "value": css }),
                )
                .await;
            if let Some(id) = v
                .as_object()
                .and_then(|o| o.values().next())
                .and_then(Value::as_str)
            {
                return id.to_string();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element {css}");
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.call(
            "POST",
            &format!("/element/{el}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let el = self.find(css).await;
        self.call("POST", &format!("/element/{el}/click"), json!({}))
            .await;
    }

    /// The element's text now ("" if it has none or went stale).
    async fn text_now(&self, css: &str) -> String {
        let el = self.find(css).await;
        let v = self
            .call("GET", &format!("/element/{el}/text"), json!({}))
            .await;
        v.as_str().unwrap_or("").to_string()
    }

    /// The element's text once it has some: right after a navigation the element
    /// may be found before the document is complete (or go stale), so poll.
    async fn text(&self, css: &str) -> String {
        for _ in 0..50 {
            let text = self.text_now(css).await;
            if !text.is_empty() {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        String::new()
    }

    async fn value(&self, css: &str) -> String {
        let el = self.find(css).await;
        self.call("GET", &format!("/element/{el}/property/value"), json!({}))
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The whole document as the browser holds it now.
    async fn html(&self) -> String {
        self.call(
            "POST",
            "/execute/sync",
            json!({ "script": "return document.documentElement.outerHTML", "args": [] }),
        )
        .await
        .as_str()
        .unwrap_or("")
        .to_string()
    }

    /// Signs in on the login page and waits for the signed-in page.
    /// Logs in and waits until the login has landed: a click only starts the
    /// form's navigation, and the next `goto` would abort it.
    async fn login(&self, base: &str, username: &str) {
        self.goto(&format!("{base}/login")).await;
        self.type_into("input[name=username]", username).await;
        self.type_into("input[name=password]", "password-123").await;
        self.click("#login").await;
        self.until_url(|u| !u.contains("/login")).await;
        self.find(".who").await;
    }

    /// Logs out and waits for the login page, for the same reason.
    async fn logout(&self) {
        self.click("#logout").await;
        self.until_url(|u| u.contains("/login")).await;
    }

    async fn until_url(&self, arrived: impl Fn(&str) -> bool) {
        for _ in 0..100 {
            if arrived(&self.url().await) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn url(&self) -> String {
        self.call("GET", "/url", json!({}))
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Chromium runs detached from chromedriver: only ending the WebDriver
        // session closes it. Drop cannot await, so the DELETE goes by hand.
        use std::io::{Read, Write};
        let host = self.base.trim_start_matches("http://");
        if let Ok(mut stream) = std::net::TcpStream::connect(host) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
                self.session
            );
            // The answer comes once the browser is closed; its first bytes
            // are enough (chromedriver may keep the connection open).
            if stream.write_all(request.as_bytes()).is_ok() {
                let _ = stream.read(&mut [0u8; 256]);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn a_trainee_answers_in_chinese_reloads_mid_exam_and_sees_the_score() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    app.user(&mut admin, "amy", "trainee").await;
    open_exam(&mut lead, &[AUTHENTIC]).await;
    let Some(browser) = Driver::for_test().await else {
        return;
    };
    browser.login(&app.base, "amy").await;
    browser.click(".start-exam").await;

    browser.find("#exam-form[data-ready]").await;
    let answer = "亲，您的担心我完全理解，本店是品牌授权店，每件都有防伪码，请您放心购买，谢谢！";
    browser.type_into("textarea", answer).await;
    // Autosave fires after a short pause in typing; wait until the page confirms it.
    let mut state = String::new();
    for _ in 0..300 {
        state = browser.text_now("#save-state").await;
        if state.contains("已自动保存") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        state.contains("已自动保存"),
        "autosave never confirmed; the page says {state:?}"
    );
    let take_url = browser.url().await;
    browser.goto(&take_url).await;
    assert_eq!(
        browser.value("textarea").await,
        answer,
        "the answer survives a reload"
    );
    browser.click("#submit-exam").await;
    browser.call("POST", "/alert/accept", json!({})).await;
    let total = browser.text("#total-score").await;
    let score: f64 = total
        .parse()
        .unwrap_or_else(|_| panic!("no numeric score on the result page: {total:?}"));
    assert!(score > 50.0, "a good answer scores well: {score}");
    assert!(browser.text("#rank").await.contains("第 1 名"));
}

#[actix_web::test]
async fn a_lead_uploads_a_chat_log_in_the_browser_and_sees_its_report() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn().await;
    let mut admin = app.admin().await;
    app.user(&mut admin, "lina", "lead").await;
    let Some(browser) = Driver::for_test().await else {
        return;
    };
    browser.login(&app.base, "lina").await;
    browser.goto(&format!("{}/imports", app.base)).await;
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/chatlogs/quoted.csv"
    );
    browser.type_into("#upload-file", file).await;
    browser.click("#upload-button").await;
    // The page uploads, opens the import's page, and follows it until it ends.
    let mut rows = String::new();
    for _ in 0..100 {
        if browser.url().await.contains("/imports/") {
            rows = browser.text("#import-rows").await;
            if !rows.is_empty() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        rows.contains("读取 12 行"),
        "no report on the page: {rows:?}"
    );
    assert!(browser.text("#import-status").await.contains("导入完成"));
    browser.goto(&format!("{}/questions", app.base)).await;
    browser.find("svg.trend").await;
}

#[actix_web::test]
async fn a_reviewer_marks_an_answer_on_the_rubric_and_picks_the_better_of_two() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn().await;
    let (mut lead, _trainees, exam) = crate::review::answered_exam(&app).await;
    crate::review::close_and_review(&mut lead, exam, "2").await;
    let Some(browser) = Driver::for_test().await else {
        return;
    };
    browser.login(&app.base, "amy").await;
    browser.click("#review-queue a[href^='/reviews/']").await;
    browser.find("#review-form").await;
    let page = browser.html().await;
    // Each answer names its author; the one under review must be the only
    // place a name appears, anywhere in the document.
    let named: Vec<&str> = crate::review::TRAINEES
        .into_iter()
        .filter(|n| page.contains(n))
        .collect();
    assert_eq!(named.len(), 2, "amy (signed in) and the author: {named:?}");
    let author = named.iter().find(|n| **n != "amy").expect("an author");
    assert_eq!(
        page.matches(author).count(),
        1,
        "the author given away: {page}"
    );
    for (field, level) in crate::review::MARKS {
        browser
            .click(&format!("input[name={field}][value='{level}']"))
            .await;
    }
    browser
        .type_into("textarea[name=comment]", "语气亲切，可以给出具体发货时间")
        .await;
    browser.click("#submit-review").await;
    // Straight on to the next task: the second review, then the comparison.
    assert!(browser.text(".flash").await.contains("还剩 2 项"));
    browser.find("#review-form").await;

    browser.goto(&format!("{}/", app.base)).await;
    browser
        .click("#review-queue a[href^='/comparisons/']")
        .await;
    browser.find("#compare-form").await;
    browser.click("#pick-b").await;
    assert!(browser.text(".flash").await.contains("还剩 1 项"));
    browser.find("#review-form").await;

    let round = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(round.contains("语气亲切，可以给出具体发货时间"), "{round}");
    assert!(round.contains("对比中胜出 1/1 次"), "{round}");
}

impl Driver {
    /// A browser, or None said loudly when none is installed.
    async fn for_test() -> Option<Driver> {
        let driver = Driver::start().await;
        if driver.is_none() {
            eprintln!("\n*** SKIPPED browser test: chromedriver/chromium not installed (run .ci/run to install) ***\n");
        }
        driver
    }

    /// Runs `script` (its last statement returns) and gives back its value.
    async fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
        .await
    }

    /// Waits until the page says its answer is saved.
    async fn until_saved(&self) {
        for _ in 0..300 {
            if self.text_now("#save-state").await.contains("已自动保存") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("autosave never confirmed");
    }

    /// Clicks `css`, answering yes to the confirmation it asks for; the
    /// question asked ("" if none). The page's own confirm() is stood in for,
    /// so the answer is given at once and remembered across the navigation
    /// the click starts.
    async fn click_confirming(&self, css: &str) -> String {
        self.run(
            "window.confirm = m => { sessionStorage.setItem('asked', m); return true; };
             return true;",
        )
        .await;
        self.click(css).await;
        for _ in 0..50 {
            let asked = self.run("return sessionStorage.getItem('asked');").await;
            if let Some(asked) = asked.as_str() {
                self.run("sessionStorage.removeItem('asked'); return true;")
                    .await;
                return asked.to_string();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        String::new()
    }
}

#[actix_web::test]
async fn a_lead_closes_an_exam_while_a_trainee_writes_and_her_saved_answer_is_kept() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    app.user(&mut admin, "amy", "trainee").await;
    let exam = open_exam(&mut lead, &[AUTHENTIC]).await;
    let Some(browser) = Driver::for_test().await else {
        return;
    };
    browser.login(&app.base, "amy").await;
    browser.click(".start-exam").await;
    browser.find("#exam-form[data-ready]").await;
    // The first two saves are lost on the way (a dropped connection): the
    // page tries again by itself, soon, without waiting for another keystroke.
    browser
        .run(
            "const real = window.fetch; window.lostSaves = 0;
             window.fetch = function (...args) {
               if (window.lostSaves < 2) { window.lostSaves += 1; return Promise.reject(new TypeError('offline')); }
               return real.apply(this, args);
             };
             return true;",
        )
        .await;
    let answer = "亲，正品保证，支持专柜验货，请您放心下单";
    browser.type_into("textarea", answer).await;
    // She looks away from the box: no timer of the box's own is left to save it.
    browser
        .run("document.activeElement.blur(); return true;")
        .await;
    browser.until_saved().await;
    assert_eq!(browser.run("return window.lostSaves;").await, json!(2));

    // amy is still writing when the lead, at the same desk, closes the exam.
    browser.logout().await;
    browser.login(&app.base, "lina").await;
    browser.goto(&format!("{}/exams/{exam}", app.base)).await;
    let asked = browser.click_confirming("#close-exam").await;
    assert!(asked.contains("还有 1 名学员正在作答"), "{asked}");
    let mut status = String::new();
    for _ in 0..50 {
        status = browser.text_now("#exam-status").await;
        if status.contains("已关闭") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(status.contains("已关闭"), "{status}");
    browser
        .goto(&format!("{}/exams/{exam}/results", app.base))
        .await;
    let results = browser.html().await;
    assert!(
        results.contains(answer),
        "her saved answer is in the results"
    );
    assert!(results.contains("amy"), "{results}");
}

#[actix_web::test]
async fn a_lead_keeps_a_refused_forms_input_reads_the_round_on_a_phone_and_exports_csv() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn().await;
    let (mut lead, _trainees, exam) = crate::review::answered_exam(&app).await;
    crate::review::close_and_review(&mut lead, exam, "2").await;
    let Some(browser) = Driver::for_test().await else {
        return;
    };
    browser.login(&app.base, "lina").await;

    // A new exam with no question ticked is refused beside the form, and the
    // title typed is still there.
    browser.goto(&format!("{}/exams/new", app.base)).await;
    browser
        .type_into("#new-exam input[name=title]", "十二月售后复训")
        .await;
    browser.click("#new-exam button").await;
    assert!(!browser.text("#questions-error").await.is_empty());
    assert_eq!(
        browser.value("#new-exam input[name=title]").await,
        "十二月售后复训"
    );

    // The round page on a 390-px-wide phone, every question unfolded: nothing
    // wider than the screen.
    browser
        .call(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Emulation.setDeviceMetricsOverride",
                    "params": { "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true } }),
        )
        .await;
    browser
        .goto(&format!("{}/exams/{exam}/review", app.base))
        .await;
    browser.find("#round-summary").await;
    let widths = browser
        .run(
            "document.querySelectorAll('details').forEach(d => d.open = true);
             return [document.documentElement.scrollWidth, window.innerWidth];",
        )
        .await;
    // A phone lays out wider than its screen, and shrinks it, when anything
    // overflows: both the document and the viewport stay at 390.
    assert_eq!(
        widths,
        json!([390, 390]),
        "the page overflows sideways: [document, viewport] = {widths}"
    );

    // The results export, fetched as the browser downloads it, has the
    // columns a lead expects, behind Excel's byte-order mark.
    browser
        .goto(&format!("{}/exams/{exam}/results", app.base))
        .await;
    browser.find("#export-results").await;
    let csv = browser
        .call(
            "POST",
            "/execute/async",
            json!({ "script": "const done = arguments[0];
                    fetch(document.querySelector('#export-results').href)
                      .then(r => r.arrayBuffer())
                      .then(b => done(Array.from(new Uint8Array(b))));",
                    "args": [] }),
        )
        .await;
    let bytes: Vec<u8> = csv
        .as_array()
        .expect("the file's bytes")
        .iter()
        .filter_map(|b| b.as_u64().map(|b| b as u8))
        .collect();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    assert!(
        header.starts_with("rank,trainee,username,final,automatic,passed,Q1 "),
        "{header}"
    );
    assert_eq!(lines.count(), 4, "one row per trainee");

    // Printed, the results page is its content without the app around it.
    browser
        .call(
            "POST",
            "/goog/cdp/execute",
            json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "media": "print" } }),
        )
        .await;
    let shown = browser
        .run(
            "const d = s => getComputedStyle(document.querySelector(s)).display;
             return [d('header.top'), d('p.no-print'), d('#ranking')];",
        )
        .await;
    assert_eq!(shown, json!(["none", "none", "table"]), "{shown}");
}

#[actix_web::test]
async fn a_lead_publishes_a_script_and_an_agent_finds_it_and_checks_a_reply() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn().await;
    let (_lead, _trainees, _exam) = crate::review::answered_exam(&app).await;
    let Some(browser) = Driver::for_test().await else {
        return;
    };
    // The lead picks the first candidate, adds a placeholder, publishes.
    browser.login(&app.base, "lina").await;
    browser.goto(&format!("{}/library", app.base)).await;
    browser.click("#unpublished a").await;
    browser.click("a.use-candidate").await;
    let picked = browser.value("textarea[name=text]").await;
    assert!(picked.contains("在这里"), "{picked}");
    browser
        .type_into("textarea[name=text]", "，{称呼}请放心")
        .await;
    browser.click("#publish-script").await;
    assert!(browser.text(".flash").await.contains("已发布为第 1 版"));
    assert_eq!(browser.text("mark.placeholder").await, "{称呼}");

    // An agent pastes a customer's message and finds it first.
    browser.logout().await;
    browser.login(&app.base, "amy").await;
    browser.goto(&format!("{}/library", app.base)).await;
    browser
        .type_into(
            "#library-match textarea[name=m]",
            "亲在吗，你家的东西是正品吗？",
        )
        .await;
    browser.click("#library-match button").await;
    let found = browser.text("#matches .match").await;
    assert!(found.contains("在这里"), "{found}");

    // Then checks the reply she is about to send.
    browser.goto(&format!("{}/library/check", app.base)).await;
    browser
        .type_into("textarea[name=message]", "你们卖的是正品吗")
        .await;
    browser
        .type_into("textarea[name=reply]", "是正品，不知道你在担心什么")
        .await;
    browser.click("#check-reply").await;
    let result = browser.text("#check-result").await;
    assert!(
        result.contains("不知道"),
        "the cold phrase is named: {result}"
    );
    assert!(browser.text("#official-script").await.contains("{称呼}"));
}
