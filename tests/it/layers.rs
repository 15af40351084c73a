//! The layers hold: arrows only point inward (web/cli → app → db → domain),
//! as read from every `crate::` reference in `src/`.

use std::path::Path;

/// The top-level modules a layer may not name.
const FORBIDDEN: [(&str, &[&str]); 4] = [
    (
        "domain",
        &["db", "app", "web", "cli", "error", "files", "config"],
    ),
    ("db", &["app", "web", "cli", "error"]),
    ("app", &["web", "cli"]),
    ("web", &["cli"]),
];

/// Every module named right after `crate::`, including each of a `crate::{a, b::c}` group.
fn named_modules(source: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    source
        .split("crate::")
        .skip(1)
        .flat_map(|rest| match rest.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap_or_default()
                .split(',')
                .map(ident)
                .collect(),
            None => vec![ident(rest)],
        })
        .filter(|m| !m.is_empty())
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_layer_reaches_outward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (layer, forbidden) in FORBIDDEN {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        assert!(!files.is_empty(), "no files in src/{layer}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("text");
            for module in named_modules(&text) {
                if forbidden.contains(&module.as_str()) {
                    wrong.push(format!("{} names crate::{module}", file.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn module_names_are_read_from_paths_and_groups() {
    assert_eq!(
        named_modules("use crate::db::x; use crate::{web, app::y};\n fn f() { crate::cli::run() }"),
        ["db", "web", "app", "cli"]
    );
}

/// The longest function body in `source` outside its test module, as (name,
/// lines): a `fn` line to the closing brace at its own indentation.
fn longest_function(source: &str) -> Option<(String, usize)> {
    let code = source
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or(source);
    let lines: Vec<&str> = code.lines().collect();
    let mut longest: Option<(String, usize)> = None;
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let is_fn = [
            "fn ",
            "pub fn ",
            "async fn ",
            "pub async fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
        ]
        .iter()
        .any(|p| trimmed.starts_with(p));
        if !is_fn || trimmed.ends_with(';') {
            continue;
        }
        let close = format!("{indent}}}");
        if let Some(len) = lines[start + 1..].iter().position(|l| *l == close) {
            let name = trimmed.split('(').next().unwrap_or(trimmed).to_string();
            // From the `fn` line to the closing brace, both counted.
            let len = len + 2;
            if longest.as_ref().is_none_or(|(_, l)| len > *l) {
                longest = Some((name, len));
            }
        }
    }
    longest
}

#[test]
fn files_and_functions_stay_small() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut over = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("text");
        let lines = text.lines().count();
        if lines > 600 {
            over.push(format!("{}: {lines} lines", file.display()));
        }
        if let Some((name, len)) = longest_function(&text).filter(|(_, len)| *len > 100) {
            over.push(format!("{}: {name} is {len} lines", file.display()));
        }
    }
    assert!(over.is_empty(), "{}", over.join("\n"));
}

#[test]
fn a_long_function_is_measured_to_its_own_closing_brace() {
    let body = "    x();\n".repeat(3);
    let source = format!("fn short() {{\n}}\n\npub fn long() {{\n{body}}}\n");
    assert_eq!(
        longest_function(&source),
        Some(("pub fn long".to_string(), 5))
    );
}
