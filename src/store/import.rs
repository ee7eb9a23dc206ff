//! Imports of complete responses (`opros responses import`) streamed into one transaction: the caller
//! reads and validates its file row by row and pushes each row into an [`ImportSink`], which inserts
//! them in batches (SQLite: multi-row `INSERT`s of a fixed number of rows, one statement prepared once
//! for the whole import, [`super::import_sqlite`]; PostgreSQL: `COPY … FROM STDIN` in the binary
//! format). Quota counts are added once per cell at the end, not per row. Whatever the caller returns
//! decides: an error anywhere (a bad row far down the file) rolls everything back.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::schema::{quota_counts, responses};
use super::{AnyConnection, ResponseRow, Store, StoreError};

/// Rows per SQLite insert statement ([`super::import_sqlite`]).
const ROWS_PER_INSERT: usize = super::import_sqlite::FULL;

/// Rows per PostgreSQL `COPY`: each is one round trip with the server, its data built in memory first
/// (a few MB).
const ROWS_PER_COPY: usize = 5_000;

/// Where imported rows go, inside the import's transaction.
pub struct ImportSink<'c> {
    conn: &'c mut AnyConnection,
    pending: Vec<ResponseRow>,
    /// Responses per quota cell, added to `quota_counts` at the end.
    quotas: BTreeMap<(String, String), i64>,
    stored: usize,
    /// Rows inserted together ([`ROWS_PER_INSERT`] or [`ROWS_PER_COPY`]).
    batch: usize,
}

impl ImportSink<'_> {
    /// Adds a response, counted towards its quota cells (without a limit: answers collected elsewhere are
    /// never refused).
    pub fn push(&mut self, row: ResponseRow, quota_keys: Vec<String>) -> Result<(), StoreError> {
        for k in quota_keys {
            *self.quotas.entry((row.survey_id.clone(), k)).or_insert(0) += 1;
        }
        self.pending.push(row);
        if self.pending.len() >= self.batch {
            self.flush()?;
        }
        Ok(())
    }

    /// Responses pushed so far.
    pub fn count(&self) -> usize {
        self.stored + self.pending.len()
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let inserted = match &mut *self.conn {
            AnyConnection::Sqlite(c) => super::import_sqlite::insert_rows(c, &self.pending)?,
            AnyConnection::Postgresql(pg) => diesel::copy_from(responses::table)
                .from_insertable(&self.pending)
                .execute(pg)?,
        };
        if inserted != self.pending.len() {
            return Err(StoreError::Corrupt(format!(
                "{} of {} imported responses clashed with stored ones (same id)",
                self.pending.len() - inserted,
                self.pending.len()
            )));
        }
        self.stored += inserted;
        self.pending.clear();
        Ok(())
    }

    /// Inserts what is pending and adds the quota counts.
    fn finish(mut self) -> Result<usize, StoreError> {
        self.flush()?;
        for ((survey_id, key), n) in std::mem::take(&mut self.quotas) {
            add_to_quota(self.conn, &survey_id, &key, n)?;
        }
        Ok(self.stored)
    }
}

fn add_to_quota(c: &mut AnyConnection, survey_id: &str, key: &str, n: i64) -> Result<(), StoreError> {
    crate::dispatch!(c, |c| diesel::insert_into(quota_counts::table)
        .values((
            quota_counts::survey_id.eq(survey_id),
            quota_counts::quota_key.eq(key),
            quota_counts::n.eq(0i64),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    diesel::update(
        quota_counts::table
            .filter(quota_counts::survey_id.eq(survey_id))
            .filter(quota_counts::quota_key.eq(key)),
    )
    .set(quota_counts::n.eq(quota_counts::n + n))
    .execute(c)?;
    Ok(())
}

/// An import's failure: the store's, or the caller's (a bad row).
enum Failure<E> {
    Store(StoreError),
    Caller(E),
}

impl<E> From<diesel::result::Error> for Failure<E> {
    fn from(e: diesel::result::Error) -> Self {
        Failure::Store(e.into())
    }
}

impl Store {
    /// Runs `fill` with a sink inside one write transaction; commits only when `fill` succeeds. Returns
    /// what `fill` returned and the number of responses stored.
    pub fn import_streaming<T, E: From<StoreError>>(
        &self,
        fill: impl FnOnce(&mut ImportSink<'_>) -> Result<T, E>,
    ) -> Result<(T, usize), E> {
        let mut w = self.writer().map_err(E::from)?;
        let done = w.write_transaction(|c| -> Result<(T, usize), Failure<E>> {
            let batch = match c {
                AnyConnection::Sqlite(_) => ROWS_PER_INSERT,
                AnyConnection::Postgresql(_) => ROWS_PER_COPY,
            };
            let mut sink = ImportSink {
                conn: c,
                pending: Vec::with_capacity(batch),
                quotas: BTreeMap::new(),
                stored: 0,
                batch,
            };
            let value = fill(&mut sink).map_err(Failure::Caller)?;
            let n = sink.finish().map_err(Failure::Store)?;
            Ok((value, n))
        });
        done.map_err(|f| match f {
            Failure::Store(e) => E::from(e),
            Failure::Caller(e) => e,
        })
    }

    /// Stores imported complete responses all-or-nothing in one transaction; each counts towards its quota
    /// cells (without a limit: answers collected elsewhere are never refused).
    pub fn import_responses(&self, rows: &[(ResponseRow, Vec<String>)]) -> Result<usize, StoreError> {
        let ((), n) = self.import_streaming(|sink| -> Result<(), StoreError> {
            rows.iter().try_for_each(|(r, keys)| sink.push(r.clone(), keys.clone()))
        })?;
        Ok(n)
    }
}
