//! A lead's review round: starting it, its page (answers ranked by final score, reviewers), late answers, blend weights, handing reviews on.

use super::*;

mod page;
#[cfg(test)]
pub(super) use page::samples;
use page::*;

/// A lead starts the review round of a closed exam: k reviewers per answer,
/// due in some days.
pub async fn start(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let exam_id = path.into_inner();
    let started = async {
        let k = form.int("k", bad_settings())?;
        if !(1..=10).contains(&k) {
            return Err(bad_settings());
        }
        let new = NewRound {
            exam_id,
            k: k as usize,
            due_at: due_from(&form)?,
            by: me.id,
            seed: rand::random(),
            now: db::now_ms(),
        };
        ctx.db(move |conn| Ok(app::review::start_round(conn, &new)?))
            .await
    };
    match started.await {
        Ok(_) => {
            ctx.flash("review.started", &[]);
            Ok(redirect(&format!("/exams/{exam_id}/review")))
        }
        Err(e) => refill(&ctx, exam_id, "start", &form, e).await,
    }
}

/// The round page again after one of its forms was refused: the message
/// beside that form and what was typed in it kept. Anything that is not the
/// user's to fix goes on to the error page.
pub(super) async fn refill(
    ctx: &Ctx,
    exam_id: ExamId,
    which: &'static str,
    form: &Form,
    error: AppError,
) -> Result<HttpResponse, AppError> {
    let Some(refusal) = ctx.form_message(&error) else {
        return Err(error);
    };
    let kept = Kept {
        k: form.text("k").to_string(),
        due_days: form.text("due_days").to_string(),
        reviewer: form.text("reviewer").parse().ok(),
        automatic: form.text("automatic").to_string(),
        peer: form.text("peer").to_string(),
        comparative: form.text("comparative").to_string(),
    };
    let refused = Refusal {
        form: which,
        message: refusal.message,
        status: refusal.status,
    };
    // A refused decision on an appeal comes back among the open appeals.
    let filter = if which == "appeal" {
        Filter::Appeals
    } else {
        Filter::All
    };
    show_round(ctx, exam_id, filter, Some((refused, kept))).await
}

/// The lead's view of a round: per question, the answers ranked by their final
/// score, each with its parts (automatic, peer with every reviewer's mark, bias
/// and weight, the lead's grade); then the reviewers' standing.
pub async fn round(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
    query: web::Query<RoundQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = Filter::parse(query.show.as_deref());
    show_round(&ctx, path.into_inner(), filter, None).await
}

#[derive(serde::Deserialize)]
pub struct RoundQuery {
    show: Option<String>,
}

async fn show_round(
    ctx: &Ctx,
    exam_id: ExamId,
    filter: Filter,
    refused: Option<(Refusal, Kept)>,
) -> Result<HttpResponse, AppError> {
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
        let page = RoundPage::without_round(ExamView::of(&exam)).refilled(refused);
        return page.render(ctx);
    };
    let view = RoundView {
        outcome: outcome(&round, &evidence)?,
        rubric: round.rubric.clone(),
        round,
        evidence,
        appeals,
        users,
    };
    let (summary, questions) = view.questions(&items, filter);
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
    let page = RoundPage {
        exam: ExamView::of(&exam),
        round: Some(RoundSummary { k: round.k }),
        due: local_time(round.due_at),
        overdue: db::now_ms() > round.due_at,
        summary,
        show: filter.key(),
        questions,
        reviewers: view.reviewer_rows(),
        trainees,
        late,
        weights: WeightsView {
            automatic: percent(weights.automatic).to_string(),
            peer: percent(weights.peer).to_string(),
            comparative: percent(weights.comparative).to_string(),
        },
        refused: None,
        kept: Kept::default(),
    };
    page.refilled(refused).render(ctx)
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

    /// The summary line of every question, and the questions with the
    /// answers `filter` keeps, ranked by final score.
    fn questions(
        &self,
        items: &[crate::db::exams::Item],
        filter: Filter,
    ) -> (Vec<QuestionSummary>, Vec<QuestionLines>) {
        let questions: Vec<QuestionLines> = items
            .iter()
            .map(|item| {
                let scored: Vec<(AnswerLine, f64)> = self
                    .evidence
                    .answers
                    .iter()
                    .filter(|a| a.item_id == item.id)
                    .filter_map(|a| self.answer_row(a))
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
                    open: false,
                }
            })
            .collect();
        let summary: Vec<QuestionSummary> = questions.iter().map(QuestionSummary::of).collect();
        let questions = questions
            .into_iter()
            .filter_map(|mut q| {
                q.answers.retain(|a| filter.keeps(a));
                q.open = filter != Filter::All;
                (filter == Filter::All || !q.answers.is_empty()).then_some(q)
            })
            .collect();
        (summary, questions)
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
            incumbent: self
                .evidence
                .incumbents
                .iter()
                .find(|i| i.answer_id == answer.id)
                .map(|i| i.version_n),
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
            disagree: spread(&mine.iter().filter_map(|a| a.score).collect::<Vec<_>>())
                > DISAGREE_SPREAD,
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

/// How far apart the review scores of one answer lie (0 with fewer than two).
fn spread(scores: &[f64]) -> f64 {
    let max = scores.iter().copied().reduce(f64::max);
    let min = scores.iter().copied().reduce(f64::min);
    match (min, max) {
        (Some(min), Some(max)) => max - min,
        _ => 0.0,
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
    let assigned = async {
        let due = due_from(&form)?;
        let added = ctx
            .db(move |conn| app::review::assign_late(conn, exam_id, due)?.ok_or(AppError::NotFound))
            .await?;
        if added == 0 {
            return Err(refused("review.no_late"));
        }
        Ok(added)
    };
    match assigned.await {
        Ok(added) => {
            ctx.flash("review.late_assigned", &[("n", added.to_string())]);
            Ok(redirect(&format!("/exams/{exam_id}/review")))
        }
        Err(e) => refill(&ctx, exam_id, "late", &form, e).await,
    }
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
    let saved = async {
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
        .await
    };
    if let Err(e) = saved.await {
        return refill(&ctx, exam_id, "weights", &form, e).await;
    }
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
    let handed = async {
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
        Ok(moved)
    };
    match handed.await {
        Ok(moved) => {
            ctx.flash("review.reassigned", &[("n", moved.to_string())]);
            Ok(redirect(&format!("/exams/{exam_id}/review")))
        }
        Err(e) => refill(&ctx, exam_id, "reassign", &form, e).await,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reviews_disagree_by_how_far_apart_they_lie() {
        assert_eq!(super::spread(&[60.0, 90.0, 75.0]), 30.0);
        assert_eq!(super::spread(&[70.0]), 0.0, "one review cannot disagree");
        assert_eq!(super::spread(&[]), 0.0);
    }
}
