//! When a promise falls due, read from its words the way a lead would:
//! "今天下午五点前" is 17:00 that day, "明天上午" the next day's noon,
//! "2小时内" two hours after it was said, "今天下班前" 18:00. A promise
//! with no reading has no due time (it is listed, never marked overdue).

use chrono::{Duration, NaiveDateTime, NaiveTime};

/// The moment a promise made at `at` in `text` falls due, if it says.
pub fn due(at: NaiveDateTime, text: &str) -> Option<NaiveDateTime> {
    if let Some(span) = within(text) {
        return Some(at + span);
    }
    let days = if text.contains("后天") {
        Some(2)
    } else if ["明天", "明早", "明日", "明儿"]
        .iter()
        .any(|w| text.contains(w))
    {
        Some(1)
    } else if ["今天", "今日", "今晚", "今早", "当天"]
        .iter()
        .any(|w| text.contains(w))
    {
        Some(0)
    } else {
        None
    };
    let time = clock(text);
    if days.is_none() && time.is_none() {
        return None;
    }
    let day = at.date() + Duration::days(days.unwrap_or(0));
    let time = time.or_else(|| part_of_day(text)).unwrap_or(END_OF_DAY);
    Some(day.and_time(time))
}

const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

/// "2小时内", "半小时内", "30分钟内": a span from the moment it was said.
fn within(text: &str) -> Option<Duration> {
    if text.contains("半小时") || text.contains("半个小时") {
        return Some(Duration::minutes(30));
    }
    for (unit, minutes) in [("个小时", 60), ("小时", 60), ("分钟", 1)] {
        if let Some(i) = text.find(unit) {
            let n = number_before(&text[..i])?;
            return Some(Duration::minutes(i64::from(n) * minutes));
        }
    }
    None
}

/// "五点", "17点", "5点半", "十点前": a time of day, afternoon when 下午 or
/// 晚上 says so.
fn clock(text: &str) -> Option<NaiveTime> {
    let i = text.find('点')?;
    let mut hour = number_before(&text[..i])?;
    let half = text[i + '点'.len_utf8()..].starts_with('半');
    let later = ["下午", "晚上", "傍晚", "今晚"]
        .iter()
        .any(|w| text.contains(w));
    if later && hour < 12 {
        hour += 12;
    }
    hm(hour, if half { 30 } else { 0 })
}

/// A part of the day with no hour: its end.
fn part_of_day(text: &str) -> Option<NaiveTime> {
    [
        ("下班", 18),
        ("上午", 12),
        ("中午", 13),
        ("下午", 18),
        ("傍晚", 19),
        ("晚上", 22),
        ("今晚", 22),
    ]
    .iter()
    .find(|(w, _)| text.contains(w))
    .and_then(|(_, h)| hm(*h, 0))
}

/// The number written just before the end of `head`: digits or 一…二十四.
fn number_before(head: &str) -> Option<u32> {
    let tail: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || "零一二两三四五六七八九十".contains(*c))
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    if tail.is_empty() {
        return None;
    }
    if let Ok(n) = tail.parse() {
        return Some(n);
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u32)
            .or((c == '两').then_some(2))
    };
    let chars: Vec<char> = tail.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn promises_fall_due_as_a_lead_reads_them() {
        let said = at("2026-11-30 10:20");
        let cases = [
            ("今天下午五点前给您回复", Some("2026-11-30 17:00")),
            ("明天上午给您回复", Some("2026-12-01 12:00")),
            ("后天发出", Some("2026-12-02 23:59")),
            ("今天下班前给您答复", Some("2026-11-30 18:00")),
            ("2小时内给您结果", Some("2026-11-30 12:20")),
            ("半小时内回您", Some("2026-11-30 10:50")),
            ("明天10点半前到", Some("2026-12-01 10:30")),
            ("晚上八点前发货", Some("2026-11-30 20:00")),
            ("十二点前处理好", Some("2026-11-30 12:00")),
            ("24小时内发货", Some("2026-12-01 10:20")),
            ("我们尽快处理", None),
        ];
        for (text, want) in cases {
            let got = due(said, text).map(|d| d.format("%Y-%m-%d %H:%M").to_string());
            assert_eq!(got.as_deref(), want, "{text}");
        }
    }

    #[test]
    fn chinese_numbers_are_read() {
        assert_eq!(number_before("五"), Some(5));
        assert_eq!(number_before("十一"), Some(11));
        assert_eq!(number_before("二十"), Some(20));
        assert_eq!(number_before("二十四"), Some(24));
        assert_eq!(number_before("两"), Some(2));
        assert_eq!(number_before("48"), Some(48));
        assert_eq!(number_before("几"), None);
    }
}
