//! Satisfaction ratings as chat tools export them: CSAT on a five-point
//! scale (a number or 非常满意…非常不满意) and NPS from 0 to 10.

/// A five-point satisfaction rating, 1 (very dissatisfied) to 5.
pub fn csat(value: &str) -> Option<u8> {
    let v = value.trim().to_lowercase();
    const WORDS: &[(&str, u8)] = &[
        ("非常满意", 5),
        ("很满意", 5),
        ("very satisfied", 5),
        ("非常不满意", 1),
        ("很不满意", 1),
        ("very dissatisfied", 1),
        ("不满意", 2),
        ("dissatisfied", 2),
        ("unsatisfied", 2),
        ("一般", 3),
        ("neutral", 3),
        ("满意", 4),
        ("satisfied", 4),
    ];
    if let Some((_, n)) = WORDS.iter().find(|(w, _)| v == *w) {
        return Some(*n);
    }
    score(&v).filter(|n| (1..=5).contains(n))
}

/// A likelihood to recommend, 0 to 10.
pub fn nps(value: &str) -> Option<u8> {
    score(&value.trim().to_lowercase()).filter(|n| *n <= 10)
}

/// "4", "4分", "4星", "4.0": whole numbers only, a fraction is no rating.
fn score(v: &str) -> Option<u8> {
    let digits = v.trim_end_matches(['分', '星']).trim();
    let digits = digits.strip_suffix(".0").unwrap_or(digits);
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csat_reads_numbers_and_the_words_tools_write() {
        assert_eq!(csat("5"), Some(5));
        assert_eq!(csat(" 4分 "), Some(4));
        assert_eq!(csat("3星"), Some(3));
        assert_eq!(csat("非常满意"), Some(5));
        assert_eq!(csat("满意"), Some(4));
        assert_eq!(csat("不满意"), Some(2));
        assert_eq!(csat("非常不满意"), Some(1));
        assert_eq!(csat("Very Satisfied"), Some(5));
        for bad in ["0", "6", "4.5", "还行吧", "", "-1"] {
            assert_eq!(csat(bad), None, "{bad}");
        }
    }

    #[test]
    fn nps_is_zero_to_ten() {
        assert_eq!(nps("0"), Some(0));
        assert_eq!(nps("10"), Some(10));
        assert_eq!(nps("9分"), Some(9));
        assert_eq!(nps("11"), None);
        assert_eq!(nps("推荐"), None);
    }
}
