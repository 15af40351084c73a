//! One script's page: the current text with its placeholders, the other ways
//! customers ask its question, who looks after it, and every version newest
//! first with its provenance and the change from the one before; a lead
//! rolls back, adds or removes wordings, and sets owner, review date and
//! quick-reply shortcut. A refused change comes back on the page with what
//! was typed.

use super::*;
use crate::app::library::Care;

pub async fn show(
    Trainee { ctx, .. }: Trainee,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let page = load(&ctx, path.into_inner()).await?;
    ctx.render(&page)
}

/// The page again with why a change was refused, and what was typed kept.
async fn refused(
    ctx: &Ctx,
    id: i64,
    error: AppError,
    keep: impl FnOnce(&mut ScriptPage),
) -> Result<HttpResponse, AppError> {
    let Some(refusal) = ctx.form_message(&error) else {
        return Err(error);
    };
    let mut page = load(ctx, id).await?;
    page.error = Some(refusal.message);
    keep(&mut page);
    ctx.render_refused(&page, refusal.status)
}

async fn load(ctx: &Ctx, id: i64) -> Result<ScriptPage, AppError> {
    let (script, question, versions, wordings, users, fresh, (record, exams)) = ctx
        .db(move |conn| {
            let script = scripts::find(conn, id)?.ok_or(AppError::NotFound)?;
            let question =
                questions::find_any(conn, script.question_id)?.ok_or(AppError::NotFound)?;
            let versions = scripts::versions(conn, id)?;
            let current = versions.first().map_or("", |v| v.text.as_str());
            let fresh = library::freshness(conn, question.id, current)?;
            let record = library::record(conn, id)?;
            // Exam titles only for a script that stood in rounds.
            let exams = if record.is_empty() {
                Vec::new()
            } else {
                db::exams::list(conn)?
            };
            Ok((
                script,
                question,
                versions,
                db::alternates::of_script(conn, id)?,
                db::users::list(conn)?,
                fresh,
                (record, exams),
            ))
        })
        .await?;
    let name = |id: Option<i64>| id.map(|id| db::users::name_of(&users, id));
    let now = db::now_ms();
    Ok(ScriptPage {
        id: script.id,
        question: question.id,
        prompt: question.prompt,
        owner: name(script.owner_id),
        owners: users
            .iter()
            .filter(|u| u.active && u.role >= crate::domain::types::Role::Lead)
            .map(|u| Owner {
                id: u.id,
                name: u.display_name.clone(),
                current: Some(u.id) == script.owner_id,
            })
            .collect(),
        review_by: script.review_by.map(library::day_of).unwrap_or_default(),
        overdue: script.review_by.is_some_and(|t| t < now),
        shortcut: script.shortcut.unwrap_or_default(),
        alternates: wordings
            .into_iter()
            .map(|w| Alternate {
                id: w.id,
                text: w.text,
            })
            .collect(),
        alternate: String::new(),
        error: None,
        jump: fresh.volume_jump.map(|(last, usual)| Jump { last, usual }),
        drift: fresh.drift.map(|(now, before)| Drift {
            now: (now * 100.0).round() as i64,
            before: (before * 100.0).round() as i64,
        }),
        placeholders: versions
            .first()
            .map(|v| core::placeholders(&v.text))
            .unwrap_or_default(),
        versions: version_lines(&versions, &users),
        record: record
            .iter()
            .rev()
            .map(|stood| StoodLine::of(stood, &exams))
            .collect(),
    })
}

/// How many challengers a round of the head-to-head record shows.
const BOUTS_SHOWN: usize = 3;

/// One round the script stood in, newest first on the page.
#[derive(Serialize)]
struct StoodLine {
    exam: i64,
    title: String,
    n: i32,
    /// The script's own peer result in that round.
    result: String,
    challengers: usize,
    beaten_by: usize,
    /// The best challengers against it.
    bouts: Vec<BoutView>,
}

impl StoodLine {
    fn of(stood: &library::Stood, exams: &[db::exams::ExamRow]) -> Self {
        let won = |b: &&Bout| b.verdict() == Verdict::Won;
        StoodLine {
            exam: stood.exam.get(),
            title: exams
                .iter()
                .find(|e| e.id == stood.exam)
                .map_or_else(String::new, |e| e.title.clone()),
            n: stood.incumbent.version_n,
            result: shown(stood.bouts.first().and_then(|b| b.incumbent_result)),
            challengers: stood.bouts.len(),
            beaten_by: stood.bouts.iter().filter(won).count(),
            bouts: stood
                .bouts
                .iter()
                .take(BOUTS_SHOWN)
                .map(BoutView::of)
                .collect(),
        }
    }
}

fn version_lines(versions: &[scripts::VersionRow], users: &[db::users::User]) -> Vec<VersionLine> {
    versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionLine {
            n: v.n,
            pieces: core::pieces(&v.text),
            text: v.text.clone(),
            current: i == 0,
            author: v.author_id.map(|a| db::users::name_of(users, a)),
            exam: v.exam_id.map(|e| e.get()),
            automatic: v.automatic_score.map(round1),
            final_score: v.final_score.map(round1),
            edited: v.edited,
            note: v.note.clone(),
            approved_by: db::users::name_of(users, v.approved_by),
            approved_at: local_time(v.approved_at),
            change: versions
                .get(i + 1)
                .map(|before| diff::segments(&v.text, &before.text))
                .unwrap_or_default(),
        })
        .collect()
}

/// A lead rolls a script back to an earlier version: published again as the
/// newest, so the history keeps every step.
pub async fn roll_back(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let n: i32 = form
        .text("n")
        .parse()
        .map_err(|_| AppError::bad_request())?;
    let note = ctx.state.catalog.format(
        ctx.lang,
        "library.rolled_back_note",
        &[("n", n.to_string())],
    );
    let by = me.id;
    let new = ctx
        .db(move |conn| Ok(library::roll_back(conn, id, n, &note, by, db::now_ms())?))
        .await?;
    ctx.flash(
        "library.rolled_back",
        &[("n", n.to_string()), ("new", new.to_string())],
    );
    Ok(redirect(&format!("/library/{id}")))
}

/// A lead sets who looks after a script, when it is next reviewed, and the
/// shortcut agents type for it.
pub async fn care(
    Lead { ctx, .. }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let owner: i64 = form
        .text("owner")
        .parse()
        .map_err(|_| AppError::bad_request())?;
    let shortcut = form.text("shortcut").to_string();
    let saved = match library::end_of_day(form.text("review_by")) {
        None => Err(AppError::refused(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "library.bad_date",
        )),
        Some(review_by) => {
            let typed = shortcut.clone();
            ctx.db(move |conn| {
                let care = Care {
                    owner,
                    review_by,
                    shortcut: &typed,
                };
                Ok(library::set_care(conn, id, &care)?)
            })
            .await
        }
    };
    match saved {
        Ok(()) => {
            ctx.flash("library.care_saved", &[]);
            Ok(redirect(&format!("/library/{id}")))
        }
        Err(e) => refused(&ctx, id, e, |page| page.shortcut = shortcut).await,
    }
}

/// A lead adds another way customers ask the script's question.
pub async fn add_alternate(
    Lead { ctx, me }: Lead,
    form: Form,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let text = form.text("text").to_string();
    let (typed, by) = (text.clone(), me.id);
    let added = ctx
        .db(move |conn| Ok(library::add_alternate(conn, id, &typed, by)?))
        .await;
    match added {
        Ok(()) => {
            ctx.flash("library.alternate_added", &[("text", text)]);
            Ok(redirect(&format!("/library/{id}#alternates")))
        }
        Err(e) => refused(&ctx, id, e, |page| page.alternate = text).await,
    }
}

pub async fn remove_alternate(
    Lead { ctx, .. }: Lead,
    _form: Form,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, alternate) = path.into_inner();
    ctx.db(move |conn| Ok(library::remove_alternate(conn, id, alternate)?))
        .await?;
    ctx.flash("library.alternate_removed", &[]);
    Ok(redirect(&format!("/library/{id}#alternates")))
}

#[derive(Serialize)]
pub(super) struct ScriptPage {
    id: i64,
    question: i64,
    prompt: String,
    owner: Option<String>,
    /// Who may look after it (leads), the current owner marked.
    owners: Vec<Owner>,
    /// When it is next reviewed, as a date.
    review_by: String,
    overdue: bool,
    /// The quick-reply shortcut ("" for none).
    shortcut: String,
    /// Other ways customers ask the question.
    alternates: Vec<Alternate>,
    /// A wording typed and refused, kept in its box.
    alternate: String,
    error: Option<String>,
    /// The question's volume jumped in the latest imported week.
    jump: Option<Jump>,
    /// The team's newest real replies drift away from the script (percent far).
    drift: Option<Drift>,
    placeholders: Vec<String>,
    versions: Vec<VersionLine>,
    /// Champion and challenger: every round the script stood in.
    record: Vec<StoodLine>,
}

#[derive(Serialize)]
struct Jump {
    last: i64,
    usual: i64,
}

#[derive(Serialize)]
struct Drift {
    now: i64,
    before: i64,
}

#[derive(Serialize)]
struct Alternate {
    id: i64,
    text: String,
}

#[derive(Serialize)]
struct Owner {
    id: i64,
    name: String,
    current: bool,
}

#[derive(Serialize)]
struct VersionLine {
    n: i32,
    text: String,
    pieces: Vec<core::Piece>,
    current: bool,
    author: Option<String>,
    exam: Option<i64>,
    automatic: Option<f64>,
    final_score: Option<f64>,
    edited: bool,
    note: String,
    approved_by: String,
    approved_at: String,
    /// What changed from the version before (empty for the first).
    change: Vec<diff::Segment>,
}

impl Page for ScriptPage {
    const TEMPLATE: &'static str = "library/script";
    const TITLE: &'static str = "library.script_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    let pieces = || core::pieces("{称呼}您好，今天18点前发出");
    out.add(&ScriptPage {
        id: 1,
        question: 3,
        prompt: "什么时候发货".into(),
        owner: Some("李娜".into()),
        owners: vec![Owner {
            id: 2,
            name: "李娜".into(),
            current: true,
        }],
        review_by: "2027-02-28".into(),
        overdue: true,
        shortcut: "/fh".into(),
        alternates: vec![Alternate {
            id: 1,
            text: "几号能发".into(),
        }],
        alternate: "啥时候发".into(),
        error: Some("这个问法已经能找到话术 #2".into()),
        jump: Some(Jump {
            last: 40,
            usual: 11,
        }),
        drift: Some(Drift {
            now: 80,
            before: 10,
        }),
        placeholders: vec!["{称呼}".into()],
        versions: [true, false]
            .into_iter()
            .map(|current| VersionLine {
                n: 1,
                text: "{称呼}您好".into(),
                pieces: pieces(),
                current,
                author: current.then(|| "王芳".into()),
                exam: Some(2),
                automatic: Some(0.0),
                final_score: Some(81.5),
                edited: current,
                note: "回滚".into(),
                approved_by: "李娜".into(),
                approved_at: "2026-11-30 09:00".into(),
                change: diff::segments("今天发", "明天发"),
            })
            .collect(),
        record: vec![StoodLine {
            exam: 4,
            title: "售后第二轮".into(),
            n: 1,
            result: "70.0".into(),
            challengers: 5,
            beaten_by: 1,
            bouts: vec![BoutView {
                verdict: Verdict::Won,
                challenger: "80.5".into(),
                incumbent: "70.0".into(),
                wins: 2,
                losses: 0,
            }],
        }],
    });
}
