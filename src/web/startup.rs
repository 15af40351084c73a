//! Building the web application from its settings: one place, used by
//! `huashu serve`, the integration tests and the load bench alike.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;

use actix_web::cookie::Key;
use actix_web::dev::Server;
use actix_web::web::Data;

use super::{AppState, ServerSettings};
use crate::app::banks::Origin;
use crate::db::{self, DbPool};
use crate::domain::mining::rules::Rules;
use crate::domain::text::printable;

/// What the web app starts from.
pub struct Settings {
    pub pool: DbPool,
    /// The `--exams` folder, if given (see `app::banks::load`).
    pub banks: Option<PathBuf>,
    /// Mining rules for chat-log uploads.
    pub rules: Rules,
    /// The private folder uploads are spooled in.
    pub uploads: PathBuf,
    pub key: Key,
    pub cookie_secure: bool,
}

/// A built application, not yet serving: its state is ready (banks loaded,
/// uploads folder made and swept) and its listener bound.
pub struct Application {
    state: Data<AppState>,
    listener: TcpListener,
    server: ServerSettings,
}

impl Application {
    pub fn build(settings: Settings, listener: TcpListener) -> anyhow::Result<Application> {
        crate::files::create_private_dir(&settings.uploads).map_err(|e| {
            anyhow::anyhow!("cannot create folder {}: {e}", settings.uploads.display())
        })?;
        // Left by a process killed mid-upload; an hour is longer than any import.
        let swept = crate::files::sweep(&settings.uploads, std::time::Duration::from_secs(3600));
        if swept > 0 {
            println!(
                "removed {swept} unfinished upload(s) from {}",
                settings.uploads.display()
            );
        }
        let mut state = AppState::new(settings.pool, settings.uploads)?;
        state.rules = settings.rules;
        let state = Data::new(state);
        load_banks(&state, settings.banks.as_deref())?;
        Ok(Application {
            state,
            listener,
            server: ServerSettings {
                key: settings.key,
                cookie_secure: settings.cookie_secure,
            },
        })
    }

    /// The training programs loaded at start.
    pub fn programs(&self) -> Vec<crate::domain::program::Program> {
        let loaded = self.state.loaded_banks();
        loaded
            .programs
            .into_iter()
            .filter_map(|f| f.program)
            .collect()
    }

    pub fn address(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn run(self) -> std::io::Result<Server> {
        super::run(self.listener, self.state, self.server)
    }
}

/// Loads every valid bank into the database; reports broken ones and keeps
/// going. `given` is the `--exams` folder, if any (see `banks::load`).
fn load_banks(state: &AppState, given: Option<&std::path::Path>) -> anyhow::Result<()> {
    let loaded = crate::app::banks::load(given);
    match &loaded.origin {
        Origin::Folder { folder } => println!("exam banks: {folder}"),
        Origin::Builtin { searched } => {
            println!("exam banks: the built-in ones (no folder {searched})")
        }
        Origin::Unreadable { folder, reason } => eprintln!(
            "warning: no exam banks loaded: cannot read {}: {}",
            printable(folder),
            printable(reason)
        ),
    }
    let mut conn = state.pool.get()?;
    for f in &loaded.files {
        match &f.bank {
            Some(bank) => db::questions::sync_bank(&mut conn, bank)?,
            None => not_loaded("bank", &f.file, &f.problems),
        }
    }
    for f in &loaded.programs {
        match &f.program {
            Some(p) => println!("program: {} ({} weeks)", printable(&p.title), p.weeks.len()),
            None => not_loaded("program", &f.file, &f.problems),
        }
    }
    if let Ok(mut banks) = state.banks.write() {
        *banks = loaded;
    }
    Ok(())
}

/// Says on stderr why a bank or program file was not loaded.
fn not_loaded(kind: &str, file: &str, problems: &[String]) {
    eprintln!("warning: {kind} {} not loaded:", printable(file));
    for p in problems {
        eprintln!("  {}: {}", printable(file), printable(p));
    }
}
