//! Peer review: who reviews what, and how the marks become one score per answer
//! and a standing per reviewer. Pure: no database, no HTTP.

pub mod aggregate;
pub mod assign;
pub mod blend;
pub mod compare;
pub mod criteria;
pub mod standings;
