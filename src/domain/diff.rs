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

#[cfg(test)]
mod tests {
    use super::*;

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
