//! The script library to and from a sheet with `huashu scripts export|import`:
//! a team's sheet taken in whole or not at all, nothing doubled when taken
//! twice, conflicts left alone unless asked, and export → import → export
//! giving back the same sheet in another database.

use std::process::{Command, Output};

use crate::helpers::{spawn, TestApp};

fn huashu(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_huashu"))
        .args(args)
        .args(["--db", &app.url])
        .output()
        .expect("huashu runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A team with an admin (boss) and a lead (lead).
async fn team() -> TestApp {
    let app = spawn().await;
    let mut admin = app.admin().await;
    app.user(&mut admin, "lead", "lead").await;
    app
}

const SHEET: &str = "问题,话术,其他问法,场景,分类,快捷编码,负责人,复查日期
可以开发票吗,\"{称呼}您好，下单后在订单页点“申请发票”，电子发票当天开出。\",\"能开票吗
发票怎么开\",pre_sale,invoice,/kp,lead,2027-03-01
几天能到,\"亲，江浙沪一般次日达，其他地区2-3天，{预计时间}前送到。\",,in_sale,shipping,,,
-5元券怎么用,=满100减5，结算时自动抵扣。,,,price,/q,,
";

#[actix_web::test]
async fn a_sheet_round_trips_and_is_never_doubled() {
    let dir = tempfile::tempdir().expect("dir");
    let sheet = dir.path().join("team.csv");
    std::fs::write(&sheet, SHEET).expect("sheet");
    let sheet = sheet.to_string_lossy().into_owned();
    let a = team().await;
    let taken = huashu(&a, &["scripts", "import", &sheet]);
    assert!(taken.status.success(), "{taken:?}");
    assert!(
        stdout(&taken).starts_with("3 added, 0 updated, 0 unchanged, 2 wordings added"),
        "{}",
        stdout(&taken)
    );
    // The same sheet again doubles nothing.
    let again = huashu(&a, &["scripts", "import", &sheet]);
    assert!(
        stdout(&again).starts_with("0 added, 0 updated, 3 unchanged"),
        "{}",
        stdout(&again)
    );
    assert_eq!(a.count("SELECT COUNT(*) AS n FROM scripts"), 3);
    assert_eq!(a.count("SELECT COUNT(*) AS n FROM script_alternates"), 2);

    // Export from one database, import into an empty one, export again: the same.
    let exported = dir.path().join("a.csv");
    let json = dir.path().join("a.json");
    for (format, file) in [("csv", &exported), ("json", &json)] {
        let out = huashu(
            &a,
            &[
                "scripts",
                "export",
                "--format",
                format,
                "--out",
                &file.to_string_lossy(),
            ],
        );
        assert!(out.status.success(), "{out:?}");
    }
    let first = std::fs::read_to_string(&exported).expect("export");
    assert!(
        first.contains("'=满100减5") && first.contains("/kp") && first.contains("2027-03-01"),
        "{first}"
    );
    for file in [&exported, &json] {
        let b = team().await;
        let taken = huashu(&b, &["scripts", "import", &file.to_string_lossy()]);
        assert!(taken.status.success(), "{taken:?}");
        let back = dir.path().join("b.csv");
        huashu(&b, &["scripts", "export", "--out", &back.to_string_lossy()]);
        assert_eq!(
            std::fs::read_to_string(&back).expect("export"),
            first,
            "{}",
            file.display()
        );
    }

    // A different text is a conflict, left alone; --update publishes it.
    let changed = dir.path().join("changed.csv");
    std::fs::write(
        &changed,
        "question,text\n几天能到,亲，全国包邮顺丰，一般1-2天送到。\n",
    )
    .expect("sheet");
    let changed = changed.to_string_lossy().into_owned();
    let conflict = huashu(&a, &["scripts", "import", &changed]);
    assert!(
        stdout(&conflict).contains("conflict: '几天能到'"),
        "{}",
        stdout(&conflict)
    );
    assert_eq!(a.count("SELECT COUNT(*) AS n FROM script_versions"), 3);
    let updated = huashu(
        &a,
        &["scripts", "import", &changed, "--update", "--by", "lead"],
    );
    assert!(
        stdout(&updated).starts_with("0 added, 1 updated"),
        "{}",
        stdout(&updated)
    );
    assert_eq!(a.count("SELECT COUNT(*) AS n FROM script_versions"), 4);

    // The quick-reply sheet for the chat workbench.
    let quick = huashu(&a, &["scripts", "export", "--format", "quick-reply"]);
    let quick = stdout(&quick);
    assert!(
        quick.starts_with("\u{feff}分组,快捷编码,短语内容\n"),
        "{quick}"
    );
    assert!(
        quick.contains("发票,/kp,{称呼}您好") && quick.contains("发货/物流,,亲，全国包邮顺丰"),
        "{quick}"
    );
}

#[actix_web::test]
async fn a_sheet_with_bad_rows_is_refused_whole_with_each_row_named() {
    let app = team().await;
    let dir = tempfile::tempdir().expect("dir");
    let sheet = dir.path().join("bad.csv");
    std::fs::write(
        &sheet,
        "question,text,scene,owner\n好评返现吗,亲，好评返现5元,,\n,没有问题的话术,,\n会掉色吗,不会,night,\n保修吗,保修一年,,nobody\n假货吗,本店绝对是最好的正品,,\n",
    )
    .expect("sheet");
    let out = huashu(&app, &["scripts", "import", &sheet.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = stdout(&out);
    assert!(
        said.contains("bad.csv:3: the question is empty")
            && said.contains("bad.csv:4: unknown scene 'night'"),
        "{said}"
    );
    assert!(said.contains("nothing imported"), "{said}");
    // The rows a sheet reader passes are then checked against the library.
    let fixed = dir.path().join("fixed.csv");
    std::fs::write(
        &fixed,
        "question,text,owner\n保修吗,保修一年,nobody\n假货吗,本店绝对是最好的正品,\n",
    )
    .expect("sheet");
    let out = huashu(&app, &["scripts", "import", &fixed.to_string_lossy()]);
    let said = stdout(&out);
    assert!(
        said.contains("owner 'nobody' is not an active lead")
            && said.contains("script 2 (假货吗): banned phrases:")
            && said.contains("最好"),
        "{said}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM scripts"),
        0,
        "nothing was imported"
    );
}

#[actix_web::test]
async fn a_lead_pastes_a_sheet_from_excel_and_everyone_downloads_the_quick_replies() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lead", "lead").await;
    let mut agent = app.user(&mut admin, "agent", "trainee").await;
    lead.get("/library/import").await;
    // Rows copied from Excel arrive tab-separated; a bad one keeps the paste.
    let bad = "问题\t话术\t分类\n在吗\t\tshipping\n";
    let refused = lead.post("/library/import", &[("sheet", bad)]).await;
    assert_eq!(refused.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("第 2 行：话术是空的。"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("在吗\t\tshipping"),
        "the paste is kept"
    );
    let good = "问题\t话术\t分类\t快捷编码\n在吗\t亲，在的，请问有什么可以帮您？\t\t/zai\n几天发货\t亲，48小时内发出哦\tshipping\t/fh\n";
    let done = lead.post("/library/import", &[("sheet", good)]).await;
    assert_eq!(done.status, reqwest::StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("新增 2 条"), "{}", done.body);
    let again = lead.post("/library/import", &[("sheet", good)]).await;
    assert!(
        again.body.contains("新增 0 条") && again.body.contains("未变 2 条"),
        "{}",
        again.body
    );
    // An agent takes the quick replies into their workbench.
    let res = agent
        .http
        .get(format!("{}/library/export/quick-replies.csv", app.base))
        .send()
        .await
        .expect("download");
    assert!(res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("attachment")));
    let body = res.text().await.expect("body");
    assert!(
        body.contains("通用,/zai,亲，在的") && body.contains("发货/物流,/fh,亲，48小时内发出哦"),
        "{body}"
    );
    let missing = agent.get("/library/export/secrets.txt").await;
    assert_eq!(missing.status, reqwest::StatusCode::NOT_FOUND);
    let forbidden = agent.get("/library/import").await;
    assert_eq!(forbidden.status, reqwest::StatusCode::FORBIDDEN);
}
