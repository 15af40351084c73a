//! Slowing down password guessing: after a few free mistakes, each further attempt
//! must wait twice as long as the one before, up to a cap. Counted per login name
//! in the database, so it holds across restarts and app instances.

/// Mistakes allowed before any waiting (typos happen).
pub const FREE_FAILURES: i32 = 4;
/// Longest wait between attempts.
pub const MAX_WAIT_SECS: i64 = 15 * 60;

/// Seconds still to wait before the next attempt may be checked; 0 = go ahead.
pub fn wait_secs(failures: i32, last_failed_ms: i64, now_ms: i64) -> i64 {
    if failures <= FREE_FAILURES {
        return 0;
    }
    let exponent = (failures - FREE_FAILURES - 1).min(20) as u32;
    let wait = (1i64 << exponent).min(MAX_WAIT_SECS);
    let elapsed = (now_ms - last_failed_ms).max(0) / 1000;
    (wait - elapsed).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_few_mistakes_cost_nothing() {
        assert_eq!(wait_secs(FREE_FAILURES, 0, 0), 0);
    }

    #[test]
    fn each_further_mistake_doubles_the_wait() {
        assert_eq!(wait_secs(FREE_FAILURES + 1, 0, 0), 1);
        assert_eq!(wait_secs(FREE_FAILURES + 3, 0, 0), 4);
        assert_eq!(wait_secs(FREE_FAILURES + 3, 0, 3_000), 1);
        assert_eq!(wait_secs(FREE_FAILURES + 3, 0, 9_000), 0);
    }

    #[test]
    fn the_wait_is_capped() {
        assert_eq!(wait_secs(1000, 0, 0), MAX_WAIT_SECS);
    }
}
