//! Command-line shells, one file per subcommand.

pub mod backup;
pub mod demo;
pub mod exams_check;
pub mod import;
pub mod mine;
pub mod review;
pub mod score;
pub mod scripts;
pub mod serve;
pub mod tokens;
