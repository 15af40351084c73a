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
        return ctx.render("review/round", json!({ "exam": exam, "round": null }));
    };
    let view = RoundView {
        outcome: outcome(&round, &evidence)?,
        rubric: round.rubric.clone(),
        round,
        evidence,
        appeals,
        users,
    };
    let questions: Vec<Value> = items
        .iter()
        .map(|item| {
            let scored: Vec<(Value, f64)> = view
                .evidence
                .answers
                .iter()
                .filter(|a| a.item_id == item.id)
                .filter_map(|a| view.answer_row(a))
                .collect();
            let ranked: Vec<Value> = ranking::rank(scored)
                .into_iter()
                .map(|r| {
                    let mut row = r.item;
                    row["rank"] = json!(r.rank);
                    row
                })
                .collect();
            json!({ "item": item, "answers": ranked })
        })
        .collect();
    let trainees: Vec<Value> = standings_of(&view.evidence, &view.outcome)
        .iter()
        .map(|s| json!({ "name": view.name(s.person), "standing": s }))
        .collect();
    let assignments = &view.evidence.assignments;
    let late = view
        .evidence
        .answers
        .iter()
        .filter(|a| !assignments.iter().any(|x| x.answer_id == a.id))
        .count();
    let (round, weights) = (&view.round, view.outcome.weights);
    ctx.render(
        "review/round",
        json!({
            "exam": exam, "round": round, "due": local_time(round.due_at), "questions": questions,
            "reviewers": view.reviewer_rows(), "overdue": db::now_ms() > round.due_at, "trainees": trainees, "late": late,
            "weights": { "automatic": percent(weights.automatic), "peer": percent(weights.peer), "comparative": percent(weights.comparative) },
        }),
    )
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
    fn answer_row(&self, answer: &Answer) -> Option<(Value, f64)> {
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
        let reviews: Vec<Value> = mine
            .iter()
            .map(|a| {
                let fitted = self.fitted(a.reviewer_id);
                json!({
                    "reviewer": self.name(a.reviewer_id), "score": a.score.map(round1),
                    "bias": fitted.map(|r| round1(r.bias)),
                    "weight": fitted.filter(|_| a.score.is_some() && weight_total > 0.0)
                        .map(|r| (100.0 * r.reliability / weight_total).round()),
                    "comment": a.comment,
                })
            })
            .collect();
        let author = self
            .evidence
            .submitted
            .iter()
            .find(|s| s.attempt.id == answer.attempt_id)
            .map_or(String::new(), |s| s.display_name.clone());
        let row = json!({
            "answer": answer, "author": author,
            "automatic": answer.score.map(round1), "peer": peer.map(round1),
            "lead": lead.map(|g| json!({ "score": round1(g.score), "reason": g.reason, "calibration": g.calibration })),
            "final": blended.score.map(round1), "parts": parts_json(blended),
            "compared": comparative.as_ref().map(|s| json!({ "wins": s.wins, "of": s.comparisons })),
            "reviews": reviews, "done": done, "k": self.round.k,
            "appeal": self.appeals.iter().find(|x| x.answer_id == answer.id),
            "lead_needed": done == 0 && lead.is_none(),
        });
        Some((row, blended.score.unwrap_or(-1.0)))
    }

    /// Everyone holding a review, including the absent who have not sent one
    /// (the model knows only those who did): reviews done and open, bias,
    /// reliability, reviewing grade, calibration agreement, earlier reviews.
    fn reviewer_rows(&self) -> Vec<Value> {
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
                json!({
                    "id": id, "name": self.name(id), "open": count(false), "reviews": count(true),
                    "calibration": calibration_agreement(&self.rubric, &e.calibrations, &e.grades, id).map(percent),
                    "bias": fitted.map(|r| round1(r.bias)),
                    "reliability": fitted.map(|r| round1(r.reliability)),
                    "grade": fitted.map(|r| r.grade.round()),
                    "earlier": e.known.get(&id).map_or(0.0, |k| k.reviews.round()),
                })
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
