//! Peer-review rounds and their assignments. Who reviews what is decided by
//! `domain::review::assign`; the marks are combined by `domain::review::aggregate`.

mod appeal;
mod calibration;
mod comparisons;
mod grades;
mod incumbents;
mod reviews;
mod rounds;
mod rubrics;

pub use appeal::*;
pub use calibration::*;
pub use comparisons::*;
pub use grades::*;
pub use incumbents::*;
pub use reviews::*;
pub use rounds::*;
pub use rubrics::*;

use diesel::prelude::*;

use crate::db::columns::decode;
use crate::db::columns::{AnswerId, AppealStatus, ExamId, ItemId, RoundId};
use crate::db::schema::{
    answers, appeals, attempts, exam_items, exams, lead_grades, review_assignments,
    review_calibrations, review_comparisons, review_rounds, review_rubrics,
};
use crate::db::{on_conn, to_json, write_tx, Conn, DbResult};
use crate::domain::review::blend::Weights;
use crate::domain::review::criteria::{Marks, Rubric};
