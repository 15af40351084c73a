//! Use cases shared by the web and the command line: load through `db`,
//! decide through `domain`, save through `db`. Never imports `web` or `cli`.

pub mod banks;
pub mod cohorts;
pub mod dashboard;
pub mod digest;
pub mod exams;
pub mod featured;
pub mod grading;
pub mod imports;
pub mod library;
pub mod marking;
pub mod passwords;
pub mod review;
pub mod scenarios;
pub mod service;
pub mod tokens;
pub mod weekly;
pub mod weights;
