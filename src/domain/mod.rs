//! The pure core: plain data in, plain data out. No database, HTTP, clock or
//! unseeded randomness in here.

pub mod bank;
pub mod calibration;
pub mod chart;
pub mod content;
pub mod cores;
pub mod curriculum;
pub mod diff;
pub mod digest;
pub mod exam;
pub mod facts;
pub mod featured;
pub mod keypoints;
pub mod library;
pub mod login;
pub mod mining;
pub mod program;
pub mod ranking;
pub mod review;
pub mod rubric;
pub mod scenario;
pub mod scoring;
pub mod service;
pub mod sheet;
pub mod similarity;
pub mod stats;
pub mod text;
pub mod types;
