//! The automatic scorer calibrated to the team's leads. The weights are fitted
//! to the answers leads graded (`domain::calibration`: ridge regression over
//! the scorer's own signals, checked on questions the fit did not see); a lead
//! puts them in force only when they agree with the held-out grades better
//! than the built-in weights, and can go back to the built-in ones at any
//! time. Answers scored after a choice use it; stored scores keep their value.

use crate::db::exams::Item;
use crate::db::weights::{self, Choice};
use crate::db::{Conn, DbError};
use crate::domain::calibration::{self, CalibrationError, Graded, Model};
use crate::domain::scoring::Report;

#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    #[error(transparent)]
    Unfit(#[from] CalibrationError),
    /// The fit agrees with held-out grades no better than the built-in weights.
    #[error("calibrated r {calibrated:?} is not above the built-in {default:?}")]
    NotBetter {
        calibrated: Option<f64>,
        default: Option<f64>,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What the lead's page shows: the choice in force and a fit to today's grades.
pub struct Overview {
    pub current: Option<Choice>,
    pub fitted: Result<Model, CalibrationError>,
    /// Graded answers and the questions they answer.
    pub graded: usize,
    pub questions: usize,
}

pub fn overview(conn: &mut Conn) -> Result<Overview, WeightsError> {
    let graded = graded(conn)?;
    let mut questions: Vec<&str> = graded.iter().map(|g| g.question.as_str()).collect();
    questions.sort_unstable();
    questions.dedup();
    let questions = questions.len();
    Ok(Overview {
        current: weights::current(conn)?,
        fitted: calibration::calibrate(&graded),
        graded: graded.len(),
        questions,
    })
}

/// Fits the weights to the grades as they are now and puts them in force if
/// they beat the built-in weights on held-out questions.
pub fn adopt(conn: &mut Conn, by: i64, now: i64) -> Result<Model, WeightsError> {
    let model = calibration::calibrate(&graded(conn)?)?;
    match (model.held_out_r, model.default_r) {
        (Some(calibrated), Some(default)) if calibrated > default => {}
        (calibrated, default) => {
            return Err(WeightsError::NotBetter {
                calibrated,
                default,
            })
        }
    }
    weights::choose(conn, Some(&model), by, now)?;
    Ok(model)
}

/// Back to the built-in weights.
pub fn reset(conn: &mut Conn, by: i64, now: i64) -> Result<(), WeightsError> {
    Ok(weights::choose(conn, None, by, now)?)
}

/// The weights in force, None for the built-in ones. Weights fitted to the
/// signals of an older version are not used: the built-in ones stand in until
/// a lead fits them again.
pub fn in_force(conn: &mut Conn) -> Result<Option<Model>, DbError> {
    Ok(weights::current(conn)?
        .and_then(|c| c.model)
        .filter(|m| m.check().is_ok()))
}

/// An answer's signals as a model reads them.
pub fn signals(item: &Item, body: &str, report: &Report) -> Vec<f64> {
    let reference = item
        .references
        .get(report.best_reference)
        .map_or("", String::as_str);
    calibration::signals(report, body, reference)
}

/// An answer's score under calibrated weights, to one decimal, capped as the
/// built-in score is when it states a wrong fact or turns a claim round.
pub fn score(model: &Model, item: &Item, body: &str, report: &Report) -> f64 {
    let score = model.score(&signals(item, body, report)).min(report.cap());
    (score * 10.0).round() / 10.0
}

fn graded(conn: &mut Conn) -> Result<Vec<Graded>, WeightsError> {
    weights::graded(conn)?
        .into_iter()
        .map(|g| {
            let report = crate::app::grading::question(&g.item)?.score(&g.body);
            Ok(Graded {
                signals: signals(&g.item, &g.body, &report),
                grade: g.grade,
                question: g.item.question_id.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::columns::{ExamId, ItemId};
    use crate::domain::calibration::SIGNALS;
    use crate::domain::rubric::Settings;

    #[test]
    fn calibrated_weights_cannot_lift_a_wrong_answer_past_the_caps() {
        let item = Item {
            id: ItemId(1),
            exam_id: ExamId(1),
            position: 1,
            question_id: 1,
            scene: "pre_sale".into(),
            category: "invoice".into(),
            prompt: "能开发票吗".into(),
            references: vec!["亲，可以开发票的，下单时备注抬头和税号就行".into()],
            rubric: Settings::default(),
            scenario: None,
        };
        // Weights that give every answer full marks.
        let generous = Model {
            signals: SIGNALS.iter().map(|s| s.to_string()).collect(),
            mean: vec![0.0; SIGNALS.len()],
            scale: vec![1.0; SIGNALS.len()],
            weights: vec![0.0; SIGNALS.len()],
            intercept: 100.0,
            grade_min: 0.0,
            grade_max: 100.0,
            held_out_r: Some(0.9),
            default_r: Some(0.1),
            answers: 10,
        };
        let question = crate::app::grading::question(&item).expect("a question");
        let denied = "亲，不可以开发票的，下单时备注抬头和税号也不行";
        let report = question.score(denied);
        assert!(score(&generous, &item, denied, &report) <= 20.0);
        let granted = "亲，可以开发票，备注抬头和税号";
        let report = question.score(granted);
        assert_eq!(score(&generous, &item, granted, &report), 100.0);
    }
}
