//! What the official reply-script library needs from the core: a script's
//! placeholders (`{称呼}`, `{订单号}` …, filled in by the agent for each
//! customer) found for highlighting, the banned phrases a script must not
//! contain before it is published, and the index that finds the scripts for
//! a customer's message.

use serde::Serialize;

use super::mining::cluster::Weights;
use super::mining::mask::mask;
use super::mining::matchkey::{key, Synonyms};
use super::rubric::{Check, Settings};
use super::text::Token;
use super::{diff, rubric, scoring, text};

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

/// A script and the wordings of its question it is found by: the question
/// itself, its alternates, the members of its mined group.
pub struct Entry {
    pub script: i64,
    pub wordings: Vec<String>,
}

/// A script found for a message: how alike (0–1) and which wording matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub script: i64,
    pub score: f64,
    pub wording: String,
}

/// The library's wordings keyed as mining keys customer questions (personal
/// data masked, width, case and script folded, synonyms and particles
/// rewritten), with the IDF weights of their shingles, so a shared "发票"
/// counts for more than a shared "怎么".
pub struct Index {
    keys: Vec<(i64, usize, Vec<Token>)>,
    wordings: Vec<String>,
    weights: Weights,
}

impl Index {
    pub fn build(entries: &[Entry], synonyms: &Synonyms) -> Index {
        let mut keys = Vec::new();
        let mut wordings = Vec::new();
        for entry in entries {
            for wording in &entry.wordings {
                keys.push((entry.script, wordings.len(), key(&mask(wording), synonyms)));
                wordings.push(wording.clone());
            }
        }
        let weights = Weights::from_keys(keys.iter().map(|(_, _, k)| k.as_slice()));
        Index {
            keys,
            wordings,
            weights,
        }
    }

    /// The `top` scripts most like `message`, best first, each by its
    /// closest wording; scripts sharing nothing with it are left out.
    pub fn best(&self, message: &str, synonyms: &Synonyms, top: usize) -> Vec<Match> {
        let asked = key(&mask(message), synonyms);
        if asked.is_empty() {
            return Vec::new();
        }
        let mut best: Vec<Match> = Vec::new();
        for (script, wording, k) in &self.keys {
            let score = self.weights.similarity(&asked, k);
            if score <= 0.0 {
                continue;
            }
            match best.iter_mut().find(|m| m.script == *script) {
                Some(m) if m.score >= score => {}
                Some(m) => {
                    m.score = score;
                    m.wording = self.wordings[*wording].clone();
                }
                None => best.push(Match {
                    script: *script,
                    score,
                    wording: self.wordings[*wording].clone(),
                }),
            }
        }
        best.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.script.cmp(&b.script)));
        best.truncate(top);
        best
    }
}

/// One line of the self-check list: a rubric check and the phrase that
/// satisfied it, if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckLine {
    pub check: Check,
    pub found: Option<String>,
    /// The official script does it, so the reply should too.
    pub expected: bool,
}

/// An agent's draft reply checked before sending: the rubric, banned or
/// cold phrases, and, against the official script when there is one, the
/// automatic score and what the draft leaves out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplyCheck {
    pub checks: Vec<CheckLine>,
    pub banned: Vec<String>,
    pub score: Option<f64>,
    pub missing: Vec<String>,
}

/// Checks `reply` on its own, or against `script` (the official answer to
/// the customer's message) when one was found.
pub fn check_reply(reply: &str, script: Option<&str>) -> ReplyCheck {
    let folded = text::fold(reply);
    let findings = rubric::inspect(&folded, &[]);
    let scored = script.and_then(|s| {
        scoring::Question::new(&[s.to_string()], Settings::default())
            .ok()
            .map(|q| q.score(reply))
    });
    let expected = |check: Check| {
        scored
            .as_ref()
            .is_some_and(|r| r.checks.iter().any(|c| c.check == check && c.expected))
    };
    ReplyCheck {
        checks: Check::ALL
            .iter()
            .map(|check| CheckLine {
                check: *check,
                found: findings
                    .found
                    .iter()
                    .find(|(c, _)| c == check)
                    .map(|(_, phrase)| phrase.clone()),
                expected: expected(*check),
            })
            .collect(),
        banned: findings.banned,
        score: scored.as_ref().map(|r| r.score),
        missing: script
            .map(|s| diff::missing_phrases(&folded, &text::fold(s)))
            .unwrap_or_default(),
    }
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

    fn library() -> Vec<Entry> {
        [
            (1, vec!["什么时候发货", "几天能发货"]),
            (2, vec!["退款什么时候到账"]),
            (3, vec!["能开发票吗", "发票怎么开"]),
            (4, vec!["是正品吗"]),
        ]
        .into_iter()
        .map(|(script, w)| Entry {
            script,
            wordings: w.into_iter().map(String::from).collect(),
        })
        .collect()
    }

    #[test]
    fn a_noisy_customer_message_finds_its_script_first() {
        let synonyms = Synonyms::default();
        let index = Index::build(&library(), &synonyms);
        for (message, script) in [
            ("亲，在吗？我想问下什么时候發貨啊？？", 1),
            ("订单3012345678901234567退款什么时候到账", 2),
            ("你好 发票怎么开呀", 3),
            ("保证是正品吗😊", 4),
        ] {
            let found = index.best(message, &synonyms, 3);
            assert_eq!(
                found.first().map(|m| m.script),
                Some(script),
                "{message}: {found:?}"
            );
        }
        let found = index.best("几天能发货", &synonyms, 3);
        assert_eq!(found[0].wording, "几天能发货", "the wording that matched");
        assert!((found[0].score - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_message_sharing_nothing_finds_nothing() {
        let synonyms = Synonyms::default();
        let index = Index::build(&library(), &synonyms);
        assert!(index.best("😊😊", &synonyms, 3).is_empty());
        assert!(index.best("", &synonyms, 3).is_empty());
        assert!(Index::build(&[], &synonyms)
            .best("发货", &synonyms, 3)
            .is_empty());
    }

    #[test]
    fn a_draft_is_checked_against_the_rubric_and_the_official_script() {
        let script = "非常抱歉让您久等了，我马上联系快递核实，今天下午五点前给您回复，谢谢您的耐心";
        let cold = check_reply("快递的问题你自己看吧，我也没办法", Some(script));
        assert!(cold.banned.iter().any(|b| b == "没办法"), "{cold:?}");
        assert!(cold
            .checks
            .iter()
            .any(|c| c.check == Check::Empathy && c.expected && c.found.is_none()));
        assert!(!cold.missing.is_empty());
        let warm = check_reply(script, Some(script));
        assert!(warm.banned.is_empty() && warm.missing.is_empty());
        assert!(
            warm.score > cold.score,
            "{:?} vs {:?}",
            warm.score,
            cold.score
        );
        let alone = check_reply("谢谢亲", None);
        assert_eq!(alone.score, None);
        assert!(alone
            .checks
            .iter()
            .any(|c| c.check == Check::Thanks && c.found.is_some()));
        assert!(alone.checks.iter().all(|c| !c.expected));
    }
}
