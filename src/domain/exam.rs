//! Exam rules: drawing questions, the clock, and an attempt's total.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::types::Category;

/// Extra time after the deadline during which saves still count, for a request that
/// left the browser just before the clock ran out.
pub const GRACE_MS: i64 = 60_000;

/// The most one autosave may add to a question's time: the page saves at least every
/// 15 seconds while a question is active, so more means a sleeping laptop, not work.
pub const MAX_SPENT_PER_SAVE_MS: i64 = 120_000;

/// Picks up to `per_category` questions of each requested category, at random but
/// reproducibly for a given seed. Input order within a category does not matter.
pub fn draw(
    pool: &[(i64, Category)],
    per_category: usize,
    categories: &[Category],
    seed: u64,
) -> Vec<i64> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut picked = Vec::new();
    for category in categories {
        let mut ids: Vec<i64> = pool
            .iter()
            .filter(|(_, c)| c == category)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids.shuffle(&mut rng);
        picked.extend(ids.into_iter().take(per_category));
    }
    picked
}

pub const MS_PER_MINUTE: i64 = 60_000;

/// When an attempt must be in, in ms.
pub fn deadline(started_at: i64, time_limit_min: i32) -> i64 {
    started_at + i64::from(time_limit_min) * MS_PER_MINUTE
}

/// The last moment a save or submission of an attempt still counts: the deadline
/// plus the grace period. Decided once, when the attempt starts.
pub fn writable_until(started_at: i64, time_limit_min: i32) -> i64 {
    deadline(started_at, time_limit_min) + GRACE_MS
}

/// The time a client reports for one save, made safe to add up.
pub fn clamp_spent(reported_ms: i64) -> i64 {
    reported_ms.clamp(0, MAX_SPENT_PER_SAVE_MS)
}

/// An attempt's score: the mean of its answers' scores (unanswered count as 0),
/// rounded to one decimal like every score on screen.
pub fn total(scores: &[f64], questions: usize) -> f64 {
    if questions == 0 {
        return 0.0;
    }
    let sum: f64 = scores.iter().sum();
    (sum / questions as f64 * 10.0).round() / 10.0
}

pub fn passed(total: f64, pass_mark: i32) -> bool {
    total >= f64::from(pass_mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Vec<(i64, Category)> {
        (1..=10)
            .map(|i| {
                (
                    i,
                    if i % 2 == 0 {
                        Category::Price
                    } else {
                        Category::Refund
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_draw_takes_n_per_category_and_only_from_that_category() {
        let ids = draw(&pool(), 2, &[Category::Price, Category::Refund], 7);
        assert_eq!(ids.len(), 4);
        assert!(ids[..2].iter().all(|i| i % 2 == 0));
        assert!(ids[2..].iter().all(|i| i % 2 == 1));
    }

    #[test]
    fn the_same_seed_draws_the_same_questions_whatever_the_input_order() {
        let mut reversed = pool();
        reversed.reverse();
        assert_eq!(
            draw(&pool(), 3, &[Category::Price], 42),
            draw(&reversed, 3, &[Category::Price], 42)
        );
    }

    #[test]
    fn a_category_with_too_few_questions_gives_what_it_has() {
        assert_eq!(
            draw(&pool(), 9, &[Category::Stock, Category::Price], 1).len(),
            5
        );
    }

    #[test]
    fn writes_count_until_the_grace_period_ends() {
        let start = 1_000_000;
        assert_eq!(writable_until(start, 10), start + 10 * 60_000 + GRACE_MS);
    }

    #[test]
    fn reported_time_is_never_negative_or_huge() {
        assert_eq!(clamp_spent(-5), 0);
        assert_eq!(clamp_spent(9_999_999), MAX_SPENT_PER_SAVE_MS);
    }

    #[test]
    fn unanswered_questions_count_as_zero_in_the_total() {
        assert_eq!(total(&[80.0, 70.0], 3), 50.0);
        assert!(passed(60.0, 60) && !passed(59.9, 60));
    }
}
