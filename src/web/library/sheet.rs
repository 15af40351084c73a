//! The library as a sheet in the browser: everyone downloads it (CSV, JSON,
//! or the quick-reply CSV their chat workbench imports); a lead pastes a
//! sheet (rows copied from Excel, or CSV text) to take it in, all rows or none.

use actix_web::http::header;

use super::*;
use crate::app::library::sheet::{self, ImportError, ImportReport};
use crate::domain::sheet as core_sheet;

/// `/library/export.csv`, `/library/export.json`, `/library/quick-replies.csv`.
pub async fn download(
    Trainee { ctx, .. }: Trainee,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    let scripts = ctx.db(|conn| Ok(sheet::export(conn)?)).await?;
    let (body, mime) = match name.as_str() {
        "export.csv" => (core_sheet::to_csv(&scripts), "text/csv; charset=utf-8"),
        "export.json" => (core_sheet::to_json(&scripts), "application/json"),
        "quick-replies.csv" => {
            let catalog = &ctx.state.catalog;
            let group = |c: &str| catalog.quick_reply_group(c);
            (
                core_sheet::to_quick_replies(&scripts, group),
                "text/csv; charset=utf-8",
            )
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"scripts-{name}\""),
        ))
        .body(body))
}

pub async fn import_form(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    ctx.render(&ImportPage::default())
}

/// The pasted sheet taken in; the same page with what happened, or with
/// every problem and the sheet as pasted.
pub async fn import(Lead { ctx, me }: Lead, form: Form) -> Result<HttpResponse, AppError> {
    let pasted = form.text("sheet").to_string();
    let update = form.checked("update");
    let rows = match core_sheet::from_csv(pasted.as_bytes()) {
        Ok(rows) => Ok(rows),
        Err(problems) => Err(ImportError::Rows(problems)),
    };
    let source = ctx
        .state
        .catalog
        .format(ctx.lang, "library.imported_note", &[]);
    let by = me.id;
    let done = match rows {
        Ok(rows) => {
            ctx.db(move |conn| Ok(sheet::import(conn, &rows, by, update, &source)))
                .await?
        }
        Err(e) => Err(e),
    };
    let page = match done {
        Ok(report) => ImportPage {
            report: Some(report.into()),
            ..ImportPage::default()
        },
        Err(ImportError::Rows(problems)) => {
            let page = ImportPage {
                sheet: pasted,
                update,
                problems: problems
                    .iter()
                    .map(|p| {
                        let what = ctx.state.catalog.sheet_problem(ctx.lang, p);
                        match p.line {
                            0 => what,
                            n => ctx.state.catalog.format(
                                ctx.lang,
                                "sheet.line",
                                &[("line", n.to_string()), ("message", what)],
                            ),
                        }
                    })
                    .collect(),
                report: None,
            };
            return ctx.render_refused(&page, actix_web::http::StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(ImportError::Db(e)) => return Err(e.into()),
    };
    ctx.render(&page)
}

#[derive(Serialize, Default)]
pub(super) struct ImportPage {
    sheet: String,
    update: bool,
    problems: Vec<String>,
    report: Option<Report>,
}

#[derive(Serialize)]
struct Report {
    added: usize,
    updated: usize,
    unchanged: usize,
    wordings: usize,
    conflicts: Vec<String>,
}

impl From<ImportReport> for Report {
    fn from(r: ImportReport) -> Self {
        Report {
            added: r.added,
            updated: r.updated,
            unchanged: r.unchanged,
            wordings: r.wordings_added,
            conflicts: r.conflicts,
        }
    }
}

impl Page for ImportPage {
    const TEMPLATE: &'static str = "library/import";
    const TITLE: &'static str = "library.import_title";
}

#[cfg(test)]
pub(super) fn samples(out: &mut crate::web::pages::Samples) {
    out.add(&ImportPage::default());
    out.add(&ImportPage {
        sheet: "问题,话术\n在吗,".into(),
        update: true,
        problems: vec!["2: the text is empty".into()],
        report: Some(Report {
            added: 1,
            updated: 0,
            unchanged: 2,
            wordings: 3,
            conflicts: vec!["几天能到".into()],
        }),
    });
}
