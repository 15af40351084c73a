#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers fail the test loudly
//! Black-box tests: each spawns the real app on port 0 with its own SQLite file.

mod access;
mod accounts;
mod api;
mod backup;
mod browser;
mod cli;
mod cohorts;
mod dashboard;
mod exams;
mod fuzz;
mod helpers;
mod hostile;
mod instances;
mod layers;
mod learned;
mod library;
mod mining;
mod programs;
mod review;
mod scenarios;
mod service;
mod sessions;
mod sheets;
