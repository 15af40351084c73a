//! The round page's model: what a lead sees of a round, and the forms on it.

use super::*;

#[derive(Serialize)]
pub(super) struct RoundPage {
    pub(super) exam: ExamView,
    pub(super) round: Option<RoundSummary>,
    pub(super) due: String,
    pub(super) overdue: bool,
    pub(super) questions: Vec<QuestionLines>,
    pub(super) reviewers: Vec<ReviewerLine>,
    pub(super) trainees: Vec<TraineeLine>,
    /// Answers that arrived after the round started, with no reviewer yet.
    pub(super) late: usize,
    pub(super) weights: WeightsView,
    pub(super) refused: Option<Refusal>,
    pub(super) kept: Kept,
}

impl RoundPage {
    /// A closed exam's page before its round starts: the form to start it.
    pub(super) fn without_round(exam: ExamView) -> RoundPage {
        RoundPage {
            exam,
            round: None,
            due: String::new(),
            overdue: false,
            questions: vec![],
            reviewers: vec![],
            trainees: vec![],
            late: 0,
            weights: WeightsView::default(),
            refused: None,
            kept: Kept::default(),
        }
    }

    /// The page with a refused form's message and input, if there is one.
    pub(super) fn refilled(mut self, refused: Option<(Refusal, Kept)>) -> RoundPage {
        if let Some((refusal, kept)) = refused {
            if refusal.form == "weights" {
                self.weights = WeightsView {
                    automatic: kept.automatic.clone(),
                    peer: kept.peer.clone(),
                    comparative: kept.comparative.clone(),
                };
            }
            self.refused = Some(refusal);
            self.kept = kept;
        }
        self
    }

    pub(super) fn render(&self, ctx: &Ctx) -> Result<HttpResponse, AppError> {
        if self.refused.is_some() {
            ctx.render_refused(
                self,
                self.refused.as_ref().map_or(StatusCode::OK, |r| r.status),
            )
        } else {
            ctx.render(self)
        }
    }
}

/// A round-page form that was refused, and why.
#[derive(Serialize)]
pub(super) struct Refusal {
    /// Which form: "start", "weights", "late" or "reassign".
    pub(super) form: &'static str,
    pub(super) message: String,
    #[serde(skip)]
    pub(super) status: StatusCode,
}

/// What the round page's forms were sent with, kept when one is refused.
#[derive(Serialize)]
pub(super) struct Kept {
    pub(super) k: String,
    pub(super) due_days: String,
    pub(super) automatic: String,
    pub(super) peer: String,
    pub(super) comparative: String,
}

impl Default for Kept {
    fn default() -> Kept {
        Kept {
            k: "3".into(),
            due_days: "3".into(),
            automatic: String::new(),
            peer: String::new(),
            comparative: String::new(),
        }
    }
}

impl Page for RoundPage {
    const TEMPLATE: &'static str = "review/round";
    const TITLE: &'static str = "review.round_title";
}

#[derive(Serialize)]
pub(super) struct RoundSummary {
    /// Reviewers per answer.
    pub(super) k: i32,
}

/// The blend weights in whole percent, as the form shows them.
#[derive(Serialize, Default)]
pub(super) struct WeightsView {
    pub(super) automatic: String,
    pub(super) peer: String,
    pub(super) comparative: String,
}

#[derive(Serialize)]
pub(super) struct QuestionLines {
    pub(super) item: ItemView,
    pub(super) answers: Vec<AnswerLine>,
}

/// One answer on the round page, ranked by its final score.
#[derive(Serialize)]
pub(super) struct AnswerLine {
    pub(super) rank: usize,
    pub(super) answer: AnswerRef,
    pub(super) author: String,
    pub(super) automatic: Option<f64>,
    pub(super) peer: Option<f64>,
    pub(super) lead: Option<LeadLine>,
    #[serde(rename = "final")]
    pub(super) final_score: Option<f64>,
    pub(super) parts: Vec<PartView>,
    pub(super) compared: Option<Compared>,
    pub(super) reviews: Vec<ReviewLine>,
    /// Reviews in, of `k`.
    pub(super) done: usize,
    pub(super) k: i32,
    pub(super) appeal: Option<AppealLine>,
    pub(super) lead_needed: bool,
}

#[derive(Serialize)]
pub(super) struct AnswerRef {
    pub(super) id: AnswerId,
    pub(super) body: String,
}

#[derive(Serialize)]
pub(super) struct LeadLine {
    pub(super) score: f64,
    pub(super) reason: String,
    pub(super) calibration: bool,
}

#[derive(Serialize)]
pub(super) struct Compared {
    pub(super) wins: u32,
    pub(super) of: u32,
}

#[derive(Serialize)]
pub(super) struct ReviewLine {
    pub(super) reviewer: String,
    pub(super) score: Option<f64>,
    pub(super) bias: Option<f64>,
    /// This review's share of the peer score, in whole percent.
    pub(super) weight: Option<f64>,
    pub(super) comment: Option<String>,
}

#[derive(Serialize)]
pub(super) struct AppealLine {
    pub(super) id: i64,
    pub(super) status: crate::db::columns::AppealStatus,
    pub(super) reason: String,
    pub(super) better_answer: Option<String>,
    pub(super) decision: Option<String>,
}

impl AppealLine {
    pub(super) fn of(a: &review::AppealRow) -> AppealLine {
        AppealLine {
            id: a.id,
            status: a.status,
            reason: a.reason.clone(),
            better_answer: a.better_answer.clone(),
            decision: a.decision.clone(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct TraineeLine {
    pub(super) name: String,
    pub(super) standing: crate::domain::review::standings::Standing,
}

#[derive(Serialize)]
pub(super) struct ReviewerLine {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) open: usize,
    pub(super) reviews: usize,
    pub(super) calibration: Option<i64>,
    pub(super) bias: Option<f64>,
    pub(super) reliability: Option<f64>,
    pub(super) grade: Option<f64>,
    pub(super) earlier: f64,
}

#[cfg(test)]
pub(in crate::web) fn samples(out: &mut crate::web::pages::Samples) {
    use crate::db::columns::AppealStatus;
    out.add(&RoundPage::without_round(ExamView::sample()));
    out.add(
        &RoundPage::without_round(ExamView::sample()).refilled(Some((
            Refusal {
                form: "start",
                message: "人数不够".into(),
                status: StatusCode::CONFLICT,
            },
            Kept::default(),
        ))),
    );
    let line = |status: AppealStatus| AnswerLine {
        rank: 1,
        answer: AnswerRef {
            id: AnswerId(4),
            body: "亲，1-3天到账".into(),
        },
        author: "王芳".into(),
        automatic: Some(70.0),
        peer: Some(0.0),
        lead: Some(LeadLine {
            score: 80.0,
            reason: "好".into(),
            calibration: true,
        }),
        final_score: Some(0.0),
        parts: vec![PartView::sample()],
        compared: Some(Compared { wins: 1, of: 2 }),
        reviews: vec![ReviewLine {
            reviewer: "张伟".into(),
            score: Some(60.0),
            bias: Some(-2.0),
            weight: Some(50.0),
            comment: Some("可以".into()),
        }],
        done: 1,
        k: 2,
        appeal: Some(AppealLine {
            id: 1,
            status,
            reason: "分数太低".into(),
            better_answer: Some("更好的回答".into()),
            decision: None,
        }),
        lead_needed: true,
    };
    out.add(&RoundPage {
        exam: ExamView::sample(),
        round: Some(RoundSummary { k: 2 }),
        due: "2026-12-01 18:00".into(),
        overdue: true,
        questions: vec![QuestionLines {
            item: ItemView::sample(),
            answers: vec![line(AppealStatus::Open), line(AppealStatus::Upheld)],
        }],
        reviewers: vec![ReviewerLine {
            id: 3,
            name: "张伟".into(),
            open: 1,
            reviews: 2,
            calibration: Some(0),
            bias: None,
            reliability: Some(1.0),
            grade: Some(80.0),
            earlier: 0.0,
        }],
        trainees: vec![TraineeLine {
            name: "王芳".into(),
            standing: crate::domain::review::standings::Standing {
                person: 2,
                score: 70.0,
                answers: 1,
                rank: 1,
                tied_with: 1,
                of: 2,
            },
        }],
        late: 2,
        weights: WeightsView {
            automatic: "40".into(),
            peer: "40".into(),
            comparative: "20".into(),
        },
        refused: Some(Refusal {
            form: "weights",
            message: "三项相加须为 100".into(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }),
        kept: Kept::default(),
    });
}
