//! Reading a folder of exam banks. The parsing and checks are pure
//! (`domain::bank`); this adds the file system and the cross-file rule that a bank
//! slug is used once.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::domain::bank::{self, Bank, Problem};

/// The banks shipped with the program, used when no `exams/` folder is found,
/// so the binary works (and its demo has exams) wherever it is started.
static BUILTIN: Dir = include_dir!("$CARGO_MANIFEST_DIR/exams");

/// Where the loaded banks came from, for the banks page and the start-up log.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A folder of bank files (given, or `exams/` beside the working directory).
    Folder { folder: String },
    /// The shipped banks: `searched` had no banks folder.
    Builtin { searched: String },
    /// The folder given could not be read: nothing was loaded.
    Unreadable { folder: String, reason: String },
}

/// Every bank file read at start and where they came from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Loaded {
    pub origin: Origin,
    pub files: Vec<BankFile>,
}

impl Default for Loaded {
    fn default() -> Self {
        Loaded {
            origin: Origin::Builtin {
                searched: String::new(),
            },
            files: Vec::new(),
        }
    }
}

/// The banks to use: the folder given (`--exams`), else `exams/` in the
/// working directory if there is one, else the shipped banks.
pub fn load(given: Option<&Path>) -> Loaded {
    let (folder, explicit) = match given {
        Some(dir) => (dir.to_path_buf(), true),
        None => (PathBuf::from("exams"), false),
    };
    let shown = absolute(&folder);
    if !explicit && !folder.is_dir() {
        return Loaded {
            origin: Origin::Builtin { searched: shown },
            files: load_builtin(),
        };
    }
    match load_dir(&folder) {
        Ok(files) => Loaded {
            origin: Origin::Folder { folder: shown },
            files,
        },
        Err(e) => Loaded {
            origin: Origin::Unreadable {
                folder: shown,
                reason: e.to_string(),
            },
            files: Vec::new(),
        },
    }
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// The shipped banks, parsed like files (they are checked in CI like any).
pub fn load_builtin() -> Vec<BankFile> {
    let mut files: Vec<_> = BUILTIN
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort_by_key(|f| f.path());
    files
        .iter()
        .map(|f| {
            let name = format!("(built-in) {}", f.path().display());
            let text =
                std::str::from_utf8(f.contents()).map_err(|_| "file is not UTF-8 text".to_string());
            parsed(name, text)
        })
        .collect()
}

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
    parsed(file, text.as_deref().map_err(Clone::clone))
}

fn parsed(file: String, text: Result<&str, String>) -> BankFile {
    let parsed = text
        .map_err(|m| {
            vec![Problem {
                line: 1,
                field: "(file)".into(),
                message: m,
            }]
        })
        .and_then(bank::parse);
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
