//! Key points: the few things a reply to a question must say, marked by a lead
//! in the bank file (`key_points = ["正品", "7天无理由|七天无理由"]`). They let
//! a short reply that says them count as complete — similarity alone crushes
//! "亲，是正品的，放心买" beside a long reference — and name what a reply
//! leaves out. Alternatives of one point are separated by `|`.
//!
//! A reply states a point when it writes the point (or one of its
//! alternatives) outright, or paraphrases it: most of the point's character
//! bigrams appear, numerals counting as one symbol (the figures are compared
//! as values instead, so 8折 states 八折). Either way the reply must state the
//! point's figures at the same values and not turn it round (不可以开发票 does
//! not state 可以开发票). Works on folded text (`text::fold`). Pure.

use super::facts::{self, Facts};
use super::similarity;
use super::text;
use super::types::Invalid;

/// The share of a point's bigrams a paraphrase must carry.
const PARAPHRASE_SHARE: f64 = 0.6;
/// Most points a question may have; more is a reference, not a checklist.
pub const MAX_POINTS: usize = 12;
/// Longest point, in characters (all alternatives together).
pub const MAX_POINT_CHARS: usize = 60;

/// A question's key points, prepared once for many replies.
#[derive(Debug, Clone, Default)]
pub struct KeyPoints {
    points: Vec<Point>,
}

#[derive(Debug, Clone)]
struct Point {
    /// As the lead wrote it, for the breakdown.
    shown: String,
    alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone)]
struct Alternative {
    folded: String,
    grams: Vec<u64>,
    facts: Facts,
}

/// How many of a question's key points a reply states, and which it misses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    pub total: usize,
    pub missed: Vec<String>,
}

impl Coverage {
    /// The share stated; 1 when the question has no key points.
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.total - self.missed.len()) as f64 / self.total as f64
        }
    }
}

impl KeyPoints {
    pub fn new(points: &[String]) -> Self {
        let points = points
            .iter()
            .filter_map(|p| {
                let alternatives: Vec<Alternative> = p
                    .split('|')
                    .map(text::fold)
                    .filter(|f| !text::tokens_of_folded(f).is_empty())
                    .map(|folded| Alternative {
                        grams: masked_grams(&folded),
                        facts: Facts::of(&folded),
                        folded,
                    })
                    .collect();
                let shown = p.split('|').next().unwrap_or(p).trim().to_string();
                (!alternatives.is_empty()).then_some(Point {
                    shown,
                    alternatives,
                })
            })
            .collect();
        Self { points }
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Which points a folded reply states.
    pub fn check(&self, reply: &str) -> Coverage {
        if self.points.is_empty() {
            return Coverage::default();
        }
        let reply_grams = masked_grams(reply);
        let reply_grams = reply_grams.as_slice();
        Coverage {
            total: self.points.len(),
            missed: self
                .points
                .iter()
                .filter(|p| {
                    !p.alternatives
                        .iter()
                        .any(|a| a.stated_in(reply, reply_grams))
                })
                .map(|p| p.shown.clone())
                .collect(),
        }
    }
}

impl Alternative {
    fn stated_in(&self, reply: &str, reply_grams: &[u64]) -> bool {
        if !self.facts.all_stated_in(reply) {
            return false;
        }
        if reply.contains(&self.folded) {
            return true;
        }
        let carried = self
            .grams
            .iter()
            .filter(|g| reply_grams.binary_search(g).is_ok())
            .count();
        carried > 0 && carried as f64 >= PARAPHRASE_SHARE * self.grams.len() as f64
    }
}

/// A folded text's bigram set with every numeral read as one symbol.
fn masked_grams(folded: &str) -> Vec<u64> {
    let masked: String = folded
        .chars()
        .map(|c| if NUMERALS.contains(c) { '0' } else { c })
        .collect();
    similarity::bigram_set(&text::tokens_of_folded(&masked))
}

const NUMERALS: &str = "0123456789零一二两三四五六七八九十百千万";

/// What is wrong with a list of key points as a bank or a form gives it, in
/// English for bank authors; None when it is fine.
pub fn problem(points: &[String]) -> Option<String> {
    if points.len() > MAX_POINTS {
        return Some(format!("at most {MAX_POINTS} key points"));
    }
    points.iter().find_map(|p| {
        let len = text::char_len(p);
        if p.split('|').any(|a| text::tokens(a).is_empty()) {
            Some(format!(
                "key point \"{p}\" (or one of its alternatives) is empty"
            ))
        } else if len > MAX_POINT_CHARS {
            Some(format!(
                "key point \"{p}\" is longer than {MAX_POINT_CHARS} characters"
            ))
        } else {
            None
        }
    })
}

/// Key points as a form gives them: one per line, or separated by 、，,；;.
pub fn parse_list(raw: &str) -> Vec<String> {
    raw.split(|c: char| "\n、，,；;".contains(c))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first key point no reference states, if any: copying a reference has
/// to score as complete.
pub fn unstated<'a>(points: &'a [String], references: &[String]) -> Option<&'a String> {
    let folded: Vec<String> = references.iter().map(|r| text::fold(r)).collect();
    points.iter().find(|point| {
        let one = KeyPoints::new(std::slice::from_ref(*point));
        !folded.iter().any(|r| one.check(r).missed.is_empty())
    })
}

/// Checks key points from a form against the question's references.
pub fn validate(points: &[String], references: &[String]) -> Result<(), Invalid> {
    if problem(points).is_some() {
        return Err(Invalid::KeyPoints {
            max: MAX_POINTS,
            chars: MAX_POINT_CHARS,
        });
    }
    match unstated(points, references) {
        Some(point) => Err(Invalid::KeyPointUnstated {
            point: point.clone(),
        }),
        None => Ok(()),
    }
}

/// Most key points proposed for a question.
const PROPOSED: usize = 6;
/// Clauses proposed whole, in characters: a key point is a fact, not a
/// sentence.
const CLAUSE: std::ops::RangeInclusive<usize> = 3..=12;
/// Clauses that are courtesy, never a key point.
const COURTESY: &[&str] = &["亲", "您好", "可以的", "好的", "放心", "谢谢", "感谢"];

/// Key points proposed from a question's references (the official script and
/// the best answers): the figures they state, then the short clauses at least
/// half of them (and two or more) share. A lead picks from these.
pub fn propose(references: &[String]) -> Vec<String> {
    let folded: Vec<String> = references.iter().map(|r| text::fold(r)).collect();
    let mut out: Vec<String> = Vec::new();
    for figure in folded.iter().flat_map(|r| facts::figures(r)) {
        if !out.contains(&figure) {
            out.push(figure);
        }
    }
    let needed = folded.len().div_ceil(2).max(2);
    let clauses = folded
        .iter()
        .flat_map(|r| r.split(|c: char| "，。！？；,.!?;~～、\n ".contains(c)))
        .map(str::trim);
    for clause in clauses {
        let courtesy = COURTESY
            .iter()
            .any(|c| clause.starts_with(c) && clause.chars().count() <= 4);
        let shared = folded.iter().filter(|r| r.contains(clause)).count() >= needed;
        let known = out
            .iter()
            .any(|o| o.contains(clause) || clause.contains(o.as_str()));
        if CLAUSE.contains(&clause.chars().count()) && shared && !known && !courtesy {
            out.push(clause.to_string());
        }
    }
    out.truncate(PROPOSED);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missed(points: &[&str], reply: &str) -> Vec<String> {
        let points: Vec<String> = points.iter().map(|p| p.to_string()).collect();
        KeyPoints::new(&points).check(&text::fold(reply)).missed
    }

    #[test]
    fn a_point_written_outright_or_paraphrased_is_stated() {
        assert!(missed(&["正品"], "亲，是正品的，放心买").is_empty());
        assert!(missed(&["专柜验货"], "可以拿去专柜验的，验货没问题").is_empty());
        assert!(missed(&["7天无理由"], "支持七天无理由退货").is_empty());
        assert!(missed(&["包邮|免运费"], "这单给您免运费哦").is_empty());
        assert!(missed(&["八折"], "全场8折").is_empty());
        // The reply's other figures are other facts.
        assert!(missed(&["满99元包邮"], "满99元就包邮，不满收8元运费").is_empty());
    }

    #[test]
    fn a_point_left_out_turned_round_or_with_another_figure_is_missed() {
        assert_eq!(missed(&["正品", "专柜验货"], "亲，是正品的"), ["专柜验货"]);
        assert_eq!(missed(&["可以开发票"], "亲，不可以开发票"), ["可以开发票"]);
        assert_eq!(missed(&["7天无理由"], "支持15天无理由退货"), ["7天无理由"]);
        assert_eq!(missed(&["7天无理由"], "支持无理由退货"), ["7天无理由"]);
        // One shared character is no paraphrase.
        assert_eq!(missed(&["正品"], "品质很好"), ["正品"]);
    }

    #[test]
    fn the_first_alternative_names_a_missed_point() {
        assert_eq!(missed(&["包邮|免运费"], "运费8元"), ["包邮"]);
    }

    #[test]
    fn coverage_is_the_share_stated() {
        let c = Coverage {
            total: 4,
            missed: vec!["a".into()],
        };
        assert_eq!(c.share(), 0.75);
        assert_eq!(Coverage::default().share(), 1.0);
    }

    #[test]
    fn figures_and_phrases_the_references_share_are_proposed() {
        let references = [
            "亲，支持7天无理由退货，运费险承担来回运费".to_string(),
            "可以的，7天无理由退换，运费险承担来回运费".to_string(),
            "放心，可以退，运费险承担来回运费".to_string(),
        ];
        let proposed = propose(&references);
        assert_eq!(proposed, ["7天无理由", "运费险承担来回运费"]);
        assert!(propose(&["您好".to_string()]).is_empty());
    }

    #[test]
    fn a_form_list_is_split_and_checked_against_the_references() {
        assert_eq!(
            parse_list(" 正品、专柜验货\n7天无理由，"),
            ["正品", "专柜验货", "7天无理由"]
        );
        let references = ["亲，是正品，支持专柜验货".to_string()];
        assert!(validate(&parse_list("正品、专柜验货"), &references).is_ok());
        assert_eq!(
            validate(&parse_list("正品、包邮"), &references),
            Err(Invalid::KeyPointUnstated {
                point: "包邮".into()
            })
        );
    }

    #[test]
    fn lists_a_bank_cannot_use_are_named() {
        let many: Vec<String> = (0..=MAX_POINTS).map(|i| format!("点{i}")).collect();
        assert!(problem(&many).is_some());
        assert!(problem(&["正品|".to_string()]).is_some());
        assert!(problem(&["！！".to_string()]).is_some());
        assert!(problem(&["正品".repeat(40)]).is_some());
        assert_eq!(problem(&["正品|正货".to_string()]), None);
    }
}
