//! Huashu: mine customer questions, examine agents on them, score and rank the
//! answers, and publish the best as the team's reply scripts.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod files;
pub mod web;
