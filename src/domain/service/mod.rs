//! Service figures from timestamped chats, and the promises agents made in
//! them. Pure: messages in, figures out.
//!
//! The method (written on the page that shows them):
//! - a customer **waits** from their first message not yet answered until the
//!   next agent message; automatic (system) replies do not end a wait;
//! - **first response time**: a conversation's first wait;
//! - **average response time (ART)**: the mean of all its waits;
//! - **handling time (AHT)**: from its first message to its last, automatic
//!   messages left out;
//! - **first-contact resolution (FCR)**, an estimate: a conversation counts as
//!   resolved unless the same customer starts another one within 3 days
//!   about the same question group;
//! - a **promise** is an agent message that commits to a time (the rubric's
//!   time promise: "明天上午给您回复", not "七天无理由").

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::mining::chatlog::Speaker;
use super::{rubric, text};

pub mod due;
pub mod intake;
pub mod ratings;

/// One message as the figures need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub conversation: String,
    pub at: NaiveDateTime,
    pub speaker: Speaker,
    /// Who answered, when the export names agents.
    pub agent: Option<String>,
    /// Who asked, when the export names customers.
    pub customer: Option<String>,
    pub text: String,
}

/// One conversation's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    /// The agent who answered first (None if nobody answered or none is named).
    pub agent: Option<String>,
    pub customer: Option<String>,
    pub started: NaiveDateTime,
    pub ended: NaiveDateTime,
    /// Each wait, in seconds, in order.
    pub waits: Vec<i64>,
    /// The customer's first message, for grouping by question.
    pub opening: Option<String>,
    /// The customer's ratings, when the export carries them.
    pub csat: Option<u8>,
    pub nps: Option<u8>,
}

impl Conversation {
    pub fn first_response(&self) -> Option<i64> {
        self.waits.first().copied()
    }

    pub fn average_response(&self) -> Option<f64> {
        (!self.waits.is_empty())
            .then(|| self.waits.iter().sum::<i64>() as f64 / self.waits.len() as f64)
    }

    pub fn handling(&self) -> i64 {
        (self.ended - self.started).num_seconds()
    }
}

#[derive(Default)]
struct Open {
    conversation: Option<Conversation>,
    waiting_since: Option<NaiveDateTime>,
    /// Whether a customer or an agent has written yet.
    people_spoke: bool,
}

/// Reads messages in any order of conversations (each conversation's own
/// messages in time order) and gives each conversation's figures.
#[derive(Default)]
pub struct Figures {
    open: HashMap<String, Open>,
}

impl Figures {
    pub fn push(&mut self, m: &Message) {
        let open = self.open.entry(m.conversation.clone()).or_default();
        let c = open.conversation.get_or_insert_with(|| Conversation {
            id: m.conversation.clone(),
            agent: None,
            customer: None,
            started: m.at,
            ended: m.at,
            waits: Vec::new(),
            opening: None,
            csat: None,
            nps: None,
        });
        // Automatic messages (a welcome, a rating request) are no part of
        // the handling: only people's messages move its start and end.
        if m.speaker != Speaker::System {
            if open.people_spoke {
                c.started = c.started.min(m.at);
                c.ended = c.ended.max(m.at);
            } else {
                (c.started, c.ended, open.people_spoke) = (m.at, m.at, true);
            }
        }
        match m.speaker {
            Speaker::Customer => {
                if c.customer.is_none() {
                    c.customer = m.customer.clone();
                }
                if c.opening.is_none() {
                    c.opening = Some(m.text.clone());
                }
                open.waiting_since.get_or_insert(m.at);
            }
            Speaker::Agent => {
                if c.agent.is_none() {
                    c.agent = m.agent.clone();
                }
                if let Some(since) = open.waiting_since.take() {
                    c.waits.push((m.at - since).num_seconds().max(0));
                }
            }
            Speaker::System => {}
        }
    }

    /// Every conversation, in order of their start.
    pub fn finish(self) -> Vec<Conversation> {
        let mut out: Vec<Conversation> = self
            .open
            .into_values()
            .filter_map(|o| o.conversation)
            .collect();
        out.sort_by(|a, b| a.started.cmp(&b.started).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

/// How soon a repeat counts against first-contact resolution.
pub const REPEAT_WITHIN_DAYS: i64 = 3;

/// For each conversation (in the order given), whether it was resolved at
/// first contact: no later conversation of the same customer, started within
/// `REPEAT_WITHIN_DAYS` of it, asks about the same group. `group` names a
/// conversation's question group (None: unknown, counted as resolved);
/// conversations without a named customer count as resolved.
pub fn resolved_first_time(
    conversations: &[Conversation],
    group: &dyn Fn(&Conversation) -> Option<String>,
) -> Vec<bool> {
    let keyed: Vec<(Option<(String, String)>, NaiveDateTime)> = conversations
        .iter()
        .map(|c| {
            let key = c.customer.clone().zip(group(c));
            (key, c.started)
        })
        .collect();
    repeated(&keyed).into_iter().map(|r| !r).collect()
}

/// For each (customer and group, start), whether the same key starts again
/// within `REPEAT_WITHIN_DAYS` after it: the conversations that first-contact
/// resolution counts against. Unkeyed ones never repeat.
pub fn repeated<K: std::hash::Hash + Eq>(items: &[(Option<K>, NaiveDateTime)]) -> Vec<bool> {
    let mut by_key: HashMap<&K, Vec<NaiveDateTime>> = HashMap::new();
    for (key, started) in items {
        if let Some(key) = key {
            by_key.entry(key).or_default().push(*started);
        }
    }
    let window = Duration::days(REPEAT_WITHIN_DAYS);
    items
        .iter()
        .map(|(key, started)| {
            key.as_ref()
                .and_then(|k| by_key.get(k))
                .is_some_and(|starts| {
                    starts
                        .iter()
                        .any(|s| *s > *started && *s - *started <= window)
                })
        })
        .collect()
}

/// Sums over conversations from which every figure is an average: kept
/// as sums so a week, an agent or the whole team is added up the same way,
/// here or in the database.
#[derive(Debug, Default, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Tally {
    pub conversations: i64,
    /// Conversations an agent answered, and their first waits summed.
    pub answered: i64,
    pub first_response_s: i64,
    pub waits: i64,
    pub waited_s: i64,
    pub handling_s: i64,
    /// Conversations the same customer came back about within 3 days.
    pub repeated: i64,
    pub csat: i64,
    /// CSAT ratings of 4 or 5.
    pub satisfied: i64,
    pub nps: i64,
    pub promoters: i64,
    pub detractors: i64,
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl Tally {
    pub fn add(&mut self, c: &Conversation, repeated: bool) {
        self.merge(&Tally {
            conversations: 1,
            answered: i64::from(c.first_response().is_some()),
            first_response_s: c.first_response().unwrap_or(0),
            waits: c.waits.len() as i64,
            waited_s: c.waits.iter().sum(),
            handling_s: c.handling(),
            repeated: i64::from(repeated),
            csat: i64::from(c.csat.is_some()),
            satisfied: i64::from(c.csat.is_some_and(|r| r >= 4)),
            nps: i64::from(c.nps.is_some()),
            promoters: i64::from(c.nps.is_some_and(|r| r >= 9)),
            detractors: i64::from(c.nps.is_some_and(|r| r <= 6)),
        });
    }

    pub fn merge(&mut self, o: &Tally) {
        self.conversations += o.conversations;
        self.answered += o.answered;
        self.first_response_s += o.first_response_s;
        self.waits += o.waits;
        self.waited_s += o.waited_s;
        self.handling_s += o.handling_s;
        self.repeated += o.repeated;
        self.csat += o.csat;
        self.satisfied += o.satisfied;
        self.nps += o.nps;
        self.promoters += o.promoters;
        self.detractors += o.detractors;
    }

    /// Mean first response, in seconds, over the conversations answered.
    pub fn first_response(&self) -> Option<f64> {
        share(self.first_response_s, self.answered)
    }

    /// Mean of every wait (ART), in seconds.
    pub fn average_response(&self) -> Option<f64> {
        share(self.waited_s, self.waits)
    }

    /// Mean handling time (AHT), in seconds.
    pub fn handling(&self) -> Option<f64> {
        share(self.handling_s, self.conversations)
    }

    /// Share resolved at first contact.
    pub fn resolved(&self) -> Option<f64> {
        share(self.conversations - self.repeated, self.conversations)
    }

    /// Share of CSAT ratings that are 4 or 5.
    pub fn csat_share(&self) -> Option<f64> {
        share(self.satisfied, self.csat)
    }

    /// Net promoter score, −100 to 100.
    pub fn net_promoter(&self) -> Option<f64> {
        share(self.promoters - self.detractors, self.nps).map(|s| s * 100.0)
    }
}

/// Figures per agent and week (of each conversation's start, by its
/// Monday); conversations nobody named answered are left out.
pub fn by_agent_week(
    conversations: &[Conversation],
    resolved: &[bool],
) -> BTreeMap<(String, NaiveDate), Tally> {
    let mut weeks: BTreeMap<(String, NaiveDate), Tally> = BTreeMap::new();
    for (c, r) in conversations.iter().zip(resolved) {
        if let Some(agent) = &c.agent {
            let monday = super::mining::mine::monday_of(c.started.date());
            weeks
                .entry((agent.clone(), monday))
                .or_default()
                .add(c, !*r);
        }
    }
    weeks
}

/// A promise an agent made in a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Promise {
    pub conversation: String,
    pub agent: Option<String>,
    pub at: NaiveDateTime,
    pub text: String,
    /// The words that make it a promise ("明天上午").
    pub when: String,
}

/// The promise in an agent message, if it makes one.
pub fn promise_in(m: &Message) -> Option<Promise> {
    if m.speaker != Speaker::Agent {
        return None;
    }
    let when = rubric::time_promise(&text::fold(&m.text))?;
    Some(Promise {
        conversation: m.conversation.clone(),
        agent: m.agent.clone(),
        at: m.at,
        text: m.text.clone(),
        when,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("time")
    }

    fn msg(conversation: &str, time: &str, speaker: Speaker, who: &str, text: &str) -> Message {
        let (agent, customer) = match speaker {
            Speaker::Agent => (Some(who.to_string()), None),
            Speaker::Customer => (None, Some(who.to_string())),
            Speaker::System => (None, None),
        };
        Message {
            conversation: conversation.into(),
            at: at(time),
            speaker,
            agent,
            customer,
            text: text.into(),
        }
    }

    use Speaker::{Agent, Customer, System};

    /// Two conversations, figures worked out by hand:
    /// c1 (小王 with 阿美): waits 10:00:00→10:00:30 (30 s, the auto reply
    /// does not count) and 10:02:00→10:03:30 (90 s); handled 10:00:00–10:05:00.
    /// c2 (小王 with 老李): one wait 11:00:00→11:02:00 (120 s), handled 4 min.
    fn day() -> Vec<Conversation> {
        let mut f = Figures::default();
        for m in [
            msg(
                "c1",
                "2026-11-30 10:00:00",
                Customer,
                "阿美",
                "退款怎么还没到",
            ),
            msg("c1", "2026-11-30 10:00:05", System, "", "您好，客服马上来"),
            msg(
                "c1",
                "2026-11-30 10:00:30",
                Agent,
                "小王",
                "亲，我帮您查一下",
            ),
            msg("c2", "2026-11-30 11:00:00", Customer, "老李", "能开发票吗"),
            msg("c1", "2026-11-30 10:02:00", Customer, "阿美", "快点"),
            msg("c1", "2026-11-30 10:02:30", Customer, "阿美", "在吗"),
            msg(
                "c1",
                "2026-11-30 10:03:30",
                Agent,
                "小王",
                "已经退了，今天下午五点前到账",
            ),
            msg("c1", "2026-11-30 10:05:00", Customer, "阿美", "好的谢谢"),
            msg("c2", "2026-11-30 11:02:00", Agent, "小王", "可以开的"),
            msg("c2", "2026-11-30 11:04:00", Customer, "老李", "好"),
            msg("c2", "2026-11-30 11:30:00", System, "", "[评价]"),
        ] {
            f.push(&m);
        }
        f.finish()
    }

    #[test]
    fn waits_first_response_and_handling_follow_the_hand_count() {
        let convs = day();
        assert_eq!(convs.len(), 2);
        let c1 = &convs[0];
        assert_eq!(c1.waits, [30, 90]);
        assert_eq!(c1.first_response(), Some(30));
        assert_eq!(c1.average_response(), Some(60.0));
        assert_eq!(c1.handling(), 300);
        assert_eq!(c1.agent.as_deref(), Some("小王"));
        assert_eq!(c1.customer.as_deref(), Some("阿美"));
        assert_eq!(c1.opening.as_deref(), Some("退款怎么还没到"));
        assert_eq!(convs[1].waits, [120]);
        assert_eq!(
            convs[1].handling(),
            240,
            "the rating request after it is no part"
        );
        let mut f = Figures::default();
        for m in [
            msg("c9", "2026-11-30 09:00:00", System, "", "欢迎光临"),
            msg("c9", "2026-11-30 09:01:00", Customer, "阿美", "在吗"),
            msg("c9", "2026-11-30 09:02:00", Agent, "小王", "在的"),
        ] {
            f.push(&m);
        }
        let c9 = &f.finish()[0];
        assert_eq!((c9.started, c9.handling()), (at("2026-11-30 09:01:00"), 60));
    }

    #[test]
    fn the_same_customer_asking_the_same_again_within_three_days_counts_against_fcr() {
        let mut convs = day();
        let again = |id: &str, time: &str, who: &str, text: &str| Conversation {
            id: id.into(),
            agent: Some("小张".into()),
            customer: Some(who.into()),
            started: at(time),
            ended: at(time),
            waits: vec![],
            opening: Some(text.into()),
            csat: None,
            nps: None,
        };
        convs.push(again("c3", "2026-12-02 09:00:00", "阿美", "退款怎么还没到"));
        convs.push(again("c4", "2026-12-02 09:30:00", "老李", "发什么快递"));
        convs.push(again("c5", "2026-12-09 09:00:00", "阿美", "退款怎么还没到"));
        let group = |c: &Conversation| c.opening.clone();
        let resolved = resolved_first_time(&convs, &group);
        assert_eq!(resolved, [false, true, true, true, true]);
    }

    #[test]
    fn figures_per_agent_and_week() {
        let mut convs = day();
        convs[0].csat = Some(5);
        convs[1].csat = Some(3);
        convs[1].nps = Some(10);
        let weeks = by_agent_week(&convs, &[false, true]);
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).expect("day");
        assert_eq!(
            weeks.keys().collect::<Vec<_>>(),
            [&("小王".to_string(), monday)]
        );
        let w = &weeks[&("小王".to_string(), monday)];
        assert_eq!(w.conversations, 2);
        assert_eq!(w.first_response(), Some(75.0), "(30 + 120) / 2");
        assert_eq!(w.average_response(), Some(80.0), "(30 + 90 + 120) / 3");
        assert_eq!(w.handling(), Some(270.0), "(300 + 240) / 2");
        assert_eq!(w.resolved(), Some(0.5));
        assert_eq!(w.csat_share(), Some(0.5));
        assert_eq!(w.net_promoter(), Some(100.0));
        assert_eq!(Tally::default().average_response(), None);
    }

    #[test]
    fn rating_shares_follow_the_usual_definitions() {
        let mut t = Tally::default();
        for (csat, nps) in [(5, 10), (4, 9), (3, 7), (1, 6)] {
            let mut c = day()[1].clone();
            (c.csat, c.nps) = (Some(csat), Some(nps));
            t.add(&c, false);
        }
        assert_eq!(t.csat_share(), Some(0.5), "4 and 5 of four ratings");
        // 2 promoters, 1 passive, 1 detractor of 4: (2 − 1) / 4 = 25 points.
        assert_eq!(t.net_promoter(), Some(25.0));
        assert_eq!(Tally::default().csat_share(), None);
        assert_eq!(Tally::default().net_promoter(), None);
    }

    #[test]
    fn a_promise_is_an_agent_commitment_with_a_time() {
        let said = |speaker, text: &str| msg("c1", "2026-11-30 10:00:00", speaker, "小王", text);
        let p = promise_in(&said(Agent, "已经退了，今天下午五点前到账")).expect("a promise");
        assert!(p.when.contains("五点"), "{}", p.when);
        assert!(promise_in(&said(Agent, "明天上午给您回复")).is_some());
        assert!(promise_in(&said(Agent, "支持七天无理由退货")).is_none());
        assert!(promise_in(&said(Agent, "退款要等几天")).is_none());
        assert!(promise_in(&said(Customer, "明天上午给我回复")).is_none());
    }
}
