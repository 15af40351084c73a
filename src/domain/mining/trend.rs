//! Questions per week as a small bar chart: the weeks from the first to the last
//! Monday asked for, missing weeks as zero, heights scaled to the tallest bar.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// At most this many weeks are drawn; a longer span keeps its latest weeks.
pub const MAX_WEEKS: usize = 26;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bar {
    /// The week's Monday, 'YYYY-MM-DD'.
    pub week: String,
    pub asked: i64,
    /// 0–100: the bar's height as a share of the tallest.
    pub height: u32,
}

/// Bars for every week from `first` to `last` (Mondays, inclusive).
pub fn bars(weeks: &BTreeMap<String, i64>, first: NaiveDate, last: NaiveDate) -> Vec<Bar> {
    let mut mondays = Vec::new();
    let mut day = first;
    while day <= last {
        mondays.push(day);
        day = day + chrono::Days::new(7);
    }
    let shown = &mondays[mondays.len().saturating_sub(MAX_WEEKS)..];
    let counts: Vec<(String, i64)> = shown
        .iter()
        .map(|m| {
            let key = m.to_string();
            let n = weeks.get(&key).copied().unwrap_or(0);
            (key, n)
        })
        .collect();
    let top = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    counts
        .into_iter()
        .map(|(week, asked)| Bar {
            height: (asked.max(0) * 100 / top) as u32,
            week,
            asked,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn missing_weeks_are_zero_and_the_tallest_bar_is_full_height() {
        let weeks: BTreeMap<String, i64> =
            [("2026-11-02".to_string(), 4), ("2026-11-16".to_string(), 2)].into();
        let bars = bars(&weeks, day("2026-10-26"), day("2026-11-16"));
        let heights: Vec<u32> = bars.iter().map(|b| b.height).collect();
        assert_eq!(heights, [0, 100, 0, 50]);
        assert_eq!(bars[2].week, "2026-11-09");
    }

    #[test]
    fn a_long_span_keeps_its_latest_weeks() {
        let weeks = BTreeMap::new();
        let bars = bars(&weeks, day("2025-01-06"), day("2026-11-16"));
        assert_eq!(bars.len(), MAX_WEEKS);
        assert_eq!(bars.last().map(|b| b.week.as_str()), Some("2026-11-16"));
        assert!(bars.iter().all(|b| b.height == 0));
    }
}
