//! The script library as a sheet a team keeps outside Huashu: CSV (what
//! Excel opens, one script a row, its other wordings one a line in their
//! cell), JSON, and the quick-reply CSV chat workbenches import (group,
//! shortcut, text). Reading checks every row and names each problem by line,
//! so a sheet is taken whole or not at all.

use serde::{Deserialize, Serialize};

use super::types::{Category, Scene};

/// A script as it travels in a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetScript {
    pub question: String,
    /// The official reply, placeholders and all.
    pub text: String,
    #[serde(default)]
    pub alternates: Vec<String>,
    /// `pre_sale`, `in_sale`, `after_sale`, or "".
    #[serde(default)]
    pub scene: String,
    /// A category key (`shipping` …), or "".
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub shortcut: String,
    /// The owner's username, or "".
    #[serde(default)]
    pub owner: String,
    /// The next review, YYYY-MM-DD, or "".
    #[serde(default)]
    pub review_by: String,
}

/// A sheet's problem: where (a CSV line, 1 being the header; or the Nth
/// script and its question) and what is wrong, as a message-catalog key and
/// its arguments, so each person reads it in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    /// The CSV line, or 0.
    pub line: usize,
    /// The script's number in the sheet and its question, for problems found
    /// after reading.
    pub row: Option<(usize, String)>,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl SheetProblem {
    pub fn at_line(line: usize, key: &'static str, args: Vec<(&'static str, String)>) -> Self {
        SheetProblem {
            line,
            row: None,
            key,
            args,
        }
    }

    /// The same problem named by its script instead of its line.
    pub fn of_row(self, n: usize, question: &str) -> Self {
        SheetProblem {
            line: 0,
            row: Some((n, question.to_string())),
            ..self
        }
    }
}

/// Column names, English first, then the Chinese a team's own sheet may use.
const COLUMNS: [(&str, &[&str]); 8] = [
    ("question", &["问题", "客户问题"]),
    ("text", &["话术", "回复", "答案", "内容", "短语内容"]),
    ("alternates", &["其他问法", "相似问法"]),
    ("scene", &["场景"]),
    ("category", &["分类"]),
    ("shortcut", &["快捷编码", "快捷短语编码"]),
    ("owner", &["负责人"]),
    ("review_by", &["复查日期"]),
];

/// The CSV the library exports: the columns above, UTF-8 with a BOM (Excel).
pub fn to_csv(scripts: &[SheetScript]) -> Vec<u8> {
    let rows = scripts.iter().map(|s| {
        vec![
            s.question.clone(),
            s.text.clone(),
            s.alternates.join("\n"),
            s.scene.clone(),
            s.category.clone(),
            s.shortcut.clone(),
            s.owner.clone(),
            s.review_by.clone(),
        ]
    });
    let header = COLUMNS
        .iter()
        .map(|(name, _)| (*name).to_string())
        .collect();
    write_csv(std::iter::once(header).chain(rows))
}

/// The quick-reply CSV of chat workbenches: 分组, 快捷编码, 短语内容, one
/// script a row, grouped by `group_of` (its category's name).
pub fn to_quick_replies(scripts: &[SheetScript], group_of: impl Fn(&str) -> String) -> Vec<u8> {
    let header = vec!["分组".to_string(), "快捷编码".into(), "短语内容".into()];
    let rows = scripts
        .iter()
        .map(|s| vec![group_of(&s.category), s.shortcut.clone(), s.text.clone()]);
    write_csv(std::iter::once(header).chain(rows))
}

fn write_csv(rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in rows {
        // Writing to memory cannot fail.
        let _ = out.write_record(row.iter().map(|c| safe_cell(c)));
    }
    out.into_inner().unwrap_or_default()
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe,
/// which reading takes off again.
fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn unsafe_cell(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => text.to_string(),
    }
}

pub fn to_json(scripts: &[SheetScript]) -> Vec<u8> {
    serde_json::to_vec_pretty(scripts).unwrap_or_default()
}

/// A CSV sheet (comma or tab separated, as pasted from Excel), with a header
/// naming at least the question and text columns.
pub fn from_csv(bytes: &[u8]) -> Result<Vec<SheetScript>, Vec<SheetProblem>> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| vec![problem(0, "sheet.not_utf8", vec![])])?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            vec![problem(
                1,
                "sheet.bad_header",
                vec![("detail", e.to_string())],
            )]
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let at = |name: &str| {
        let (_, aliases) = COLUMNS.iter().find(|(n, _)| *n == name)?;
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name) || aliases.contains(&h.as_str()))
    };
    let (Some(question), Some(reply)) = (at("question"), at("text")) else {
        return Err(vec![problem(1, "sheet.no_columns", vec![])]);
    };
    let mut scripts = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| p.line() as usize);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(
                    line,
                    "sheet.unreadable",
                    vec![("detail", e.to_string())],
                ));
                continue;
            }
        };
        let cell = |at: Option<usize>| {
            at.and_then(|i| record.get(i))
                .map(|c| unsafe_cell(c.trim()))
                .unwrap_or_default()
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let script = SheetScript {
            question: cell(Some(question)),
            text: cell(Some(reply)),
            alternates: cell(at("alternates"))
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            scene: cell(at("scene")),
            category: cell(at("category")),
            shortcut: cell(at("shortcut")),
            owner: cell(at("owner")),
            review_by: cell(at("review_by")),
        };
        match check(&script) {
            Ok(()) => scripts.push(script),
            Err((key, args)) => problems.push(problem(line, key, args)),
        }
    }
    finish(scripts, problems)
}

/// A JSON sheet: an array of scripts as `to_json` writes them.
pub fn from_json(bytes: &[u8]) -> Result<Vec<SheetScript>, Vec<SheetProblem>> {
    let scripts: Vec<SheetScript> = serde_json::from_slice(bytes).map_err(|e| {
        vec![problem(
            e.line(),
            "sheet.not_a_list",
            vec![("detail", e.to_string())],
        )]
    })?;
    let problems: Vec<SheetProblem> = scripts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            check(s)
                .err()
                .map(|(key, args)| problem(0, key, args).of_row(i + 1, &s.question))
        })
        .collect();
    finish(scripts, problems)
}

fn finish(
    scripts: Vec<SheetScript>,
    problems: Vec<SheetProblem>,
) -> Result<Vec<SheetScript>, Vec<SheetProblem>> {
    if problems.is_empty() {
        Ok(scripts)
    } else {
        Err(problems)
    }
}

fn problem(line: usize, key: &'static str, args: Vec<(&'static str, String)>) -> SheetProblem {
    SheetProblem::at_line(line, key, args)
}

type Why = (&'static str, Vec<(&'static str, String)>);

/// What a row must hold before it can become a script (the library checks
/// the rest: lengths, banned phrases, owners, shortcuts taken).
fn check(s: &SheetScript) -> Result<(), Why> {
    if s.question.trim().is_empty() {
        return Err(("sheet.empty_question", vec![]));
    }
    if s.text.trim().is_empty() {
        return Err(("sheet.empty_text", vec![]));
    }
    if !s.scene.is_empty() && Scene::parse(&s.scene).is_none() {
        return Err(("sheet.bad_scene", vec![("value", s.scene.clone())]));
    }
    if !s.category.is_empty() && Category::parse(&s.category).is_none() {
        return Err(("sheet.bad_category", vec![("value", s.category.clone())]));
    }
    if !s.review_by.is_empty()
        && chrono::NaiveDate::parse_from_str(&s.review_by, "%Y-%m-%d").is_err()
    {
        return Err(("sheet.bad_date", vec![("value", s.review_by.clone())]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(question: &str, text: &str) -> SheetScript {
        SheetScript {
            question: question.into(),
            text: text.into(),
            alternates: vec!["能开票吗".into(), "发票, \"电子\"的".into()],
            scene: "pre_sale".into(),
            category: "invoice".into(),
            shortcut: "/kp".into(),
            owner: "lead".into(),
            review_by: "2027-03-01".into(),
        }
    }

    #[test]
    fn csv_and_json_give_back_what_they_were_given() {
        let scripts = vec![
            script(
                "可以开发票吗",
                "{称呼}您好，下单后在订单页申请电子发票，\n当天开出。",
            ),
            script("-5元券怎么用", "=满100减5，结算时自动抵扣"),
        ];
        assert_eq!(from_csv(&to_csv(&scripts)), Ok(scripts.clone()));
        assert_eq!(from_json(&to_json(&scripts)), Ok(scripts));
    }

    #[test]
    fn a_team_sheet_with_chinese_headers_pasted_from_excel_is_read() {
        let pasted = "问题\t话术\t分类\n在吗\t亲，在的，请问有什么可以帮您？\t\n\n发货时间\t今天18点前下单当天发\tshipping\n";
        let read = from_csv(pasted.as_bytes()).expect("read");
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].category, "shipping");
        assert!(read[0].alternates.is_empty());
    }

    #[test]
    fn every_bad_row_is_named_by_its_line() {
        let sheet = "question,text,scene,review_by\n好,,,\n好,嗯,morning,\n好,嗯,,next week\n好,嗯,in_sale,2027-01-31\n";
        let problems = from_csv(sheet.as_bytes()).expect_err("refused");
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 4], "{problems:?}");
        assert_eq!(problems[1].key, "sheet.bad_scene");
        assert_eq!(problems[1].args, [("value", "morning".to_string())]);
        let headless = from_csv("a,b\n1,2\n".as_bytes()).expect_err("refused");
        assert_eq!(headless[0].line, 1);
        assert!(from_json(b"{\"question\": 1}").is_err());
    }

    #[test]
    fn quick_replies_carry_group_shortcut_and_text() {
        let out = to_quick_replies(&[script("可以开发票吗", "可以的")], |c| {
            format!("组-{c}")
        });
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(
            text,
            "\u{feff}分组,快捷编码,短语内容\n组-invoice,/kp,可以的\n"
        );
    }
}
