//! The synchronised exam start, and a crash in the middle of an exam.
//!
//! Spike: 1,000 trainees, logged in beforehand, are released through one barrier to
//! start the exam, load its page and send their first autosave at the same instant.
//! Reported beside the raw SQLite commit rate of this machine (single-row inserts,
//! one transaction each, WAL, synchronous=NORMAL — what an autosave's write is).
//!
//! Fault: trainees autosave and submit against a real `huashu serve` process, which
//! is killed with SIGKILL mid-run and restarted; every acknowledged autosave and
//! submission must still be there.
//!
//! Run: `cargo bench --bench spike` (SQLite) or `.ci/with-postgres cargo bench
//! --bench spike` (both). HUASHU_SPIKE_TRAINEES (1000) sets the crowd.
#![allow(clippy::expect_used)] // a benchmark on inputs it made itself may stop loudly

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use huashu::db::columns::AttemptId;
use huashu::db::{self, attempts};
use tokio::sync::Barrier;

#[path = "common/mod.rs"]
mod support;

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(url: &str, port: u16) -> Server {
        let key = "ab".repeat(64);
        let child = Command::new(env!("CARGO_BIN_EXE_huashu"))
            .args([
                "--db",
                url,
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--exams",
            ])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("exams"))
            .env("HUASHU_SECRET_KEY", key)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("huashu serve starts");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if reqwest::get(format!("{base}/healthz")).await.is_ok() {
                return Server { child, base };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        panic!("server did not come up");
    }

    fn kill(mut self) {
        self.child.kill().expect("SIGKILL"); // std's kill() is SIGKILL on Unix
        self.child.wait().expect("reaped");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Trainees and an open exam, written straight to the database the server uses
/// (which has loaded the banks by now).
fn seed(url: &str, n: usize, prefix: &str) -> (i64, Vec<i64>) {
    let pool = huashu::cli::serve::open_db(url).expect("database");
    support::seed(&pool, n, prefix, 3)
}

/// Start (POST + page) then first autosave, for one trainee; latencies in ms of
/// the start and its page together, then of the start, the page and the
/// autosave each.
async fn start_and_save(
    base: &str,
    exam: i64,
    item: i64,
    s: &support::Session,
) -> Result<(f64, [f64; 3]), String> {
    let t0 = Instant::now();
    let res = s
        .client
        .post(format!("{base}/exams/{exam}/start"))
        .form(&[("_csrf", &s.csrf)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let attempt =
        support::started_attempt(&res).ok_or(format!("start answered {}", res.status()))?;
    let start_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let page = s
        .client
        .get(format!("{base}/attempts/{attempt}"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !page.status().is_success() {
        return Err(format!("exam page answered {}", page.status()));
    }
    page.bytes().await.map_err(|e| e.to_string())?;
    let started = t0.elapsed().as_secs_f64() * 1000.0;
    let t1 = Instant::now();
    let body =
        serde_json::json!({ "item_id": item, "body": "亲，您好，马上为您处理", "spent_ms": 1000 });
    let res = s
        .client
        .post(format!("{base}/api/attempts/{attempt}/draft"))
        .header("X-CSRF-Token", &s.csrf)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !res.status().is_success() {
        return Err(format!(
            "autosave answered {}: {}",
            res.status(),
            res.text().await.unwrap_or_default()
        ));
    }
    let save_ms = t1.elapsed().as_secs_f64() * 1000.0;
    Ok((started, [start_ms, started - start_ms, save_ms]))
}

async fn spike(label: &str, url: &str, n: usize, raw_rate: Option<f64>) {
    let server = Server::start(url, free_port()).await;
    let (exam, items) = seed(url, n, "s");
    let sessions = Arc::new(support::log_in_all(&server.base, "s", n).await);
    let barrier = Arc::new(Barrier::new(n));
    let begun = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (sessions, barrier, base, item) = (
                sessions.clone(),
                barrier.clone(),
                server.base.clone(),
                items[0],
            );
            tokio::spawn(async move {
                barrier.wait().await;
                start_and_save(&base, exam, item, &sessions[i]).await
            })
        })
        .collect();
    let (mut starts, mut saves, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    let mut each: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for t in tasks {
        match t.await.expect("task") {
            Ok((a, [start, page, save])) => {
                starts.push(a);
                each[0].push(start);
                each[1].push(page);
                saves.push(save);
            }
            Err(e) => errors.push(e),
        }
    }
    for list in &mut each {
        list.sort_by(f64::total_cmp);
    }
    let wall = begun.elapsed().as_secs_f64();
    starts.sort_by(f64::total_cmp);
    saves.sort_by(f64::total_cmp);
    let pool = huashu::cli::serve::open_db(url).expect("database");
    let mut conn = pool.get().expect("connection");
    let rows = db::backup::snapshot(&mut conn).expect("rows");
    let stored = rows
        .iter()
        .filter(|r| matches!(r, db::backup::Row::Answers(a) if a.item_id.get() == items[0]))
        .count();
    let save_rate = n as f64 / wall;
    println!("{label}: {n} trainees start at the same instant (all done in {wall:.2} s)");
    println!(
        "  start + exam page     p50 {:>7.1} ms  p99 {:>7.1} ms",
        support::percentile(&starts, 0.5),
        support::percentile(&starts, 0.99)
    );
    println!(
        "    of which the start  p50 {:>7.1} ms  p99 {:>7.1} ms; the page p50 {:.1} ms  p99 {:.1} ms",
        support::percentile(&each[0], 0.5),
        support::percentile(&each[0], 0.99),
        support::percentile(&each[1], 0.5),
        support::percentile(&each[1], 0.99)
    );
    println!(
        "  first autosave        p50 {:>7.1} ms  p99 {:>7.1} ms",
        support::percentile(&saves, 0.5),
        support::percentile(&saves, 0.99)
    );
    println!(
        "  errors {} {}; autosaves stored {stored} of {}",
        errors.len(),
        errors
            .first()
            .map_or(String::new(), |e| format!("(first: {e})")),
        saves.len()
    );
    if let Some(raw) = raw_rate {
        println!("  effective rate {save_rate:.0} trainees/s (start + page + autosave) vs raw SQLite commits {raw:.0}/s");
    }
    server.kill();
}

/// Autosaves with increasing numbers and submissions; SIGKILL; restart; check.
async fn fault(label: &str, url: &str) {
    const TRAINEES: usize = 100;
    let port = free_port();
    let server = Server::start(url, port).await;
    let (exam, items) = seed(url, TRAINEES, "f");
    let sessions = support::log_in_all(&server.base, "f", TRAINEES).await;
    let base = server.base.clone();
    // Each trainee saves "v1", "v2", … sequentially and remembers the last one the
    // server acknowledged; the first ten submit after their fifth save.
    let tasks: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let (base, item) = (base.clone(), items[0]);
            tokio::spawn(async move {
                let res = s.client.post(format!("{base}/exams/{exam}/start")).form(&[("_csrf", &s.csrf)]).send().await.ok()?;
                let attempt = support::started_attempt(&res)?;
                let (mut acked, mut submitted) = (0u64, false);
                for v in 1.. {
                    if i < 10 && v == 5 {
                        let form = [(format!("answer_{item}"), format!("v{acked}")), ("allow_blank".into(), "1".into()), ("_csrf".into(), s.csrf.clone())];
                        match s.client.post(format!("{base}/attempts/{attempt}/submit")).form(&form).send().await {
                            Ok(r) if r.status() == 303 => submitted = true,
                            _ => break,
                        }
                        break;
                    }
                    let body = serde_json::json!({ "item_id": item, "body": format!("v{v}"), "spent_ms": 0 });
                    let sent = s.client.post(format!("{base}/api/attempts/{attempt}/draft")).header("X-CSRF-Token", &s.csrf).json(&body).send().await;
                    match sent {
                        Ok(r) if r.status().is_success() => acked = v,
                        _ => break, // the server is gone
                    }
                }
                Some((attempt, acked, submitted))
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill();
    let mut outcomes = Vec::new();
    for t in tasks {
        if let Some(o) = t.await.expect("task") {
            outcomes.push(o);
        }
    }
    let restarted = Server::start(url, port).await;
    let pool = huashu::cli::serve::open_db(url).expect("database");
    let mut conn = pool.get().expect("connection");
    let (mut checked, mut lost, mut submissions, mut lost_submissions) = (0, 0, 0, 0);
    for (attempt, acked, submitted) in &outcomes {
        let stored = attempts::answers(&mut conn, AttemptId(*attempt)).expect("answers");
        let saved = stored.iter().find(|a| a.item_id.get() == items[0]);
        let version: u64 = saved
            .and_then(|a| a.body.strip_prefix('v')?.parse().ok())
            .unwrap_or(0);
        checked += 1;
        lost += usize::from(version < *acked);
        if *submitted {
            submissions += 1;
            let row = attempts::find(&mut conn, AttemptId(*attempt)).expect("attempt");
            lost_submissions += usize::from(row.is_none_or(|a| a.submitted_at.is_none()));
        }
    }
    let acked_total: u64 = outcomes.iter().map(|o| o.1).sum();
    println!("{label}: SIGKILL after 1.5 s of autosaves from {TRAINEES} trainees, then restart");
    println!("  {acked_total} autosaves acknowledged across {checked} attempts: {lost} attempts lost an acknowledged save");
    println!("  {submissions} submissions acknowledged: {lost_submissions} lost\n");
    restarted.kill();
}

fn main() {
    let n: usize = std::env::var("HUASHU_SPIKE_TRAINEES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let raw = support::raw_sqlite_commits(dir.path(), 2.0);
    let sqlite = dir.path().join("spike.db").to_string_lossy().into_owned();
    runtime.block_on(spike("SQLite", &sqlite, n, Some(raw)));
    let sqlite_fault = dir.path().join("fault.db").to_string_lossy().into_owned();
    runtime.block_on(fault("SQLite", &sqlite_fault));
    match std::env::var(db::scratch::POSTGRES_ENV) {
        Ok(admin) => {
            let url = db::scratch::postgres_database(&admin).expect("scratch database");
            runtime.block_on(spike("PostgreSQL", &url, n, None));
            let url = db::scratch::postgres_database(&admin).expect("scratch database");
            runtime.block_on(fault("PostgreSQL", &url));
        }
        Err(_) => println!("PostgreSQL skipped: run under .ci/with-postgres to include it"),
    }
}
