//! Rubric checks from the agents' daily self-check list: did the reply acknowledge the
//! customer, give a concrete next step, promise a time, offer follow-up, close
//! politely — and avoid words platforms penalise or that sound cold.
//!
//! All checks run on the folded text (`text::fold`), so traditional characters and
//! full-width digits are recognised like their simplified/ASCII twins.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};

use super::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Empathy,
    NextStep,
    TimePromise,
    FollowUp,
    Thanks,
}

impl Check {
    pub const ALL: [Check; 5] = [
        Check::Empathy,
        Check::NextStep,
        Check::TimePromise,
        Check::FollowUp,
        Check::Thanks,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Check::Empathy => "empathy",
            Check::NextStep => "next_step",
            Check::TimePromise => "time_promise",
            Check::FollowUp => "follow_up",
            Check::Thanks => "thanks",
        }
    }

    pub fn parse(s: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.key() == s)
    }

    fn phrases(self) -> &'static [&'static str] {
        match self {
            Check::Empathy => &[
                "理解",
                "抱歉",
                "不好意思",
                "对不起",
                "久等",
                "给您带来",
                "辛苦",
                "心情",
                "别着急",
                "不着急",
                "请放心",
                "您放心",
                "感同身受",
                "sorry",
                "understand",
                "apologi",
            ],
            Check::NextStep => &[
                // Something the agent does, or a concrete step they give the
                // customer; a bare topic word ("退款", "申请") is neither.
                "为您",
                "帮您",
                "给您",
                "我这边",
                "我来",
                "我会",
                "我们会",
                "我马上",
                "马上",
                "立即",
                "立刻",
                "安排",
                "核实",
                "查询",
                "查一下",
                "联系",
                "补发",
                "加急",
                "催促",
                "备注",
                "请您提供",
                "麻烦您",
                "您可以",
                "建议您",
                "送您",
                "i will",
                "we will",
                "let me",
            ],
            Check::TimePromise => &[
                // Named moments; "稍后" and "尽快" name none.
                "今天",
                "今日",
                "今晚",
                "明天",
                "明早",
                "后天",
                "当天",
                "次日",
                "下班前",
                "today",
                "tomorrow",
            ],
            Check::FollowUp => &[
                "跟进",
                "随时",
                "再联系",
                "回复您",
                "通知您",
                "告知您",
                "告诉您",
                "有任何问题",
                "有问题",
                "留意",
                "回访",
                "同步给您",
                "follow up",
                "keep you",
            ],
            Check::Thanks => &[
                "谢谢",
                "感谢",
                "祝您",
                "欢迎再次",
                "欢迎下次",
                "期待",
                "再见",
                "愉快",
                "thank",
                "have a nice",
            ],
        }
    }
}

/// Absolute claims the platforms' advertising rules penalise, and cold brush-offs
/// (the customer sent away, left to wait, or told it is not the agent's business).
pub const DEFAULT_BANNED: &[&str] = &[
    "最好",
    "最低",
    "最便宜",
    "最佳",
    "最优",
    "最强",
    "最高级",
    "最棒",
    "全网最",
    "第一",
    "绝对",
    "百分之百",
    "100%",
    "顶级",
    "万能",
    "国家级",
    "独一无二",
    "不知道",
    "不清楚",
    "没办法",
    "不归我管",
    "自己看",
    "你自己",
    "你去问",
    "你去找",
    "问别人",
    "你等着",
    "等着吧",
    "爱买不买",
    "爱要不要",
    "不可能",
    "关我什么事",
    "跟我没关系",
    "随便你",
    "看着办",
];

/// Everyday phrases that contain a banned word but claim nothing ("第一时间" =
/// right away) or turn no one away ("如果您不知道尺码…").
const HARMLESS: &[&str] = &[
    "第一时间",
    "第一次",
    "第一步",
    "第一天",
    "最近",
    "最后",
    "您不知道",
    "不知道您",
    "您不清楚",
    "不清楚的",
];

static HARMLESS_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| text::finder(HARMLESS));
/// Every occurrence, overlapping ones too: "最低价" holds two banned words.
static BANNED_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(DEFAULT_BANNED).unwrap_or_else(|e| unreachable!("fixed phrases: {e}"))
});
static POLICY_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| text::finder(POLICY));

/// Words that undo the phrase right after them ("不能帮您", "没联系").
const NEGATIONS: &[&str] = &["不", "没", "无法", "别", "未"];

/// Words that make a clause's time a policy, not a promise ("七天无理由退换").
const POLICY: &[&str] = &[
    "无理由",
    "保修",
    "质保",
    "保价",
    "有效期",
    "可以退",
    "可退",
    "可换",
    "包退",
    "包换",
    "退换",
];

/// Units that make a number a time promise ("24小时内", "3个工作日").
const TIME_UNITS: &[&str] = &[
    "分钟",
    "小时",
    "个小时",
    "天",
    "日内",
    "个工作日",
    "工作日",
    "周内",
    "点前",
    "点之前",
    "minute",
    "hour",
    "day",
];

const NUMERALS: &str = "0123456789一二两三四五六七八九十半几-";

/// Per-question settings from an exam bank.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Checks a good answer must pass; `None` means "whatever the best reference does".
    pub expect: Option<Vec<Check>>,
    /// Banned phrases on top of `DEFAULT_BANNED`.
    pub banned: Vec<String>,
    /// What a complete reply must say (`domain::keypoints`); settings stored
    /// before key points read as none.
    #[serde(default)]
    pub key_points: Vec<String>,
}

/// What the rubric saw in one text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Findings {
    /// Each check that fired, with the phrase that triggered it.
    pub found: Vec<(Check, String)>,
    /// Banned phrases present, in order of first appearance.
    pub banned: Vec<String>,
}

impl Findings {
    pub fn has(&self, check: Check) -> bool {
        self.found.iter().any(|(c, _)| *c == check)
    }

    pub fn checks(&self) -> Vec<Check> {
        self.found.iter().map(|(c, _)| *c).collect()
    }
}

/// Runs every check on a folded text. `extra_banned` must be folded already
/// (`scoring::Question` does it once per question, not once per answer).
pub fn inspect(folded: &str, extra_banned: &[String]) -> Findings {
    let by_phrase = BY_PHRASE.first(folded);
    let mut found = Vec::new();
    for check in Check::ALL {
        let hit = match check {
            Check::TimePromise => time_promise(folded),
            _ => by_phrase
                .iter()
                .find(|(c, _)| *c == check)
                .map(|(_, p)| p.to_string()),
        };
        if let Some(phrase) = hit {
            found.push((check, phrase));
        }
    }
    let scrubbed = HARMLESS_FINDER
        .is_match(folded)
        .then(|| HARMLESS_FINDER.replace_all(folded, &["\u{3000}"; HARMLESS.len()]));
    let folded = scrubbed.as_deref().unwrap_or(folded);
    let mut banned: Vec<(usize, String)> = BANNED_FINDER
        .find_overlapping_iter(folded)
        .map(|m| {
            (
                m.start(),
                DEFAULT_BANNED[m.pattern().as_usize()].to_string(),
            )
        })
        .chain(
            extra_banned
                .iter()
                .filter_map(|w| folded.find(w.as_str()).map(|at| (at, w.clone()))),
        )
        .collect();
    banned.sort();
    // Each word once, where it first appears.
    let mut seen: Vec<String> = Vec::new();
    banned.retain(|(_, w)| {
        let first = !seen.contains(w);
        if first {
            seen.push(w.clone());
        }
        first
    });
    Findings {
        found,
        banned: banned.into_iter().map(|(_, w)| w).collect(),
    }
}

/// Phrase lists read in one pass over a reply (the rubric was a third of
/// the scorer's time when each phrase was searched on its own): the
/// automaton, and the check and place in its list of each of its patterns.
struct PhraseFinder {
    automaton: AhoCorasick,
    owners: Vec<(Check, usize)>,
}

/// The checks that fire on a phrase alone; the time promise reads clauses.
static BY_PHRASE: LazyLock<PhraseFinder> = LazyLock::new(|| {
    PhraseFinder::of(&[
        Check::Empathy,
        Check::NextStep,
        Check::FollowUp,
        Check::Thanks,
    ])
});
static TIME_PHRASES: LazyLock<PhraseFinder> =
    LazyLock::new(|| PhraseFinder::of(&[Check::TimePromise]));

impl PhraseFinder {
    fn of(checks: &[Check]) -> Self {
        let owners: Vec<(Check, usize)> = checks
            .iter()
            .flat_map(|&c| (0..c.phrases().len()).map(move |i| (c, i)))
            .collect();
        let phrases = owners.iter().map(|&(c, i)| c.phrases()[i]);
        Self {
            automaton: AhoCorasick::new(phrases)
                .unwrap_or_else(|e| unreachable!("fixed phrases: {e}")),
            owners,
        }
    }

    /// For each check that fires, the first phrase of its list (lists are
    /// ordered most telling first) that occurs and is not negated just
    /// before it.
    fn first(&self, folded: &str) -> Vec<(Check, &'static str)> {
        let mut first: [Option<usize>; Check::ALL.len()] = [None; Check::ALL.len()];
        for m in self.automaton.find_overlapping_iter(folded) {
            let (check, i) = self.owners[m.pattern().as_usize()];
            let slot = &mut first[check as usize];
            if slot.is_none_or(|f| i < f) && !negated(&folded[..m.start()]) {
                *slot = Some(i);
            }
        }
        Check::ALL
            .into_iter()
            .filter_map(|c| first[c as usize].map(|i| (c, c.phrases()[i])))
            .collect()
    }
}

/// The number (from 0) of the first clause of a folded text that meets the
/// customer's feeling (an empathy phrase, not negated); None if none does.
/// A scenario asks for the feeling to be met before the facts.
pub fn empathy_clause(folded: &str) -> Option<usize> {
    clauses(folded).position(|clause| {
        BY_PHRASE
            .first(clause)
            .iter()
            .any(|(c, _)| *c == Check::Empathy)
    })
}

/// Whether the text before a phrase, within its clause, ends in a negation,
/// allowing one word between ("不能帮您", "没有联系").
fn negated(before: &str) -> bool {
    let clause = clause_end(before);
    // Its last three characters.
    let tail = clause
        .char_indices()
        .rev()
        .nth(2)
        .map_or(clause, |(at, _)| &clause[at..]);
    NEGATIONS.iter().any(|n| tail.contains(n))
}

/// Clause separators.
const PUNCTUATION: &str = "，。！？；,.!?;~～\n";

/// The end of a text after its last clause separator.
fn clause_end(text: &str) -> &str {
    text.rfind(|c: char| PUNCTUATION.contains(c))
        .map_or(text, |at| {
            let sep = text[at..].chars().next().map_or(1, char::len_utf8);
            &text[at + sep..]
        })
}

/// The clauses of a text: split at punctuation.
fn clauses(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| PUNCTUATION.contains(c))
        .filter(|c| !c.trim().is_empty())
}

/// A concrete time the agent commits to: a named moment or a number with a
/// time unit, in a clause that states no policy (七天无理由) and is not
/// negated; a vague count (几天) is no promise.
pub fn time_promise(folded: &str) -> Option<String> {
    clauses(folded)
        .filter(|clause| !POLICY_FINDER.is_match(clause))
        .find_map(|clause| {
            counted_time(clause).or_else(|| {
                let hit = TIME_PHRASES.first(clause);
                hit.first().map(|(_, p)| p.to_string())
            })
        })
}

/// A numeral followed by a time unit ("48小时", "3个工作日"), unless the
/// count is vague ("几天", "多少天").
fn counted_time(folded: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !NUMERALS.contains(c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < chars.len() && NUMERALS.contains(chars[j + 1].1) {
            j += 1;
        }
        let rest_at = chars.get(j + 1).map_or(folded.len(), |&(at, _)| at);
        let number = &folded[start..rest_at];
        let rest = &folded[rest_at..];
        if let Some(unit) = TIME_UNITS.iter().find(|u| rest.starts_with(*u)) {
            if !number.contains('几') && !negated(&folded[..start]) {
                return Some(format!("{number}{unit}"));
            }
        }
        i = j + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::fold;

    fn fires(check: Check, text: &str) -> bool {
        inspect(&fold(text), &[]).has(check)
    }

    #[test]
    fn each_phrase_is_found_as_its_own_check_s() {
        for check in Check::ALL {
            for phrase in check.phrases() {
                let finder = match check {
                    Check::TimePromise => &*TIME_PHRASES,
                    _ => &*BY_PHRASE,
                };
                let found = finder.first(phrase);
                assert!(found.iter().any(|(c, _)| *c == check), "{phrase}");
            }
        }
    }

    #[test]
    fn empathy_fires_on_an_apology_and_not_on_a_bare_fact() {
        assert!(fires(Check::Empathy, "非常抱歉让您久等了"));
        assert!(!fires(Check::Empathy, "这款有三个颜色"));
    }

    #[test]
    fn next_step_fires_on_an_action_and_not_on_a_shrug() {
        assert!(fires(Check::NextStep, "我马上帮您联系仓库"));
        assert!(fires(Check::NextStep, "您可以在订单页点申请退款"));
        assert!(fires(Check::NextStep, "我会催促快递今天派送"));
        assert!(!fires(Check::NextStep, "这个要看快递的"));
        // A topic is not an action, and a refused action is none.
        assert!(!fires(Check::NextStep, "退款要等几天，你自己去看吧"));
        assert!(!fires(Check::NextStep, "这个我没办法帮您"));
        assert!(!fires(Check::NextStep, "不能给您退"));
    }

    #[test]
    fn time_promise_needs_a_concrete_time_the_agent_commits_to() {
        assert!(fires(Check::TimePromise, "48小时内给您答复"));
        assert!(fires(Check::TimePromise, "三个工作日到账"));
        assert!(fires(Check::TimePromise, "预计1-3个工作日原路退回"));
        assert!(fires(Check::TimePromise, "今天下午五点前给您回复"));
        assert!(fires(Check::TimePromise, "今天下午就发出"));
        assert!(fires(Check::TimePromise, "２４小時內處理")); // full-width and traditional
        assert!(!fires(Check::TimePromise, "我们会尽快处理"));
        assert!(!fires(Check::TimePromise, "稍后给您回复"), "no time named");
        assert!(!fires(Check::TimePromise, "这款有3个颜色"));
        // A policy's time is not a promise, nor is a vague count.
        assert!(!fires(Check::TimePromise, "支持七天无理由退换"));
        assert!(!fires(Check::TimePromise, "签收后7天内可退"));
        assert!(!fires(Check::TimePromise, "退款要等几天，你自己去看吧"));
        assert!(
            fires(Check::TimePromise, "支持七天无理由，今天就给您发出"),
            "the promise in another clause still counts"
        );
    }

    #[test]
    fn cold_and_dismissive_phrasings_are_flagged() {
        for cold in [
            "退款要等几天，你自己去看吧",
            "我也没办法",
            "爱买不买",
            "这个我不清楚，你去问财务吧",
            "你等着吧",
        ] {
            assert!(!inspect(&fold(cold), &[]).banned.is_empty(), "{cold}");
        }
        for kind in [
            "如果您不知道尺码，告诉我身高体重",
            "有不清楚的地方随时问我",
            "您可以自己在订单页查看物流",
        ] {
            assert!(inspect(&fold(kind), &[]).banned.is_empty(), "{kind}");
        }
    }

    #[test]
    fn follow_up_fires_on_an_offer_to_stay_in_touch_only() {
        assert!(fires(Check::FollowUp, "有任何问题随时找我"));
        assert!(!fires(Check::FollowUp, "已经发货了"));
    }

    #[test]
    fn thanks_fires_on_a_polite_close_only() {
        assert!(fires(Check::Thanks, "感谢您的耐心，祝您生活愉快"));
        assert!(!fires(Check::Thanks, "请提供订单号"));
    }

    #[test]
    fn banned_words_are_found_in_order_and_once() {
        let f = inspect(&fold("我也不知道，这是全网最低价，绝对最低"), &[]);
        assert_eq!(f.banned, vec!["不知道", "全网最", "最低", "绝对"]);
    }

    #[test]
    fn a_harmless_superlative_such_as_recently_is_not_banned() {
        assert!(inspect(&fold("最近订单比较多"), &[]).banned.is_empty());
    }

    #[test]
    fn right_away_is_not_an_absolute_claim() {
        assert!(inspect(&fold("第一时间为您处理"), &[]).banned.is_empty());
        assert_eq!(inspect(&fold("销量第一"), &[]).banned, vec!["第一"]);
    }

    #[test]
    fn a_bank_can_ban_extra_phrases() {
        let f = inspect(&fold("包邮的哦"), &["包邮".to_string()]);
        assert_eq!(f.banned, vec!["包邮"]);
    }
}
