//! Load benchmark: 500 trainees logged in, autosaving, loading exam pages and
//! submitting, against SQLite and (when HUASHU_TEST_POSTGRES is set, e.g. via
//! `.ci/with-postgres`) PostgreSQL. wrk (Debian's package) drives the load on
//! loopback for a bounded time; `/healthz` of the same server, in the same run, is
//! the framework's ceiling. Afterwards the database is checked: every acknowledged
//! autosave must be there.
//!
//! Run: `cargo bench --bench load` or `.ci/with-postgres cargo bench --bench load`.
//! Settings: HUASHU_LOAD_TRAINEES (500), HUASHU_LOAD_SECONDS (15).
#![allow(clippy::expect_used)] // a benchmark on inputs it made itself may stop loudly

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use huashu::db;
use reqwest::cookie::CookieStore;

#[path = "figure/mod.rs"]
mod figure;
#[path = "common/mod.rs"]
mod support;
use figure::figure;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Trainee {
    session: support::Session,
    attempt: i64,
    item: i64,
}

/// Logs a trainee in, starts the exam, and reads the take page: what a browser does.
async fn log_in(base: &str, username: String, exam: i64) -> Trainee {
    let session = support::log_in(base, &username).await;
    let form = [("_csrf", &session.csrf)];
    let res = session
        .client
        .post(format!("{base}/exams/{exam}/start"))
        .form(&form)
        .send()
        .await
        .expect("start");
    let attempt = support::started_attempt(&res).expect("attempt");
    let take = session
        .client
        .get(format!("{base}/attempts/{attempt}"))
        .send()
        .await
        .expect("take")
        .text()
        .await
        .expect("body");
    let item = support::number_after(&take, "name=\"answer_").expect("item");
    Trainee {
        session,
        attempt,
        item,
    }
}

async fn bench(label: &str, url: &str, dir: &Path) {
    let n = setting("HUASHU_LOAD_TRAINEES", 500);
    let seconds = setting("HUASHU_LOAD_SECONDS", 15);
    let pool = huashu::cli::serve::open_db(url).expect("database");
    let base = support::start_server(pool.clone()); // loads the banks the exam is drawn from
    let (exam, _) = support::seed(&pool, n, "t", 5);

    let started = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(8));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (base, gate) = (base.clone(), gate.clone());
            tokio::spawn(async move {
                let _permit = gate.acquire().await.expect("semaphore");
                log_in(&base, format!("t{i:04}"), exam).await
            })
        })
        .collect();
    let mut trainees = Vec::with_capacity(n);
    for t in tasks {
        trainees.push(t.await.expect("login task"));
    }
    println!(
        "{label}: {n} trainees logged in and started in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let url_of = reqwest::Url::parse(&base).expect("url");
    let lines: Vec<String> = trainees
        .iter()
        .map(|t| {
            let cookie = t
                .session
                .jar
                .cookies(&url_of)
                .and_then(|c| c.to_str().ok().map(str::to_string))
                .expect("cookie");
            format!("{cookie}\t{}\t{}\t{}", t.session.csrf, t.attempt, t.item)
        })
        .collect();
    let sessions = dir.join(format!("sessions-{label}.tsv"));
    std::fs::write(&sessions, lines.join("\n")).expect("sessions file");

    // Saturation: every connection sends back to back, so throughput is the figure.
    let ceiling = support::wrk(
        &base,
        "wrk.lua",
        &[&sessions.to_string_lossy(), "health", "0"],
        n,
        seconds,
    );
    let saturated = support::wrk(
        &base,
        "wrk.lua",
        &[&sessions.to_string_lossy(), "autosave", "0"],
        n,
        seconds,
    );
    let pages = support::wrk(
        &base,
        "wrk.lua",
        &[&sessions.to_string_lossy(), "page", "0"],
        n,
        seconds,
    );
    // Paced: each trainee's page autosaves about once a second; latency is the figure.
    let paced = support::wrk(
        &base,
        "wrk.lua",
        &[&sessions.to_string_lossy(), "autosave", "1000"],
        n,
        seconds,
    );
    // At most 4.5 s between requests: wrk waits before a connection's first request
    // too, and a connection silent for 5 s gets actix's 408, which no browser sees.
    let paced_pages = support::wrk(
        &base,
        "wrk.lua",
        &[&sessions.to_string_lossy(), "page", "3000"],
        n,
        seconds,
    );
    // The ceiling the autosave endpoint is held to: this machine's raw commit rate.
    let raw = support::raw_sqlite_commits(dir, 2.0);
    support::print("GET /healthz (ceiling)", &ceiling, ceiling.rate);
    support::print("POST autosave, saturated", &saturated, ceiling.rate);
    println!(
        "  {:<28} {raw:>9.0} commits/s; saturated autosave = {:.2}x of it",
        "raw SQLite single-row commits",
        saturated.rate / raw
    );
    support::print("GET exam page, saturated", &pages, ceiling.rate);
    support::print("POST autosave, 1/s/trainee", &paced, ceiling.rate);
    support::print("GET exam page, 1/3s/trainee", &paced_pages, ceiling.rate);
    figure(
        &format!("{label} exam page / healthz"),
        pages.rate / ceiling.rate,
        ">=",
        0.15,
    );
    figure(
        &format!("{label} autosave / raw SQLite commits"),
        saturated.rate / raw,
        ">=",
        1.0,
    );

    // Every trainee submits at once.
    let submits: Vec<_> = trainees
        .into_iter()
        .map(|t| {
            let base = base.clone();
            tokio::spawn(async move {
                let form = [
                    (
                        format!("answer_{}", t.item),
                        "亲，已经为您加急，今天发出，谢谢！".to_string(),
                    ),
                    ("allow_blank".into(), "1".into()),
                    ("_csrf".into(), t.session.csrf.clone()),
                ];
                let begun = Instant::now();
                let res = t
                    .session
                    .client
                    .post(format!("{base}/attempts/{}/submit", t.attempt))
                    .form(&form)
                    .send()
                    .await;
                (
                    res.map(|r| r.status().as_u16()).unwrap_or(0),
                    begun.elapsed().as_secs_f64() * 1000.0,
                )
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failed = 0;
    for s in submits {
        let (status, ms) = s.await.expect("submit task");
        failed += usize::from(status != 303);
        latencies.push(ms);
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "  {:<28} {n} at once: p50 {:>7.1} ms  p99 {:>7.1} ms  errors {failed}",
        "POST submit",
        support::percentile(&latencies, 0.5),
        support::percentile(&latencies, 0.99)
    );

    // Each acknowledged autosave added 1 ms to its answer's time: the sum must hold
    // every acknowledged save (plus at most the saves in flight when wrk stopped).
    let mut conn = pool.get().expect("connection");
    let rows = huashu::db::attempts::submitted_answers_for_exam(
        &mut conn,
        huashu::db::columns::ExamId(exam),
    )
    .expect("answers");
    let stored: i64 = rows.iter().map(|a| a.time_spent_ms).sum();
    let sent = (saturated.requests + paced.requests) as i64;
    let acknowledged = sent - (saturated.errors + paced.errors) as i64;
    let verdict = if stored >= acknowledged && stored <= sent + 2 * n as i64 {
        "none lost"
    } else {
        "MISMATCH"
    };
    let attempts: std::collections::HashSet<_> = rows.iter().map(|a| a.attempt_id).collect();
    println!("  autosaves acknowledged {acknowledged}, stored {stored}: {verdict}; {} attempts submitted\n", attempts.len());
}

fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("skipped: wrk is not installed (apt-get install wrk)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = dir.path().join("load.db").to_string_lossy().into_owned();
    runtime.block_on(bench("SQLite", &sqlite, dir.path()));
    match std::env::var(db::scratch::POSTGRES_ENV) {
        Ok(admin) => {
            let url = db::scratch::postgres_database(&admin).expect("scratch database");
            runtime.block_on(bench("PostgreSQL", &url, dir.path()));
        }
        Err(_) => println!("PostgreSQL skipped: run under .ci/with-postgres to include it"),
    }
}
