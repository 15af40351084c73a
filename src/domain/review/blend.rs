//! An answer's final score from everything said about it: the automatic score,
//! the aggregated peer score, the comparative strength and a lead's grade, with
//! weights a lead sets per exam. A lead's grade, where there is one, decides.
//! Every part is kept, so the page can show where the score came from.

/// Weights of the parts that are not a lead's grade; they need not sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Weights {
    pub automatic: f64,
    pub peer: f64,
    pub comparative: f64,
}

impl Default for Weights {
    /// Peers and comparisons together outweigh the machine, which cannot hear tone.
    fn default() -> Self {
        Self {
            automatic: 0.3,
            peer: 0.5,
            comparative: 0.2,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    #[error("each weight is a whole percentage from 0 to 100, and together they make 100")]
    NotPercentages,
}

impl Weights {
    /// Weights as a lead enters them: whole percentages that make 100, so the
    /// form means exactly what it says.
    pub fn from_percents(
        automatic: i64,
        peer: i64,
        comparative: i64,
    ) -> Result<Self, WeightsError> {
        let all = [automatic, peer, comparative];
        if all.iter().any(|w| !(0..=100).contains(w)) || all.iter().sum::<i64>() != 100 {
            return Err(WeightsError::NotPercentages);
        }
        Ok(Self {
            automatic: automatic as f64 / 100.0,
            peer: peer as f64 / 100.0,
            comparative: comparative as f64 / 100.0,
        })
    }
}

/// What is known of one answer, every score on 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Parts {
    pub automatic: Option<f64>,
    pub peer: Option<f64>,
    pub comparative: Option<f64>,
    pub lead: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Automatic,
    Peer,
    Comparative,
    Lead,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Blended {
    /// None when nothing is known (no part at all).
    pub score: Option<f64>,
    /// Each part used, with its share of the score (shares sum to 1).
    pub parts: Vec<(Source, f64, f64)>,
}

pub fn blend(parts: Parts, weights: Weights) -> Blended {
    if let Some(lead) = parts.lead {
        return Blended {
            score: Some(lead),
            parts: vec![(Source::Lead, lead, 1.0)],
        };
    }
    let present: Vec<(Source, f64, f64)> = [
        (Source::Automatic, parts.automatic, weights.automatic),
        (Source::Peer, parts.peer, weights.peer),
        (Source::Comparative, parts.comparative, weights.comparative),
    ]
    .into_iter()
    .filter_map(|(s, v, w)| v.map(|v| (s, v, w.max(0.0))))
    .filter(|(_, _, w)| *w > 0.0)
    .collect();
    let total: f64 = present.iter().map(|(_, _, w)| w).sum();
    if total <= 0.0 {
        return Blended {
            score: None,
            parts: Vec::new(),
        };
    }
    let parts: Vec<(Source, f64, f64)> = present
        .into_iter()
        .map(|(s, v, w)| (s, v, w / total))
        .collect();
    Blended {
        score: Some(parts.iter().map(|(_, v, share)| v * share).sum()),
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_from_a_form_are_percentages_that_make_a_hundred() {
        let w = Weights::from_percents(20, 60, 20).expect("valid");
        assert!((w.peer - 0.6).abs() < 1e-12 && (w.automatic - 0.2).abs() < 1e-12);
        assert!(Weights::from_percents(0, 100, 0).is_ok());
        for bad in [(30, 50, 30), (-10, 90, 20), (0, 0, 0), (101, 0, -1)] {
            assert_eq!(
                Weights::from_percents(bad.0, bad.1, bad.2),
                Err(WeightsError::NotPercentages),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_lead_grade_decides() {
        let b = blend(
            Parts {
                automatic: Some(90.0),
                peer: Some(80.0),
                comparative: Some(70.0),
                lead: Some(40.0),
            },
            Weights::default(),
        );
        assert_eq!(b.score, Some(40.0));
        assert_eq!(b.parts, vec![(Source::Lead, 40.0, 1.0)]);
    }

    #[test]
    fn missing_parts_give_their_weight_to_the_others() {
        let b = blend(
            Parts {
                automatic: Some(60.0),
                peer: Some(90.0),
                ..Parts::default()
            },
            Weights::default(),
        );
        // 0.3 and 0.5 become 3/8 and 5/8.
        assert!((b.score.expect("score") - (60.0 * 0.375 + 90.0 * 0.625)).abs() < 1e-9);
        let shares: f64 = b.parts.iter().map(|(_, _, s)| s).sum();
        assert!((shares - 1.0).abs() < 1e-12);
    }

    #[test]
    fn nothing_known_is_no_score_not_zero() {
        assert_eq!(blend(Parts::default(), Weights::default()).score, None);
        let zero = Weights {
            automatic: 0.0,
            peer: 0.0,
            comparative: 0.0,
        };
        let b = blend(
            Parts {
                automatic: Some(50.0),
                ..Parts::default()
            },
            zero,
        );
        assert_eq!(b.score, None);
    }
}
