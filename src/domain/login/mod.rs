//! Logging in safely: slowing down password guessing (after a few free mistakes
//! each further attempt waits twice as long, up to a cap; counted per login name
//! and client address in the database, so it holds across restarts and
//! instances), the password rules, and where a login may lead.

/// Whether a (lower-cased, trimmed) password is on the shipped list of common
/// ones, or is one character repeated, or a run of a keyboard row or of digits
/// (both of which guessing tools try first).
pub fn is_common_password(folded: &str) -> bool {
    const LIST: &str = include_str!("common_passwords.txt");
    const RUNS: [&str; 5] = [
        "01234567890123456789",
        "98765432109876543210",
        "qwertyuiopqwertyuiop",
        "asdfghjklasdfghjkl",
        "abcdefghijklmnopqrstuvwxyz",
    ];
    let mut chars = folded.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return true;
    }
    RUNS.iter().any(|run| run.contains(folded))
        || LIST
            .lines()
            .filter(|l| !l.starts_with('#'))
            .any(|l| l == folded)
}

/// Only a local path may follow a login: one leading `/`, no `//`, no
/// backslash, no control character or space (browsers drop tabs and
/// newlines, so `/\t/evil.example` would become `//evil.example`); anything
/// else means the home page.
pub fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    if local {
        next
    } else {
        "/"
    }
}

/// Mistakes allowed before any waiting (typos happen).
pub const FREE_FAILURES: i32 = 4;
/// Longest wait between attempts.
pub const MAX_WAIT_SECS: i64 = 15 * 60;

/// Whole seconds still to wait until `blocked_until` (ms), rounded up so a
/// client told "1 second" is not refused again; 0 = go ahead.
pub fn secs_left(blocked_until: i64, now: i64) -> i64 {
    ((blocked_until - now).max(0) + 999) / 1000
}

/// The pause imposed after `attempts` counted attempts without a success:
/// none for the first few, then doubling up to the cap.
pub fn delay_secs(attempts: i32) -> i64 {
    if attempts <= FREE_FAILURES {
        return 0;
    }
    let exponent = (attempts - FREE_FAILURES - 1).min(20) as u32;
    (1i64 << exponent).min(MAX_WAIT_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_few_mistakes_cost_nothing() {
        assert_eq!(delay_secs(FREE_FAILURES), 0);
    }

    #[test]
    fn each_further_mistake_doubles_the_wait() {
        assert_eq!(delay_secs(FREE_FAILURES + 1), 1);
        assert_eq!(delay_secs(FREE_FAILURES + 2), 2);
        assert_eq!(delay_secs(FREE_FAILURES + 3), 4);
        // Blocked for 4 s from 0: after 3 s one is left, after 9 s none.
        let until = delay_secs(FREE_FAILURES + 3) * 1000;
        assert_eq!(secs_left(until, 3_000), 1);
        assert_eq!(secs_left(until, 9_000), 0);
    }

    #[test]
    fn only_a_local_path_may_follow_a_login() {
        assert_eq!(local_path("/exams/3?x=1"), "/exams/3?x=1");
        for off_site in [
            "//evil.example/",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil.example",
            "/a b",
            "",
        ] {
            assert_eq!(local_path(off_site), "/", "{off_site:?}");
        }
    }

    #[test]
    fn common_and_patterned_passwords_are_refused() {
        for weak in [
            "password123",
            "1234567890",
            "qwertyuiop",
            "aaaaaaaaaa",
            "woaini1314",
            "3456789012",
        ] {
            assert!(is_common_password(weak), "{weak}");
        }
        assert!(!is_common_password("柜台后面的绿萝开花了"));
        assert!(!is_common_password("tea-kettle-sings-at-7"));
    }

    #[test]
    fn the_wait_is_capped() {
        assert_eq!(delay_secs(1000), MAX_WAIT_SECS);
    }
}
