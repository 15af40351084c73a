//! The product of the week (每周主推): everyone reads it (its summary is on
//! every home page); a lead sets it, with persuasion scripts tagged by
//! technique, and draws a draft exam from them.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Serialize;

use super::auth::Form;
use super::render::{local_time, redirect, Ctx, Lead, Page, Trainee};
use crate::app::featured;
use crate::db::featured::Stored;
use crate::domain::featured::{parse, Featured, FeaturedError, PitchInput};
use crate::domain::types::Technique;
use crate::error::AppError;

/// Rows of persuasion scripts the form offers.
const PITCH_ROWS: usize = 6;

pub async fn show(Trainee { ctx, .. }: Trainee) -> Result<HttpResponse, AppError> {
    let current = ctx.db(|conn| Ok(featured::current(conn)?)).await?;
    ctx.render(&FeaturedPage::of(current.as_ref(), featured::this_week()))
}

/// A lead sets this week's product; refused, the form comes back as typed.
pub async fn save(Lead { ctx, me }: Lead, form: Form) -> Result<HttpResponse, AppError> {
    let pitches: Vec<PitchInput> = (0..PITCH_ROWS)
        .map(|i| PitchInput {
            technique: form.text(&format!("technique_{i}")),
            customer: form.text(&format!("customer_{i}")),
            reply: form.text(&format!("reply_{i}")),
        })
        .collect();
    match parse(form.text("product"), form.text("points"), &pitches) {
        Ok(product) => {
            let (week, by) = (featured::this_week(), me.id);
            ctx.db(move |conn| Ok(featured::set(conn, &week, &product, by)?))
                .await?;
            ctx.flash("featured.saved", &[]);
            Ok(redirect("/featured"))
        }
        Err(e) => {
            let mut page = FeaturedPage::of(None, featured::this_week());
            page.product = form.text("product").to_string();
            page.points = form.text("points").to_string();
            page.rows = (0..PITCH_ROWS).map(|i| Row::typed(&form, i)).collect();
            page.error = Some(message(&ctx, &e));
            ctx.render_refused(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

fn message(ctx: &Ctx, e: &FeaturedError) -> String {
    let (key, args) = match e {
        FeaturedError::Product => ("featured.bad_product", vec![]),
        FeaturedError::Points => ("featured.bad_points", vec![]),
        FeaturedError::Pitch { n } => ("featured.bad_pitch", vec![("n", n.to_string())]),
        FeaturedError::Banned { n, words } => (
            "featured.banned",
            vec![("n", n.to_string()), ("words", words.clone())],
        ),
    };
    ctx.state.catalog.format(ctx.lang, key, &args)
}

/// A draft exam of the product's persuasion scripts, opened in the editor.
pub async fn exam(Lead { ctx, me }: Lead, _form: Form) -> Result<HttpResponse, AppError> {
    let title = ctx
        .state
        .catalog
        .format(ctx.lang, "featured.exam_title", &[]);
    let by = me.id;
    let id = ctx
        .db(move |conn| Ok(featured::draw_exam(conn, &title, by)?))
        .await?;
    Ok(redirect(&format!("/exams/{}", id.get())))
}

#[derive(Serialize)]
pub(super) struct FeaturedPage {
    week: String,
    /// The product shown (this week's or the latest before).
    shown: Option<Shown>,
    product: String,
    points: String,
    rows: Vec<Row>,
    techniques: Vec<&'static str>,
    error: Option<String>,
}

#[derive(Serialize)]
struct Shown {
    week: String,
    product: String,
    points: Vec<String>,
    pitches: Vec<(String, String, &'static str)>,
    set_at: String,
    this_week: bool,
}

#[derive(Serialize)]
struct Row {
    technique: String,
    customer: String,
    reply: String,
}

impl Row {
    fn typed(form: &Form, i: usize) -> Row {
        Row {
            technique: form.text(&format!("technique_{i}")).to_string(),
            customer: form.text(&format!("customer_{i}")).to_string(),
            reply: form.text(&format!("reply_{i}")).to_string(),
        }
    }
}

impl FeaturedPage {
    fn of(current: Option<&Stored>, week: String) -> FeaturedPage {
        let this_week = current.filter(|s| s.week == week);
        // The form starts from this week's product, or offers one row per technique.
        let rows = (0..PITCH_ROWS)
            .map(|i| {
                let pitch = this_week.and_then(|s| s.featured.pitches.get(i));
                Row {
                    technique: pitch.map_or_else(
                        || Technique::ALL.get(i).map_or("", |t| t.key()).to_string(),
                        |p| p.technique.key().to_string(),
                    ),
                    customer: pitch.map_or(String::new(), |p| p.customer.clone()),
                    reply: pitch.map_or(String::new(), |p| p.reply.clone()),
                }
            })
            .collect();
        let empty = Featured {
            product: String::new(),
            points: vec![],
            pitches: vec![],
        };
        let typed = this_week.map_or(&empty, |s| &s.featured);
        FeaturedPage {
            shown: current.map(|s| Shown {
                week: s.week.clone(),
                product: s.featured.product.clone(),
                points: s.featured.points.clone(),
                pitches: s
                    .featured
                    .pitches
                    .iter()
                    .map(|p| (p.customer.clone(), p.reply.clone(), p.technique.key()))
                    .collect(),
                set_at: local_time(s.set_at),
                this_week: s.week == week,
            }),
            product: typed.product.clone(),
            points: typed.points.join("\n"),
            rows,
            techniques: Technique::ALL.iter().map(|t| t.key()).collect(),
            error: None,
            week,
        }
    }
}

impl Page for FeaturedPage {
    const TEMPLATE: &'static str = "featured";
    const TITLE: &'static str = "featured.title";
}

/// The summary every home page shows.
#[derive(Serialize)]
pub(super) struct FeaturedBox {
    product: String,
    points: Vec<String>,
}

pub(super) fn summary(current: Option<Stored>) -> Option<FeaturedBox> {
    current.map(|s| FeaturedBox {
        product: s.featured.product,
        points: s.featured.points,
    })
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    out.add(&FeaturedPage::of(None, "2026-W49".into()));
    let stored = Stored {
        week: "2026-W49".into(),
        featured: Featured {
            product: "羽绒服A款".into(),
            points: vec!["90%白鸭绒".into()],
            pitches: vec![crate::domain::featured::Pitch {
                technique: Technique::ChoiceQuestion,
                customer: "哪款好？".into(),
                reply: "您更看重保暖还是轻便呢？".into(),
            }],
        },
        set_by: 1,
        set_at: 0,
    };
    let mut page = FeaturedPage::of(Some(&stored), "2026-W49".into());
    assert!(summary(Some(stored.clone())).is_some());
    page.error = Some("第 1 条说服话术需要选技巧".into());
    out.add(&page);
}
