//! Chat-log imports into the database, on SQLite and (second run) PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use huashu::db::{backup, mining, DbPool};

use crate::helpers::fresh_database_url;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/chatlogs")
        .join(name)
}

fn import(url: &str, file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huashu"))
        .args(["--db", url, "import"])
        .arg(file)
        .output()
        .expect("runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pool(url: &str) -> DbPool {
    huashu::cli::serve::open_db(url).expect("database")
}

#[test]
fn imports_merge_into_stored_clusters_and_the_same_file_twice_adds_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    let first = import(&url, &fixture("quoted.csv"));
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains("4 new questions; 2 new clusters"),
        "{}",
        stdout(&first)
    );
    assert!(
        stdout(&first).contains("line 2: 在吗"),
        "rejected rows are reported by line"
    );

    let again = import(&url, &fixture("quoted.csv"));
    assert!(again.status.success());
    assert!(
        stdout(&again).contains("already imported as import #1"),
        "{}",
        stdout(&again)
    );

    // The same questions in traditional characters, in a text export.
    let more = import(&url, &fixture("traditional.txt"));
    assert!(more.status.success(), "{more:?}");
    let pool = pool(&url);
    let mut conn = pool.get().expect("conn");
    let clusters = mining::clusters(&mut conn).expect("clusters");
    let shipping = &clusters[0];
    assert_eq!(
        shipping.asked, 5,
        "3 from the CSV, 2 from the text file: {clusters:#?}"
    );
    assert_eq!(shipping.category.as_deref(), Some("shipping"));
    assert_eq!(shipping.department, "logistics");
    assert_eq!(shipping.first_seen.as_deref(), Some("2026-11-02"));
    let imports = mining::imports(&mut conn, 10).expect("imports");
    assert_eq!(imports.len(), 2, "the repeat left no trace");
    assert!(imports.iter().all(|i| i.status == "done"));
    let answers = mining::answers_of(&mut conn, shipping.id).expect("answers");
    assert!(
        answers.iter().any(|a| a.contains("48小时内发货")),
        "{answers:?}"
    );
    let weeks = mining::weeks_of(&mut conn, &[shipping.id]).expect("weeks");
    assert_eq!(weeks[&shipping.id].get("2026-11-02"), Some(&2), "{weeks:?}");
}

#[test]
fn personal_data_never_reaches_the_database() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    assert!(import(&url, &fixture("personal.csv")).status.success());
    let pool = pool(&url);
    let mut conn = pool.get().expect("conn");
    let everything =
        serde_json::to_string(&backup::snapshot(&mut conn).expect("rows")).expect("json");
    for secret in [
        "13812345678",
        "3012345678901234567",
        "SF1234567890123",
        "li.ming@example.com",
        "建国路88号",
        "110101199003071234",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} stored: {everything}"
        );
    }
    assert!(everything.contains("{手机号}") && everything.contains("{地址}"));
}

#[test]
fn awkward_files_import_or_are_refused_with_a_reason_and_can_be_retried() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    for name in ["gbk.csv", "broken.jsonl", "empty.txt"] {
        let out = import(&url, &fixture(name));
        assert!(out.status.success(), "{name}: {out:?}");
    }
    let gbk = stdout(&import(&url, &fixture("gbk.csv")));
    assert!(gbk.contains("already imported"), "{gbk}");

    let binary = dir.path().join("photo.txt");
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&binary, &noise).expect("write");
    let refused = import(&url, &binary);
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("neither UTF-8 nor GBK"), "{message}");
    let pool = pool(&url);
    let mut conn = pool.get().expect("conn");
    let failed = &mining::imports(&mut conn, 1).expect("imports")[0];
    assert_eq!(failed.status, "failed");
    assert!(
        failed.report_json.contains("imports.error.encoding"),
        "{}",
        failed.report_json
    );
    // A failed import is not "already imported": the same file may be tried again.
    let retry = import(&url, &binary);
    assert!(String::from_utf8_lossy(&retry.stderr).contains("neither UTF-8 nor GBK"));
}
