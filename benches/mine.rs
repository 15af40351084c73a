//! The whole mining pipeline on 1,000,000 synthetic customer messages: a CSV
//! export (with agent replies, greetings, emoji, pictures and personal data) is
//! written to a temporary file, then read, masked, filtered, paired and
//! clustered exactly as `huashu mine` does. Prints messages per second and the
//! process's peak memory, and, on a 20,000-message sample, how many of the pairs
//! an exhaustive all-pairs clustering puts together the LSH clustering also does.
//! The generator knows each message's intent (one of 20 topics, each with four
//! wordings, about any of 50 products: a shop answers "什么时候发货" alike for
//! every product), so it also prints intent precision (of the pairs of
//! clustered messages, the share asking the same) and near-duplicate recall
//! (of the pairs of noisy copies of one wording about one product, the share
//! in one cluster).
//!
//! Run: `cargo bench --bench mine`. HUASHU_MINE_MESSAGES (1000000) sets the size;
//! HUASHU_MINE_IMPORT=0 stops before the imports into a database.
#![allow(clippy::expect_used)] // a benchmark on inputs it made itself may stop loudly

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use huashu::domain::mining::chatlog::{self, Format, Mapping};
use huashu::domain::mining::cluster::{cluster_all, cluster_exhaustive, Params, Weights};
use huashu::domain::mining::mask::mask;
use huashu::domain::mining::matchkey::key;
use huashu::domain::mining::mine::Miner;
use huashu::domain::mining::noise;
use huashu::domain::mining::rules::Rules;
use huashu::domain::text::Token;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[path = "figure/mod.rs"]
mod figure;
use figure::figure;

const PRODUCTS: &[&str] = &[
    "这件衣服",
    "这条裤子",
    "这双鞋",
    "这个包",
    "手机壳",
    "充电宝",
    "耳机",
    "数据线",
    "保温杯",
    "床单",
    "四件套",
    "枕头",
    "台灯",
    "电饭煲",
    "空气炸锅",
    "吹风机",
    "面膜",
    "口红",
    "洗面奶",
    "防晒霜",
    "奶粉",
    "纸尿裤",
    "猫粮",
    "狗粮",
    "茶叶",
    "坚果",
    "大米",
    "咖啡",
    "牙刷",
    "剃须刀",
    "键盘",
    "鼠标",
    "显示器",
    "路由器",
    "行李箱",
    "雨伞",
    "帽子",
    "围巾",
    "手套",
    "袜子",
    "羽绒服",
    "毛衣",
    "T恤",
    "连衣裙",
    "运动鞋",
    "拖鞋",
    "书包",
    "钱包",
    "手表",
    "眼镜",
];

/// Intents, each a handful of ways customers ask it; `{p}` is the product.
const INTENTS: &[&[&str]] = &[
    &[
        "{p}什么时候发货",
        "{p}啥时候能发货",
        "{p}几天发货",
        "{p}多久发出",
    ],
    &[
        "{p}为什么还没发货",
        "{p}怎么还不发货",
        "{p}怎么还没寄出",
        "我买的{p}还没发货",
    ],
    &[
        "{p}快递到哪了",
        "{p}的物流到哪里了",
        "我的{p}到哪了",
        "查一下{p}的快递",
    ],
    &[
        "{p}怎么退货",
        "{p}可以退货吗",
        "{p}不想要了怎么退",
        "{p}退货流程是什么",
    ],
    &[
        "{p}退款多久到账",
        "{p}的钱什么时候退回来",
        "{p}退款怎么还没到",
        "{p}退钱要几天",
    ],
    &[
        "{p}有优惠吗",
        "{p}能便宜点吗",
        "{p}有没有折扣",
        "{p}还能再优惠吗",
    ],
    &[
        "{p}有优惠券吗",
        "{p}能用券吗",
        "{p}的红包怎么用",
        "{p}领券在哪",
    ],
    &[
        "{p}是正品吗",
        "{p}是不是正品",
        "{p}保证正品吗",
        "{p}会不会是假货",
    ],
    &["{p}质量怎么样", "{p}质量好吗", "{p}做工怎么样", "{p}耐用吗"],
    &[
        "{p}坏了怎么办",
        "收到的{p}是坏的",
        "{p}有破损",
        "{p}收到就坏了",
    ],
    &[
        "{p}发错了",
        "收到的{p}不对",
        "{p}颜色发错了",
        "{p}型号发错了",
    ],
    &["{p}还有货吗", "{p}有现货吗", "{p}什么时候补货", "{p}缺货吗"],
    &[
        "{p}能开发票吗",
        "{p}怎么开发票",
        "{p}发票怎么开",
        "买{p}可以开票吗",
    ],
    &[
        "{p}包邮吗",
        "{p}运费多少",
        "{p}要运费吗",
        "{p}偏远地区包邮吗",
    ],
    &[
        "{p}能改地址吗",
        "{p}地址写错了",
        "{p}怎么修改收货地址",
        "买的{p}想换个地址",
    ],
    &[
        "{p}能取消订单吗",
        "{p}不要了取消订单",
        "{p}怎么取消",
        "拍错了{p}能取消吗",
    ],
    &["{p}有保修吗", "{p}保修多久", "{p}坏了保修吗", "{p}质保几年"],
    &["{p}怎么用", "{p}使用方法", "{p}说明书在哪", "{p}怎么操作"],
    &[
        "{p}能换货吗",
        "{p}可以换一个吗",
        "{p}尺码不合适能换吗",
        "{p}换货怎么弄",
    ],
    &[
        "{p}有赠品吗",
        "买{p}送什么",
        "{p}有没有赠品",
        "{p}赠品什么时候发",
    ],
];

const PREFIXES: &[&str] = &[
    "",
    "",
    "",
    "亲，",
    "你好，",
    "请问",
    "在吗？",
    "客服，",
    "您好 ",
];
const SUFFIXES: &[&str] = &["", "", "", "？", "?", "呀", "啊", "呢", "？？", "，急"];
const NOISE: &[&str] = &[
    "在吗",
    "亲",
    "嗯嗯",
    "好的谢谢",
    "[图片]",
    "[表情]",
    "😂😂",
    "👍",
    "你好",
];
const REPLIES: &[&str] = &[
    "亲，您好，马上为您查询",
    "非常抱歉让您久等了，今天一定为您处理",
    "亲，可以的，您放心",
    "已为您登记，24小时内给您回复",
];

fn phone(rng: &mut StdRng) -> String {
    format!(
        "1{}{:09}",
        rng.gen_range(3..10),
        rng.gen_range(0..1_000_000_000u64)
    )
}

/// What a message was generated from: product, topic and wording, by index.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Origin {
    product: u8,
    topic: u8,
    wording: u8,
}

/// One customer message: a paraphrase of an intent with politeness, sometimes a
/// dropped character, personal data or plain noise (no origin).
fn message(rng: &mut StdRng) -> (String, Option<Origin>) {
    if rng.gen_bool(0.08) {
        return (NOISE[rng.gen_range(0..NOISE.len())].to_string(), None);
    }
    let origin = Origin {
        product: rng.gen_range(0..PRODUCTS.len()) as u8,
        topic: rng.gen_range(0..INTENTS.len()) as u8,
        wording: 0,
    };
    let intent = INTENTS[usize::from(origin.topic)];
    let origin = Origin {
        wording: rng.gen_range(0..intent.len()) as u8,
        ..origin
    };
    let product = PRODUCTS[usize::from(origin.product)];
    let mut text = intent[usize::from(origin.wording)].replace("{p}", product);
    if rng.gen_bool(0.1) {
        let chars: Vec<char> = text.chars().collect();
        let drop = rng.gen_range(0..chars.len());
        text = chars
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, c)| c)
            .collect();
    }
    let mut out = format!(
        "{}{}{}",
        PREFIXES[rng.gen_range(0..PREFIXES.len())],
        text,
        SUFFIXES[rng.gen_range(0..SUFFIXES.len())]
    );
    match rng.gen_range(0..20) {
        0 => out.push_str(&format!("，我电话{}", phone(rng))),
        1 => out.push_str(&format!(
            "，订单号{}",
            rng.gen_range(10u64.pow(17)..10u64.pow(18))
        )),
        _ => {}
    }
    (out, Some(origin))
}

/// Writes the export: conversations of one to three questions, about half of
/// them followed by an agent reply. Returns each file line's origin (None for
/// the header, replies and noise).
fn write_export(path: &std::path::Path, messages: usize, seed: u64) -> Vec<Option<Origin>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let file = std::fs::File::create(path).expect("create export");
    let mut out = std::io::BufWriter::new(file);
    writeln!(out, "conversation_id,time,sender,message").expect("write");
    // Line 1 is the header.
    let mut origins: Vec<Option<Origin>> = vec![None, None];
    let (mut written, mut conversation) = (0, 0u64);
    while written < messages {
        conversation += 1;
        let day = 1 + conversation % 28;
        for _ in 0..rng.gen_range(1..=3) {
            let (text, origin) = message(&mut rng);
            let text = text.replace('"', "\"\"");
            writeln!(
                out,
                "c{conversation},2026-10-{day:02} 10:00:00,buyer,\"{text}\""
            )
            .expect("write");
            written += 1;
            origins.push(origin);
            if rng.gen_bool(0.5) {
                let reply = REPLIES[rng.gen_range(0..REPLIES.len())];
                writeln!(
                    out,
                    "c{conversation},2026-10-{day:02} 10:01:00,seller,{reply}"
                )
                .expect("write");
                origins.push(None);
            }
        }
    }
    out.flush().expect("flush");
    origins
}

/// Parses every record of the CSV file at `path` and does nothing with it;
/// returns the bytes of its fields, so the work cannot be skipped.
fn bare_csv_read(path: &std::path::Path) -> usize {
    let file = std::fs::File::open(path).expect("open export");
    let mut reader = csv::Reader::from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let mut record = csv::ByteRecord::new();
    let mut bytes = 0;
    while reader.read_byte_record(&mut record).expect("readable") {
        bytes += record.as_slice().len();
    }
    bytes
}

/// Pairs of items among `n`.
fn pairs(n: u64) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

/// Intent precision (of the pairs of clustered messages, the share with the
/// same intent) at two grains — product and topic, and topic alone — and
/// near-duplicate recall (of the pairs of noisy copies of one wording about one
/// product, the share in one cluster).
fn intent_figures(clusters: &[Vec<u64>], origins: &[Option<Origin>]) -> (f64, f64, f64) {
    let (mut together, mut same_intent, mut same_topic) = (0.0, 0.0, 0.0);
    let mut copies: HashMap<Origin, HashMap<usize, u64>> = HashMap::new();
    for (c, lines) in clusters.iter().enumerate() {
        let known: Vec<Origin> = lines
            .iter()
            .filter_map(|l| origins.get(*l as usize).copied().flatten())
            .collect();
        together += pairs(known.len() as u64);
        let mut intents: HashMap<(u8, u8), u64> = HashMap::new();
        let mut topics: HashMap<u8, u64> = HashMap::new();
        for o in &known {
            *intents.entry((o.product, o.topic)).or_default() += 1;
            *topics.entry(o.topic).or_default() += 1;
            *copies.entry(*o).or_default().entry(c).or_default() += 1;
        }
        same_intent += intents.values().map(|n| pairs(*n)).sum::<f64>();
        same_topic += topics.values().map(|n| pairs(*n)).sum::<f64>();
    }
    let mut all_copies: HashMap<Origin, u64> = HashMap::new();
    for o in origins.iter().flatten() {
        *all_copies.entry(*o).or_default() += 1;
    }
    let copy_pairs: f64 = all_copies.values().map(|n| pairs(*n)).sum();
    let kept_pairs: f64 = copies
        .values()
        .flat_map(|by| by.values())
        .map(|n| pairs(*n))
        .sum();
    (
        same_intent / together,
        same_topic / together,
        kept_pairs / copy_pairs,
    )
}

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Of the key pairs the exhaustive clustering puts together, the share the LSH
/// clustering also puts together.
fn pair_recall(lsh: &[u32], exhaustive: &[u32]) -> (f64, u64) {
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, root) in exhaustive.iter().enumerate() {
        groups.entry(*root).or_default().push(i);
    }
    let (mut pairs, mut found) = (0u64, 0u64);
    for members in groups.values() {
        for (x, a) in members.iter().enumerate() {
            for b in &members[x + 1..] {
                pairs += 1;
                found += u64::from(lsh[*a] == lsh[*b]);
            }
        }
    }
    (
        if pairs == 0 {
            1.0
        } else {
            found as f64 / pairs as f64
        },
        pairs,
    )
}

fn recall_on_sample(sample: usize) {
    let mut rng = StdRng::seed_from_u64(7);
    let rules = Rules::default();
    let mut by_key: HashMap<Vec<Token>, u32> = HashMap::new();
    let mut keys: Vec<Vec<Token>> = Vec::new();
    for _ in 0..sample {
        let masked = mask(&message(&mut rng).0);
        if noise::classify(&masked).is_some() {
            continue;
        }
        let k = key(&masked, &rules.synonyms);
        by_key.entry(k.clone()).or_insert_with(|| {
            keys.push(k);
            keys.len() as u32 - 1
        });
    }
    let weights = Weights::from_keys(keys.iter().map(Vec::as_slice));
    let params = Params::default();
    let started = Instant::now();
    let lsh = cluster_all(&keys, &weights, params);
    let lsh_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let exhaustive = cluster_exhaustive(&keys, &weights, params);
    let all_s = started.elapsed().as_secs_f64();
    let (recall, pairs) = pair_recall(&lsh, &exhaustive);
    figure("LSH recall", recall, ">=", 0.94);
    println!(
        "{sample} messages, {} distinct questions: LSH {lsh_s:.2} s, all pairs {all_s:.2} s; \
         LSH keeps {:.3} of the {pairs} pairs all-pairs clustering joins (target >= 0.90)",
        keys.len(),
        recall
    );
}

fn main() {
    let messages: usize = std::env::var("HUASHU_MINE_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("export.csv");
    let started = Instant::now();
    let origins = write_export(&path, messages, 20261123);
    let rows = origins.len() - 1;
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "wrote {messages} customer messages ({rows} rows, {:.0} MB) in {:.1} s; peak memory so far {:.0} MiB",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        peak_mib()
    );

    // The machine's speed today, in the same process: the bare CSV parse of
    // the same file, which every way of mining it must do.
    let started = Instant::now();
    let bare = bare_csv_read(&path);
    let bare_s = started.elapsed().as_secs_f64();
    println!("bare CSV read of the export: {bare_s:.2} s ({bare} bytes of fields)");

    let started = Instant::now();
    let file = std::fs::File::open(&path).expect("open export");
    let reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut miner = Miner::new(Rules::default(), Params::default());
    for row in chatlog::read(reader, Format::Csv, &Mapping::default()).expect("readable") {
        miner.push(row);
    }
    let read_s = started.elapsed().as_secs_f64();
    let (clusters, summary) = miner.finish();
    let total_s = started.elapsed().as_secs_f64();
    println!(
        "mine: {total_s:.1} s in all ({read_s:.1} s reading, masking and keying; {:.1} s clustering) \
         = {:.0} messages/s (target: 1M in < 30 s); peak memory {:.0} MiB (target < 2048)",
        total_s - read_s,
        messages as f64 / total_s,
        peak_mib()
    );
    println!(
        "  mine / bare CSV read = {:.1}x the time (the lower the better)",
        total_s / bare_s
    );
    figure(
        "mine seconds per 1 M messages",
        total_s * 1e6 / messages as f64,
        "<=",
        10.0,
    );
    figure(
        "mine / bare CSV read (time)",
        total_s / bare_s,
        "<=",
        f64::INFINITY,
    );
    figure("mine peak MiB", peak_mib(), "<=", 2048.0);
    println!(
        "  {} questions, {} set aside, {} distinct, {} clusters; largest: {} × \"{}\"",
        summary.questions,
        summary.noise.values().map(|r| r.count).sum::<u64>(),
        summary.distinct_questions,
        summary.clusters,
        clusters.first().map_or(0, |c| c.size),
        clusters.first().map_or("", |c| c.representative.as_str())
    );
    let members: Vec<Vec<u64>> = clusters.iter().map(|c| c.members.clone()).collect();
    let (intent, topic, copies) = intent_figures(&members, &origins);
    println!(
        "  intent precision {topic:.3} (target >= 0.95; {intent:.3} if one topic about two products \
         were two intents); near-duplicate recall {copies:.3} (target >= 0.9)"
    );
    figure("intent precision", topic, ">=", 0.95);
    figure("near-duplicate recall", copies, ">=", 0.9);
    drop(origins);
    // 20,000 at the full size; smaller runs (under valgrind) keep it in proportion.
    recall_on_sample((messages / 50).min(20_000));
    drop(clusters);
    if std::env::var("HUASHU_MINE_IMPORT").is_ok_and(|v| v == "0") {
        return;
    }

    // The same export into the database, then a second, smaller one merged into it.
    let more = dir.path().join("next-week.csv");
    write_export(&more, messages / 5, 20261130);
    import_into(
        "SQLite",
        &dir.path().join("mined.db").to_string_lossy(),
        &path,
        &more,
    );
    match std::env::var("HUASHU_TEST_POSTGRES") {
        Ok(admin) => {
            let url = huashu::db::scratch::postgres_database(&admin).expect("scratch database");
            import_into("PostgreSQL", &url, &path, &more);
        }
        Err(_) => println!("PostgreSQL import skipped: run under .ci/with-postgres to include it"),
    }
}

/// `huashu import` of a first export, then of a second one that merges into the
/// clusters the first made.
fn import_into(label: &str, url: &str, first: &std::path::Path, second: &std::path::Path) {
    use huashu::app::imports::{self, Source};
    use huashu::db::imports::Begun;
    let pool = huashu::cli::serve::open_db(url).expect("database");
    for (name, path) in [("first", first), ("second", second)] {
        let started = Instant::now();
        let source = Source {
            path,
            file_name: name,
            format: Format::Csv,
            mapping: &Mapping::default(),
        };
        let Begun::Started(lease) = imports::begin(&pool, &source, None).expect("begin") else {
            panic!("a new file counts as seen");
        };
        let done = imports::run(&pool, lease, &source, &Rules::default(), |_| {}).expect("import");
        let (summary, applied) = (&done.summary, &done.applied);
        println!(
            "{label} import, {name} file: {:.1} s for {} questions ({} distinct): {} new wordings, \
             {} new clusters, {} clusters grew; {} conversations, {} promises; peak memory {:.0} MiB",
            started.elapsed().as_secs_f64(),
            summary.questions,
            summary.distinct_questions,
            applied.new_questions,
            applied.new_clusters,
            applied.grown_clusters,
            done.service.stored.conversations,
            done.service.stored.promises,
            peak_mib()
        );
    }
}
