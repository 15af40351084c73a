//! Text normalisation shared by scoring, rubric checks and (later) mining.
//!
//! Two views of a text come out of here:
//! - `fold`: full-/half-width folded, lower-cased, traditional→simplified, whitespace
//!   removed — still readable, punctuation kept, so rubric phrases and diffs work on it;
//! - `tokens`: the comparison units. Each CJK character is one token, each run of
//!   Latin letters or digits is one token (word-level for Latin script), punctuation
//!   and symbols are dropped.

/// An automaton over a built-in phrase list, for finding any of them in one
/// pass: the leftmost phrase wins, the earlier in the list where two start at
/// the same place (as `min_by_key` over the list's `find`s would).
pub fn finder(phrases: &[&str]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(phrases)
        .unwrap_or_else(|e| unreachable!("fixed phrases: {e}"))
}

/// Tokens are `u32`: a CJK character is its code point; a Latin word is hashed into
/// the range above Unicode's last code point, so the two can never collide.
pub type Token = u32;

const WORD_BASE: u32 = 0x0011_0000;

/// The texts in order, each kept once: a later text that folds to the same as
/// an earlier one (width, case, spacing, traditional/simplified) is dropped.
pub fn distinct(texts: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    texts.into_iter().filter(|t| seen.insert(fold(t))).collect()
}

/// Folds width, case and script variant; removes whitespace, except one space where
/// it separates two Latin words ("within 24"), which must stay two tokens.
pub fn fold(text: &str) -> String {
    let mut half = String::with_capacity(text.len());
    let mut gap = false;
    let mut push = |c: char| {
        if c.is_whitespace() {
            gap = true;
            return;
        }
        if gap && is_latin_word_char(c) && half.chars().next_back().is_some_and(is_latin_word_char)
        {
            half.push(' ');
        }
        gap = false;
        half.push(c);
    };
    for c in text.chars().map(fold_width) {
        // Common ideographs have no case: skip Unicode's tables for them.
        if is_common_ideograph(c) {
            push(c);
        } else {
            c.to_lowercase().for_each(&mut push);
        }
    }
    fast2s::convert(&half)
}

/// The stretch of `original` that folds to `needle` (itself folded), as
/// written there: a phrase found on folded texts shown the way its author
/// wrote it ("PP材质", not "pp材质"). None if no stretch folds to it.
pub fn find_folded<'a>(original: &'a str, needle: &str) -> Option<&'a str> {
    if needle.is_empty() {
        return None;
    }
    let starts: Vec<usize> = original.char_indices().map(|(i, _)| i).collect();
    for &start in &starts {
        let rest = &original[start..];
        let mut end = start;
        for c in rest.chars() {
            end += c.len_utf8();
            let folded = fold(&original[start..end]);
            if folded == needle {
                return Some(original[start..end].trim());
            }
            if folded.len() > needle.len() || !needle.starts_with(&folded) {
                break;
            }
        }
    }
    None
}

fn is_latin_word_char(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

/// The CJK Unified Ideographs block: most of any Chinese text, all letters.
pub fn is_common_ideograph(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF)
}

/// A CJK character that is a letter or digit, not punctuation; common
/// ideographs are answered without Unicode's tables (a hot path of scoring).
pub fn is_cjk_letter(c: char) -> bool {
    is_common_ideograph(c) || (is_cjk(c) && c.is_alphanumeric())
}

pub fn fold_width(c: char) -> char {
    match c as u32 {
        // Full-width ASCII block maps 1:1 onto printable ASCII.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// True for characters that are compared one by one (Han, kana, Hangul…).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Splits an already folded text into comparison tokens.
pub fn tokens_of_folded(folded: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(folded.len() / 2);
    let mut word: Option<u32> = None; // running FNV-1a hash of the current Latin word
    for c in folded.chars() {
        // Private-use characters stand for masked data (see `mining::matchkey`).
        if is_cjk_letter(c) || is_private_use(c) {
            flush_word(&mut word, &mut out);
            out.push(c as u32);
        } else if is_latin_word_char(c) {
            let h = word.unwrap_or(0x811C_9DC5);
            word = Some((h ^ c as u32).wrapping_mul(0x0100_0193));
        } else {
            flush_word(&mut word, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    out
}

pub fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The token of one Latin word, as `tokens_of_folded` would make it.
pub fn word_token(word: &str) -> Token {
    let h = word.chars().fold(0x811C_9DC5_u32, |h, c| {
        (h ^ c as u32).wrapping_mul(0x0100_0193)
    });
    hashed_word(h)
}

fn hashed_word(h: u32) -> Token {
    WORD_BASE + h % (u32::MAX - WORD_BASE)
}

fn flush_word(word: &mut Option<u32>, out: &mut Vec<Token>) {
    if let Some(h) = word.take() {
        out.push(hashed_word(h));
    }
}

/// Tokens of a raw text: `tokens_of_folded(&fold(text))`.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_of_folded(&fold(text))
}

/// Number of user-visible characters, the unit in which answer limits are stated.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Bytes as lower-case hex: tokens, keys and content hashes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Text from a file, safe to print on a terminal: control characters (which
/// could move the cursor or change colours) are shown escaped.
pub fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let shown: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            shown
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_found_on_folded_text_is_shown_as_written() {
        let original = "外壳是PP材质，內膽是 304 不鏽鋼";
        assert_eq!(find_folded(original, &fold("pp材质")), Some("PP材质"));
        assert_eq!(find_folded(original, &fold("内胆")), Some("內膽"));
        assert_eq!(find_folded(original, "铝合金"), None);
        assert_eq!(find_folded(original, ""), None);
    }

    #[test]
    fn control_characters_from_files_are_printed_escaped() {
        assert_eq!(printable("a\u{1b}[31mb\n题"), "a\\u{1b}[31mb\\n题");
    }

    #[test]
    fn full_width_letters_and_digits_fold_to_ascii() {
        assert_eq!(fold("ＡＢＣ１２３！"), "abc123!");
    }

    #[test]
    fn traditional_characters_fold_to_simplified() {
        assert_eq!(fold("請您放心，這款是正品"), fold("请您放心,这款是正品"));
    }

    #[test]
    fn whitespace_is_removed_but_punctuation_kept_in_the_folded_view() {
        assert_eq!(fold(" 亲 ， 在的 "), "亲,在的");
    }

    #[test]
    fn chinese_is_tokenised_per_character_and_latin_per_word() {
        let t = tokens("发货 within 24 小时!");
        assert_eq!(t.len(), 6); // 发 货 within 24 小 时
        assert_eq!(t[0], '发' as u32);
        assert!(t[2] >= WORD_BASE && t[3] >= WORD_BASE);
        assert_ne!(t[2], t[3]);
    }

    #[test]
    fn punctuation_and_emoji_produce_no_tokens() {
        assert!(tokens("，。！？…… 😀 ~~").is_empty());
    }

    #[test]
    fn the_same_word_always_gets_the_same_token() {
        assert_eq!(tokens("Hello world"), tokens("HELLO, World!"));
    }

    #[test]
    fn distinct_keeps_the_first_of_texts_that_fold_alike() {
        let texts = ["亲，马上发货", "亲, 马上发货", "亲，马上發貨", "好的"].map(String::from);
        assert_eq!(distinct(texts.to_vec()), ["亲，马上发货", "好的"]);
    }
}
