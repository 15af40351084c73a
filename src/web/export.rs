//! CSV downloads for leads: an exam's results, a review round's final scores
//! with their parts, the team's rankings and the mined question groups. UTF-8 with a byte-order mark, which Excel needs to
//! read Chinese; a cell that a spreadsheet would run as a formula is quoted
//! as text.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::render::Lead;
use crate::app::review::{history, standings_of};
use crate::db::columns::ExamId;
use crate::db::{self, exams, mining};
use crate::domain::exam;
use crate::domain::review::standings;
use crate::error::AppError;

/// A CSV file from a header and rows, named `name` for the download.
pub(super) fn csv_file(
    name: &str,
    header: &[String],
    rows: &[Vec<String>],
) -> Result<HttpResponse, AppError> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(header.iter().map(|h| cell(h)))
        .map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    for row in rows {
        out.write_record(row.iter().map(|c| cell(c)))
            .map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    }
    let body = out.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body))
}

/// Text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab or
/// carriage return first) is written with a leading apostrophe, so an answer
/// or a name can never run as one on a lead's machine. Numbers stay numbers.
fn cell(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn score(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{:.1}", v))
}

/// An exam's results: rank, trainee, final and automatic totals, pass, and
/// each question's automatic score.
pub async fn exam_results(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let found = super::exams::submissions(&ctx, id).await?;
    let ranked = found.ranked();
    let (items, answers) = (&found.items, &found.answers);
    let mut header: Vec<String> = [
        "rank",
        "trainee",
        "username",
        "final",
        "automatic",
        "passed",
    ]
    .map(String::from)
    .to_vec();
    header.extend(
        items
            .iter()
            .map(|i| format!("Q{} {}", i.position, i.prompt)),
    );
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .map(|r| {
            let mut row = vec![
                r.rank.to_string(),
                r.item.display_name.clone(),
                r.item.username.clone(),
                score(found.finals.get(&r.item.attempt.id).copied()),
                score(r.item.attempt.score),
                exam::passed(r.score, found.exam.pass_mark).to_string(),
            ];
            row.extend(items.iter().map(|i| {
                score(
                    answers
                        .iter()
                        .find(|a| a.attempt_id == r.item.attempt.id && a.item_id == i.id)
                        .and_then(|a| a.score),
                )
            }));
            row
        })
        .collect();
    csv_file(&format!("exam-{id}-results.csv"), &header, &rows)
}

/// A review round's final scores with their parts: one row per answer,
/// question by question, best first.
pub async fn round(
    Lead { ctx, .. }: Lead,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (items, evidence, outcome, appeals) = ctx
        .db(move |conn| {
            let round = db::review::round_for_exam(conn, id)?.ok_or(AppError::NotFound)?;
            let evidence = crate::app::review::evidence(conn, &round)?;
            let outcome = crate::app::review::outcome(&round, &evidence)?;
            Ok((
                exams::items(conn, id)?,
                evidence,
                outcome,
                db::review::appeals_for_exam(conn, id)?,
            ))
        })
        .await?;
    let header = [
        "question",
        "prompt",
        "trainee",
        "username",
        "final",
        "automatic",
        "peer",
        "comparative",
        "lead",
        "reviews",
        "appeal",
    ]
    .map(String::from);
    let mut rows: Vec<(i32, f64, Vec<String>)> = Vec::new();
    for answer in &evidence.answers {
        let (Some(item), Some(author)) = (
            items.iter().find(|i| i.id == answer.item_id),
            evidence
                .submitted
                .iter()
                .find(|s| s.attempt.id == answer.attempt_id),
        ) else {
            continue;
        };
        let found = outcome.finals.get(&answer.id);
        let final_score = found.and_then(|f| f.blended.score);
        rows.push((
            item.position,
            final_score.unwrap_or(-1.0),
            vec![
                item.position.to_string(),
                item.prompt.clone(),
                author.display_name.clone(),
                author.username.clone(),
                score(final_score),
                score(answer.score),
                score(found.and_then(|f| f.peer)),
                score(found.and_then(|f| f.comparative.as_ref().map(|c| c.score))),
                score(
                    evidence
                        .grades
                        .iter()
                        .find(|g| g.answer_id == answer.id)
                        .map(|g| g.score),
                ),
                evidence
                    .assignments
                    .iter()
                    .filter(|a| a.answer_id == answer.id && a.score.is_some())
                    .count()
                    .to_string(),
                appeals
                    .iter()
                    .find(|a| a.answer_id == answer.id)
                    .map_or(String::new(), |a| a.status.key().to_string()),
            ],
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(_, _, row)| row).collect();
    csv_file(&format!("exam-{id}-review.csv"), &header, &rows)
}

/// The team's rankings over reviewed exams: rank, trainee, mean, change, and
/// each exam's final score.
pub async fn rankings(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let (rounds, users, titles) = ctx
        .db(|conn| {
            let titles = exams::list(conn)?;
            let rounds: Vec<_> = history(conn)?
                .into_iter()
                .map(|(round, evidence, outcome)| (round, standings_of(&evidence, &outcome)))
                .collect();
            Ok((rounds, db::users::list(conn)?, titles))
        })
        .await?;
    let all: Vec<Vec<standings::Standing>> = rounds.iter().map(|(_, s)| s.clone()).collect();
    let mut header: Vec<String> = ["rank", "trainee", "mean", "change"]
        .map(String::from)
        .to_vec();
    header.extend(rounds.iter().map(|(round, _)| {
        titles
            .iter()
            .find(|e| e.id == round.exam_id)
            .map_or(String::new(), |e| e.title.clone())
    }));
    let rows: Vec<Vec<String>> = standings::overall(&all)
        .iter()
        .map(|r| {
            let mut row = vec![
                r.rank.to_string(),
                db::users::name_of(&users, r.person),
                format!("{:.1}", r.mean),
                score(r.change),
            ];
            row.extend(r.exams.iter().map(|s| score(s.as_ref().map(|s| s.score))));
            row
        })
        .collect();
    csv_file("rankings.csv", &header, &rows)
}

/// Every mined question group, most asked first, with its tags and dates.
pub async fn questions(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let clusters = ctx.db(|conn| Ok(mining::clusters(conn)?)).await?;
    let header = [
        "id",
        "question",
        "asked",
        "scene",
        "category",
        "department",
        "first_seen",
        "last_seen",
    ]
    .map(String::from);
    let rows: Vec<Vec<String>> = clusters
        .iter()
        .map(|c| {
            let (scene, category, department) = c.tags();
            vec![
                c.id.to_string(),
                c.name().to_string(),
                c.asked.to_string(),
                scene.unwrap_or_default().to_string(),
                category.unwrap_or_default().to_string(),
                department.to_string(),
                c.first_seen.clone().unwrap_or_default(),
                c.last_seen.clone().unwrap_or_default(),
            ]
        })
        .collect();
    csv_file("questions.csv", &header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_written_as_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+86 138"), "'+86 138");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-5"), "-5", "a negative number stays a number");
        assert_eq!(cell("亲，您好"), "亲，您好");
    }
}
