//! Readers for the labelled question-pair sets in ../shared/data (BQ and
//! ATEC/AFQMC), shared by the clustering and matching benchmarks. The data is
//! read in place, never copied; a reader gives None when its file is absent.
#![allow(dead_code)] // each benchmark uses part of it

use std::path::{Path, PathBuf};

pub struct Pair {
    pub a: String,
    pub b: String,
    pub same: bool,
}

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

fn clean(s: &str) -> String {
    s.trim().trim_start_matches('\u{FEFF}').to_string()
}

/// BQ: `sentence1,sentence2,label` with a header; sentences hold no commas.
pub fn bq(file: &Path) -> Option<Vec<Pair>> {
    let text = std::fs::read_to_string(file).ok()?;
    Some(
        text.lines()
            .skip(1)
            .filter_map(|l| {
                let mut parts = l.rsplitn(2, ',');
                let label = parts.next()?;
                let (a, b) = parts.next()?.split_once(',')?;
                Some(Pair {
                    a: clean(a),
                    b: clean(b),
                    same: label.trim() == "1",
                })
            })
            .collect(),
    )
}

/// AFQMC: `id<TAB>q1<TAB>q2<TAB>label`; even ids tune, odd ids test (the file
/// has no published split).
pub fn afqmc(file: &Path) -> Option<(Vec<Pair>, Vec<Pair>)> {
    let text = std::fs::read_to_string(file).ok()?;
    let (mut dev, mut test) = (Vec::new(), Vec::new());
    for l in text.lines() {
        let f: Vec<&str> = l.split('\t').collect();
        let [id, a, b, label] = f[..] else { continue };
        let Ok(id) = clean(id).parse::<u64>() else {
            continue;
        };
        let pair = Pair {
            a: clean(a),
            b: clean(b),
            same: label.trim() == "1",
        };
        if id % 2 == 0 {
            dev.push(pair)
        } else {
            test.push(pair)
        }
    }
    Some((dev, test))
}
