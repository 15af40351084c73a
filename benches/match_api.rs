//! The script match endpoint under load: a library of 10,000 scripts with
//! five wordings each (50,000 alternates), generated from products and the
//! ways customers ask about them; wrk (Debian's package) sends customers'
//! noisy messages to `GET /api/v1/scripts/match` with a bearer token, on
//! loopback, with 4 connections (latency is the figure) and 50 (throughput).
//! `/healthz` of the same server, in the same run, is the framework's ceiling.
//! The first match of a run builds the in-memory index; it is made before wrk
//! starts, so the runs measure the kept index and the per-query stamp check.
//!
//! Targets (issue 14): p99 under 5 ms at 4 connections; at least 2,000
//! queries/s at 50.
//!
//! Run: `cargo bench --bench match_api`. Settings: HUASHU_LOAD_SECONDS (10).
#![allow(clippy::expect_used)] // a benchmark on inputs it made itself may stop loudly

use std::process::Command;

use diesel::connection::SimpleConnection;
use huashu::db::{self, Conn};

#[path = "common/mod.rs"]
mod support;

const ITEMS: [&str; 20] = [
    "羽绒服",
    "连衣裙",
    "运动鞋",
    "保温杯",
    "蓝牙耳机",
    "双肩包",
    "牛仔裤",
    "电饭煲",
    "面膜",
    "洗发水",
    "儿童座椅",
    "行李箱",
    "台灯",
    "床垫",
    "手机壳",
    "卫衣",
    "口红",
    "跑步机",
    "空气炸锅",
    "茶叶",
];
const KINDS: [&str; 20] = [
    "加厚",
    "轻薄",
    "黑色",
    "白色",
    "大号",
    "小号",
    "新款",
    "经典款",
    "儿童",
    "男士",
    "女士",
    "礼盒装",
    "旗舰",
    "便携",
    "加大",
    "迷你",
    "复古",
    "运动",
    "商务",
    "家用",
];
/// Each intent: the question and five other ways customers put it.
const INTENTS: [[&str; 6]; 25] = [
    [
        "什么时候发货",
        "几天能发出",
        "下单后多久发货",
        "今天能发吗",
        "啥时候寄出",
        "怎么还没发货",
    ],
    [
        "能开发票吗",
        "可以开票吗",
        "发票怎么开",
        "要增值税发票",
        "开电子发票",
        "买了能报销吗",
    ],
    [
        "是正品吗",
        "保证是正品吗",
        "会不会是假货",
        "有防伪码吗",
        "能专柜验货吗",
        "是不是原装",
    ],
    [
        "怎么退货",
        "不想要了怎么退",
        "退货流程是什么",
        "可以退吗",
        "退货地址在哪",
        "申请退货",
    ],
    [
        "多久能到",
        "几天到货",
        "快递要几天",
        "什么时候能收到",
        "到货要多久",
        "物流几天",
    ],
    [
        "有优惠券吗",
        "能便宜点吗",
        "有没有折扣",
        "满减怎么算",
        "有活动吗",
        "领券在哪",
    ],
    [
        "尺码怎么选",
        "穿多大码",
        "尺码偏大吗",
        "身高一米七穿什么码",
        "码数标准吗",
        "要拍大一码吗",
    ],
    [
        "可以改地址吗",
        "地址填错了",
        "能换收货地址吗",
        "修改收货信息",
        "改一下地址",
        "地址写错了怎么办",
    ],
    [
        "支持七天无理由吗",
        "能七天无理由退吗",
        "无理由退货吗",
        "七天内能退吗",
        "不喜欢能退吗",
        "七天包退吗",
    ],
    [
        "运费谁出",
        "退货运费谁承担",
        "包邮吗",
        "有运费险吗",
        "邮费多少",
        "退回运费怎么算",
    ],
    [
        "怎么清洗",
        "能机洗吗",
        "洗涤方法",
        "会掉色吗",
        "可以水洗吗",
        "怎么保养",
    ],
    [
        "有现货吗",
        "还有库存吗",
        "什么时候补货",
        "断货了吗",
        "有货吗",
        "能预定吗",
    ],
    [
        "保修多久",
        "质保几年",
        "坏了能修吗",
        "售后怎么保修",
        "有保修卡吗",
        "保修期多长",
    ],
    [
        "怎么使用",
        "使用方法",
        "有说明书吗",
        "怎么安装",
        "第一次怎么用",
        "教程在哪",
    ],
    [
        "收到是坏的",
        "商品有破损",
        "到货就坏了",
        "包装破了",
        "东西摔坏了",
        "收到有划痕",
    ],
    [
        "少发了一件",
        "漏发了",
        "数量不对",
        "只收到一个",
        "赠品没收到",
        "少了配件",
    ],
    [
        "退款多久到账",
        "钱什么时候退回",
        "退款怎么还没到",
        "退款几天到",
        "什么时候退钱",
        "退款进度",
    ],
    [
        "能换颜色吗",
        "可以换个颜色吗",
        "换货怎么换",
        "能换尺码吗",
        "换一个型号",
        "换货流程",
    ],
    [
        "有赠品吗",
        "送什么礼物",
        "赠品是什么",
        "买了送东西吗",
        "有小样吗",
        "送不送袋子",
    ],
    [
        "是什么材质",
        "面料是什么",
        "成分是什么",
        "用的什么材料",
        "含不含棉",
        "材质好吗",
    ],
    [
        "能加急吗",
        "可以优先发吗",
        "着急用能快点吗",
        "能发顺丰吗",
        "加急发货",
        "能当天到吗",
    ],
    [
        "怎么联系客服",
        "人工客服在哪",
        "电话多少",
        "找不到客服",
        "转人工",
        "客服几点上班",
    ],
    [
        "可以分期吗",
        "支持花呗吗",
        "能用信用卡吗",
        "怎么付款",
        "支付失败了",
        "能货到付款吗",
    ],
    [
        "会降价吗",
        "保价吗",
        "买贵了能退差价吗",
        "双十一更便宜吗",
        "价格保护多久",
        "降价补差吗",
    ],
    [
        "适合几岁",
        "老人能用吗",
        "孕妇可以用吗",
        "小孩能用吗",
        "敏感肌能用吗",
        "学生适合吗",
    ],
];

fn products() -> Vec<String> {
    KINDS
        .iter()
        .flat_map(|k| ITEMS.iter().map(move |i| format!("{k}{i}")))
        .collect()
}

/// The library straight into the database (seeding is not what is measured).
fn seed(conn: &mut Conn) {
    let mut sql = String::from("BEGIN;");
    let quote = |s: &str| s.replace('\'', "''");
    let now = db::now_ms();
    let rubric = serde_json::to_string(&huashu::domain::rubric::Settings::default()).expect("json");
    sql.push_str(&format!(
        "INSERT INTO users (username, display_name, password_hash, role, active, lang, created_at) \
         VALUES ('lead', 'lead', 'x', 'lead', TRUE, 'zh-CN', {now});"
    ));
    let mut id = 0;
    for product in products() {
        for intent in INTENTS {
            id += 1;
            let question = quote(&format!("{product}{}", intent[0]));
            sql.push_str(&format!(
                "INSERT INTO questions (id, bank_slug, bank_title, qkey, scene, category, prompt, \
                 references_json, tags_json, rubric_json, active) VALUES ({id}, 'bench', 'bench', \
                 'q{id}', 'pre_sale', 'other', '{question}', '[]', '[]', '{rubric}', TRUE);\
                 INSERT INTO scripts (id, question_id, owner_id, created_at) VALUES ({id}, {id}, 1, {now});\
                 INSERT INTO script_versions (script_id, n, text, edited, note, approved_by, approved_at) \
                 VALUES ({id}, 1, '亲，关于{question}：我们马上为您处理。', FALSE, '', 1, {now});"
            ));
            for other in &intent[1..] {
                sql.push_str(&format!(
                    "INSERT INTO script_alternates (script_id, text, added_by, created_at) \
                     VALUES ({id}, '{}', 1, {now});",
                    quote(&format!("{product}{other}"))
                ));
            }
        }
    }
    sql.push_str("COMMIT;");
    match conn {
        Conn::Sqlite(c) => c.batch_execute(&sql),
        Conn::Postgres(c) => c.batch_execute(&sql),
    }
    .expect("seed");
}

/// Customers' messages: a product and one way of asking, with a greeting,
/// a particle or an order number around it, as request paths.
fn queries() -> Vec<String> {
    let products = products();
    (0..2000)
        .map(|i: usize| {
            let product = &products[(i * 7919) % products.len()];
            let intent = INTENTS[(i * 31) % INTENTS.len()];
            let asked = intent[i % 6];
            let message = match i % 4 {
                0 => format!("亲，在吗？{product}{asked}呀"),
                1 => format!("{product}{asked} 订单号2026113012345678"),
                2 => format!("你好{asked}，我买的{product}"),
                _ => format!("{product}{asked}😊"),
            };
            let url = reqwest::Url::parse_with_params(
                "http://x/api/v1/scripts/match",
                &[("q", message.as_str()), ("top", "5")],
            )
            .expect("url");
            format!("{}?{}", url.path(), url.query().unwrap_or_default())
        })
        .collect()
}

fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("skipped: wrk is not installed (apt-get install wrk)");
        return;
    }
    let seconds: usize = std::env::var("HUASHU_LOAD_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("match.db").to_string_lossy().into_owned();
    let pool = huashu::cli::serve::open_db(&url).expect("database");
    let mut conn = pool.get().expect("connection");
    seed(&mut conn);
    let (_, token) = huashu::app::tokens::create(&mut conn, 1, "bench").expect("token");
    drop(conn);
    let base = support::start_server(pool);
    let paths = queries();
    let file = dir.path().join("queries.txt");
    std::fs::write(&file, format!("{token}\n{}", paths.join("\n"))).expect("queries file");
    // The first match builds the index; time it, and check the answer.
    let first = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let reply = runtime.block_on(async {
        reqwest::Client::new()
            .get(format!("{base}{}", paths[0]))
            .bearer_auth(&token)
            .send()
            .await
            .expect("first match")
            .text()
            .await
            .expect("body")
    });
    assert!(reply.contains("\"matches\":[{"), "{reply}");
    println!(
        "10,000 scripts, 50,000 alternates; the first match (index built) took {:.0} ms",
        first.elapsed().as_secs_f64() * 1e3
    );
    let file = file.to_string_lossy().into_owned();
    let dummy = dir.path().join("sessions.tsv");
    std::fs::write(&dummy, "-\t-\t0\t0").expect("sessions file");
    let dummy = dummy.to_string_lossy().into_owned();
    let ceiling = support::wrk(&base, "wrk.lua", &[&dummy, "health", "0"], 50, seconds);
    let four = support::wrk(&base, "match.lua", &[&file], 4, seconds);
    let fifty = support::wrk(&base, "match.lua", &[&file], 50, seconds);
    support::print("GET /healthz (ceiling), 50", &ceiling, ceiling.rate);
    support::print("GET match, 4 connections", &four, ceiling.rate);
    support::print("GET match, 50 connections", &fifty, ceiling.rate);
    println!("targets: p99 < 5 ms at 4 connections; ≥ 2,000 queries/s at 50");
}
