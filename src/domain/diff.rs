//! Character-level differences between an answer and its best reference, for the
//! breakdown page: what the answer shares, what it adds, what it leaves out.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Same,
    /// Only in the answer.
    Added,
    /// Only in the reference.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub kind: Kind,
    pub text: String,
}

/// Diffs two folded texts character by character and merges runs of one kind.
pub fn segments(answer: &str, reference: &str) -> Vec<Segment> {
    let diff = TextDiff::from_chars(reference, answer);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => Kind::Same,
            ChangeTag::Insert => Kind::Added,
            ChangeTag::Delete => Kind::Missing,
        };
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => out.push(Segment {
                kind,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

/// At most this many missing phrases are named.
const MISSING_MAX: usize = 6;

/// What the reference says that the answer does not: its runs missing from
/// the answer, cut at punctuation, of two characters or more (a lone "的" or
/// "亲" is not a point), and not found anywhere else in the answer; in the
/// reference's order, each once. Both texts folded.
pub fn missing_phrases(answer: &str, reference: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for segment in segments(answer, reference) {
        if segment.kind != Kind::Missing {
            continue;
        }
        for piece in segment.text.split(|c: char| !c.is_alphanumeric()) {
            if piece.chars().count() >= 2
                && !answer.contains(piece)
                && !out.iter().any(|p| p == piece)
            {
                out.push(piece.to_string());
            }
        }
    }
    out.truncate(MISSING_MAX);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phrases_an_answer_misses_are_named_once_in_the_references_order() {
        let reference = "亲,非常抱歉,今天18点前为您补发,并赠送5元无门槛券";
        let answer = "亲,抱歉,我们会为您补发";
        let missing = missing_phrases(answer, reference);
        assert!(missing.contains(&"非常".to_string()), "{missing:?}");
        assert!(missing.iter().any(|p| p.contains("18点前")), "{missing:?}");
        assert!(
            missing.iter().any(|p| p.contains("无门槛券")),
            "{missing:?}"
        );
        let first = |p: &str| missing.iter().position(|m| m.contains(p));
        assert!(first("18点前") < first("无门槛券"));
        assert!(
            missing
                .iter()
                .all(|p| p.chars().count() >= 2 && !answer.contains(p.as_str())),
            "{missing:?}"
        );
    }

    #[test]
    fn an_answer_that_says_it_all_misses_nothing() {
        let reference = "今天发货";
        assert!(missing_phrases("亲,今天发货哦", reference).is_empty());
        // Said in another order, a phrase is still said.
        assert!(missing_phrases("发货今天", "今天发货").is_empty());
    }

    #[test]
    fn shared_added_and_missing_runs_are_marked() {
        let s = segments("今天发货谢谢", "今天一定发货");
        let kinds: Vec<Kind> = s.iter().map(|x| x.kind).collect();
        assert!(kinds.contains(&Kind::Same));
        assert!(kinds.contains(&Kind::Added));
        assert!(kinds.contains(&Kind::Missing));
        let answer: String = s
            .iter()
            .filter(|x| x.kind != Kind::Missing)
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(answer, "今天发货谢谢");
    }

    #[test]
    fn identical_texts_are_one_same_segment() {
        assert_eq!(segments("好的", "好的").len(), 1);
    }
}
