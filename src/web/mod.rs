//! The HTTP shell: application state, the one route table, and the server.

pub mod accounts;
pub mod api;
pub mod attempts;
pub mod auth;
pub mod cohorts;
pub mod dashboard;
pub mod digest;
pub mod exams;
pub mod export;
pub mod featured;
pub mod home;
pub mod i18n;
pub mod imports;
pub mod layout;
pub mod learned;
pub mod library;
mod pages;
pub mod profile;
pub mod programs;
pub mod questions;
pub mod rankings;
pub mod render;
pub mod review;
pub mod rubric;
pub mod service;
pub mod setup;
pub mod startup;
pub mod weekly;
pub mod weights;

use std::net::TcpListener;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::ErrorHandlers;
use actix_web::{web, App, HttpResponse, HttpServer};
use handlebars::Handlebars;
use include_dir::{include_dir, Dir};

use crate::db::drafts::DraftWriter;
use crate::db::DbPool;
use crate::error::AppError;
use i18n::{Catalog, TranslateHelper};

static TEMPLATES: Dir = include_dir!("$CARGO_MANIFEST_DIR/templates");
static STATIC: Dir = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Largest request body accepted. Above what any honest form sends (a full exam of
/// answers at the length limit, URL-encoded), so oversized answers reach validation
/// and get a message that names their length.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

pub struct AppState {
    pub pool: DbPool,
    pub hb: Handlebars<'static>,
    pub catalog: Arc<Catalog>,
    /// Once true it stays true: users are disabled, never deleted.
    pub setup_done: AtomicBool,
    /// Hashed at start so a login for an unknown user costs as much as a real one.
    pub dummy_hash: String,
    /// What the last load of the exam banks found and where, for the banks page.
    pub banks: std::sync::RwLock<crate::app::banks::Loaded>,
    /// Autosaves go through one group-commit writer per process.
    pub drafts: DraftWriter,
    /// Mining rules (synonyms, tag keywords) for chat-log uploads.
    pub rules: crate::domain::mining::rules::Rules,
    /// Where uploads are spooled while they arrive and are imported (0700).
    pub uploads: std::path::PathBuf,
    /// The script library's matching index, rebuilt when the library changes.
    pub matcher: crate::app::library::Matcher,
    /// Review rounds' final scores, computed again when the review data moves on.
    pub finals: crate::app::review::Finals,
}

impl AppState {
    /// The banks and programs loaded at start, as a copy to read freely.
    pub fn loaded_banks(&self) -> crate::app::banks::Loaded {
        self.banks.read().map(|b| b.clone()).unwrap_or_default()
    }
    /// `uploads`: the private folder for chat logs being uploaded.
    pub fn new(pool: DbPool, uploads: std::path::PathBuf) -> anyhow::Result<Self> {
        let catalog = Arc::new(Catalog::load()?);
        let hb = handlebars(catalog.clone())?;
        let dummy_hash =
            crate::app::passwords::hash_password("not a real password, only a timing decoy")?;
        Ok(Self {
            drafts: DraftWriter::spawn(pool.clone())?,
            pool,
            hb,
            catalog,
            setup_done: AtomicBool::new(false),
            dummy_hash,
            banks: std::sync::RwLock::new(crate::app::banks::Loaded::default()),
            rules: crate::domain::mining::rules::Rules::default(),
            uploads,
            matcher: Default::default(),
            finals: Default::default(),
        })
    }
}

/// The shipped templates with our helpers, in strict mode: a template naming a
/// field its page model lacks fails to render instead of showing a blank.
pub(crate) fn handlebars(catalog: Arc<Catalog>) -> anyhow::Result<Handlebars<'static>> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    register_templates(&mut hb, &TEMPLATES)?;
    hb.register_helper("t", Box::new(TranslateHelper(catalog.clone())));
    hb.register_helper("masked", Box::new(i18n::MaskedHelper(catalog)));
    handlebars::handlebars_helper!(eq: |a: Json, b: Json| a == b);
    hb.register_helper("eq", Box::new(eq));
    Ok(hb)
}

fn register_templates(hb: &mut Handlebars<'static>, dir: &Dir) -> anyhow::Result<()> {
    for file in dir.files() {
        let path = file.path();
        if path.extension().is_some_and(|e| e == "hbs") {
            let name = path.with_extension("").to_string_lossy().replace('\\', "/");
            let source = file
                .contents_utf8()
                .ok_or_else(|| anyhow::anyhow!("{name} is not UTF-8"))?;
            hb.register_template_string(&name, source)?;
        }
    }
    for sub in dir.dirs() {
        register_templates(hb, sub)?;
    }
    Ok(())
}

/// The one route table.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/healthz", web::get().to(healthz))
        .route("/static/{file}", web::get().to(static_file))
        .route("/setup", web::get().to(setup::form))
        .route("/setup", web::post().to(setup::create))
        .route("/login", web::get().to(accounts::login_form))
        .route("/login", web::post().to(accounts::login))
        .route("/logout", web::post().to(accounts::logout))
        .route("/lang", web::post().to(accounts::switch_lang))
        .route("/admin/users", web::get().to(accounts::list))
        .route("/admin/users", web::post().to(accounts::create))
        .route("/admin/users/{id}", web::post().to(accounts::update))
        .route("/banks", web::get().to(exams::banks))
        .route("/exams/new", web::get().to(exams::new_form))
        .route("/exams", web::post().to(exams::create))
        .route("/exams/{id}", web::get().to(exams::show))
        .route("/exams/{id}/status", web::post().to(exams::set_status))
        .route("/exams/{id}/results", web::get().to(exams::results))
        .route(
            "/exams/{id}/results.csv",
            web::get().to(export::exam_results),
        )
        .route("/exams/{id}/review.csv", web::get().to(export::round))
        .route("/rankings.csv", web::get().to(export::rankings))
        .route("/questions.csv", web::get().to(export::questions))
        .route("/exams/{id}/start", web::post().to(attempts::start))
        .route("/exams/{id}/draft", web::post().to(exams::save))
        .route("/exams/{id}/delete", web::post().to(exams::delete))
        .route("/exams/{id}/review", web::get().to(review::round))
        .route("/exams/{id}/review", web::post().to(review::start))
        .route(
            "/exams/{id}/review/reassign",
            web::post().to(review::reassign),
        )
        .route(
            "/exams/{id}/review/weights",
            web::post().to(review::weights),
        )
        .route("/exams/{id}/review/late", web::post().to(review::late))
        .route("/answers/{id}/grade", web::get().to(review::grade_form))
        .route("/answers/{id}/grade", web::post().to(review::grade))
        .route("/answers/{id}/appeal", web::post().to(review::appeal))
        .route("/appeals/{id}", web::post().to(review::decide_appeal))
        .route("/comparisons/{id}", web::get().to(review::compare_form))
        .route("/comparisons/{id}", web::post().to(review::judge))
        .route("/rubric", web::get().to(rubric::show))
        .route("/rubric", web::post().to(rubric::save))
        .route("/scoring", web::get().to(weights::show))
        .route("/scoring/adopt", web::post().to(weights::adopt))
        .route("/scoring/reset", web::post().to(weights::reset))
        .route("/rankings", web::get().to(rankings::team))
        .route("/progress", web::get().to(rankings::mine))
        .route("/progress/{id}", web::get().to(rankings::of))
        .route("/reviews/{id}", web::get().to(review::show))
        .route("/reviews/{id}", web::post().to(review::submit))
        .route(
            "/reviews/{id}/calibration",
            web::get().to(review::calibration),
        )
        .route(
            "/reviews/{id}/calibration",
            web::post().to(review::calibrate),
        )
        .route("/questions", web::get().to(questions::list))
        .route("/imports", web::get().to(imports::list))
        .route("/imports/{id}", web::get().to(imports::show))
        .route("/questions/exam", web::post().to(questions::build_exam))
        .route("/questions/learned", web::get().to(learned::show))
        .route("/questions/{id}", web::get().to(questions::show))
        .route("/questions/{id}", web::post().to(questions::decide))
        .route("/attempts/{id}", web::get().to(attempts::take))
        .route("/attempts/{id}/submit", web::post().to(attempts::submit))
        .route(
            "/attempts/{id}/turn",
            web::post().to(attempts::send_turn_form),
        )
        .route(
            "/api/attempts/{id}/turn",
            web::post().to(attempts::send_turn),
        )
        .route("/attempts/{id}/result", web::get().to(attempts::result))
        .route(
            "/api/attempts/{id}/draft",
            web::post().to(attempts::save_draft),
        );
    library_routes(cfg);
}

/// The script library, a user's profile, and the API for chat tools.
fn library_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/library", web::get().to(library::list))
        .route("/library/check", web::get().to(library::check_form))
        .route("/library/check", web::post().to(library::check))
        .route("/library/import", web::get().to(library::import_form))
        .route("/library/import", web::post().to(library::import))
        .route("/library/export/{file}", web::get().to(library::download))
        .route("/exams/{id}/rescore", web::post().to(library::rescore))
        .route("/api/v1/replies/check", web::post().to(library::check_api))
        .route("/api/v1/scripts/match", web::get().to(api::match_scripts))
        .route("/api/v1/openapi.json", web::get().to(api::openapi))
        .route("/library/{id}", web::get().to(library::show))
        .route("/library/{id}/rollback", web::post().to(library::roll_back))
        .route("/library/{id}/care", web::post().to(library::care))
        .route(
            "/library/{id}/alternates",
            web::post().to(library::add_alternate),
        )
        .route(
            "/library/{id}/alternates/{alternate}/delete",
            web::post().to(library::remove_alternate),
        )
        .route(
            "/library/publish/{question}",
            web::get().to(library::publish_form),
        )
        .route(
            "/library/publish/{question}",
            web::post().to(library::publish),
        )
        .route("/featured", web::get().to(featured::show))
        .route("/programs", web::get().to(programs::list))
        .route("/dashboard", web::get().to(dashboard::show))
        .route("/digest", web::get().to(digest::show))
        .route("/weekly", web::get().to(weekly::show))
        .route("/weekly.csv", web::get().to(weekly::csv))
        .route("/digest.csv", web::get().to(digest::csv))
        .route("/dashboard/{chart}", web::get().to(dashboard::csv))
        .route("/promises", web::get().to(service::promises))
        .route("/promises/{id}/kept", web::post().to(service::tick))
        .route("/cohorts", web::get().to(cohorts::list))
        .route("/cohorts", web::post().to(cohorts::create))
        .route("/cohorts/{id}", web::get().to(cohorts::show))
        .route("/cohorts/{id}/members", web::post().to(cohorts::enrol))
        .route(
            "/cohorts/{id}/members/{user}/remove",
            web::post().to(cohorts::unenrol),
        )
        .route("/cohorts/{id}/exceptions", web::post().to(cohorts::grant))
        .route("/featured", web::post().to(featured::save))
        .route("/featured/exam", web::post().to(featured::exam))
        .route("/profile", web::get().to(profile::show))
        .route("/profile/tokens", web::post().to(profile::create_token))
        .route(
            "/profile/tokens/{id}/revoke",
            web::post().to(profile::revoke_token),
        )
        .route("/api/v1/imports", web::post().to(imports::upload))
        .route("/api/v1/imports/{id}", web::get().to(imports::progress));
}

/// For load balancers: the process answers. Touches neither session nor database,
/// which also makes it the framework's ceiling in the load benchmark.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn static_file(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    let file = STATIC.get_file(&name).ok_or(AppError::NotFound)?;
    let mime = match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(file.contents()))
}

/// Scripts and styles from our own files only: no inline code, so injected
/// markup cannot run. Images may be inline SVG data (the weekly charts).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// No page needs the camera, microphone, location, payment or USB.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

pub(crate) struct ServerSettings {
    pub key: Key,
    pub cookie_secure: bool,
}

/// Builds the server on an already bound listener (tests bind port 0).
pub(crate) fn run(
    listener: TcpListener,
    state: web::Data<AppState>,
    settings: ServerSettings,
) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        let session =
            SessionMiddleware::builder(CookieSessionStore::default(), settings.key.clone())
                .cookie_name("huashu".to_string())
                .cookie_content_security(CookieContentSecurity::Private)
                .cookie_secure(settings.cookie_secure)
                .cookie_same_site(SameSite::Lax)
                .cookie_http_only(true)
                .build();
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(BODY_LIMIT))
            .app_data(
                web::JsonConfig::default()
                    .limit(BODY_LIMIT)
                    .error_handler(|err, _| {
                        tracing::debug!(%err, "bad JSON body");
                        AppError::bad_request().into()
                    }),
            )
            .wrap(actix_web::middleware::from_fn(auth::refuse_unclean_urls))
            .wrap(ErrorHandlers::new().default_handler(render::error_page))
            .wrap(session)
            .wrap(
                // Each is added only where a handler set none (static files
                // set their own Cache-Control).
                actix_web::middleware::DefaultHeaders::new()
                    .add(("X-Frame-Options", "DENY"))
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
                    .add(("Permissions-Policy", PERMISSIONS_POLICY))
                    // Pages show one person's work: after logging out, Back
                    // must not bring them out of the browser's cache.
                    .add(("Cache-Control", "no-store")),
            )
            .configure(routes)
    })
    // Exam pages autosave every few seconds; keeping their connections open (75 s, as
    // nginx does) spares a reconnect per save. actix's 5 s default closed them.
    .keep_alive(std::time::Duration::from_secs(75))
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a page runs or styles itself with must come from `static/`,
    /// or the Content-Security-Policy blocks it.
    #[test]
    fn no_template_carries_inline_script_or_style() {
        fn check(dir: &Dir, found: &mut Vec<String>) {
            for file in dir.files() {
                let text = file.contents_utf8().unwrap_or_default().to_lowercase();
                let inline_script = text.match_indices("<script").any(|(at, _)| {
                    !text[at..]
                        .split('>')
                        .next()
                        .unwrap_or_default()
                        .contains(" src=")
                });
                let handler = [
                    " onclick=",
                    " onsubmit=",
                    " onchange=",
                    " oninput=",
                    " onload=",
                ]
                .iter()
                .any(|h| text.contains(h));
                if inline_script
                    || handler
                    || text.contains("style=")
                    || text.contains("<style")
                    || text.contains("javascript:")
                {
                    found.push(file.path().display().to_string());
                }
            }
            for sub in dir.dirs() {
                check(sub, found);
            }
        }
        let mut found = Vec::new();
        check(&TEMPLATES, &mut found);
        assert_eq!(found, Vec::<String>::new());
    }
}
