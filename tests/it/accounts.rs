use reqwest::StatusCode;

use crate::helpers::spawn;

#[actix_web::test]
async fn an_empty_database_shows_only_the_first_admin_page() {
    let app = spawn().await;
    let mut c = app.client();
    for path in ["/", "/login", "/exams/new", "/admin/users"] {
        let page = c.get(path).await;
        assert_eq!(
            (page.status, page.location.as_str()),
            (StatusCode::SEE_OTHER, "/setup"),
            "{path}"
        );
    }
    let setup = c.get("/setup").await;
    assert!(setup.body.contains("创建首个管理员"));
}

#[actix_web::test]
async fn the_health_check_answers_even_before_setup() {
    let app = spawn().await;
    let page = app.client().get("/healthz").await;
    assert_eq!((page.status, page.body.as_str()), (StatusCode::OK, "ok"));
}

#[actix_web::test]
async fn the_first_admin_page_works_once() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let home = admin.get("/").await;
    assert!(home.body.contains("管理员 · 管理员"), "{}", home.body);
    let mut other = app.client();
    let again = other.get("/setup").await;
    assert_eq!(again.location, "/");
    let users = admin.get("/admin/users").await;
    assert_eq!(
        users.body.matches("<code>").count(),
        1,
        "still exactly one user"
    );
}

#[test]
fn the_first_admin_is_created_once_however_many_race_for_it() {
    use huashu::db::users::{create_first_admin, NewUser};
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = huashu::cli::serve::open_db(&crate::helpers::fresh_database_url(dir.path()))
        .expect("database");
    let start = std::sync::Arc::new(std::sync::Barrier::new(8));
    let racers: Vec<_> = (0..8)
        .map(|i| {
            let (pool, start) = (pool.clone(), start.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().expect("conn");
                let name = format!("boss-{i}");
                let new = NewUser {
                    username: &name,
                    display_name: "管理员",
                    password_hash: "x",
                    role: huashu::domain::types::Role::Admin,
                    lang: "zh-CN",
                };
                start.wait();
                create_first_admin(&mut conn, &new)
                    .expect("no error")
                    .is_some()
            })
        })
        .collect();
    let created = racers
        .into_iter()
        .map(|r| r.join().expect("racer finished"))
        .filter(|won| *won)
        .count();
    assert_eq!(created, 1);
}

#[actix_web::test]
async fn repeated_failures_slow_down_that_name_from_that_address_only() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    app.user(&mut admin, "amy", "trainee").await;
    let mut c = app.client();
    let first = c.login("amy", "nope-nope-nope").await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    assert!(first.body.contains("用户名或密码不正确"));
    for _ in 0..4 {
        c.login("amy", "nope-nope-nope").await;
    }
    let blocked = c.login("amy", "password-123").await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.body.contains("秒后再试"), "{}", blocked.body);
    assert!(
        blocked.body.contains("name=\"password\""),
        "the form stays to retry"
    );
    // The owner on another machine is not locked out by someone guessing here.
    let mut owner = app.client_from([127, 0, 0, 2]);
    let page = owner.login("amy", "password-123").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // An admin sees the pause and lifts it.
    let users = admin.get("/admin/users").await;
    assert!(users.body.contains("已暂停"), "{}", users.body);
    let lifted = admin.post("/admin/users/2", &[("action", "unblock")]).await;
    assert_eq!(lifted.status, StatusCode::SEE_OTHER, "{}", lifted.body);
    assert_eq!(
        c.login("amy", "password-123").await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn parallel_guesses_are_counted_before_any_is_checked() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    app.user(&mut admin, "amy", "trainee").await;
    let mut c = app.client();
    c.get("/login").await;
    let guesses: Vec<_> = (0..40)
        .map(|i| {
            let (http, url, token) = (c.http.clone(), format!("{}/login", c.base), c.csrf.clone());
            actix_web::rt::spawn(async move {
                let guess = format!("guess-number-{i}");
                let fields = [
                    ("username", "amy"),
                    ("password", guess.as_str()),
                    ("_csrf", &token),
                ];
                http.post(url)
                    .form(&fields)
                    .send()
                    .await
                    .expect("POST")
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.expect("guess ran"));
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let paused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + paused, 40, "{statuses:?}");
    assert!(
        checked <= 5,
        "{checked} of 40 parallel guesses were checked"
    );
}

#[actix_web::test]
async fn failed_logins_store_nothing_for_names_that_cannot_exist() {
    let app = spawn().await;
    app.admin().await;
    let mut c = app.client();
    let huge = "x".repeat(100_000);
    for name in [huge.as_str(), "名字", "a b"] {
        let page = c.login(name, "whatever-whatever").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM login_throttle"), 0);
    c.login("ghost", "whatever-whatever").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM login_throttle"), 1);
}

#[actix_web::test]
async fn a_login_goes_on_to_a_local_path_only() {
    let app = spawn().await;
    app.admin().await;
    for (next, to) in [
        ("/questions?scene=pre_sale", "/questions?scene=pre_sale"),
        ("/\t/evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\nSet-Cookie: x=1", "/"),
        ("https://evil.example/", "/"),
    ] {
        let mut c = app.client();
        c.get("/login").await;
        let page = c
            .post(
                "/login",
                &[
                    ("username", "boss"),
                    ("password", "password-123"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            (page.status, page.location.as_str()),
            (StatusCode::SEE_OTHER, to),
            "{next:?}"
        );
    }
}

#[actix_web::test]
async fn weak_passwords_are_refused_with_the_reason() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    for (password, says) in [
        ("        ", "密码长度需为 10–128"),
        ("          ", "不能全是空格"),
        ("password", "密码长度需为 10–128"),
        ("12345678", "密码长度需为 10–128"),
        ("1234567890", "太常见"),
        ("Password123", "太常见"),
        ("newcomer-7", "不能与用户名相同"),
    ] {
        let page = admin
            .post(
                "/admin/users",
                &[
                    ("username", "newcomer-7"),
                    ("display_name", "新人"),
                    ("password", password),
                    ("role", "trainee"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password:?}"
        );
        assert!(page.body.contains(says), "{password:?}: {}", page.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM users"), 1);
}

#[actix_web::test]
async fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn().await;
    app.admin().await;
    let page = app.client().login("ghost", "whatever-123").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("用户名或密码不正确"));
}

#[actix_web::test]
async fn a_trainee_is_kept_out_of_lead_and_admin_pages() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut trainee = app.user(&mut admin, "tina", "trainee").await;
    for path in ["/exams/new", "/banks", "/admin/users", "/exams/1/results"] {
        let page = trainee.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.body.contains("没有权限"), "{path}");
    }
    let mut lead = app.user(&mut admin, "leo", "lead").await;
    assert_eq!(lead.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(lead.get("/exams/new").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_form_without_its_csrf_token_changes_nothing() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let page = admin
        .post_raw(
            "/admin/users",
            &[
                ("username", "eve"),
                ("display_name", "eve"),
                ("password", "password-123"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("表单已过期"));
    let forged = admin
        .post_raw(
            "/admin/users",
            &[("username", "eve"), ("_csrf", "0000"), ("role", "admin")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(!admin.get("/admin/users").await.body.contains("eve"));
}

#[actix_web::test]
async fn a_disabled_user_is_logged_out_and_cannot_log_in() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut dan = app.user(&mut admin, "dan", "trainee").await;
    admin.get("/admin/users").await;
    // Users are numbered in creation order: the admin is 1, dan is 2.
    let done = admin.post("/admin/users/2", &[("action", "disable")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(dan.get("/").await.status, StatusCode::SEE_OTHER);
    // With the right password, dan learns why; a guesser learns nothing.
    let told = app.client().login("dan", "password-123").await;
    assert_eq!(told.status, StatusCode::FORBIDDEN);
    assert!(
        told.body.contains("这个账号已被管理员停用"),
        "{}",
        told.body
    );
    let guessed = app.client().login("dan", "not-his-password").await;
    assert_eq!(guessed.status, StatusCode::UNAUTHORIZED);
    assert!(!guessed.body.contains("停用"));
}

#[actix_web::test]
async fn the_last_admin_cannot_disable_themself() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    admin.get("/admin/users").await;
    let page = admin.post("/admin/users/1", &[("action", "disable")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("最后一位管理员"));
}

#[actix_web::test]
async fn bad_account_input_gets_a_message_in_the_users_language() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let page = admin
        .post(
            "/admin/users",
            &[
                ("username", "李"),
                ("display_name", "x"),
                ("password", "password-123"),
                ("role", "trainee"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("用户名需为"));
    admin.post("/lang", &[("lang", "en")]).await;
    admin.get("/").await;
    let page = admin
        .post(
            "/admin/users",
            &[
                ("username", "ok-name"),
                ("display_name", "x"),
                ("password", "short"),
                ("role", "trainee"),
            ],
        )
        .await;
    assert!(
        page.body.contains("Passwords are 10–128 characters"),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn the_language_choice_is_remembered_per_user() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut amy = app.user(&mut admin, "amy", "trainee").await;
    assert!(amy.get("/").await.body.contains("进行中的考试"));
    amy.post("/lang", &[("lang", "en")]).await;
    assert!(amy.get("/").await.body.contains("Open exams"));
    amy.post("/logout", &[]).await;
    assert_eq!(amy.get("/").await.status, StatusCode::SEE_OTHER);
    amy.login("amy", "password-123").await;
    assert!(amy.get("/").await.body.contains("Open exams"));
    assert!(
        admin.get("/").await.body.contains("工作台"),
        "another user keeps Chinese"
    );
}

#[actix_web::test]
async fn a_taken_username_comes_back_on_the_form_with_what_was_typed() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let fields = [
        ("username", "fang"),
        ("display_name", "王芳"),
        ("password", "a-long-password-9"),
        ("role", "lead"),
    ];
    let first = admin.post("/admin/users", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = admin.post("/admin/users", &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains("id=\"new-user-error\""),
        "{}",
        again.body
    );
    assert!(again.body.contains("用户名 fang 已被使用"));
    assert!(again
        .body
        .contains("name=\"username\" required value=\"fang\""));
    assert!(again
        .body
        .contains("name=\"display_name\" required value=\"王芳\""));
    assert!(again.body.contains("value=\"lead\" selected"));
    assert!(
        !again.body.contains("a-long-password-9"),
        "never the password"
    );
    assert!(
        again.body.contains("<nav>"),
        "a whole page, with navigation"
    );
}

#[actix_web::test]
async fn each_page_names_itself_in_the_tab_and_the_language_switch_is_separated() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    let title = |body: &str| {
        body.split("<title>")
            .nth(1)
            .and_then(|s| s.split("</title>").next())
            .unwrap_or_default()
            .to_string()
    };
    let home = lead.get("/").await.body;
    let new_exam = lead.get("/exams/new").await.body;
    let users = admin.get("/admin/users").await.body;
    assert!(title(&home).starts_with("工作台 · "), "{}", title(&home));
    assert!(title(&new_exam).starts_with("新建考试 · "));
    assert!(title(&users).starts_with("用户管理 · "));
    assert!(home.contains("rel=\"icon\""));
    assert!(home.contains("class=\"sep\""), "中文 | English");
    assert!(
        home.contains("href=\"/imports\""),
        "imports in a lead's navigation"
    );
    // What cannot be undone asks first, and looks unlike navigation.
    assert!(
        users.contains(
            "class=\"small danger\" name=\"action\" value=\"disable\" data-confirm=\"停用"
        ),
        "{users}"
    );
    let icon = lead.get("/static/favicon.svg").await;
    assert_eq!(icon.status, StatusCode::OK);
}
