//! What the official reply-script library needs from the core: a script's
//! placeholders (`{称呼}`, `{订单号}` …, filled in by the agent for each
//! customer) found for highlighting, and the banned phrases a script must not
//! contain before it is published.

use serde::Serialize;

use super::{rubric, text};

/// A run of a script's text: a placeholder or plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub text: String,
    pub placeholder: bool,
}

/// Longest placeholder name, so a stray `{` does not swallow the rest.
const PLACEHOLDER_MAX: usize = 12;

/// The script cut into plain runs and `{…}` placeholders (a `{` with no `}`
/// soon after, or an empty `{}`, is plain text).
pub fn pieces(script: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |text: &str, placeholder: bool| match out.last_mut() {
        Some(last) if !placeholder && !last.placeholder => last.text.push_str(text),
        _ => out.push(Piece {
            text: text.to_string(),
            placeholder,
        }),
    };
    let mut rest = script;
    while let Some(open) = rest.find(['{', '｛']) {
        let after = &rest[open..];
        let brace = after.chars().next().map_or(1, char::len_utf8);
        let close = after[brace..]
            .char_indices()
            .take(PLACEHOLDER_MAX + 1)
            .find(|(_, c)| matches!(c, '}' | '｝' | '{' | '｛'))
            .filter(|(at, c)| *at > 0 && matches!(c, '}' | '｝'))
            .map(|(at, c)| brace + at + c.len_utf8());
        match close {
            Some(end) => {
                push(&rest[..open], false);
                push(&after[..end], true);
                rest = &after[end..];
            }
            None => {
                push(&rest[..open + brace], false);
                rest = &rest[open + brace..];
            }
        }
    }
    push(rest, false);
    out.retain(|p| !p.text.is_empty());
    out
}

/// The placeholders a script holds, each once, in order.
pub fn placeholders(script: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in pieces(script).into_iter().filter(|p| p.placeholder) {
        if !out.contains(&p.text) {
            out.push(p.text);
        }
    }
    out
}

/// The banned phrases (the rubric's, plus the team's `extra`) a script holds.
pub fn banned(script: &str, extra: &[String]) -> Vec<String> {
    let extra: Vec<String> = extra.iter().map(|w| text::fold(w)).collect();
    rubric::inspect(&text::fold(script), &extra).banned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_cut_out_of_the_text_in_order() {
        let script = "{称呼}您好，订单{订单号}预计{预计时间}送达，{称呼}请留意";
        let cut = pieces(script);
        assert_eq!(
            cut.iter().map(|p| p.text.as_str()).collect::<String>(),
            script
        );
        assert_eq!(placeholders(script), ["{称呼}", "{订单号}", "{预计时间}"]);
        assert!(cut[0].placeholder && !cut[1].placeholder);
    }

    #[test]
    fn braces_that_hold_no_placeholder_stay_text() {
        for plain in [
            "价格{",
            "{}",
            "一个{很长很长很长很长很长很长的括号}",
            "a{b{c}",
        ] {
            let cut = pieces(plain);
            assert_eq!(
                cut.iter().map(|p| p.text.as_str()).collect::<String>(),
                plain
            );
            let found: Vec<&str> = cut
                .iter()
                .filter(|p| p.placeholder)
                .map(|p| p.text.as_str())
                .collect();
            assert!(
                found.len() <= 1 && found.iter().all(|f| f.chars().count() <= 14),
                "{plain}: {found:?}"
            );
        }
        assert_eq!(placeholders("a{b{c}"), ["{c}"]);
        assert_eq!(placeholders("全角｛称呼｝也算"), ["｛称呼｝"]);
    }

    #[test]
    fn a_script_with_a_banned_phrase_is_caught_with_its_words() {
        assert_eq!(banned("亲，本品保证最好，绝对有效", &[]), ["最好", "绝对"]);
        assert!(banned("亲，今天18点前发出", &[]).is_empty());
        assert_eq!(
            banned("亲，这款很耐用", &["耐用".into()]),
            ["耐用"],
            "the team's own words too"
        );
    }
}
