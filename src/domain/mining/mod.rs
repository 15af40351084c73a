//! Mining customer questions from chat logs: mask personal data, set noise aside,
//! reduce each question to a comparison key and cluster the near-duplicates.

pub mod chatcols;
pub mod chatlog;
pub mod cluster;
pub mod incremental;
pub mod learned;
pub mod mask;
pub mod matchkey;
pub mod mine;
pub mod noise;
pub mod rules;
pub mod tags;
pub mod trend;
pub mod when;
