//! The lead's dashboard at a year's scale: 200 trainees, a weekly exam of 8
//! questions for 52 weeks (10,400 submitted attempts, 83,200 scored answers),
//! and a cohort of 20 new hires. Prints the time of `GET /dashboard` (the
//! page as a browser gets it) beside `GET /healthz` on the same server in the
//! same run, and the in-process load alone. Target: under 200 ms.
//!
//! Run: `cargo bench --bench dashboard`. Settings: HUASHU_DASH_TRAINEES (200),
//! HUASHU_DASH_WEEKS (52).
#![allow(clippy::expect_used)] // a benchmark on inputs it made itself may stop loudly

use std::time::Instant;

use huashu::app::{cohorts, exams as exam_use, grading};
use huashu::db::{self, attempts, columns::ExamStatus, exams, questions, DbPool};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[path = "common/mod.rs"]
mod support;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;
const ITEMS: usize = 8;

/// A year of weekly exams, each sat by every trainee: an answer is the
/// reference, half of it, or a brush-off, more often the first the abler the
/// trainee.
fn year(pool: &DbPool, lead: i64, trainees: &[i64], weeks: usize) {
    let mut conn = pool.get().expect("connection");
    let bank = questions::list_active(&mut conn).expect("questions");
    let mut rng = StdRng::seed_from_u64(2026);
    let ability: Vec<f64> = trainees.iter().map(|_| rng.gen_range(0.3..0.95)).collect();
    let start = db::now_ms() - weeks as i64 * WEEK_MS;
    for week in 0..weeks {
        let picked: Vec<_> = (0..ITEMS)
            .map(|i| bank[(week * ITEMS + i) % bank.len()].clone())
            .collect();
        let title = format!("第{}周测验", week + 1);
        let new = exams::NewExam {
            title: &title,
            time_limit_min: 30,
            pass_mark: 60,
            created_by: lead,
        };
        let exam = exam_use::create(&mut conn, &new, &picked).expect("exam");
        exams::transition(&mut conn, exam, ExamStatus::Draft, ExamStatus::Open).expect("open");
        let items = exams::items(&mut conn, exam).expect("items");
        let at = start + week as i64 * WEEK_MS;
        for (t, trainee) in trainees.iter().enumerate() {
            let attempt =
                attempts::start(&mut conn, exam, *trainee, at, at + WEEK_MS).expect("start");
            let bodies: Vec<_> = items
                .iter()
                .map(|i| {
                    let reference = i.references.first().cloned().unwrap_or_default();
                    let roll: f64 = rng.gen();
                    let body = if roll < ability[t] {
                        reference
                    } else if roll < ability[t] + 0.1 {
                        reference
                            .chars()
                            .take(reference.chars().count() / 2)
                            .collect()
                    } else {
                        "这个我也不知道，你等着吧。".to_string()
                    };
                    (i.id, body)
                })
                .collect();
            let by = attempts::SubmittedBy::Trainee;
            grading::submit(&mut conn, attempt.id, &items, &bodies, at + 600_000, by)
                .expect("submit");
        }
        exams::transition(&mut conn, exam, ExamStatus::Open, ExamStatus::Closed).expect("close");
    }
}

fn cohort(pool: &DbPool, lead: i64, members: &[i64]) {
    let mut conn = pool.get().expect("connection");
    let banks = huashu::app::banks::load_builtin();
    let program = huashu::app::banks::load_builtin_programs(&banks)
        .into_iter()
        .find_map(|f| f.program)
        .expect("the shipped program");
    let today = cohorts::today();
    let starts_on = (today - chrono::Days::new(10)).to_string();
    let title = |week: usize, bank: &str| format!("基准班 · 第{}周 · {bank}", week + 1);
    let new = cohorts::NewCohort {
        name: "基准班",
        program: &program,
        starts_on: &starts_on,
        members,
        by: lead,
    };
    cohorts::create(&mut conn, &new, today, &title, db::now_ms()).expect("cohort");
}

/// A year of imported chats: `messages` messages in conversations of five,
/// read through the import's intake (figures, promises, ratings) and stored
/// as an import stores them.
fn chats(pool: &DbPool, messages: usize) {
    use huashu::domain::mining::chatlog::{Meta, Speaker, Turn};
    use huashu::domain::service::intake::Intake;
    let mut rng = StdRng::seed_from_u64(7);
    let start = cohorts::today() - chrono::Days::new(364);
    let mut intake = Intake::default();
    let conversations = messages / 5;
    for c in 0..conversations {
        let day = start + chrono::Days::new(rng.gen_range(0..364));
        let mut at = day.and_hms_opt(9, 0, 0).expect("a time")
            + chrono::Duration::seconds(rng.gen_range(0..12 * 3600));
        let agent = format!("客服{:02}", rng.gen_range(0..30));
        let customer = format!("tb_{}", rng.gen_range(0..40_000));
        for m in 0..5 {
            let customer_speaks = m % 2 == 0;
            let text = match (customer_speaks, rng.gen_range(0..10)) {
                (true, _) => "我的快递怎么还没到",
                (false, 0) => "我马上帮您查，今天下午五点前给您回复",
                (false, _) => "亲，帮您看一下",
            };
            intake.push(&Turn {
                line: (c * 5 + m) as u64,
                conversation: Some(format!("b{c}")),
                time: Some(at.format("%Y-%m-%d %H:%M:%S").to_string()),
                speaker: if customer_speaks {
                    Speaker::Customer
                } else {
                    Speaker::Agent
                },
                text: text.to_string(),
                meta: Meta {
                    agent: (!customer_speaks).then(|| agent.clone()),
                    customer: customer_speaks.then(|| customer.clone()),
                    csat: (m == 4 && rng.gen_bool(0.3)).then(|| rng.gen_range(1..=5).to_string()),
                    nps: None,
                },
            });
            at += chrono::Duration::seconds(rng.gen_range(5..400));
        }
    }
    let taken = intake.finish();
    let mut conn = pool.get().expect("connection");
    let begun = db::imports::begin_import(&mut conn, "bench", "bench.csv", 1, None, db::now_ms())
        .expect("import");
    let db::imports::Begun::Started(lease) = begun else {
        panic!("a new import");
    };
    let groups = 300;
    let group = |c: &huashu::domain::service::Conversation| {
        Some(c.id.trim_start_matches('b').parse::<i64>().unwrap_or(0) % groups)
    };
    let stored = Instant::now();
    let done = db::service::store(
        &mut conn,
        lease.id,
        &taken.conversations,
        &taken.promises,
        &group,
    )
    .expect("store");
    println!(
        "stored {} conversations and {} promises from {messages} messages in {:.1} s",
        done.conversations,
        done.promises,
        stored.elapsed().as_secs_f64()
    );
}

async fn timed(client: &reqwest::Client, url: &str, runs: usize) -> Vec<f64> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let res = client.get(url).send().await.expect("request");
        assert!(res.status().is_success(), "{url}: {}", res.status());
        res.bytes().await.expect("body");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times
}

fn main() {
    let n = setting("HUASHU_DASH_TRAINEES", 200);
    let weeks = setting("HUASHU_DASH_WEEKS", 52);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir
        .path()
        .join("dashboard.db")
        .to_string_lossy()
        .into_owned();
    let pool = huashu::cli::serve::open_db(&url).expect("database");
    let base = support::start_server(pool.clone()); // loads the banks
    let (_, _) = support::seed(&pool, n, "t", 5);
    let mut conn = pool.get().expect("connection");
    let people = huashu::db::users::list(&mut conn).expect("users");
    let lead = people
        .iter()
        .find(|u| u.username == "tlead")
        .expect("lead")
        .id;
    let trainees: Vec<i64> = people
        .iter()
        .filter(|u| u.username != "tlead")
        .map(|u| u.id)
        .collect();
    let seeded = Instant::now();
    year(&pool, lead, &trainees, weeks);
    cohort(&pool, lead, &trainees[..20.min(trainees.len())]);
    chats(&pool, setting("HUASHU_DASH_MESSAGES", 1_000_000));
    println!(
        "seeded {n} trainees × {weeks} weekly exams of {ITEMS} questions in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let read = Instant::now();
    let answers = huashu::db::dashboard::scored_answers(&mut conn).expect("answers");
    println!(
        "reading {} scored answers with their rubric lines: {:.1} ms",
        answers.len(),
        read.elapsed().as_secs_f64() * 1000.0
    );
    let loaded = Instant::now();
    let data = huashu::app::dashboard::load(&mut conn, &Default::default(), cohorts::today())
        .expect("dashboard");
    println!(
        "in-process load: {:.1} ms ({} exams, {} trainees, {} questions analysed, {} agent-weeks of service figures)",
        loaded.elapsed().as_secs_f64() * 1000.0,
        data.exams.len(),
        data.trainees.len(),
        data.items.len(),
        data.service.rows.len()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let session = support::log_in(&base, "tlead").await;
        let page = timed(&session.client, &format!("{base}/dashboard"), 20).await;
        let ceiling = timed(&session.client, &format!("{base}/healthz"), 20).await;
        let median = support::percentile(&page, 0.5);
        let healthz = support::percentile(&ceiling, 0.5);
        println!(
            "GET /dashboard: median {median:.1} ms, p95 {:.1} ms (target < 200 ms: {}); \
             GET /healthz median {healthz:.2} ms in the same run ({:.0}×)",
            support::percentile(&page, 0.95),
            if support::percentile(&page, 0.95) < 200.0 {
                "met"
            } else {
                "NOT met"
            },
            median / healthz.max(1e-9),
        );
    });
}
