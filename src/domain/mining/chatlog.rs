//! Chat-log exports in, turns out, streamed: CSV (quoted commas and newlines
//! inside messages are fine), JSON Lines and plain text (one customer message per
//! line). The encoding is detected from the first block (UTF-8, UTF-16 with a BOM,
//! or GBK/GB18030) and decoded on the fly; text that decodes to nonsense is refused
//! row by row, never stored garbled. A bad row is reported with its line number and
//! never stops the import.

use std::io::{BufRead, BufReader, Read};

pub use super::chatcols::Mapping;
use super::chatcols::{self, Columns, Field};

/// How a file is laid out; chosen from the extension or given explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    Txt,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "csv" | "tsv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "txt" | "text" | "log" => Some(Format::Txt),
            _ => None,
        }
    }

    /// The format a file name suggests.
    pub fn of_path(path: &str) -> Option<Format> {
        path.rsplit_once('.')
            .and_then(|(_, ext)| Format::parse(ext))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Customer,
    Agent,
    System,
}

/// One message of a conversation, as read (not yet masked).
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub line: u64,
    pub conversation: Option<String>,
    pub time: Option<String>,
    pub speaker: Speaker,
    pub text: String,
    pub meta: Meta,
}

/// What else a row may say about its conversation: who spoke or served, and
/// the customer's ratings, as written (read by the service figures).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub agent: Option<String>,
    pub customer: Option<String>,
    pub csat: Option<String>,
    pub nps: Option<String>,
}

/// Why a row could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowProblem {
    BrokenRow,
    BadEncoding,
    MissingMessage,
    UnknownSpeaker,
    /// A NUL character: no text column of PostgreSQL can hold it, and no
    /// honest export has one, so the row is refused on both backends alike.
    NulCharacter,
}

impl RowProblem {
    pub fn key(self) -> &'static str {
        match self {
            RowProblem::BrokenRow => "broken_row",
            RowProblem::BadEncoding => "bad_encoding",
            RowProblem::MissingMessage => "missing_message",
            RowProblem::UnknownSpeaker => "unknown_speaker",
            RowProblem::NulCharacter => "nul_character",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BadRow {
    pub line: u64,
    pub problem: RowProblem,
    /// The start of the raw row, for the import report.
    pub sample: String,
}

/// A whole file that cannot be read; the message says what to do.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FileError {
    #[error("the file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 and import again")]
    UnknownEncoding,
    #[error("no message column found (columns: {found}); name it message/content/内容 or pass --map message=<column>")]
    NoMessageColumn { found: String },
    #[error("--map names a column that is not in the file: {0}")]
    UnknownColumn(String),
    #[error("cannot read the file: {0}")]
    Io(String),
}

impl FileError {
    /// The message-catalog key the web page shows instead of the English text.
    pub fn key(&self) -> &'static str {
        match self {
            FileError::UnknownEncoding => "imports.error.encoding",
            FileError::NoMessageColumn { .. } => "imports.error.no_message_column",
            FileError::UnknownColumn(_) => "imports.error.unknown_column",
            FileError::Io(_) => "imports.error.io",
        }
    }
}

pub type Row = Result<Turn, BadRow>;

/// Opens a chat log for streaming. `mapping` overrides the detected columns.
pub fn read<'a>(
    input: impl Read + 'a,
    format: Format,
    mapping: &Mapping,
) -> Result<Box<dyn Iterator<Item = Row> + 'a>, FileError> {
    let decoded = decode(input)?;
    let rows: Box<dyn Iterator<Item = Row> + 'a> = match format {
        Format::Txt => Box::new(text_lines(decoded)),
        Format::Jsonl => Box::new(json_lines(decoded, mapping.clone())),
        Format::Csv => csv_rows(decoded, mapping)?,
    };
    Ok(Box::new(rows.map(refuse_nul)))
}

fn refuse_nul(row: Row) -> Row {
    match row {
        Ok(turn)
            if turn.text.contains('\0')
                || [&turn.conversation, &turn.time]
                    .iter()
                    .any(|f| f.as_deref().is_some_and(|f| f.contains('\0'))) =>
        {
            Err(BadRow {
                line: turn.line,
                problem: RowProblem::NulCharacter,
                sample: sample(&turn.text.replace('\0', "\\0")),
            })
        }
        row => row,
    }
}

const SNIFF: usize = 64 * 1024;

/// Detects the encoding from the first block and returns a reader of UTF-8.
fn decode<'a>(mut input: impl Read + 'a) -> Result<Box<dyn Read + 'a>, FileError> {
    let mut head = Vec::with_capacity(SNIFF);
    (&mut input)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|e| FileError::Io(e.to_string()))?;
    let encoding = sniff(&head).ok_or(FileError::UnknownEncoding)?;
    let whole = std::io::Cursor::new(head).chain(input);
    Ok(Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .bom_override(true)
            .build(whole),
    ))
}

fn sniff(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(head) {
        return Some(encoding);
    }
    // A multi-byte character cut by the end of a full block must not count
    // against its encoding: an incomplete sequence at the very end is allowed.
    let cut = head.len() == SNIFF;
    match std::str::from_utf8(head) {
        Ok(_) => return Some(encoding_rs::UTF_8),
        Err(e) if cut && e.error_len().is_none() => return Some(encoding_rs::UTF_8),
        Err(_) => {}
    }
    if decodes_cleanly(encoding_rs::GB18030, head, cut) {
        return Some(encoding_rs::GB18030);
    }
    // UTF-8 with a rare bad byte (a truncated emoji, a corrupted row) is still
    // UTF-8: its bad rows are refused one by one.
    let decoded = String::from_utf8_lossy(head);
    let bad = decoded.chars().filter(|c| *c == '\u{FFFD}').count();
    (bad * 200 <= decoded.chars().count()).then_some(encoding_rs::UTF_8)
}

/// Whether `block` is text in `encoding`; when it was `cut` from a longer
/// file, a character left incomplete at its end is no error.
fn decodes_cleanly(encoding: &'static encoding_rs::Encoding, block: &[u8], cut: bool) -> bool {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length(block.len()).unwrap_or(0));
    let (_, _, had_errors) = decoder.decode_to_string(block, &mut out, !cut);
    !had_errors
}

fn sample(raw: &str) -> String {
    raw.chars().take(80).collect()
}

/// U+FFFD means the decoder met bytes that are not text in the detected encoding.
fn garbled(text: &str) -> bool {
    text.contains('\u{FFFD}')
}

fn text_lines(input: Box<dyn Read + '_>) -> impl Iterator<Item = Row> + '_ {
    BufReader::new(input)
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line_no = i as u64 + 1;
            match line {
                Err(_) => Some(Err(BadRow {
                    line: line_no,
                    problem: RowProblem::BadEncoding,
                    sample: String::new(),
                })),
                Ok(text) if text.trim().is_empty() => None,
                Ok(text) if garbled(&text) => Some(Err(BadRow {
                    line: line_no,
                    problem: RowProblem::BadEncoding,
                    sample: sample(&text),
                })),
                Ok(text) => Some(Ok(Turn {
                    line: line_no,
                    conversation: None,
                    time: None,
                    speaker: Speaker::Customer,
                    text,
                    meta: Meta::default(),
                })),
            }
        })
}

fn json_lines(input: Box<dyn Read + '_>, mapping: Mapping) -> impl Iterator<Item = Row> + '_ {
    let mut columns: Option<Columns> = None;
    BufReader::new(input)
        .lines()
        .enumerate()
        .filter_map(move |(i, line)| {
            let line_no = i as u64 + 1;
            let bad = |problem, raw: &str| {
                Some(Err(BadRow {
                    line: line_no,
                    problem,
                    sample: sample(raw),
                }))
            };
            let raw = match line {
                Ok(raw) if raw.trim().is_empty() => return None,
                Ok(raw) => raw,
                Err(_) => return bad(RowProblem::BadEncoding, ""),
            };
            if garbled(&raw) {
                return bad(RowProblem::BadEncoding, &raw);
            }
            let Ok(serde_json::Value::Object(object)) = serde_json::from_str(&raw) else {
                return bad(RowProblem::BrokenRow, &raw);
            };
            let names: Vec<String> = object.keys().cloned().collect();
            let cols = match &columns {
                Some(c) => c.clone(),
                None => match chatcols::detect(&names, &mapping) {
                    Ok(c) => columns.insert(c).clone(),
                    Err(_) => return bad(RowProblem::MissingMessage, &raw),
                },
            };
            Some(chatcols::turn(
                line_no,
                &cols,
                |f| cols.get(f).and_then(|n| object.get(n)).and_then(json_text),
                &raw,
            ))
        })
}

fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn csv_rows<'a>(
    input: Box<dyn Read + 'a>,
    mapping: &Mapping,
) -> Result<Box<dyn Iterator<Item = Row> + 'a>, FileError> {
    let mut buffered = BufReader::new(input);
    let delimiter = sniff_delimiter(
        buffered
            .fill_buf()
            .map_err(|e| FileError::Io(e.to_string()))?,
    );
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(buffered);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FileError::Io(e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{FEFF}').trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        // An empty export (0 bytes, or a blank first line) has nothing to read.
        return Ok(Box::new(std::iter::empty()));
    }
    let cols = chatcols::detect(&headers, mapping)?;
    // Where each field's column is, found once for the whole file.
    let positions: Vec<(Field, usize)> = Field::ALL
        .into_iter()
        .filter_map(|f| {
            let name = cols.get(f)?;
            Some((f, headers.iter().position(|h| h == name)?))
        })
        .collect();
    Ok(Box::new(reader.into_byte_records().map(move |record| {
        let record = record.map_err(|e| BadRow {
            line: e.position().map_or(0, |p| p.line()),
            problem: if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                RowProblem::BadEncoding
            } else {
                RowProblem::BrokenRow
            },
            sample: String::new(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let raw = record
            .iter()
            .map(String::from_utf8_lossy)
            .collect::<Vec<_>>()
            .join(",");
        if garbled(&raw) {
            return Err(BadRow {
                line,
                problem: RowProblem::BadEncoding,
                sample: sample(&raw),
            });
        }
        let field = |f: Field| {
            positions
                .iter()
                .find(|(g, _)| *g == f)
                .and_then(|(_, i)| record.get(*i))
                .map(|b| String::from_utf8_lossy(b).into_owned())
        };
        chatcols::turn(line, &cols, field, &raw)
    })))
}

/// Comma unless the header line has more tabs (or semicolons) than commas.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or(head);
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    [b'\t', b';']
        .into_iter()
        .find(|d| count(*d) > count(b','))
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/chatlogs/");

    fn rows(file: &str, format: Format) -> Vec<Row> {
        let bytes = std::fs::read(format!("{FIXTURES}{file}")).expect("fixture");
        read(bytes.as_slice(), format, &Mapping::default())
            .expect("readable")
            .collect()
    }

    fn rows_of(text: &str, format: Format) -> Vec<Row> {
        read(text.as_bytes(), format, &Mapping::default())
            .expect("readable")
            .collect()
    }

    #[test]
    fn quoted_commas_and_newlines_stay_inside_their_message() {
        let rows = rows("quoted.csv", Format::Csv);
        let turns: Vec<&Turn> = rows.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert!(turns
            .iter()
            .any(|t| t.text == "这件衣服有M码吗, 要\"加大\"的那种"));
        let reply = turns
            .iter()
            .find(|t| t.speaker == Speaker::Agent && t.text.contains('\n'))
            .expect("a two-line agent reply");
        assert_eq!(reply.conversation.as_deref(), Some("c1"));
        assert_eq!(reply.line, 4, "the line where the record starts");
        let problems: Vec<RowProblem> = rows
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|b| b.problem)
            .collect();
        assert_eq!(
            problems,
            [RowProblem::UnknownSpeaker, RowProblem::MissingMessage]
        );
    }

    #[test]
    fn a_long_chinese_utf8_file_is_read_as_utf8_wherever_its_first_block_ends() {
        // Three-byte characters: the 64 KiB block ends 1 or 2 bytes into one,
        // whatever the ASCII prefix's length, for some prefix.
        for prefix in 0..3 {
            let text = format!(
                "{}{}",
                "a".repeat(prefix),
                "请问什么时候发货\n".repeat(3000)
            );
            assert!(text.len() > SNIFF);
            let rows = rows_of(&text, Format::Txt);
            assert_eq!(rows.len(), 3000, "prefix {prefix}");
            assert!(rows
                .iter()
                .skip(1)
                .all(|r| r.as_ref().is_ok_and(|t| t.text == "请问什么时候发货")));
        }
    }

    #[test]
    fn a_row_with_a_nul_character_is_refused_by_its_line() {
        let rows = rows_of("好的\n这个\0是什么\n谢谢\n", Format::Txt);
        assert!(rows[0].is_ok() && rows[2].is_ok());
        let bad = rows[1].as_ref().expect_err("refused");
        assert_eq!((bad.line, bad.problem), (2, RowProblem::NulCharacter));
        assert_eq!(bad.sample, "这个\\0是什么");
    }

    #[test]
    fn a_gbk_export_reads_like_its_utf8_twin() {
        let utf8 = rows("quoted.csv", Format::Csv);
        let gbk = rows("gbk.csv", Format::Csv);
        assert_eq!(utf8, gbk);
    }

    #[test]
    fn broken_json_lines_are_reported_and_the_rest_is_read() {
        let rows = rows("broken.jsonl", Format::Jsonl);
        let texts: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "退款什么时候到账",
                "退款会在1-3个工作日原路退回",
                "退款多久能到"
            ]
        );
        let bad: Vec<(u64, RowProblem)> = rows
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|b| (b.line, b.problem))
            .collect();
        assert_eq!(
            bad,
            [
                (3, RowProblem::BrokenRow),
                (4, RowProblem::MissingMessage),
                (5, RowProblem::BrokenRow),
                (8, RowProblem::UnknownSpeaker),
                // The file names speakers, so a line without one is not guessed.
                (9, RowProblem::UnknownSpeaker),
            ]
        );
    }

    #[test]
    fn plain_text_is_one_customer_message_per_line_and_empty_files_are_empty() {
        let rows = rows("traditional.txt", Format::Txt);
        assert_eq!(rows.len(), 4, "the blank line is skipped");
        assert!(rows
            .iter()
            .all(|r| r.as_ref().is_ok_and(|t| t.speaker == Speaker::Customer)));
        assert!(super::tests::rows("empty.txt", Format::Txt).is_empty());
        assert!(super::tests::rows("empty.txt", Format::Jsonl).is_empty());
        assert!(super::tests::rows("empty.txt", Format::Csv).is_empty());
    }

    #[test]
    fn bytes_that_are_neither_utf8_nor_gbk_are_refused_whole() {
        let noise: Vec<u8> = (0..4096u32).map(|i| (i * 97 % 256) as u8).collect();
        assert!(matches!(
            read(noise.as_slice(), Format::Txt, &Mapping::default()),
            Err(FileError::UnknownEncoding)
        ));
    }

    #[test]
    fn a_bad_utf8_row_in_the_middle_is_refused_not_garbled() {
        let mut bytes = "message\n".as_bytes().to_vec();
        bytes.extend_from_slice("请问什么时候发货\n".repeat(100).as_bytes());
        bytes.extend_from_slice(&[0xE5, 0x28, b'\n']);
        bytes.extend_from_slice("最后一行\n".as_bytes());
        let rows: Vec<Row> = read(bytes.as_slice(), Format::Csv, &Mapping::default())
            .expect("readable")
            .collect();
        assert_eq!(rows.len(), 102);
        assert_eq!(
            rows[100].as_ref().err().map(|b| (b.line, b.problem)),
            Some((102, RowProblem::BadEncoding))
        );
        assert_eq!(
            rows[101].as_ref().map(|t| t.text.as_str()).ok(),
            Some("最后一行")
        );
    }

    #[test]
    fn a_csv_without_a_message_column_says_which_columns_it_has() {
        let err = read("a,b\n1,2\n".as_bytes(), Format::Csv, &Mapping::default())
            .err()
            .expect("refused");
        assert_eq!(
            err,
            FileError::NoMessageColumn {
                found: "a, b".into()
            }
        );
    }
}
