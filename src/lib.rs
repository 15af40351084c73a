//! Huashu: mine customer questions, examine agents on them, score and rank the
//! answers, and publish the best as the team's reply scripts.

pub mod domain;
