//! What the official reply-script library needs from the core: a script's
//! placeholders (`{称呼}`, `{订单号}` …, filled in by the agent for each
//! customer) found for highlighting, the banned phrases a script must not
//! contain before it is published, and the index that finds the scripts for
//! a customer's message.

use super::facts::FactCheck;
use serde::Serialize;

use std::collections::HashMap;

mod upkeep;
pub use upkeep::{freshness, item_references, Freshness, FAR};

use super::mining::cluster::{shingles, Weights};
use super::mining::mask::mask_for_key;
use super::mining::matchkey::{key, Synonyms};
use super::rubric::{Check, Settings};
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
/// counts for more than a shared "怎么". Held as an inverted index (shingle →
/// wordings), so a query touches only the wordings it shares something with.
pub struct Index {
    /// Per wording: the slot of its script, its text, and its shingles'
    /// total weight.
    slot_of: Vec<u32>,
    wordings: Vec<String>,
    totals: Vec<f32>,
    /// Per slot: the script's id.
    scripts: Vec<i64>,
    postings: HashMap<u64, Vec<u32>>,
    weights: Weights,
}

/// A shingle in more wordings than this (and than a 32nd of them) is
/// "common": it adds weight to wordings found by rarer ones but finds none
/// itself, unless the answer could then be wrong (see `Index::best`).
const COMMON_LIST: usize = 256;

/// Per-thread working arrays of a query, kept zeroed between queries: a
/// large array freshly allocated costs page faults on every query.
#[derive(Default)]
struct Scratch {
    /// Weight shared with the message, per wording.
    shared: Vec<f32>,
    /// Best (score, wording) per script slot; `u32::MAX`: none yet.
    per_slot: Vec<(f64, u32)>,
}

impl Scratch {
    fn fit(&mut self, wordings: usize, slots: usize) {
        if self.shared.len() < wordings {
            self.shared.resize(wordings, 0.0);
        }
        if self.per_slot.len() < slots {
            self.per_slot.resize(slots, (0.0, u32::MAX));
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Index {
    pub fn build(entries: &[Entry], synonyms: &Synonyms) -> Index {
        Self::build_with(entries, synonyms, true)
    }

    /// With `idf` false every shingle weighs the same (the matching
    /// benchmark measures what the IDF weights bring).
    pub fn build_with(entries: &[Entry], synonyms: &Synonyms, idf: bool) -> Index {
        let mut keys = Vec::new();
        let mut slot_of = Vec::new();
        let mut wordings = Vec::new();
        for (slot, entry) in entries.iter().enumerate() {
            for wording in &entry.wordings {
                keys.push(key(&mask_for_key(wording), synonyms));
                slot_of.push(slot as u32);
                wordings.push(wording.clone());
            }
        }
        let weights = if idf {
            Weights::from_keys(keys.iter().map(Vec::as_slice))
        } else {
            Weights::default()
        };
        let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut totals = Vec::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            let shingles = shingles(k);
            totals.push(shingles.iter().map(|s| weights.weight(*s)).sum());
            for s in shingles {
                postings.entry(s).or_default().push(i as u32);
            }
        }
        Index {
            slot_of,
            wordings,
            totals,
            scripts: entries.iter().map(|e| e.script).collect(),
            postings,
            weights,
        }
    }

    /// How many wordings the index holds.
    pub fn len(&self) -> usize {
        self.wordings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wordings.is_empty()
    }

    /// The `top` scripts most like `message`, best first, each by its
    /// closest wording; scripts sharing nothing with it are left out. The
    /// likeness is the weighted Jaccard of shingles, as mining clusters by.
    pub fn best(&self, message: &str, synonyms: &Synonyms, top: usize) -> Vec<Match> {
        let common = COMMON_LIST.max(self.wordings.len() / 32);
        self.best_with(message, synonyms, top, common)
    }

    /// Common shingles (lists longer than `common`) only add to wordings the
    /// rarer ones found. A wording sharing only common shingles scores at
    /// most their weight over the message's, so when the `top`-th score
    /// found beats that bound the answer is exact; otherwise every shingle
    /// finds wordings and the query runs again.
    fn best_with(
        &self,
        message: &str,
        synonyms: &Synonyms,
        top: usize,
        common: usize,
    ) -> Vec<Match> {
        let asked = shingles(&key(&mask_for_key(message), synonyms));
        if asked.is_empty() || top == 0 {
            return Vec::new();
        }
        let asked_total: f32 = asked.iter().map(|s| self.weights.weight(*s)).sum();
        let mut lists: Vec<(&[u32], f32)> = asked
            .iter()
            .filter_map(|s| Some((self.postings.get(s)?.as_slice(), self.weights.weight(*s))))
            .collect();
        lists.sort_by_key(|(list, _)| list.len());
        let finders = lists.iter().take_while(|(l, _)| l.len() <= common).count();
        let bound = lists[finders..].iter().map(|(_, w)| w).sum::<f32>() / asked_total;
        let found = self.score(&lists, finders, asked_total, top);
        let exact = finders == lists.len()
            || (found.len() == top && found.last().is_some_and(|m| m.score > f64::from(bound)));
        if exact {
            found
        } else {
            self.score(&lists, lists.len(), asked_total, top)
        }
    }

    /// The best `top` scripts among the wordings the first `finders` lists
    /// hold, with every list's weight added.
    fn score(
        &self,
        lists: &[(&[u32], f32)],
        finders: usize,
        asked_total: f32,
        top: usize,
    ) -> Vec<Match> {
        let ranked = SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.fit(self.wordings.len(), self.scripts.len());
            self.rank(&mut scratch, lists, finders, asked_total)
        });
        self.top_of(ranked, top)
    }

    /// Each script's closest wording among those found, as (score, script,
    /// wording); `scratch` is left zeroed again.
    fn rank(
        &self,
        scratch: &mut Scratch,
        lists: &[(&[u32], f32)],
        finders: usize,
        asked_total: f32,
    ) -> Vec<(f64, i64, u32)> {
        let Scratch { shared, per_slot } = scratch;
        let mut touched: Vec<u32> = Vec::new();
        for (list, w) in &lists[..finders] {
            for &i in *list {
                if shared[i as usize] == 0.0 {
                    touched.push(i);
                }
                shared[i as usize] += w;
            }
        }
        for (list, w) in &lists[finders..] {
            for &i in *list {
                if shared[i as usize] > 0.0 {
                    shared[i as usize] += w;
                }
            }
        }
        // The closest wording of each script (the first on a tie).
        let mut slots: Vec<u32> = Vec::new();
        for i in touched {
            let both = std::mem::take(&mut shared[i as usize]);
            let score = f64::from(both) / f64::from(asked_total + self.totals[i as usize] - both);
            let slot = self.slot_of[i as usize];
            let best = &mut per_slot[slot as usize];
            if best.1 == u32::MAX {
                slots.push(slot);
                *best = (score, i);
            } else if score > best.0 || (score == best.0 && i < best.1) {
                *best = (score, i);
            }
        }
        slots
            .into_iter()
            .map(|slot| {
                let (score, i) = std::mem::replace(&mut per_slot[slot as usize], (0.0, u32::MAX));
                (score, self.scripts[slot as usize], i)
            })
            .collect()
    }

    /// The `top` best, best first (ties: the lower script id first).
    fn top_of(&self, mut ranked: Vec<(f64, i64, u32)>, top: usize) -> Vec<Match> {
        let by_rank =
            |a: &(f64, i64, u32), b: &(f64, i64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if ranked.len() > top {
            ranked.select_nth_unstable_by(top - 1, by_rank);
            ranked.truncate(top);
        }
        ranked.sort_by(by_rank);
        ranked
            .into_iter()
            .map(|(score, script, i)| Match {
                script,
                score,
                wording: self.wordings[i as usize].clone(),
            })
            .collect()
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
    /// The script's figures and claims the draft leaves out, states
    /// otherwise or turns round (none without a script).
    pub facts: FactCheck,
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
        facts: scored.as_ref().map(|r| r.facts.clone()).unwrap_or_default(),
        missing: script
            .map(|s| missing_points(&folded, s))
            .unwrap_or_default(),
    }
}

/// What the script says that the folded reply does not, leaving out the
/// script's placeholders: the agent fills those in (a name, an order number)
/// and need not repeat "称呼".
fn missing_points(folded_reply: &str, script: &str) -> Vec<String> {
    let plain: String = pieces(script)
        .into_iter()
        .map(|p| {
            if p.placeholder {
                "，".to_string()
            } else {
                p.text
            }
        })
        .collect();
    diff::missing_phrases(folded_reply, &text::fold(&plain))
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

    proptest::proptest! {
        /// The inverted index scores exactly as comparing the message with
        /// every wording would: each script by its closest wording.
        #[test]
        fn the_index_scores_as_comparing_with_every_wording(
            wordings in proptest::collection::vec("[发货退款开票正品几天吗什么时候能a-c ]{1,8}", 1..12),
            message in "[发货退款开票正品几天吗什么时候能a-c ]{1,8}",
        ) {
            let synonyms = Synonyms::default();
            let entries: Vec<Entry> = wordings
                .chunks(2)
                .enumerate()
                .map(|(i, w)| Entry { script: i as i64, wordings: w.to_vec() })
                .collect();
            let index = Index::build(&entries, &synonyms);
            let asked = key(&mask_for_key(&message), &synonyms);
            let found = index.best(&message, &synonyms, entries.len());
            // Every shingle common: the pruned path must give the same.
            let pruned = index.best_with(&message, &synonyms, entries.len(), 1);
            proptest::prop_assert_eq!(&found, &pruned);
            let top2 = index.best_with(&message, &synonyms, 2, 1);
            proptest::prop_assert_eq!(&found[..found.len().min(2)], &top2[..]);
            // A message with nothing to match on (only spaces, particles) finds nothing.
            if asked.is_empty() {
                proptest::prop_assert!(found.is_empty());
                return Ok(());
            }
            for entry in &entries {
                let expected = entry
                    .wordings
                    .iter()
                    .map(|w| index.weights.similarity(&asked, &key(&mask_for_key(w), &synonyms)))
                    .fold(0.0f64, f64::max);
                let got = found.iter().find(|m| m.script == entry.script).map_or(0.0, |m| m.score);
                proptest::prop_assert!((expected - got).abs() < 1e-5, "{expected} vs {got}");
            }
        }
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
        // A filled placeholder is no missing point.
        let named = check_reply("王女士，您好，已为您办理", Some("{称呼}，您好，已为您办理"));
        assert!(named.missing.is_empty(), "{named:?}");
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

    #[test]
    fn a_draft_that_states_another_figure_than_the_script_is_told_which() {
        let script = "亲，本店支持7天无理由退货，寄回后1-3个工作日退款";
        let draft = check_reply("亲，支持15天无理由退货，寄回后三个工作日退款", Some(script));
        assert_eq!(
            draft.facts.wrong,
            vec![("7天无理由".to_string(), "15天无理由".to_string())]
        );
        let faithful = "亲，支持七天无理由退货，寄回后三个工作日内退款";
        assert!(check_reply(faithful, Some(script)).facts.wrong.is_empty());
        assert_eq!(check_reply("亲", None).facts, FactCheck::default());
    }
}
