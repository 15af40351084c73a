//! `huashu serve`: open the database, load the banks, optionally seed a demo team,
//! and run the web app.

use std::net::TcpListener;
use std::path::Path;

use actix_web::cookie::Key;
use actix_web::web;
use anyhow::Context;

use crate::config::ServeArgs;
use crate::db::{self, Backend, DbPool};
use crate::web::startup::{Application, Settings};

pub async fn run(db_path: &str, args: ServeArgs) -> anyhow::Result<()> {
    let pool = open_db(db_path)?;
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let settings = Settings {
        pool: pool.clone(),
        banks: args.exams.clone(),
        rules: super::mine::load_rules(args.rules.as_deref())?,
        uploads: uploads_dir(db_path, args.data_dir.as_deref()),
        key: session_key(db_path, args.secret_key.as_deref())?,
        cookie_secure: args.cookie_secure,
    };
    let application = Application::build(settings, listener)?;
    if args.demo {
        let programs = application.programs();
        let logins = web::block(move || super::demo::seed(&pool, &programs)).await??;
        super::demo::print_logins(&logins);
    }
    println!("Huashu is running on http://{}", application.address()?);
    application.run()?.await?;
    Ok(())
}

/// The uploads folder: `uploads` in the data folder, which is the one given,
/// else the SQLite file's folder, else `data`.
fn uploads_dir(url: &str, data_dir: Option<&Path>) -> std::path::PathBuf {
    let data = match (data_dir, Backend::from_url(url)) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Backend::Sqlite(file)) => Path::new(&file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf),
        (None, Backend::Postgres(_)) => Path::new("data").to_path_buf(),
    };
    data.join("uploads")
}

/// Creates a SQLite file (readable by its owner only) and its folder if
/// needed, then connects and migrates.
pub fn open_db(url: &str) -> anyhow::Result<DbPool> {
    if let Backend::Sqlite(file) = Backend::from_url(url) {
        let path = Path::new(&file);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
        }
        // SQLite gives its -wal and -shm files the main file's mode.
        if !path.exists() && file != ":memory:" {
            match crate::files::create_private(path) {
                // Another instance starting at the same moment made it first.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                created => {
                    created.with_context(|| format!("cannot create {}", path.display()))?;
                }
            }
        }
    }
    Ok(db::connect(url)?)
}

/// The cookie key: from configuration, or (SQLite) generated once and kept in
/// `<db>.key`, readable by the owner only, so sessions survive restarts. On
/// PostgreSQL several instances must share one key, so it must be configured.
fn session_key(url: &str, configured: Option<&str>) -> anyhow::Result<Key> {
    if let Some(hex) = configured {
        return key_from_hex(hex.trim())
            .context("HUASHU_SECRET_KEY must be 128 hex characters (64 bytes)");
    }
    let Backend::Sqlite(file) = Backend::from_url(url) else {
        anyhow::bail!(
            "with PostgreSQL, set HUASHU_SECRET_KEY (128 hex characters, e.g. from `openssl rand -hex 64`) \
             to the same value on every instance"
        );
    };
    let path = format!("{file}.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return key_from_hex(text.trim())
            .with_context(|| format!("{path} is not a valid key; delete it to make a new one"));
    }
    let key = Key::generate();
    if let Err(e) = write_private(&path, &crate::domain::text::hex(key.master())) {
        // Another instance starting at the same moment wrote it first: use
        // theirs, once they have finished writing it.
        std::thread::sleep(std::time::Duration::from_millis(100));
        return std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| key_from_hex(text.trim()).ok())
            .ok_or(e);
    }
    Ok(key)
}

fn key_from_hex(hex: &str) -> anyhow::Result<Key> {
    if hex.len() != 128 || !hex.is_ascii() {
        anyhow::bail!("expected 128 hex characters");
    }
    let bytes = (0..64)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()?;
    Ok(Key::from(&bytes))
}

fn write_private(path: &str, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = crate::files::create_private(Path::new(path))
        .with_context(|| format!("cannot create {path}"))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_through_hex_and_bad_hex_is_refused() {
        let key = Key::generate();
        let hex = crate::domain::text::hex(key.master());
        assert_eq!(
            key_from_hex(&hex).map(|k| k.master().to_vec()).ok(),
            Some(key.master().to_vec())
        );
        assert!(key_from_hex("abc").is_err());
        assert!(key_from_hex(&"zz".repeat(64)).is_err());
    }
}
