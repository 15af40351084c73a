//! Chat-log imports into the database, on SQLite and (second run) PostgreSQL.

use huashu::db::columns::ImportStatus;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use huashu::db::{backup, imports, mining, DbPool};

use crate::helpers::fresh_database_url;

/// The personal data in `personal.csv`, none of which may be stored or shown.
const PERSONAL: [&str; 6] = [
    "13812345678",
    "3012345678901234567",
    "SF1234567890123",
    "li.ming@example.com",
    "建国路88号",
    "110101199003071234",
];

pub(crate) fn fixture(name: &str) -> PathBuf {
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
    let imports = imports::imports(&mut conn, 10).expect("imports");
    assert_eq!(imports.len(), 2, "the repeat left no trace");
    assert!(imports.iter().all(|i| i.status == ImportStatus::Done));
    let answers = mining::answers_of(&mut conn, shipping.id).expect("answers");
    assert!(
        answers.iter().any(|a| a.contains("48小时内发货")),
        "{answers:?}"
    );
    let weeks = mining::weeks_of(&mut conn, Some(&[shipping.id])).expect("weeks");
    assert_eq!(weeks[&shipping.id].get("2026-11-02"), Some(&2), "{weeks:?}");
}

/// A second export of the same week adds to the stored counts: weeks sum on
/// conflict, candidate answers stay capped, clusters are summed again.
#[test]
fn a_second_export_of_the_same_week_adds_to_every_stored_count() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    assert!(import(&url, &fixture("quoted.csv")).status.success());
    let pool = pool(&url);
    let counts = |conn: &mut huashu::db::Conn| {
        let clusters = mining::clusters(conn).expect("clusters");
        let ids: Vec<i64> = clusters.iter().map(|c| c.id).collect();
        let weeks = mining::weeks_of(conn, Some(&ids)).expect("weeks");
        let answers: usize = ids
            .iter()
            .map(|id| mining::answers_of(conn, *id).expect("answers").len())
            .sum();
        let asked: Vec<i64> = clusters.iter().map(|c| c.asked).collect();
        (asked, weeks, answers)
    };
    let before = counts(&mut pool.get().expect("conn"));
    // The same chats again, as another file (one more line makes it new).
    let again = dir.path().join("again.csv");
    let text = std::fs::read_to_string(fixture("quoted.csv")).expect("fixture");
    std::fs::write(
        &again,
        format!("{text}c9,2026-11-10 22:00:00,路人乙,再见\n"),
    )
    .expect("write");
    assert!(import(&url, &again).status.success());
    let after = counts(&mut pool.get().expect("conn"));
    assert_eq!(after.0, before.0.iter().map(|n| n * 2).collect::<Vec<_>>());
    for (cluster, weeks) in &before.1 {
        for (week, n) in weeks {
            assert_eq!(after.1[cluster][week], n * 2, "{cluster} {week}");
        }
    }
    assert_eq!(after.2, before.2, "the same replies are not stored twice");
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
    for secret in PERSONAL {
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
    let failed = &imports::imports(&mut conn, 1).expect("imports")[0];
    assert_eq!(failed.status, ImportStatus::Failed);
    assert_eq!(
        failed.report.error_key.as_deref(),
        Some("imports.error.encoding"),
        "{:?}",
        failed.report
    );
    // A failed import is not "already imported": the same file may be tried again.
    let retry = import(&url, &binary);
    assert!(String::from_utf8_lossy(&retry.stderr).contains("neither UTF-8 nor GBK"));
}

#[test]
fn a_line_with_a_nul_character_is_refused_by_number_and_the_rest_imported() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    let file = dir.path().join("nul.txt");
    std::fs::write(
        &file,
        "请问什么时候发货\n这个\0杯子能装开水吗\n可以开发票吗\n",
    )
    .expect("write");
    let out = import(&url, &file);
    assert!(out.status.success(), "{out:?}");
    let pool = pool(&url);
    let mut conn = pool.get().expect("conn");
    let done = &imports::imports(&mut conn, 1).expect("imports")[0];
    assert_eq!(done.status, ImportStatus::Done);
    let summary = done.report.summary.as_ref().expect("a summary");
    let refused = summary.bad_rows.get("nul_character").expect("{summary:?}");
    assert_eq!(refused.count, 1);
    assert_eq!(refused.examples[0].0, 2, "names line 2: {refused:?}");
}

#[test]
fn a_dead_importer_is_taken_over_after_its_lease_and_can_no_longer_write() {
    use huashu::db::imports::{begin_import, Begun, LEASE_MS};
    let dir = tempfile::tempdir().expect("dir");
    let pool = pool(&fresh_database_url(dir.path()));
    let mut conn = pool.get().expect("conn");
    let t0 = 1_000_000;
    let Begun::Started(first) = begin_import(&mut conn, "h", "a.csv", 10, None, t0).expect("begin")
    else {
        panic!("new content starts");
    };
    // Alive: the same content is being imported, nothing to take over.
    assert!(imports::heartbeat(&mut conn, first, t0 + 20_000).expect("beat"));
    let alive = begin_import(
        &mut conn,
        "h",
        "a.csv",
        10,
        None,
        t0 + 20_000 + LEASE_MS - 1,
    );
    assert!(matches!(alive, Ok(Begun::Seen(_))));
    // Silent for longer than the lease: the next attempt takes it over.
    let later = t0 + 20_000 + LEASE_MS + 1;
    let Ok(Begun::Started(second)) = begin_import(&mut conn, "h", "a.csv", 10, None, later) else {
        panic!("a dead importer's import is taken over");
    };
    assert_eq!(second.id, first.id);
    // The first process, if it was only slow, finds out and writes nothing.
    assert!(!imports::heartbeat(&mut conn, first, later + 1).expect("beat"));
    let plan = Default::default();
    let lost = mining::apply(
        &mut conn,
        first,
        &plan,
        &Default::default(),
        &Default::default(),
        later + 1,
    );
    assert!(
        matches!(lost, Err(huashu::db::DbError::LeaseLost)),
        "{lost:?}"
    );
    imports::finish_import(&mut conn, first, true, &Default::default(), later + 2).expect("finish");
    let row = imports::find_import(&mut conn, first.id)
        .expect("read")
        .expect("row");
    assert_eq!(
        row.status,
        ImportStatus::Running,
        "still the second process's to finish"
    );
}

#[test]
fn the_same_command_finishes_an_import_whose_process_was_killed() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    let file = dir.path().join("big.txt");
    let lines: String = (0..200_000)
        .map(|i| format!("请问订单{}号什么时候发货\n", i % 5000))
        .collect();
    std::fs::write(&file, lines).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_huashu"))
        .args(["--db", &url, "import"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let pool = pool(&url);
    for _ in 0..200 {
        let mut conn = pool.get().expect("conn");
        if !imports::imports(&mut conn, 1).expect("imports").is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    let mut conn = pool.get().expect("conn");
    let row = &imports::imports(&mut conn, 1).expect("imports")[0];
    assert_eq!(row.status, ImportStatus::Running, "killed mid-way");
    // Time passes: the dead importer's lease runs out.
    crate::helpers::run_sql(
        &mut conn,
        &format!(
            "UPDATE chat_imports SET heartbeat_at = heartbeat_at - {}",
            imports::LEASE_MS + 1
        ),
    );
    let out = import(&url, &file);
    assert!(out.status.success(), "{out:?}");
    let row = &imports::imports(&mut conn, 1).expect("imports")[0];
    assert_eq!(row.status, ImportStatus::Done, "{}", stdout(&out));
}

/// Uploads a chat log as the import page does and waits for the import to end.
pub(crate) async fn upload(
    lead: &mut crate::helpers::Client,
    file: &Path,
) -> (i64, serde_json::Value) {
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let res = lead
        .http
        .post(format!("{}/api/v1/imports", lead.base))
        .query(&[("name", name.as_str())])
        .header("X-CSRF-Token", &lead.csrf)
        .body(std::fs::read(file).expect("fixture"))
        .send()
        .await
        .expect("upload");
    let reply: serde_json::Value = res.json().await.expect("json");
    let id = reply["id"].as_i64().expect("an import id");
    for _ in 0..200 {
        let row: serde_json::Value = lead
            .http
            .get(format!("{}/api/v1/imports/{id}", lead.base))
            .send()
            .await
            .expect("progress")
            .json()
            .await
            .expect("json");
        if row["status"] != "running" {
            return (id, reply);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

/// The files in an app's uploads folder.
fn spooled(app: &crate::helpers::TestApp) -> Vec<String> {
    std::fs::read_dir(&app.uploads)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[actix_web::test]
async fn no_raw_chat_log_outlives_its_upload_finished_or_aborted() {
    let app = crate::helpers::spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lee", "lead").await;
    lead.get("/imports").await;
    upload(&mut lead, &fixture("quoted.csv")).await;
    // The import's thread marks it done, then deletes the file: wait for that.
    assert_eq!(
        unspooled(&app).await,
        Vec::<String>::new(),
        "deleted after its import"
    );
    // The browser goes away half-way through: the part received is deleted too.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok("会话,时间,角色,内容\n".repeat(20_000).into_bytes()),
        Err(std::io::Error::other("the browser tab was closed")),
    ];
    let aborted = lead
        .http
        .post(format!("{}/api/v1/imports", lead.base))
        .query(&[("name", "half.csv")])
        .header("X-CSRF-Token", &lead.csrf)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await;
    assert!(aborted.is_err());
    // The server learns of the abort when it next reads the body.
    assert_eq!(
        unspooled(&app).await,
        Vec::<String>::new(),
        "deleted when aborted"
    );
}

/// The spooled files once none is left, or after 30 s: on a machine busy with
/// the rest of the suite the deletion can take a while, and what matters is
/// that the file goes, not how fast.
async fn unspooled(app: &crate::helpers::TestApp) -> Vec<String> {
    for _ in 0..1500 {
        if spooled(app).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    spooled(app)
}

#[actix_web::test]
async fn a_lead_uploads_logs_corrects_the_clusters_and_builds_an_exam_from_them() {
    let app = crate::helpers::spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lee", "lead").await;
    let mut amy = app.user(&mut admin, "amy", "trainee").await;
    lead.get("/imports").await;
    assert_eq!(
        amy.get("/questions").await.status,
        reqwest::StatusCode::FORBIDDEN
    );

    let (first, _) = upload(&mut lead, &fixture("quoted.csv")).await;
    let report = lead.get(&format!("/imports/{first}")).await.body;
    assert!(
        report.contains("导入完成") && report.contains("第 2 行: 在吗"),
        "{report}"
    );
    assert!(
        report.contains("问候语"),
        "reasons in the user's language: {report}"
    );
    let (again, reply) = upload(&mut lead, &fixture("quoted.csv")).await;
    assert_eq!((again, reply["seen"].as_bool()), (first, Some(true)));
    // The page it opens says the file was imported before.
    let shown = lead.get(&format!("/imports/{again}")).await.body;
    assert!(
        shown.contains(&format!("这个文件已经导入过（导入 #{first}）")),
        "{shown}"
    );
    // The list shows when, who and how much, once.
    let list = lead.get("/imports").await.body;
    let row = list
        .split(&format!("<td>{first}</td>"))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the import's row");
    assert!(
        row.contains("<td>lee</td>") && row.contains(">12</td>"),
        "{row}"
    );
    assert_eq!(list.matches("quoted.csv").count(), 1, "one import, not two");

    let list = lead.get("/questions").await.body;
    assert!(
        list.contains("<svg class=\"trend\""),
        "a weekly trend per cluster"
    );
    let shipping = crate::helpers::number_after(&list, "href=\"/questions/").expect("a cluster");
    let page = lead.get(&format!("/questions/{shipping}")).await.body;
    assert!(
        page.contains("48小时内发货"),
        "agent replies are shown: {page}"
    );
    // Texts keep their punctuation: folded only for matching.
    assert!(
        page.contains("亲，您的订单已打包，今天18点前发出"),
        "full-width commas kept: {page}"
    );
    assert!(!page.contains("亲,您的订单"), "{page}");

    // A lead's name and tags stick through a later import of the same questions.
    let renamed = lead
        .post(
            &format!("/questions/{shipping}"),
            &[("action", "rename"), ("title", "催发货")],
        )
        .await;
    assert_eq!(
        renamed.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        renamed.body
    );
    lead.get(&format!("/questions/{shipping}")).await;
    lead.post(
        &format!("/questions/{shipping}"),
        &[
            ("action", "tags"),
            ("scene", "after_sale"),
            ("category", ""),
            ("department", "operations"),
        ],
    )
    .await;
    let bad = lead
        .post(
            &format!("/questions/{shipping}"),
            &[("action", "tags"), ("scene", "weather")],
        )
        .await;
    assert_eq!(bad.status, reqwest::StatusCode::BAD_REQUEST);
    upload(&mut lead, &fixture("traditional.txt")).await;
    let bad = lead.get("/questions?department=weather").await;
    assert_eq!(bad.status, reqwest::StatusCode::BAD_REQUEST);
    let bad = lead.get("/questions?from=2026-13-01").await;
    assert!(bad.body.contains("日期格式应为"), "{}", bad.body);
    let list = lead.get("/questions?department=operations").await.body;
    assert!(list.contains("催发货"), "{list}");
    assert!(!list.contains("M码"), "filtered by department");
    let detail = lead.get(&format!("/questions/{shipping}")).await.body;
    assert!(
        detail.contains("共被问 5 次"),
        "the later import grew it: {detail}"
    );
    let tags = detail
        .split("id=\"current-tags\"")
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .expect("its tags");
    assert!(
        tags.contains(">运营</span>") && tags.contains("组长设定"),
        "{tags}"
    );

    // Split one wording off, then merge it back.
    let member = crate::helpers::number_after(&detail, "name=\"q\" value=\"").expect("a wording");
    let split = lead
        .post(
            &format!("/questions/{shipping}"),
            &[("action", "split"), ("q", &member.to_string())],
        )
        .await;
    assert_eq!(
        split.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        split.body
    );
    let new = crate::helpers::number_after(&split.location, "/questions/").expect("new cluster");
    assert_ne!(new, shipping);
    lead.get(&format!("/questions/{new}")).await;
    // A group that does not exist: the same page, the message and the number kept.
    let nowhere = lead
        .post(
            &format!("/questions/{new}"),
            &[("action", "merge"), ("into", "#99999")],
        )
        .await;
    assert_eq!(nowhere.status, reqwest::StatusCode::CONFLICT);
    assert!(
        nowhere.body.contains("id=\"decide-error\""),
        "{}",
        nowhere.body
    );
    assert!(nowhere.body.contains("请从列表中选择另一个现有的问题组"));
    // The target is picked from a list of the other groups.
    let targets = nowhere
        .body
        .split("id=\"merge-into\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .expect("the merge list");
    assert!(
        targets.contains(&format!("<option value=\"{shipping}\">#{shipping} 催发货")),
        "{targets}"
    );
    assert!(!targets.contains(&format!("value=\"{new}\"")), "not itself");
    let merged = lead
        .post(
            &format!("/questions/{new}"),
            &[("action", "merge"), ("into", &shipping.to_string())],
        )
        .await;
    assert_eq!(merged.location, format!("/questions/{shipping}"));
    assert!(lead
        .get(&format!("/questions/{shipping}"))
        .await
        .body
        .contains("共被问 5 次"));

    // The top question becomes a draft exam with the agents' replies as references.
    lead.get("/questions").await;
    let built = lead
        .post(
            "/questions/exam",
            &[
                ("top", "1"),
                ("title", "本周高频问题"),
                ("time_limit", "20"),
                ("pass_mark", "60"),
            ],
        )
        .await;
    assert_eq!(
        built.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        built.body
    );
    let exam = crate::helpers::number_after(&built.location, "/exams/").expect("exam id");
    let show = lead.get(&format!("/exams/{exam}")).await.body;
    assert!(
        show.contains("催发货") && show.contains("48小时内发货"),
        "{show}"
    );
    assert_eq!(crate::helpers::draft_items(&show).len(), 1);

    // Chosen questions; one has no agent reply, and that blocks opening until edited.
    let list = lead.get("/questions").await.body;
    let freight_at = list.find("運費").expect("the freight question");
    let freight = crate::helpers::number_after(
        &list[..freight_at][list[..freight_at]
            .rfind("href=\"/questions/")
            .expect("link")..],
        "href=\"/questions/",
    )
    .expect("id");
    let built = lead
        .post(
            "/questions/exam",
            &[
                ("c", &shipping.to_string()),
                ("c", &freight.to_string()),
                ("title", "挑选的问题"),
                ("time_limit", "20"),
                ("pass_mark", "60"),
            ],
        )
        .await;
    let exam = crate::helpers::number_after(&built.location, "/exams/").expect("exam id");
    let show = lead.get(&format!("/exams/{exam}")).await.body;
    let items = crate::helpers::draft_items(&show);
    assert_eq!(items.len(), 2);
    assert!(show.contains("尚无参考答案"), "{show}");
    let open = lead
        .post(&format!("/exams/{exam}/status"), &[("action", "open")])
        .await;
    assert_eq!(open.status, reqwest::StatusCode::CONFLICT);
    assert!(open.body.contains("第 2 题还没有参考答案"), "{}", open.body);
    assert!(
        open.body.contains("id=\"status-error\""),
        "on the exam's own page"
    );
    assert!(open.body.contains("draft-editor"), "with its items to fix");
    // A blank question is refused beside its item, everything typed kept.
    lead.get(&format!("/exams/{exam}")).await;
    let typed = |second_prompt: &str| {
        let mut fields = crate::helpers::draft_settings("挑选的问题");
        for (n, item) in items.iter().enumerate() {
            let prompt = if n == 1 {
                second_prompt
            } else {
                "顾客问：什么时候发货？"
            };
            fields.push((format!("prompt_{item}"), prompt.to_string()));
            fields.push((
                format!("references_{item}"),
                "亲，下单后48小时内发货。\n\n亲，已为您加急。".to_string(),
            ));
        }
        fields
    };
    let blank = crate::helpers::save_draft(&mut lead, exam, &typed("  ")).await;
    assert_eq!(blank.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let second = blank
        .body
        .split(&format!("id=\"item-{}\"", items[1]))
        .nth(1)
        .and_then(|s| s.split("</fieldset>").next())
        .unwrap_or_default();
    assert!(second.contains("亲，已为您加急。"), "{}", blank.body);
    assert!(second.contains("field-error"), "{}", blank.body);
    assert!(
        blank.body.contains("顾客问：什么时候发货？"),
        "the other item's edit is kept too"
    );
    let saved = crate::helpers::save_draft(&mut lead, exam, &typed("顾客问：几号发？")).await;
    assert_eq!(
        saved.status,
        reqwest::StatusCode::SEE_OTHER,
        "{}",
        saved.body
    );
    lead.get(&format!("/exams/{exam}")).await;
    let open = lead
        .post(&format!("/exams/{exam}/status"), &[("action", "open")])
        .await;
    assert_eq!(open.status, reqwest::StatusCode::SEE_OTHER, "{}", open.body);
    let late = crate::helpers::save_draft(&mut lead, exam, &typed("改")).await;
    assert_eq!(
        late.status,
        reqwest::StatusCode::CONFLICT,
        "an open exam is not edited"
    );
}

#[actix_web::test]
async fn personal_data_is_masked_on_every_mining_page() {
    let app = crate::helpers::spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lee", "lead").await;
    lead.get("/imports").await;
    let (id, _) = upload(&mut lead, &fixture("personal.csv")).await;
    let mut pages = vec![
        lead.get("/imports").await.body,
        lead.get(&format!("/imports/{id}")).await.body,
        lead.get(&format!("/api/imports/{id}")).await.body,
    ];
    let list = lead.get("/questions").await.body;
    let mut rest = list.as_str();
    while let Some(at) = rest.find("href=\"/questions/") {
        // Every group's page, and what was learned from the groups.
        let page = match crate::helpers::number_after(&rest[at..], "href=\"/questions/") {
            Some(n) => format!("/questions/{n}"),
            None => "/questions/learned".to_string(),
        };
        pages.push(lead.get(&page).await.body);
        rest = &rest[at + 1..];
    }
    assert!(pages.len() > 3, "every cluster page was read");
    pages.push(list);
    for page in &pages {
        for secret in PERSONAL {
            assert!(!page.contains(secret), "{secret} shown: {page}");
        }
    }
    assert!(pages.iter().any(|p| p.contains("{手机号}")));
    // In English the placeholders are English too.
    lead.post("/lang", &[("lang", "en")]).await;
    let mut english = Vec::new();
    let mut rest = lead.get("/questions").await.body;
    while let Some(at) = rest.find("href=\"/questions/") {
        if let Some(n) = crate::helpers::number_after(&rest[at..], "href=\"/questions/") {
            english.push(lead.get(&format!("/questions/{n}")).await.body);
        }
        rest = rest[at + 1..].to_string();
    }
    assert!(english.iter().any(|p| p.contains("{phone}")));
    assert!(english.iter().all(|p| !p.contains("{手机号}")));
}

#[actix_web::test]
async fn a_refused_upload_says_why_in_the_users_language() {
    let app = crate::helpers::spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lee", "lead").await;
    lead.get("/imports").await;
    let res = lead
        .http
        .post(format!("{}/api/v1/imports", lead.base))
        .query(&[("name", "chats.xlsx")])
        .header("X-CSRF-Token", &lead.csrf)
        .body("a,b")
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), reqwest::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.expect("json");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or("")
            .contains("无法从文件名判断格式"),
        "{body}"
    );
    let no_token = lead
        .http
        .post(format!("{}/api/v1/imports", lead.base))
        .query(&[("name", "chats.csv")])
        .body("a,b")
        .send()
        .await
        .expect("upload");
    assert_eq!(no_token.status(), reqwest::StatusCode::FORBIDDEN);

    let binary = tempfile::tempdir().expect("dir");
    let path = binary.path().join("photo.txt");
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &noise).expect("write");
    let (id, _) = upload(&mut lead, &path).await;
    let page = lead.get(&format!("/imports/{id}")).await.body;
    assert!(
        page.contains("导入失败") && page.contains("既不是 UTF-8 也不是 GBK"),
        "{page}"
    );
}

#[test]
fn the_demo_team_has_mined_questions_with_personal_data_masked() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(dir.path());
    let pool = pool(&url);
    crate::helpers::seed_demo(&pool);
    let mut conn = pool.get().expect("conn");
    let clusters = mining::clusters(&mut conn).expect("clusters");
    assert!(clusters.len() >= 10, "{clusters:#?}");
    assert!(clusters[0].asked >= 3);
    let everything =
        serde_json::to_string(&backup::snapshot(&mut conn).expect("rows")).expect("json");
    for secret in ["13912345678", "4012345678901234567", "中关村大街27号"] {
        assert!(!everything.contains(secret), "{secret} stored");
    }
}
