//! A lead's review round: starting it, its page (answers ranked by final score, reviewers), late answers, blend weights, handing reviews on.

use super::*;

/// A lead starts the review round of a closed exam: k reviewers per answer,
/// due in some days.
pub async fn start(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let me = me.id;
    let exam_id = path.into_inner();
    let k = form.int("k", bad_settings())?;
    if !(1..=10).contains(&k) {
        return Err(bad_settings());
    }
    let due = due_from(&form)?;
    let new = NewRound {
        exam_id,
        k: k as usize,
        due_at: due,
        by: me,
        seed: rand::random(),
        now: db::now_ms(),
    };
    ctx.db(move |conn| Ok(app::review::start_round(conn, &new)?))
        .await?;
    ctx.flash("review.started", &[]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// The lead's view of a round: per question, the answers ranked by their final
/// score, each with its parts (automatic, peer with every reviewer's mark, bias
/// and weight, the lead's grade); then the reviewers' standing.
pub async fn round(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let exam_id = path.into_inner();
    let (exam, round, items, appeals, users) = ctx
        .db(move |conn| {
            let exam = exams::find(conn, exam_id)?.ok_or(AppError::NotFound)?;
            let round = match review::round_for_exam(conn, exam_id)? {
                Some(r) => {
                    let evidence = evidence(conn, &r)?;
                    Some((r, evidence))
                }
                None => None,
            };
            Ok((
                exam,
                round,
                exams::items(conn, exam_id)?,
                review::appeals_for_exam(conn, exam_id)?,
                db::users::list(conn)?,
            ))
        })
        .await?;
    let Some((round, evidence)) = round else {
        return ctx.render(&RoundPage::without_round(ExamView::of(&exam)));
    };
    let view = RoundView {
        outcome: outcome(&round, &evidence)?,
        rubric: round.rubric.clone(),
        round,
        evidence,
        appeals,
        users,
    };
    let questions = items
        .iter()
        .map(|item| {
            let scored: Vec<(AnswerLine, f64)> = view
                .evidence
                .answers
                .iter()
                .filter(|a| a.item_id == item.id)
                .filter_map(|a| view.answer_row(a))
                .collect();
            let answers = ranking::rank(scored)
                .into_iter()
                .map(|r| AnswerLine {
                    rank: r.rank,
                    ..r.item
                })
                .collect();
            QuestionLines {
                item: ItemView::of(item),
                answers,
            }
        })
        .collect();
    let trainees = standings_of(&view.evidence, &view.outcome)
        .into_iter()
        .map(|s| TraineeLine {
            name: view.name(s.person),
            standing: s,
        })
        .collect();
    let assignments = &view.evidence.assignments;
    let late = view
        .evidence
        .answers
        .iter()
        .filter(|a| !assignments.iter().any(|x| x.answer_id == a.id))
        .count();
    let (round, weights) = (&view.round, view.outcome.weights);
    ctx.render(&RoundPage {
        exam: ExamView::of(&exam),
        round: Some(RoundSummary { k: round.k }),
        due: local_time(round.due_at),
        overdue: db::now_ms() > round.due_at,
        questions,
        reviewers: view.reviewer_rows(),
        trainees,
        late,
        weights: WeightsView {
            automatic: percent(weights.automatic),
            peer: percent(weights.peer),
            comparative: percent(weights.comparative),
        },
    })
}

/// A round with everything its page shows.
struct RoundView {
    round: review::Round,
    evidence: Evidence,
    outcome: Outcome,
    rubric: Rubric,
    appeals: Vec<review::AppealRow>,
    users: Vec<db::users::User>,
}

impl RoundView {
    fn name(&self, id: i64) -> String {
        db::users::name_of(&self.users, id)
    }

    fn fitted(&self, reviewer: i64) -> Option<&aggregate::ReviewerFit> {
        self.outcome
            .fit
            .reviewers
            .iter()
            .find(|r| r.reviewer == reviewer)
    }

    /// One answer as the lead sees it, with its final score for ranking: the
    /// parts and their shares, each reviewer's mark, bias and weight, the
    /// lead's grade, comparison wins and any appeal.
    fn answer_row(&self, answer: &Answer) -> Option<(AnswerLine, f64)> {
        let Final {
            blended,
            peer,
            comparative,
        } = self.outcome.finals.get(&answer.id)?;
        let mine: Vec<&review::Assignment> = self
            .evidence
            .assignments
            .iter()
            .filter(|a| a.answer_id == answer.id)
            .collect();
        let done = mine.iter().filter(|a| a.score.is_some()).count();
        // Only when every review of it is past its due date with none in is
        // an answer the lead's to grade; before that reviewers may still come.
        let now = db::now_ms();
        let all_late = !mine.is_empty() && mine.iter().all(|a| now > a.due(self.round.due_at));
        let lead = self
            .evidence
            .grades
            .iter()
            .find(|g| g.answer_id == answer.id);
        let weight_total: f64 = mine
            .iter()
            .filter(|a| a.score.is_some())
            .filter_map(|a| self.fitted(a.reviewer_id))
            .map(|r| r.reliability)
            .sum();
        let reviews = mine
            .iter()
            .map(|a| {
                let fitted = self.fitted(a.reviewer_id);
                ReviewLine {
                    reviewer: self.name(a.reviewer_id),
                    score: a.score.map(round1),
                    bias: fitted.map(|r| round1(r.bias)),
                    weight: fitted
                        .filter(|_| a.score.is_some() && weight_total > 0.0)
                        .map(|r| (100.0 * r.reliability / weight_total).round()),
                    comment: a.comment.clone(),
                }
            })
            .collect();
        let author = self
            .evidence
            .submitted
            .iter()
            .find(|s| s.attempt.id == answer.attempt_id)
            .map_or(String::new(), |s| s.display_name.clone());
        let row = AnswerLine {
            rank: 0,
            answer: AnswerRef {
                id: answer.id,
                body: answer.body.clone(),
            },
            author,
            automatic: answer.score.map(round1),
            peer: peer.map(round1),
            lead: lead.map(|g| LeadLine {
                score: round1(g.score),
                reason: g.reason.clone(),
                calibration: g.calibration,
            }),
            final_score: blended.score.map(round1),
            parts: parts_of(blended),
            compared: comparative.as_ref().map(|s| Compared {
                wins: s.wins,
                of: s.comparisons,
            }),
            reviews,
            done,
            k: self.round.k,
            appeal: self
                .appeals
                .iter()
                .find(|x| x.answer_id == answer.id)
                .map(AppealLine::of),
            lead_needed: done == 0 && lead.is_none() && all_late,
        };
        Some((row, blended.score.unwrap_or(-1.0)))
    }

    /// Everyone holding a review, including the absent who have not sent one
    /// (the model knows only those who did): reviews done and open, bias,
    /// reliability, reviewing grade, calibration agreement, earlier reviews.
    fn reviewer_rows(&self) -> Vec<ReviewerLine> {
        let assignments = &self.evidence.assignments;
        let mut ids: Vec<i64> = assignments.iter().map(|a| a.reviewer_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                let count = |submitted: bool| {
                    assignments
                        .iter()
                        .filter(|a| a.reviewer_id == id && a.submitted_at.is_some() == submitted)
                        .count()
                };
                let fitted = self.fitted(id);
                let e = &self.evidence;
                ReviewerLine {
                    id,
                    name: self.name(id),
                    open: count(false),
                    reviews: count(true),
                    calibration: calibration_agreement(
                        &self.rubric,
                        &e.calibrations,
                        &e.grades,
                        id,
                    )
                    .map(percent),
                    bias: fitted.map(|r| round1(r.bias)),
                    reliability: fitted.map(|r| round1(r.reliability)),
                    grade: fitted.map(|r| r.grade.round()),
                    earlier: e.known.get(&id).map_or(0.0, |k| k.reviews.round()),
                }
            })
            .collect()
    }
}

/// A lead gives the answers submitted after the round began (a trainee who
/// sent their saved answers once the exam had closed) k reviewers each, the
/// least busy of the round's reviewers, with a new due date.
pub async fn late(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let exam_id = path.into_inner();
    let due = due_from(&form)?;
    let added = ctx
        .db(move |conn| app::review::assign_late(conn, exam_id, due)?.ok_or(AppError::NotFound))
        .await?;
    if added == 0 {
        return Err(refused("review.no_late"));
    }
    ctx.flash("review.late_assigned", &[("n", added.to_string())]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// A lead sets how this exam's final scores blend the automatic, peer and
/// comparative parts (whole percentages making 100).
pub async fn weights(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let exam_id = path.into_inner();
    let bad = || AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "review.bad_weights");
    let weights = Weights::from_percents(
        form.int("automatic", bad())?,
        form.int("peer", bad())?,
        form.int("comparative", bad())?,
    )
    .map_err(|_| bad())?;
    ctx.db(move |conn| {
        let round = review::round_for_exam(conn, exam_id)?.ok_or(AppError::NotFound)?;
        Ok(review::set_weights(conn, round.id, &weights)?)
    })
    .await?;
    ctx.flash("review.weights_saved", &[]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

/// A lead hands an absent reviewer's open reviews to the least busy other
/// reviewers of the round, with a new due date.
pub async fn reassign(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let exam_id = path.into_inner();
    let absent = form.int("reviewer", bad_settings())?;
    let due = due_from(&form)?;
    let moved = ctx
        .db(move |conn| {
            app::review::reassign_absent(conn, exam_id, absent, due)?.ok_or(AppError::NotFound)
        })
        .await?;
    if moved == 0 {
        return Err(refused("review.nothing_to_reassign"));
    }
    ctx.flash("review.reassigned", &[("n", moved.to_string())]);
    Ok(redirect(&format!("/exams/{exam_id}/review")))
}

#[derive(Serialize)]
struct RoundPage {
    exam: ExamView,
    round: Option<RoundSummary>,
    due: String,
    overdue: bool,
    questions: Vec<QuestionLines>,
    reviewers: Vec<ReviewerLine>,
    trainees: Vec<TraineeLine>,
    /// Answers that arrived after the round started, with no reviewer yet.
    late: usize,
    weights: WeightsView,
}

impl RoundPage {
    /// A closed exam's page before its round starts: the form to start it.
    fn without_round(exam: ExamView) -> RoundPage {
        RoundPage {
            exam,
            round: None,
            due: String::new(),
            overdue: false,
            questions: vec![],
            reviewers: vec![],
            trainees: vec![],
            late: 0,
            weights: WeightsView {
                automatic: 0,
                peer: 0,
                comparative: 0,
            },
        }
    }
}

impl Page for RoundPage {
    const TEMPLATE: &'static str = "review/round";
}

#[derive(Serialize)]
struct RoundSummary {
    /// Reviewers per answer.
    k: i32,
}

/// The blend weights in whole percent.
#[derive(Serialize)]
struct WeightsView {
    automatic: i64,
    peer: i64,
    comparative: i64,
}

#[derive(Serialize)]
struct QuestionLines {
    item: ItemView,
    answers: Vec<AnswerLine>,
}

/// One answer on the round page, ranked by its final score.
#[derive(Serialize)]
struct AnswerLine {
    rank: usize,
    answer: AnswerRef,
    author: String,
    automatic: Option<f64>,
    peer: Option<f64>,
    lead: Option<LeadLine>,
    #[serde(rename = "final")]
    final_score: Option<f64>,
    parts: Vec<PartView>,
    compared: Option<Compared>,
    reviews: Vec<ReviewLine>,
    /// Reviews in, of `k`.
    done: usize,
    k: i32,
    appeal: Option<AppealLine>,
    lead_needed: bool,
}

#[derive(Serialize)]
struct AnswerRef {
    id: AnswerId,
    body: String,
}

#[derive(Serialize)]
struct LeadLine {
    score: f64,
    reason: String,
    calibration: bool,
}

#[derive(Serialize)]
struct Compared {
    wins: u32,
    of: u32,
}

#[derive(Serialize)]
struct ReviewLine {
    reviewer: String,
    score: Option<f64>,
    bias: Option<f64>,
    /// This review's share of the peer score, in whole percent.
    weight: Option<f64>,
    comment: Option<String>,
}

#[derive(Serialize)]
struct AppealLine {
    id: i64,
    status: crate::db::columns::AppealStatus,
    reason: String,
    better_answer: Option<String>,
    decision: Option<String>,
}

impl AppealLine {
    fn of(a: &review::AppealRow) -> AppealLine {
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
struct TraineeLine {
    name: String,
    standing: crate::domain::review::standings::Standing,
}

#[derive(Serialize)]
struct ReviewerLine {
    id: i64,
    name: String,
    open: usize,
    reviews: usize,
    calibration: Option<i64>,
    bias: Option<f64>,
    reliability: Option<f64>,
    grade: Option<f64>,
    earlier: f64,
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    use crate::db::columns::AppealStatus;
    out.add(&RoundPage::without_round(ExamView::sample()));
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
            automatic: 40,
            peer: 40,
            comparative: 20,
        },
    });
}
