//! The draft exam editor: one form for the exam's settings and every item
//! (question, references, order, removal) plus bank questions to add; and
//! deleting a draft. Whatever is refused comes back with every field as typed.

use std::collections::HashMap;

use super::*;
use crate::domain::{keypoints, rubric};

/// What the editor was sent, kept when it comes back with messages.
pub(super) struct Typed {
    pub(super) settings: Settings,
    pub(super) settings_error: Option<String>,
    pub(super) items: HashMap<ItemId, TypedItem>,
    pub(super) add: Vec<i64>,
}

/// The exam's settings as the editor shows them.
#[derive(Serialize, Clone)]
pub(super) struct Settings {
    pub(super) title: String,
    pub(super) time_limit: String,
    pub(super) pass_mark: String,
}

impl Settings {
    pub(super) fn of(exam: &exams::ExamRow) -> Settings {
        Settings {
            title: exam.title.clone(),
            time_limit: exam.time_limit_min.to_string(),
            pass_mark: exam.pass_mark.to_string(),
        }
    }
}

pub(super) struct TypedItem {
    pub(super) order: String,
    pub(super) prompt: String,
    pub(super) references: String,
    pub(super) key_points: String,
    pub(super) removed: bool,
    pub(super) error: Option<String>,
}

impl Typed {
    fn of(form: &Form, items: &[exams::Item]) -> Typed {
        let removed = form.all("remove");
        Typed {
            settings: Settings {
                title: form.text("title").to_string(),
                time_limit: form.text("time_limit").to_string(),
                pass_mark: form.text("pass_mark").to_string(),
            },
            settings_error: None,
            items: items
                .iter()
                .map(|i| {
                    let field = |name: &str| form.text(&format!("{name}_{}", i.id)).to_string();
                    let typed = TypedItem {
                        order: field("order"),
                        prompt: field("prompt"),
                        references: field("references"),
                        key_points: field("key_points"),
                        removed: removed.iter().any(|r| *r == i.id.to_string()),
                        error: None,
                    };
                    (i.id, typed)
                })
                .collect(),
            add: form
                .all("add")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
        }
    }

    fn has_errors(&self) -> bool {
        self.settings_error.is_some() || self.items.values().any(|i| i.error.is_some())
    }
}

/// Saves the whole editor at once: nothing is saved unless everything is valid.
pub async fn save(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let items = ctx.db(move |conn| Ok(exams::items(conn, id)?)).await?;
    let mut typed = Typed::of(&form, &items);
    let parsed = parse(&ctx, &form, &items, &mut typed);
    let saved = match parsed {
        Some(input) => {
            ctx.db(move |conn| Ok(app::exams::save_draft(conn, id, input)?))
                .await
        }
        None => Err(AppError::Invalid(Invalid::Fields)),
    };
    match saved {
        Ok(()) => {
            ctx.flash("exams.draft_saved", &[]);
            Ok(redirect(&format!("/exams/{id}")))
        }
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            show_exam(&ctx, id, Some((refused, Some(typed)))).await
        }
    }
}

/// The draft the editor describes, or None with each problem noted beside
/// its field in `typed`. Kept items are ordered by the order typed (then by
/// where they were).
fn parse(
    ctx: &Ctx,
    form: &Form,
    items: &[exams::Item],
    typed: &mut Typed,
) -> Option<app::exams::DraftInput> {
    let message = |e: Invalid| ctx.form_message(&AppError::Invalid(e)).map(|r| r.message);
    let settings = settings(form);
    if let Err(e) = &settings {
        typed.settings_error = ctx.form_message(e).map(|r| r.message);
    }
    let mut kept = Vec::new();
    for item in items {
        let Some(t) = typed.items.get_mut(&item.id) else {
            continue;
        };
        if t.removed {
            continue;
        }
        let prompt = types::parse_prompt(&t.prompt).map_err(message);
        let references = types::parse_references(&t.references).map_err(message);
        let key_points = keypoints::parse_list(&t.key_points);
        let key_points = match &references {
            Ok(r) => keypoints::validate(&key_points, r)
                .map(|()| key_points)
                .map_err(message),
            Err(_) => Ok(key_points),
        };
        match (prompt, references, key_points) {
            (Ok(prompt), Ok(references), Ok(key_points)) => {
                let order = t
                    .order
                    .trim()
                    .parse::<i64>()
                    .unwrap_or(item.position.into());
                kept.push((
                    order,
                    item.position,
                    exams::ItemEdit {
                        id: item.id,
                        prompt,
                        references,
                        rubric: rubric::Settings {
                            key_points,
                            ..item.rubric.clone()
                        },
                    },
                ));
            }
            // Never None: a refused item must stop the save, or it would be dropped.
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                t.error = Some(e.unwrap_or_default())
            }
        }
    }
    let (title, time_limit_min, pass_mark) = settings.ok()?;
    if typed.has_errors() {
        return None;
    }
    kept.sort_by_key(|(order, position, _)| (*order, *position));
    Some(app::exams::DraftInput {
        title,
        time_limit_min,
        pass_mark,
        kept: kept.into_iter().map(|(_, _, edit)| edit).collect(),
        add: typed.add.clone(),
    })
}

/// Deletes a draft exam, after the page asked the lead to confirm.
pub async fn delete(
    Lead { ctx, .. }: Lead,
    _form: Form,
    path: web::Path<ExamId>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match ctx
        .db(move |conn| Ok(app::exams::delete_draft(conn, id)?))
        .await
    {
        Ok(()) => {
            ctx.flash("exams.draft_deleted", &[]);
            Ok(redirect("/"))
        }
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            show_exam(&ctx, id, Some((refused, None))).await
        }
    }
}

/// The items as the page shows them: as typed when the editor came back,
/// else as stored.
pub(super) fn editable(items: &[exams::Item], typed: Option<&Typed>) -> Vec<EditableItem> {
    items
        .iter()
        .map(|i| match typed.and_then(|t| t.items.get(&i.id)) {
            Some(t) => EditableItem {
                item: ItemView {
                    prompt: t.prompt.clone(),
                    ..ItemView::of(i)
                },
                order: t.order.clone(),
                references: t.references.clone(),
                key_points: t.key_points.clone(),
                proposed: keypoints::propose(&i.references),
                bare: i.references.is_empty(),
                removed: t.removed,
                error: t.error.clone(),
            },
            None => EditableItem {
                item: ItemView::of(i),
                order: i.position.to_string(),
                references: i.references.join("\n\n"),
                key_points: i.rubric.key_points.join("\n"),
                proposed: keypoints::propose(&i.references),
                bare: i.references.is_empty(),
                removed: false,
                error: None,
            },
        })
        .collect()
}

/// Bank questions a draft may add: the active ones not in it yet.
pub(super) fn addable(
    bank: &[questions::Question],
    items: &[exams::Item],
    typed: Option<&Typed>,
) -> Vec<Addable> {
    bank.iter()
        .filter(|q| !items.iter().any(|i| i.question_id == q.id))
        .map(|q| Addable {
            checked: typed.is_some_and(|t| t.add.contains(&q.id)),
            question: QuestionLine::of(q),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct Addable {
    question: QuestionLine,
    checked: bool,
}

#[cfg(test)]
pub(super) fn sample_addable() -> Addable {
    Addable {
        question: QuestionLine {
            id: 3,
            bank_title: "售前".into(),
            scene: "pre_sale".into(),
            category: "price".into(),
            prompt: "能便宜点吗？".into(),
        },
        checked: true,
    }
}
