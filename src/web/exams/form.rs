//! The form that builds an exam: bank questions ticked, or drawn at random per
//! category; refused input comes back on the same form, kept.

use super::*;

pub async fn new_form(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    render_new(&ctx, ExamForm::blank(), ExamFormErrors::default()).await
}

/// The exam form, blank or as it was sent, with a message beside the field
/// that was refused.
async fn render_new(
    ctx: &Ctx,
    form: ExamForm,
    errors: ExamFormErrors,
) -> Result<HttpResponse, AppError> {
    let status = errors.status;
    let questions = ctx.db(|conn| Ok(questions::list_active(conn)?)).await?;
    let page = NewExamPage {
        questions: questions
            .iter()
            .map(|q| Pick {
                checked: form.picked.contains(&q.id),
                question: QuestionLine::of(q),
            })
            .collect(),
        categories: Category::ALL
            .iter()
            .map(|c| CategoryPick {
                key: c.key(),
                checked: form.cats.iter().any(|k| k == c.key()),
            })
            .collect(),
        form,
        errors,
    };
    match status {
        Some(status) => ctx.render_refused(&page, status),
        None => ctx.render(&page),
    }
}

/// An exam's title, time limit and pass mark from its form.
pub fn settings(form: &Form) -> Result<(String, i32, i32), AppError> {
    let title = types::parse_title(form.text("title"))?;
    let limit = form.int("time_limit", Invalid::TimeLimit { min: 1, max: 480 }.into())?;
    let limit = types::parse_time_limit(i32::try_from(limit).unwrap_or(0))?;
    let pass = form.int("pass_mark", Invalid::PassMark.into())?;
    let pass = types::parse_pass_mark(i32::try_from(pass).unwrap_or(-1))?;
    Ok((title, limit, pass))
}

pub async fn create(Lead { ctx, me }: Lead, form: Form) -> Result<HttpResponse, AppError> {
    let kept = ExamForm::of(&form);
    match build(&ctx, me.id, &form).await {
        Ok(id) => {
            ctx.flash("exams.created", &[]);
            Ok(redirect(&format!("/exams/{id}")))
        }
        Err(e) => {
            let Some(refused) = ctx.form_message(&e) else {
                return Err(e);
            };
            render_new(&ctx, kept, ExamFormErrors::at(&e, refused)).await
        }
    }
}

/// Creates the exam the form describes: the questions ticked, or drawn at
/// random per category.
async fn build(ctx: &Ctx, me: i64, form: &Form) -> Result<ExamId, AppError> {
    let (title, limit, pass) = settings(form)?;
    let random = form.text("mode") == "random";
    let picked: Vec<i64> = form
        .all("q")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let categories: Vec<Category> = form
        .all("cat")
        .iter()
        .filter_map(|c| Category::parse(c))
        .collect();
    // A missing or bad number draws nothing, which is refused below as "no questions".
    let per_category = form
        .text("per_category")
        .trim()
        .parse::<i64>()
        .unwrap_or(0)
        .clamp(0, 50) as usize;
    let seed: u64 = rand::random();
    ctx.db(move |conn| {
        let ids = if random {
            let pool: Vec<(i64, Category)> = questions::list_active(conn)?
                .iter()
                .filter_map(|q| Category::parse(&q.category).map(|c| (q.id, c)))
                .collect();
            exam::draw(&pool, per_category, &categories, seed)
        } else {
            picked
        };
        let chosen = questions::find_active(conn, &ids)?;
        let new = exams::NewExam {
            title: &title,
            time_limit_min: limit,
            pass_mark: pass,
            created_by: me,
        };
        Ok(app::exams::create(conn, &new, &chosen)?)
    })
    .await
}

#[derive(Serialize)]
struct NewExamPage {
    questions: Vec<Pick>,
    categories: Vec<CategoryPick>,
    form: ExamForm,
    errors: ExamFormErrors,
}

#[derive(Serialize)]
struct Pick {
    question: QuestionLine,
    checked: bool,
}

#[derive(Serialize)]
struct CategoryPick {
    key: &'static str,
    checked: bool,
}

/// The exam form's fields as typed, kept when it comes back with a message.
#[derive(Serialize)]
struct ExamForm {
    title: String,
    time_limit: String,
    pass_mark: String,
    random: bool,
    per_category: String,
    cats: Vec<String>,
    picked: Vec<i64>,
}

impl ExamForm {
    fn blank() -> ExamForm {
        ExamForm {
            title: String::new(),
            time_limit: "30".into(),
            pass_mark: "60".into(),
            random: false,
            per_category: "1".into(),
            cats: vec![],
            picked: vec![],
        }
    }

    fn of(form: &Form) -> ExamForm {
        ExamForm {
            title: form.text("title").to_string(),
            time_limit: form.text("time_limit").to_string(),
            pass_mark: form.text("pass_mark").to_string(),
            random: form.text("mode") == "random",
            per_category: form.text("per_category").to_string(),
            cats: form.all("cat").iter().map(|c| c.to_string()).collect(),
            picked: form
                .all("q")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
        }
    }
}

/// A message beside the field it is about.
#[derive(Serialize, Default)]
struct ExamFormErrors {
    title: Option<String>,
    time_limit: Option<String>,
    pass_mark: Option<String>,
    /// No question chosen, or one that cannot be scored.
    questions: Option<String>,
    #[serde(skip)]
    status: Option<StatusCode>,
}

impl ExamFormErrors {
    fn at(error: &AppError, refused: FormRefusal) -> ExamFormErrors {
        let mut errors = ExamFormErrors {
            status: Some(refused.status),
            ..ExamFormErrors::default()
        };
        let slot = match error {
            AppError::Invalid(Invalid::Title) => &mut errors.title,
            AppError::Invalid(Invalid::TimeLimit { .. }) => &mut errors.time_limit,
            AppError::Invalid(Invalid::PassMark) => &mut errors.pass_mark,
            _ => &mut errors.questions,
        };
        *slot = Some(refused.message);
        errors
    }
}

impl Page for NewExamPage {
    const TEMPLATE: &'static str = "exams/new";
    const TITLE: &'static str = "exams.new_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples, question: impl Fn() -> QuestionLine) {
    for errors in [
        ExamFormErrors::default(),
        ExamFormErrors {
            title: Some("标题不能为空".into()),
            time_limit: Some("1–480 分钟".into()),
            pass_mark: Some("0–100".into()),
            questions: Some("至少选一道题".into()),
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        },
    ] {
        out.add(&NewExamPage {
            questions: vec![Pick {
                question: question(),
                checked: true,
            }],
            categories: vec![CategoryPick {
                key: "refund",
                checked: true,
            }],
            form: ExamForm::blank(),
            errors,
        });
    }
}
