//! Spawning the app and talking to it like a browser does.

use std::net::TcpListener;
use std::path::Path;

use actix_web::cookie::Key;
use huashu::web::startup::{Application, Settings};
use reqwest::{redirect::Policy, StatusCode};

pub struct TestApp {
    pub base: String,
    pub url: String,
    /// This app's own uploads folder.
    pub uploads: std::path::PathBuf,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh database for one test (SQLite in `dir`, or PostgreSQL in the second run).
pub fn fresh_database_url(dir: &Path) -> String {
    huashu::db::scratch::database_url(dir).expect("a scratch database")
}

/// The app on a fresh database, with the banks from `banks_dir`.
pub async fn spawn_with_banks(banks_dir: &Path) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(dir.path());
    let app = spawn_on(&url, banks_dir, Key::generate()).await;
    TestApp {
        _dir: Some(dir),
        ..app
    }
}

/// The app on an existing database with a given cookie key: two of these on one
/// PostgreSQL database are two instances of one deployment.
pub async fn spawn_on(url: &str, banks_dir: &Path, key: Key) -> TestApp {
    let uploads = std::env::temp_dir().join(format!(
        "huashu-test-uploads-{}",
        huashu::app::passwords::random_token()
    ));
    let settings = Settings {
        pool: huashu::cli::serve::open_db(url).expect("database opens"),
        banks: Some(banks_dir.to_path_buf()),
        rules: Default::default(),
        uploads: uploads.clone(),
        key,
        cookie_secure: false,
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let app = Application::build(settings, listener).expect("the app builds");
    let base = format!("http://{}", app.address().expect("addr"));
    actix_web::rt::spawn(app.run().expect("server starts"));
    TestApp {
        base,
        url: url.to_string(),
        uploads,
        _dir: None,
    }
}

impl TestApp {
    /// A server already running at `base` (started as a process by the test).
    pub fn at(base: &str) -> TestApp {
        TestApp {
            base: base.to_string(),
            url: String::new(),
            uploads: std::path::PathBuf::new(),
            _dir: None,
        }
    }

    /// Runs a statement on the app's database: how a test moves a due date
    /// into the past instead of waiting for it.
    pub fn sql(&self, statement: &str) {
        let pool = huashu::cli::serve::open_db(&self.url).expect("database");
        run_sql(&mut pool.get().expect("conn"), statement);
    }
}

impl TestApp {
    /// A number one query returns (its column named `n`), for asserting on
    /// what the app stored.
    pub fn count(&self, query: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let pool = huashu::cli::serve::open_db(&self.url).expect("database");
        let q = diesel::sql_query(query);
        let rows: Vec<N> = match &mut pool.get().expect("conn") {
            huashu::db::Conn::Sqlite(c) => q.load(&mut **c),
            huashu::db::Conn::Postgres(c) => q.load(&mut **c),
        }
        .expect(query);
        rows.first().map_or(0, |r| r.n)
    }

    /// A client whose requests come from another loopback address: another
    /// machine, as far as the server can tell.
    pub fn client_from(&self, address: [u8; 4]) -> Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .local_address(std::net::IpAddr::from(address))
            .build()
            .expect("client");
        Client {
            http,
            base: self.base.clone(),
            csrf: String::new(),
        }
    }
}

/// Runs a statement on a connection of either backend.
pub fn run_sql(conn: &mut huashu::db::Conn, statement: &str) {
    use diesel::RunQueryDsl;
    let query = diesel::sql_query(statement);
    match conn {
        huashu::db::Conn::Sqlite(c) => query.execute(&mut **c),
        huashu::db::Conn::Postgres(c) => query.execute(&mut **c),
    }
    .expect(statement);
}

pub fn banks() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("exams")
}

pub async fn spawn() -> TestApp {
    spawn_with_banks(&banks()).await
}

/// A browser-like client: keeps cookies and the page's current CSRF token.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

pub struct Page {
    pub status: StatusCode,
    pub location: String,
    pub body: String,
}

impl TestApp {
    pub fn client(&self) -> Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        Client {
            http,
            base: self.base.clone(),
            csrf: String::new(),
        }
    }

    /// A client logged in as a new user of `role`, created by `admin`.
    pub async fn user(&self, admin: &mut Client, username: &str, role: &str) -> Client {
        let page = admin
            .post(
                "/admin/users",
                &[
                    ("username", username),
                    ("display_name", username),
                    ("password", "password-123"),
                    ("role", role),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let mut c = self.client();
        c.login(username, "password-123").await;
        c
    }

    /// Runs the first-admin setup and returns the admin's client.
    pub async fn admin(&self) -> Client {
        let mut c = self.client();
        c.get("/setup").await;
        let page = c
            .post(
                "/setup",
                &[
                    ("username", "boss"),
                    ("display_name", "管理员"),
                    ("password", "password-123"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        c.get("/").await;
        c
    }
}

impl Client {
    async fn read(&mut self, res: reqwest::Response) -> Page {
        let status = res.status();
        let location = location_of(&res);
        let body = res.text().await.expect("body");
        if let Some(token) = csrf_in(&body) {
            self.csrf = token;
        }
        Page {
            status,
            location,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        self.read(res).await
    }

    /// POSTs a form with the current CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone();
        all.push(("_csrf", &token));
        self.post_raw(path, &all).await
    }

    /// POSTs exactly these fields (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("POST");
        self.read(res).await
    }

    pub async fn post_json(
        &mut self,
        path: &str,
        json: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("X-CSRF-Token", &self.csrf)
            .json(&json)
            .send()
            .await
            .expect("POST json");
        let status = res.status();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Page {
        self.get("/login").await;
        self.post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }
}

/// Where a response redirects to ("" when it does not).
pub fn location_of(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    body[at..].split('"').next().map(str::to_string)
}

/// The first number after `marker` in `body`, e.g. an id in a link.
pub fn number_after(body: &str, marker: &str) -> Option<i64> {
    let at = body.find(marker)? + marker.len();
    body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// The id of the bank question whose prompt contains `prompt`, on the new-exam page.
pub fn question_id(new_exam_page: &str, prompt: &str) -> String {
    let at = new_exam_page
        .find(prompt)
        .unwrap_or_else(|| panic!("no question {prompt}"));
    let marker = "name=\"q\" value=\"";
    let start = new_exam_page[..at]
        .rfind(marker)
        .expect("a check box before the prompt")
        + marker.len();
    new_exam_page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The two questions most tests use: authenticity, then the cup's material.
pub const AUTHENTIC: &str = "你们家卖的是正品吗";
pub const MATERIAL: &str = "这个杯子是什么材质";

/// Lead builds a draft exam of the questions with these prompts (30 minutes,
/// pass mark 60) and returns its id.
pub async fn draft_exam(lead: &mut Client, title: &str, prompts: &[&str]) -> i64 {
    let form = lead.get("/exams/new").await;
    let ids: Vec<String> = prompts.iter().map(|p| question_id(&form.body, p)).collect();
    let mut fields = vec![
        ("title", title),
        ("time_limit", "30"),
        ("pass_mark", "60"),
        ("mode", "pick"),
    ];
    fields.extend(ids.iter().map(|id| ("q", id.as_str())));
    let created = lead.post("/exams", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    number_after(&created.location, "/exams/").expect("exam id")
}

/// Lead builds an exam of the questions with these prompts, opens it, returns its id.
pub async fn open_exam(lead: &mut Client, prompts: &[&str]) -> i64 {
    let id = draft_exam(lead, "正品与材质", prompts).await;
    lead.get(&format!("/exams/{id}")).await;
    let opened = lead
        .post(&format!("/exams/{id}/status"), &[("action", "open")])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    id
}

/// The lead closes an open exam from its page.
pub async fn close_exam(lead: &mut Client, exam: i64) {
    lead.get(&format!("/exams/{exam}")).await;
    let closed = lead
        .post(&format!("/exams/{exam}/status"), &[("action", "close")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
}

/// Trainee starts an exam; returns the attempt id and the take page.
pub async fn start(trainee: &mut Client, exam_id: i64) -> (i64, Page) {
    trainee.get("/").await;
    let started = trainee.post(&format!("/exams/{exam_id}/start"), &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let attempt = number_after(&started.location, "/attempts/").expect("attempt id");
    let page = trainee.get(&format!("/attempts/{attempt}")).await;
    (attempt, page)
}

/// The exam item ids on a take page, in order.
pub fn item_ids(take_page: &str) -> Vec<i64> {
    take_page
        .match_indices("name=\"answer_")
        .filter_map(|(at, m)| number_after(&take_page[at..], m))
        .collect()
}

/// The usual cast: an admin, lead "lina", trainee "amy" with an attempt started at
/// an open exam of the questions with these prompts.
pub struct Started {
    pub admin: Client,
    pub lead: Client,
    pub amy: Client,
    pub exam: i64,
    pub attempt: i64,
    pub items: Vec<i64>,
}

pub async fn started_exam(app: &TestApp, prompts: &[&str]) -> Started {
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lina", "lead").await;
    let mut amy = app.user(&mut admin, "amy", "trainee").await;
    let exam = open_exam(&mut lead, prompts).await;
    let (attempt, page) = start(&mut amy, exam).await;
    let items = item_ids(&page.body);
    Started {
        admin,
        lead,
        amy,
        exam,
        attempt,
        items,
    }
}

/// The item ids of a draft exam's editor, in order.
pub fn draft_items(exam_page: &str) -> Vec<i64> {
    exam_page
        .match_indices("name=\"prompt_")
        .filter_map(|(i, m)| number_after(&exam_page[i..], m))
        .collect()
}

/// A draft editor's settings fields: this title, 20 minutes, pass mark 60.
pub fn draft_settings(title: &str) -> Vec<(String, String)> {
    [("title", title), ("time_limit", "20"), ("pass_mark", "60")]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec()
}

/// Sends the draft editor of `exam` with `fields` (after loading the page,
/// as a browser would).
pub async fn save_draft(lead: &mut Client, exam: i64, fields: &[(String, String)]) -> Page {
    lead.get(&format!("/exams/{exam}")).await;
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    lead.post(&format!("/exams/{exam}/draft"), &fields).await
}

/// The text of `page` after the first `from`, up to the next `to` (or the
/// end); None when `from` is not on the page.
pub fn between<'a>(page: &'a str, from: &str, to: &str) -> Option<&'a str> {
    page.split_once(from)
        .and_then(|(_, rest)| rest.split(to).next())
}

/// Seeds the demo team (`serve --demo`) with the shipped programs.
pub fn seed_demo(pool: &huashu::db::DbPool) -> Vec<huashu::cli::demo::Login> {
    let banks = huashu::app::banks::load_builtin();
    let programs: Vec<_> = huashu::app::banks::load_builtin_programs(&banks)
        .into_iter()
        .filter_map(|f| f.program)
        .collect();
    huashu::cli::demo::seed(pool, &programs).expect("demo")
}

/// The demo team (`serve --demo`) on a fresh database, every password
/// "password-123"; the folder holding the database goes with the app.
pub async fn spawn_demo() -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    // The banks load with the app; the demo's exams are drawn from them.
    let app = spawn_on(&url, &banks(), Key::generate()).await;
    let pool = huashu::cli::serve::open_db(&url).expect("database");
    seed_demo(&pool);
    let hash = huashu::app::passwords::hash_password("password-123").expect("hash");
    app.sql(&format!("UPDATE users SET password_hash = '{hash}'"));
    (app, dir)
}
