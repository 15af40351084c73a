//! A month of a mid-size shop's customer chats, generated from a seed for the
//! demo: tens of thousands of messages in which a few questions are asked
//! hundreds of times and most only now and then, several agents with their own
//! habits, greetings and pictures between the questions, and order numbers,
//! phones and addresses for the import to mask. Every line is written for
//! Huashu; none is copied from a real shop.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One thing customers ask: its wordings and the replies agents give (the
/// careful ones first).
struct Topic {
    asks: &'static [&'static str],
    replies: &'static [&'static str],
    /// Asked more towards the end of the month (a trend to spot).
    rising: bool,
}

/// Most asked first: a topic's weight falls with its place, as in real shops.
const TOPICS: &[Topic] = &[
    Topic {
        asks: &["什么时候发货", "几天能发货啊", "今天下单今天能发吗", "多久发货", "下单后多久能寄出"],
        replies: &[
            "亲，下单后48小时内发货，今天16点前付款的订单当天就能发出，发出后会短信通知您～",
            "您好，一般两天内发出哦，发货后物流信息会同步到订单里。",
            "48小时内发",
        ],
        rising: false,
    },
    Topic {
        asks: &["我的快递怎么还没到", "物流好几天没动了", "快递到哪了", "怎么还没收到货", "物流一直不更新"],
        replies: &[
            "非常抱歉让您久等了！我马上联系快递公司核实，今天下午五点前给您回复处理结果，您看可以吗？",
            "亲，我帮您催一下快递，有消息第一时间告诉您。",
            "快递的问题你问快递吧",
        ],
        rising: true,
    },
    Topic {
        asks: &["退款什么时候到账", "退款多久能到", "钱怎么还没退回来", "退款几天到账啊"],
        replies: &[
            "亲，退款已经处理了，原路退回一般1-3个工作日到账，超过3天没收到您再找我，我帮您跟进。",
            "退款已经退了，等银行处理就好。",
        ],
        rising: false,
    },
    Topic {
        asks: &["能便宜点吗", "还能再优惠吗", "有没有优惠券", "最低多少钱"],
        replies: &[
            "亲，理解您想买得更划算！现在已经是活动价了，我帮您领一张店铺满减券，下单能再省10元，您看可以吗？",
            "价格是统一的哦，可以关注店铺领券。",
        ],
        rising: false,
    },
    Topic {
        asks: &["是正品吗", "保证正品吗", "会不会是假货", "是不是官方正品"],
        replies: &[
            "亲，本店是品牌授权店，每件商品都有防伪码，支持专柜验货，请您放心购买～",
            "正品的亲。",
        ],
        rising: false,
    },
    Topic {
        asks: &["怎么退货", "不想要了能退吗", "退货流程是什么", "七天无理由怎么退"],
        replies: &[
            "亲，支持7天无理由退货：在订单里点“申请退货”，填好快递单号寄回就行，我们收到后24小时内给您退款。",
            "订单里申请退货就可以了。",
        ],
        rising: false,
    },
    Topic {
        asks: &["这个尺码怎么选", "我160斤穿什么码", "偏大还是偏小", "M码适合多高的人"],
        replies: &[
            "亲，这款版型偏大一码，您把身高体重发我，我帮您推荐最合适的尺码～",
            "看详情页的尺码表哦。",
        ],
        rising: false,
    },
    Topic {
        asks: &["收到的东西坏了", "商品有破损", "东西是坏的怎么办", "收到货发现有划痕"],
        replies: &[
            "真的很抱歉给您带来不好的体验！麻烦拍一下破损的照片发我，确认后马上给您补发或退款，您选哪种都可以。",
            "拍照看看。",
        ],
        rising: false,
    },
    Topic {
        asks: &["能开发票吗", "发票怎么开", "可以开专票吗"],
        replies: &[
            "亲，可以开电子发票的，在订单详情点“申请开票”，填好抬头和税号，三个工作日内发到您邮箱。",
            "可以开。",
        ],
        rising: false,
    },
    Topic {
        asks: &["双十二有活动吗", "双十二什么时候开始", "双十二能便宜多少"],
        replies: &[
            "亲，双十二12月10日晚8点开始预热，全店满300减40，现在加购到时候直接下单就行～",
            "到时候看活动页。",
        ],
        rising: true,
    },
    Topic {
        asks: &["可以改地址吗", "地址填错了能改吗", "帮我改一下收货地址"],
        replies: &[
            "亲，还没发货可以改的，您把新地址发我，我马上帮您改好并截图给您确认。",
            "发货前可以改。",
        ],
        rising: false,
    },
    Topic {
        asks: &["有现货吗", "这个颜色还有货吗", "什么时候补货", "断货了吗"],
        replies: &[
            "亲，这个颜色目前有现货，今天下单48小时内发出；如果您要的尺码缺货，我帮您登记，到货第一时间通知您。",
            "有货的。",
        ],
        rising: false,
    },
    Topic {
        asks: &["发什么快递", "能发顺丰吗", "默认什么快递"],
        replies: &[
            "亲，默认发中通，偏远地区发邮政；需要顺丰的话补10元差价就可以，我帮您备注。",
            "中通。",
        ],
        rising: false,
    },
    Topic {
        asks: &["这个是什么材质", "面料是纯棉的吗", "会起球吗"],
        replies: &[
            "亲，这款是95%棉加5%氨纶，柔软有弹性，按洗涤说明手洗或轻柔机洗不容易起球哦～",
            "纯棉的。",
        ],
        rising: false,
    },
    Topic {
        asks: &["怎么还没退款", "退货寄回去了怎么还不退款", "仓库收到了吗"],
        replies: &[
            "让您久等了，非常抱歉！我这就去仓库核实签收情况，今天18点前给您答复，确认签收后马上退款。",
            "仓库还没签收，再等等。",
        ],
        rising: false,
    },
    Topic {
        asks: &["赠品怎么没有", "说好的赠品呢", "少发了东西"],
        replies: &[
            "真抱歉是我们的疏忽！我马上给您补寄赠品，明天中午前发出，单号发您留意一下。",
            "赠品送完了。",
        ],
        rising: false,
    },
    Topic {
        asks: &["怎么洗", "能机洗吗", "可以烘干吗"],
        replies: &["亲，建议30度以下轻柔机洗，不要烘干，平铺晾干可以保持版型～", "可以机洗。"],
        rising: false,
    },
    Topic {
        asks: &["能定制吗", "可以刻字吗", "能印logo吗"],
        replies: &[
            "亲，支持刻字定制，下单时备注内容就行，定制款需要多3天制作，做好后拍照给您确认再发。",
            "可以备注。",
        ],
        rising: false,
    },
    Topic {
        asks: &["运费谁出", "退货运费多少", "包邮吗"],
        replies: &[
            "亲，全店包邮；质量问题退货运费我们承担，无理由退货有运费险的话也不用您出钱。",
            "包邮。",
        ],
        rising: false,
    },
    Topic {
        asks: &["会员有什么优惠", "怎么成为会员", "积分怎么用"],
        replies: &["亲，关注店铺并下单一次就是会员啦，会员每单9.5折，积分下单时可以抵现～", "关注店铺就行。"],
        rising: false,
    },
];

/// Opening lines that are no question at all.
const GREETINGS: &[&str] = &["在吗", "你好", "在不在", "亲", "[图片]", "客服在吗？"];
const CLOSINGS: &[&str] = &["好的谢谢", "嗯嗯", "好的", "谢谢亲", "👍"];
const PREFIXES: &[&str] = &["", "", "", "亲，", "你好，", "请问", "问一下，", "麻烦问下"];
const SUFFIXES: &[&str] = &["", "？", "？", "啊", "呢", "？？", "呀"];
/// The demo team's trainees answer the chats too, so each finds their own
/// promises; 小美 is an agent without an account.
const AGENTS: &[&str] = &["张伟", "王芳", "刘洋", "陈静", "小美"];
/// How carefully each agent answers: the chance they give a topic's first,
/// careful reply (else one of the others).
const CARE: &[f64] = &[0.85, 0.6, 0.7, 0.4, 0.75];
const CITIES: &[&str] = &[
    "杭州市西湖区文三路",
    "上海市浦东新区张杨路",
    "成都市武侯区科华北路",
    "广州市天河区体育西路",
];

/// The chats of `days` days up to `end`, as the CSV a shop's chat tool
/// exports: conversation, time, speaker, agent, customer, rating, message.
pub fn generate(seed: u64, end: NaiveDate, days: i64, conversations: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let start = end - Duration::days(days - 1);
    let mut out = String::from("会话ID,时间,发送方,客服,买家昵称,满意度,内容\n");
    let mut lines: Vec<(NaiveDateTime, String)> = Vec::with_capacity(conversations * 5);
    for n in 0..conversations {
        let day = start + Duration::days(rng.gen_range(0..days));
        let minute = rng.gen_range(8 * 60..23 * 60);
        let at = day.and_time(NaiveTime::MIN) + Duration::minutes(minute);
        let progress = (day - start).num_days() as f64 / days.max(1) as f64;
        conversation(&mut rng, n, at, progress, &mut lines);
    }
    // Customers who come back after the export's last day are in the next one.
    lines.retain(|l| l.0.date() <= end);
    lines.sort_by_key(|l| l.0);
    for (_, line) in lines {
        out.push_str(&line);
    }
    out
}

/// One customer's chat: maybe a greeting, one or two questions each
/// answered by the conversation's agent, maybe a thank-you and a rating. A
/// brush-off reply often brings the customer back within days with the same
/// question (a new conversation), and earns a lower rating.
fn conversation(
    rng: &mut StdRng,
    n: usize,
    mut at: NaiveDateTime,
    progress: f64,
    out: &mut Vec<(NaiveDateTime, String)>,
) {
    let agent = rng.gen_range(0..AGENTS.len());
    let customer = format!("tb_{:05}", rng.gen_range(0..CUSTOMERS));
    let mut chat = Chat {
        id: format!("c{n:05}"),
        agent: AGENTS[agent],
        customer: &customer,
        lines: Vec::new(),
        rating: None,
    };
    if rng.gen_bool(0.3) {
        chat.say(at, true, GREETINGS[rng.gen_range(0..GREETINGS.len())]);
        at += Duration::seconds(rng.gen_range(5..40));
    }
    let asked = if rng.gen_bool(0.25) { 2 } else { 1 };
    let mut brushed_off = None;
    for _ in 0..asked {
        let topic = &TOPICS[pick_topic(rng, progress)];
        let wording = question(rng, topic);
        chat.say(at, true, &wording);
        at += Duration::seconds((rng.gen_range(10.0..300.0) * SPEED[agent]) as i64);
        let careful = rng.gen_bool(CARE[agent]);
        let reply = if careful || topic.replies.len() == 1 {
            topic.replies[0]
        } else {
            brushed_off.get_or_insert(wording);
            topic.replies[rng.gen_range(1..topic.replies.len())]
        };
        chat.say(at, false, reply);
        at += Duration::seconds(rng.gen_range(20..600));
    }
    if rng.gen_bool(0.4) {
        chat.say(at, true, CLOSINGS[rng.gen_range(0..CLOSINGS.len())]);
    }
    if rng.gen_bool(0.5) {
        chat.rating = Some(if brushed_off.is_some() {
            rng.gen_range(1..=4)
        } else {
            rng.gen_range(4..=5)
        });
    }
    out.append(&mut chat.written());
    // The same customer, back about the same thing.
    if let Some(wording) = brushed_off.filter(|_| rng.gen_bool(0.35)) {
        let mut back = at + Duration::hours(rng.gen_range(2..60));
        // Shops answer from 8 in the morning to 11 at night.
        if !(8..23).contains(&back.hour()) {
            back = (back + Duration::hours(10)).date().and_time(NaiveTime::MIN)
                + Duration::minutes(rng.gen_range(8 * 60..11 * 60));
        }
        let mut again = Chat {
            id: format!("c{n:05}b"),
            agent: AGENTS[rng.gen_range(0..AGENTS.len())],
            customer: &customer,
            lines: Vec::new(),
            rating: None,
        };
        again.say(back, true, &format!("还是那个问题，{wording}"));
        again.say(
            back + Duration::seconds(rng.gen_range(10..200)),
            false,
            "亲，我马上帮您跟进，今天下班前给您答复。",
        );
        out.append(&mut again.written());
    }
}

/// Customers who write in; fewer than conversations, so some come back.
const CUSTOMERS: usize = 6_000;
/// How slowly each agent answers, against the team's usual pace.
const SPEED: &[f64] = &[0.8, 1.6, 1.0, 2.2, 1.2];

/// One conversation's lines, as the export writes them.
struct Chat<'a> {
    id: String,
    agent: &'a str,
    customer: &'a str,
    /// When, whether the buyer said it, what.
    lines: Vec<(NaiveDateTime, bool, String)>,
    /// The customer's rating, sent after the last line.
    rating: Option<u8>,
}

impl Chat<'_> {
    fn say(&mut self, at: NaiveDateTime, buyer: bool, text: &str) {
        self.lines.push((at, buyer, text.replace('"', "\"\"")));
    }

    fn written(self) -> Vec<(NaiveDateTime, String)> {
        let id = &self.id;
        let mut out: Vec<(NaiveDateTime, String)> = self
            .lines
            .iter()
            .map(|(at, buyer, text)| {
                let (who, agent, customer) = if *buyer {
                    ("买家", "", self.customer)
                } else {
                    ("客服", self.agent, "")
                };
                let time = at.format("%Y-%m-%d %H:%M:%S");
                (
                    *at,
                    format!("{id},{time},{who},{agent},{customer},,\"{text}\"\n"),
                )
            })
            .collect();
        if let (Some(rating), Some(last)) = (self.rating, self.lines.iter().map(|l| l.0).max()) {
            let at = last + Duration::seconds(5);
            let time = at.format("%Y-%m-%d %H:%M:%S");
            let customer = self.customer;
            out.push((
                at,
                format!("{id},{time},系统,,{customer},{rating},[评价]\n"),
            ));
        }
        out
    }
}

/// A topic drawn with weight 1/(place+1): the first few dominate. Rising
/// topics weigh up to three times more by the end of the month.
fn pick_topic(rng: &mut StdRng, progress: f64) -> usize {
    let weight = |i: usize| {
        let base = 1.0 / (i as f64 + 1.0).powf(1.1);
        if TOPICS[i].rising {
            base * (1.0 + 2.0 * progress)
        } else {
            base
        }
    };
    let total: f64 = (0..TOPICS.len()).map(weight).sum();
    let mut left = rng.gen_range(0.0..total);
    for i in 0..TOPICS.len() {
        left -= weight(i);
        if left <= 0.0 {
            return i;
        }
    }
    TOPICS.len() - 1
}

/// A customer's wording of `topic`, sometimes with their order number,
/// phone or address in it.
fn question(rng: &mut StdRng, topic: &Topic) -> String {
    let ask = topic.asks[rng.gen_range(0..topic.asks.len())];
    let prefix = PREFIXES[rng.gen_range(0..PREFIXES.len())];
    // A question already ending in a particle takes only punctuation.
    let suffixes = if ask.ends_with(['吗', '呢', '啊']) {
        &SUFFIXES[..3]
    } else {
        SUFFIXES
    };
    let suffix = suffixes[rng.gen_range(0..suffixes.len())];
    let data = match rng.gen_range(0..20) {
        0 | 1 => format!(
            "订单号{}，",
            rng.gen_range(3_000_000_000_000_000_000u64..3_100_000_000_000_000_000)
        ),
        2 => format!(
            "我电话1{}{:09}，",
            rng.gen_range(3..10),
            rng.gen_range(0..1_000_000_000u64)
        ),
        3 => format!(
            "地址是{}{}号{}栋{}室，",
            CITIES[rng.gen_range(0..CITIES.len())],
            rng.gen_range(1..400),
            rng.gen_range(1..20),
            rng.gen_range(101..1800)
        ),
        _ => String::new(),
    };
    format!("{data}{prefix}{ask}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn month() -> String {
        let end = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        generate(7, end, 30, 9_000)
    }

    #[test]
    fn the_same_seed_gives_the_same_month() {
        let end = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        assert_eq!(generate(3, end, 30, 200), generate(3, end, 30, 200));
        assert_ne!(generate(3, end, 30, 200), generate(4, end, 30, 200));
    }

    #[test]
    fn a_month_has_tens_of_thousands_of_messages_a_few_questions_asked_hundreds_of_times() {
        let chats = month();
        let lines: Vec<&str> = chats.lines().skip(1).collect();
        assert!(lines.len() > 20_000, "{} messages", lines.len());
        let mut asked: HashMap<&str, usize> = HashMap::new();
        for topic in TOPICS {
            let n = lines
                .iter()
                .filter(|l| l.contains(",买家,") && topic.asks.iter().any(|a| l.contains(a)))
                .count();
            asked.insert(topic.asks[0], n);
        }
        let mut counts: Vec<usize> = asked.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        assert!(
            counts[2] >= 500,
            "the top questions are asked hundreds of times: {counts:?}"
        );
        assert!(
            counts[counts.len() - 1] < 300,
            "and the rare ones seldom: {counts:?}"
        );
        let agents: std::collections::HashSet<&str> = lines
            .iter()
            .filter(|l| l.contains(",客服,"))
            .filter_map(|l| l.split(',').nth(3))
            .collect();
        assert_eq!(agents.len(), AGENTS.len());
        assert!(lines.iter().any(|l| l.contains("订单号30")));
        assert!(lines.iter().any(|l| l.contains("室，")));
    }

    #[test]
    fn every_line_is_a_well_formed_row_within_the_month() {
        let end = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        let chats = generate(9, end, 30, 500);
        let mut reader = csv::Reader::from_reader(chats.as_bytes());
        let mut last = String::new();
        for row in reader.records() {
            let row = row.expect("a CSV row");
            assert_eq!(row.len(), 7);
            let time = row.get(1).expect("a time").to_string();
            assert!(time.as_str() >= "2026-11-01" && time.as_str() < "2026-12-01");
            assert!(time[11..13] >= *"08", "within opening hours: {time}");
            assert!(time >= last, "in time order");
            last = time;
        }
    }
}
