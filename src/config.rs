//! Command line and environment. Every flag has a `HUASHU_*` (or `DATABASE_URL`)
//! twin; secrets are never printed.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "huashu",
    version,
    about = "话术 Huashu — reply-script training for e-commerce customer service"
)]
pub struct Cli {
    /// Database: a SQLite file path (or sqlite://PATH), created if missing, or a
    /// postgres://USER@HOST/DB URL. Migrations run at start.
    #[arg(
        long = "db",
        visible_alias = "database-url",
        env = "DATABASE_URL",
        global = true,
        default_value = "data/huashu.db"
    )]
    pub db: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web app.
    Serve(ServeArgs),
    /// Work with exam banks.
    Exams {
        #[command(subcommand)]
        command: ExamsCommand,
    },
    /// Score answers from a JSON Lines file with the web app's scoring code.
    Score(ScoreArgs),
    /// Mine customer questions from a chat-log export without a database: writes
    /// one JSON line per cluster to stdout and a summary to stderr.
    Mine(MineArgs),
    /// Import a chat-log export into the database: its questions are masked,
    /// merged into the stored clusters and counted. The same file twice adds nothing.
    Import(ImportArgs),
    /// Peer review from the command line.
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// The script library to and from a sheet.
    Scripts {
        #[command(subcommand)]
        command: ScriptsCommand,
    },
    /// API tokens for chat tools.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Write a consistent snapshot of the database (also while the server runs).
    Backup {
        /// The backup file to create (JSON Lines; refuses to overwrite).
        file: PathBuf,
    },
    /// Restore a backup into an empty database (all or nothing).
    Restore {
        /// A file written by `huashu backup`.
        file: PathBuf,
    },
    /// Copy every row from one database to another, e.g. SQLite to PostgreSQL.
    MigrateData {
        /// Source database (SQLite path or postgres:// URL).
        #[arg(long)]
        from: String,
        /// Target database; must be empty.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "HUASHU_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Create a demo team (admin, lead, trainees, finished attempts) and print its logins.
    #[arg(long)]
    pub demo: bool,
    /// Folder of exam banks (*.toml). Default: `exams` in the working
    /// directory if there is one, else the banks built into the program.
    #[arg(long, env = "HUASHU_EXAMS")]
    pub exams: Option<PathBuf>,
    /// Session cookie key: 128 hex characters. Default: generated once and kept in
    /// `<db>.key` beside the database.
    #[arg(long, env = "HUASHU_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Send the session cookie only over HTTPS (set this behind a TLS proxy).
    #[arg(long, env = "HUASHU_COOKIE_SECURE")]
    pub cookie_secure: bool,
    /// Folder for files the server keeps beside the database (uploads being
    /// imported); default: the SQLite file's folder, or `data` with PostgreSQL.
    #[arg(long, env = "HUASHU_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// A mining rules file (synonyms and tag keywords) for chat-log uploads;
    /// default: the built-in rules.
    #[arg(long, env = "HUASHU_RULES")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Combine peer marks into one score per item with the web app's model
    /// (reviewer bias and reliability): JSON Lines in, JSON Lines out.
    Aggregate {
        /// Lines {"item", "reviewer", "score"} and optional {"item", "gold"} (a lead's grade).
        #[arg(long)]
        input: PathBuf,
    },
}

/// How a script sheet is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    /// One script a row; Excel opens it (UTF-8 with BOM).
    Csv,
    Json,
    /// 分组, 快捷编码, 短语内容: the quick-reply import of chat workbenches.
    QuickReply,
}

#[derive(Debug, Subcommand)]
pub enum ScriptsCommand {
    /// Write every script (current text, other wordings, owner, review date, shortcut).
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: SheetFormat,
        /// The file to write; default: standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Take a sheet into the library: every row checked first, then all or nothing.
    /// A question that already has a script is not doubled.
    Import {
        /// A CSV (comma or tab separated, header with question and text) or JSON file.
        file: PathBuf,
        /// csv or json; default: from the file's extension.
        #[arg(long, value_enum)]
        format: Option<SheetFormat>,
        /// The lead or admin the new versions are published as; default: the first admin.
        #[arg(long)]
        by: Option<String>,
        /// Publish a sheet's text that differs from a script's as a new version
        /// (without it, such rows are listed as conflicts and left alone).
        #[arg(long)]
        update: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Make a token acting as a user and print it (only now) on stdout.
    Create {
        /// The user the token acts as, with their role.
        #[arg(long)]
        user: String,
        /// What the token is for, as listed on the user's profile.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExamsCommand {
    /// Validate every bank in a folder; exit 1 and list each problem if any.
    Check {
        /// Folder of *.toml banks.
        dir: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
#[command(subcommand_negates_reqs = true, args_conflicts_with_subcommands = true)]
pub struct ScoreArgs {
    #[command(subcommand)]
    pub command: Option<ScoreCommand>,
    /// Input: one JSON object per line: {"id": ..., "answer": "...", "references": ["..."]}.
    #[arg(long, required = true)]
    pub input: Option<PathBuf>,
    /// Score with a team's calibrated weights (from `score calibrate`) instead
    /// of the defaults.
    #[arg(long)]
    pub weights: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ScoreCommand {
    /// Fit the scorer to graded answers: a weight per signal, checked on
    /// answers to questions it did not see; prints the agreement and writes
    /// the weights.
    Calibrate {
        /// Lines {"id", "answer", "references": [...], "grade"} (any numeric
        /// scale), optionally "question" to group answers by (else their
        /// references do).
        #[arg(long)]
        input: PathBuf,
        /// Where to write the weights (JSON).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct MineArgs {
    /// A chat-log export: CSV, JSON Lines or plain text (one customer message per line).
    #[arg(long)]
    pub input: PathBuf,

    #[command(flatten)]
    pub log: LogArgs,

    /// How alike (0–1, IDF-weighted overlap of words) two groups of questions must be to merge.
    #[arg(long, default_value_t = crate::domain::mining::cluster::Params::default().threshold, value_parser = parse_threshold)]
    pub threshold: f64,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A chat-log export: CSV, JSON Lines or plain text (one customer message per line).
    pub file: PathBuf,

    #[command(flatten)]
    pub log: LogArgs,
}

/// How to read a chat log.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// csv, jsonl or txt; default: from the file's extension.
    #[arg(long, value_parser = ["csv", "tsv", "jsonl", "ndjson", "json", "txt", "text", "log"])]
    pub format: Option<String>,

    /// Columns by name, e.g. `message=内容,speaker=发送方,conversation=会话ID,time=时间`;
    /// for the service figures also `agent=客服,customer=买家,csat=满意度,nps=推荐度`.
    #[arg(long)]
    pub map: Option<String>,

    /// A mining rules file (synonyms and tag keywords) replacing the built-in one.
    #[arg(long, env = "HUASHU_RULES")]
    pub rules: Option<PathBuf>,
}

fn parse_threshold(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err(format!("'{text}' is not a number from 0 to 1")),
    }
}
