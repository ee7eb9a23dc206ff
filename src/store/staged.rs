//! Definitions uploaded on the workbench and kept for preview until they are stored or discarded
//! (`staged_definitions`). Validation and the rules of staging are `catalog::workbench`'s.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::audit::{record_on, AuditEvent};
use super::schema::staged_definitions;
use super::{Store, StoreError};

/// A definition uploaded and validated, waiting for preview and confirmation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = staged_definitions)]
pub struct Staged {
    pub id: String,
    pub slug: String,
    pub source: String,
    pub source_name: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl Store {
    pub fn insert_staged(&self, row: &Staged) -> Result<(), StoreError> {
        diesel::insert_into(staged_definitions::table)
            .values(row)
            .execute(&mut *self.writer()?)?;
        Ok(())
    }

    /// Drops the uploads staged before `before`.
    pub fn delete_staged_before(&self, before: NaiveDateTime) -> Result<usize, StoreError> {
        Ok(
            diesel::delete(staged_definitions::table.filter(staged_definitions::created_at.lt(before)))
                .execute(&mut *self.writer()?)?,
        )
    }

    pub fn staged(&self, id: &str) -> Result<Option<Staged>, StoreError> {
        Ok(staged_definitions::table
            .filter(staged_definitions::id.eq(id))
            .select(Staged::as_select())
            .first(&mut *self.reader()?)
            .optional()?)
    }

    /// Removes an upload (stored or discarded) and records why.
    pub fn delete_staged(&self, id: &str, audit: &AuditEvent<'_>) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<(), StoreError> {
            diesel::delete(staged_definitions::table.filter(staged_definitions::id.eq(id))).execute(c)?;
            record_on(c, audit)
        })
    }
}
