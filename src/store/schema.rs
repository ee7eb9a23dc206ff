//! Portable diesel schema, hand-written: the same for SQLite and PostgreSQL (see migrations/*). The one
//! schema of the crate: the survey tables, and the staff tables of migration `2026-11-29-000003_auth`
//! (accounts, sessions, login attempts, the audit log, staged uploads, population files, result access),
//! and the quality reviews and first-page opens of migration `2026-12-05-030000_quality`.
//! UUIDs, definitions and answers are stored as text so both backends share one code path.

diesel::table! {
    surveys (id) {
        id -> Text,
        slug -> Text,
        status -> Text,
        results_published -> Bool,
        current_version -> Integer,
        topic -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    survey_versions (id) {
        id -> Text,
        survey_id -> Text,
        version -> Integer,
        definition -> Text,
        population -> Nullable<Text>,
        source -> Text,
        source_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    responses (id) {
        id -> Text,
        survey_id -> Text,
        version -> Integer,
        respondent_key -> Text,
        state -> Text,
        language -> Text,
        page_reached -> Integer,
        answers -> Text,
        meta -> Text,
        started_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        duration_seconds -> Nullable<Double>,
        codes -> Nullable<Binary>,
    }
}

diesel::table! {
    invitations (token_hash) {
        token_hash -> Text,
        survey_id -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    quota_counts (survey_id, quota_key) {
        survey_id -> Text,
        quota_key -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

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

diesel::table! {
    response_reviews (response_id) {
        response_id -> Text,
        survey_id -> Text,
        decision -> Text,
        reason -> Text,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    codebooks (survey_id, question_id, version) {
        survey_id -> Text,
        question_id -> Text,
        version -> Integer,
        codebook -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    codings (response_id, question_id, round) {
        response_id -> Text,
        survey_id -> Text,
        question_id -> Text,
        round -> Integer,
        codes -> Text,
        coder -> Text,
        coded_at -> Timestamp,
    }
}

diesel::table! {
    survey_opens (survey_id, channel) {
        survey_id -> Text,
        channel -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    quotes (response_id, question_id) {
        response_id -> Text,
        survey_id -> Text,
        question_id -> Text,
        code -> Text,
        masked -> Text,
        published_by -> Text,
        published_at -> Timestamp,
    }
}

diesel::joinable!(survey_versions -> surveys (survey_id));
diesel::joinable!(responses -> surveys (survey_id));
diesel::joinable!(invitations -> surveys (survey_id));
diesel::allow_tables_to_appear_in_same_query!(surveys, survey_versions, responses, invitations, quota_counts);
diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions);

diesel::table! {
    indicator_alerts (id) {
        id -> Text,
        indicator -> Text,
        district -> Text,
        survey -> Text,
        wave -> Text,
        value -> Double,
        ci_low -> Double,
        ci_high -> Double,
        source -> Text,
        reasons -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (alert_id, url) {
        alert_id -> Text,
        url -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> indicator_alerts (alert_id));
diesel::allow_tables_to_appear_in_same_query!(indicator_alerts, webhook_deliveries);
