//! The mining pipeline over a stream of turns: mask, set noise aside, pair each
//! customer question with the agent reply that follows it, fold exact repeats,
//! and cluster the distinct questions. Memory grows with the number of distinct
//! questions, not with the file.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::chatlog::{BadRow, Row, Speaker, Turn};
use super::cluster::{cluster_all, Params, Weights};
use super::mask::mask;
use super::matchkey::{canonical, key};
use super::noise;
use super::rules::Rules;
use super::tags::Tags;
use super::when::date_of;
use crate::domain::text::Token;

/// How many examples of each rejection reason the report keeps.
const EXAMPLES: usize = 5;
/// Candidate agent answers kept per distinct question.
const ANSWERS_PER_KEY: usize = 3;
/// Agent replies sampled per distinct question and import, repeats kept: how
/// the team really answers now, which an official script is compared with.
pub const REPLIES_PER_KEY: usize = 8;
/// An agent reply split over several messages is joined up to this length.
const MAX_ANSWER_CHARS: usize = 600;

/// Rows set aside, by reason, with the first few examples.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rejections {
    pub count: u64,
    pub examples: Vec<(u64, String)>,
}

/// One distinct question (one comparison key) and everything the log said about it.
#[derive(Debug, Default, Clone)]
pub struct Asked {
    pub key: Vec<Token>,
    /// The first masked wording seen with this key, shown to people.
    pub text: String,
    pub count: u64,
    pub lines: Vec<u64>,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// Questions per week, keyed by the week's Monday.
    pub weeks: BTreeMap<NaiveDate, u32>,
    /// Agent replies that followed it (masked), at most `ANSWERS_PER_KEY`.
    pub answers: Vec<String>,
    /// The first `REPLIES_PER_KEY` replies that followed it (masked), the
    /// same reply as often as it was sent.
    pub replies: Vec<String>,
}

/// What a cluster is called and filed under.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The most central member's wording.
    pub representative: String,
    pub tags: Tags,
}

/// A cluster member as labelling sees it: its key, its wording, how often asked.
pub type Member<'a> = (&'a [Token], &'a str, u64);

/// Names and tags a cluster from its members: the most central member
/// represents it; the most asked wordings decide the tags.
pub fn label(weights: &Weights, rules: &Rules, members: &[Member]) -> Label {
    let counted: Vec<(&[Token], u64)> = members.iter().map(|(k, _, n)| (*k, *n)).collect();
    let central = weights.central(&counted);
    let mut by_count: Vec<&Member> = members.iter().collect();
    by_count.sort_by_key(|m| std::cmp::Reverse(m.2));
    let canonical: Vec<String> = by_count
        .iter()
        .take(5)
        .map(|m| canonical(m.1, &rules.synonyms))
        .collect();
    Label {
        representative: members
            .get(central)
            .map_or(String::new(), |m| m.1.to_string()),
        tags: rules.tags.tag(&canonical),
    }
}

/// A cluster of questions as the pipeline found it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MinedCluster {
    pub cluster: u32,
    pub size: u64,
    pub representative: String,
    pub members: Vec<u64>,
    /// Distinct wordings, most frequent first (at most five).
    pub examples: Vec<String>,
    pub first_seen: Option<NaiveDate>,
    pub last_seen: Option<NaiveDate>,
    pub weeks: BTreeMap<NaiveDate, u32>,
    /// Agent replies that followed these questions (masked).
    pub answers: Vec<String>,
    #[serde(flatten)]
    pub tags: Tags,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub rows: u64,
    pub customer_messages: u64,
    pub questions: u64,
    pub distinct_questions: u64,
    pub clusters: u64,
    pub answered: u64,
    /// Rows that could not be read, by problem.
    pub bad_rows: BTreeMap<&'static str, Rejections>,
    /// Customer messages that are not questions, by reason.
    pub noise: BTreeMap<&'static str, Rejections>,
}

pub struct Miner {
    rules: Rules,
    params: Params,
    /// Each distinct comparison key and its id (the index into `stats`).
    by_key: foldhash::HashMap<Vec<Token>, u32>,
    stats: Vec<Asked>,
    summary: Summary,
    /// The last question of the current conversation, waiting for its answer.
    waiting: Option<(Option<String>, u32)>,
    /// The agent reply being collected for that question, as written (not
    /// yet masked: it never leaves the miner so).
    reply: String,
    /// Each conversation's first question (its index into `stats`): what
    /// the conversation was about, for first-contact resolution.
    openings: foldhash::HashMap<String, u32>,
}

impl Miner {
    pub fn new(rules: Rules, params: Params) -> Self {
        Self {
            rules,
            params,
            by_key: foldhash::HashMap::default(),
            stats: Vec::new(),
            summary: Summary::default(),
            waiting: None,
            reply: String::new(),
            openings: foldhash::HashMap::default(),
        }
    }

    pub fn push(&mut self, row: Row) {
        self.summary.rows += 1;
        match row {
            Ok(turn) => self.turn(turn),
            Err(bad) => self.bad_row(bad),
        }
    }

    fn bad_row(&mut self, bad: BadRow) {
        let masked = mask(&bad.sample);
        note(
            self.summary.bad_rows.entry(bad.problem.key()).or_default(),
            bad.line,
            masked,
        );
    }

    fn turn(&mut self, turn: Turn) {
        let same_conversation = self
            .waiting
            .as_ref()
            .is_some_and(|(c, _)| *c == turn.conversation);
        if !same_conversation {
            self.close_reply();
        }
        match turn.speaker {
            Speaker::Customer => self.question(turn),
            // Kept as written until `close_reply`, which masks it if it keeps it.
            Speaker::Agent if same_conversation => {
                let text = turn.text.trim();
                if !text.is_empty() && self.reply.chars().count() < MAX_ANSWER_CHARS {
                    if !self.reply.is_empty() {
                        self.reply.push('\n');
                    }
                    self.reply.push_str(text);
                }
            }
            Speaker::Agent | Speaker::System => {}
        }
    }

    fn question(&mut self, turn: Turn) {
        self.summary.customer_messages += 1;
        let masked = mask(&turn.text);
        if let Some(reason) = noise::classify(&masked) {
            note(
                self.summary.noise.entry(reason.key()).or_default(),
                turn.line,
                masked,
            );
            // A greeting between a question and its answer does not separate them.
            return;
        }
        self.close_reply();
        self.summary.questions += 1;
        let k = key(&masked, &self.rules.synonyms);
        let id = match self.by_key.get(&k) {
            Some(id) => *id,
            None => {
                let id = self.stats.len() as u32;
                self.by_key.insert(k, id);
                self.stats.push(Asked {
                    text: masked.trim().to_string(),
                    ..Asked::default()
                });
                id
            }
        };
        let stats = &mut self.stats[id as usize];
        stats.count += 1;
        stats.lines.push(turn.line);
        if let Some(date) = turn.time.as_deref().and_then(date_of) {
            stats.first = Some(stats.first.map_or(date, |d| d.min(date)));
            stats.last = Some(stats.last.map_or(date, |d| d.max(date)));
            *stats.weeks.entry(monday_of(date)).or_default() += 1;
        }
        if let Some(c) = &turn.conversation {
            if !self.openings.contains_key(c) {
                self.openings.insert(c.clone(), id);
            }
        }
        self.waiting = Some((turn.conversation, id));
    }

    /// Keeps the collected agent reply as a candidate answer to the waiting question.
    fn close_reply(&mut self) {
        let reply = std::mem::take(&mut self.reply);
        let Some((_, id)) = self.waiting.take() else {
            return;
        };
        if reply.is_empty() {
            return;
        }
        self.summary.answered += 1;
        let stats = &mut self.stats[id as usize];
        // Most replies answer a question already heard often enough: they are
        // counted, never stored, so not worth masking.
        if stats.answers.len() >= ANSWERS_PER_KEY && stats.replies.len() >= REPLIES_PER_KEY {
            return;
        }
        let reply = mask(&reply);
        if stats.answers.len() < ANSWERS_PER_KEY && !stats.answers.contains(&reply) {
            stats.answers.push(reply.clone());
        }
        if stats.replies.len() < REPLIES_PER_KEY {
            stats.replies.push(reply);
        }
    }

    /// The distinct questions in the order first asked, with the summary (whose
    /// cluster count is left to whoever clusters them).
    pub fn finish_questions(self) -> (Vec<Asked>, Summary) {
        let (asked, summary, _, _) = self.into_parts();
        (asked, summary)
    }

    /// Each conversation's first question, by its key; taken before
    /// `finish_questions`, which moves the keys on.
    pub fn take_openings(&mut self) -> HashMap<String, Vec<Token>> {
        let mut keys: Vec<Option<&Vec<Token>>> = vec![None; self.stats.len()];
        for (key, id) in &self.by_key {
            keys[*id as usize] = Some(key);
        }
        std::mem::take(&mut self.openings)
            .into_iter()
            .filter_map(|(c, id)| Some((c, keys[id as usize]?.clone())))
            .collect()
    }

    fn into_parts(mut self) -> (Vec<Asked>, Summary, Rules, Params) {
        self.close_reply();
        for (key, id) in std::mem::take(&mut self.by_key) {
            self.stats[id as usize].key = key;
        }
        self.summary.distinct_questions = self.stats.len() as u64;
        (self.stats, self.summary, self.rules, self.params)
    }

    /// Clusters the distinct questions, weighting words by how rare they are in
    /// this corpus, and returns the clusters largest first.
    pub fn finish(self) -> (Vec<MinedCluster>, Summary) {
        let (asked, mut summary, rules, params) = self.into_parts();
        let keys: Vec<Vec<Token>> = asked.iter().map(|a| a.key.clone()).collect();
        let weights = Weights::from_keys(keys.iter().map(Vec::as_slice))
            .with_categories(&rules.tags.category, keys.iter().map(Vec::as_slice));
        let roots = cluster_all(&keys, &weights, params);
        let mut members: BTreeMap<u32, Vec<&Asked>> = BTreeMap::new();
        for (a, root) in asked.iter().zip(&roots) {
            members.entry(*root).or_default().push(a);
        }
        let mut clusters: Vec<MinedCluster> = members
            .into_iter()
            .map(|(root, members)| cluster(&weights, &rules, root, members))
            .collect();
        clusters.sort_by(|a, b| b.size.cmp(&a.size).then(a.cluster.cmp(&b.cluster)));
        summary.clusters = clusters.len() as u64;
        (clusters, summary)
    }
}

fn cluster(weights: &Weights, rules: &Rules, root: u32, mut members: Vec<&Asked>) -> MinedCluster {
    let keyed: Vec<Member> = members
        .iter()
        .map(|a| (a.key.as_slice(), a.text.as_str(), a.count))
        .collect();
    let Label {
        representative,
        tags,
    } = label(weights, rules, &keyed);
    members.sort_by_key(|a| std::cmp::Reverse(a.count));
    let mut lines: Vec<u64> = members
        .iter()
        .flat_map(|a| a.lines.iter().copied())
        .collect();
    lines.sort_unstable();
    let mut weeks = BTreeMap::new();
    for a in &members {
        for (w, n) in &a.weeks {
            *weeks.entry(*w).or_default() += n;
        }
    }
    MinedCluster {
        tags,
        cluster: root,
        size: members.iter().map(|a| a.count).sum(),
        representative,
        members: lines,
        examples: members.iter().take(5).map(|a| a.text.clone()).collect(),
        first_seen: members.iter().filter_map(|a| a.first).min(),
        last_seen: members.iter().filter_map(|a| a.last).max(),
        weeks,
        answers: members
            .iter()
            .flat_map(|a| a.answers.iter().cloned())
            .take(5)
            .collect(),
    }
}

/// The Monday that starts a date's week: weekly counts are keyed by it.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()))
}

fn note(r: &mut Rejections, line: u64, sample: String) {
    r.count += 1;
    if r.examples.len() < EXAMPLES {
        r.examples.push((line, sample));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mining::chatlog::{read, Format, Mapping};

    fn mine(file: &str, format: Format) -> (Vec<MinedCluster>, Summary) {
        let path = format!(
            "{}/tests/fixtures/chatlogs/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(path).expect("fixture");
        let mut miner = Miner::new(Rules::default(), Params::default());
        for row in read(bytes.as_slice(), format, &Mapping::default()).expect("readable") {
            miner.push(row);
        }
        miner.finish()
    }

    #[test]
    fn a_chat_export_becomes_counted_clusters_with_their_agent_answers() {
        let (clusters, summary) = mine("quoted.csv", Format::Csv);
        assert_eq!(
            (summary.rows, summary.customer_messages, summary.questions),
            (12, 6, 4)
        );
        assert_eq!(
            summary.noise["greeting"].examples,
            [(2, "在吗".to_string())]
        );
        assert_eq!(summary.noise["media"].count, 1);
        assert_eq!(
            summary.bad_rows["unknown_speaker"].examples[0],
            (13, "c5,2026-11-10 21:00:00,路人甲,我是谁".to_string()),
            "the physical line where the record starts, and its fields"
        );
        assert_eq!(summary.bad_rows["missing_message"].count, 1);

        let shipping = &clusters[0];
        assert_eq!(shipping.size, 3, "{clusters:#?}");
        assert_eq!(shipping.members, [3, 6, 11]);
        assert_eq!(shipping.first_seen, NaiveDate::from_ymd_opt(2026, 11, 2));
        assert_eq!(shipping.last_seen, NaiveDate::from_ymd_opt(2026, 11, 10));
        assert_eq!(shipping.answers.len(), 3);
        assert_eq!(
            shipping.tags.category,
            Some(crate::domain::types::Category::Shipping)
        );
        assert_eq!(
            shipping.tags.department,
            crate::domain::types::Department::Logistics
        );
        assert!(shipping.answers.iter().any(|a| a.contains("48小时内发货")));
        assert_eq!(clusters[1].size, 1);
        assert!(clusters[1].representative.contains("M码"));
        assert_eq!(summary.answered, 4);
    }

    #[test]
    fn replies_are_sampled_as_sent_while_candidates_stay_distinct() {
        let mut log = String::from("conversation_id,time,sender,message\n");
        for i in 0..12 {
            let reply = if i % 2 == 0 {
                "亲，今天发货"
            } else {
                "明天发"
            };
            log.push_str(&format!(
                "c{i},2026-11-02 10:00:00,buyer,什么时候发货\nc{i},2026-11-02 10:00:30,seller,{reply}\n"
            ));
        }
        let mut miner = Miner::new(Rules::default(), Params::default());
        for row in read(log.as_bytes(), Format::Csv, &Mapping::default()).expect("readable") {
            miner.push(row);
        }
        let (asked, _) = miner.finish_questions();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].answers, ["亲，今天发货", "明天发"]);
        assert_eq!(asked[0].replies.len(), REPLIES_PER_KEY);
        assert_eq!(
            asked[0].replies.iter().filter(|r| *r == "明天发").count(),
            REPLIES_PER_KEY / 2,
            "as often as sent"
        );
    }

    #[test]
    fn a_conversation_opens_with_its_first_question_not_its_greeting() {
        let log = "conversation_id,sender,message\n\
                   c1,buyer,在吗\nc1,buyer,退款什么时候到账\nc1,buyer,能开发票吗\n\
                   c2,buyer,能开发票吗\n";
        let mut miner = Miner::new(Rules::default(), Params::default());
        for row in read(log.as_bytes(), Format::Csv, &Mapping::default()).expect("readable") {
            miner.push(row);
        }
        let openings = miner.take_openings();
        let (asked, _) = miner.finish_questions();
        let text_of = |c: &str| {
            let key = openings.get(c).expect("opened");
            asked
                .iter()
                .find(|a| &a.key == key)
                .map(|a| a.text.as_str())
        };
        assert_eq!(text_of("c1"), Some("退款什么时候到账"));
        assert_eq!(text_of("c2"), Some("能开发票吗"));
        assert_eq!(openings.len(), 2);
    }

    #[test]
    fn a_greeting_between_a_question_and_its_answer_keeps_them_together() {
        let (clusters, _) = mine("quoted.csv", Format::Csv);
        // c4: "[图片]" comes before the question; the agent's reply still pairs.
        let shipping = &clusters[0];
        assert!(shipping
            .answers
            .iter()
            .any(|a| a.starts_with("下单后48小时")));
    }

    #[test]
    fn traditional_and_simplified_wordings_are_one_question() {
        let (clusters, summary) = mine("traditional.txt", Format::Txt);
        assert_eq!(summary.questions, 4);
        assert_eq!(
            summary.distinct_questions, 3,
            "為什麼還沒發貨 = 为什么还没发货"
        );
        assert_eq!(clusters[0].size, 2);
        assert_eq!(clusters[0].members, [1, 2]);
    }

    #[test]
    fn an_empty_file_mines_nothing() {
        let (clusters, summary) = mine("empty.txt", Format::Txt);
        assert!(clusters.is_empty());
        assert_eq!(summary.rows, 0);
    }

    #[test]
    fn personal_data_is_masked_in_everything_that_comes_out() {
        let (clusters, summary) = mine("personal.csv", Format::Csv);
        let out = serde_json::to_string(&(&clusters, &summary)).expect("json");
        for secret in [
            "13812345678",
            "3012345678901234567",
            "SF1234567890123",
            "li.ming@example.com",
            "建国路88号",
            "110101199003071234",
        ] {
            assert!(!out.contains(secret), "{secret} leaked: {out}");
        }
        assert!(out.contains("{手机号}") && out.contains("{订单号}") && out.contains("{快递单号}"));
        assert!(out.contains("{地址}") && out.contains("{邮箱}") && out.contains("{身份证号}"));
    }
}
