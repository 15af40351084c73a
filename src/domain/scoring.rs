//! The automatic score of an answer, 0–100.
//!
//! score = 60% relevance + 40% rubric − 15 per banned phrase, clamped to 0..=100.
//! - relevance: the combined similarity to the best-matching reference, averaged
//!   with the share of its content words (`domain::content`, beyond the words
//!   of the customer's question when it is known) the answer uses, rescaled so
//!   that the overlap any two Chinese service replies share by chance counts as zero;
//! - rubric: the share of expected checks the answer passes. Expected checks are the
//!   bank's `expect` list, or else the checks the best reference itself passes — a
//!   reference defines what a complete answer does, so copying it scores 100;
//! - the rubric share is gated by relevance: politeness on the wrong topic is not an
//!   answer;
//! - facts (`domain::facts`): relevance counts the share of the reference's
//!   quantities the answer states (a missed "7天无理由" costs); a quantity stated
//!   with another value caps the score at `WRONG_FACT_CAP`, and a claim turned
//!   round (不可以开发票 against 可以开发票) at `CONTRADICTION_CAP` — shared words
//!   do not make a wrong answer right;
//! - key points (`domain::keypoints`), when the bank marks them: relevance is
//!   the share of them the answer states, times how on topic it is — where a
//!   precise answer (most of its words are the reference's) counts as on topic
//!   however short, so "亲，是正品的，放心买" is not crushed by its length;
//! - a banned phrase the reference itself uses (100%纯棉) costs nothing: the
//!   team's own script sanctions it.

use serde::{Deserialize, Serialize};

use super::content::{self, Overlap};
use super::facts::{FactCheck, Facts};
use super::keypoints::KeyPoints;
use super::rubric::{self, Check, Findings, Settings};
use super::similarity::{self, Prepared, Similarity};
use super::text::{self, Token};

const RELEVANCE_WEIGHT: f64 = 0.6;
const BANNED_PENALTY: f64 = 15.0;
/// Combined similarity at or below which an answer counts as unrelated.
const SIM_FLOOR: f64 = 0.1;
/// Combined similarity at or above which relevance is full.
const SIM_CEIL: f64 = 0.6;
/// Relevance at which the rubric share counts in full.
const GATE: f64 = 0.4;
/// The most an answer stating a wrong value can score.
const WRONG_FACT_CAP: f64 = 40.0;
/// The most an answer denying what the reference grants (or the reverse) can score.
const CONTRADICTION_CAP: f64 = 20.0;
/// How much of relevance rides on stating the reference's quantities.
const FACTS_SHARE: f64 = 0.3;
/// Precision (share of the answer's bigrams in the reference) at or below
/// which an answer with key points is not precise, and at or above which it
/// fully is.
const PRECISE_FLOOR: f64 = 0.15;
const PRECISE_CEIL: f64 = 0.4;

/// A question's references and rubric settings, prepared once for many answers.
pub struct Question {
    references: Vec<Reference>,
    settings: Settings,
    key_points: KeyPoints,
    /// The content words of the customer's question, sorted: an answer earns
    /// nothing for repeating them.
    asked: Vec<Token>,
}

struct Reference {
    prepared: Prepared,
    findings: Findings,
    facts: Facts,
    /// Its content words in order, and those beyond the question as a set.
    words: Vec<Token>,
    beyond: Vec<Token>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScoringError {
    #[error("a question needs at least one non-empty reference answer")]
    NoReference,
}

/// One rubric line of the breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub check: Check,
    pub expected: bool,
    /// The phrase that made the check fire, if it did.
    pub found: Option<String>,
}

/// Rubric lines packed in an integer, two bits per check in `Check::ALL`
/// order (expected, then met), for reading many answers at once.
pub fn pack_checks(checks: &[CheckOutcome]) -> i32 {
    checks.iter().fold(0, |bits, c| {
        let at = 2 * (c.check as i32);
        bits | (i32::from(c.expected) << at) | (i32::from(c.found.is_some()) << (at + 1))
    })
}

/// Each check with whether it was expected and whether it was met.
pub fn unpack_checks(bits: i32) -> impl Iterator<Item = (Check, bool, bool)> {
    Check::ALL.into_iter().filter_map(move |c| {
        let at = 2 * (c as i32);
        let (expected, met) = (bits >> at & 1 == 1, bits >> (at + 1) & 1 == 1);
        (expected || met).then_some((c, expected, met))
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub score: f64,
    pub similarity: Similarity,
    pub relevance: f64,
    pub best_reference: usize,
    pub checks: Vec<CheckOutcome>,
    pub banned: Vec<String>,
    pub rubric_share: f64,
    /// The best reference's facts as the answer states them (reports stored
    /// before facts were checked read as none).
    #[serde(default)]
    pub facts: FactCheck,
    /// The best reference's content words beyond the question, as the answer
    /// uses them (reports stored before read as none).
    #[serde(default)]
    pub content: Overlap,
    /// Whether `score` is the team's calibrated weights' (`app::weights`)
    /// rather than the formula above.
    #[serde(default)]
    pub calibrated: bool,
    /// A scenario's turns as scored (`domain::scenario`); none for a single
    /// question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turns: Vec<crate::domain::scenario::TurnScore>,
}

impl Report {
    /// The most this answer may score whatever the weights: a wrong fact or a
    /// contradiction is wrong under a team's calibrated weights too.
    pub fn cap(&self) -> f64 {
        cap_for(&self.facts)
    }

    pub fn missed(&self) -> impl Iterator<Item = Check> + '_ {
        self.checks
            .iter()
            .filter(|c| c.expected && c.found.is_none())
            .map(|c| c.check)
    }
}

impl Question {
    pub fn new(references: &[String], mut settings: Settings) -> Result<Self, ScoringError> {
        settings.banned = settings.banned.iter().map(|b| text::fold(b)).collect();
        let references: Vec<Reference> = references
            .iter()
            .map(|r| {
                let folded = text::fold(r);
                let findings = rubric::inspect(&folded, &settings.banned);
                let prepared = Prepared::from_folded(&folded);
                let facts = Facts::of(&folded);
                let words = content::sequence(&folded);
                Reference {
                    prepared,
                    findings,
                    facts,
                    beyond: content::set_beyond(&words, &[]),
                    words,
                }
            })
            .filter(|r| !r.prepared.is_empty())
            .collect();
        if references.is_empty() {
            return Err(ScoringError::NoReference);
        }
        Ok(Self {
            references,
            key_points: KeyPoints::new(&settings.key_points),
            settings,
            asked: Vec::new(),
        })
    }

    /// The customer's question the references answer: its words are set
    /// aside when the answer's content is compared with theirs.
    pub fn asked(mut self, question: &str) -> Self {
        self.asked = content::set_beyond(&content::sequence(&text::fold(question)), &[]);
        for r in &mut self.references {
            r.beyond = content::set_beyond(&r.words, &self.asked);
        }
        self
    }

    pub fn score(&self, answer: &str) -> Report {
        let folded = text::fold(answer);
        let (tokens, grams) = similarity::answer_side(&folded);
        let (best_reference, sim) = self
            .references
            .iter()
            .enumerate()
            .map(|(i, r)| (i, similarity::compare(&tokens, &grams, &r.prepared)))
            .fold((0, None::<Similarity>), |best, (i, s)| match best.1 {
                Some(b) if b.combined >= s.combined => best,
                _ => (i, Some(s)),
            });
        let sim = sim.unwrap_or(Similarity::NONE);
        let findings = rubric::inspect(&folded, &self.settings.banned);
        let expected = self.expected(best_reference);
        let checks: Vec<CheckOutcome> = Check::ALL
            .into_iter()
            .map(|check| CheckOutcome {
                check,
                expected: expected.contains(&check),
                found: findings
                    .found
                    .iter()
                    .find(|(c, _)| *c == check)
                    .map(|(_, p)| p.clone()),
            })
            .collect();
        let best = self.references.get(best_reference);
        let overlap = best.map_or(Overlap::default(), |r| {
            let words = content::set_beyond(&content::sequence(&folded), &self.asked);
            Overlap::of(&words, &r.beyond)
        });
        let mut facts = best.map(|r| r.facts.check(&folded)).unwrap_or_default();
        let points = self.key_points.check(&folded);
        // On topic or not is the similarity's (or, with key points, their
        // share's) to say, and it gates the rubric; a missed fact only costs
        // the relevance part.
        // With content words beyond the question, saying them counts as much
        // as the wording: an answer that echoes the question is not on topic.
        let closeness = match best {
            Some(r) if !r.beyond.is_empty() => (sim.combined + overlap.recall) / 2.0,
            _ => sim.combined,
        };
        let on_topic = ramp(closeness, SIM_FLOOR, SIM_CEIL);
        let topic = if self.key_points.is_empty() {
            on_topic
        } else {
            let precise = ramp(sim.precision, PRECISE_FLOOR, PRECISE_CEIL);
            points.share() * on_topic.max(precise)
        };
        let relevance = topic * (1.0 - FACTS_SHARE * (1.0 - facts.coverage()));
        let rubric_share = if expected.is_empty() {
            topic
        } else {
            let passed = checks
                .iter()
                .filter(|c| c.expected && c.found.is_some())
                .count();
            passed as f64 / expected.len() as f64 * (topic / GATE).min(1.0)
        };
        let banned: Vec<String> = findings
            .banned
            .into_iter()
            .filter(|b| best.is_none_or(|r| !r.findings.banned.contains(b)))
            .collect();
        let raw = 100.0 * (RELEVANCE_WEIGHT * relevance + (1.0 - RELEVANCE_WEIGHT) * rubric_share)
            - BANNED_PENALTY * banned.len() as f64;
        let cap = cap_for(&facts);
        facts.key_points = points.total;
        facts.key_points_missed = points.missed;
        Report {
            score: round1(raw.clamp(0.0, cap)),
            facts,
            content: overlap,
            similarity: sim,
            relevance,
            best_reference,
            checks,
            banned,
            rubric_share,
            calibrated: false,
            turns: Vec::new(),
        }
    }

    fn expected(&self, best: usize) -> Vec<Check> {
        match &self.settings.expect {
            Some(list) => list.clone(),
            None => self
                .references
                .get(best)
                .map(|r| r.findings.checks())
                .unwrap_or_default(),
        }
    }
}

fn cap_for(facts: &FactCheck) -> f64 {
    if !facts.contradicted.is_empty() {
        CONTRADICTION_CAP
    } else if !facts.wrong.is_empty() {
        WRONG_FACT_CAP
    } else {
        100.0
    }
}

/// Where `x` stands between `floor` (0) and `ceil` (1).
fn ramp(x: f64, floor: f64, ceil: f64) -> f64 {
    ((x - floor) / (ceil - floor)).clamp(0.0, 1.0)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const REF: &str = "亲，非常抱歉让您久等了！我马上帮您联系仓库加急，今天18点前一定发出，\
                       发货后第一时间把单号同步给您，有任何问题随时找我，感谢您的耐心～";

    fn question() -> Question {
        Question::new(&[REF.to_string()], Settings::default()).expect("valid question")
    }

    #[test]
    fn an_answer_identical_to_the_reference_scores_at_the_top() {
        assert_eq!(question().score(REF).score, 100.0);
    }

    #[test]
    fn a_traditional_answer_scores_like_its_simplified_twin() {
        let traditional = "親，非常抱歉讓您久等了！我馬上幫您聯繫倉庫加急，今天18點前一定發出，\
                           發貨後第一時間把單號同步給您，有任何問題隨時找我，感謝您的耐心～";
        assert_eq!(
            question().score(traditional).score,
            question().score(REF).score
        );
    }

    #[test]
    fn an_unrelated_answer_scores_near_the_bottom() {
        let r = question().score("这件衣服是纯棉面料，可以机洗，颜色有黑白两种。");
        assert!(r.score < 10.0, "{r:?}");
    }

    #[test]
    fn a_paraphrase_scores_between_unrelated_and_identical() {
        let r = question()
            .score("不好意思久等了，我这就帮您催仓库，今天18点前发出，单号发出后告诉您，谢谢！");
        assert!(r.score > 30.0 && r.score < 95.0, "{r:?}");
        // Vaguer than the reference's 18点: the missed fact costs a little.
        let vaguer = question()
            .score("不好意思久等了，我这就帮您催仓库，今天晚上前发出，单号发出后告诉您，谢谢！");
        assert_eq!(vaguer.facts.missed.len(), 1, "{vaguer:?}");
        assert!(vaguer.score < r.score && vaguer.score > 10.0, "{vaguer:?}");
    }

    #[test]
    fn a_wrong_value_or_a_denial_scores_as_wrong_however_many_words_it_shares() {
        let policy = "亲，本店支持7天无理由退货，退货寄回后1-3个工作日内退款，请放心购买";
        let q = Question::new(&[policy.to_string()], Settings::default()).expect("valid");
        let right = q.score("亲，本店支持七天无理由退货，寄回后三个工作日内退款，请放心购买");
        let wrong = q.score("亲，本店支持15天无理由退货，寄回后三个工作日内退款，请放心购买");
        assert!(right.score > 70.0, "{right:?}");
        assert!(wrong.score <= WRONG_FACT_CAP, "{wrong:?}");
        assert_eq!(wrong.facts.wrong[0].1, "15天无理由");
        let missed = q.score("亲，本店支持无理由退货，寄回后三个工作日内退款，请放心购买");
        assert_eq!(missed.facts.missed, vec!["7天无理由".to_string()]);
        assert!(missed.score < right.score, "{missed:?}");

        let invoice = "亲，可以开发票的，下单时在备注里写上抬头和税号就行";
        let q = Question::new(&[invoice.to_string()], Settings::default()).expect("valid");
        let denied = q.score("亲，不可以开发票的，下单时在备注里写上抬头和税号也不行");
        assert!(denied.score <= CONTRADICTION_CAP, "{denied:?}");
        assert!(!denied.facts.contradicted.is_empty());
    }

    #[test]
    fn a_short_reply_that_states_the_key_points_is_not_crushed_by_its_length() {
        let reference = "亲，我们是品牌授权店，所有商品都是正品，支持专柜验货，请放心购买～";
        let short = "亲，是正品的，放心买";
        let plain = Question::new(&[reference.to_string()], Settings::default()).expect("valid");
        let marked = Settings {
            key_points: vec!["正品".into()],
            ..Settings::default()
        };
        let q = Question::new(&[reference.to_string()], marked).expect("valid");
        assert!(plain.score(short).score < 30.0, "without key points");
        let r = q.score(short);
        assert!(r.score >= 60.0, "{r:?}");
        assert_eq!(
            (r.facts.key_points, r.facts.key_points_missed.len()),
            (1, 0)
        );
        // Polite words that state no key point are still empty.
        let empty = q.score("亲，您好，欢迎光临，很高兴为您服务，请放心购买～");
        assert!(empty.score < 30.0, "{empty:?}");
        assert_eq!(empty.facts.key_points_missed, ["正品"]);
        assert_eq!(q.score(reference).score, 100.0);
    }

    #[test]
    fn a_banned_phrase_the_reference_itself_uses_costs_nothing() {
        let q = Question::new(
            &["亲，这款是100%纯棉的，可以机洗".to_string()],
            Settings::default(),
        )
        .expect("valid");
        let r = q.score("亲，100%纯棉，可以机洗哦");
        assert!(r.banned.is_empty(), "{r:?}");
        let other = Question::new(
            &["亲，这款是纯棉的，可以机洗".to_string()],
            Settings::default(),
        )
        .expect("valid");
        assert_eq!(other.score("亲，100%纯棉，可以机洗哦").banned, ["100%"]);
    }

    #[test]
    fn a_banned_word_costs_points() {
        let clean = question().score(REF).score;
        let with_banned = question().score(&format!("{REF}我们家绝对是全网最快的"));
        assert!(
            with_banned.score <= clean - BANNED_PENALTY + 1.0,
            "{with_banned:?}"
        );
        assert_eq!(with_banned.banned, vec!["绝对", "全网最"]);
    }

    #[test]
    fn the_best_matching_reference_is_reported() {
        let q = Question::new(
            &["支持七天无理由退货".to_string(), REF.to_string()],
            Settings::default(),
        )
        .expect("valid question");
        assert_eq!(q.score(REF).best_reference, 1);
    }

    #[test]
    fn missed_checks_are_listed() {
        let r = question().score("我马上帮您联系仓库加急发出");
        let missed: Vec<Check> = r.missed().collect();
        assert!(missed.contains(&Check::TimePromise));
        assert!(missed.contains(&Check::Thanks));
        assert!(!missed.contains(&Check::NextStep));
    }

    #[test]
    fn a_bank_can_state_the_expected_checks() {
        let settings = Settings {
            expect: Some(vec![Check::Thanks]),
            ..Settings::default()
        };
        let q = Question::new(&[REF.to_string()], settings).expect("valid question");
        let r = q.score(REF);
        assert_eq!(r.checks.iter().filter(|c| c.expected).count(), 1);
    }

    #[test]
    fn a_question_without_references_is_refused() {
        let err = Question::new(&["  ，。".to_string()], Settings::default()).err();
        assert_eq!(err, Some(ScoringError::NoReference));
    }

    #[test]
    fn an_empty_answer_scores_zero() {
        assert_eq!(question().score("").score, 0.0);
    }

    #[test]
    fn repeating_the_question_earns_nothing_once_the_question_is_known() {
        let reference = "盘点内容包括：数量盘点、重量盘点、账实核对".to_string();
        let (echo, answer) = ("盘点内容包括很多方面", "数量、重量，还有账实核对");
        let blind = Question::new(std::slice::from_ref(&reference), Settings::default())
            .expect("valid question");
        let asked = Question::new(&[reference], Settings::default())
            .expect("valid question")
            .asked("盘点内容包括哪些？");
        // The echo's words were the question's: knowing it, they earn less.
        assert!(asked.score(echo).score < blind.score(echo).score);
        let (echo, answer) = (asked.score(echo), asked.score(answer));
        assert!(echo.score < answer.score, "{echo:?}\n{answer:?}");
        assert_eq!(echo.content.recall, 0.0);
        assert!(answer.content.recall > 0.8, "{:?}", answer.content);
    }

    #[test]
    fn rubric_lines_pack_into_an_integer_and_back() {
        let line = |check, expected, found: Option<&str>| CheckOutcome {
            check,
            expected,
            found: found.map(str::to_string),
        };
        let checks = [
            line(Check::Empathy, true, Some("抱歉")),
            line(Check::TimePromise, true, None),
            line(Check::Thanks, false, Some("谢谢")),
        ];
        let back: Vec<(Check, bool, bool)> = unpack_checks(pack_checks(&checks)).collect();
        assert_eq!(
            back,
            [
                (Check::Empathy, true, true),
                (Check::TimePromise, true, false),
                (Check::Thanks, false, true),
            ]
        );
        assert_eq!(unpack_checks(0).count(), 0);
    }
}
