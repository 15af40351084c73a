//! Rankings of people on their answers' final scores: per exam, where a
//! person's score is the mean of their scored answers, and over time, exam
//! after exam, with an overall order by the mean of their exam scores.

use std::collections::BTreeMap;

use crate::domain::ranking;

/// A person's place in one exam.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Standing {
    pub person: i64,
    /// The mean of their answers' final scores.
    pub score: f64,
    /// How many answers the score rests on.
    pub answers: usize,
    pub rank: usize,
    pub tied_with: usize,
    /// How many people are ranked in the exam.
    pub of: usize,
}

/// Each person's standing in one exam from (person, final score) per answer.
/// An answer without a final score (nobody reviewed it, no lead graded it
/// yet) is left out rather than counted as zero; a person with no scored
/// answer is not ranked.
pub fn exam(answers: &[(i64, Option<f64>)]) -> Vec<Standing> {
    let mut by_person: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for (person, score) in answers {
        if let Some(s) = score {
            by_person.entry(*person).or_default().push(*s);
        }
    }
    let scored: Vec<((i64, usize), f64)> = by_person
        .into_iter()
        .map(|(person, s)| ((person, s.len()), s.iter().sum::<f64>() / s.len() as f64))
        .collect();
    let of = scored.len();
    ranking::rank(scored)
        .into_iter()
        .map(|r| Standing {
            person: r.item.0,
            score: r.score,
            answers: r.item.1,
            rank: r.rank,
            tied_with: r.tied_with,
            of,
        })
        .collect()
}

/// One person over the exams they sat, in the exams' order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Record {
    pub person: i64,
    /// Per exam (by index into the input), their standing if they were ranked.
    pub exams: Vec<Option<Standing>>,
    /// The mean of their exam scores.
    pub mean: f64,
    /// Their last exam score minus the one before (None with fewer than two).
    pub change: Option<f64>,
    pub rank: usize,
    pub tied_with: usize,
}

/// A person and their standing in each exam (None where they were not ranked).
type Row = (i64, Vec<Option<Standing>>);

/// Everyone ranked in any exam, ordered by the mean of their exam scores.
pub fn overall(exams: &[Vec<Standing>]) -> Vec<Record> {
    let mut people: Vec<i64> = exams.iter().flatten().map(|s| s.person).collect();
    people.sort_unstable();
    people.dedup();
    let records: Vec<(Row, f64)> = people
        .iter()
        .map(|p| {
            let mine: Vec<Option<Standing>> = exams
                .iter()
                .map(|e| e.iter().find(|s| s.person == *p).cloned())
                .collect();
            let scores: Vec<f64> = mine.iter().flatten().map(|s| s.score).collect();
            // Everyone listed sat at least one exam, so the mean exists.
            (
                (*p, mine),
                scores.iter().sum::<f64>() / scores.len().max(1) as f64,
            )
        })
        .collect();
    ranking::rank(records)
        .into_iter()
        .map(|r| {
            let (person, mine) = r.item;
            let scores: Vec<f64> = mine.iter().flatten().map(|s| s.score).collect();
            let change = match scores.as_slice() {
                [.., before, last] => Some(((last - before) * 10.0).round() / 10.0),
                _ => None,
            };
            Record {
                person,
                exams: mine,
                mean: r.score,
                change,
                rank: r.rank,
                tied_with: r.tied_with,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exam_score_is_the_mean_of_scored_answers_and_unscored_ones_wait() {
        let answers = [
            (1, Some(80.0)),
            (1, Some(60.0)),
            (2, Some(90.0)),
            (2, None),
            (3, None),
        ];
        let s = exam(&answers);
        assert_eq!(s.len(), 2, "person 3 has nothing scored yet");
        assert_eq!(
            (s[0].person, s[0].score, s[0].answers, s[0].rank),
            (2, 90.0, 1, 1)
        );
        assert_eq!(
            (s[1].person, s[1].score, s[1].answers, s[1].rank),
            (1, 70.0, 2, 2)
        );
        assert!(s.iter().all(|x| x.of == 2));
    }

    #[test]
    fn people_are_ranked_over_time_by_their_mean_with_their_latest_change() {
        let first = exam(&[(1, Some(50.0)), (2, Some(90.0))]);
        let second = exam(&[(1, Some(80.0)), (3, Some(70.0))]);
        let third = exam(&[(1, Some(90.0))]);
        let all = overall(&[first, second, third]);
        let order: Vec<(i64, f64, usize)> =
            all.iter().map(|r| (r.person, r.mean, r.rank)).collect();
        assert_eq!(order, vec![(2, 90.0, 1), (1, 73.3, 2), (3, 70.0, 3)]);
        let one = &all[1];
        assert_eq!(one.exams.iter().filter(|e| e.is_some()).count(), 3);
        assert_eq!(one.change, Some(10.0), "90 after 80");
        assert_eq!(all[0].change, None, "one exam: no change to show");
        assert!(all[2].exams[0].is_none(), "3 did not sit the first exam");
    }
}
