//! Leads' grades: one per answer, deciding its score; the answers still waiting for one.

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = lead_grades)]
pub struct LeadGradeRow {
    pub id: i64,
    pub answer_id: AnswerId,
    pub grader_id: i64,
    pub rubric_json: String,
    pub marks_json: String,
    pub score: f64,
    pub reason: String,
    pub calibration: bool,
    pub graded_at: i64,
}

/// A lead's grade with the rubric it was given on and its marks decoded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LeadGrade {
    pub id: i64,
    pub answer_id: AnswerId,
    pub grader_id: i64,
    pub rubric: Rubric,
    pub marks: Marks,
    pub score: f64,
    pub reason: String,
    pub calibration: bool,
    pub graded_at: i64,
}

impl LeadGradeRow {
    pub(crate) fn decode(self) -> DbResult<LeadGrade> {
        Ok(LeadGrade {
            rubric: decode("lead_grades", self.id, "rubric_json", &self.rubric_json)?,
            marks: decode("lead_grades", self.id, "marks_json", &self.marks_json)?,
            id: self.id,
            answer_id: self.answer_id,
            grader_id: self.grader_id,
            score: self.score,
            reason: self.reason,
            calibration: self.calibration,
            graded_at: self.graded_at,
        })
    }
}

pub struct NewGrade<'a> {
    pub answer_id: AnswerId,
    pub grader_id: i64,
    pub rubric: &'a Rubric,
    pub marks: &'a Marks,
    pub score: f64,
    pub reason: &'a str,
    pub calibration: bool,
}

/// A lead's grade of an answer; a later grade by any lead replaces it.
pub fn grade(conn: &mut Conn, g: &NewGrade, now: i64) -> DbResult<()> {
    let values = (
        lead_grades::answer_id.eq(g.answer_id),
        lead_grades::grader_id.eq(g.grader_id),
        lead_grades::rubric_json.eq(to_json(g.rubric)),
        lead_grades::marks_json.eq(to_json(g.marks)),
        lead_grades::score.eq(g.score),
        lead_grades::reason.eq(g.reason),
        lead_grades::calibration.eq(g.calibration),
        lead_grades::graded_at.eq(now),
    );
    on_conn!(conn, c => diesel::insert_into(lead_grades::table)
        .values(values.clone())
        .on_conflict(lead_grades::answer_id)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}

/// The leads' grades of an exam's answers.
pub fn grades_for_exam(conn: &mut Conn, exam_id: ExamId) -> DbResult<Vec<LeadGrade>> {
    let rows: Vec<LeadGradeRow> = on_conn!(conn, c => lead_grades::table
        .inner_join(answers::table.inner_join(attempts::table))
        .filter(attempts::exam_id.eq(exam_id))
        .select(LeadGradeRow::as_select())
        .load(c))?;
    rows.into_iter().map(LeadGradeRow::decode).collect()
}

/// An answer with its question and any lead's grade, for the grading page.
pub struct ToGrade {
    pub exam_id: ExamId,
    pub prompt: String,
    pub body: String,
    pub grade: Option<LeadGrade>,
}

pub fn answer_to_grade(conn: &mut Conn, answer: AnswerId) -> DbResult<Option<ToGrade>> {
    let row: Option<(ExamId, String, String)> = on_conn!(conn, c => answers::table
        .inner_join(exam_items::table)
        .filter(answers::id.eq(answer))
        .select((exam_items::exam_id, exam_items::prompt, answers::body))
        .first(c)
        .optional())?;
    let Some((exam_id, prompt, body)) = row else {
        return Ok(None);
    };
    let grade: Option<LeadGradeRow> = on_conn!(conn, c => lead_grades::table
        .filter(lead_grades::answer_id.eq(answer))
        .select(LeadGradeRow::as_select())
        .first(c)
        .optional())?;
    let grade = grade.map(LeadGradeRow::decode).transpose()?;
    Ok(Some(ToGrade {
        exam_id,
        prompt,
        body,
        grade,
    }))
}

/// An exam and how many of its answers wait for a lead (a grade, a decision).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExamCount {
    pub exam: ExamId,
    pub title: String,
    pub waiting: i64,
}

/// Counts (exam, title) rows per exam, in order of first appearance.
pub(crate) fn per_exam(rows: Vec<(ExamId, String)>) -> Vec<ExamCount> {
    let mut out: Vec<ExamCount> = Vec::new();
    for (exam, title) in rows {
        match out.iter_mut().find(|q| q.exam == exam) {
            Some(queue) => queue.waiting += 1,
            None => out.push(ExamCount {
                exam,
                title,
                waiting: 1,
            }),
        }
    }
    out
}

/// Per exam whose review round is past its due date: how many answers got no
/// review and no lead's grade (the lead's queue).
pub fn needing_lead(conn: &mut Conn, now: i64) -> DbResult<Vec<ExamCount>> {
    use diesel::dsl::{exists, not};
    let rows: Vec<(ExamId, String)> = on_conn!(conn, c => answers::table
        .inner_join(attempts::table.inner_join(exams::table.inner_join(review_rounds::table)))
        .filter(review_rounds::due_at.lt(now))
        .filter(not(exists(
            review_assignments::table.filter(
                review_assignments::answer_id.eq(answers::id).and(review_assignments::score.is_not_null()),
            ),
        )))
        .filter(not(exists(lead_grades::table.filter(lead_grades::answer_id.eq(answers::id)))))
        .select((exams::id, exams::title))
        .load(c))?;
    Ok(per_exam(rows))
}
