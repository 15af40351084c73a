//! `huashu scripts export|import`: the script library to and from a sheet —
//! CSV (Excel), JSON, or the quick-reply CSV chat workbenches import.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::app::library::sheet::{self, ImportError};
use crate::config::SheetFormat;
use crate::db::users;
use crate::domain::sheet as core;
use crate::domain::text::printable;

pub fn export(url: &str, format: SheetFormat, out: Option<&Path>) -> anyhow::Result<()> {
    let pool = super::serve::open_db(url)?;
    let mut conn = pool.get().context("database")?;
    let scripts = sheet::export(&mut conn)?;
    let bytes = match format {
        SheetFormat::Csv => core::to_csv(&scripts),
        SheetFormat::Json => core::to_json(&scripts),
        SheetFormat::QuickReply => {
            let catalog = crate::web::i18n::Catalog::load()?;
            core::to_quick_replies(&scripts, |category| catalog.quick_reply_group(category))
        }
    };
    match out {
        Some(path) => std::fs::write(path, &bytes).with_context(|| path.display().to_string())?,
        None => std::io::stdout().write_all(&bytes)?,
    }
    eprintln!("{} scripts exported", scripts.len());
    Ok(())
}

/// Imports a sheet as `by` (default: the first active admin). Ok(false)
/// when the sheet was refused; each problem is printed.
pub fn import(
    url: &str,
    file: &Path,
    format: Option<SheetFormat>,
    by: Option<&str>,
    update: bool,
) -> anyhow::Result<bool> {
    let bytes = std::fs::read(file).with_context(|| file.display().to_string())?;
    let json = match format {
        Some(f) => f == SheetFormat::Json,
        None => file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json")),
    };
    let rows = if json {
        core::from_json(&bytes)
    } else {
        core::from_csv(&bytes)
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(problems) => return Ok(report_problems(file, &problems)),
    };
    let pool = super::serve::open_db(url)?;
    let mut conn = pool.get().context("database")?;
    let people = users::list(&mut conn)?;
    let importer = match by {
        Some(name) => people.iter().find(|u| u.username == name && u.active),
        None => people
            .iter()
            .find(|u| u.active && u.role == crate::domain::types::Role::Admin),
    }
    .filter(|u| u.role >= crate::domain::types::Role::Lead)
    .with_context(|| {
        format!(
            "no active lead or admin named '{}'",
            by.unwrap_or("(any admin)")
        )
    })?;
    let source = format!("imported from {}", printable(&file.display().to_string()));
    match sheet::import(&mut conn, &rows, importer.id, update, &source) {
        Ok(r) => {
            println!(
                "{} added, {} updated, {} unchanged, {} wordings added",
                r.added, r.updated, r.unchanged, r.wordings_added
            );
            for q in &r.conflicts {
                println!("conflict: '{}' has a different official text; kept (use --update to publish the sheet's)", printable(q));
            }
            Ok(true)
        }
        Err(ImportError::Rows(problems)) => Ok(report_problems(file, &problems)),
        Err(ImportError::Db(e)) => Err(e.into()),
    }
}

fn report_problems(file: &Path, problems: &[core::SheetProblem]) -> bool {
    let catalog = crate::web::i18n::Catalog::load().ok();
    for p in problems {
        let at = if p.line > 0 {
            format!(":{}", p.line)
        } else {
            String::new()
        };
        let what = catalog
            .as_ref()
            .map_or_else(|| p.key.to_string(), |c| c.sheet_problem("en", p));
        println!(
            "error {}{at}: {}",
            printable(&file.display().to_string()),
            printable(&what)
        );
    }
    println!("nothing imported");
    false
}
