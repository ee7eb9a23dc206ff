//! Diesel schema of the staff tables (migration `2026-11-29-000003_auth`, same for SQLite and PostgreSQL).
//! Kept here rather than in `store::schema` so the accounts code owns its tables; none is joined with the
//! survey tables in a query.

diesel::table! {
    users (id) {
        id -> Text,
        login -> Text,
        password_hash -> Text,
        role -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        attempt_key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        survey_slug -> Nullable<Text>,
        survey_version -> Nullable<Integer>,
        detail -> Text,
    }
}

diesel::table! {
    staged_definitions (id) {
        id -> Text,
        slug -> Text,
        source -> Text,
        source_name -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    populations (path) {
        path -> Text,
        name -> Text,
        source -> Text,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    result_access (user_id, survey_id) {
        user_id -> Text,
        survey_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions);
