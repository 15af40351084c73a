use std::process::ExitCode;

use clap::Parser;
use huashu::cli;
use huashu::config::{
    Cli, Command, ExamsCommand, ReviewCommand, ScoreCommand, ScriptsCommand, TokensCommand,
};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Cli::parse();
    let outcome = match args.command {
        Command::Serve(serve) => actix_web::rt::System::new()
            .block_on(cli::serve::run(&args.db, serve))
            .map(|()| true),
        Command::Exams {
            command: ExamsCommand::Check { dir },
        } => cli::exams_check::run(&dir),
        Command::Score(score) => match (score.command, score.input) {
            (Some(ScoreCommand::Calibrate { input, out }), _) => {
                cli::score::calibrate(&input, &out).map(|bad| bad == 0)
            }
            (None, Some(input)) => {
                cli::score::run(&input, score.weights.as_deref()).map(|bad| bad == 0)
            }
            // clap requires --input without a subcommand.
            (None, None) => Ok(false),
        },
        Command::Mine(mine) => cli::mine::run(&mine).map(|()| true),
        Command::Import(import) => cli::import::run(&args.db, &import).map(|()| true),
        Command::Review {
            command: ReviewCommand::Aggregate { input },
        } => cli::review::aggregate(&input).map(|bad| bad == 0),
        Command::Scripts {
            command: ScriptsCommand::Export { format, out },
        } => cli::scripts::export(&args.db, format, out.as_deref()).map(|()| true),
        Command::Scripts {
            command:
                ScriptsCommand::Import {
                    file,
                    format,
                    by,
                    update,
                },
        } => cli::scripts::import(&args.db, &file, format, by.as_deref(), update),
        Command::Tokens {
            command: TokensCommand::Create { user, name },
        } => cli::tokens::create(&args.db, &user, &name).map(|()| true),
        Command::Backup { file } => cli::backup::backup(&args.db, &file).map(|()| true),
        Command::Restore { file } => cli::backup::restore(&args.db, &file).map(|()| true),
        Command::MigrateData { from, to } => cli::backup::migrate(&from, &to).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
