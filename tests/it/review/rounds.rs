//! A round from start to outcome: anonymous reviews and comparisons, the aggregate, due dates, absent reviewers, late answers, appeals.

use super::*;
use huashu::db::columns::ExamId;

#[actix_web::test]
async fn trainees_review_each_other_anonymously_and_the_lead_sees_the_aggregate() {
    let app = spawn().await;
    let (mut lead, mut trainees, exam) = answered_exam(&app).await;
    // Not before the exam is closed.
    let early = lead
        .post(
            &format!("/exams/{exam}/review"),
            &[("k", "2"), ("due_days", "3")],
        )
        .await;
    // The round page comes back with the message, with the refusal's status.
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(early.body.contains("id=\"start-error\""), "{}", early.body);
    close_exam(&mut lead, exam).await;
    lead.get(&format!("/exams/{exam}/review")).await;
    let too_many = lead
        .post(
            &format!("/exams/{exam}/review"),
            &[("k", "4"), ("due_days", "3")],
        )
        .await;
    assert!(too_many.body.contains("至少需要 5 位"), "{}", too_many.body);
    assert_eq!(too_many.status, StatusCode::CONFLICT);
    assert!(
        too_many.body.contains("id=\"start-error\""),
        "beside the start form"
    );
    assert!(too_many.body.contains("name=\"k\" value=\"4\""), "k kept");
    let started = lead
        .post(
            &format!("/exams/{exam}/review"),
            &[("k", "2"), ("due_days", "3")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let fresh = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(
        !fresh.contains("无人评审"),
        "reviewers are assigned and not late: nothing for the lead yet"
    );

    // Every trainee has two reviews waiting; none shows whose answer it is.
    let mut firsts = Vec::new();
    for (t, name) in trainees.iter_mut().zip(TRAINEES) {
        let home = t.get("/").await.body;
        assert_eq!(home.matches("href=\"/reviews/").count(), 2, "{home}");
        let id = number_after(&home, "href=\"/reviews/").expect("a review");
        let page = t.get(&format!("/reviews/{id}")).await.body;
        let answer = page
            .split("id=\"answer-under-review\">")
            .nth(1)
            .and_then(|s| s.split("</blockquote>").next())
            .expect("the answer");
        assert!(!answer.contains(name), "nobody reviews their own answer");
        // The answer names its author (this test wrote it so); the page must not.
        let author = TRAINEES
            .into_iter()
            .find(|n| answer.contains(n))
            .expect("an author");
        assert_eq!(page.matches(author).count(), 1, "{page}");
        firsts.push(id);
    }
    // Each trainee also picks the better of two others' answers.
    for t in trainees.iter_mut() {
        let home = t.get("/").await.body;
        let id = number_after(&home, "href=\"/comparisons/").expect("a comparison");
        let page = t.get(&format!("/comparisons/{id}")).await.body;
        // Each shown answer names its author (this test wrote them so); the
        // page gives each name only there.
        for side in ["answer-a", "answer-b"] {
            let shown = page
                .split(&format!("id=\"{side}\">"))
                .nth(1)
                .and_then(|s| s.split("</blockquote>").next())
                .expect("an answer");
            let author = TRAINEES
                .into_iter()
                .find(|n| shown.contains(n))
                .expect("an author");
            assert_eq!(page.matches(author).count(), 1, "{page}");
        }
        let pick = number_after(&page, "name=\"winner\" value=\"").expect("a choice");
        let wrong = t
            .post(&format!("/comparisons/{id}"), &[("winner", "999999")])
            .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        let done = t
            .post(
                &format!("/comparisons/{id}"),
                &[("winner", &pick.to_string())],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert!(
            done.location.starts_with("/reviews/"),
            "straight on to the next task, not home: {}",
            done.location
        );
        let next = t.get(&done.location).await.body;
        assert!(next.contains("下一项已打开，还剩 2 项"), "{next}");
        let again = t
            .post(
                &format!("/comparisons/{id}"),
                &[("winner", &pick.to_string())],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
    }

    // A review with a criterion left out comes back with the marks kept.
    let marks_but_one = &MARKS[..5];
    let missing = trainees[0]
        .post(&format!("/reviews/{}", firsts[0]), marks_but_one)
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("请为“促成购买”选择一个等级"),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("value=\"1\" checked"), "marks kept");
    for (t, id) in trainees.iter_mut().zip(&firsts) {
        t.get(&format!("/reviews/{id}")).await;
        let mut marks = MARKS.to_vec();
        marks.push(("comment", "有共情，时间承诺可以更具体"));
        let done = t.post(&format!("/reviews/{id}"), &marks).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let again = t.post(&format!("/reviews/{id}"), &marks).await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "a review is submitted once"
        );
    }
    assert_eq!(
        trainees[0]
            .get("/")
            .await
            .body
            .matches("href=\"/reviews/")
            .count(),
        1,
        "the done review leaves the queue"
    );
    // Another trainee's review is not theirs to open.
    assert_eq!(
        trainees[1]
            .get(&format!("/reviews/{}", firsts[0]))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(
        page.contains("基于 1/2 份评审") || page.contains("基于 2/2 份评审"),
        "{page}"
    );
    assert!(page.contains("偏差") && page.contains("评审质量分"));
    assert!(page.contains("对比中胜出"), "comparisons count: {page}");
    assert!(page.contains("对比评审"), "and blend in");
    assert!(page.contains("有共情，时间承诺可以更具体"));
    assert_eq!(
        trainees[0]
            .get(&format!("/exams/{exam}/review"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A lead's grade decides its answer; it needs a reason.
    let answer = number_after(&page, "href=\"/answers/").expect("an answer to grade");
    lead.get(&format!("/answers/{answer}/grade")).await;
    let all_marks = [
        ("mark_accuracy", "3"),
        ("mark_empathy", "3"),
        ("mark_next_step", "3"),
        ("mark_time_promise", "3"),
        ("mark_tone", "3"),
        ("mark_persuasion", "3"),
    ];
    let no_reason = lead
        .post(&format!("/answers/{answer}/grade"), &all_marks)
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("请写下评分理由"));
    let mut with_reason = all_marks.to_vec();
    with_reason.push(("reason", "共情、时间、下一步都到位"));
    with_reason.push(("calibration", "1"));
    let graded = lead
        .post(&format!("/answers/{answer}/grade"), &with_reason)
        .await;
    assert_eq!(graded.status, StatusCode::SEE_OTHER, "{}", graded.body);
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(
        page.contains("组长评分 100.0 × 100%"),
        "the lead's grade decides: {page}"
    );
    assert!(page.contains("共情、时间、下一步都到位") && page.contains("校准样例"));
    assert!(
        page.contains("同伴评分") && page.contains("自动评分"),
        "the others blend"
    );

    // One score story: the exam's results rank on the final score, and the
    // graded answer's author sees the same final score on their home page.
    let results = lead.get(&format!("/exams/{exam}/results")).await.body;
    let top = results
        .split("<tbody>")
        .nth(1)
        .and_then(|t| t.split("</tr>").next())
        .expect("a ranking row");
    assert!(top.contains("最终得分 100.0"), "{top}");
    let author = TRAINEES
        .iter()
        .position(|n| top.contains(&format!("<td>{n}</td>")))
        .expect("a trainee's row");
    let home = trainees[author].get("/").await.body;
    let mine = home.split("id=\"my-results\"").nth(1).expect("my results");
    assert!(
        mine.contains("最终得分 100.0") && mine.contains("其中自动评分"),
        "{mine}"
    );

    // Each trainee sees their final score, where it came from, and their
    // reviewing grade; never who reviewed them.
    let home = trainees[1].get("/").await.body;
    let attempt = number_after(&home, "href=\"/attempts/").expect("an attempt");
    let result = trainees[1]
        .get(&format!("/attempts/{attempt}/result"))
        .await
        .body;
    assert!(
        result.contains("最终得分") && result.contains("份同伴评审"),
        "{result}"
    );
    // One score story: the headline is the final score, labelled, with the
    // automatic score beside it as a part.
    let headline = result
        .split("id=\"final-score\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .and_then(|s| s.parse::<f64>().ok());
    assert!(headline.is_some(), "a final score headline: {result}");
    assert!(result.contains("其中自动评分"), "{result}");
    // Peer feedback reaches the author: each review's levels and comment,
    // without its reviewer. The four reviews sent so far (which answers they
    // went to is drawn at random) each show on their author's result page.
    let mut shown = 0;
    for t in trainees.iter_mut() {
        let home = t.get("/").await.body;
        let attempt = number_after(&home, "href=\"/attempts/").expect("an attempt");
        let page = t.get(&format!("/attempts/{attempt}/result")).await.body;
        for list in page.split("class=\"feedback\"").skip(1) {
            let list = list.split("</ul>").next().unwrap_or_default();
            assert!(list.contains("共情") && list.contains("/3"), "{list}");
            shown += list.matches("有共情，时间承诺可以更具体").count();
        }
    }
    assert_eq!(shown, 4, "every sent review reaches its author");
    assert!(!result.contains("id=\"automatic-only\""));
    assert!(
        result.contains("你在这场同伴评审中的评审质量分"),
        "{result}"
    );
    for name in ["amy", "cat", "dan"] {
        assert!(
            !result.contains(&format!("{name}:")),
            "a reviewer named: {result}"
        );
    }

    // bob appeals, once; the lead decides with a reason, and bob sees it.
    let appeal_to = number_after(&result, "action=\"/answers/").expect("an appeal form");
    let attempt_field = attempt.to_string();
    let no_reason = trainees[1]
        .post(
            &format!("/answers/{appeal_to}/appeal"),
            &[
                ("attempt", &attempt_field),
                ("reason", " "),
                ("better", "亲，今天18点前发出"),
            ],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Back on the result page, the form open, the better answer kept.
    assert!(
        no_reason.body.contains("id=\"appeal-error\"")
            && no_reason.body.contains("<details open>")
            && no_reason.body.contains(">亲，今天18点前发出</textarea>"),
        "{}",
        no_reason.body
    );
    let appealed = trainees[1]
        .post(
            &format!("/answers/{appeal_to}/appeal"),
            &[
                ("attempt", &attempt_field),
                ("reason", "我给了具体时间和补偿"),
                ("better", "亲，今天18点前发出，超时送您无门槛券"),
            ],
        )
        .await;
    assert_eq!(appealed.status, StatusCode::SEE_OTHER, "{}", appealed.body);
    let twice = trainees[1]
        .post(
            &format!("/answers/{appeal_to}/appeal"),
            &[("attempt", &attempt_field), ("reason", "再来一次")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    trainees[2].get("/").await;
    let not_mine = trainees[2]
        .post(
            &format!("/answers/{appeal_to}/appeal"),
            &[("attempt", &attempt_field), ("reason", "不是我的")],
        )
        .await;
    assert_eq!(
        not_mine.status,
        StatusCode::NOT_FOUND,
        "only the author appeals; to others the answer does not exist"
    );
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(
        page.contains("我给了具体时间和补偿") && page.contains("超时送您无门槛券"),
        "{page}"
    );
    let appeal = number_after(&page, "action=\"/appeals/").expect("a decision form");
    let unexplained = lead
        .post(
            &format!("/appeals/{appeal}"),
            &[("decision", "uphold"), ("reason", " ")],
        )
        .await;
    assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unexplained.body.contains("id=\"appeal-error\"")
            && unexplained
                .body
                .contains(&format!("action=\"/appeals/{appeal}\"")),
        "back on the round page among the open appeals: {}",
        unexplained.body
    );
    let decided = lead
        .post(
            &format!("/appeals/{appeal}"),
            &[("decision", "uphold"), ("reason", "时间承诺具体，成立")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let result = trainees[1]
        .get(&format!("/attempts/{attempt}/result"))
        .await
        .body;
    assert!(result.contains("时间承诺具体，成立"), "{result}");
    assert!(!result.contains("appeal-form"), "no second appeal form");
    // The upheld appeal's better reply is a reference of the question's next exam.
    let form = lead.get("/exams/new").await.body;
    let question = crate::helpers::question_id(&form, AUTHENTIC);
    let draft = lead
        .post(
            "/exams",
            &[
                ("title", "正品复训"),
                ("time_limit", "30"),
                ("pass_mark", "60"),
                ("mode", "pick"),
                ("q", &question),
            ],
        )
        .await;
    let page = lead.get(&draft.location).await.body;
    assert!(
        page.contains("亲，今天18点前发出，超时送您无门槛券"),
        "{page}"
    );

    // The lead weighs peers alone; the final scores follow.
    let bad = lead
        .post(
            &format!("/exams/{exam}/review/weights"),
            &[("automatic", "50"), ("peer", "50"), ("comparative", "20")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The round page again, the weights form open with its message and the
    // numbers as typed.
    assert!(bad.body.contains("id=\"weights\" open"), "{}", bad.body);
    assert!(bad.body.contains("id=\"weights-error\""));
    assert!(bad.body.contains("加起来等于 100"), "{}", bad.body);
    assert!(bad.body.contains("name=\"comparative\" value=\"20\""));
    assert!(
        bad.body.contains("id=\"reviewers\""),
        "the whole round page"
    );
    let saved = lead
        .post(
            &format!("/exams/{exam}/review/weights"),
            &[("automatic", "0"), ("peer", "100"), ("comparative", "0")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(
        page.contains("自动评分 0% + 同伴评分 100% + 对比评审 0%"),
        "{page}"
    );
    assert!(page.contains("name=\"peer\" value=\"100\""));
    // Every scored answer now rests on one part: its peer score or the lead's.
    let parts = page.matches(" × ").count();
    assert!(
        parts >= 2 && parts == page.matches(" × 100%").count(),
        "{page}"
    );
}

#[test]
fn answers_nobody_reviewed_wait_for_a_lead_once_the_round_is_due() {
    use huashu::db::review;
    let dir = tempfile::tempdir().expect("dir");
    let url = crate::helpers::fresh_database_url(dir.path());
    let pool = huashu::cli::serve::open_db(&url).expect("database");
    let mut conn = pool.get().expect("conn");
    for file in huashu::app::banks::load_dir(&crate::helpers::banks()).expect("banks") {
        if let Some(bank) = &file.bank {
            huashu::db::questions::sync_bank(&mut conn, bank).expect("bank");
        }
    }
    drop(conn);
    crate::helpers::seed_demo(&pool);
    let mut conn = pool.get().expect("conn");
    // The demo's finished exam is the first one created; its answers, without
    // the demo's round, are the start here.
    let exam = ExamId(1);
    crate::helpers::run_sql(&mut conn, "DELETE FROM review_assignments");
    crate::helpers::run_sql(&mut conn, "DELETE FROM review_comparisons");
    crate::helpers::run_sql(&mut conn, "DELETE FROM lead_grades");
    crate::helpers::run_sql(&mut conn, "DELETE FROM review_rounds");
    let answers = review::answers_with_authors(&mut conn, exam).expect("answers");
    assert!(!answers.is_empty());
    let rubric = huashu::domain::review::criteria::Rubric::default();
    let marks = huashu::domain::review::criteria::Marks::new();
    let new = review::NewRound {
        exam_id: exam,
        k: 2,
        seed: 1,
        rubric: &rubric,
        due_at: 1_000,
        created_by: 2,
    };
    let pairs = vec![(answers[0].answer, answers[1].author)];
    let round = review::create_round(&mut conn, &new, 0)
        .expect("round")
        .expect("new");
    review::add_plan(&mut conn, round, &pairs, &[]).expect("plan");
    assert!(
        review::needing_lead(&mut conn, 999)
            .expect("queue")
            .is_empty(),
        "not before it is due"
    );
    let queue = review::needing_lead(&mut conn, 2_000).expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(
        queue[0].waiting,
        answers.len() as i64,
        "nobody has reviewed yet"
    );
    // A submitted review and a lead's grade each take an answer off the queue.
    let assignment = review::assignments(&mut conn, round).expect("assignments")[0].id;
    assert!(review::submit(
        &mut conn,
        assignment,
        answers[1].author,
        &marks,
        80.0,
        "",
        1_500
    )
    .expect("review"));
    let grade = review::NewGrade {
        answer_id: answers[2].answer,
        grader_id: 2,
        rubric: &rubric,
        marks: &marks,
        score: 70.0,
        reason: "好",
        calibration: false,
    };
    review::grade(&mut conn, &grade, 1_600).expect("grade");
    let queue = review::needing_lead(&mut conn, 2_000).expect("queue");
    assert_eq!(queue[0].waiting, answers.len() as i64 - 2);

    // Rounds come oldest first: a later round counts the earlier one towards
    // its reviewers' reputations.
    let later = review::NewRound {
        exam_id: ExamId(2),
        due_at: 9_000,
        ..new
    };
    review::create_round(&mut conn, &later, 5_000)
        .expect("round")
        .expect("new");
    let order: Vec<ExamId> = review::rounds(&mut conn)
        .expect("rounds")
        .iter()
        .map(|r| r.exam_id)
        .collect();
    assert_eq!(order, [ExamId(1), ExamId(2)]);
}

#[actix_web::test]
async fn a_review_closes_at_its_due_date_and_the_lead_hands_an_absent_reviewers_reviews_on() {
    let app = spawn().await;
    let (mut lead, mut trainees, exam) = answered_exam(&app).await;
    close_and_review(&mut lead, exam, "2").await;
    let before: Vec<usize> = {
        let mut n = Vec::new();
        for t in trainees.iter_mut() {
            n.push(reviews_waiting(t).await.len());
        }
        n
    };
    assert_eq!(before, vec![2, 2, 2, 2]);
    // One question, two answers to review: told apart by a number.
    let home = trainees[0].get("/").await.body;
    assert!(
        home.contains("第 1 题 · 第 1 份回复") && home.contains("第 1 题 · 第 2 份回复"),
        "{home}"
    );
    let home = trainees[1].get("/").await.body;
    assert!(
        home.contains("你有 3 项同伴评审待完成"),
        "two reviews and a comparison: {home}"
    );

    // amy is away: the lead hands her two open reviews to the others.
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    let row = page.split("<td>amy</td>").last().expect("amy's row");
    let amy = number_after(row, "name=\"reviewer\" value=\"")
        .unwrap_or_else(|| panic!("a hand-on form: {page}"));
    let amy = amy.to_string();
    let bad = lead
        .post(
            &format!("/exams/{exam}/review/reassign"),
            &[("reviewer", &amy), ("due_days", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Refused on the round page itself, beside the table, the days kept in
    // amy's row.
    assert!(bad.body.contains("id=\"reassign-error\""), "{}", bad.body);
    let amy_row = bad.body.split("<td>amy</td>").last().expect("amy's row");
    assert!(
        amy_row.contains("name=\"due_days\" value=\"0\""),
        "{amy_row}"
    );
    let moved = lead
        .post(
            &format!("/exams/{exam}/review/reassign"),
            &[("reviewer", &amy), ("due_days", "2")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert!(lead
        .get(&format!("/exams/{exam}/review"))
        .await
        .body
        .contains("已把 2 份未完成的评审转给其他评审人"));
    let again = lead
        .post(
            &format!("/exams/{exam}/review/reassign"),
            &[("reviewer", &amy), ("due_days", "2")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "nothing left to hand on"
    );
    let mut after = Vec::new();
    for t in trainees.iter_mut() {
        after.push(reviews_waiting(t).await);
    }
    assert!(after[0].is_empty(), "amy has none left");
    assert_eq!(
        after.iter().map(Vec::len).sum::<usize>(),
        8,
        "no review lost"
    );
    // Nobody was handed their own answer or one they already review.
    for (t, name) in trainees.iter_mut().zip(TRAINEES).skip(1) {
        let mut bodies = Vec::new();
        for id in reviews_waiting(t).await {
            let page = t.get(&format!("/reviews/{id}")).await.body;
            let answer = page
                .split("id=\"answer-under-review\">")
                .nth(1)
                .expect("answer");
            let answer = answer
                .split("</blockquote>")
                .next()
                .unwrap_or_default()
                .to_string();
            assert!(!answer.contains(name), "{name} reviews their own answer");
            bodies.push(answer);
        }
        let n = bodies.len();
        bodies.sort();
        bodies.dedup();
        assert_eq!(bodies.len(), n, "{name} reviews one answer twice");
    }

    // The round's due date passes; the handed-on reviews have their own.
    app.sql("UPDATE review_rounds SET due_at = 0");
    let due = lead.get(&format!("/exams/{exam}/review")).await.body;
    let flagged = due.matches("无人评审").count();
    assert!(
        (1..4).contains(&flagged),
        "answers whose reviews are all late are flagged, those with a handed-on review due later are not: {flagged}"
    );
    let bob = &mut trainees[1];
    let mut closed = 0;
    let mut open = 0;
    for id in reviews_waiting(bob).await {
        let page = bob.get(&format!("/reviews/{id}")).await.body;
        let sent = bob.post(&format!("/reviews/{id}"), &MARKS).await;
        if page.contains("review-closed") {
            assert!(page.contains("截止时间已过") && !page.contains("submit-review"));
            assert_eq!(sent.status, StatusCode::CONFLICT, "{}", sent.body);
            assert!(sent.body.contains("截止时间已过"));
            closed += 1;
        } else {
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
            open += 1;
        }
    }
    assert_eq!(closed, 2, "bob's own two reviews closed with the round");
    assert!(open <= 2);
    let total_open: usize = {
        let mut n = 0;
        for t in trainees.iter_mut().skip(1) {
            n += reviews_waiting(t).await.len();
        }
        n
    };
    assert_eq!(
        total_open,
        8 - open,
        "closed reviews stay listed, marked overdue"
    );
    let home = trainees[1].get("/").await.body;
    assert!(home.contains("项已过截止时间未完成"), "{home}");
    let comparison = {
        let home = trainees[2].get("/").await.body;
        number_after(&home, "href=\"/comparisons/").expect("a comparison")
    };
    let page = trainees[2]
        .get(&format!("/comparisons/{comparison}"))
        .await
        .body;
    assert!(page.contains("review-closed") && !page.contains("pick-a"));
    let late = trainees[2]
        .post(&format!("/comparisons/{comparison}"), &[("winner", "1")])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn an_answer_sent_after_the_round_began_gets_reviewers_from_the_lead() {
    let app = spawn().await;
    let (mut admin, mut lead, mut trainees) = team(&app).await;
    let exam = sit(&mut lead, &mut trainees, AUTHENTIC).await;
    // eve saved an answer but had not submitted when the exam closed.
    let mut eve = app.user(&mut admin, "eve", "trainee").await;
    let (attempt, page) = start(&mut eve, exam).await;
    let item = crate::helpers::item_ids(&page.body)[0];
    eve.post_json(
        &format!("/api/attempts/{attempt}/draft"),
        serde_json::json!({ "item_id": item, "body": "亲，eve 在这里，正品保证，放心购买" }),
    )
    .await;
    close_exam(&mut lead, exam).await;
    // Closing submits attempts in progress; before it did, an attempt could
    // outlive its exam's closing. Such an attempt (from an older version's
    // data) is put back here, as that version left it.
    app.sql(&format!(
        "UPDATE attempts SET submitted_at = NULL, score = NULL, closed_by_lead = FALSE WHERE id = {attempt}"
    ));
    start_round(&mut lead, exam, "2").await;
    let sent = eve.post(&format!("/attempts/{attempt}/submit"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(page.contains("有 1 份回复是评审开始后才提交的"), "{page}");
    let bad = lead
        .post(&format!("/exams/{exam}/review/late"), &[("due_days", "99")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let form = bad
        .body
        .split("id=\"late-answers\"")
        .nth(1)
        .expect("the form");
    assert!(
        form.contains("id=\"late-error\"") && form.contains("value=\"99\""),
        "{form}"
    );
    let assigned = lead
        .post(&format!("/exams/{exam}/review/late"), &[("due_days", "2")])
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    let page = lead.get(&format!("/exams/{exam}/review")).await.body;
    assert!(
        page.contains("已为迟交的回复分配了 2 份评审") && !page.contains("late-answers"),
        "{page}"
    );
    let again = lead
        .post(&format!("/exams/{exam}/review/late"), &[("due_days", "2")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mut loads = Vec::new();
    for t in trainees.iter_mut() {
        loads.push(reviews_waiting(t).await.len());
    }
    loads.sort_unstable();
    assert_eq!(
        loads,
        vec![2, 2, 3, 3],
        "the late answer went to two of the four"
    );
}
