//! Portable diesel schema, hand-written: the same for SQLite and PostgreSQL (see migrations/*).
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

diesel::joinable!(survey_versions -> surveys (survey_id));
diesel::joinable!(responses -> surveys (survey_id));
diesel::joinable!(invitations -> surveys (survey_id));
diesel::allow_tables_to_appear_in_same_query!(surveys, survey_versions, responses, invitations, quota_counts);
