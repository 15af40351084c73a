//! The round page's model: what a lead sees of a round, and the forms on it.

use super::*;

#[derive(Serialize)]
pub(super) struct RoundPage {
    pub(super) exam: ExamView,
    pub(super) round: Option<RoundSummary>,
    pub(super) due: String,
    pub(super) overdue: bool,
    /// Per question: answers, reviews in, agreement, appeals, grades needed.
    pub(super) summary: Vec<QuestionSummary>,
    /// The filter in force ("grade", "appeals", "disagree"), if any.
    pub(super) show: Option<&'static str>,
    /// Each question's answers, those the filter keeps.
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
            summary: vec![],
            show: None,
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
    /// The reviewer whose reviews were to be handed on.
    pub(super) reviewer: Option<i64>,
    pub(super) automatic: String,
    pub(super) peer: String,
    pub(super) comparative: String,
}

impl Default for Kept {
    fn default() -> Kept {
        Kept {
            k: "3".into(),
            due_days: "3".into(),
            reviewer: None,
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
    /// Shown unfolded: when a filter picked some of its answers.
    pub(super) open: bool,
}

/// Which answers the round page lists: all, or those that need the lead.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Filter {
    All,
    /// Only a lead's grade can score them (every review overdue, none in).
    Grade,
    /// An appeal waits for a decision.
    Appeals,
    /// Their reviewers disagree.
    Disagree,
}

impl Filter {
    /// From the page's `show` parameter; anything else shows everything.
    pub(super) fn parse(show: Option<&str>) -> Filter {
        match show {
            Some("grade") => Filter::Grade,
            Some("appeals") => Filter::Appeals,
            Some("disagree") => Filter::Disagree,
            _ => Filter::All,
        }
    }

    pub(super) fn key(self) -> Option<&'static str> {
        match self {
            Filter::All => None,
            Filter::Grade => Some("grade"),
            Filter::Appeals => Some("appeals"),
            Filter::Disagree => Some("disagree"),
        }
    }

    pub(super) fn keeps(self, line: &AnswerLine) -> bool {
        match self {
            Filter::All => true,
            Filter::Grade => line.lead_needed,
            Filter::Appeals => line.appeal_open(),
            Filter::Disagree => line.disagree,
        }
    }
}

/// Reviews of one answer further apart than this (on 0–100) disagree.
pub(super) const DISAGREE_SPREAD: f64 = 20.0;

/// One line of the round's summary table.
#[derive(Serialize)]
pub(super) struct QuestionSummary {
    pub(super) position: i32,
    pub(super) prompt: String,
    pub(super) answers: usize,
    pub(super) reviews_in: usize,
    pub(super) reviews_assigned: usize,
    /// Percent of the answers reviewed twice or more whose reviews agree
    /// (lie within `DISAGREE_SPREAD`); None before any such answer.
    pub(super) agreement: Option<i64>,
    pub(super) low_agreement: bool,
    pub(super) appeals: usize,
    pub(super) to_grade: usize,
}

impl QuestionSummary {
    pub(super) fn of(q: &QuestionLines) -> QuestionSummary {
        let multi: Vec<&AnswerLine> = q.answers.iter().filter(|a| a.done >= 2).collect();
        let agreement = (!multi.is_empty()).then(|| {
            let agree = multi.iter().filter(|a| !a.disagree).count();
            (100.0 * agree as f64 / multi.len() as f64).round() as i64
        });
        QuestionSummary {
            position: q.item.position,
            prompt: q.item.prompt.clone(),
            answers: q.answers.len(),
            reviews_in: q.answers.iter().map(|a| a.done).sum(),
            reviews_assigned: q.answers.iter().map(|a| a.reviews.len()).sum(),
            agreement,
            low_agreement: agreement.is_some_and(|a| a < 70),
            appeals: q.answers.iter().filter(|a| a.appeal_open()).count(),
            to_grade: q.answers.iter().filter(|a| a.lead_needed).count(),
        }
    }
}

/// One answer on the round page, ranked by its final score.
#[derive(Serialize)]
pub(super) struct AnswerLine {
    pub(super) rank: usize,
    pub(super) answer: AnswerRef,
    pub(super) author: String,
    /// The version, when the answer is the question's official script.
    pub(super) incumbent: Option<i32>,
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
    /// Its reviews lie more than `DISAGREE_SPREAD` apart.
    pub(super) disagree: bool,
}

impl AnswerLine {
    fn appeal_open(&self) -> bool {
        self.appeal
            .as_ref()
            .is_some_and(|a| a.status == crate::db::columns::AppealStatus::Open)
    }
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
        incumbent: None,
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
        disagree: true,
    };
    out.add(&RoundPage {
        exam: ExamView::sample(),
        round: Some(RoundSummary { k: 2 }),
        due: "2026-12-01 18:00".into(),
        overdue: true,
        summary: vec![QuestionSummary {
            position: 1,
            prompt: "多久到账？".into(),
            answers: 2,
            reviews_in: 1,
            reviews_assigned: 4,
            agreement: Some(0),
            low_agreement: true,
            appeals: 1,
            to_grade: 2,
        }],
        show: Some("appeals"),
        questions: vec![QuestionLines {
            item: ItemView::sample(),
            answers: vec![line(AppealStatus::Open), line(AppealStatus::Upheld)],
            open: true,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(done: usize, disagree: bool, lead_needed: bool) -> AnswerLine {
        AnswerLine {
            rank: 1,
            answer: AnswerRef {
                id: AnswerId(1),
                body: String::new(),
            },
            author: String::new(),
            incumbent: Some(2),
            automatic: None,
            peer: None,
            lead: None,
            final_score: None,
            parts: vec![],
            compared: None,
            reviews: vec![],
            done,
            k: 2,
            appeal: None,
            lead_needed,
            disagree,
        }
    }

    #[test]
    fn agreement_counts_only_answers_reviewed_twice_or_more() {
        let q = QuestionLines {
            item: ItemView::sample(),
            answers: vec![
                line(2, false, false),
                line(3, true, false),
                line(2, false, false),
                line(1, true, false),
                line(0, false, true),
            ],
            open: false,
        };
        let summary = QuestionSummary::of(&q);
        assert_eq!(
            summary.agreement,
            Some(67),
            "2 of 3 answers reviewed twice agree"
        );
        assert!(summary.low_agreement);
        assert_eq!(
            (summary.answers, summary.reviews_in, summary.to_grade),
            (5, 8, 1)
        );
        let alone = QuestionLines {
            answers: vec![line(1, false, false)],
            ..q
        };
        assert_eq!(QuestionSummary::of(&alone).agreement, None);
    }

    #[test]
    fn a_filter_keeps_the_answers_it_names_and_an_unknown_one_keeps_all() {
        let (disputed, calm) = (line(2, true, false), line(2, false, true));
        assert!(Filter::parse(Some("disagree")).keeps(&disputed));
        assert!(!Filter::parse(Some("disagree")).keeps(&calm));
        assert!(Filter::parse(Some("grade")).keeps(&calm));
        assert!(!Filter::parse(Some("appeals")).keeps(&calm));
        let all = Filter::parse(Some("<script>"));
        assert!(all == Filter::All && all.keeps(&disputed) && all.key().is_none());
    }
}
