//! `huashu exams check DIR`: validate banks, list every problem, exit 1 if any.

use std::path::Path;

use crate::domain::text::printable;

pub fn run(dir: &Path) -> anyhow::Result<bool> {
    let files = crate::app::banks::load_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read folder {}: {e}", dir.display()))?;
    if files.is_empty() {
        eprintln!("{}: no *.toml bank files found", dir.display());
        return Ok(false);
    }
    let mut ok = true;
    for f in &files {
        if f.problems.is_empty() {
            println!("ok    {}  ({} questions)", printable(&f.file), f.questions);
        } else {
            ok = false;
            for p in &f.problems {
                println!("error {}:{}", printable(&f.file), printable(p));
            }
        }
    }
    Ok(ok)
}
