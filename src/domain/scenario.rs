//! Scenario dialogues: a customer's messages arrive one at a time, the trainee
//! replies to each, and the next message depends on whether the reply calmed
//! the customer or escalated (the branching is written in the bank file).
//! A reply calms when it meets the customer's feeling and says nothing cold;
//! each turn is scored like any answer, and the scenario adds how well the
//! feeling was met before the facts.
//!
//! The stored answer is the transcript, one message per line ("顾客：…",
//! "客服：…"), which is what reviewers and leads read; the replies are read
//! back from it.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::bank::Problems;
use super::rubric;
use super::text::{self, char_len};
use super::types::AnswerText;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The first turn opens the conversation.
    pub turns: Vec<Turn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub id: String,
    /// What the customer says.
    pub customer: String,
    /// Good replies to it.
    pub references: Vec<String>,
    /// The turn that follows a calming reply; None ends the conversation.
    pub calm: Option<String>,
    /// The turn that follows an escalating reply; None ends it.
    pub escalate: Option<String>,
}

/// How a reply met the customer's feeling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feeling {
    /// Met in its first two clauses, before the facts.
    MetFirst,
    /// Met, but only after the facts.
    MetLate,
    /// Not met.
    Missed,
    /// Cold or dismissive (a banned phrasing), whatever else it says.
    Cold,
}

impl Feeling {
    /// A reply that meets the feeling and says nothing cold calms the customer.
    pub fn calms(self) -> bool {
        matches!(self, Feeling::MetFirst | Feeling::MetLate)
    }

    /// Its part of the emotion-handling score, 0–1.
    pub fn credit(self) -> f64 {
        match self {
            Feeling::MetFirst => 1.0,
            Feeling::MetLate => 0.5,
            Feeling::Missed | Feeling::Cold => 0.0,
        }
    }
}

/// Clauses within which the feeling counts as met first.
const FIRST_CLAUSES: usize = 2;

pub fn feeling(reply: &str) -> Feeling {
    let folded = text::fold(reply);
    if !rubric::inspect(&folded, &[]).banned.is_empty() {
        return Feeling::Cold;
    }
    match rubric::empathy_clause(&folded) {
        Some(at) if at < FIRST_CLAUSES => Feeling::MetFirst,
        Some(_) => Feeling::MetLate,
        None => Feeling::Missed,
    }
}

/// One turn of a conversation as it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Said {
    pub customer: String,
    pub reply: Option<String>,
    pub feeling: Option<Feeling>,
}

impl Scenario {
    fn turn(&self, id: &str) -> Option<&Turn> {
        self.turns.iter().find(|t| t.id == id)
    }

    /// The turns the conversation went through given these replies, in order:
    /// each reply picks the next turn; the last turn returned awaits a reply
    /// unless the conversation ended. Replies past the end are ignored.
    pub fn walk(&self, replies: &[String]) -> Vec<&Turn> {
        let mut path: Vec<&Turn> = self.turns.first().into_iter().collect();
        for reply in replies {
            let Some(last) = path.last() else { break };
            let next = if feeling(reply).calms() {
                &last.calm
            } else {
                &last.escalate
            };
            match next.as_deref().and_then(|id| self.turn(id)) {
                Some(turn) if path.len() <= self.turns.len() => path.push(turn),
                _ => break,
            }
        }
        path
    }

    /// The turn awaiting a reply after `replies`; None once the conversation
    /// has ended.
    pub fn awaiting<'s>(&'s self, replies: &[String]) -> Option<&'s Turn> {
        let path = self.walk(replies);
        (path.len() > replies.len())
            .then(|| path.last().copied())
            .flatten()
    }

    /// The conversation so far, turn by turn.
    pub fn said(&self, replies: &[String]) -> Vec<Said> {
        self.walk(replies)
            .into_iter()
            .enumerate()
            .map(|(i, turn)| Said {
                customer: turn.customer.clone(),
                reply: replies.get(i).cloned(),
                feeling: replies.get(i).map(|r| feeling(r)),
            })
            .collect()
    }

    /// Every reference of every turn, each once: what a scenario question
    /// offers where a plain one offers its references.
    pub fn all_references(&self) -> Vec<String> {
        text::distinct(
            self.turns
                .iter()
                .flat_map(|t| t.references.iter().cloned())
                .collect(),
        )
    }
}

pub const CUSTOMER: &str = "顾客：";
pub const AGENT: &str = "客服：";

/// A reply as one chat message: its line breaks become spaces, so the
/// transcript keeps one message per line.
pub fn one_line(reply: &str) -> String {
    reply.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The transcript stored as the answer.
pub fn transcript(said: &[Said]) -> String {
    let mut out = String::new();
    for s in said {
        out.push_str(CUSTOMER);
        out.push_str(&s.customer);
        out.push('\n');
        if let Some(reply) = &s.reply {
            out.push_str(AGENT);
            out.push_str(reply);
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// The replies of a transcript, in order.
pub fn replies(transcript: &str) -> Vec<String> {
    transcript
        .lines()
        .filter_map(|l| l.strip_prefix(AGENT))
        .map(str::to_string)
        .collect()
}

/// How much of a scenario's score the emotion handling carries.
pub const EMOTION_SHARE: f64 = 0.2;

/// One turn's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnScore {
    pub customer: String,
    pub reply: String,
    /// The turn's own score, as any answer to its customer message (0–100).
    pub score: f64,
    pub feeling: Feeling,
}

/// The scenario's score (0–100) and each turn's: the turns' mean, with the
/// emotion handling's mean as `EMOTION_SHARE` of it. A turn the conversation
/// reached but the trainee left unanswered scores 0.
pub fn score(
    scenario: &Scenario,
    replies: &[String],
    turn_score: &dyn Fn(&Turn, &str) -> f64,
) -> (f64, Vec<TurnScore>) {
    let path = scenario.walk(replies);
    let turns: Vec<TurnScore> = path
        .iter()
        .enumerate()
        .map(|(i, turn)| {
            let reply = replies.get(i).map_or("", String::as_str);
            TurnScore {
                customer: turn.customer.clone(),
                reply: reply.to_string(),
                score: if reply.trim().is_empty() {
                    0.0
                } else {
                    turn_score(turn, reply)
                },
                feeling: if reply.trim().is_empty() {
                    Feeling::Missed
                } else {
                    feeling(reply)
                },
            }
        })
        .collect();
    if turns.is_empty() {
        return (0.0, turns);
    }
    let n = turns.len() as f64;
    let content = turns.iter().map(|t| t.score).sum::<f64>() / n;
    let emotion = 100.0 * turns.iter().map(|t| t.feeling.credit()).sum::<f64>() / n;
    let total = (1.0 - EMOTION_SHARE) * content + EMOTION_SHARE * emotion;
    (total.clamp(0.0, 100.0), turns)
}

/// A turn as a bank file writes it (`[[questions.turns]]`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTurn {
    id: Spanned<String>,
    customer: Spanned<String>,
    references: Spanned<Vec<String>>,
    calm: Option<Spanned<String>>,
    escalate: Option<Spanned<String>>,
}

const MAX_TURNS: usize = 8;
const MAX_CUSTOMER: usize = 500;

/// A turn on a loop of branches, if any (Kahn's algorithm: what is never
/// freed of incoming branches sits on or behind a loop).
fn in_a_loop(edges: &[Vec<usize>]) -> Option<usize> {
    let mut incoming = vec![0usize; edges.len()];
    edges.iter().flatten().for_each(|&to| incoming[to] += 1);
    let mut free: Vec<usize> = (0..edges.len()).filter(|&i| incoming[i] == 0).collect();
    while let Some(i) = free.pop() {
        for &to in &edges[i] {
            incoming[to] -= 1;
            if incoming[to] == 0 {
                free.push(to);
            }
        }
    }
    incoming.iter().position(|&n| n > 0)
}

/// A bank question's turns, each problem noted with its line: ids unique,
/// each turn a customer message and good replies, and every branch naming a
/// turn but the first, some branch reaching every turn, and no loop (so a
/// conversation always ends).
pub(super) fn parse_turns(
    raw: Spanned<Vec<Spanned<RawTurn>>>,
    p: &mut Problems,
) -> Option<Scenario> {
    let before = p.list.len();
    let span = raw.span();
    let raw = raw.into_inner();
    if raw.is_empty() || raw.len() > MAX_TURNS {
        p.add(
            span,
            "questions.turns",
            format!("a scenario has 1–{MAX_TURNS} turns"),
        );
    }
    let ids: Vec<&str> = raw
        .iter()
        .map(|t| t.get_ref().id.get_ref().as_str())
        .collect();
    let mut reached = vec![false; raw.len()];
    reached[..raw.len().min(1)].fill(true);
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); raw.len()];
    for (i, t) in raw.iter().enumerate() {
        let t = t.get_ref();
        if p.slug(&t.id, "questions.turns.id") && ids[..i].contains(&t.id.get_ref().as_str()) {
            p.add(
                t.id.span(),
                "questions.turns.id",
                "used twice in this scenario",
            );
        }
        let customer = t.customer.get_ref().trim();
        if customer.is_empty() || char_len(customer) > MAX_CUSTOMER {
            let message = format!("the customer's message is 1–{MAX_CUSTOMER} characters");
            p.add(t.customer.span(), "questions.turns.customer", message);
        }
        let good = t
            .references
            .get_ref()
            .iter()
            .filter(|r| !r.trim().is_empty())
            .count();
        let too_long = t
            .references
            .get_ref()
            .iter()
            .any(|r| char_len(r) > AnswerText::MAX);
        if good == 0 || too_long {
            let message = format!(
                "give 1 or more replies of at most {} characters",
                AnswerText::MAX
            );
            p.add(t.references.span(), "questions.turns.references", message);
        }
        for (field, next) in [("calm", &t.calm), ("escalate", &t.escalate)] {
            let Some(next) = next else { continue };
            match ids.iter().position(|id| id == next.get_ref()) {
                Some(at) if at != 0 => {
                    reached[at] = true;
                    edges[i].push(at);
                }
                _ => p.add(
                    next.span(),
                    &format!("questions.turns.{field}"),
                    "name another turn of this scenario (not the first) by its id",
                ),
            }
        }
    }
    if let Some(lost) = reached.iter().position(|r| !r) {
        let message = "no calm or escalate leads to this turn";
        p.add(raw[lost].get_ref().id.span(), "questions.turns.id", message);
    }
    if let Some(looped) = in_a_loop(&edges) {
        let message = "its branches lead back to it, so the conversation might never end";
        p.add(
            raw[looped].get_ref().id.span(),
            "questions.turns.id",
            message,
        );
    }
    (p.list.len() == before).then(|| Scenario {
        turns: raw
            .into_iter()
            .map(Spanned::into_inner)
            .map(|t| Turn {
                id: t.id.into_inner(),
                customer: t.customer.into_inner().trim().to_string(),
                references: t
                    .references
                    .into_inner()
                    .into_iter()
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect(),
                calm: t.calm.map(Spanned::into_inner),
                escalate: t.escalate.map(Spanned::into_inner),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(id: &str, customer: &str, calm: Option<&str>, escalate: Option<&str>) -> Turn {
        Turn {
            id: id.into(),
            customer: customer.into(),
            references: vec![format!("参考：{customer}")],
            calm: calm.map(str::to_string),
            escalate: escalate.map(str::to_string),
        }
    }

    fn late_parcel() -> Scenario {
        Scenario {
            turns: vec![
                turn(
                    "open",
                    "快递一周了还没到！",
                    Some("calmer"),
                    Some("angrier"),
                ),
                turn("calmer", "那什么时候能到？", None, None),
                turn("angrier", "你们就是敷衍，我要投诉！", Some("calmer"), None),
            ],
        }
    }

    const WARM: &str = "非常抱歉让您久等了，我马上帮您查物流。";
    const COLD: &str = "物流的事我也没办法，你自己去问快递。";
    const FLAT: &str = "物流显示在运输中。";

    #[test]
    fn a_warm_reply_calms_and_a_cold_or_flat_one_escalates() {
        assert_eq!(feeling(WARM), Feeling::MetFirst);
        assert_eq!(feeling(COLD), Feeling::Cold);
        assert_eq!(feeling(FLAT), Feeling::Missed);
        assert_eq!(
            feeling("物流显示在运输中，预计明天到，这边查到了，给您添麻烦了，抱歉"),
            Feeling::MetLate
        );
    }

    #[test]
    fn the_next_message_follows_how_the_reply_landed() {
        let s = late_parcel();
        let ids = |replies: &[&str]| -> Vec<String> {
            let replies: Vec<String> = replies.iter().map(|r| r.to_string()).collect();
            s.walk(&replies).iter().map(|t| t.id.clone()).collect()
        };
        assert_eq!(ids(&[]), ["open"]);
        assert_eq!(ids(&[WARM]), ["open", "calmer"]);
        assert_eq!(ids(&[COLD]), ["open", "angrier"]);
        assert_eq!(ids(&[FLAT, WARM]), ["open", "angrier", "calmer"]);
        // The angrier customer hangs up on a second cold reply.
        assert_eq!(ids(&[COLD, COLD]), ["open", "angrier"]);
        assert_eq!(ids(&[WARM, WARM, WARM]), ["open", "calmer"]);
    }

    #[test]
    fn the_conversation_awaits_a_reply_until_it_ends() {
        let s = late_parcel();
        let r = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(s.awaiting(&r(&[])).map(|t| t.id.as_str()), Some("open"));
        assert_eq!(
            s.awaiting(&r(&[WARM])).map(|t| t.id.as_str()),
            Some("calmer")
        );
        assert_eq!(s.awaiting(&r(&[WARM, FLAT])), None);
        assert_eq!(s.awaiting(&r(&[COLD, COLD])), None);
    }

    #[test]
    fn the_transcript_gives_its_replies_back() {
        let s = late_parcel();
        let replies = vec![one_line("非常抱歉\n让您久等了"), FLAT.to_string()];
        let text = transcript(&s.said(&replies));
        assert_eq!(
            text,
            "顾客：快递一周了还没到！\n客服：非常抱歉 让您久等了\n顾客：那什么时候能到？\n客服：物流显示在运输中。"
        );
        assert_eq!(super::replies(&text), replies);
    }

    #[test]
    fn meeting_the_feeling_lifts_the_score_and_a_missing_turn_costs_it() {
        let s = late_parcel();
        let flat_score = |_: &Turn, _: &str| 80.0;
        let (warm, turns) = score(&s, &[WARM.into(), WARM.into()], &flat_score);
        assert_eq!(turns.len(), 2);
        assert!((warm - 84.0).abs() < 1e-9, "{warm}");
        let (cold, turns) = score(&s, &[COLD.into()], &flat_score);
        assert_eq!(turns.len(), 2, "the angrier turn was reached");
        assert!(
            (cold - 32.0).abs() < 1e-9,
            "half the turns answered, none warmly: {cold}"
        );
    }

    const BANK: &str = r#"
[bank]
slug = "talks"
title = "情景对话"

[[questions]]
id = "late-parcel"
scene = "in_sale"
category = "shipping"
prompt = "包裹一周没到，顾客很生气"

[[questions.turns]]
id = "open"
customer = "快递一周了还没到！"
references = ["非常抱歉让您久等了，我马上帮您查物流，今天下午五点前给您回复。"]
calm = "calmer"
escalate = "angrier"

[[questions.turns]]
id = "calmer"
customer = "那什么时候能到？"
references = ["物流显示明天送达，到了我再跟您确认一下。"]

[[questions.turns]]
id = "angrier"
customer = "你们就是敷衍，我要投诉！"
references = ["理解您的心情，真的很抱歉，我现在就给您加急处理。"]
calm = "calmer"
"#;

    #[test]
    fn a_scenario_in_a_bank_file_parses_with_its_branches() {
        let bank = crate::domain::bank::parse(BANK).expect("valid");
        let q = &bank.questions[0];
        let scenario = q.scenario.as_ref().expect("a scenario");
        assert_eq!(scenario.turns.len(), 3);
        assert_eq!(scenario.turns[0].escalate.as_deref(), Some("angrier"));
        assert_eq!(q.references.len(), 3, "every turn's reply is a reference");
    }

    /// The bank with the last turn's calm branch leading to `to`.
    fn last_calm(to: &str) -> String {
        let at = BANK.rfind("calm = \"calmer\"").expect("a calm branch");
        format!("{}calm = \"{to}\"\n", &BANK[..at])
    }

    #[test]
    fn a_scenarios_problems_are_reported_by_line() {
        let bad = last_calm("open")
            .replace("id = \"calmer\"", "id = \"angrier\"")
            .replace("customer = \"那什么时候能到？\"", "customer = \" \"");
        let problems = crate::domain::bank::parse(&bad).expect_err("invalid");
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        for expected in [
            (21, "questions.turns.customer"),
            (25, "questions.turns.id"),
            (28, "questions.turns.calm"),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
        let looped = last_calm("angrier");
        let problems = crate::domain::bank::parse(&looped).expect_err("a loop");
        assert!(
            problems
                .iter()
                .any(|p| p.line == 25 && p.message.contains("never end")),
            "{problems:?}"
        );
    }

    #[test]
    fn every_shipped_reference_reply_meets_the_feeling_first() {
        let bank = crate::domain::bank::parse(include_str!("../../exams/scenarios.toml"))
            .expect("the shipped scenarios are valid");
        for q in &bank.questions {
            let scenario = q.scenario.as_ref().expect("a scenario");
            for turn in &scenario.turns {
                for r in &turn.references {
                    assert_eq!(feeling(r), Feeling::MetFirst, "{}/{}: {r}", q.key, turn.id);
                }
            }
        }
    }
}
