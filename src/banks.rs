//! Reading a folder of exam banks. The parsing and checks are pure
//! (`domain::bank`); this adds the file system and the cross-file rule that a bank
//! slug is used once.

use std::path::Path;

use crate::domain::bank::{self, Bank, Problem};

/// One file's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BankFile {
    pub file: String,
    pub slug: Option<String>,
    pub title: Option<String>,
    pub questions: usize,
    pub problems: Vec<String>,
    #[serde(skip)]
    pub bank: Option<Bank>,
}

/// Largest bank file read; a bank is text written by people.
const MAX_FILE: u64 = 2 * 1024 * 1024;

/// Reads every `*.toml` in `dir`, sorted by name. A missing folder is an error; a
/// broken file is reported in its entry and does not stop the others.
pub fn load_dir(dir: &Path) -> std::io::Result<Vec<BankFile>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut files: Vec<BankFile> = paths.iter().map(|p| load_file(p)).collect();
    let mut seen: Vec<String> = Vec::new();
    for f in &mut files {
        let Some(slug) = f.bank.as_ref().map(|b| b.slug.clone()) else {
            continue;
        };
        if seen.contains(&slug) {
            f.problems.push(format!(
                "line 1: bank.slug: '{slug}' is already used by another file"
            ));
            f.bank = None;
        } else {
            seen.push(slug);
        }
    }
    Ok(files)
}

fn load_file(path: &Path) -> BankFile {
    let file = path.display().to_string();
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE => Err(format!("file is larger than {MAX_FILE} bytes")),
        _ => std::fs::read(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|b| String::from_utf8(b).map_err(|_| "file is not UTF-8 text".to_string())),
    };
    let parsed = text
        .map_err(|m| {
            vec![Problem {
                line: 1,
                field: "(file)".into(),
                message: m,
            }]
        })
        .and_then(|t| bank::parse(&t));
    match parsed {
        Ok(bank) => BankFile {
            file,
            slug: Some(bank.slug.clone()),
            title: Some(bank.title.clone()),
            questions: bank.questions.len(),
            problems: vec![],
            bank: Some(bank),
        },
        Err(problems) => BankFile {
            file,
            slug: None,
            title: None,
            questions: 0,
            problems: problems.iter().map(ToString::to_string).collect(),
            bank: None,
        },
    }
}
