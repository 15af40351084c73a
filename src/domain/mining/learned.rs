//! What leads' decisions on question groups teach: when a lead merges two
//! groups, the words in which their wordings differ are a synonym candidate
//! ("拍错了能退吗" and "买错了能退吗": 拍错 ≈ 买错), counted over every merge,
//! and dropped when it would join two wordings a lead split apart. A lead
//! adds the ones worth keeping to the rules file. Pure.

use super::matchkey::{canonical, Synonyms};

/// A lead's decision on two wordings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Merged: they ask the same.
    Same(String, String),
    /// Split: they do not.
    Apart(String, String),
}

/// Two phrases the team uses for one thing, and how many merges showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub a: String,
    pub b: String,
    pub merges: usize,
}

/// Longest differing part kept; longer ones are different sentences, not words.
const MAX_PHRASE: usize = 6;

/// Synonym candidates from the merges among `links` (oldest first), most
/// shown first. Where a lead decided twice on the same two wordings, the
/// later decision stands.
pub fn candidates(links: &[Link], synonyms: &Synonyms) -> Vec<Candidate> {
    let canon = |t: &str| canonical(t, synonyms);
    let mut decided: Vec<(bool, String, String)> = Vec::new();
    for link in links {
        let (same, a, b) = match link {
            Link::Same(a, b) => (true, canon(a), canon(b)),
            Link::Apart(a, b) => (false, canon(a), canon(b)),
        };
        decided.retain(|(_, x, y)| !((*x == a && *y == b) || (*x == b && *y == a)));
        decided.push((same, a, b));
    }
    let apart: Vec<&(bool, String, String)> = decided.iter().filter(|d| !d.0).collect();
    let mut out: Vec<Candidate> = Vec::new();
    for (_, a, b) in decided.iter().filter(|d| d.0) {
        let Some((x, y)) = difference(a, b) else {
            continue;
        };
        let joins = |p: &str, q: &str| {
            p != q
                && (p.replace(&x, &y) == q.replace(&x, &y)
                    || p.replace(&y, &x) == q.replace(&y, &x))
        };
        if apart.iter().any(|(_, p, q)| joins(p, q)) {
            continue;
        }
        match out
            .iter_mut()
            .find(|c| (c.a == x && c.b == y) || (c.a == y && c.b == x))
        {
            Some(c) => c.merges += 1,
            None => out.push(Candidate {
                a: x,
                b: y,
                merges: 1,
            }),
        }
    }
    out.sort_by(|p, q| q.merges.cmp(&p.merges).then(p.a.cmp(&q.a)));
    out
}

/// Where two canonical wordings differ, once what they share at both ends is
/// set aside; a one-character difference keeps a neighbour, so 拍/买 reads
/// as 拍错/买错. None when they are the same, differ on one side only, or
/// differ in more than a phrase.
fn difference(a: &str, b: &str) -> Option<(String, String)> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mut start, mut end_a, mut end_b) = (prefix, a.len() - suffix, b.len() - suffix);
    if start == end_a || start == end_b {
        return None;
    }
    if end_a - start == 1 || end_b - start == 1 {
        if suffix > 0 {
            end_a += 1;
            end_b += 1;
        } else {
            start = start.saturating_sub(1);
        }
    }
    let (x, y): (String, String) = (
        a[start..end_a].iter().collect(),
        b[start..end_b].iter().collect(),
    );
    let short = |s: &str| s.chars().count() <= MAX_PHRASE;
    let worded = |s: &str| s.chars().any(char::is_alphanumeric);
    (short(&x) && short(&y) && worded(&x) && worded(&y)).then_some((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mining::rules::Rules;

    fn same(a: &str, b: &str) -> Link {
        Link::Same(a.into(), b.into())
    }

    #[test]
    fn a_merge_of_two_wordings_proposes_what_they_differ_in() {
        let rules = Rules::default();
        let found = candidates(
            &[
                same("拍错了能退吗", "买错了能退吗"),
                same("拍错了可以换吗", "买错了可以换吗"),
                same("衣服起球了", "衣服掉毛了"),
            ],
            &rules.synonyms,
        );
        assert_eq!(
            found[0],
            Candidate {
                a: "拍错".into(),
                b: "买错".into(),
                merges: 2
            }
        );
        assert_eq!((found[1].a.as_str(), found[1].b.as_str()), ("起球", "掉毛"));
    }

    #[test]
    fn nothing_is_proposed_from_sentences_already_alike_or_too_different() {
        let rules = Rules::default();
        let found = candidates(
            &[
                // Synonyms already make these one key.
                same("退钱什么时候到", "退款什么时候到"),
                same("能开发票吗", "能开发票吗亲"),
                same("衣服是什么面料", "我想问一下这个包包能不能帮我换成大一号的"),
            ],
            &rules.synonyms,
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_candidate_that_would_join_what_a_lead_split_is_dropped() {
        let rules = Rules::default();
        let links = [
            same("衣服起球了", "衣服掉毛了"),
            Link::Apart("裤子起球".into(), "裤子掉毛".into()),
        ];
        assert!(candidates(&links, &rules.synonyms).is_empty());
        // A lead who merges again after splitting has the last word.
        let again = [
            Link::Apart("衣服起球了".into(), "衣服掉毛了".into()),
            same("衣服起球了", "衣服掉毛了"),
        ];
        assert_eq!(candidates(&again, &rules.synonyms).len(), 1);
    }
}
