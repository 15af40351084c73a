//! The product of the week (每周主推): what a lead wants undecided buyers
//! steered to, its selling points, and persuasion scripts for it, each with
//! the technique it uses. Checked here before it is stored.

use serde::{Deserialize, Serialize};

use super::types::{parse_name, parse_prompt, AnswerText, Technique};

/// A customer's line and the reply that moves them, by one technique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pitch {
    pub technique: Technique,
    /// What the customer says ("这两款有什么区别？").
    pub customer: String,
    pub reply: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Featured {
    pub product: String,
    pub points: Vec<String>,
    pub pitches: Vec<Pitch>,
}

/// Why a product of the week was refused; `n` counts from 1 as the form shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeaturedError {
    #[error("the product needs a name of 1–60 characters")]
    Product,
    #[error("give one to ten selling points, each at most 200 characters")]
    Points,
    #[error("persuasion script {n} needs a technique, the customer's line and the reply")]
    Pitch { n: usize },
    #[error("persuasion script {n} holds banned phrases: {words}")]
    Banned { n: usize, words: String },
}

/// A pitch as typed: the technique's key and two texts, all maybe blank.
pub struct PitchInput<'a> {
    pub technique: &'a str,
    pub customer: &'a str,
    pub reply: &'a str,
}

/// The form's fields checked: a pitch left wholly blank is skipped.
pub fn parse(
    product: &str,
    points: &str,
    pitches: &[PitchInput],
) -> Result<Featured, FeaturedError> {
    let product = parse_name(product).map_err(|_| FeaturedError::Product)?;
    let points: Vec<String> = points
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if points.is_empty() || points.len() > 10 || points.iter().any(|p| p.chars().count() > 200) {
        return Err(FeaturedError::Points);
    }
    let mut out = Vec::new();
    for (i, p) in pitches.iter().enumerate() {
        let n = i + 1;
        if p.customer.trim().is_empty() && p.reply.trim().is_empty() {
            continue;
        }
        let technique = Technique::parse(p.technique).ok_or(FeaturedError::Pitch { n })?;
        let customer = parse_prompt(p.customer).map_err(|_| FeaturedError::Pitch { n })?;
        let reply = AnswerText::parse(p.reply)
            .map_err(|_| FeaturedError::Pitch { n })?
            .into_string();
        let banned = super::library::banned(&reply, &[]);
        if !banned.is_empty() {
            return Err(FeaturedError::Banned {
                n,
                words: banned.join("、"),
            });
        }
        out.push(Pitch {
            technique,
            customer,
            reply,
        });
    }
    Ok(Featured {
        product,
        points,
        pitches: out,
    })
}

/// The ISO week a local date falls in, as stored: "2026-W49".
pub fn week_of(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pitch<'a>(technique: &'a str, customer: &'a str, reply: &'a str) -> PitchInput<'a> {
        PitchInput {
            technique,
            customer,
            reply,
        }
    }

    #[test]
    fn a_product_with_points_and_pitches_is_taken_and_blank_pitches_skipped() {
        let got = parse(
            " 羽绒服A款 ",
            "90%白鸭绒\n\n可机洗\n",
            &[
                pitch(
                    "choice_question",
                    "这两款有什么区别？",
                    "亲，您是更看重保暖还是轻便呢？",
                ),
                pitch("", "", ""),
            ],
        )
        .expect("valid");
        assert_eq!(got.product, "羽绒服A款");
        assert_eq!(got.points, ["90%白鸭绒", "可机洗"]);
        assert_eq!(got.pitches.len(), 1);
        assert_eq!(got.pitches[0].technique, Technique::ChoiceQuestion);
    }

    #[test]
    fn each_problem_is_named() {
        assert_eq!(parse("", "a", &[]), Err(FeaturedError::Product));
        assert_eq!(parse("A", " \n", &[]), Err(FeaturedError::Points));
        assert_eq!(
            parse("A", "a", &[pitch("", "", ""), pitch("magic", "贵", "不贵")]),
            Err(FeaturedError::Pitch { n: 2 })
        );
        assert_eq!(
            parse("A", "a", &[pitch("shift_focus", "能便宜吗", "")]),
            Err(FeaturedError::Pitch { n: 1 })
        );
        assert!(matches!(
            parse(
                "A",
                "a",
                &[pitch("shift_focus", "能便宜吗", "这是全网最好的")]
            ),
            Err(FeaturedError::Banned { n: 1, .. })
        ));
    }

    #[test]
    fn weeks_are_iso_weeks() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(week_of(day(2026, 11, 30)), "2026-W49");
        assert_eq!(week_of(day(2027, 1, 1)), "2026-W53");
    }
}
