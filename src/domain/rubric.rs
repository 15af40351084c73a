//! Rubric checks from the agents' daily self-check list: did the reply acknowledge the
//! customer, give a concrete next step, promise a time, offer follow-up, close
//! politely — and avoid words platforms penalise or that sound cold.
//!
//! All checks run on the folded text (`text::fold`), so traditional characters and
//! full-width digits are recognised like their simplified/ASCII twins.

use serde::{Deserialize, Serialize};

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
                "为您",
                "帮您",
                "给您",
                "我这边",
                "马上",
                "立即",
                "立刻",
                "安排",
                "核实",
                "查询",
                "查一下",
                "联系",
                "补发",
                "换货",
                "换新",
                "退款",
                "申请",
                "提交",
                "登记",
                "请您提供",
                "麻烦您",
                "您可以",
                "建议您",
                "赠送",
                "送您",
                "i will",
                "we will",
                "let me",
            ],
            Check::TimePromise => &[
                "今天",
                "今日",
                "今晚",
                "明天",
                "当天",
                "次日",
                "下班前",
                "稍后",
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

/// Absolute claims the platforms' advertising rules penalise, and cold brush-offs.
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
    "没办法",
    "不归我管",
    "自己看",
    "爱买不买",
    "不可能",
    "关我什么事",
    "随便你",
];

/// Everyday phrases that contain a banned word but claim nothing ("第一时间" = right away).
const HARMLESS: &[&str] = &["第一时间", "第一次", "第一步", "第一天", "最近", "最后"];

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

const NUMERALS: &str = "0123456789一二两三四五六七八九十半几";

/// Per-question settings from an exam bank.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Checks a good answer must pass; `None` means "whatever the best reference does".
    pub expect: Option<Vec<Check>>,
    /// Banned phrases on top of `DEFAULT_BANNED`.
    pub banned: Vec<String>,
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
    let mut found = Vec::new();
    for check in Check::ALL {
        let hit = match check {
            Check::TimePromise => time_promise(folded),
            _ => None,
        }
        .or_else(|| first_phrase(folded, check.phrases()));
        if let Some(phrase) = hit {
            found.push((check, phrase));
        }
    }
    let scrubbed = HARMLESS
        .iter()
        .filter(|h| folded.contains(*h))
        .fold(None::<String>, |t, h| {
            Some(t.as_deref().unwrap_or(folded).replace(h, "\u{3000}"))
        });
    let folded = scrubbed.as_deref().unwrap_or(folded);
    let mut banned: Vec<(usize, String)> = DEFAULT_BANNED
        .iter()
        .copied()
        .chain(extra_banned.iter().map(String::as_str))
        .filter_map(|w| folded.find(w).map(|at| (at, w.to_string())))
        .collect();
    banned.sort();
    banned.dedup_by(|a, b| a.1 == b.1);
    Findings {
        found,
        banned: banned.into_iter().map(|(_, w)| w).collect(),
    }
}

/// The first phrase of the list (lists are ordered most telling first) that occurs.
fn first_phrase(folded: &str, phrases: &[&str]) -> Option<String> {
    phrases
        .iter()
        .find(|p| folded.contains(*p))
        .map(|p| p.to_string())
}

/// A numeral followed (within one filler character such as 个/内) by a time unit.
fn time_promise(folded: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    for (i, &(start, c)) in chars.iter().enumerate() {
        if !NUMERALS.contains(c) {
            continue;
        }
        let mut j = i;
        while j + 1 < chars.len() && NUMERALS.contains(chars[j + 1].1) {
            j += 1;
        }
        let rest_at = chars.get(j + 1).map_or(folded.len(), |&(at, _)| at);
        let rest = &folded[rest_at..];
        if let Some(unit) = TIME_UNITS.iter().find(|u| rest.starts_with(*u)) {
            return Some(folded[start..rest_at + unit.len()].to_string());
        }
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
    fn empathy_fires_on_an_apology_and_not_on_a_bare_fact() {
        assert!(fires(Check::Empathy, "非常抱歉让您久等了"));
        assert!(!fires(Check::Empathy, "这款有三个颜色"));
    }

    #[test]
    fn next_step_fires_on_an_action_and_not_on_a_shrug() {
        assert!(fires(Check::NextStep, "我马上帮您联系仓库"));
        assert!(!fires(Check::NextStep, "这个要看快递的"));
    }

    #[test]
    fn time_promise_needs_a_number_with_a_unit_or_a_named_day() {
        assert!(fires(Check::TimePromise, "48小时内给您答复"));
        assert!(fires(Check::TimePromise, "三个工作日到账"));
        assert!(fires(Check::TimePromise, "今天下午就发出"));
        assert!(fires(Check::TimePromise, "２４小時內處理")); // full-width and traditional
        assert!(!fires(Check::TimePromise, "我们会尽快处理"));
        assert!(!fires(Check::TimePromise, "这款有3个颜色"));
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
