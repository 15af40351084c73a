//! Chat-log uploads: the file is streamed to a private file in the uploads
//! folder (deleted with its request or its import), recognised by its
//! content hash, and imported on a background thread whose progress lives in
//! the database (so any instance can show it); the page polls it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::json;

use super::api::ApiCaller;
use super::render::{local_time, Ctx, Lead, Page};
use crate::app::imports::{self, Source};
use crate::db::columns::ImportStatus;
use crate::db::imports::{self as stored, Begun, Import, ImportReport};
use crate::domain::mining::chatlog::{Format, Mapping};
use crate::domain::types::Role;
use crate::error::AppError;
use crate::files::Spool;

/// The largest upload accepted.
pub const MAX_UPLOAD_MB: usize = 512;

pub async fn list(Lead { ctx, .. }: Lead) -> Result<HttpResponse, AppError> {
    let (rows, users) = ctx
        .db(|conn| Ok((stored::imports(conn, 50)?, crate::db::users::list(conn)?)))
        .await?;
    ctx.render(&ImportsPage {
        imports: rows
            .iter()
            .map(|row| ImportLine {
                uploader: row
                    .imported_by
                    .map(|id| crate::db::users::name_of(&users, id)),
                started: local_time(row.started_at),
                view: ImportView::of(row),
            })
            .collect(),
    })
}

pub async fn show(Lead { ctx, .. }: Lead, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let row = load(&ctx, path.into_inner()).await?;
    ctx.render(&ImportPage {
        import: ImportView::of(&row),
    })
}

/// The import as its page and the progress API show it.
#[derive(Serialize)]
struct ImportView<'a> {
    id: i64,
    file_name: &'a str,
    status: ImportStatus,
    running: bool,
    failed: bool,
    bytes_read: i64,
    bytes_total: i64,
    percent: i64,
    started_at: i64,
    report: &'a ImportReport,
}

impl<'a> ImportView<'a> {
    fn of(row: &'a Import) -> ImportView<'a> {
        let percent = if row.bytes_total > 0 {
            (row.bytes_read * 100 / row.bytes_total).clamp(0, 100)
        } else {
            100
        };
        ImportView {
            id: row.id,
            file_name: &row.file_name,
            status: row.status,
            running: row.status == ImportStatus::Running,
            failed: row.status == ImportStatus::Failed,
            bytes_read: row.bytes_read,
            bytes_total: row.bytes_total,
            percent,
            started_at: row.started_at,
            report: &row.report,
        }
    }
}

#[derive(Serialize)]
struct ImportsPage<'a> {
    imports: Vec<ImportLine<'a>>,
}

/// An import in the list: when, by whom, and what it found.
#[derive(Serialize)]
struct ImportLine<'a> {
    #[serde(flatten)]
    view: ImportView<'a>,
    /// None for an import from the command line.
    uploader: Option<String>,
    started: String,
}

impl Page for ImportsPage<'_> {
    const TEMPLATE: &'static str = "imports/list";
    const TITLE: &'static str = "imports.title";
}

#[derive(Serialize)]
struct ImportPage<'a> {
    import: ImportView<'a>,
}

impl Page for ImportPage<'_> {
    const TEMPLATE: &'static str = "imports/show";
    const TITLE: &'static str = "imports.list";
}

#[cfg(test)]
pub(super) fn samples(out: &mut super::pages::Samples) {
    use crate::db::imports::ReportSummary;
    use crate::db::mining::Applied;
    use crate::domain::mining::mine::Rejections;
    let rejected = || {
        [(
            "too_short".to_string(),
            Rejections {
                count: 3,
                examples: vec![(4, "嗯".into())],
            },
        )]
        .into_iter()
        .collect()
    };
    let done = Import {
        id: 1,
        file_name: "chats.csv".into(),
        status: ImportStatus::Done,
        bytes_total: 100,
        bytes_read: 100,
        report: ImportReport {
            summary: Some(ReportSummary {
                rows: 10,
                noise: rejected(),
                bad_rows: rejected(),
                ..Default::default()
            }),
            applied: Some(Applied::default()),
            service: Some(Default::default()),
            error: None,
            error_key: None,
        },
        imported_by: Some(2),
        started_at: 0,
        heartbeat_at: 0,
        finished_at: Some(1),
    };
    let failed = Import {
        status: ImportStatus::Failed,
        report: ImportReport {
            error: Some("bad".into()),
            error_key: Some("imports.error.encoding".into()),
            ..Default::default()
        },
        ..done.clone()
    };
    let running = Import {
        status: ImportStatus::Running,
        report: ImportReport::default(),
        ..done.clone()
    };
    out.add(&ImportsPage {
        imports: [(&done, Some("李娜".to_string())), (&running, None)]
            .into_iter()
            .map(|(row, uploader)| ImportLine {
                view: ImportView::of(row),
                uploader,
                started: "2026-11-30 09:00".into(),
            })
            .collect(),
    });
    for import in [&done, &failed, &running] {
        out.add(&ImportPage {
            import: ImportView::of(import),
        });
    }
}

/// `GET /api/v1/imports/{id}`: how far an import has got.
pub async fn progress(caller: ApiCaller, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    caller.require(Role::Lead)?;
    let id = path.into_inner();
    let row = caller
        .db(move |conn| Ok(stored::find_import(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(ImportView::of(&row)))
}

async fn load(ctx: &Ctx, id: i64) -> Result<Import, AppError> {
    ctx.db(move |conn| Ok(stored::find_import(conn, id)?))
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize)]
pub struct UploadQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    map: String,
}

/// `POST /api/v1/imports`, the upload: the file is the raw request body;
/// name, format and column map come in the query. Answers `{"id": …}` at
/// once, or `{"id": …, "seen": true}` when the same content was imported
/// before. From the page or a chat tool's nightly export alike.
pub async fn upload(
    caller: ApiCaller,
    q: web::Query<UploadQuery>,
    mut body: web::Payload,
) -> Result<HttpResponse, AppError> {
    let me = caller.require(Role::Lead)?.id;
    let name = q.name.trim().chars().take(200).collect::<String>();
    if name.is_empty() {
        return Err(AppError::refused(
            StatusCode::BAD_REQUEST,
            "imports.empty_name",
        ));
    }
    let format = match q.format.trim() {
        "" => Format::of_path(&name),
        f => Format::parse(f),
    }
    .ok_or_else(|| AppError::refused(StatusCode::BAD_REQUEST, "imports.bad_format"))?;
    let mapping = match q.map.trim() {
        "" => Mapping::default(),
        spec => Mapping::parse(spec)
            .map_err(|_| AppError::refused(StatusCode::BAD_REQUEST, "imports.bad_map"))?,
    };
    // Every early return below, and a client that goes away mid-upload (the
    // handler is then dropped), deletes the spooled file with the spool.
    let mut spool = Spool::create(
        &caller.state.uploads,
        &crate::app::passwords::random_token(),
    )
    .map_err(|e| anyhow::anyhow!("cannot spool the upload: {e}"))?;
    let mut size = 0usize;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| anyhow::anyhow!("upload: {e}"))?;
        size += chunk.len();
        if size > MAX_UPLOAD_MB * 1024 * 1024 {
            return Err(AppError::Refused {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                key: "imports.too_large",
                args: vec![("mb", MAX_UPLOAD_MB.to_string())],
            });
        }
        spool.write(&chunk).map_err(anyhow::Error::from)?;
    }
    if size == 0 {
        return Err(AppError::refused(
            StatusCode::BAD_REQUEST,
            "imports.empty_file",
        ));
    }
    spool.finish().map_err(anyhow::Error::from)?;
    let path = spool.path().to_path_buf();
    let state = caller.state.clone();
    let begun = {
        let (path, name, mapping) = (path.clone(), name.clone(), mapping.clone());
        web::block(move || {
            let source = Source {
                path: &path,
                file_name: &name,
                format,
                mapping: &mapping,
            };
            imports::begin(&state.pool, &source, Some(me))
        })
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))?
    };
    let lease = match begun {
        Begun::Seen(row) => {
            // The page opens the earlier import, saying why.
            caller.flash("imports.seen", &[("id", row.id.to_string())]);
            return Ok(HttpResponse::Ok().json(json!({ "id": row.id, "seen": true })));
        }
        Begun::Started(lease) => lease,
    };
    let state = caller.state.clone();
    // Runs past this request: the page follows its progress in the database.
    std::thread::spawn(move || {
        let source = Source {
            path: &path,
            file_name: &name,
            format,
            mapping: &mapping,
        };
        if let Err(e) = imports::run(&state.pool, lease, &source, &state.rules, |_| {}) {
            tracing::warn!("import #{} failed: {e}", lease.id);
        }
        drop(spool);
    });
    Ok(HttpResponse::Accepted().json(json!({ "id": lease.id })))
}
