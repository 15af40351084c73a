//! What the load and spike benchmarks share: seeding a crowd, logging it in the way
//! a browser does, and reading the numbers back.
#![allow(dead_code)] // each benchmark uses part of it

use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};
use huashu::db::columns::ExamStatus;
use huashu::db::{self, exams, questions, users, DbPool};
use huashu::domain::types::Role;
use reqwest::cookie::Jar;
use tokio::sync::Semaphore;

pub const PASSWORD: &str = "load-test-password";

/// A lead, an open exam of `questions` bank questions, and trainees named
/// `{prefix}0000`…; one password hash computed once and shared, since seeding is
/// not what is measured. Returns the exam and its item ids. Banks must be loaded.
pub fn seed(pool: &DbPool, n: usize, prefix: &str, question_count: usize) -> (i64, Vec<i64>) {
    fn new<'a>(name: &'a str, hash: &'a str, role: Role) -> users::NewUser<'a> {
        users::NewUser {
            username: name,
            display_name: name,
            password_hash: hash,
            role,
            lang: "zh-CN",
        }
    }
    let mut conn = pool.get().expect("connection");
    let hash = huashu::app::passwords::hash_password(PASSWORD).expect("hash");
    let lead = users::create(&mut conn, &new(&format!("{prefix}lead"), &hash, Role::Lead))
        .expect("insert")
        .expect("new lead");
    db::write_tx(&mut conn, |conn| -> db::DbResult<()> {
        for i in 0..n {
            users::create(conn, &new(&format!("{prefix}{i:04}"), &hash, Role::Trainee))?;
        }
        Ok(())
    })
    .expect("trainees");
    let picked: Vec<_> = questions::list_active(&mut conn)
        .expect("questions")
        .into_iter()
        .take(question_count)
        .collect();
    let exam = exams::NewExam {
        title: "压测",
        time_limit_min: 480,
        pass_mark: 60,
        created_by: lead,
    };
    let id = huashu::app::exams::create(&mut conn, &exam, &picked).expect("exam");
    exams::transition(&mut conn, id, ExamStatus::Draft, ExamStatus::Open).expect("open");
    let items = exams::items(&mut conn, id)
        .expect("items")
        .iter()
        .map(|i| i.id.get())
        .collect();
    (id.get(), items)
}

pub fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let at = body.find(marker)? + marker.len();
    body[at..].split('"').next().map(str::to_string)
}

pub fn number_after(text: &str, marker: &str) -> Option<i64> {
    let at = text.find(marker)? + marker.len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// The attempt a "start exam" answer redirects to.
pub fn started_attempt(res: &reqwest::Response) -> Option<i64> {
    let location = res.headers().get("location")?.to_str().ok()?;
    number_after(location, "/attempts/")
}

/// A logged-in browser: its cookies and the page's CSRF token.
pub struct Session {
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
    pub csrf: String,
}

pub async fn log_in(base: &str, username: &str) -> Session {
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("body");
    let csrf = csrf_in(&page).expect("token");
    let form = [
        ("username", username),
        ("password", PASSWORD),
        ("next", "/"),
        ("_csrf", &csrf),
    ];
    let res = client
        .post(format!("{base}/login"))
        .form(&form)
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303, "{username} logs in");
    let home = client
        .get(format!("{base}/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("body");
    Session {
        client,
        jar,
        csrf: csrf_in(&home).expect("token"),
    }
}

/// Logs in `{prefix}0000`… eight at a time (argon2 is the cost, not the point).
pub async fn log_in_all(base: &str, prefix: &str, n: usize) -> Vec<Session> {
    let gate = Arc::new(Semaphore::new(8));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (base, gate, name) = (base.to_string(), gate.clone(), format!("{prefix}{i:04}"));
            tokio::spawn(async move {
                let _permit = gate.acquire().await.expect("semaphore");
                log_in(&base, &name).await
            })
        })
        .collect();
    let mut sessions = Vec::with_capacity(n);
    for t in tasks {
        sessions.push(t.await.expect("login"));
    }
    sessions
}

/// The `q` quantile of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * q).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

/// Single-row inserts, one transaction each, for `seconds`: the commit rate an
/// autosave's write could reach at best on this machine.
pub fn raw_sqlite_commits(dir: &std::path::Path, seconds: f64) -> f64 {
    let path = dir.join("raw.db");
    let mut conn =
        diesel::SqliteConnection::establish(path.to_str().expect("utf-8")).expect("open");
    conn.batch_execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
         DROP TABLE IF EXISTS drafts; CREATE TABLE drafts (id INTEGER PRIMARY KEY, attempt_id BIGINT NOT NULL, body TEXT NOT NULL, updated_at BIGINT NOT NULL);",
    )
    .expect("schema");
    let start = std::time::Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        diesel::sql_query("INSERT INTO drafts (attempt_id, body, updated_at) VALUES (1, '亲，您好，马上为您处理', 0)")
            .execute(&mut conn)
            .expect("insert");
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Starts the app on a loopback port in its own thread; its base URL.
pub fn start_server(pool: DbPool) -> String {
    let settings = huashu::web::startup::Settings {
        pool,
        banks: Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exams")),
        rules: Default::default(),
        uploads: std::env::temp_dir().join("huashu-bench-uploads"),
        key: actix_web::cookie::Key::generate(),
        cookie_secure: false,
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let app = huashu::web::startup::Application::build(settings, listener).expect("app");
    let base = format!("http://{}", app.address().expect("addr"));
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move { app.run().expect("server").await })
    });
    base
}

/// What one wrk run measured.
pub struct Run {
    pub rate: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    /// Non-2xx/3xx answers plus socket errors (connect, read, write, timeout).
    pub errors: u64,
    pub status_errors: u64,
}

/// Runs wrk (two threads) with `script` from benches/load/ and its arguments;
/// the script prints a `RESULT key=value …` line when done.
pub fn wrk(base: &str, script: &str, args: &[&str], connections: usize, seconds: usize) -> Run {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/load")
        .join(script);
    let out = std::process::Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(&script)
        .arg(base)
        .arg("--")
        .args(args)
        .output()
        .expect("wrk runs (apt-get install wrk)");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULT"))
        .unwrap_or_else(|| panic!("wrk said: {text}"));
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let requests = field("requests");
    Run {
        rate: requests as f64 / (field("duration_us") as f64 / 1e6),
        p50_ms: field("p50_us") as f64 / 1000.0,
        p99_ms: field("p99_us") as f64 / 1000.0,
        requests,
        errors: field("status_errors") + field("socket_errors"),
        status_errors: field("status_errors"),
    }
}

/// One line of figures, with the rate as a share of `ceiling`.
pub fn print(name: &str, run: &Run, ceiling: f64) {
    println!(
        "  {name:<28} {:>9.0} req/s ({:>4.2}x ceiling)  p50 {:>7.1} ms  p99 {:>7.1} ms  errors {} (HTTP {})",
        run.rate,
        run.rate / ceiling,
        run.p50_ms,
        run.p99_ms,
        run.errors,
        run.status_errors
    );
}
