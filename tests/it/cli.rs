use std::process::Command;

fn huashu() -> Command {
    Command::new(env!("CARGO_BIN_EXE_huashu"))
}

/// Runs `huashu exams check DIR`: its exit code and what it printed.
fn exams_check(dir: impl AsRef<std::path::Path>) -> (Option<i32>, String) {
    let out = huashu()
        .args(["exams", "check"])
        .arg(dir.as_ref())
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn exams_check_accepts_the_shipped_banks() {
    let (code, text) = exams_check(concat!(env!("CARGO_MANIFEST_DIR"), "/exams"));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(text.matches("ok ").count(), 5, "four banks, one program");
    assert!(text.contains("four-weeks.toml  (4 weeks)"), "{text}");
}

#[test]
fn exams_check_refuses_a_program_whose_exam_names_no_loaded_bank() {
    let dir = tempfile::tempdir().expect("dir");
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/exams");
    for bank in ["pre-sale.toml", "after-sale.toml"] {
        std::fs::copy(format!("{shipped}/{bank}"), dir.path().join(bank)).expect("copy");
    }
    std::fs::create_dir(dir.path().join("programs")).expect("mkdir");
    let program = std::fs::read_to_string(format!("{shipped}/programs/four-weeks.toml"))
        .expect("shipped program");
    std::fs::write(dir.path().join("programs/four-weeks.toml"), &program).expect("write");
    let (code, text) = exams_check(dir.path());
    assert_eq!(code, Some(1), "{text}");
    // Week 2's exam is built from the in-sale bank, left out here.
    let line = 1 + program[..program.find("bank = \"in-sale\"").expect("named")]
        .matches('\n')
        .count();
    assert!(
        text.contains(&format!(
            "four-weeks.toml:line {line}: weeks.exams.bank: no bank 'in-sale' is loaded"
        )),
        "{text}"
    );
    assert!(text.contains("ok    "), "the banks themselves pass: {text}");
}

#[test]
fn exams_check_lists_every_problem_with_file_line_and_field() {
    let dir = tempfile::tempdir().expect("dir");
    let bank = "[bank]\nslug = \"b\"\ntitle = \"t\"\n\n[[questions]]\nid = \"q\"\nscene = \"nowhere\"\ncategory = \"weather\"\nprompt = \"?\"\nreferences = [\"好的\"]\n";
    std::fs::write(dir.path().join("bad.toml"), bank).expect("write");
    std::fs::write(dir.path().join("syntax.toml"), "[bank\n").expect("write");
    let (code, text) = exams_check(dir.path());
    assert_eq!(code, Some(1));
    assert!(
        text.contains("bad.toml:line 7: questions.scene: unknown scene"),
        "{text}"
    );
    assert!(
        text.contains("bad.toml:line 8: questions.category: unknown category"),
        "{text}"
    );
    assert!(text.contains("syntax.toml:line 1"), "{text}");
}

#[test]
fn exams_check_prints_control_characters_from_a_bank_escaped() {
    let dir = tempfile::tempdir().expect("dir");
    let bank = "[bank]\nslug = \"b\"\ntitle = \"t\"\n\n[[questions]]\nid = \"q\"\nscene = \"\\u001b[2J\"\ncategory = \"price\"\nprompt = \"?\"\nreferences = [\"好的\"]\n";
    // A file name can carry what a bank's text cannot.
    std::fs::write(dir.path().join("bad\u{1b}[2J.toml"), bank).expect("write");
    let (_, text) = exams_check(dir.path());
    assert!(text.contains("unknown scene"), "{text:?}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("\\u{1b}[2J"), "{text:?}");
}

#[test]
fn exams_check_on_a_missing_folder_says_so() {
    let out = huashu()
        .args(["exams", "check", "/no/such/folder"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read folder /no/such/folder"));
}

/// Writes `lines` to `input`, runs `huashu score` on it and reads its rows.
fn score_lines(
    input: &std::path::Path,
    lines: &[impl AsRef<str>],
) -> (std::process::Output, Vec<serde_json::Value>) {
    let text: Vec<&str> = lines.iter().map(AsRef::as_ref).collect();
    std::fs::write(input, text.join("\n")).expect("write");
    let out = huashu()
        .args(["score", "--input"])
        .arg(input)
        .output()
        .expect("runs");
    let rows = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    (out, rows)
}

#[test]
fn score_scores_good_lines_and_reports_bad_ones_by_number() {
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("in.jsonl");
    let lines = [
        r#"{"id": 1, "answer": "亲，马上为您处理，今天发出", "references": ["亲，马上为您处理，今天发出"]}"#,
        "{broken",
        r#"{"id": "b", "answer": "我不知道", "references": ["好的，马上为您处理", "稍等，我查一下"]}"#,
        r#"{"id": 3, "answer": "x", "references": []}"#,
    ];
    let (out, rows) = score_lines(&input, &lines);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], 1);
    assert_eq!(rows[0]["score"], 100.0);
    assert_eq!(rows[1]["rubric"]["banned"][0], "不知道");
    assert!(rows[1]["best_reference"].as_u64().is_some());
    assert!(
        stderr.contains("line 2:") && stderr.contains("line 4:"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
}

/// Pairs of replies to one customer question, written so that any lead
/// would pass one (60) and fail the other: short but correct against long but
/// empty, the right figure against a wrong one, granting against denying,
/// warm against a brush-off with the same words, a concrete promise against a
/// vague one. Each question carries the key points a lead would mark.
#[test]
fn score_agrees_with_a_lead_on_nine_in_ten_service_reply_pairs() {
    let pairs: Vec<serde_json::Value> = include_str!("../data/service_pairs.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a pair"))
        .collect();
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("pairs.jsonl");
    let lines: Vec<String> = pairs
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            ["pass", "fail"].map(|side| {
                serde_json::json!({
                    "id": format!("{i}-{side}"),
                    "answer": p[side],
                    "references": p["references"],
                    "key_points": p["key_points"],
                    "question": p["question"],
                })
                .to_string()
            })
        })
        .collect();
    let (out, rows) = score_lines(&input, &lines);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scores: std::collections::HashMap<String, f64> = rows
        .iter()
        .map(|row| {
            let id = row["id"].as_str().expect("id").to_string();
            (id, row["score"].as_f64().expect("score"))
        })
        .collect();
    let disagreements: Vec<String> = pairs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let (pass, fail) = (scores[&format!("{i}-pass")], scores[&format!("{i}-fail")]);
            (pass < 60.0 || fail >= 60.0).then(|| format!("{}: {pass} / {fail}", p["pass"]))
        })
        .collect();
    assert!(pairs.len() >= 30, "five kinds, six pairs each");
    assert!(
        disagreements.len() * 10 <= pairs.len(),
        "{disagreements:#?}"
    );
}

#[test]
fn score_calibrate_fits_weights_that_score_does_with() {
    let dir = tempfile::tempdir().expect("dir");
    // Three questions; a lead grades 0–5 by how much of the reference an
    // answer keeps.
    let references = [
        "亲，本店支持7天无理由退货，寄回后1-3个工作日内退款",
        "亲，今天16点前下单当天发货，默认中通快递",
        "亲，可以开发票的，下单时在备注里写上抬头和税号",
    ];
    let mut lines = Vec::new();
    for (q, reference) in references.iter().enumerate() {
        let chars: Vec<char> = reference.chars().collect();
        for keep in 0..=5 {
            let answer: String = chars[..chars.len() * keep / 5].iter().collect();
            let answer = if answer.is_empty() {
                "嗯".to_string()
            } else {
                answer
            };
            lines.push(
                serde_json::json!({
                    "id": format!("{q}-{keep}"),
                    "answer": answer,
                    "references": [reference],
                    "grade": keep,
                })
                .to_string(),
            );
        }
    }
    lines.push("{\"id\": 9, \"answer\": \"x\", \"references\": [\"y\"]}".to_string());
    let graded = dir.path().join("graded.jsonl");
    std::fs::write(&graded, lines.join("\n")).expect("write");
    let weights = dir.path().join("weights.json");
    let out = huashu()
        .args(["score", "calibrate", "--input"])
        .arg(&graded)
        .arg("--out")
        .arg(&weights)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 19:"), "the ungraded line: {stderr}");
    assert!(
        stderr.contains("18 graded answers") && stderr.contains("held-out"),
        "{stderr}"
    );
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&weights).expect("written")).expect("json");
    assert!(
        model["held_out_r"].as_f64().expect("measured") > 0.8,
        "{model}"
    );

    // Scoring with them: a full answer above a fragment, on 0–100.
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        format!(
            "{}\n{}",
            serde_json::json!({"id": "full", "answer": references[1], "references": [references[1]]}),
            serde_json::json!({"id": "bit", "answer": "亲，今天", "references": [references[1]]}),
        ),
    )
    .expect("write");
    let score_with_weights = || {
        huashu()
            .args(["score", "--weights"])
            .arg(&weights)
            .arg("--input")
            .arg(&input)
            .output()
            .expect("runs")
    };
    let out = score_with_weights();
    assert!(out.status.success(), "{out:?}");
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let score = |i: usize| rows[i]["score"].as_f64().expect("a score");
    assert!(
        score(0) > score(1) && score(0) <= 100.0 && score(1) >= 0.0,
        "{rows:?}"
    );

    // A file that is not a weights file is refused, and nothing is scored.
    std::fs::write(&weights, "{\"signals\": []}").expect("write");
    let out = score_with_weights();
    assert!(!out.status.success() && out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a weights file"));
}

#[test]
fn help_documents_the_commands_and_variables() {
    let out = huashu().args(["serve", "--help"]).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--bind",
        "--demo",
        "HUASHU_BIND",
        "DATABASE_URL",
        "HUASHU_SECRET_KEY",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/chatlogs/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn mine_writes_one_json_line_per_cluster_and_a_summary() {
    let out = huashu()
        .args(["mine", "--input", &fixture("quoted.csv")])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clusters: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(clusters.len(), 2);
    assert_eq!(clusters[0]["size"], 3);
    assert_eq!(clusters[0]["members"], serde_json::json!([3, 6, 11]));
    assert!(clusters[0]["representative"]
        .as_str()
        .is_some_and(|r| r.contains("发货")));
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("4 questions"), "{summary}");
    assert!(
        summary.contains("greeting: 1 (e.g. line 2: 在吗)"),
        "{summary}"
    );
}

#[test]
fn mine_reads_a_gbk_file_like_utf8_and_masks_personal_data() {
    let run = |file: &str, extra: &[&str]| {
        let out = huashu()
            .args(["mine", "--input", &fixture(file)])
            .args(extra)
            .output()
            .expect("runs");
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(run("gbk.csv", &[]), run("quoted.csv", &[]));
    let personal = run("personal.csv", &["--threshold", "0.9"]);
    assert!(!personal.contains("13812345678") && personal.contains("{手机号}"));
}

#[test]
fn mine_refuses_bad_arguments_with_a_reason() {
    let fails = |args: &[&str], says: &str| {
        let out = huashu().arg("mine").args(args).output().expect("runs");
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    };
    fails(
        &["--input", "/no/such/file.csv"],
        "cannot open /no/such/file.csv",
    );
    fails(
        &["--input", &fixture("quoted.csv"), "--threshold", "1.5"],
        "not a number from 0 to 1",
    );
    fails(
        &["--input", &fixture("quoted.csv"), "--map", "colour=red"],
        "unknown field 'colour'",
    );
    fails(
        &["--input", &fixture("quoted.csv"), "--map", "message=正文"],
        "not in the file: 正文",
    );
    fails(
        &["--input", &fixture("quoted.csv"), "--format", "xls"],
        "invalid value 'xls'",
    );
    let dir = tempfile::tempdir().expect("dir");
    let noext = dir.path().join("log");
    std::fs::write(&noext, "在吗\n").expect("write");
    fails(
        &["--input", noext.to_str().expect("utf-8")],
        "pass --format",
    );
}

#[test]
fn review_aggregate_scores_items_and_finds_a_harsh_reviewer() {
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("marks.jsonl");
    let mut lines = Vec::new();
    for item in 0..12 {
        let truth = 60 + 5 * (item % 4);
        for (reviewer, offset) in [("ann", 0), ("bo", 1), ("cy", -1), ("harsh", -15)] {
            lines.push(format!(
                r#"{{"item": "a{item}", "reviewer": "{reviewer}", "score": {}}}"#,
                truth + offset
            ));
        }
    }
    lines.push(r#"{"item": "a0", "gold": 61}"#.to_string());
    lines.push(r#"{"item": "a1", "score": 3}"#.to_string());
    std::fs::write(&input, lines.join("\n")).expect("write");
    let out = huashu()
        .args(["review", "aggregate", "--input"])
        .arg(&input)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "a malformed line is reported");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 50:"));
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let item = |id: &str| rows.iter().find(|r| r["item"] == id).expect("item");
    assert_eq!(item("a0")["score"], 61.0, "a lead's grade decides");
    assert_eq!(item("a3")["reviews"], 4);
    let a3 = item("a3")["score"].as_f64().expect("score");
    assert!(
        (a3 - 75.0).abs() < 2.5,
        "the harsh marks are corrected for: {a3}"
    );
    let harsh = rows
        .iter()
        .find(|r| r["reviewer"] == "harsh")
        .expect("harsh");
    assert!(harsh["bias"].as_f64().expect("bias") < -9.0, "{harsh}");
    let ann = rows.iter().find(|r| r["reviewer"] == "ann").expect("ann");
    assert!(
        ann["grade"].as_f64() > harsh["grade"].as_f64(),
        "{ann} {harsh}"
    );
}

/// Starts `huashu serve` on `url`, on a free port.
fn serve_once(url: &str) -> std::process::Child {
    huashu()
        .args(["serve", "--bind", "127.0.0.1:0", "--db", url])
        .env("HUASHU_SECRET_KEY", "ab".repeat(64))
        .env(
            "HUASHU_EXAMS",
            concat!(env!("CARGO_MANIFEST_DIR"), "/exams"),
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts")
}

/// Ok once the server says it is running (its stdout is then drained in the
/// background), or what it printed when it ended first.
fn first_words(child: &mut std::process::Child) -> Result<(), String> {
    use std::io::{BufRead, Read};
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut said = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap_or_default();
        if line.contains("is running") {
            std::thread::spawn(move || lines.for_each(drop));
            return Ok(());
        }
        said.push_str(&line);
        said.push('\n');
    }
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut said);
    }
    Err(said)
}

#[test]
fn two_instances_started_at_once_on_one_empty_database_both_come_up() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().expect("dir");
        let url = crate::helpers::fresh_database_url(dir.path());
        let mut both = [serve_once(&url), serve_once(&url)];
        let said: Vec<_> = both.iter_mut().map(first_words).collect();
        for child in &mut both {
            let _ = child.kill();
            let _ = child.wait();
        }
        for words in said {
            assert!(words.is_ok(), "an instance failed to start: {words:?}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_new_sqlite_database_and_its_key_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("team.db");
    let mut child = huashu()
        .args(["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(&db)
        .env_remove("HUASHU_SECRET_KEY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let up = first_words(&mut child);
    let _ = child.kill();
    let _ = child.wait();
    assert!(up.is_ok(), "{up:?}");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.permissions().mode() & 0o777);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&dir.path().join("team.db.key")), 0o600);
    assert_eq!(mode(&dir.path().join("uploads")), 0o700);
}

/// GETs a page of a running server as a signed-in user would (login first).
fn banks_page_of(base: &str, username: &str, password: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let app = crate::helpers::TestApp::at(base);
        let mut c = app.client();
        let page = c.login(username, password).await;
        assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
        c.get("/banks").await.body
    })
}

/// Starts `huashu serve --demo` in `dir` with `extra` arguments; returns the
/// child, its address and the lead's password from the demo's printout.
fn demo_in(dir: &std::path::Path, extra: &[&str]) -> (std::process::Child, String, String) {
    use std::io::BufRead;
    let mut child = huashu()
        .current_dir(dir)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .args(extra)
        .env_remove("HUASHU_EXAMS")
        .env_remove("DATABASE_URL")
        .env_remove("HUASHU_SECRET_KEY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut password, mut base) = (String::new(), String::new());
    for line in lines.by_ref() {
        let line = line.unwrap_or_default();
        let words: Vec<&str> = line.split_whitespace().collect();
        // "  lead     lead       <password>   <display name>"
        if let ["lead", "lead", secret, ..] = words.as_slice() {
            password = secret.to_string();
        }
        if let Some(at) = line.find("http://") {
            base = line[at..].trim().to_string();
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    (child, base, password)
}

#[test]
fn started_from_an_empty_folder_the_demo_uses_the_built_in_banks_and_says_so() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, base, password) = demo_in(dir.path(), &[]);
    let page = banks_page_of(&base, "lead", &password);
    let _ = child.kill();
    let _ = child.wait();
    assert!(page.contains("程序内置的题库"), "{page}");
    assert!(
        page.contains("你们家卖的是正品吗"),
        "the shipped questions are there"
    );
    assert_eq!(page.matches("已加载").count(), 4, "{page}");
}

#[test]
fn a_banks_folder_that_cannot_be_read_is_named_on_the_banks_page() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, base, password) = demo_in(dir.path(), &["--exams", "no-such-folder"]);
    let page = banks_page_of(&base, "lead", &password);
    let _ = child.kill();
    let _ = child.wait();
    assert!(page.contains("无法读取文件夹"), "{page}");
    assert!(page.contains("no-such-folder"), "{page}");
}
