// Mirrors migrations/sqlite. Ids are BigInt so the PostgreSQL schema (BIGSERIAL)
// maps to the same Rust types.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        lang -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    login_throttle (username, address) {
        username -> Text,
        address -> Text,
        attempts -> Integer,
        blocked_until -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> BigInt,
        last_seen_at -> BigInt,
    }
}

diesel::table! {
    script_alternates (id) {
        id -> BigInt,
        script_id -> BigInt,
        text -> Text,
        added_by -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    library_version (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    review_version (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    round_incumbents (answer_id) {
        answer_id -> BigInt,
        round_id -> BigInt,
        script_id -> BigInt,
        version_n -> Integer,
    }
}

diesel::table! {
    featured_products (id) {
        id -> BigInt,
        week -> Text,
        product -> Text,
        points_json -> Text,
        pitches_json -> Text,
        set_by -> BigInt,
        set_at -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        key -> Text,
        hint -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    questions (id) {
        id -> BigInt,
        bank_slug -> Text,
        bank_title -> Text,
        qkey -> Text,
        scene -> Text,
        category -> Text,
        prompt -> Text,
        references_json -> Text,
        tags_json -> Text,
        rubric_json -> Text,
        active -> Bool,
        scenario_json -> Nullable<Text>,
    }
}

diesel::table! {
    exams (id) {
        id -> BigInt,
        title -> Text,
        time_limit_min -> Integer,
        pass_mark -> Integer,
        status -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
        opened_at -> Nullable<BigInt>,
        closed_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    exam_items (id) {
        id -> BigInt,
        exam_id -> BigInt,
        position -> Integer,
        question_id -> BigInt,
        scene -> Text,
        category -> Text,
        prompt -> Text,
        references_json -> Text,
        rubric_json -> Text,
        scenario_json -> Nullable<Text>,
    }
}

diesel::table! {
    attempts (id) {
        id -> BigInt,
        exam_id -> BigInt,
        user_id -> BigInt,
        started_at -> BigInt,
        submitted_at -> Nullable<BigInt>,
        score -> Nullable<Double>,
        writable_until -> BigInt,
        closed_by_lead -> Bool,
    }
}

diesel::table! {
    answers (id) {
        id -> BigInt,
        attempt_id -> BigInt,
        item_id -> BigInt,
        body -> Text,
        time_spent_ms -> BigInt,
        updated_at -> BigInt,
        score -> Nullable<Double>,
        report_json -> Nullable<Text>,
        turns_json -> Nullable<Text>,
        rubric_bits -> Nullable<Integer>,
    }
}

diesel::joinable!(exam_items -> exams (exam_id));
diesel::joinable!(attempts -> exams (exam_id));
diesel::joinable!(attempts -> users (user_id));
diesel::joinable!(answers -> attempts (attempt_id));
diesel::joinable!(answers -> exam_items (item_id));
diesel::joinable!(mined_questions -> mined_clusters (cluster_id));
diesel::joinable!(mined_weeks -> mined_questions (question_id));
diesel::joinable!(mined_answers -> mined_questions (question_id));
diesel::joinable!(mined_replies -> mined_questions (question_id));
diesel::joinable!(review_rounds -> exams (exam_id));
diesel::joinable!(review_assignments -> review_rounds (round_id));
diesel::joinable!(review_assignments -> answers (answer_id));
diesel::joinable!(review_assignments -> users (reviewer_id));
diesel::joinable!(lead_grades -> answers (answer_id));
diesel::joinable!(review_comparisons -> review_rounds (round_id));
diesel::joinable!(appeals -> answers (answer_id));
diesel::joinable!(review_calibrations -> review_rounds (round_id));
diesel::joinable!(review_calibrations -> answers (answer_id));

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(scripts -> questions (question_id));
diesel::joinable!(script_versions -> scripts (script_id));
diesel::joinable!(script_alternates -> scripts (script_id));

diesel::table! {
    scoring_weights (id) {
        id -> BigInt,
        model_json -> Nullable<Text>,
        chosen_by -> BigInt,
        chosen_at -> BigInt,
    }
}

diesel::table! {
    question_links (id) {
        id -> BigInt,
        kind -> Text,
        a_text -> Text,
        b_text -> Text,
        made_by -> BigInt,
        made_at -> BigInt,
    }
}

diesel::table! {
    chat_conversations (id) {
        id -> BigInt,
        import_id -> BigInt,
        conversation -> Text,
        agent -> Nullable<Text>,
        customer -> Nullable<Text>,
        cluster_id -> Nullable<BigInt>,
        started_at -> BigInt,
        week -> Text,
        handling_s -> BigInt,
        first_response_s -> Nullable<BigInt>,
        waits -> BigInt,
        waited_s -> BigInt,
        repeated -> Bool,
        csat -> Nullable<BigInt>,
        nps -> Nullable<BigInt>,
    }
}

diesel::table! {
    chat_promises (id) {
        id -> BigInt,
        import_id -> BigInt,
        conversation -> Text,
        agent -> Nullable<Text>,
        said_at -> BigInt,
        day -> Text,
        text -> Text,
        words -> Text,
        kept_by -> Nullable<BigInt>,
        kept_at -> Nullable<BigInt>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    users,
    login_throttle,
    sessions,
    api_tokens,
    featured_products,
    library_version,
    review_version,
    script_alternates,
    round_incumbents,
    questions,
    exams,
    exam_items,
    attempts,
    answers,
    chat_imports,
    chat_conversations,
    chat_promises,
    mined_clusters,
    mined_questions,
    mined_weeks,
    mined_answers,
    mined_replies,
    review_rounds,
    review_assignments,
    lead_grades,
    review_calibrations,
    review_rubrics,
    review_comparisons,
    appeals,
    scripts,
    script_versions,
    scoring_weights,
    question_links,
    cohorts,
    cohort_exams,
    enrolments,
    week_exceptions,
);

diesel::table! {
    cohorts (id) {
        id -> BigInt,
        name -> Text,
        program_slug -> Text,
        plan_json -> Text,
        starts_on -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    cohort_exams (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        week -> Integer,
        exam_id -> BigInt,
    }
}

diesel::table! {
    enrolments (id) {
        id -> BigInt,
        user_id -> BigInt,
        cohort_id -> BigInt,
        enrolled_by -> BigInt,
        enrolled_at -> BigInt,
    }
}

diesel::table! {
    week_exceptions (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        user_id -> BigInt,
        week -> Integer,
        reason -> Text,
        granted_by -> BigInt,
        granted_at -> BigInt,
    }
}

diesel::joinable!(cohort_exams -> cohorts (cohort_id));
diesel::joinable!(cohort_exams -> exams (exam_id));
diesel::joinable!(enrolments -> cohorts (cohort_id));
diesel::joinable!(enrolments -> users (user_id));

diesel::table! {
    scripts (id) {
        id -> BigInt,
        question_id -> BigInt,
        owner_id -> Nullable<BigInt>,
        review_by -> Nullable<BigInt>,
        created_at -> BigInt,
        shortcut -> Nullable<Text>,
        flagged_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    script_versions (id) {
        id -> BigInt,
        script_id -> BigInt,
        n -> Integer,
        text -> Text,
        answer_id -> Nullable<BigInt>,
        author_id -> Nullable<BigInt>,
        exam_id -> Nullable<BigInt>,
        automatic_score -> Nullable<Double>,
        final_score -> Nullable<Double>,
        edited -> Bool,
        note -> Text,
        approved_by -> BigInt,
        approved_at -> BigInt,
    }
}

diesel::table! {
    chat_imports (id) {
        id -> BigInt,
        content_hash -> Text,
        file_name -> Text,
        status -> Text,
        bytes_total -> BigInt,
        bytes_read -> BigInt,
        report_json -> Text,
        imported_by -> Nullable<BigInt>,
        started_at -> BigInt,
        heartbeat_at -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    mined_clusters (id) {
        id -> BigInt,
        representative -> Text,
        title -> Nullable<Text>,
        scene -> Nullable<Text>,
        category -> Nullable<Text>,
        department -> Text,
        scene_set -> Nullable<Text>,
        category_set -> Nullable<Text>,
        department_set -> Nullable<Text>,
        asked -> BigInt,
        first_seen -> Nullable<Text>,
        last_seen -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    mined_questions (id) {
        id -> BigInt,
        cluster_id -> BigInt,
        text -> Text,
        asked -> BigInt,
        first_seen -> Nullable<Text>,
        last_seen -> Nullable<Text>,
    }
}

diesel::table! {
    mined_weeks (question_id, week) {
        question_id -> BigInt,
        week -> Text,
        asked -> BigInt,
    }
}

diesel::table! {
    mined_answers (id) {
        id -> BigInt,
        question_id -> BigInt,
        body -> Text,
    }
}

diesel::table! {
    mined_replies (id) {
        id -> BigInt,
        question_id -> BigInt,
        import_id -> BigInt,
        body -> Text,
    }
}

diesel::table! {
    review_rounds (id) {
        id -> BigInt,
        exam_id -> BigInt,
        k -> Integer,
        seed -> BigInt,
        rubric_json -> Text,
        due_at -> BigInt,
        created_by -> BigInt,
        created_at -> BigInt,
        weights_json -> Text,
    }
}

diesel::table! {
    review_assignments (id) {
        id -> BigInt,
        round_id -> BigInt,
        answer_id -> BigInt,
        reviewer_id -> BigInt,
        marks_json -> Nullable<Text>,
        score -> Nullable<Double>,
        comment -> Nullable<Text>,
        submitted_at -> Nullable<BigInt>,
        due_at -> Nullable<BigInt>,
        reassigned_from -> Nullable<BigInt>,
    }
}

diesel::table! {
    lead_grades (id) {
        id -> BigInt,
        answer_id -> BigInt,
        grader_id -> BigInt,
        rubric_json -> Text,
        marks_json -> Text,
        score -> Double,
        reason -> Text,
        calibration -> Bool,
        graded_at -> BigInt,
    }
}

diesel::table! {
    review_comparisons (id) {
        id -> BigInt,
        round_id -> BigInt,
        reviewer_id -> BigInt,
        answer_a -> BigInt,
        answer_b -> BigInt,
        winner -> Nullable<BigInt>,
        submitted_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    review_calibrations (id) {
        id -> BigInt,
        round_id -> BigInt,
        reviewer_id -> BigInt,
        answer_id -> BigInt,
        first_marks_json -> Text,
        first_score -> Double,
        tries -> Integer,
        passed_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    review_rubrics (id) {
        id -> BigInt,
        version -> Integer,
        rubric_json -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        answer_id -> BigInt,
        user_id -> BigInt,
        reason -> Text,
        better_answer -> Nullable<Text>,
        status -> Text,
        decision -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        created_at -> BigInt,
        decided_at -> Nullable<BigInt>,
    }
}
