//! Service figures and promises from imported chats, stored and summed by the
//! database (SQLite, and PostgreSQL in the second run), against the figures
//! worked out by hand for the two fixture files.

use huashu::db::service;

use crate::helpers::fresh_database_url;
use crate::mining::fixture;

fn import(url: &str, file: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huashu"))
        .args(["--db", url, "import"])
        .arg(fixture(file))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn figures_per_agent_and_week_follow_the_hand_count_across_imports() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    let monday = import(&url, "service-monday.csv");
    assert!(
        monday.contains("service figures: 2 conversations stored (0 already stored), 1 promises"),
        "{monday}"
    );
    // Wednesday's export repeats s1's first line: stored once. 阿美 asks
    // about her refund again within 3 days, which counts against s1.
    let wednesday = import(&url, "service-wednesday.csv");
    assert!(
        wednesday.contains("2 conversations stored (1 already stored), 1 promises"),
        "{wednesday}"
    );
    assert!(
        wednesday.contains("0 ratings read, 1 unreadable"),
        "{wednesday}"
    );

    let pool = huashu::cli::serve::open_db(&url).expect("database");
    let mut conn = pool.get().expect("conn");
    let weeks = service::agent_weeks(&mut conn, "2026-11-30").expect("weeks");
    let agents: Vec<(&str, &str)> = weeks
        .iter()
        .map(|w| (w.agent.as_str(), w.week.as_str()))
        .collect();
    assert_eq!(agents, [("小美", "2026-11-30"), ("阿杰", "2026-11-30")]);
    // 小美: s1 waits 40 s and 60 s, handled 4 min; s3 waits 60 s, handled 1 min.
    let mei = &weeks[0].tally;
    assert_eq!(mei.conversations, 2);
    assert_eq!(mei.first_response(), Some(50.0));
    assert_eq!(mei.average_response(), Some(160.0 / 3.0));
    assert_eq!(mei.handling(), Some(150.0));
    assert_eq!(mei.resolved(), Some(0.5), "s1 came back as s3");
    assert_eq!(mei.csat_share(), Some(1.0));
    // 阿杰: s2 waits 120 s, handled 3 min, rated 2; s4 waits 30 s, 30 s long.
    let jie = &weeks[1].tally;
    assert_eq!(jie.first_response(), Some(75.0));
    assert_eq!(jie.handling(), Some(105.0));
    assert_eq!(jie.resolved(), Some(1.0), "老李 asked something else");
    assert_eq!(jie.csat_share(), Some(0.0));
    assert!(service::agent_weeks(&mut conn, "2026-12-07")
        .expect("none")
        .is_empty());

    let promises =
        service::promises(&mut conn, "2026-11-30", "2026-12-06", Some("小美")).expect("promises");
    let said: Vec<(&str, &str)> = promises
        .iter()
        .map(|p| (p.day.as_str(), p.conversation.as_str()))
        .collect();
    assert_eq!(said, [("2026-11-30", "s1"), ("2026-12-02", "s3")]);
    assert!(promises[0].words.contains("五点"), "{:?}", promises[0]);
    assert!(promises.iter().all(|p| p.kept_by.is_none()));
    let mei_user = huashu::db::users::NewUser {
        username: "xiaomei",
        display_name: "小美",
        password_hash: "x",
        role: huashu::domain::types::Role::Trainee,
        lang: "zh-CN",
    };
    let by = huashu::db::users::create(&mut conn, &mei_user)
        .expect("create")
        .expect("new");
    assert!(service::set_kept(&mut conn, promises[0].id, Some(by), 5).expect("tick"));
    let kept = service::find_promise(&mut conn, promises[0].id)
        .expect("read")
        .expect("there");
    assert_eq!((kept.kept_by, kept.kept_at), (Some(by), Some(5)));
    assert_eq!(
        service::promise_days(&mut conn).expect("days"),
        ["2026-12-02", "2026-11-30"]
    );
}
