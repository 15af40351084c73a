//! `serve --demo`: a small team with history, so a newcomer sees every page filled.
//! Passwords are random and printed once; nothing here is a fixed credential.

use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::db::{self, attempts, exams, questions, users, DbPool};
use crate::domain::types::Role;
use crate::grading;

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
];

/// Creates the team, two exams (one finished, one open) and a month of mined
/// chats, unless users exist.
pub fn seed(pool: &DbPool) -> anyhow::Result<Vec<Login>> {
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
    let mut logins = Vec::new();
    let mut ids = Vec::new();
    for (username, display_name, role) in TEAM {
        let password: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(12)
            .map(char::from)
            .collect();
        let hash = crate::web::auth::hash_password(&password)?;
        let new = users::NewUser {
            username,
            display_name,
            password_hash: &hash,
            role: *role,
            lang: "zh-CN",
        };
        ids.push(
            users::create(&mut conn, &new)?
                .ok_or_else(|| anyhow::anyhow!("demo user {username} exists"))?,
        );
        logins.push(Login {
            username,
            display_name,
            role: *role,
            password: Some(password),
        });
    }
    import_chats(pool, ids[1])?;
    let pool_questions = questions::list_active(&mut conn)?;
    if pool_questions.is_empty() {
        eprintln!("warning: no exam banks loaded, so the demo has no exams");
        return Ok(logins);
    }
    let pick = |scene: &str, n: usize| -> Vec<questions::QuestionRow> {
        pool_questions
            .iter()
            .filter(|q| q.scene == scene)
            .take(n)
            .cloned()
            .collect()
    };
    let lead = ids[1];
    let finished = exams::create(
        &mut conn,
        &exams::NewExam {
            title: "售后安抚与退款（演示）",
            time_limit_min: 30,
            pass_mark: 60,
            created_by: lead,
        },
        &pick("after_sale", 4),
    )?;
    exams::transition(&mut conn, finished, "draft", "open")?;
    let items = exams::items(&mut conn, finished)?;
    for (trainee, style) in ids[2..5]
        .iter()
        .zip([Style::Model, Style::Partial, Style::Cold])
    {
        let now = db::now_ms();
        let attempt = attempts::start(
            &mut conn,
            finished,
            *trainee,
            now,
            crate::domain::exam::writable_until(now, 30),
        )?;
        let bodies: Vec<(i64, String)> = items
            .iter()
            .map(|i| (i.id, style.answer(&i.references_json)))
            .collect();
        let (scored, total) = grading::grade(&items, &bodies)?;
        attempts::submit(&mut conn, attempt.id, &scored, total, db::now_ms())?;
    }
    exams::transition(&mut conn, finished, "open", "closed")?;
    let open = exams::create(
        &mut conn,
        &exams::NewExam {
            title: "售前咨询基础（演示）",
            time_limit_min: 20,
            pass_mark: 60,
            created_by: lead,
        },
        &pick("pre_sale", 5),
    )?;
    exams::transition(&mut conn, open, "draft", "open")?;
    Ok(logins)
}

/// A month of a shop's chats (written for the demo), imported so the customer
/// questions page has something to show.
fn import_chats(pool: &DbPool, lead: i64) -> anyhow::Result<()> {
    use crate::db::mining::Begun;
    use crate::domain::mining::chatlog::{Format, Mapping};
    use crate::imports::{self, Source};
    let path = std::env::temp_dir().join(format!(
        "huashu-demo-chats-{}.csv",
        crate::web::auth::random_token()
    ));
    std::fs::write(&path, include_str!("demo_chats.csv"))?;
    let source = Source {
        path: &path,
        file_name: "演示聊天记录.csv",
        format: Format::Csv,
        mapping: &Mapping::default(),
    };
    let outcome = match imports::begin(pool, &source, Some(lead)) {
        Ok(Begun::Started(id)) => imports::run(pool, id, &source, &Default::default(), |_| {})
            .map(|_| ())
            .map_err(anyhow::Error::from),
        Ok(Begun::Seen(_)) => Ok(()),
        Err(e) => Err(e.into()),
    };
    let _ = std::fs::remove_file(&path);
    outcome
}

#[derive(Clone, Copy)]
enum Style {
    Model,
    Partial,
    Cold,
}

impl Style {
    fn answer(self, references_json: &str) -> String {
        let first: String = db::from_json::<Vec<String>>(references_json)
            .ok()
            .and_then(|r| r.into_iter().next())
            .unwrap_or_default();
        match self {
            Style::Model => first,
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
