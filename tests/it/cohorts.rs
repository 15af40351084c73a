//! Cohorts: a lead puts new hires on the four-week path; passing a week's exam
//! opens the next, failing it does not, and a lead's exception (with its
//! reason) does. A cohort's exams are its members' alone.

use reqwest::StatusCode;

use crate::helpers::{between, item_ids, number_after, spawn, start, Client, TestApp};

struct Cohort {
    lead: Client,
    /// New hires in the cohort.
    xiao: Client,
    hui: Client,
    /// A trainee outside it.
    amy: Client,
    id: i64,
}

fn user_id(app: &TestApp, username: &str) -> String {
    app.count(&format!(
        "SELECT id AS n FROM users WHERE username = '{username}'"
    ))
    .to_string()
}

/// The exam of week `week` (1-based) of cohort `cohort`.
fn week_exam(app: &TestApp, cohort: i64, week: i64) -> i64 {
    app.count(&format!(
        "SELECT exam_id AS n FROM cohort_exams WHERE cohort_id = {cohort} AND week = {}",
        week - 1
    ))
}

async fn cohort(app: &TestApp, starts_on: &str) -> Cohort {
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    let xiao = app.user(&mut admin, "xiao", "trainee").await;
    let hui = app.user(&mut admin, "hui", "trainee").await;
    let amy = app.user(&mut admin, "amy", "trainee").await;
    lead.get("/cohorts").await;
    let (x, h) = (user_id(app, "xiao"), user_id(app, "hui"));
    let created = lead
        .post(
            "/cohorts",
            &[
                ("name", "十二月新人班"),
                ("program", "four-weeks"),
                ("starts_on", starts_on),
                ("member", &x),
                ("member", &h),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = number_after(&created.location, "/cohorts/").expect("cohort id");
    Cohort {
        lead,
        xiao,
        hui,
        amy,
        id,
    }
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

/// Takes exam `exam` and submits each answer: the item's first reference
/// when `well`, a brush-off otherwise.
async fn sit(app: &TestApp, trainee: &mut Client, exam: i64, well: bool) {
    let (attempt, page) = start(trainee, exam).await;
    let pool = huashu::cli::serve::open_db(&app.url).expect("database");
    let items = huashu::db::exams::items(
        &mut pool.get().expect("conn"),
        huashu::db::columns::ExamId(exam),
    )
    .expect("items");
    let answers: Vec<(String, String)> = item_ids(&page.body)
        .iter()
        .map(|id| {
            let item = items.iter().find(|i| i.id.get() == *id).expect("item");
            let text = if well {
                item.references[0].clone()
            } else {
                "不知道".to_string()
            };
            (format!("answer_{id}"), text)
        })
        .collect();
    let fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = trainee
        .post(&format!("/attempts/{attempt}/submit"), &fields)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

fn week_status(home: &str, week: usize) -> &str {
    between(home, &format!("id=\"path-week-{week}\""), "</li>")
        .and_then(|w| between(w, "<span class=\"status\">", "</span>"))
        .unwrap_or("")
}

#[actix_web::test]
async fn passing_a_week_opens_the_next_and_failing_does_not() {
    let app = spawn().await;
    let mut c = cohort(&app, &today()).await;
    let home = c.xiao.get("/").await.body;
    assert!(home.contains("我的培训路径 · 新人四周成长路径"), "{home}");
    assert!(home.contains("第 1 周 / 共 4 周"), "{home}");
    assert!(
        home.contains("通过第 1 周的全部考试，即可解锁第 2 周。"),
        "{home}"
    );
    assert_eq!(week_status(&home, 1), "进行中");
    assert_eq!(week_status(&home, 2), "未解锁");
    let (week1, week2) = (week_exam(&app, c.id, 1), week_exam(&app, c.id, 2));

    sit(&app, &mut c.xiao, week1, true).await;
    sit(&app, &mut c.hui, week1, false).await;

    let home = c.xiao.get("/").await.body;
    assert_eq!(week_status(&home, 1), "已通过", "{home}");
    assert_eq!(week_status(&home, 2), "进行中", "{home}");
    assert!(home.contains("第 2 周 / 共 4 周"), "{home}");
    let (_, page) = start(&mut c.xiao, week2).await;
    assert!(!item_ids(&page.body).is_empty());

    let home = c.hui.get("/").await.body;
    assert_eq!(week_status(&home, 1), "进行中", "{home}");
    assert!(home.contains("未及格"), "{home}");
    assert_eq!(week_status(&home, 2), "未解锁", "{home}");
    let refused = c.hui.post(&format!("/exams/{week2}/start"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains("第 2 周还没有解锁"),
        "{}",
        refused.body
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM attempts WHERE exam_id = {week2}"
        )),
        1,
        "only xiao's attempt"
    );

    let board = c.lead.get(&format!("/cohorts/{}", c.id)).await.body;
    let xiao_row = between(&board, "id=\"member-", "</tr>").expect("a member row");
    assert!(xiao_row.contains("第 2 周"), "{xiao_row}");
}

#[actix_web::test]
async fn a_leads_exception_opens_a_week_and_keeps_its_reason() {
    let app = spawn().await;
    let mut c = cohort(&app, &today()).await;
    let hui = user_id(&app, "hui");
    let path = format!("/cohorts/{}/exceptions", c.id);
    c.lead.get(&format!("/cohorts/{}", c.id)).await;
    let blank = c
        .lead
        .post(&path, &[("user", &hui), ("week", "3"), ("reason", "  ")])
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blank.body.contains("原因需为 1–300 个字符"),
        "{}",
        blank.body
    );
    let beyond = c
        .lead
        .post(&path, &[("user", &hui), ("week", "5"), ("reason", "试试")])
        .await;
    assert_eq!(beyond.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM week_exceptions"), 0);

    let granted = c
        .lead
        .post(
            &path,
            &[
                ("user", &hui),
                ("week", "3"),
                ("reason", "已有两年售后经验"),
            ],
        )
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    let home = c.hui.get("/").await.body;
    for week in 1..=3 {
        assert_eq!(week_status(&home, week), "进行中", "week {week}: {home}");
    }
    assert_eq!(week_status(&home, 4), "未解锁");
    assert!(home.contains("（组长开通）"), "{home}");
    let week3 = week_exam(&app, c.id, 3);
    start(&mut c.hui, week3).await;

    let board = c.lead.get(&format!("/cohorts/{}", c.id)).await.body;
    let kept = between(&board, "id=\"exceptions\"", "</ul>").expect("exceptions");
    assert!(kept.contains("已有两年售后经验"), "{kept}");
    assert!(kept.contains("lina"), "{kept}");
    // Someone outside the cohort gets no exception.
    let amy = user_id(&app, "amy");
    let outsider = c
        .lead
        .post(
            &path,
            &[("user", &amy), ("week", "2"), ("reason", "想试试")],
        )
        .await;
    assert_eq!(outsider.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_cohorts_exams_are_its_members_alone() {
    let app = spawn().await;
    let mut c = cohort(&app, &today()).await;
    let week1 = week_exam(&app, c.id, 1);
    let home = c.amy.get("/").await.body;
    assert!(!home.contains("十二月新人班"), "{home}");
    assert!(!home.contains("id=\"my-path\""), "{home}");
    let refused = c.amy.post(&format!("/exams/{week1}/start"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("只对所属新人班的成员开放"),
        "{}",
        refused.body
    );
}

#[actix_web::test]
async fn a_new_hire_behind_schedule_is_flagged_on_both_sides() {
    let app = spawn().await;
    let start = chrono::Local::now().date_naive() - chrono::Days::new(16);
    let mut c = cohort(&app, &start.to_string()).await;
    let home = c.xiao.get("/").await.body;
    let week1 = between(&home, "id=\"path-week-1\"", "id=\"path-week-2\"").expect("week 1");
    assert!(week1.contains("逾期"), "{week1}");
    let board = c.lead.get(&format!("/cohorts/{}", c.id)).await.body;
    assert!(board.contains("class=\"behind\""), "{board}");
    assert!(board.contains("落后"), "{board}");
}

#[actix_web::test]
async fn a_cohort_form_with_bad_input_comes_back_with_its_message() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    app.user(&mut admin, "boss2", "lead").await;
    lead.get("/cohorts").await;
    let cases: [(&[(&str, &str)], &str); 3] = [
        (
            &[
                ("name", "一班"),
                ("program", "four-weeks"),
                ("starts_on", "2126-01-01"),
            ],
            "开始日期需为一年内的某一天",
        ),
        (
            &[
                ("name", " "),
                ("program", "four-weeks"),
                ("starts_on", "2026-12-07"),
            ],
            "名称需为 1–60 个字符",
        ),
        (
            &[
                ("name", "一班"),
                ("program", "nine-weeks"),
                ("starts_on", "2026-12-07"),
            ],
            "请选择一个已加载的培训路径",
        ),
    ];
    for (fields, message) in cases {
        let page = lead.post("/cohorts", fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(page.body.contains(message), "{message} in {}", page.body);
    }
    let boss2 = user_id(&app, "boss2");
    let lead_as_member = lead
        .post(
            "/cohorts",
            &[
                ("name", "一班"),
                ("program", "four-weeks"),
                ("starts_on", &today()),
                ("member", &boss2),
            ],
        )
        .await;
    assert_eq!(lead_as_member.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(lead_as_member.body.contains("只能把学员编进新人班"));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM cohorts"), 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM exams"),
        0,
        "nothing half-made"
    );
}
