//! The facts a reply states, which shared words do not weigh: quantities
//! (durations, working days, amounts, percentages, discounts, clock times)
//! compared as values, so 7天 = 七天 = 一周 and 48小时 = 两天 while 15天 is a
//! different, wrong fact; and claims a negation turns round (不可以开发票
//! against 可以开发票). Works on folded text (`text::fold`). Pure.

use serde::{Deserialize, Serialize};

use super::text;

mod claims;

use claims::{claims, Claim};

/// What a quantity measures; values of one dimension compare, of two never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    /// In hours.
    Duration,
    WorkingDays,
    /// In yuan.
    Money,
    Percent,
    /// 八折 = 8.
    Discount,
    /// Hour of the day, 0–24.
    Clock,
}

/// One quantity as written, with its value range in the dimension's unit.
#[derive(Debug, Clone, PartialEq)]
struct Quantity {
    dimension: Dimension,
    low: f64,
    high: f64,
    /// The words that state it, with a few after for context ("7天无理由").
    text: String,
}

impl Quantity {
    /// Whether `other` states the same fact: a "within" figure is read by its
    /// upper end, so 1-3个工作日 agrees with 3个工作日.
    fn agrees(&self, other: &Quantity) -> bool {
        self.dimension == other.dimension && (self.high - other.high).abs() < 1e-6
    }
}

/// How a reply's facts compare with a reference's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FactCheck {
    /// The reference's quantities the reply does not state.
    #[serde(default)]
    pub missed: Vec<String>,
    /// (what the reference says, what the reply says instead).
    #[serde(default)]
    pub wrong: Vec<(String, String)>,
    /// The reference's claims the reply turns round.
    #[serde(default)]
    pub contradicted: Vec<String>,
    /// How many quantities the reference states.
    #[serde(default)]
    pub stated: usize,
    /// The question's key points the reply does not state
    /// (`domain::keypoints`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_points_missed: Vec<String>,
    /// How many key points the question has.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub key_points: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl FactCheck {
    /// The share of the reference's quantities the reply states (1 when it
    /// states none).
    pub fn coverage(&self) -> f64 {
        if self.stated == 0 {
            1.0
        } else {
            (self.stated - self.missed.len()) as f64 / self.stated as f64
        }
    }

    pub fn is_wrong(&self) -> bool {
        !self.wrong.is_empty() || !self.contradicted.is_empty()
    }
}

/// A reference's facts, read once for many replies.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    quantities: Vec<Quantity>,
    claims: Vec<Claim>,
}

impl Facts {
    pub fn of(folded: &str) -> Facts {
        Facts {
            quantities: quantities(folded),
            claims: claims(folded),
        }
    }

    /// Whether `reply` (folded) states every quantity of these facts at the
    /// same value and turns none of their claims round. Other figures of the
    /// reply do not matter: a key point is one fact among the reply's many.
    pub fn all_stated_in(&self, reply: &str) -> bool {
        let given = quantities(reply);
        let said = claims(reply);
        self.quantities
            .iter()
            .all(|q| given.iter().any(|g| g.agrees(q)))
            && !self
                .claims
                .iter()
                .any(|c| said.iter().any(|s| s.turns_round(c)))
    }

    /// How `reply` (folded) states this reference's facts.
    pub fn check(&self, reply: &str) -> FactCheck {
        // A reply's figures and claims matter only against the reference's.
        let given = if self.quantities.is_empty() {
            Vec::new()
        } else {
            quantities(reply)
        };
        // The reference's quantities no figure of the reply agrees with.
        let mut unmet: Vec<&Quantity> = self
            .quantities
            .iter()
            .filter(|r| !given.iter().any(|g| g.agrees(r)))
            .collect();
        // A figure of the reply that agrees with none of the reference's
        // figures of its kind stands in for the first unmet one: that one is
        // written otherwise, not left out.
        let mut wrong = Vec::new();
        for g in &given {
            let of_kind = || {
                self.quantities
                    .iter()
                    .filter(|r| r.dimension == g.dimension)
            };
            if of_kind().next().is_none() || of_kind().any(|r| r.agrees(g)) {
                continue;
            }
            let stands_for = unmet.iter().position(|r| r.dimension == g.dimension);
            let expected = match stands_for {
                Some(i) => unmet.remove(i),
                None => of_kind().next().unwrap_or(g),
            };
            wrong.push((expected.text.clone(), g.text.clone()));
        }
        let missed = unmet.iter().map(|r| r.text.clone()).collect();
        let said = if self.claims.is_empty() {
            Vec::new()
        } else {
            claims(reply)
        };
        let contradicted = self
            .claims
            .iter()
            .filter(|r| said.iter().any(|s| s.turns_round(r)))
            .map(|r| r.text.clone())
            .collect();
        FactCheck {
            missed,
            wrong,
            contradicted,
            stated: self.quantities.len(),
            ..FactCheck::default()
        }
    }
}

/// The figures a folded text states, as written ("7天无理由", "1-3个工作日").
pub fn figures(folded: &str) -> Vec<String> {
    quantities(folded).into_iter().map(|q| q.text).collect()
}

const PUNCTUATION: &str = "，。！？；,.!?;~～\n、";

fn clauses(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| PUNCTUATION.contains(c))
        .filter(|c| !c.trim().is_empty())
}

/// Units after a number, longest first: (unit, dimension, factor).
const UNITS: &[(&str, Dimension, f64)] = &[
    ("个工作日", Dimension::WorkingDays, 1.0),
    ("工作日", Dimension::WorkingDays, 1.0),
    ("个小时", Dimension::Duration, 1.0),
    ("小时", Dimension::Duration, 1.0),
    ("个钟头", Dimension::Duration, 1.0),
    ("分钟", Dimension::Duration, 1.0 / 60.0),
    ("个星期", Dimension::Duration, 168.0),
    ("星期", Dimension::Duration, 168.0),
    ("个月", Dimension::Duration, 720.0),
    ("天", Dimension::Duration, 24.0),
    ("日内", Dimension::Duration, 24.0),
    ("周", Dimension::Duration, 168.0),
    ("年", Dimension::Duration, 8760.0),
    ("块钱", Dimension::Money, 1.0),
    ("元", Dimension::Money, 1.0),
    ("块", Dimension::Money, 1.0),
    ("%", Dimension::Percent, 1.0),
    ("折", Dimension::Discount, 1.0),
    ("点", Dimension::Clock, 1.0),
];

const DIGITS: &str = "0123456789.";
/// Words before a number that make N点 a time of day.
const CLOCK_BEFORE: &[&str] = &[
    "上午", "中午", "下午", "晚上", "傍晚", "凌晨", "早上", "今天", "明天", "今晚", "早", "晚",
];
const CHINESE: &str = "零一二两三四五六七八九十百千万半";

/// Every quantity in a folded text, in order.
fn quantities(folded: &str) -> Vec<Quantity> {
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((low, high, end)) = number_range(&chars, i) else {
            i += 1;
            continue;
        };
        // 一个半小时: a half after the counter word.
        let (half, unit_at) = if chars[end..].starts_with(&['个', '半']) {
            (0.5, end + 2)
        } else {
            (0.0, end)
        };
        let rest: String = chars[unit_at..chars.len().min(unit_at + 4)]
            .iter()
            .collect();
        let unit = UNITS.iter().find(|(u, _, _)| {
            rest.starts_with(u) || (half > 0.0 && format!("个{rest}").starts_with(u))
        });
        if let Some(&(unit, dimension, factor)) = unit {
            let after = unit_at + unit.chars().count() - usize::from(!rest.starts_with(unit));
            let arabic = chars[i].is_ascii_digit();
            let range = (low + half, high + half);
            if let Some(q) = quantity(&chars, (i, after), range, (dimension, factor), arabic) {
                out.push(q);
            }
            i = after;
        } else {
            i = end;
        }
    }
    out.extend(percent_words(folded));
    out
}

/// A quantity from a number and its unit at `span` of `chars`, or None when
/// the unit is read as something else there (a year, a date, 3点 as a point).
fn quantity(
    chars: &[char],
    (start, after): (usize, usize),
    (low, high): (f64, f64),
    (dimension, factor): (Dimension, f64),
    arabic: bool,
) -> Option<Quantity> {
    let before: String = chars[start.saturating_sub(2)..start].iter().collect();
    let (mut low, mut high) = (low * factor, high * factor);
    let unit: String = chars[start..after].iter().collect();
    // 第二天 is the next day, an ordinal, not two days.
    if before.ends_with('第') {
        return None;
    }
    match dimension {
        // 2026年 is a year, not a warranty.
        Dimension::Duration if factor == 8760.0 && high > 20.0 * factor => return None,
        // 一块 is a piece as often as a yuan.
        Dimension::Money if !arabic && unit.ends_with('块') => return None,
        Dimension::Clock => {
            // 一点 is "a little" unless a time of day is around it.
            let next = chars.get(after).copied().unwrap_or(' ');
            let of_day = CLOCK_BEFORE.iter().any(|p| before.ends_with(p));
            if high > 24.0 || !(of_day || "前之半钟左".contains(next)) {
                return None;
            }
            if ["下午", "晚上", "傍晚", "晚"]
                .iter()
                .any(|p| before.ends_with(p))
                && high < 12.0
            {
                low += 12.0;
                high += 12.0;
            }
            if next == '半' {
                low += 0.5;
                high += 0.5;
            }
        }
        _ => {}
    }
    let text_end = (after + 3).min(chars.len());
    let context: String = chars[after..text_end]
        .iter()
        .take_while(|c| !PUNCTUATION.contains(**c) && !c.is_ascii_digit())
        .collect();
    let stated: String = chars[start..after].iter().collect();
    Some(Quantity {
        dimension,
        low,
        high,
        text: format!("{stated}{context}"),
    })
}

/// 百分之N.
fn percent_words(folded: &str) -> Vec<Quantity> {
    folded
        .match_indices("百分之")
        .filter_map(|(at, p)| {
            let chars: Vec<char> = folded[at + p.len()..].chars().collect();
            let (low, high, end) = number_range(&chars, 0)?;
            let digits: String = chars[..end].iter().collect();
            Some(Quantity {
                dimension: Dimension::Percent,
                low,
                high,
                text: format!("百分之{digits}"),
            })
        })
        .collect()
}

/// A number or a range ("1-3", "一两", "3到5") starting at `i`: its low and
/// high values and where it ends. A vague count (几, 十几) is none.
fn number_range(chars: &[char], i: usize) -> Option<(f64, f64, usize)> {
    // Most characters start no number: say so before looking around them.
    let first = *chars.get(i)?;
    if !first.is_ascii_digit() && !CHINESE.contains(first) {
        return None;
    }
    if i > 0 && (DIGITS.contains(chars[i - 1]) || CHINESE.contains(chars[i - 1])) {
        return None;
    }
    let (low, end) = number(chars, i)?;
    if chars.get(end) == Some(&'几') {
        return None;
    }
    // 一两天, 两三天: two neighbouring numerals are a range.
    if let (Some(a), Some(b)) = (chars.get(i), chars.get(i + 1)) {
        let small = |c: &char| "一两二三四五六七八九".contains(*c);
        let (x, y) = (value_of(*a), value_of(*b));
        if end == i + 2 && small(a) && small(b) && y == x + 1.0 {
            return Some((x, y, end));
        }
    }
    match chars.get(end) {
        Some('-' | '~' | '到' | '至') => match number(chars, end + 1) {
            Some((high, after)) => Some((low, high, after)),
            None => Some((low, low, end)),
        },
        _ => Some((low, low, end)),
    }
}

fn value_of(c: char) -> f64 {
    match c {
        '一' => 1.0,
        '二' | '两' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        '九' => 9.0,
        _ => 0.0,
    }
}

/// An Arabic or Chinese number at `i` and where it ends.
fn number(chars: &[char], i: usize) -> Option<(f64, usize)> {
    let first = *chars.get(i)?;
    if first.is_ascii_digit() {
        let end = (i..chars.len())
            .find(|&j| !DIGITS.contains(chars[j]))
            .unwrap_or(chars.len());
        let text: String = chars[i..end].iter().collect();
        return text.trim_end_matches('.').parse().ok().map(|v| (v, end));
    }
    if !CHINESE.contains(first) || first == '零' {
        return None;
    }
    let end = (i..chars.len())
        .find(|&j| !CHINESE.contains(chars[j]))
        .unwrap_or(chars.len());
    if chars[i..end].contains(&'几') {
        return None;
    }
    chinese_value(&chars[i..end]).map(|v| (v, end))
}

/// 十五 = 15, 二十 = 20, 一百零五 = 105, 两 = 2, 半 = 0.5.
fn chinese_value(digits: &[char]) -> Option<f64> {
    if digits == ['半'] {
        return Some(0.5);
    }
    let (mut total, mut section, mut last) = (0.0, 0.0, 0.0);
    for &c in digits {
        match c {
            '十' => {
                section += if last == 0.0 { 10.0 } else { last * 10.0 };
                last = 0.0;
            }
            '百' => {
                section += last * 100.0;
                last = 0.0;
            }
            '千' => {
                section += last * 1000.0;
                last = 0.0;
            }
            '万' => {
                total += (section + last) * 10_000.0;
                section = 0.0;
                last = 0.0;
            }
            '零' => {}
            '半' => return None,
            c => last = value_of(c),
        }
    }
    let v = total + section + last;
    (v > 0.0).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::fold;

    fn check(reference: &str, reply: &str) -> FactCheck {
        Facts::of(&fold(reference)).check(&fold(reply))
    }

    proptest::proptest! {
        /// Any text is read without a panic, and states its own quantities.
        /// (It may contradict itself: "可以，不可以".)
        #[test]
        fn any_text_is_read_and_agrees_with_itself(
            text in "[0-9一二两三四五六七八九十百千万半几零个天小时分钟周年元块折点%-到至下午前不没可以支持有能会吗，。 ]{0,40}"
        ) {
            let folded = fold(&text);
            let c = Facts::of(&folded).check(&folded);
            proptest::prop_assert!(c.missed.is_empty() && c.wrong.is_empty(), "{:?}", c);
        }
    }

    #[test]
    fn the_same_time_in_other_words_is_the_same_fact() {
        for (reference, reply) in [
            ("支持7天无理由退货", "支持七天无理由退货"),
            ("7天内发货", "一周内发货"),
            ("48小时内发货", "两天内发货"),
            ("预计1-3个工作日到账", "3个工作日内到账"),
            ("一个半小时送达", "90分钟送达"),
            ("今天下午5点前发出", "今天17点前发出"),
            ("早上9点到晚上11点在线", "早9点到晚11点在线"),
            ("满200元减20元", "满两百元减二十元"),
            ("包邮，差价20块", "差价二十元"),
        ] {
            let c = check(reference, reply);
            assert!(
                c.missed.is_empty() && c.wrong.is_empty(),
                "{reference} / {reply}: {c:?}"
            );
            assert!(c.stated > 0, "{reference}");
        }
    }

    #[test]
    fn a_different_value_is_a_wrong_fact_and_an_absent_one_is_missed() {
        let c = check("支持7天无理由退货", "支持15天无理由退货");
        assert_eq!(
            c.wrong,
            vec![("7天无理由".to_string(), "15天无理由".to_string())]
        );
        assert!(c.is_wrong());
        let c = check(
            "支持7天无理由退货，退款1-3个工作日到账",
            "支持退货，3个工作日到账",
        );
        assert_eq!(c.missed, vec!["7天无理由".to_string()]);
        assert!(c.wrong.is_empty());
        assert!((c.coverage() - 0.5).abs() < 1e-9);
        // Working days and calendar days are not the same fact, nor comparable.
        let c = check("3个工作日到账", "3天到账");
        assert_eq!(c.missed.len(), 1);
        assert!(c.wrong.is_empty());
    }

    #[test]
    fn vague_counts_years_and_dates_are_no_quantities() {
        assert!(quantities(&fold("要等几天")).is_empty());
        assert!(quantities(&fold("十几天")).is_empty());
        assert!(quantities(&fold("2026年的新款")).is_empty());
        assert_eq!(quantities(&fold("保修2年")).len(), 1);
        assert_eq!(quantities(&fold("一两天就到"))[0].high, 48.0);
        assert!(quantities(&fold("再便宜一点")).is_empty());
        assert!(quantities(&fold("这块面料很软")).is_empty());
        assert!(quantities(&fold("第二天上午发出")).is_empty());
    }

    #[test]
    fn a_reply_that_denies_what_the_reference_grants_contradicts_it() {
        for (reference, reply) in [
            ("可以开发票的，下单时填写抬头", "不可以开发票"),
            ("本店支持货到付款", "不支持货到付款哦"),
            ("有现货，今天就能发", "没有现货"),
            ("不支持七天无理由", "支持七天无理由退货"),
            ("可以的亲", "不可以"),
        ] {
            let c = check(reference, reply);
            assert_eq!(c.contradicted.len(), 1, "{reference} / {reply}: {c:?}");
        }
        for (reference, reply) in [
            ("可以开发票的，下单时填写抬头", "可以开的，填好抬头就行"),
            ("有现货，今天就能发", "能开发票吗？有现货"),
            ("可以开发票", "没有问题，马上发货"),
        ] {
            let c = check(reference, reply);
            assert!(c.contradicted.is_empty(), "{reference} / {reply}: {c:?}");
        }
    }
}
