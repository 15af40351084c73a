//! The product of the week: set by a lead for an ISO week, shown on every
//! home page, and drawn into a draft exam — each persuasion script's
//! customer line a question, its reply the reference.

use crate::app::exams::{self, ExamError};
use crate::db::columns::ExamId;
use crate::db::featured::{self as stored, Stored};
use crate::db::{self, questions, Conn, DbError};
use crate::domain::featured::{week_of, Featured};

/// The ISO week of today, here.
pub fn this_week() -> String {
    week_of(chrono::Local::now().date_naive())
}

pub fn set(conn: &mut Conn, week: &str, featured: &Featured, by: i64) -> Result<(), DbError> {
    stored::set(conn, week, featured, by, db::now_ms())
}

/// The product to show this week: this week's, or the latest before it.
pub fn current(conn: &mut Conn) -> Result<Option<Stored>, DbError> {
    stored::latest(conn, &this_week())
}

/// A draft exam of the current product's persuasion scripts, titled
/// `title`; NoQuestions when there is no product or it has no scripts.
pub fn draw_exam(conn: &mut Conn, title: &str, by: i64) -> Result<ExamId, ExamError> {
    let Some(product) = current(conn)? else {
        return Err(ExamError::NoQuestions);
    };
    let mut drawn = Vec::new();
    for (i, pitch) in product.featured.pitches.iter().enumerate() {
        drawn.push(questions::upsert_featured(
            conn,
            &product.week,
            i + 1,
            &pitch.customer,
            &pitch.reply,
        )?);
    }
    let new = db::exams::NewExam {
        title,
        time_limit_min: 15,
        pass_mark: 60,
        created_by: by,
    };
    exams::create(conn, &new, &drawn)
}
