//! What a text is about: its content words. Chinese characters that are not
//! function characters (的, 了, 吗 …) and English words that are not function
//! words, stemmed with Snowball so "stores", "stored" and "storing" meet.
//!
//! The words the customer's question already uses can be set aside: an answer
//! that only repeats the question ("运输调度的一般原则是…") has said nothing
//! yet. Setting them aside lifted agreement with human graders more than any
//! other change (in the prototype, content recall alone on SAS LE went from
//! r 0.58 to 0.86; the scorer's figures are in docs/PERF.md). Pure.

use rust_stemmers::{Algorithm, Stemmer};

use super::text::{self, Token};

/// Characters that hold a Chinese sentence together rather than say what it
/// is about, sorted (they are looked up by binary search, once per character
/// of every answer scored).
const CHINESE_FUNCTION: [char; 48] = [
    '一', '不', '与', '个', '么', '也', '了', '什', '他', '们', '你', '再', '又', '及', '吗', '吧',
    '呀', '呢', '和', '哦', '哪', '啊', '嘛', '在', '地', '她', '它', '就', '得', '怎', '您', '我',
    '或', '才', '把', '是', '有', '没', '的', '着', '给', '被', '让', '过', '还', '这', '那', '都',
];
/// English function words, sorted.
const ENGLISH_FUNCTION: [&str; 77] = [
    "a", "about", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "being",
    "but", "by", "can", "could", "did", "do", "does", "each", "for", "from", "had", "has", "have",
    "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "no", "not", "of", "on",
    "one", "only", "or", "other", "our", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "two", "was",
    "we", "were", "what", "when", "where", "which", "who", "will", "with", "would", "you", "your",
];

/// How an answer's content words beyond the question meet its reference's.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Overlap {
    /// The share of the reference's content words the answer uses.
    pub recall: f64,
    /// The share of the answer's content words the reference uses.
    pub precision: f64,
}

impl Overlap {
    pub fn of(answer: &[Token], reference: &[Token]) -> Self {
        Self {
            recall: share(answer, reference),
            precision: share(reference, answer),
        }
    }
}

/// A text's content words in order, as tokens (a Chinese character is its
/// code point, an English stem is hashed as `text::tokens` hashes words).
pub fn sequence(folded: &str) -> Vec<Token> {
    let stemmer = Stemmer::create(Algorithm::English);
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() && ENGLISH_FUNCTION.binary_search(&word.as_str()).is_err() {
            out.push(text::word_token(&stemmer.stem(word)));
        }
        word.clear();
    };
    for c in folded.chars() {
        if text::is_cjk(c) {
            flush(&mut word, &mut out);
            if text::is_cjk_letter(c) && CHINESE_FUNCTION.binary_search(&c).is_err() {
                out.push(c as Token);
            }
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut out);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The content words of a text, sorted and each once, without those in `asked`
/// (sorted too).
pub fn set_beyond(sequence: &[Token], asked: &[Token]) -> Vec<Token> {
    let mut out: Vec<Token> = sequence
        .iter()
        .copied()
        .filter(|t| asked.binary_search(t).is_err())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The share of `whole` (sorted) found in `part` (sorted); 0 for an empty whole.
pub fn share(part: &[Token], whole: &[Token]) -> f64 {
    if whole.is_empty() {
        return 0.0;
    }
    let found = whole
        .iter()
        .filter(|t| part.binary_search(t).is_ok())
        .count();
    found as f64 / whole.len() as f64
}

/// The share of the reference's pairs of neighbouring content words that the
/// answer also has next to each other (function words skipped).
pub fn phrase_recall(answer: &[Token], reference: &[Token]) -> f64 {
    let pairs = |words: &[Token]| {
        let mut p: Vec<(Token, Token)> = words.windows(2).map(|w| (w[0], w[1])).collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let (a, r) = (pairs(answer), pairs(reference));
    if r.is_empty() {
        return 0.0;
    }
    r.iter().filter(|p| a.binary_search(p).is_ok()).count() as f64 / r.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> Vec<Token> {
        set_beyond(&sequence(&text::fold(text)), &[])
    }

    #[test]
    fn the_function_word_lists_are_sorted_for_binary_search() {
        assert!(CHINESE_FUNCTION.windows(2).all(|w| w[0] < w[1]));
        assert!(ENGLISH_FUNCTION.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn function_words_and_endings_do_not_count() {
        assert_eq!(set("The stores stored it"), set("a store is storing"));
        assert_eq!(set("亲，是正品的吗"), set("正品亲"));
        assert_ne!(set("正品"), set("次品"));
    }

    #[test]
    fn overlap_reads_both_ways() {
        let o = Overlap::of(
            &set("The pointer stores addresses of variables"),
            &set("A pointer is a variable that stores an address"),
        );
        assert_eq!((o.recall, o.precision), (1.0, 1.0));
        // 正 and 品 of the reference's 商, 品, 正; 亲 is the answer's own.
        let o = Overlap::of(&set("亲，是正品的"), &set("我们的商品都是正品"));
        assert!((o.recall - 2.0 / 3.0).abs() < 1e-9, "{o:?}");
        assert!((o.precision - 2.0 / 3.0).abs() < 1e-9, "{o:?}");
        assert_eq!(Overlap::of(&[], &set("正品")), Overlap::default());
    }

    #[test]
    fn words_the_question_used_are_set_aside() {
        let asked = set("盘点内容包括哪些？");
        let reference = set_beyond(&sequence("盘点内容包括：数量盘点、重量盘点"), &asked);
        let echo = set_beyond(&sequence("盘点内容包括很多"), &asked);
        let answer = set_beyond(&sequence("数量和重量"), &asked);
        assert!(
            share(&echo, &reference) < 0.2,
            "{}",
            share(&echo, &reference)
        );
        assert!(share(&answer, &reference) > 0.6);
    }

    #[test]
    fn phrases_count_only_in_the_reference_order() {
        let reference = sequence("stack pointer moves");
        assert_eq!(
            phrase_recall(&sequence("the stack pointer jumps"), &reference),
            0.5
        );
        assert_eq!(phrase_recall(&sequence("pointer stack"), &reference), 0.0);
        assert_eq!(phrase_recall(&reference, &[]), 0.0);
    }
}
