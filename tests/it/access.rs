//! The access matrix: every route of the real route table (read from
//! `src/web/mod.rs`, so a route added there without an entry here fails),
//! requested as anonymous, a trainee, another trainee, a lead, an admin and a
//! disabled user, on the demo team's data. Each route has an access class; the
//! class says, per role, whether the request must be let through or refused.

use reqwest::StatusCode;

use crate::helpers::Client;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Only the trainee whose object it is (others: not found / forbidden).
    Owner,
    /// The trainee whose object it is, and leads (a submitted attempt's result).
    OwnerOrLead,
    Lead,
    Admin,
}

fn class_of(method: &str, path: &str) -> Option<Class> {
    use Class::*;
    Some(match (method, path) {
        // Logging out when signed out changes nothing and is no error.
        (_, "/healthz" | "/static/{file}" | "/setup" | "/login" | "/lang" | "/logout") => Public,
        ("get", "/" | "/progress") | ("post", "/exams/{id}/start") => SignedIn,
        ("get", "/library" | "/library/{id}") => SignedIn,
        (_, "/library/check" | "/api/v1/replies/check" | "/api/v1/scripts/match") => SignedIn,
        ("get", "/library/export/{file}") => SignedIn,
        (_, "/library/import") => Lead,
        ("get", "/api/v1/openapi.json") => Public,
        ("get", "/featured" | "/programs") => SignedIn,
        ("post", "/featured" | "/featured/exam") => Lead,
        (_, "/profile" | "/profile/tokens") => SignedIn,
        (_, "/profile/tokens/{id}/revoke") => Owner,
        (_, "/library/{id}/rollback" | "/library/publish/{question}") => Lead,
        (_, "/library/{id}/care" | "/library/{id}/alternates") => Lead,
        (_, "/library/{id}/alternates/{alternate}/delete") => Lead,
        (_, "/attempts/{id}" | "/attempts/{id}/submit") => Owner,
        (_, "/attempts/{id}/turn" | "/api/attempts/{id}/turn") => Owner,
        ("get", "/attempts/{id}/result") => OwnerOrLead,
        (_, "/api/attempts/{id}/draft" | "/answers/{id}/appeal") => Owner,
        (_, "/reviews/{id}" | "/reviews/{id}/calibration" | "/comparisons/{id}") => Owner,
        (_, "/admin/users" | "/admin/users/{id}") => Admin,
        (_, "/banks" | "/exams/new" | "/exams" | "/exams/{id}" | "/exams/{id}/status") => Lead,
        (_, "/exams/{id}/results" | "/exams/{id}/draft" | "/exams/{id}/delete") => Lead,
        (_, "/exams/{id}/review") => Lead,
        (_, "/exams/{id}/review/reassign" | "/exams/{id}/review/weights") => Lead,
        (_, "/exams/{id}/review/late" | "/answers/{id}/grade" | "/appeals/{id}") => Lead,
        (_, "/rubric" | "/rankings" | "/progress/{id}" | "/questions" | "/questions/exam") => Lead,
        (_, "/questions/{id}" | "/imports" | "/imports/{id}" | "/api/v1/imports") => Lead,
        (_, "/api/v1/imports/{id}") => Lead,
        (_, "/exams/{id}/results.csv" | "/rankings.csv" | "/questions.csv") => Lead,
        (_, "/exams/{id}/review.csv" | "/exams/{id}/rescore") => Lead,
        (_, "/scoring" | "/scoring/adopt" | "/scoring/reset") => Lead,
        (_, "/questions/learned") => Lead,
        (_, "/cohorts" | "/cohorts/{id}" | "/cohorts/{id}/members") => Lead,
        (_, "/dashboard" | "/dashboard/{chart}" | "/digest" | "/digest.csv") => Lead,
        (_, "/weekly" | "/weekly.csv") => Lead,
        ("get", "/promises") => SignedIn,
        // Agents tick their own promises; leads anyone's.
        ("post", "/promises/{id}/kept") => OwnerOrLead,
        (_, "/cohorts/{id}/members/{user}/remove" | "/cohorts/{id}/exceptions") => Lead,
        _ => return None,
    })
}

/// (method, path) of every `.route("…", web::get()/post()…)` in the route table.
fn route_table() -> Vec<(String, String)> {
    let source = include_str!("../../src/web/mod.rs");
    source
        .split(".route(")
        .skip(1)
        .filter_map(|call| {
            let path = call.split('"').nth(1)?.to_string();
            let method = call.split("web::").nth(1)?.split('(').next()?.to_string();
            Some((method, path))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Anonymous,
    Trainee,
    OtherTrainee,
    Lead,
    Admin,
    Disabled,
}

/// Whether `role` must get through to a route of `class`.
fn allowed(role: Role, class: Class) -> bool {
    use Role::*;
    match class {
        Class::Public => true,
        Class::SignedIn => matches!(role, Trainee | OtherTrainee | Lead | Admin),
        Class::Owner => role == Trainee,
        Class::OwnerOrLead => matches!(role, Trainee | Lead | Admin),
        Class::Lead => matches!(role, Lead | Admin),
        Class::Admin => role == Admin,
    }
}

/// Whether a response refused access: sent to log in (or set up), forbidden
/// or, for someone else's object, not found.
fn refused(status: StatusCode, location: &str) -> bool {
    status == StatusCode::FORBIDDEN
        || status == StatusCode::NOT_FOUND
        || sent_to_log_in(status, location)
}

fn sent_to_log_in(status: StatusCode, location: &str) -> bool {
    status == StatusCode::SEE_OTHER
        && (location.starts_with("/login?") || location.starts_with("/setup"))
}

/// Whether the request was let through (for a role that may use the route)
/// or came to nothing (for one that may not: any refusal, including a body
/// refused before access was judged, leaves everything as it was).
fn as_expected(allowed: bool, status: StatusCode, location: &str) -> bool {
    if status.is_server_error() {
        return false;
    }
    if allowed {
        !refused(status, location)
    } else {
        status.is_client_error() || sent_to_log_in(status, location)
    }
}

async fn request(c: &Client, method: &str, path: &str) -> (StatusCode, String) {
    let url = format!("{}{path}", c.base);
    let req = match method {
        "get" => c.http.get(url),
        _ => c
            .http
            .post(url)
            .header("X-CSRF-Token", &c.csrf)
            .form(&[("_csrf", c.csrf.as_str())]),
    };
    let res = req.send().await.expect("request");
    (res.status(), crate::helpers::location_of(&res))
}

#[actix_web::test]
async fn every_route_lets_in_exactly_the_roles_its_class_names() {
    let routes = route_table();
    assert!(
        routes.len() >= 50,
        "the route table was not read: {routes:?}"
    );
    let unclassified: Vec<_> = routes
        .iter()
        .filter(|(m, p)| class_of(m, p).is_none())
        .collect();
    assert!(
        unclassified.is_empty(),
        "routes without an access class: {unclassified:?}"
    );

    // The demo team and its data, with known passwords.
    let (app, _dir) = crate::helpers::spawn_demo().await;
    let id = |query: &str| app.count(query);
    let user = |name: &str| {
        id(&format!(
            "SELECT id AS n FROM users WHERE username = '{name}'"
        ))
    };
    let owner = user("liuyang");
    let answer = id(&format!(
        "SELECT a.id AS n FROM answers a JOIN attempts t ON t.id = a.attempt_id \
         WHERE t.user_id = {owner} AND t.submitted_at IS NOT NULL ORDER BY a.id LIMIT 1"
    ));
    let attempt = id(&format!(
        "SELECT attempt_id AS n FROM answers WHERE id = {answer}"
    ));
    let exam = id(&format!(
        "SELECT exam_id AS n FROM attempts WHERE id = {attempt}"
    ));
    let item = id(&format!(
        "SELECT item_id AS n FROM answers WHERE id = {answer}"
    ));
    let review = id(&format!(
        "SELECT id AS n FROM review_assignments WHERE reviewer_id = {owner} ORDER BY id LIMIT 1"
    ));
    let comparison = id(&format!(
        "SELECT id AS n FROM review_comparisons WHERE reviewer_id = {owner} ORDER BY id LIMIT 1"
    ));
    let cluster = id("SELECT MIN(id) AS n FROM mined_clusters");
    let import = id("SELECT MIN(id) AS n FROM chat_imports");
    let disabled = user("chenjing");
    let script = id("SELECT MIN(id) AS n FROM scripts");
    let question = id("SELECT MIN(question_id) AS n FROM scripts");
    let alternate = id("SELECT MIN(id) AS n FROM script_alternates");
    let found = [
        answer, review, comparison, cluster, import, script, question, alternate,
    ];
    assert!(found.iter().all(|n| *n > 0), "{found:?}");

    let signed_in = |name: &'static str| {
        let app = &app;
        async move {
            let mut c = app.client();
            let page = c.login(name, "password-123").await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{name}: {}", page.body);
            c.get("/").await;
            c
        }
    };
    let mut trainee = signed_in("liuyang").await;
    // An appeal to decide, filed by the owner of the answer.
    trainee.get(&format!("/attempts/{attempt}/result")).await;
    let filed = trainee
        .post(
            &format!("/answers/{answer}/appeal"),
            &[
                ("attempt", attempt.to_string().as_str()),
                ("reason", "评分偏低"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let appeal = id("SELECT MIN(id) AS n FROM appeals");
    // A token of the trainee's, which only they may revoke.
    trainee.get("/profile").await;
    let made = trainee.post("/profile/tokens", &[("name", "插件")]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let token = id("SELECT MAX(id) AS n FROM api_tokens");
    let cohort = id("SELECT MIN(id) AS n FROM cohorts");
    let new_hire = user("xiaoxin");
    let promise = id("SELECT MIN(id) AS n FROM chat_promises WHERE agent = '刘洋'");
    let mut admin = signed_in("admin").await;
    let clients = [
        (Role::Anonymous, {
            let mut c = app.client();
            c.get("/login").await;
            c
        }),
        (Role::Trainee, trainee),
        (Role::OtherTrainee, signed_in("zhangwei").await),
        (Role::Lead, signed_in("lead").await),
        (Role::Disabled, {
            let c = signed_in("chenjing").await;
            admin.get("/admin/users").await;
            let off = admin
                .post(
                    &format!("/admin/users/{disabled}"),
                    &[("action", "disable")],
                )
                .await;
            assert_eq!(off.status, StatusCode::SEE_OTHER);
            c
        }),
        (Role::Admin, admin),
    ];

    let concrete = |path: &str| {
        let object = match path {
            p if p.starts_with("/attempts/") || p.starts_with("/api/attempts/") => attempt,
            p if p.starts_with("/answers/") => answer,
            p if p.starts_with("/reviews/") => review,
            p if p.starts_with("/comparisons/") => comparison,
            p if p.starts_with("/appeals/") => appeal,
            p if p.starts_with("/questions/") => cluster,
            p if p.starts_with("/imports/") || p.starts_with("/api/v1/imports/") => import,
            p if p.starts_with("/profile/tokens/") => token,
            p if p.starts_with("/progress/") => owner,
            p if p.starts_with("/admin/users/") => user("wangfang"),
            p if p.starts_with("/library/") => script,
            p if p.starts_with("/cohorts/") => cohort,
            p if p.starts_with("/promises/") => promise,
            _ => exam,
        };
        path.replace("{id}", &object.to_string())
            .replace("{item}", &item.to_string())
            .replace(
                "{file}",
                if path.starts_with("/library") {
                    "export.csv"
                } else {
                    "app.css"
                },
            )
            .replace("{question}", &question.to_string())
            .replace("{alternate}", &alternate.to_string())
            .replace("{user}", &new_hire.to_string())
            .replace("{chart}", "items.csv")
    };
    // Logging out ends the session the other requests use: it goes last.
    let mut ordered = routes.clone();
    ordered.sort_by_key(|(_, p)| p == "/logout");
    let mut wrong = Vec::new();
    let mut clients = clients;
    for (role, client) in &mut clients {
        for (method, path) in &ordered {
            let class = class_of(method, path).expect("classified above");
            if method == "post" && matches!(role, Role::Anonymous | Role::Disabled) {
                // A signed-out browser gets a fresh form token with each page.
                client.get("/login").await;
            }
            let (status, location) = request(client, method, &concrete(path)).await;
            if !as_expected(allowed(*role, class), status, &location) {
                wrong.push(format!("{role:?} {method} {path}: {status} {location}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
