//! The audit log: every staff action that changes something (imports, opening and closing, publishing
//! results, populations, user changes, logins), with who, what, when and which survey/version.
//! Entries are only ever added. Changes that other store functions make together with their entry take
//! the entry as an argument and write it in their own transaction (`record_on`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use super::schema::audit_log;
use super::{now, AnyConnection, Store, StoreError};

/// The actor of changes made by the system itself (automatic close at the `closes` date).
pub const SYSTEM: &str = "system";

/// An entry to add.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    pub actor: &'a str,
    /// Dotted verb, e.g. `survey.open`, `results.publish`, `user.add`.
    pub action: &'a str,
    pub survey_slug: Option<&'a str>,
    pub survey_version: Option<i32>,
    pub detail: String,
}

/// An entry as stored.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub survey_slug: Option<String>,
    pub survey_version: Option<i32>,
    pub detail: String,
}

/// Adds an entry on a given connection (inside the transaction of the change it records).
pub(super) fn record_on(conn: &mut AnyConnection, e: &AuditEvent<'_>) -> Result<(), StoreError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(Uuid::now_v7().to_string()),
            audit_log::at.eq(now()),
            audit_log::actor.eq(e.actor),
            audit_log::action.eq(e.action),
            audit_log::survey_slug.eq(e.survey_slug),
            audit_log::survey_version.eq(e.survey_version),
            audit_log::detail.eq(&e.detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds an entry on its own.
pub fn record(store: &Store, e: &AuditEvent<'_>) -> Result<(), StoreError> {
    record_on(&mut *store.writer()?, e)
}

/// Filter for reading the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub survey_slug: Option<String>,
    pub actor: Option<String>,
    pub limit: i64,
}

/// The newest entries first (at most 500 when the filter sets no limit).
pub fn list(store: &Store, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
    let mut q = audit_log::table.into_boxed();
    if let Some(s) = &f.survey_slug {
        q = q.filter(audit_log::survey_slug.eq(s.clone()));
    }
    if let Some(a) = &f.actor {
        q = q.filter(audit_log::actor.eq(a.clone()));
    }
    let limit = if f.limit <= 0 { 500 } else { f.limit };
    Ok(q.order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(&mut *store.reader()?)?)
}
