//! `serve --demo`: a small team with history, so a newcomer sees every page filled.
//! Passwords are random and printed once; nothing here is a fixed credential.

use rand::distributions::Alphanumeric;
use rand::Rng;

use std::collections::BTreeMap;

mod chats;
mod cohort;

use crate::app::exams::{change_status, StatusAction};
use crate::app::grading;
use crate::app::marking;
use crate::db::columns::{AnswerId, ExamId, ItemId};
use crate::db::{self, attempts, exams, questions, review, users, DbPool};
use crate::domain::program::Program;
use crate::domain::review::criteria::{self, TOP};
use crate::domain::types::Role;

pub struct Login {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub password: Option<String>,
}

const TEAM: &[(&str, &str, Role)] = &[
    ("admin", "管理员周敏", Role::Admin),
    ("lead", "组长李娜", Role::Lead),
    ("zhangwei", "张伟", Role::Trainee),
    ("wangfang", "王芳", Role::Trainee),
    ("liuyang", "刘洋", Role::Trainee),
    ("chenjing", "陈静", Role::Trainee),
    // A new hire on the four-week path (see `cohort`).
    ("xiaoxin", "小新", Role::Trainee),
];

/// Creates the team, two exams (one finished and under peer review, one open),
/// a month of mined chats and a new hire in week 2 of a program, unless users
/// exist.
pub fn seed(pool: &DbPool, programs: &[Program]) -> anyhow::Result<Vec<Login>> {
    let mut conn = pool.get()?;
    if users::count(&mut conn)? > 0 {
        return Ok(TEAM
            .iter()
            .map(|(u, d, r)| Login {
                username: u,
                display_name: d,
                role: *r,
                password: None,
            })
            .collect());
    }
    let (logins, ids) = create_team(&mut conn)?;
    let lead = ids[1];
    import_chats(pool, lead)?;
    let pool_questions = questions::list_active(&mut conn)?;
    if pool_questions.is_empty() {
        eprintln!("warning: no exam banks loaded, so the demo has no exams");
        return Ok(logins);
    }
    let pick = |scene: &str, n: usize| -> Vec<questions::Question> {
        pool_questions
            .iter()
            .filter(|q| q.scene == scene)
            .take(n)
            .cloned()
            .collect()
    };
    let finished = new_exam(
        &mut conn,
        "售后安抚与退款（演示）",
        30,
        lead,
        &pick("after_sale", 4),
    )?;
    sit(&mut conn, finished, &ids[2..5])?;
    change_status(&mut conn, finished, StatusAction::Close, db::now_ms())?;
    review_round(&mut conn, finished, lead, &ids[2..4])?;
    publish_best(&mut conn, finished, lead)?;
    feature_product(&mut conn, lead)?;
    new_exam(
        &mut conn,
        "售前咨询基础（演示）",
        20,
        lead,
        &pick("pre_sale", 5),
    )?;
    rematch(&mut conn, finished, lead, &ids[2..5])?;
    cohort::seed(&mut conn, programs, lead, ids[6])?;
    Ok(logins)
}

/// The team's accounts, each with a random password shown once.
fn create_team(conn: &mut db::Conn) -> anyhow::Result<(Vec<Login>, Vec<i64>)> {
    let mut logins = Vec::new();
    let mut ids = Vec::new();
    for (username, display_name, role) in TEAM {
        let password: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(12)
            .map(char::from)
            .collect();
        let hash = crate::app::passwords::hash_password(&password)?;
        let new = users::NewUser {
            username,
            display_name,
            password_hash: &hash,
            role: *role,
            lang: "zh-CN",
        };
        ids.push(
            users::create(conn, &new)?
                .ok_or_else(|| anyhow::anyhow!("demo user {username} exists"))?,
        );
        logins.push(Login {
            username,
            display_name,
            role: *role,
            password: Some(password),
        });
    }
    Ok((logins, ids))
}

/// An exam of `questions`, opened.
fn new_exam(
    conn: &mut db::Conn,
    title: &str,
    minutes: i32,
    lead: i64,
    questions: &[questions::Question],
) -> anyhow::Result<ExamId> {
    let new = exams::NewExam {
        title,
        time_limit_min: minutes,
        pass_mark: 60,
        created_by: lead,
    };
    let id = crate::app::exams::create(conn, &new, questions)?;
    change_status(conn, id, StatusAction::Open, db::now_ms())?;
    Ok(id)
}

/// Three trainees take the exam: one answers like the model, one partly, one
/// coldly.
fn sit(conn: &mut db::Conn, exam: ExamId, trainees: &[i64]) -> anyhow::Result<()> {
    sit_as(
        conn,
        exam,
        trainees,
        [Style::Model, Style::Partial, Style::Cold],
    )
}

/// Trainees take the exam, each answering in their style.
fn sit_as(
    conn: &mut db::Conn,
    exam: ExamId,
    trainees: &[i64],
    styles: [Style; 3],
) -> anyhow::Result<()> {
    let items = exams::items(conn, exam)?;
    for (trainee, style) in trainees.iter().zip(styles) {
        let now = db::now_ms();
        let until = crate::domain::exam::writable_until(now, 30);
        let attempt = attempts::start(conn, exam, *trainee, now, until)?;
        let bodies: Vec<(ItemId, String)> = items
            .iter()
            .map(|i| (i.id, style.answer(&i.references)))
            .collect();
        let by = attempts::SubmittedBy::Trainee;
        grading::submit(conn, attempt.id, &items, &bodies, db::now_ms(), by)?;
    }
    Ok(())
}

/// How many conversations the demo's month of chats holds (about 40,000
/// messages), and the seed they are drawn from.
const DEMO_CONVERSATIONS: usize = 9_000;
const DEMO_SEED: u64 = 2026;

/// A month of a shop's chats up to today, generated for the demo and imported
/// as any export is, so the questions page, its trends and "exam from the
/// most asked" have something real-sized to show.
fn import_chats(pool: &DbPool, lead: i64) -> anyhow::Result<()> {
    use crate::app::imports::{self, Source};
    use crate::db::imports::Begun;
    use crate::domain::mining::chatlog::{Format, Mapping};
    let path = std::env::temp_dir().join(format!(
        "huashu-demo-chats-{}.csv",
        crate::app::passwords::random_token()
    ));
    let today = chrono::Local::now().date_naive();
    std::fs::write(
        &path,
        chats::generate(DEMO_SEED, today, 30, DEMO_CONVERSATIONS),
    )?;
    let source = Source {
        path: &path,
        file_name: "演示聊天记录.csv",
        format: Format::Csv,
        mapping: &Mapping::default(),
    };
    let outcome = match imports::begin(pool, &source, Some(lead)) {
        Ok(Begun::Started(lease)) => {
            imports::run(pool, lease, &source, &Default::default(), |_| {})
                .map(|_| ())
                .map_err(anyhow::Error::from)
        }
        Ok(Begun::Seen(_)) => Ok(()),
        Err(e) => Err(e.into()),
    };
    let _ = std::fs::remove_file(&path);
    outcome
}

/// The finished exam's first question gets an official script: the best
/// answer published as written, then a lead's edit of it that greets the
/// customer by name, so the library shows versions, provenance and a
/// placeholder.
fn publish_best(conn: &mut db::Conn, exam: ExamId, lead: i64) -> anyhow::Result<()> {
    use crate::app::library::{self, Publication};
    let Some(item) = exams::items(conn, exam)?.into_iter().next() else {
        return Ok(());
    };
    let finals = crate::app::review::Finals::default();
    let ranked = library::candidates(conn, &finals, item.question_id)?;
    let Some(best) = ranked.first() else {
        return Ok(());
    };
    let written = best.candidate.body.clone();
    let edited = format!("{{称呼}}，{}", written.trim_start_matches("亲，"));
    for text in [&written, &edited] {
        let publication = Publication {
            question: item.question_id,
            text,
            from: Some(best.candidate.answer_id),
            note: "",
            by: lead,
            now: db::now_ms(),
        };
        // A best answer with a banned phrase is left for the lead to rewrite.
        if library::publish(conn, &finals, &publication).is_err() {
            return Ok(());
        }
    }
    // Other ways customers ask it, and the shortcut agents type for it.
    let Some(script) = db::scripts::for_question(conn, item.question_id)? else {
        return Ok(());
    };
    for wording in ["不喜欢能退货吗", "买回来不满意，支持七天无理由退吗"] {
        library::add_alternate(conn, script.id, wording, lead)?;
    }
    let care = library::Care {
        owner: lead,
        review_by: script.review_by.unwrap_or_else(db::now_ms),
        shortcut: "/th",
    };
    library::set_care(conn, script.id, &care)?;
    Ok(())
}

/// Champion and challenger: the scripted question asked again in a short
/// exam, the script entered anonymously in its round, and the round done by
/// all three trainees; one of them answered the script warmer and beat it,
/// so the lead has a challenger to sign off.
fn rematch(
    conn: &mut db::Conn,
    finished: ExamId,
    lead: i64,
    trainees: &[i64],
) -> anyhow::Result<()> {
    let Some(item) = exams::items(conn, finished)?.into_iter().next() else {
        return Ok(());
    };
    if db::scripts::for_question(conn, item.question_id)?.is_none() {
        return Ok(());
    }
    let Some(question) = questions::find_any(conn, item.question_id)? else {
        return Ok(());
    };
    let exam = new_exam(conn, "售后话术擂台（演示）", 10, lead, &[question])?;
    sit_as(
        conn,
        exam,
        trainees,
        [Style::Warm, Style::Partial, Style::Cold],
    )?;
    change_status(conn, exam, StatusAction::Close, db::now_ms())?;
    review_round(conn, exam, lead, trainees)
}

/// This week's product, with a persuasion script for each technique.
fn feature_product(conn: &mut db::Conn, lead: i64) -> anyhow::Result<()> {
    use crate::domain::featured::{parse, PitchInput};
    let pitch = |technique, customer, reply| PitchInput {
        technique,
        customer,
        reply,
    };
    let product = parse(
        "轻暖白鸭绒羽绒服（A款）",
        "90%白鸭绒，充绒量180克\n面料防泼水，可机洗\n比B款轻120克，通勤不臃肿",
        &[
            pitch("shift_focus", "能再便宜点吗？", "亲，这已经是活动价了，价格上实在让不了呢；不过我可以帮您申请一份运费险，收到不满意退换也不花钱～"),
            pitch("match_register", "哈哈，冬天太冷了，有没有暖和又好看的", "哈哈是呀，这几天降温好猛！A款90%白鸭绒又轻又暖，穿上出门一点不臃肿，好看又扛冻～"),
            pitch("choice_question", "A款和B款有什么区别？买哪个好？", "亲，A款更轻便、适合通勤，B款更长更厚、适合北方；您平时是在南方还是北方穿呢？"),
            pitch("exceed_expectations", "今天下单什么时候发？", "亲，今天16点前下单当天就发，我再给您备注加一个收纳袋，出差带着也方便～"),
        ],
    )?;
    crate::app::featured::set(conn, &crate::app::featured::this_week(), &product, lead)?;
    Ok(())
}

/// A peer-review round on the finished exam, due in three days, recorded
/// through the same use cases as the pages: the lead has graded one model
/// answer as a calibration example, `done` have calibrated, reviewed and
/// compared (marks follow each answer's automatic score, the second reviewer a
/// level harsher), and the third trainee still has it all to do, calibration
/// first.
fn review_round(conn: &mut db::Conn, exam: ExamId, lead: i64, done: &[i64]) -> anyhow::Result<()> {
    let now = db::now_ms();
    let new = crate::app::review::NewRound {
        exam_id: exam,
        k: 2,
        due_at: now + 3 * 24 * 60 * 60 * 1000,
        by: lead,
        seed: 7,
        now,
    };
    let round = crate::app::review::start_round(conn, &new)?;
    let rubric = crate::app::review::current_rubric(conn)?;
    let rows = review::answers_with_authors(conn, exam)?;
    let answers = attempts::submitted_answers_for_exam(conn, exam)?;
    // An official script entered in the round has no automatic score (it
    // would be scored against itself); the demo's reviewers find it good.
    let automatic = |id: AnswerId| {
        answers
            .iter()
            .find(|a| a.id == id)
            .map_or(SCRIPT_AS_REVIEWED, |a| a.score.unwrap_or(0.0))
    };
    let marks = |answer: AnswerId, harsh: u8| -> BTreeMap<String, u8> {
        let level = (automatic(answer) / 100.0 * f64::from(TOP)).round() as u8;
        let level = level.saturating_sub(harsh).max(1);
        rubric
            .criteria
            .iter()
            .map(|c| (c.key.clone(), level))
            .collect()
    };
    if let Some(example) = rows.iter().find(|a| a.author == done[0]) {
        let top: BTreeMap<String, u8> = rubric
            .criteria
            .iter()
            .map(|c| (c.key.clone(), TOP))
            .collect();
        let reason = "先安抚情绪，再给出具体的处理时间和补偿，最后主动跟进：可以直接发给顾客。";
        marking::grade(conn, example.answer, lead, &top, reason, true, now)?;
    }
    let held = |conn: &mut db::Conn, reviewer: i64| -> anyhow::Result<Vec<review::Assignment>> {
        Ok(review::assignments(conn, round)?
            .into_iter()
            .filter(|a| a.reviewer_id == reviewer)
            .collect())
    };
    for (harsh, reviewer) in done.iter().enumerate() {
        // Calibration first, as the review page asks: marked like the lead,
        // each example passes at the first try (and a review of the example
        // itself goes to someone else).
        for _ in 0..=rows.len() {
            let Some(first) = held(conn, *reviewer)?.into_iter().next() else {
                break;
            };
            let (found, pending) = marking::assignment(conn, first.id, *reviewer, now)?;
            let Some(pending) = pending else { break };
            let lead_marks = pending.example.grade.marks.clone();
            marking::try_calibration(conn, &found, &pending.example, &lead_marks, now)?;
        }
        for a in &held(conn, *reviewer)? {
            let given = marks(a.answer_id, harsh as u8);
            let score = criteria::total(&rubric, &given)?.score;
            let comment = if score >= 60.0 {
                "有共情，也给了下一步。"
            } else {
                "语气生硬，没有给出处理时间。"
            };
            marking::submit_review(conn, a.id, *reviewer, &given, comment, now)?;
        }
        for c in review::comparisons(conn, round)?
            .iter()
            .filter(|c| c.reviewer_id == *reviewer)
        {
            let winner = if automatic(c.answer_a) >= automatic(c.answer_b) {
                c.answer_a
            } else {
                c.answer_b
            };
            marking::judge(conn, c.id, *reviewer, winner, now)?;
        }
    }
    Ok(())
}

/// How the demo's reviewers rate an official script in a round, as if it
/// were an automatic score.
const SCRIPT_AS_REVIEWED: f64 = 80.0;

#[derive(Clone, Copy)]
enum Style {
    Model,
    /// The model answer with a warm offer of more help.
    Warm,
    Partial,
    Cold,
}

impl Style {
    fn answer(self, references: &[String]) -> String {
        let first = references.first().cloned().unwrap_or_default();
        match self {
            Style::Model => first,
            Style::Warm => format!("{first}还有其他问题随时找我哦～"),
            Style::Partial => format!(
                "{}，谢谢",
                first
                    .chars()
                    .take(first.chars().count() / 2)
                    .collect::<String>()
            ),
            Style::Cold => "这个我也不知道，你等着吧。".to_string(),
        }
    }
}

pub fn print_logins(logins: &[Login]) {
    if logins.iter().all(|l| l.password.is_none()) {
        println!("Demo team already exists; its passwords were printed when it was created.");
        return;
    }
    println!("Demo team created. These passwords are shown only once:");
    for l in logins {
        println!(
            "  {:<8} {:<10} {:<12} {}",
            l.role.key(),
            l.username,
            l.password.as_deref().unwrap_or("-"),
            l.display_name
        );
    }
}
