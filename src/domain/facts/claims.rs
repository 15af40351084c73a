//! Claims: clauses that say something is, or is not, so ("支持开发票",
//! "不可以退"). A reply that turns a reference's claim round contradicts it.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::{clauses, text};

/// Words that state whether something is so; the negations turn them round.
const MODALS: &[&str] = &["支持", "可以", "提供", "允许", "接受", "能", "会", "有"];
const NEGATIONS: &[&str] = &["不", "没", "无法", "未"];
/// A clause that asks is no claim, nor one that offers help ("有问题随时找我",
/// "没问题").
const ASKING: &[&str] = &[
    "问题",
    "吗",
    "么",
    "?",
    "？",
    "是否",
    "有没有",
    "能不能",
    "可不可以",
    "会不会",
];

/// A clause that says something is, or is not, so.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Claim {
    modal: &'static str,
    negative: bool,
    /// What it is about, as character bigrams.
    object: Vec<(char, char)>,
    pub(super) text: String,
}

impl Claim {
    /// Whether this claim says the opposite of `other` about the same thing.
    pub(super) fn turns_round(&self, other: &Claim) -> bool {
        if self.modal != other.modal || self.negative == other.negative {
            return false;
        }
        let bare = self.object.is_empty() || other.object.is_empty();
        bare || self.object.iter().any(|g| other.object.contains(g))
    }
}

/// Words that hold a modal's character without its meaning (可能, 会员, 所有).
const COMPOUNDS: [&str; 13] = [
    "可能", "功能", "性能", "智能", "会员", "机会", "所有", "拥有", "具有", "含有", "有效", "有限",
    "有关",
];

static ASKING_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| text::finder(ASKING));
static MODALS_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| text::finder(MODALS));
static COMPOUNDS_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| text::finder(&COMPOUNDS));
/// What each compound is masked with: as many ideographic spaces as it has
/// characters (all have two), so positions after it do not move.
const COMPOUNDS_MASKED: [&str; COMPOUNDS.len()] = ["\u{3000}\u{3000}"; COMPOUNDS.len()];

pub(super) fn claims(folded: &str) -> Vec<Claim> {
    clauses(folded)
        .filter(|c| !ASKING_FINDER.is_match(c))
        .filter_map(|c| {
            let plain = COMPOUNDS_FINDER
                .is_match(c)
                .then(|| COMPOUNDS_FINDER.replace_all(c, &COMPOUNDS_MASKED));
            claim(plain.as_deref().unwrap_or(c)).map(|found| Claim {
                text: c.trim().to_string(),
                ..found
            })
        })
        .collect()
}

/// The first modal of a clause, its polarity and what follows it.
fn claim(clause: &str) -> Option<Claim> {
    let found = MODALS_FINDER.find(clause)?;
    let (at, modal) = (found.start(), MODALS[found.pattern().as_usize()]);
    let before: String = {
        let chars: Vec<char> = clause[..at].chars().collect();
        chars[chars.len().saturating_sub(2)..].iter().collect()
    };
    let negative = NEGATIONS.iter().any(|n| before.contains(n));
    let object: Vec<char> = clause[at + modal.len()..]
        .chars()
        .filter(|c| !"的了呢哦呀啊吧".contains(*c))
        .take(8)
        .collect();
    Some(Claim {
        modal,
        negative,
        object: object.windows(2).map(|w| (w[0], w[1])).collect(),
        text: clause.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_compound_is_masked_by_as_many_spaces_as_it_has_characters() {
        for (word, mask) in COMPOUNDS.iter().zip(COMPOUNDS_MASKED) {
            assert_eq!(word.chars().count(), mask.chars().count(), "{word}");
        }
    }
}
