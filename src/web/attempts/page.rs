//! The exam page's and the result page's models.

use super::*;

#[derive(Serialize)]
pub(super) struct TakePage {
    pub(super) attempt: AttemptView,
    pub(super) exam: ExamView,
    pub(super) questions: Vec<Question>,
    /// When the time is up, Unix ms.
    pub(super) deadline: i64,
    pub(super) max_len: usize,
    pub(super) error: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Question {
    pub(super) item: ToAnswer,
    pub(super) body: String,
    pub(super) saved_at: Option<i64>,
    /// A scenario dialogue as it stands.
    pub(super) conversation: Option<super::turns::Conversation>,
}

impl Page for TakePage {
    const TEMPLATE: &'static str = "attempts/take";
    const TITLE: &'static str = "attempts.remaining";
}

#[derive(Serialize)]
pub(super) struct ResultPage {
    pub(super) attempt: AttemptView,
    pub(super) exam: ExamView,
    /// The automatic score.
    pub(super) total: f64,
    /// The mean of the answers' final scores, once peer review gave them one.
    pub(super) final_total: Option<f64>,
    pub(super) passed: bool,
    pub(super) rank: Option<usize>,
    pub(super) tied_with: Option<usize>,
    pub(super) tied: bool,
    pub(super) of: usize,
    pub(super) questions: Vec<Breakdown>,
    /// How the trainee did as a reviewer, once a round has fitted them.
    pub(super) reviewing: Option<MyReviewing>,
}

#[derive(Serialize)]
pub(super) struct AttemptView {
    pub(super) id: AttemptId,
    pub(super) closed_by_lead: bool,
}

#[derive(Serialize)]
pub(super) struct MyReviewing {
    pub(super) grade: f64,
    pub(super) reviews: usize,
}

#[derive(Serialize)]
pub(super) struct Breakdown {
    pub(super) item: ItemView,
    pub(super) body: String,
    pub(super) score: Option<f64>,
    pub(super) similarity: Option<f64>,
    /// The reference the answer came closest to, as written.
    pub(super) reference: Option<String>,
    /// The reference's phrases the answer does not say.
    pub(super) missing: Vec<String>,
    pub(super) checks: Vec<CheckLine>,
    pub(super) banned: Vec<String>,
    /// The reference's facts the answer leaves out, states otherwise, or
    /// turns round.
    pub(super) facts: crate::domain::facts::FactCheck,
    /// Scored with the team's calibrated weights (`app::weights`).
    pub(super) calibrated: bool,
    pub(super) diff: Vec<diff::Segment>,
    pub(super) seconds: i64,
    pub(super) review: Option<AnswerOutcome>,
    pub(super) answer_id: Option<AnswerId>,
    /// The appeal form as typed, when it came back refused.
    pub(super) appeal_form: Option<AppealForm>,
    /// A scenario's turns as scored.
    pub(super) turns: Vec<TurnLine>,
}

#[derive(Serialize)]
pub(super) struct TurnLine {
    customer: String,
    reply: String,
    score: String,
    feeling: &'static str,
}

impl TurnLine {
    pub(super) fn of(t: &crate::domain::scenario::TurnScore) -> TurnLine {
        use crate::domain::scenario::Feeling;
        TurnLine {
            customer: t.customer.clone(),
            reply: t.reply.clone(),
            score: format!("{:.1}", t.score),
            feeling: match t.feeling {
                Feeling::MetFirst => "met_first",
                Feeling::MetLate => "met_late",
                Feeling::Missed => "missed",
                Feeling::Cold => "cold",
            },
        }
    }
}

#[derive(Serialize)]
pub(super) struct AppealForm {
    pub(super) reason: String,
    pub(super) better: String,
    pub(super) error: String,
}

#[derive(Serialize)]
pub(super) struct CheckLine {
    pub(super) check: &'static str,
    pub(super) expected: bool,
    pub(super) found: Option<String>,
}

impl Page for ResultPage {
    const TEMPLATE: &'static str = "attempts/result";
    const TITLE: &'static str = "attempts.result_title";
}

/// A scenario item one reply into its conversation.
#[cfg(test)]
fn scenario_sample() -> Question {
    use crate::domain::scenario::{self, Scenario, Turn};
    let turn = |id: &str, customer: &str, calm: Option<&str>| Turn {
        id: id.into(),
        customer: customer.into(),
        references: vec!["非常抱歉让您久等了".into()],
        calm: calm.map(str::to_string),
        escalate: None,
    };
    let talk = Scenario {
        turns: vec![
            turn("open", "快递一周了还没到！", Some("next")),
            turn("next", "那什么时候能到？", None),
        ],
    };
    let draft = scenario::transcript(&talk.said(&["非常抱歉让您久等了".into()]));
    let item = ToAnswer {
        id: ItemId(5),
        position: 2,
        scene: "in_sale".into(),
        category: "shipping".into(),
        prompt: "包裹晚到的顾客".into(),
        draft: Some(draft.clone()),
        saved_at: Some(1),
        scenario_json: Some(crate::db::to_json(&talk)),
    };
    Question {
        conversation: super::turns::Conversation::of(&item),
        item,
        body: draft,
        saved_at: Some(1),
    }
}

#[cfg(test)]
pub(in crate::web) fn samples(out: &mut crate::web::pages::Samples) {
    for error in [None, Some("第2题：答案不能为空".to_string())] {
        out.add(&TakePage {
            attempt: AttemptView {
                id: AttemptId(4),
                closed_by_lead: false,
            },
            exam: ExamView::sample(),
            questions: vec![
                Question {
                    item: ToAnswer {
                        id: ItemId(3),
                        position: 1,
                        scene: "after_sale".into(),
                        category: "refund".into(),
                        prompt: "退款多久到账？".into(),
                        draft: Some("亲".into()),
                        saved_at: Some(1),
                        scenario_json: None,
                    },
                    body: "亲".into(),
                    saved_at: Some(1),
                    conversation: None,
                },
                scenario_sample(),
            ],
            deadline: 1_000,
            max_len: AnswerText::MAX,
            error,
        });
    }
    for final_total in [None, Some(0.0)] {
        let scored = Breakdown {
            item: ItemView::sample(),
            body: "亲，退款1-3天到账".into(),
            score: Some(82.0),
            similarity: Some(76.0),
            reference: Some("亲，今天18点前为您补发。".into()),
            missing: vec!["18点前".into()],
            checks: vec![CheckLine {
                check: "empathy",
                expected: true,
                found: Some("亲".into()),
            }],
            banned: vec!["不知道".into()],
            facts: crate::domain::facts::FactCheck {
                missed: vec!["7天无理由".into()],
                wrong: vec![("18点前".into(), "20点前".into())],
                contradicted: vec!["可以开发票".into()],
                stated: 2,
                key_points_missed: vec!["专柜验货".into()],
                key_points: 2,
            },
            calibrated: true,
            diff: diff::segments("亲，退款", "亲，退款会到"),
            seconds: 30,
            review: Some(AnswerOutcome::sample()),
            answer_id: Some(AnswerId(8)),
            appeal_form: Some(AppealForm {
                reason: "时间承诺具体".into(),
                better: "亲，今天发出".into(),
                error: "请写明申诉理由".into(),
            }),
            turns: vec![TurnLine::of(&crate::domain::scenario::TurnScore {
                customer: "快递一周了还没到！".into(),
                reply: "非常抱歉让您久等了".into(),
                score: 71.5,
                feeling: crate::domain::scenario::Feeling::MetFirst,
            })],
        };
        let blank = breakdown(
            &Item {
                id: ItemId(3),
                exam_id: crate::db::columns::ExamId(1),
                position: 2,
                question_id: 1,
                scene: String::new(),
                category: String::new(),
                prompt: "可以开发票吗？".into(),
                references: vec![],
                rubric: Default::default(),
                scenario: None,
            },
            None,
        );
        out.add(&ResultPage {
            final_total,
            attempt: AttemptView {
                id: AttemptId(4),
                closed_by_lead: true,
            },
            exam: ExamView::sample(),
            total: 82.0,
            passed: true,
            rank: Some(1),
            tied_with: Some(2),
            tied: true,
            of: 3,
            questions: vec![scored, blank],
            reviewing: Some(MyReviewing {
                grade: 90.0,
                reviews: 2,
            }),
        });
    }
}
