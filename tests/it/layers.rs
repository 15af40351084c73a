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
