//! What two questions are compared on: the folded text with personal-data
//! placeholders as single tokens, politeness and particles dropped, and domain
//! synonyms rewritten to one word ("寄出"/"发出" → "发货", "退钱" → "退款"), so
//! "亲，怎么还没寄出呀" and "为什么还不发货" share most of their tokens.

use foldhash::HashMap;

use super::mask::PLACEHOLDERS;
use crate::domain::text::{self, Token};

/// Phrase rewrites, applied longest match first at each position.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// First character → (phrase, replacement), longest phrase first.
    by_first: HashMap<char, Vec<(String, String)>>,
}

impl Synonyms {
    /// `groups`: a canonical word and the phrases that mean the same. An empty
    /// canonical word drops its phrases.
    pub fn new<'a>(groups: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Self {
        let mut by_first: HashMap<char, Vec<(String, String)>> = HashMap::default();
        for (canonical, phrases) in groups {
            let canonical = text::fold(canonical);
            for phrase in phrases.iter().chain(std::iter::once(&canonical)) {
                let phrase = text::fold(phrase);
                if let Some(first) = phrase.chars().next() {
                    by_first
                        .entry(first)
                        .or_default()
                        .push((phrase, canonical.clone()));
                }
            }
        }
        for list in by_first.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
            list.dedup_by(|a, b| a.0 == b.0);
        }
        Self { by_first }
    }

    fn rewrite(&self, folded: &str) -> String {
        let mut out = String::with_capacity(folded.len());
        let mut rest = folded;
        while let Some(c) = rest.chars().next() {
            let hit = self
                .by_first
                .get(&c)
                .and_then(|list| list.iter().find(|(p, _)| rest.starts_with(p.as_str())));
            match hit {
                Some((phrase, canonical)) => {
                    out.push_str(canonical);
                    rest = &rest[phrase.len()..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }
}

/// A placeholder becomes one private-use character, so "{订单号}" is one token
/// that matches only itself.
fn placeholders_as_tokens(folded: &str) -> String {
    if !folded.contains('{') {
        return folded.to_string();
    }
    let mut s = folded.to_string();
    for (i, p) in PLACEHOLDERS.iter().enumerate() {
        if s.contains(p) {
            let token = char::from_u32(0xE000 + i as u32).unwrap_or('#');
            s = s.replace(p, &token.to_string());
        }
    }
    s
}

/// A masked message folded, with placeholders as single characters and
/// synonyms rewritten: what keys are cut from and tag keywords are found in.
pub fn canonical(masked: &str, synonyms: &Synonyms) -> String {
    synonyms.rewrite(&placeholders_as_tokens(&text::fold(masked)))
}

/// The comparison tokens of a masked message.
pub fn key(masked: &str, synonyms: &Synonyms) -> Vec<Token> {
    text::tokens_of_folded(&canonical(masked, synonyms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synonyms() -> Synonyms {
        let groups: Vec<(&str, Vec<String>)> = vec![
            ("发货", vec!["寄出".into(), "发出".into()]),
            ("为什么", vec!["为啥".into(), "怎么还".into()]),
            ("还没", vec!["还不".into(), "还没有".into(), "没".into()]),
            ("", vec!["亲".into(), "呀".into(), "吗".into(), "啊".into()]),
            ("什么", vec![]),
        ];
        Synonyms::new(groups.iter().map(|(c, v)| (*c, v.as_slice())))
    }

    fn show(tokens: &[Token]) -> String {
        tokens.iter().filter_map(|t| char::from_u32(*t)).collect()
    }

    #[test]
    fn paraphrases_share_their_key() {
        let s = synonyms();
        assert_eq!(show(&key("亲，为啥还没有寄出呀？", &s)), "为什么还没发货");
        assert_eq!(show(&key("為什麼還不發貨啊", &s)), "为什么还没发货");
        assert_eq!(show(&key("怎么还没发出", &s)), "为什么还没发货");
    }

    #[test]
    fn the_longest_phrase_wins_and_words_inside_words_survive() {
        let s = synonyms();
        // "什么" is listed as itself, so the particle rule for "么"-like endings
        // cannot split it; "还没有" beats "还没".
        assert_eq!(show(&key("什么时候发货", &s)), "什么时候发货");
        assert_eq!(show(&key("还没有发货", &s)), "还没发货");
    }

    #[test]
    fn a_placeholder_is_one_token() {
        let s = synonyms();
        let k = key("{订单号}还没发货", &s);
        assert_eq!(k.len(), 5);
        assert_eq!(key("{订单号}", &s), key("{订单号}", &s));
        assert_ne!(key("{订单号}", &s), key("{手机号}", &s));
    }
}
