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
    login_failures (username) {
        username -> Text,
        failures -> Integer,
        last_failed_at -> BigInt,
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
    }
}

diesel::joinable!(exam_items -> exams (exam_id));
diesel::joinable!(attempts -> exams (exam_id));
diesel::joinable!(attempts -> users (user_id));
diesel::joinable!(answers -> attempts (attempt_id));
diesel::joinable!(answers -> exam_items (item_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    login_failures,
    questions,
    exams,
    exam_items,
    attempts,
    answers,
);
