//! A lead's merges and splits of mined question groups are kept, and what
//! the merges teach comes back as synonym candidates for the rules file.

use reqwest::StatusCode;

use crate::helpers::{number_after, spawn, Client};
use crate::mining::upload;

/// The group the questions list shows under this wording, if it names one.
async fn group_named(lead: &mut Client, wording: &str) -> Option<i64> {
    let list = lead.get("/questions").await.body;
    let at = list.find(wording)?;
    let row_start = list[..at].rfind("href=\"/questions/")?;
    number_after(&list[row_start..], "href=\"/questions/")
}

async fn group_of(lead: &mut Client, wording: &str) -> i64 {
    group_named(lead, wording).await.expect("a group named so")
}

#[actix_web::test]
async fn merges_and_splits_are_kept_and_merges_teach_synonym_candidates() {
    let app = spawn().await;
    let mut admin = app.admin().await;
    let mut lead = app.user(&mut admin, "lee", "lead").await;
    let page = lead.get("/questions/learned").await.body;
    assert!(page.contains("id=\"no-candidates\""), "{page}");

    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("week.csv");
    let rows = [
        "会话ID,发送时间,发送方,消息内容",
        "c1,2026-11-02 09:00:00,买家,东西拍错了能退吗",
        "c2,2026-11-02 10:00:00,买家,下错单了能退吗",
        "c3,2026-11-02 11:00:00,买家,裤子起球了怎么办",
        "c4,2026-11-02 12:00:00,买家,裤子掉毛了怎么办",
        "c5,2026-11-03 09:00:00,买家,发票抬头怎么改",
    ];
    std::fs::write(&log, rows.join("\n")).expect("write");
    upload(&mut lead, &log).await;
    let (wrong, ordered) = (
        group_of(&mut lead, "东西拍错了能退吗").await,
        group_of(&mut lead, "下错单了能退吗").await,
    );
    assert_ne!(wrong, ordered, "the import kept them apart");
    lead.get(&format!("/questions/{wrong}")).await;
    let merged = lead
        .post(
            &format!("/questions/{wrong}"),
            &[("action", "merge"), ("into", &ordered.to_string())],
        )
        .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);

    // 起球 and 掉毛: kept apart by a lead.
    let pilling = group_named(&mut lead, "裤子起球了怎么办").await;
    let shedding = group_named(&mut lead, "裤子掉毛了怎么办").await;
    let (pilling, shedding) = match (pilling, shedding) {
        (Some(p), Some(s)) => (p, s),
        // Clustered together already: one name shows.
        (p, s) => (p.or(s).expect("a group"), p.or(s).expect("a group")),
    };
    if pilling != shedding {
        lead.get(&format!("/questions/{pilling}")).await;
        lead.post(
            &format!("/questions/{pilling}"),
            &[("action", "merge"), ("into", &shedding.to_string())],
        )
        .await;
    }
    let detail = lead.get(&format!("/questions/{shedding}")).await.body;
    // The check box whose label is the wording.
    let member = detail
        .split("name=\"q\" value=\"")
        .skip(1)
        .find(|rest| {
            rest.split("</label>")
                .next()
                .is_some_and(|l| l.contains("裤子起球了怎么办"))
        })
        .and_then(|rest| rest.split('"').next()?.parse::<i64>().ok())
        .expect("its check box");
    let split = lead
        .post(
            &format!("/questions/{shedding}"),
            &[("action", "split"), ("q", &member.to_string())],
        )
        .await;
    assert_eq!(split.status, StatusCode::SEE_OTHER, "{}", split.body);

    let page = lead.get("/questions/learned").await.body;
    let table = crate::helpers::between(&page, "id=\"synonym-candidates\"", "</table>")
        .expect("the candidates");
    assert!(
        table.contains("<td>商品拍错</td><td>下错单</td>"),
        "the canonical difference of the merged wordings: {table}"
    );
    assert!(
        page.contains("&quot;商品拍错&quot; &#x3D; [&quot;下错单&quot;]"),
        "the rules-file line: {page}"
    );
    assert!(page.contains("已记录 1 次合并、1 次拆分"), "{page}");
}
