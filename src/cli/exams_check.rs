//! `huashu exams check DIR`: validate the banks in DIR and the programs in
//! DIR/programs, list every problem, exit 1 if any.

use std::path::Path;

use crate::app::banks;
use crate::domain::text::printable;

pub fn run(dir: &Path) -> anyhow::Result<bool> {
    let files = banks::load_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read folder {}: {e}", dir.display()))?;
    if files.is_empty() {
        eprintln!("{}: no *.toml bank files found", dir.display());
        return Ok(false);
    }
    let programs = banks::load_programs(dir, &files);
    let banks = files
        .iter()
        .map(|f| (&f.file, &f.problems, f.questions, "questions"));
    let programs = programs
        .iter()
        .map(|f| (&f.file, &f.problems, f.weeks, "weeks"));
    let mut ok = true;
    for (file, problems, size, unit) in banks.chain(programs) {
        if problems.is_empty() {
            println!("ok    {}  ({size} {unit})", printable(file));
        } else {
            ok = false;
            for p in problems {
                println!("error {}:{}", printable(file), printable(p));
            }
        }
    }
    Ok(ok)
}
