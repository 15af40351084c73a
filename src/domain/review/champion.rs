//! Champion and challenger: once a question has an official script, later
//! rounds enter it anonymously among the answers. A challenger replaces it
//! only by beating it on what people said of both (the peer result: reviews,
//! comparisons and a lead's grade, never the machine, which scores the
//! script against itself), and the record of their direct comparisons is
//! kept beside it.

use super::compare::Judgement;

/// How a challenger fared against the incumbent in one round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Its peer result is above the script's.
    Won,
    /// Level with the script or below it: the script stays.
    Lost,
    /// One of the two has no peer result yet.
    Open,
}

/// One challenger against the incumbent in one round.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bout {
    pub challenger: i64,
    pub challenger_result: Option<f64>,
    pub incumbent_result: Option<f64>,
    /// Comparisons between the two the challenger won, and lost.
    pub wins: u32,
    pub losses: u32,
}

impl Bout {
    pub fn verdict(&self) -> Verdict {
        match (self.challenger_result, self.incumbent_result) {
            (Some(c), Some(i)) if c > i => Verdict::Won,
            (Some(_), Some(_)) => Verdict::Lost,
            _ => Verdict::Open,
        }
    }
}

/// Every challenger's bout against `incumbent`, given each answer's peer
/// result and the round's judgements, best challenger first.
pub fn bouts(
    incumbent: i64,
    challengers: &[i64],
    result: impl Fn(i64) -> Option<f64>,
    judgements: &[Judgement],
) -> Vec<Bout> {
    let mut out: Vec<Bout> = challengers
        .iter()
        .filter(|c| **c != incumbent)
        .map(|&challenger| {
            let met = |winner: i64, loser: i64| {
                judgements
                    .iter()
                    .filter(|j| j.winner == winner && j.loser == loser)
                    .count() as u32
            };
            Bout {
                challenger,
                challenger_result: result(challenger),
                incumbent_result: result(incumbent),
                wins: met(challenger, incumbent),
                losses: met(incumbent, challenger),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |x: &Bout| x.challenger_result.unwrap_or(f64::NEG_INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then(a.challenger.cmp(&b.challenger))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(winner: i64, loser: i64) -> Judgement {
        Judgement { winner, loser }
    }

    #[test]
    fn a_challenger_wins_only_above_the_script_and_a_tie_keeps_the_script() {
        let results = |id: i64| match id {
            1 => Some(70.0), // the script
            2 => Some(80.0),
            3 => Some(70.0),
            4 => Some(60.0),
            _ => None,
        };
        let judged = [j(2, 1), j(2, 1), j(1, 2), j(1, 4), j(3, 4)];
        let bouts = bouts(1, &[4, 3, 2, 5, 1], results, &judged);
        let order: Vec<i64> = bouts.iter().map(|b| b.challenger).collect();
        assert_eq!(
            order,
            vec![2, 3, 4, 5],
            "best first, the script not its own rival"
        );
        let verdicts: Vec<Verdict> = bouts.iter().map(Bout::verdict).collect();
        assert_eq!(
            verdicts,
            vec![Verdict::Won, Verdict::Lost, Verdict::Lost, Verdict::Open]
        );
        assert_eq!((bouts[0].wins, bouts[0].losses), (2, 1));
        assert_eq!((bouts[2].wins, bouts[2].losses), (0, 1));
        assert_eq!(
            (bouts[1].wins, bouts[1].losses),
            (0, 0),
            "a comparison with another challenger is not a bout"
        );
    }

    #[test]
    fn a_script_without_a_peer_result_leaves_every_bout_open() {
        let bouts = bouts(1, &[2], |id| (id == 2).then_some(90.0), &[]);
        assert_eq!(bouts[0].verdict(), Verdict::Open);
    }
}
