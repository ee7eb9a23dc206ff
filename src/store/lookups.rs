//! Grouped respondent lookups on PostgreSQL: one thread per process takes every form request's lookup
//! waiting at that moment (up to [`MAX_BATCH`]) and answers them with one statement, as the group-commit
//! writer ([`super::writer`]) does for writes. On PostgreSQL each statement is a network round trip and
//! costs the server more than the two index probes it runs (measured with the load example: grouping cut PostgreSQL's CPU per
//! submission from ≈ 108 to 74–80 µs in the load example). SQLite reads are in process and stay one per request
//! ([`Store::find_respondent`]).
//!
//! The statement is kept prepared ([`GroupedLookupQuery`]): planned on every batch, as a plain
//! `sql_query`, it cost PostgreSQL more per lookup than one prepared lookup per request (batches are small
//! at a few thousand requests per second: a round trip is shorter than the time between requests).

use std::collections::HashMap;
use std::sync::mpsc;
use std::thread;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use tokio::sync::oneshot;

use super::responses::{RespondentLookup, RespondentLookupQuery};
use super::{AnyConnection, ResponseRow, Store, StoreError};

/// Largest number of lookups in one statement.
pub const MAX_BATCH: usize = 256;

/// What a lookup finds: the respondent's response, and (for someone without one) whether their key is one
/// of the survey's invitations.
pub type Found = (Option<ResponseRow>, bool);

struct Job {
    survey_id: String,
    key_hash: String,
    reply: oneshot::Sender<Result<Found, StoreError>>,
}

/// Handle to the lookup thread; cheap to clone. The thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct Lookups {
    tx: mpsc::Sender<Job>,
}

impl Lookups {
    /// Starts the lookup thread of this process.
    pub fn start(store: Store) -> Lookups {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = thread::Builder::new()
            .name("opros-lookup".into())
            .spawn(move || run(&store, &rx));
        if let Err(e) = spawned {
            // Without a thread every lookup gets a clear "unavailable" (its reply is dropped).
            tracing::error!(error = %e, "cannot start the respondent lookup thread");
        }
        Lookups { tx }
    }

    /// The respondent of `key_hash` in the survey, looked up with whatever other lookups are waiting.
    pub async fn find(&self, survey_id: String, key_hash: String) -> Result<Found, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job {
                survey_id,
                key_hash,
                reply,
            })
            .map_err(|_| StoreError::Unavailable("the respondent lookup has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Unavailable("the respondent lookup stopped before answering".into()))?
    }
}

fn run(store: &Store, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let keys: Vec<(&str, &str)> = batch
            .iter()
            .map(|j| (j.survey_id.as_str(), j.key_hash.as_str()))
            .collect();
        match store.find_respondents(&keys) {
            Ok(found) => {
                for (job, found) in batch.into_iter().zip(found) {
                    let _ = job.reply.send(Ok(found));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for job in batch {
                    let _ = job.reply.send(Err(StoreError::Unavailable(msg.clone())));
                }
            }
        }
    }
}

/// The grouped lookup as a query type, so that diesel keeps it prepared. Each key probes the tables through
/// a LATERAL subquery: a plain join or EXISTS let PostgreSQL's generic plan, made while the tables were
/// small, hash a whole table per batch (the test forces a generic plan and checks for index probes).
pub(crate) struct GroupedLookupQuery<'a> {
    pub(crate) survey_ids: &'a [&'a str],
    pub(crate) key_hashes: &'a [&'a str],
}

/// The static identity diesel caches [`GroupedLookupQuery`]'s prepared statement under.
pub(crate) struct GroupedLookupId;

impl diesel::query_builder::QueryId for GroupedLookupQuery<'_> {
    type QueryId = GroupedLookupId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for GroupedLookupQuery<'_> {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql(
            "SELECT k.n, r.id, r.survey_id, r.version, r.respondent_key, r.state, r.language, r.page_reached, \
             r.answers, r.meta, r.started_at, r.updated_at, r.submitted_at, r.duration_seconds, r.codes, \
             i.invited IS NOT NULL AS invited \
             FROM unnest(",
        );
        out.push_bind_param::<Array<Text>, _>(&self.survey_ids)?;
        out.push_sql("::text[], ");
        out.push_bind_param::<Array<Text>, _>(&self.key_hashes)?;
        out.push_sql(
            "::text[]) WITH ORDINALITY AS k(sid, key, n) \
             LEFT JOIN LATERAL (SELECT * FROM responses x \
             WHERE x.survey_id = k.sid AND x.respondent_key = k.key LIMIT 1) r ON true \
             LEFT JOIN LATERAL (SELECT true AS invited FROM invitations y \
             WHERE y.token_hash = k.key AND y.survey_id = k.sid LIMIT 1) i ON true",
        );
        Ok(())
    }
}

/// The position of the key in the batch, then the columns of the single lookup.
impl diesel::query_builder::Query for GroupedLookupQuery<'_> {
    type SqlType = (
        BigInt,
        <RespondentLookupQuery<'static> as diesel::query_builder::Query>::SqlType,
    );
}

impl<Conn> RunQueryDsl<Conn> for GroupedLookupQuery<'_> {}

impl Store {
    /// [`Store::find_respondent`] for many (survey, key) pairs in one statement, answers in the same order.
    /// On SQLite it runs one lookup per pair.
    pub fn find_respondents(&self, keys: &[(&str, &str)]) -> Result<Vec<Found>, StoreError> {
        let mut c = self.reader()?;
        let AnyConnection::Postgresql(pg) = &mut *c else {
            drop(c);
            return keys.iter().map(|(s, k)| self.find_respondent(s, k)).collect();
        };
        let survey_ids: Vec<&str> = keys.iter().map(|(s, _)| *s).collect();
        let key_hashes: Vec<&str> = keys.iter().map(|(_, k)| *k).collect();
        let query = GroupedLookupQuery {
            survey_ids: &survey_ids,
            key_hashes: &key_hashes,
        };
        let rows: Vec<(i64, RespondentLookup)> = query.load(pg)?;
        // The key is unique per survey, so each position has exactly one row; place them by position.
        let mut by_position: HashMap<i64, Found> = rows.into_iter().map(|(n, r)| (n, r.found())).collect();
        (1..=keys.len() as i64)
            .map(|n| {
                by_position
                    .remove(&n)
                    .ok_or_else(|| StoreError::Corrupt("the grouped respondent lookup missed a key".into()))
            })
            .collect()
    }
}
