//! Bounded fuzzing, run with every `cargo test`: arbitrary bytes and mutated
//! copies of valid files go into every reader of outside files — chat logs
//! (CSV, JSON Lines, text, GBK), exam banks, backups for `restore` and the
//! input of `review aggregate`. None may panic (a panic fails the case, and
//! proptest shrinks it to the smallest input that shows it); an abort, as a
//! huge allocation would cause, fails the whole run. cargo-fuzz needs a nightly
//! toolchain this machine does not have; this harness has no coverage
//! guidance but runs everywhere. PROPTEST_CASES raises the number of cases.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use proptest::prelude::*;

use huashu::domain::mining::chatlog::{self, Format, Mapping};
use huashu::domain::mining::cluster::Params;
use huashu::domain::mining::mine::Miner;
use huashu::domain::mining::rules::Rules;

/// One edit of a file: overwrite, insert, delete or repeat bytes.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Repeat(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Set(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Insert(at, b)),
        (any::<usize>(), 1usize..64).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 1usize..256).prop_map(|(at, n)| Edit::Repeat(at, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len().max(1);
        match *e {
            Edit::Set(at, b) if !bytes.is_empty() => bytes[at % len] = b,
            Edit::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
            Edit::Delete(at, n) if !bytes.is_empty() => {
                let from = at % len;
                bytes.drain(from..(from + n).min(bytes.len()));
            }
            Edit::Repeat(at, n) if !bytes.is_empty() => {
                let from = at % len;
                let part = bytes[from..(from + n).min(bytes.len())].to_vec();
                bytes.splice(from..from, part);
            }
            _ => {}
        }
    }
    bytes
}

/// Arbitrary bytes, or one of `seeds` with a few edits.
fn inputs(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let count = seeds.len();
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..2048),
        3 => (0..count, proptest::collection::vec(edit(), 1..8))
            .prop_map(move |(i, edits)| apply(seeds[i].clone(), &edits)),
    ]
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn chat_logs_of_any_bytes_are_read_and_mined_without_a_panic(
        bytes in inputs(vec![
            fixture("tests/fixtures/chatlogs/quoted.csv"),
            fixture("tests/fixtures/chatlogs/gbk.csv"),
            fixture("tests/fixtures/chatlogs/personal.csv"),
            fixture("tests/fixtures/chatlogs/broken.jsonl"),
            fixture("tests/fixtures/chatlogs/traditional.txt"),
        ]),
        format in prop_oneof![Just(Format::Csv), Just(Format::Jsonl), Just(Format::Txt)],
    ) {
        if let Ok(rows) = chatlog::read(bytes.as_slice(), format, &Mapping::default()) {
            let mut miner = Miner::new(Rules::default(), Params::default());
            for row in rows {
                miner.push(row);
            }
            let (asked, summary) = miner.finish_questions();
            prop_assert!(asked.len() as u64 <= summary.questions.max(asked.len() as u64));
        }
    }

    #[test]
    fn bank_files_of_any_bytes_are_checked_without_a_panic(
        bytes in inputs(vec![
            fixture("exams/pre-sale.toml"),
            fixture("exams/in-sale.toml"),
            fixture("exams/after-sale.toml"),
        ]),
    ) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(problems) = huashu::domain::bank::parse(&text) {
            prop_assert!(!problems.is_empty(), "a refusal names a problem");
            prop_assert!(problems.iter().all(|p| p.line >= 1));
        }
    }

    #[test]
    fn review_aggregate_input_of_any_bytes_is_read_and_fitted_without_a_panic(
        bytes in inputs(vec![concat!(
            "{\"item\": 1, \"reviewer\": \"amy\", \"score\": 80}\n",
            "{\"item\": 1, \"reviewer\": \"bob\", \"score\": 60.5}\n",
            "{\"item\": \"q2\", \"reviewer\": \"amy\", \"score\": 1e300}\n",
            "{\"item\": \"q2\", \"gold\": 70}\n",
            "{\"item\": 3, \"reviewer\": 7, \"score\": -5}\n",
        ).as_bytes().to_vec()]),
    ) {
        let input = huashu::cli::review::read_input(Cursor::new(bytes));
        let fit = huashu::domain::review::aggregate::fit(
            &input.marks,
            &input.gold,
            &HashMap::new(),
            Default::default(),
        );
        prop_assert!(fit.items.iter().all(|i| !i.score.is_nan()));
    }
}

/// A real backup of the demo team, cut to its first rows (with the header's
/// count made to match), as the seed that mutations start from.
fn backup_seed() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("dir");
    let url = dir.path().join("seed.db");
    let pool = huashu::cli::serve::open_db(url.to_str().expect("utf-8")).expect("db");
    let mut conn = pool.get().expect("conn");
    for file in huashu::app::banks::load_builtin() {
        if let Some(bank) = &file.bank {
            huashu::db::questions::sync_bank(&mut conn, bank).expect("bank");
        }
    }
    crate::helpers::seed_demo(&pool);
    let rows = huashu::db::backup::snapshot(&mut conn).expect("snapshot");
    let kept: Vec<String> = rows
        .iter()
        .take(40)
        .map(|r| serde_json::to_string(r).expect("row"))
        .collect();
    let header = format!(
        "{{\"format\":\"huashu-backup\",\"version\":1,\"created_at\":0,\"rows\":{}}}",
        kept.len()
    );
    format!("{header}\n{}\n", kept.join("\n")).into_bytes()
}

#[test]
fn backups_of_any_bytes_are_refused_or_read_without_a_panic() {
    let seed = backup_seed();
    assert_eq!(
        huashu::cli::backup::read_rows(Cursor::new(seed.clone()))
            .expect("the seed itself reads")
            .len(),
        40
    );
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&inputs(vec![seed]), |bytes| {
            // Ok or a refusal that says why; never a panic or an abort.
            if let Err(e) = huashu::cli::backup::read_rows(Cursor::new(bytes)) {
                let message = format!("{e:#}");
                prop_assert!(!message.is_empty());
            }
            Ok(())
        })
        .expect("no input panics");
}

/// Found by the harness above: one score of 1e300 overflowed the model's sums
/// and made every result NaN.
#[test]
fn a_score_on_no_grading_scale_is_refused_by_its_line() {
    let input = huashu::cli::review::read_input(Cursor::new(
        "{\"item\": 1, \"reviewer\": \"bob\", \"score\": 60.5}\n\
         {\"item\": 2, \"reviewer\": \"amy\", \"score\": 1e300}\n\
         {\"item\": 2, \"gold\": -1e7}\n",
    ));
    assert_eq!(input.marks.len(), 1);
    assert_eq!(
        input.bad.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        vec![2, 3]
    );
    let fit = huashu::domain::review::aggregate::fit(
        &input.marks,
        &input.gold,
        &HashMap::new(),
        Default::default(),
    );
    assert!(fit.items.iter().all(|i| i.score.is_finite()));
}
