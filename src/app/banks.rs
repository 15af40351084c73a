//! Reading a folder of exam banks and its `programs/` subfolder. The parsing
//! and checks are pure (`domain::bank`, `domain::program`); this adds the file
//! system and the cross-file rules: a bank or program slug is used once, and
//! a program's exams name banks that were loaded (checked as it is parsed).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::domain::bank::{self, Bank, Problem};
use crate::domain::program::{self, Program};

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
    pub programs: Vec<ProgramFile>,
}

impl Default for Loaded {
    fn default() -> Self {
        Loaded {
            origin: Origin::Builtin {
                searched: String::new(),
            },
            files: Vec::new(),
            programs: Vec::new(),
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
        let files = load_builtin();
        let programs = load_builtin_programs(&files);
        return Loaded {
            origin: Origin::Builtin { searched: shown },
            files,
            programs,
        };
    }
    match load_dir(&folder) {
        Ok(files) => Loaded {
            origin: Origin::Folder { folder: shown },
            programs: load_programs(&folder, &files),
            files,
        },
        Err(e) => Loaded {
            origin: Origin::Unreadable {
                folder: shown,
                reason: e.to_string(),
            },
            files: Vec::new(),
            programs: Vec::new(),
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
    builtin_toml(&BUILTIN)
        .into_iter()
        .map(|(name, text)| parsed(name, text))
        .collect()
}

/// The `*.toml` files of a shipped folder, sorted, named as shown to a user.
fn builtin_toml<'a>(dir: &'a Dir) -> Vec<(String, Result<&'a str, String>)> {
    let mut files: Vec<_> = dir
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort_by_key(|f| f.path());
    files
        .into_iter()
        .map(|f| {
            let text =
                std::str::from_utf8(f.contents()).map_err(|_| "file is not UTF-8 text".to_string());
            (format!("(built-in) {}", f.path().display()), text)
        })
        .collect()
}

/// The `*.toml` files of a folder, sorted by name.
fn toml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
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
    let paths = toml_files(dir)?;
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
    let text = read_text(path);
    parsed(
        path.display().to_string(),
        text.as_deref().map_err(Clone::clone),
    )
}

/// A file's text, or why it cannot be read: too large, unreadable, not UTF-8.
fn read_text(path: &Path) -> Result<String, String> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE => Err(format!("file is larger than {MAX_FILE} bytes")),
        _ => std::fs::read(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|b| String::from_utf8(b).map_err(|_| "file is not UTF-8 text".to_string())),
    }
}

/// A file that could not be read, as the one problem of its parse.
fn unreadable(message: String) -> Vec<Problem> {
    vec![Problem {
        line: 1,
        field: "(file)".into(),
        message,
    }]
}

fn parsed(file: String, text: Result<&str, String>) -> BankFile {
    let parsed = text.map_err(unreadable).and_then(bank::parse);
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

/// One program file's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProgramFile {
    pub file: String,
    pub slug: Option<String>,
    pub title: Option<String>,
    pub weeks: usize,
    pub problems: Vec<String>,
    #[serde(skip)]
    pub program: Option<Program>,
}

impl ProgramFile {
    fn of(file: String, text: Result<&str, String>, banks: &[&str]) -> Self {
        match text
            .map_err(unreadable)
            .and_then(|t| program::parse(t, banks))
        {
            Ok(program) => ProgramFile {
                file,
                slug: Some(program.slug.clone()),
                title: Some(program.title.clone()),
                weeks: program.weeks.len(),
                problems: vec![],
                program: Some(program),
            },
            Err(problems) => ProgramFile {
                file,
                slug: None,
                title: None,
                weeks: 0,
                problems: problems.iter().map(ToString::to_string).collect(),
                program: None,
            },
        }
    }
}

/// Reads every `*.toml` in `folder/programs`, sorted by name, checked against
/// the banks loaded; none when there is no such folder (programs are optional).
pub fn load_programs(folder: &Path, banks: &[BankFile]) -> Vec<ProgramFile> {
    let known = slugs(banks);
    let paths = toml_files(&folder.join("programs")).unwrap_or_default();
    let files = paths.iter().map(|p| {
        let text = read_text(p);
        ProgramFile::of(
            p.display().to_string(),
            text.as_deref().map_err(Clone::clone),
            &known,
        )
    });
    slugs_once(files.collect())
}

/// The shipped programs, parsed like files.
pub fn load_builtin_programs(banks: &[BankFile]) -> Vec<ProgramFile> {
    let known = slugs(banks);
    let files = BUILTIN.get_dir("programs").map_or_else(Vec::new, |dir| {
        builtin_toml(dir)
            .into_iter()
            .map(|(name, text)| ProgramFile::of(name, text, &known))
            .collect()
    });
    slugs_once(files)
}

/// The slugs of the banks that loaded.
fn slugs(banks: &[BankFile]) -> Vec<&str> {
    banks
        .iter()
        .filter_map(|b| b.bank.as_ref().map(|b| b.slug.as_str()))
        .collect()
}

/// The rule across program files: a slug is used once; a later file using
/// it again is not used.
fn slugs_once(mut programs: Vec<ProgramFile>) -> Vec<ProgramFile> {
    let mut seen: Vec<String> = Vec::new();
    for f in &mut programs {
        let Some(slug) = f.program.as_ref().map(|p| p.slug.clone()) else {
            continue;
        };
        if seen.contains(&slug) {
            f.problems.push(format!(
                "line 1: program.slug: '{slug}' is already used by another file"
            ));
            f.program = None;
        } else {
            seen.push(slug);
        }
    }
    programs
}
