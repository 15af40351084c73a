//! Keeping the library honest over time: which references an old exam item
//! counts once scripts moved on, and whether imported chats say a script
//! needs a new round (its question's volume jumped, or the team's real
//! replies drift away from it).

use serde::Serialize;

use super::text;

/// The references an exam item is scored against once the library has moved
/// on: the script's `current` text first, then the item's own references
/// without the script's `retired` versions (they no longer count), each once.
pub fn item_references(current: Option<&str>, retired: &[String], own: &[String]) -> Vec<String> {
    let kept = own.iter().filter(|r| !retired.contains(r)).cloned();
    text::distinct(
        current
            .map(str::to_string)
            .into_iter()
            .chain(kept)
            .collect(),
    )
}

/// Why a script may need a new round, read from imported chats.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Freshness {
    /// The latest week's count of the question and its usual weekly count,
    /// when it jumped.
    pub volume_jump: Option<(i64, i64)>,
    /// The share of the team's newest replies far from the script, and of
    /// the older ones, when the newest drift away.
    pub drift: Option<(f64, f64)>,
}

/// A week at least this many times the usual, and at least `JUMP_MIN`, is a jump.
const JUMP_RATIO: f64 = 2.0;
const JUMP_MIN: i64 = 20;
/// A reply scoring below this against the script is far from it.
pub const FAR: f64 = 40.0;
/// Fewer newest replies than this say nothing about drift.
const NEWEST_MIN: usize = 5;

/// `weekly`: the question's counts per week, oldest first; `earlier` and
/// `newest`: real replies' scores against the script, from before and from
/// the latest import. The latest week jumped when it is twice the mean of
/// the four before and at least 20; the replies drift when most of the
/// newest are far from the script and more than before.
pub fn freshness(weekly: &[i64], earlier: &[f64], newest: &[f64]) -> Freshness {
    let volume_jump = weekly.split_last().and_then(|(last, before)| {
        let before = &before[before.len().saturating_sub(4)..];
        if before.is_empty() {
            return None;
        }
        let usual = before.iter().sum::<i64>() as f64 / before.len() as f64;
        (*last >= JUMP_MIN && *last as f64 >= JUMP_RATIO * usual.max(1.0))
            .then(|| (*last, usual.round() as i64))
    });
    let far = |s: &[f64]| s.iter().filter(|x| **x < FAR).count() as f64 / s.len().max(1) as f64;
    let drift = (newest.len() >= NEWEST_MIN
        && far(newest) >= 0.5
        && (earlier.is_empty() || far(newest) > far(earlier)))
    .then(|| (far(newest), far(earlier)));
    Freshness { volume_jump, drift }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jump_in_volume_and_replies_drifting_away_are_flagged() {
        assert_eq!(
            freshness(&[10, 12, 9, 11, 40], &[], &[]).volume_jump,
            Some((40, 11))
        );
        assert_eq!(
            freshness(&[10, 12, 9, 11, 19], &[], &[]).volume_jump,
            None,
            "not twice"
        );
        assert_eq!(
            freshness(&[1, 2, 1, 1, 10], &[], &[]).volume_jump,
            None,
            "too few to matter"
        );
        assert_eq!(
            freshness(&[50], &[], &[]).volume_jump,
            None,
            "nothing to compare with"
        );
        let (close, far) = (vec![80.0; 40], vec![20.0; 30]);
        assert!(freshness(&[], &far, &close).drift.is_none());
        assert_eq!(freshness(&[], &close, &far).drift, Some((1.0, 0.0)));
        assert_eq!(
            freshness(&[], &[], &far).drift,
            Some((1.0, 0.0)),
            "far from the start"
        );
        assert!(freshness(&[], &far, &far).drift.is_none(), "not growing");
        assert!(
            freshness(&[], &close, &far[..4]).drift.is_none(),
            "too few to judge"
        );
        let mut half = vec![20.0; 5];
        half.extend([80.0; 5]);
        assert_eq!(freshness(&[], &close, &half).drift, Some((0.5, 0.0)));
    }

    #[test]
    fn an_item_counts_the_current_script_and_no_retired_version() {
        let own = vec![
            "旧话术".to_string(),
            "题库参考".to_string(),
            "新话术".to_string(),
        ];
        assert_eq!(
            item_references(Some("新话术"), &["旧话术".into()], &own),
            ["新话术", "题库参考"]
        );
        assert_eq!(item_references(None, &[], &own), own);
    }
}
