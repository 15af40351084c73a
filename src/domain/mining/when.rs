//! The day a message was sent, from the time formats chat tools export.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

const FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
];

/// The moment a message was sent, to the second, when the text carries a
/// time of day (a bare date does not); offsets are dropped, keeping the
/// exporting shop's local time.
pub fn moment_of(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.naive_local());
    }
    if let Some(dt) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        return Some(dt);
    }
    let n: i64 = t.parse().ok()?;
    let secs = match t.len() {
        10 => n,
        13 => n / 1000,
        _ => return None,
    };
    DateTime::from_timestamp(secs, 0).map(|d| d.naive_utc())
}

/// None when the text is not a time we know; the message is kept either way.
pub fn date_of(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.date_naive());
    }
    if let Some(dt) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        return Some(dt.date());
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Some(d);
        }
    }
    // Unix time in seconds (10 digits) or milliseconds (13).
    let n: i64 = t.parse().ok()?;
    let secs = match t.len() {
        10 => n,
        13 => n / 1000,
        _ => return None,
    };
    DateTime::from_timestamp(secs, 0).map(|d| d.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_export_formats_give_their_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 11);
        for t in [
            "2026-11-11 10:00:00",
            "2026/11/11 23:59",
            "2026-11-11T08:00:00+08:00",
            "2026-11-11T08:00:00Z",
            "2026年11月11日 10:00",
            "2026-11-11",
            "1794384000",
            "1794384000000",
        ] {
            assert_eq!(date_of(t), day, "{t}");
        }
        assert_eq!(date_of("昨天"), None);
        assert_eq!(date_of("12345"), None);
    }

    #[test]
    fn a_moment_keeps_its_time_of_day_and_a_bare_date_has_none() {
        let at = |s: &str| moment_of(s).map(|m| m.format("%Y-%m-%d %H:%M:%S").to_string());
        assert_eq!(
            at("2026-11-11 10:00:05").as_deref(),
            Some("2026-11-11 10:00:05")
        );
        assert_eq!(
            at("2026年11月11日 10:00").as_deref(),
            Some("2026-11-11 10:00:00")
        );
        assert_eq!(
            at("2026-11-11T08:00:00+08:00").as_deref(),
            Some("2026-11-11 08:00:00")
        );
        assert_eq!(at("2026-11-11"), None);
        assert_eq!(at("昨天"), None);
    }
}
