//! `huashu mine --input FILE`: import, clean and cluster a chat log without a
//! database. One JSON line per cluster on stdout (largest first), a summary on
//! stderr, a progress bar while the file is read.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::config::{LogArgs, MineArgs};
use crate::domain::mining::chatlog::{self, Format, Mapping};
use crate::domain::mining::cluster::Params;
use crate::domain::mining::mine::{Miner, Rejections, Summary};
use crate::domain::mining::rules::Rules;

pub fn run(args: &MineArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let (format, mapping, rules) = settings(&args.input, &args.log)?;
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("cannot open {}", args.input.display()))?;
    let progress = byte_bar(file.metadata().map(|m| m.len()).unwrap_or(0));
    let reader = Counted {
        inner: file,
        progress: progress.clone(),
    };
    let rows = chatlog::read(
        std::io::BufReader::with_capacity(1 << 16, reader),
        format,
        &mapping,
    )
    .with_context(|| args.input.display().to_string())?;
    let defaults = Params::default();
    let params = Params {
        threshold: args.threshold,
        // A lower threshold also needs fainter pairs considered.
        edge: defaults.edge.min(args.threshold),
        ..defaults
    };
    let mut miner = Miner::new(rules, params);
    for row in rows {
        miner.push(row);
    }
    let (clusters, summary) = miner.finish();
    progress.finish_and_clear();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for cluster in &clusters {
        serde_json::to_writer(&mut out, cluster)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    eprint!("{}", report(&summary, started.elapsed().as_secs_f64()));
    Ok(())
}

/// The format (given, or from the file name), column mapping and rules.
pub fn settings(input: &Path, log: &LogArgs) -> anyhow::Result<(Format, Mapping, Rules)> {
    let format = match &log.format {
        Some(name) => Format::parse(name),
        None => Format::of_path(&input.to_string_lossy()),
    }
    .context("cannot tell the format from the file name; pass --format csv, jsonl or txt")?;
    let mapping = match &log.map {
        Some(spec) => Mapping::parse(spec).map_err(|e| anyhow::anyhow!("--map: {e}"))?,
        None => Mapping::default(),
    };
    Ok((format, mapping, load_rules(log.rules.as_deref())?))
}

/// A rules file, or the built-in rules.
pub fn load_rules(path: Option<&Path>) -> anyhow::Result<Rules> {
    let Some(path) = path else {
        return Ok(Rules::default());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Rules::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// A progress bar over a file's bytes (hidden when stderr is not a terminal).
pub fn byte_bar(size: u64) -> indicatif::ProgressBar {
    indicatif::ProgressBar::new(size).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    )
}

/// Counts bytes as they are read, for the progress bar.
struct Counted<R> {
    inner: R,
    progress: indicatif::ProgressBar,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

pub fn report(s: &Summary, seconds: f64) -> String {
    let mut text = format!(
        "{} rows in {seconds:.1} s ({:.0} rows/s): {} customer messages, {} questions \
         ({} distinct wordings) in {} clusters; {} answered by an agent\n",
        s.rows,
        s.rows as f64 / seconds.max(1e-9),
        s.customer_messages,
        s.questions,
        s.distinct_questions,
        s.clusters,
        s.answered
    );
    let section = |title: &str, map: &std::collections::BTreeMap<&'static str, Rejections>| {
        map.iter()
            .map(|(reason, r)| {
                let examples: Vec<String> = r
                    .examples
                    .iter()
                    .map(|(line, sample)| format!("line {line}: {sample}"))
                    .collect();
                format!(
                    "  {title} {reason}: {} (e.g. {})\n",
                    r.count,
                    examples.join(" | ")
                )
            })
            .collect::<String>()
    };
    text.push_str(&section("set aside", &s.noise));
    text.push_str(&section("unreadable", &s.bad_rows));
    text
}
