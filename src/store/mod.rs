//! Persistence: every SQL statement of the crate, on SQLite or PostgreSQL. Surveys and their immutable
//! versions here; responses, invitations and quotas in [`responses`] (written by the group-commit
//! [`writer`]); staff accounts, sessions, login attempts, the audit log, staged uploads, population files
//! and result access in their own modules. One diesel [`schema`]. Nothing here knows HTTP: callers decide
//! policy (`auth`, `catalog`) and map [`StoreError`] to their answers.
//!
//! All functions are blocking (diesel is synchronous); web handlers call them through `web::block` so they
//! never run on the async executor's threads. SQLite gets a single writer connection (several writers only
//! queue on the database lock with backoff sleeps, measured in `shared/stack.md`) and a pool of readers.

pub mod alerts;
pub mod audit;
mod batch_insert;
pub mod batches;
pub mod codes;
pub mod coding;
mod conn;
mod error_kind;
pub mod import;
mod import_sqlite;
pub mod login_attempts;
pub mod lookups;
pub mod monitor;
pub mod populations;
pub mod quality;
pub mod responses;
pub mod result_access;
pub mod schema;
pub mod sessions;
pub mod staged;
mod summary_rows;
pub mod users;
pub mod writer;

use std::time::Duration;

use chrono::{NaiveDateTime, Timelike, Utc};
use diesel::prelude::*;
use diesel::r2d2::Pool;
use serde::Serialize;
use uuid::Uuid;

pub use conn::{AnyConnection, AnyManager, DbConn, DbPool};
pub use error_kind::StoreErrorKind;
pub use summary_rows::CodedResponse;

use crate::config::DatabaseUrl;
use schema::{invitations, survey_versions, surveys};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("the database is busy or unavailable, try again: {0}")]
    Unavailable(String),
    #[error("no survey with slug '{0}'")]
    UnknownSurvey(String),
    #[error("survey '{slug}' has no version {version}")]
    UnknownVersion { slug: String, version: i32 },
    #[error("survey '{slug}' cannot go from {from} to {to}")]
    BadTransition { slug: String, from: String, to: String },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// Lifecycle of a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "draft" => Ok(Status::Draft),
            "open" => Ok(Status::Open),
            "closed" => Ok(Status::Closed),
            other => Err(StoreError::Corrupt(format!("unknown survey status '{other}'"))),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = surveys)]
pub struct SurveyRow {
    pub id: String,
    pub slug: String,
    pub status: String,
    pub results_published: bool,
    pub current_version: i32,
    pub topic: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl SurveyRow {
    pub fn status(&self) -> Result<Status, StoreError> {
        Status::parse(&self.status)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = survey_versions)]
pub struct VersionRow {
    pub id: String,
    pub survey_id: String,
    pub version: i32,
    /// The validated definition as JSON (`definition::Definition`).
    pub definition: String,
    /// The population the survey is weighted to, resolved at import (JSON `weighting::Population`).
    pub population: Option<String>,
    /// The YAML as the sociologist wrote it.
    pub source: String,
    pub source_name: String,
    pub created_at: NaiveDateTime,
}

/// A response as stored. `answers` is one JSON object per response (question id → compact value, see
/// `definition::answer`), not a row per answer: a survey's complete responses then load with one indexed
/// scan of one table and one JSON parse per respondent, which is what aggregation of a million responses
/// needs; versions with different questions coexist without schema changes.
// `None` is written as NULL (the nullable columns have no defaults), which lets SQLite insert many rows in
// one statement (`import::ImportSink`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = schema::responses, treat_none_as_default_value = false)]
pub struct ResponseRow {
    pub id: String,
    pub survey_id: String,
    pub version: i32,
    /// SHA-256 of the respondent's anonymous cookie or invitation token, never the raw value.
    pub respondent_key: String,
    pub state: String,
    pub language: String,
    pub page_reached: i32,
    pub answers: String,
    pub meta: String,
    pub started_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub duration_seconds: Option<f64>,
    /// The coded form of a complete response's answers ([`codes`]); `None` for partial responses, rows
    /// written before it existed, and answers that do not fit their version exactly.
    pub codes: Option<Vec<u8>>,
}

/// What a new import brought.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub slug: String,
    pub survey_id: String,
    pub version: i32,
    pub created_survey: bool,
}

/// A new survey version to store.
pub struct NewVersion<'a> {
    pub slug: &'a str,
    pub topic: &'a str,
    pub definition_json: &'a str,
    pub population_json: Option<&'a str>,
    pub source: &'a str,
    pub source_name: &'a str,
}

/// Current UTC time truncated to microseconds, so values round-trip through both backends unchanged.
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// Handle to the database: cheap to clone, shared by all workers.
#[derive(Clone)]
pub struct Store {
    read: DbPool,
    write: DbPool,
    sqlite: bool,
}

impl Store {
    /// Opens (creating if needed) the database and applies the embedded migrations.
    pub fn open(url: &DatabaseUrl) -> Result<Self, StoreError> {
        let sqlite = matches!(url, DatabaseUrl::Sqlite(_));
        let write = build_pool(url, if sqlite { 1 } else { 16 })?;
        write.get()?.apply_migrations()?;
        let read = if sqlite { build_pool(url, 8)? } else { write.clone() };
        Ok(Store { read, write, sqlite })
    }

    pub fn is_sqlite(&self) -> bool {
        self.sqlite
    }

    pub fn reader(&self) -> Result<DbConn, StoreError> {
        Ok(self.read.get()?)
    }

    pub fn writer(&self) -> Result<DbConn, StoreError> {
        Ok(self.write.get()?)
    }

    /// Cheap liveness check of the database.
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::connection::SimpleConnection;
        self.reader()?.batch_execute("SELECT 1")?;
        Ok(())
    }

    pub fn survey_count(&self) -> Result<i64, StoreError> {
        Ok(surveys::table.count().get_result(&mut *self.reader()?)?)
    }

    /// Stores a new version of the survey `slug` (creating the survey as a draft if it is new). Versions
    /// are numbered 1, 2, … and never change once stored. Concurrent imports of one slug are serialized by
    /// the unique (survey, version) key: the loser of a race retries with the next number.
    pub fn import_version(&self, v: &NewVersion<'_>) -> Result<Imported, StoreError> {
        let mut conn = self.writer()?;
        let mut last_err = None;
        for _ in 0..8 {
            match conn.write_transaction(|c| insert_version(c, v)) {
                Ok(done) => return Ok(done),
                Err(StoreError::Query(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    info,
                ))) => last_err = Some(info.message().to_owned()),
                Err(e) => return Err(e),
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Err(StoreError::Unavailable(format!(
            "could not store a new version of '{}' after repeated conflicts: {}",
            v.slug,
            last_err.unwrap_or_default()
        )))
    }

    pub fn list_surveys(&self) -> Result<Vec<SurveyRow>, StoreError> {
        Ok(surveys::table
            .order(surveys::slug.asc())
            .select(SurveyRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    pub fn find_survey(&self, slug: &str) -> Result<SurveyRow, StoreError> {
        surveys::table
            .filter(surveys::slug.eq(slug))
            .select(SurveyRow::as_select())
            .first(&mut *self.reader()?)
            .optional()?
            .ok_or_else(|| StoreError::UnknownSurvey(slug.to_owned()))
    }

    /// The given version of a survey, or its current one.
    pub fn version(&self, slug: &str, version: Option<i32>) -> Result<(SurveyRow, VersionRow), StoreError> {
        let survey = self.find_survey(slug)?;
        let wanted = version.unwrap_or(survey.current_version);
        let row = survey_versions::table
            .filter(survey_versions::survey_id.eq(&survey.id))
            .filter(survey_versions::version.eq(wanted))
            .select(VersionRow::as_select())
            .first(&mut *self.reader()?)
            .optional()?
            .ok_or_else(|| StoreError::UnknownVersion {
                slug: slug.to_owned(),
                version: wanted,
            })?;
        Ok((survey, row))
    }

    /// All versions of a survey, oldest first.
    pub fn versions(&self, slug: &str) -> Result<Vec<VersionRow>, StoreError> {
        let survey = self.find_survey(slug)?;
        Ok(survey_versions::table
            .filter(survey_versions::survey_id.eq(&survey.id))
            .order(survey_versions::version.asc())
            .select(VersionRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// Moves a survey along draft → open → closed (a closed survey may be reopened).
    pub fn set_status(&self, slug: &str, to: Status) -> Result<SurveyRow, StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| {
            let survey: SurveyRow = surveys::table
                .filter(surveys::slug.eq(slug))
                .select(SurveyRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| StoreError::UnknownSurvey(slug.to_owned()))?;
            let from = survey.status()?;
            let allowed = matches!(
                (from, to),
                (Status::Draft, Status::Open) | (Status::Open, Status::Closed) | (Status::Closed, Status::Open)
            ) || from == to;
            if !allowed {
                return Err(StoreError::BadTransition {
                    slug: slug.to_owned(),
                    from: from.as_str().to_owned(),
                    to: to.as_str().to_owned(),
                });
            }
            diesel::update(surveys::table.filter(surveys::id.eq(&survey.id)))
                .set((surveys::status.eq(to.as_str()), surveys::updated_at.eq(now())))
                .execute(c)?;
            Ok(SurveyRow {
                status: to.as_str().to_owned(),
                ..survey
            })
        })
    }

    /// The surveys with a status, by slug.
    pub fn surveys_with_status(&self, status: Status) -> Result<Vec<SurveyRow>, StoreError> {
        Ok(surveys::table
            .filter(surveys::status.eq(status.as_str()))
            .order(surveys::slug.asc())
            .select(SurveyRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// Closes a survey if it is open, with a conditional update (`… WHERE status = 'open'`), so that of
    /// several instances doing it at once only one changes the row; that one also writes `audit`. Returns
    /// whether this call closed it.
    pub fn close_if_open(&self, survey_id: &str, audit: &audit::AuditEvent<'_>) -> Result<bool, StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<bool, StoreError> {
            let n = diesel::update(
                surveys::table
                    .filter(surveys::id.eq(survey_id))
                    .filter(surveys::status.eq(Status::Open.as_str())),
            )
            .set((
                surveys::status.eq(Status::Closed.as_str()),
                surveys::updated_at.eq(now()),
            ))
            .execute(c)?;
            if n == 1 {
                audit::record_on(c, audit)?;
            }
            Ok(n == 1)
        })
    }

    pub fn set_results_published(&self, slug: &str, published: bool) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        let n = diesel::update(surveys::table.filter(surveys::slug.eq(slug)))
            .set((surveys::results_published.eq(published), surveys::updated_at.eq(now())))
            .execute(&mut *conn)?;
        if n == 0 {
            return Err(StoreError::UnknownSurvey(slug.to_owned()));
        }
        Ok(())
    }

    /// Response counts by state for a survey. The states are named so that the `(state, survey_id)` index
    /// answers it without reading the rows.
    pub fn response_counts(&self, survey_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        use self::responses::{COMPLETE, PARTIAL, SCREENED_OUT};
        use schema::responses;
        Ok(responses::table
            .filter(responses::state.eq_any([PARTIAL, COMPLETE, SCREENED_OUT]))
            .filter(responses::survey_id.eq(survey_id))
            .group_by(responses::state)
            .select((responses::state, diesel::dsl::count_star()))
            .load(&mut *self.reader()?)?)
    }

    /// Complete responses of a survey (all versions), in submission order.
    pub fn complete_responses(&self, survey_id: &str) -> Result<Vec<ResponseRow>, StoreError> {
        use schema::responses;
        Ok(responses::table
            .filter(responses::survey_id.eq(survey_id))
            .filter(responses::state.eq("complete"))
            .order((responses::submitted_at.asc(), responses::id.asc()))
            .select(ResponseRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// Stores new invitation token hashes for a survey.
    pub fn add_invitations(&self, survey_id: &str, token_hashes: &[String]) -> Result<(), StoreError> {
        let at = now();
        let rows: Vec<_> = token_hashes
            .iter()
            .map(|h| {
                (
                    invitations::token_hash.eq(h.as_str()),
                    invitations::survey_id.eq(survey_id),
                    invitations::created_at.eq(at),
                )
            })
            .collect();
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<(), StoreError> {
            for chunk in rows.chunks(500) {
                crate::dispatch!(c, |c| diesel::insert_into(invitations::table).values(chunk).execute(c))?;
            }
            Ok(())
        })
    }
}

fn build_pool(url: &DatabaseUrl, size: u32) -> Result<DbPool, StoreError> {
    // Connections open on demand (min_idle 1): many stores on one PostgreSQL (tests, several instances)
    // must not each hold a full pool of idle server connections.
    // A pooled PostgreSQL connection is checked before use (without a round trip, `AnyManager::is_valid`),
    // so one broken by a server restart is replaced; a SQLite connection is a file handle that cannot break that way, and the check cost a
    // statement parse per request (measured with the load example).
    Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .test_on_check_out(matches!(url, DatabaseUrl::Postgres(_)))
        .connection_timeout(Duration::from_secs(10))
        .build(AnyManager(url.clone()))
        .map_err(|e| StoreError::Connect(e.to_string()))
}

fn insert_version(c: &mut AnyConnection, v: &NewVersion<'_>) -> Result<Imported, StoreError> {
    let at = now();
    let existing: Option<SurveyRow> = surveys::table
        .filter(surveys::slug.eq(v.slug))
        .select(SurveyRow::as_select())
        .first(c)
        .optional()?;
    let (survey_id, created) = match existing {
        Some(s) => (s.id, false),
        None => {
            let row = SurveyRow {
                id: Uuid::now_v7().to_string(),
                slug: v.slug.to_owned(),
                status: Status::Draft.as_str().to_owned(),
                results_published: false,
                current_version: 0,
                topic: v.topic.to_owned(),
                created_at: at,
                updated_at: at,
            };
            diesel::insert_into(surveys::table).values(&row).execute(c)?;
            (row.id, true)
        }
    };
    let latest: Option<i32> = survey_versions::table
        .filter(survey_versions::survey_id.eq(&survey_id))
        .select(diesel::dsl::max(survey_versions::version))
        .first(c)?;
    let version = latest.unwrap_or(0) + 1;
    let row = VersionRow {
        id: Uuid::now_v7().to_string(),
        survey_id: survey_id.clone(),
        version,
        definition: v.definition_json.to_owned(),
        population: v.population_json.map(str::to_owned),
        source: v.source.to_owned(),
        source_name: v.source_name.to_owned(),
        created_at: at,
    };
    diesel::insert_into(survey_versions::table).values(&row).execute(c)?;
    diesel::update(surveys::table.filter(surveys::id.eq(&survey_id)))
        .set((
            surveys::current_version.eq(version),
            surveys::topic.eq(v.topic),
            surveys::updated_at.eq(at),
        ))
        .execute(c)?;
    Ok(Imported {
        slug: v.slug.to_owned(),
        survey_id,
        version,
        created_survey: created,
    })
}
