//! The automatic scorer's weights (自动评分权重): a lead sees the weights
//! fitted to the team's own grades and how well they agree with grades of
//! questions the fit did not see, beside the built-in weights; puts them in
//! force when they agree better; or goes back to the built-in weights.

use actix_web::HttpResponse;
use serde::Serialize;

use super::auth::Form;
use super::render::{local_time, redirect, Ctx, Lead, Page};
use crate::app::weights::{self, Overview, WeightsError};
use crate::db;
use crate::domain::calibration::Model;
use crate::error::AppError;

pub async fn show(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let (overview, users) = ctx
        .db(|conn| Ok((weights::overview(conn)?, db::users::list(conn)?)))
        .await?;
    let name_of = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| format!("#{id}"), |u| u.display_name.clone())
    };
    ctx.render(&WeightsPage::of(&ctx, &overview, name_of))
}

/// Fits the weights to today's grades and puts them in force; refused when
/// they do not beat the built-in weights on held-out questions.
pub async fn adopt(Lead { ctx, me }: Lead, _form: Form) -> Result<HttpResponse, AppError> {
    let by = me.id;
    let model = ctx
        .db(move |conn| Ok(weights::adopt(conn, by, db::now_ms())?))
        .await?;
    ctx.flash("weights.adopted", &[("r", shown_r(model.held_out_r))]);
    Ok(redirect("/scoring"))
}

pub async fn reset(Lead { ctx, me }: Lead, _form: Form) -> Result<HttpResponse, AppError> {
    let by = me.id;
    ctx.db(move |conn| Ok(weights::reset(conn, by, db::now_ms())?))
        .await?;
    ctx.flash("weights.reset_done", &[]);
    Ok(redirect("/scoring"))
}

/// A Pearson r as pages and messages show it.
pub(crate) fn shown_r(r: Option<f64>) -> String {
    r.map_or("—".to_string(), |r| format!("{r:.2}"))
}

#[derive(Serialize)]
pub(super) struct WeightsPage {
    /// The lead's choice in force; None when nobody chose (built-in weights).
    in_force: Option<InForce>,
    graded: usize,
    questions: usize,
    /// A fit to today's grades, or why there is none.
    fit: Option<Fit>,
    unfit: Option<String>,
}

#[derive(Serialize)]
struct InForce {
    calibrated: bool,
    /// Fitted to another version's signals: not used.
    stale: bool,
    held_out_r: String,
    default_r: String,
    by: String,
    at: String,
}

#[derive(Serialize)]
struct Fit {
    held_out_r: String,
    default_r: String,
    /// Whether the fit agrees with held-out grades better than the built-in
    /// weights: only then can it be put in force.
    better: bool,
    rows: Vec<Weight>,
}

#[derive(Serialize)]
struct Weight {
    signal: String,
    weight: String,
    /// Bar length, in percent of the largest weight.
    width: u32,
    negative: bool,
}

impl WeightsPage {
    fn of(ctx: &Ctx, overview: &Overview, name_of: impl Fn(i64) -> String) -> WeightsPage {
        let (fit, unfit) = match &overview.fitted {
            Ok(model) => (Some(Fit::of(model)), None),
            Err(e) => {
                let (key, args) = AppError::from(WeightsError::Unfit(e.clone())).message();
                (None, Some(ctx.state.catalog.format(ctx.lang, key, &args)))
            }
        };
        WeightsPage {
            in_force: overview.current.as_ref().map(|c| InForce {
                calibrated: c.model.is_some(),
                stale: c.model.as_ref().is_some_and(|m| m.check().is_err()),
                held_out_r: shown_r(c.model.as_ref().and_then(|m| m.held_out_r)),
                default_r: shown_r(c.model.as_ref().and_then(|m| m.default_r)),
                by: name_of(c.chosen_by),
                at: local_time(c.chosen_at),
            }),
            graded: overview.graded,
            questions: overview.questions,
            fit,
            unfit,
        }
    }
}

impl Fit {
    fn of(model: &Model) -> Fit {
        let largest = model
            .weights
            .iter()
            .fold(0.0_f64, |m, w| m.max(w.abs()))
            .max(f64::EPSILON);
        Fit {
            better: matches!((model.held_out_r, model.default_r), (Some(c), Some(d)) if c > d),
            held_out_r: shown_r(model.held_out_r),
            default_r: shown_r(model.default_r),
            rows: model
                .signals
                .iter()
                .zip(&model.weights)
                .map(|(signal, w)| Weight {
                    signal: signal.clone(),
                    weight: format!("{w:+.2}"),
                    width: (w.abs() / largest * 100.0).round() as u32,
                    negative: *w < 0.0,
                })
                .collect(),
        }
    }
}

impl Page for WeightsPage {
    const TEMPLATE: &'static str = "weights";
    const TITLE: &'static str = "weights.title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    use crate::domain::calibration::SIGNALS;
    let model = Model {
        signals: SIGNALS.iter().map(|s| s.to_string()).collect(),
        mean: vec![0.0; SIGNALS.len()],
        scale: vec![1.0; SIGNALS.len()],
        weights: (0..SIGNALS.len()).map(|i| i as f64 - 3.0).collect(),
        intercept: 50.0,
        grade_min: 0.0,
        grade_max: 100.0,
        held_out_r: Some(0.61),
        default_r: Some(0.52),
        answers: 40,
    };
    out.add(&WeightsPage {
        in_force: Some(InForce {
            calibrated: true,
            stale: true,
            held_out_r: "0.61".into(),
            default_r: "0.52".into(),
            by: "组长".into(),
            at: local_time(0),
        }),
        graded: 40,
        questions: 6,
        fit: Some(Fit::of(&model)),
        unfit: None,
    });
    out.add(&WeightsPage {
        in_force: None,
        graded: 3,
        questions: 1,
        fit: None,
        unfit: Some("至少需要 10 个组长评分".into()),
    });
}
