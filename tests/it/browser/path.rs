//! A new hire's week 2 in a real browser: a lead opens the week by exception,
//! the new hire talks a two-turn scenario through on the exam page, submits,
//! and the lead's dashboard shows the result.

use std::time::Duration;

use super::{Driver, ONE_BROWSER};
use crate::helpers::spawn;

const WARM: &str =
    "非常抱歉让您等了这么久，换作是我也会着急的，我马上帮您查物流，十分钟内给您回复。";
const WHEN: &str = "理解您周末要用，物流显示明天下午送达，明天中午前我再帮您跟进一次。";

#[actix_web::test]
async fn a_new_hire_talks_a_scenario_through_and_the_dashboard_shows_it() {
    let _one = ONE_BROWSER.lock().await;
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    app.user(&mut admin, "xiao", "trainee").await;
    let xiao = app
        .count("SELECT id AS n FROM users WHERE username = 'xiao'")
        .to_string();
    lead.get("/cohorts").await;
    let today = chrono::Local::now().date_naive().to_string();
    let created = lead
        .post(
            "/cohorts",
            &[
                ("name", "一月新人班"),
                ("program", "four-weeks"),
                ("starts_on", &today),
                ("member", &xiao),
            ],
        )
        .await;
    let cohort = crate::helpers::number_after(&created.location, "/cohorts/").expect("cohort");
    lead.get(&format!("/cohorts/{cohort}")).await;
    let granted = lead
        .post(
            &format!("/cohorts/{cohort}/exceptions"),
            &[
                ("user", &xiao),
                ("week", "2"),
                ("reason", "已做过两年售中客服"),
            ],
        )
        .await;
    assert_eq!(
        granted.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        granted.body
    );
    let exam = app.count(
        "SELECT c.exam_id AS n FROM cohort_exams c JOIN exams e ON e.id = c.exam_id \
         WHERE e.title LIKE '%情景对话%'",
    );

    let Some(browser) = Driver::for_test().await else {
        return;
    };
    browser.login(&app.base, "xiao").await;
    assert!(browser.text("#path-next").await.contains("第 2 周"));
    browser
        .click(&format!(
            "#path-week-2 form[action=\"/exams/{exam}/start\"] button"
        ))
        .await;
    browser.find("#exam-form[data-ready]").await;
    let first = ".scenario textarea[data-turn-item]";
    assert!(browser
        .text(".scenario .chat")
        .await
        .contains("我的快递五天了还没到"));
    browser.type_into(first, WARM).await;
    browser.click(".scenario .send-turn").await;
    let mut chat = String::new();
    for _ in 0..100 {
        chat = browser.text_now(".scenario .chat").await;
        if chat.contains("那到底什么时候能到") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        chat.contains("那到底什么时候能到"),
        "the calm branch: {chat}"
    );
    assert!(chat.contains(WARM), "{chat}");
    browser.type_into(first, WHEN).await;
    browser.click(".scenario .send-turn").await;
    let mut ended = false;
    for _ in 0..100 {
        let hidden = browser
            .run("return document.querySelector('.scenario .ended').hidden;")
            .await;
        if hidden.as_bool() == Some(false) {
            ended = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ended, "the conversation ends after the second turn");

    // The bank's other two scenarios are left blank, on purpose.
    browser.click("input[name=allow_blank]").await;
    browser.click_confirming("#submit-exam").await;
    assert!(browser.text("#total-score").await.parse::<f64>().is_ok());
    let page = browser.html().await;
    assert!(
        page.contains("逐轮得分") && page.contains("先回应了情绪"),
        "{page}"
    );

    browser.logout().await;
    browser.login(&app.base, "lina").await;
    browser.goto(&format!("{}/dashboard", app.base)).await;
    let exams = browser.text("#dash-exams").await;
    assert!(exams.contains("一月新人班 · 第2周 · 情景对话"), "{exams}");
    assert!(exams.contains("1 份"), "{exams}");
    let cohorts = browser.text("#dash-cohorts").await;
    assert!(cohorts.contains("xiao"), "{cohorts}");
}
