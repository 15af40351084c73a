//! The day a message was sent, from the time formats chat tools export.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

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
    if let Some(dt) = plain(t) {
        return Some(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.naive_local());
    }
    if let Some(dt) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    {
        return Some(dt);
    }
    // Unix time in seconds (10 digits) or milliseconds (13).
    let n: i64 = t.parse().ok()?;
    let secs = match t.len() {
        10 => n,
        13 => n / 1000,
        _ => return None,
    };
    DateTime::from_timestamp(secs, 0).map(|d| d.naive_utc())
}

/// None when the text is not a time we know; the message is kept either way.
/// The day of a moment (`moment_of`), or a bare date.
pub fn date_of(text: &str) -> Option<NaiveDate> {
    if let Some(moment) = moment_of(text) {
        return Some(moment.date());
    }
    let t = text.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

/// "2026-11-11 10:00:05" or "2026-11-11 10:00", what most exports write,
/// read without chrono's format interpreter (a tenth of a large import's
/// reading). Anything else, a leap second included, is left to `FORMATS`.
fn plain(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if !(b.len() == 16 || b.len() == 19)
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || (b.len() == 19 && b[16] != b':')
    {
        return None;
    }
    let number = |at: usize, len: usize| -> Option<u32> {
        b.get(at..at + len)?.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(number(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5, 2)?, number(8, 2)?)?;
    let second = if b.len() == 19 { number(17, 2)? } else { 0 };
    let time = NaiveTime::from_hms_opt(number(11, 2)?, number(14, 2)?, second)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut reads what chrono's formats read, and nothing else.
        #[test]
        fn the_plain_shortcut_agrees_with_the_formats(
            (y, mo, d) in (0u32..=9999, 0u32..=13, 0u32..=32),
            (h, mi, sec) in (0u32..=24, 0u32..=60, proptest::option::of(0u32..=61)),
        ) {
            let t = match sec {
                Some(sec) => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{sec:02}"),
                None => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}"),
            };
            let formats = FORMATS[..2]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok());
            if let Some(fast) = plain(&t) {
                prop_assert_eq!(Some(fast), formats);
            } else {
                // Refused: either no time at all or one the formats must decide.
                prop_assert!(formats.is_none() || t.ends_with("60"), "{}", t);
            }
        }
    }

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
