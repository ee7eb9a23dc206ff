//! Group commit: one writer thread per process takes every submission waiting at that moment (up to
//! [`MAX_BATCH`]), applies them in one transaction and answers each request only after COMMIT. One fsync
//! then serves many respondents (measured ~3× on SQLite and 4–5× on PostgreSQL versus a transaction per
//! request, `shared/stack.md` §5), and an acknowledged response survives a crash of the process.
//!
//! Quota and duplicate checks run inside that transaction (see [`super::responses`]), so they stay exact.
//! So does the survey's status: the form may show a page from a survey row cached for a second
//! (`catalog::SURVEY_ROW_TTL`), but a submission to a survey that is not open when its transaction runs is
//! refused here ([`Outcome::Closed`]); on PostgreSQL the survey row is read `FOR SHARE`, so a concurrent
//! close waits for the batch to commit. When a batch fails as a whole, its submissions are retried one
//! transaction each, so one bad submission cannot fail the others.

use std::collections::HashSet;
use std::sync::mpsc;
use std::thread;

use diesel::prelude::*;
use tokio::sync::oneshot;

use super::responses::{apply_batch, Outcome, Submission};
use super::schema::surveys;
use super::{AnyConnection, Status, Store, StoreError};

/// Largest number of submissions in one transaction.
pub const MAX_BATCH: usize = 256;

struct Job {
    submission: Submission,
    reply: oneshot::Sender<Result<Outcome, StoreError>>,
}

/// What the writer thread receives: a submission, or a flush barrier answered once everything queued
/// before it is committed (the channel is FIFO). Submissions are moved in unboxed: one per request, and
/// a flush is rare, so the size difference costs nothing while a box would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Msg {
    Write(Job),
    Flush(mpsc::Sender<()>),
    /// A first-page open to count (`store::quality`): written with the next batch, never acknowledged.
    Open(Open),
}

/// A new respondent shown a survey's first page through a channel.
pub(super) struct Open {
    pub(super) survey_id: String,
    pub(super) channel: String,
}

/// Handle to the writer thread; cheap to clone. The thread ends (after finishing what it has) when the
/// last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Msg>,
}

impl Writer {
    /// Starts the writer thread of this process.
    pub fn start(store: Store) -> Writer {
        let (tx, rx) = mpsc::channel::<Msg>();
        let spawned = thread::Builder::new()
            .name("opros-writer".into())
            .spawn(move || run(store, rx));
        if let Err(e) = spawned {
            // Without a thread every submission gets a clear "unavailable" (its reply is dropped).
            tracing::error!(error = %e, "cannot start the response writer thread");
        }
        Writer { tx }
    }

    /// Queues a submission and waits (without blocking the executor) until it is committed.
    pub async fn submit(&self, submission: Submission) -> Result<Outcome, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Write(Job { submission, reply }))
            .map_err(|_| StoreError::Unavailable("the response writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Unavailable("the response writer stopped before saving".into()))?
    }

    /// Counts a first-page open, without waiting: it is written in the transaction of the batch it joins
    /// (no transaction of its own while submissions flow), so counting opens costs ingest nothing. An
    /// open not yet written when the process dies is lost: the count is a fieldwork figure, not a response.
    pub fn count_open(&self, survey_id: &str, channel: &str) {
        let open = Open {
            survey_id: survey_id.to_owned(),
            channel: channel.to_owned(),
        };
        if self.tx.send(Msg::Open(open)).is_err() {
            tracing::warn!("the response writer has stopped; a first-page open was not counted");
        }
    }

    /// Waits until every submission queued before this call is committed (or failed), at most `timeout`;
    /// false on timeout or when the thread is gone. Used on shutdown: a request whose client went away
    /// leaves its submission in the queue, and the process must not exit under it.
    pub fn flush_blocking(&self, timeout: std::time::Duration) -> bool {
        let (done, rx) = mpsc::channel();
        self.tx.send(Msg::Flush(done)).is_ok() && rx.recv_timeout(timeout).is_ok()
    }

    /// The same from a plain thread (CLI, tests).
    pub fn submit_blocking(&self, submission: Submission) -> Result<Outcome, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Write(Job { submission, reply }))
            .map_err(|_| StoreError::Unavailable("the response writer has stopped".into()))?;
        rx.blocking_recv()
            .map_err(|_| StoreError::Unavailable("the response writer stopped before saving".into()))?
    }
}

fn run(store: Store, rx: mpsc::Receiver<Msg>) {
    while let Ok(msg) = rx.recv() {
        let mut batch = Vec::new();
        let mut opens = Vec::new();
        match msg {
            Msg::Write(job) => batch.push(job),
            Msg::Open(open) => opens.push(open),
            Msg::Flush(done) => {
                let _ = done.send(());
                continue;
            }
        }
        let mut flush = None;
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Msg::Write(job)) => batch.push(job),
                Ok(Msg::Open(open)) => opens.push(open),
                Ok(Msg::Flush(done)) => {
                    flush = Some(done);
                    break;
                }
                Err(_) => break,
            }
        }
        write_batch(&store, batch, &opens);
        if let Some(done) = flush {
            let _ = done.send(());
        }
    }
}

fn write_batch(store: &Store, batch: Vec<Job>, opens: &[Open]) {
    tracing::debug!(
        size = batch.len(),
        opens = opens.len(),
        "writing a batch of submissions"
    );
    let mut conn = match store.writer() {
        Ok(c) => c,
        Err(e) => {
            let msg = e.to_string();
            for job in batch {
                let _ = job.reply.send(Err(StoreError::Unavailable(msg.clone())));
            }
            return;
        }
    };
    let together = conn.write_transaction(|c| -> Result<Vec<Outcome>, StoreError> {
        let subs: Vec<&Submission> = batch.iter().map(|j| &j.submission).collect();
        let outcomes = if subs.is_empty() {
            Vec::new()
        } else {
            apply_open(c, &subs)?
        };
        super::quality::add_opens(c, opens)?;
        Ok(outcomes)
    });
    if together.is_err() && !opens.is_empty() {
        // The opens must not fail the submissions (nor the reverse): alone, then the batch without them.
        if let Err(e) = conn.write_transaction(|c| super::quality::add_opens(c, opens)) {
            tracing::warn!(error = %e, count = opens.len(), "first-page opens were not counted");
        }
        drop(conn);
        return write_batch(store, batch, &[]);
    }
    match together {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                let _ = job.reply.send(Ok(outcome));
            }
        }
        Err(e) if batch.len() == 1 => {
            if let Some(job) = batch.into_iter().next() {
                let _ = job.reply.send(Err(e));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, size = batch.len(), "batch failed; retrying its submissions one by one");
            for job in batch {
                let one = conn.write_transaction(|c| {
                    apply_open(c, &[&job.submission])?
                        .pop()
                        .ok_or_else(|| StoreError::Corrupt("a submission got no outcome".into()))
                });
                let _ = job.reply.send(one);
            }
        }
    }
}

/// Applies the submissions to open surveys; the others get [`Outcome::Closed`]. Outcomes in order.
fn apply_open(c: &mut AnyConnection, subs: &[&Submission]) -> Result<Vec<Outcome>, StoreError> {
    let open = open_surveys(c, subs)?;
    let accepted: Vec<&Submission> = subs.iter().copied().filter(|s| open.contains(&s.survey_id)).collect();
    let mut applied = apply_batch(c, &accepted)?.into_iter();
    subs.iter()
        .map(|s| {
            if open.contains(&s.survey_id) {
                applied
                    .next()
                    .ok_or_else(|| StoreError::Corrupt("a submission got no outcome".into()))
            } else {
                Ok(Outcome::Closed)
            }
        })
        .collect()
}

/// Which of the submissions' surveys are open, read inside the writer's transaction. On PostgreSQL the
/// rows are share-locked until COMMIT, so closing a survey waits for a batch that found it open; SQLite has
/// one writer at a time (`BEGIN IMMEDIATE`).
fn open_surveys(c: &mut AnyConnection, subs: &[&Submission]) -> Result<HashSet<String>, StoreError> {
    let mut ids: Vec<&str> = subs.iter().map(|s| s.survey_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let query = surveys::table
        .filter(surveys::id.eq_any(ids))
        .filter(surveys::status.eq(Status::Open.as_str()))
        .select(surveys::id);
    let open: Vec<String> = match c {
        AnyConnection::Postgresql(pg) => query.for_share().load(pg)?,
        AnyConnection::Sqlite(lite) => query.load(lite)?,
    };
    Ok(open.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseUrl;
    use crate::store::responses::{QuotaCell, COMPLETE, PARTIAL, SCREENED_OUT};
    use crate::store::{now, NewVersion};

    /// Drops the PostgreSQL schema of a test.
    struct PgSchema(String, String);
    impl Drop for PgSchema {
        fn drop(&mut self) {
            use diesel::connection::SimpleConnection;
            use diesel::Connection;
            if let Ok(mut c) = diesel::PgConnection::establish(&self.0) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.1));
            }
        }
    }

    /// A fresh store with one survey: SQLite always, PostgreSQL when OPROS_TEST_POSTGRES_URL is set.
    fn stores() -> Vec<(Box<dyn std::any::Any>, Store, String)> {
        let mut urls: Vec<(Box<dyn std::any::Any>, DatabaseUrl)> = Vec::new();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        urls.push((Box::new(dir), DatabaseUrl::Sqlite(path)));
        if let Ok(base) = std::env::var("OPROS_TEST_POSTGRES_URL") {
            use diesel::connection::SimpleConnection;
            use diesel::Connection;
            let schema = format!("w_{}", uuid::Uuid::new_v4().simple());
            let mut c = diesel::PgConnection::establish(&base).unwrap();
            c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
            urls.push((Box::new(PgSchema(base, schema)), DatabaseUrl::Postgres(url)));
        }
        urls.into_iter()
            .map(|(guard, url)| {
                let store = Store::open(&url).unwrap();
                let imported = store
                    .import_version(&NewVersion {
                        slug: "s",
                        topic: "t",
                        definition_json: "{}",
                        population_json: None,
                        source: "",
                        source_name: "s.yaml",
                    })
                    .unwrap();
                store.set_status("s", crate::store::Status::Open).unwrap();
                (guard, store, imported.survey_id)
            })
            .collect()
    }

    fn sub(survey_id: &str, key: &str, complete: bool, quotas: Vec<QuotaCell>) -> Submission {
        Submission {
            survey_id: survey_id.to_owned(),
            response_id: format!("id-{key}"),
            version: 1,
            key_hash: key.to_owned(),
            language: "ru".into(),
            answers_json: format!("{{\"k\": \"{key}\"}}"),
            codes: None,
            meta_json: "{}".into(),
            page_reached: 1,
            started_at: now(),
            complete,
            duration_seconds: complete.then_some(10.0),
            quotas,
            invited: false,
            fresh: true,
        }
    }

    #[test]
    fn a_batch_inserts_fresh_rows_together_and_falls_back_for_the_rest() {
        for (_guard, store, sid) in stores() {
            let cell = |limit| vec![QuotaCell { key: "q".into(), limit }];
            let coded = Submission {
                codes: Some(vec![1, 2, 255]),
                ..sub(&sid, "b", true, vec![])
            };
            let subs = [
                sub(&sid, "a", false, vec![]),
                coded,
                // The same respondent twice in one batch: the second updates the row the first created.
                sub(&sid, "a", false, vec![]),
                // Quotas go through the exact path: one place, two candidates.
                sub(&sid, "c", true, cell(1)),
                sub(&sid, "d", true, cell(1)),
                // A completed response cannot be written again.
                sub(&sid, "b", true, vec![]),
            ];
            let refs: Vec<&Submission> = subs.iter().collect();
            let mut conn = store.writer().unwrap();
            let outcomes = conn.write_transaction(|c| apply_batch(c, &refs)).unwrap();
            drop(conn);
            assert_eq!(
                outcomes,
                vec![
                    Outcome::Saved,
                    Outcome::Completed,
                    Outcome::Saved,
                    Outcome::Completed,
                    Outcome::ScreenedOut,
                    Outcome::AlreadyDone(COMPLETE.into()),
                ]
            );
            let mut counts = store.response_counts(&sid).unwrap();
            counts.sort();
            assert_eq!(
                counts,
                vec![(COMPLETE.into(), 2), (PARTIAL.into(), 1), (SCREENED_OUT.into(), 1)]
            );
            assert_eq!(store.quota_counts(&sid).unwrap(), vec![("q".to_owned(), 1)]);
            // Every column of a row inserted with the batch (on PostgreSQL, as arrays) reads back.
            let b = store.find_response(&sid, "b").unwrap().expect("b's row");
            assert_eq!(
                (
                    b.id.as_str(),
                    b.state.as_str(),
                    b.language.as_str(),
                    b.version,
                    b.page_reached
                ),
                ("id-b", COMPLETE, "ru", 1, 1)
            );
            assert_eq!(b.answers, "{\"k\": \"b\"}");
            assert_eq!(b.meta, "{}");
            assert_eq!(b.codes.as_deref(), Some(&[1u8, 2, 255][..]));
            assert_eq!(b.duration_seconds, Some(10.0));
            assert!(b.submitted_at.is_some() && b.started_at <= b.updated_at);
            let a = store.find_response(&sid, "a").unwrap().expect("a's row");
            assert!(a.submitted_at.is_none() && a.codes.is_none() && a.duration_seconds.is_none());
            assert_eq!(a.state, PARTIAL);
        }
    }

    #[test]
    fn the_writer_thread_acknowledges_after_commit() {
        for (_guard, store, sid) in stores() {
            let w = Writer::start(store.clone());
            let handles: Vec<_> = (0..20)
                .map(|i| {
                    let (w, sid) = (w.clone(), sid.clone());
                    std::thread::spawn(move || w.submit_blocking(sub(&sid, &format!("k{i}"), true, vec![])))
                })
                .collect();
            for h in handles {
                assert_eq!(h.join().unwrap().unwrap(), Outcome::Completed);
            }
            assert_eq!(store.complete_responses(&sid).unwrap().len(), 20);
        }
    }

    #[test]
    fn a_survey_closed_before_the_transaction_takes_nothing() {
        for (_guard, store, sid) in stores() {
            let w = Writer::start(store.clone());
            assert_eq!(
                w.submit_blocking(sub(&sid, "early", true, vec![])).unwrap(),
                Outcome::Completed
            );
            // Closed elsewhere (another instance, the CLI): the form may still show the page from its
            // cached row, the writer refuses the submission.
            store.set_status("s", crate::store::Status::Closed).unwrap();
            assert_eq!(
                w.submit_blocking(sub(&sid, "late", true, vec![])).unwrap(),
                Outcome::Closed
            );
            assert_eq!(
                w.submit_blocking(sub(&sid, "late2", false, vec![])).unwrap(),
                Outcome::Closed
            );
            let counts = store.response_counts(&sid).unwrap();
            assert_eq!(counts, vec![(COMPLETE.to_owned(), 1)]);
            store.set_status("s", crate::store::Status::Open).unwrap();
            assert_eq!(
                w.submit_blocking(sub(&sid, "late", true, vec![])).unwrap(),
                Outcome::Completed
            );
        }
    }

    #[test]
    fn first_page_opens_are_counted_with_the_batches() {
        for (_guard, store, sid) in stores() {
            let w = Writer::start(store.clone());
            for channel in ["vk", "vk", "other"] {
                w.count_open(&sid, channel);
            }
            w.submit_blocking(sub(&sid, "o1", true, vec![])).unwrap();
            w.count_open(&sid, "vk");
            assert!(w.flush_blocking(std::time::Duration::from_secs(30)));
            let opens = store.opens(&sid).unwrap();
            assert_eq!(opens, vec![("other".to_owned(), 1), ("vk".to_owned(), 3)]);
        }
    }

    #[test]
    fn flush_waits_for_everything_queued_before_it() {
        for (_guard, store, sid) in stores() {
            let w = Writer::start(store.clone());
            // Queue 50 submissions without waiting for their replies (as requests whose clients left).
            let replies: Vec<_> = (0..50)
                .map(|i| {
                    let (reply, rx) = oneshot::channel();
                    let job = Job {
                        submission: sub(&sid, &format!("f{i}"), true, vec![]),
                        reply,
                    };
                    w.tx.send(Msg::Write(job)).unwrap();
                    rx
                })
                .collect();
            assert!(w.flush_blocking(std::time::Duration::from_secs(30)));
            assert_eq!(store.complete_responses(&sid).unwrap().len(), 50);
            for rx in replies {
                assert_eq!(rx.blocking_recv().unwrap().unwrap(), Outcome::Completed);
            }
        }
    }

    /// The respondent lookup finds a response or an invitation in one statement, and on PostgreSQL even a
    /// cached generic plan made while the survey has few rows uses the unique (survey_id, respondent_key)
    /// index: with `responses_by_survey_state` led by survey_id, such a plan filtered the whole survey by
    /// key (found with the load example).
    /// The plan PostgreSQL keeps for `query` once it uses a generic plan (as it does for a prepared statement
    /// after a few runs): prepared with parameters of `types`, explained with `args`.
    fn generic_plan<Q>(pg: &mut diesel::PgConnection, query: &Q, types: &str, args: &str) -> String
    where
        Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
    {
        use diesel::connection::SimpleConnection;
        #[derive(QueryableByName)]
        struct PlanLine {
            #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
            line: String,
        }
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(query).to_string();
        let sql = sql.split(" -- binds:").next().unwrap();
        pg.batch_execute(&format!(
            "SET plan_cache_mode = force_generic_plan; PREPARE planned({types}) AS {sql}"
        ))
        .unwrap();
        let plan: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN EXECUTE planned({args})"))
            .load(pg)
            .unwrap();
        pg.batch_execute("DEALLOCATE planned; RESET plan_cache_mode").unwrap();
        plan.into_iter().map(|l| l.line).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn respondent_lookup_finds_rows_and_invitations_and_plans_on_the_unique_index() {
        for (_guard, store, sid) in stores() {
            let w = Writer::start(store.clone());
            w.submit_blocking(sub(&sid, "k-answered", true, Vec::new())).unwrap();
            store.add_invitations(&sid, &["k-invited".to_owned()]).unwrap();

            let (row, invited) = store.find_respondent(&sid, "k-answered").unwrap();
            let row = row.expect("the answered respondent's row");
            assert_eq!(
                (row.respondent_key.as_str(), row.state.as_str(), invited),
                ("k-answered", COMPLETE, false)
            );
            assert_eq!(row.answers, "{\"k\": \"k-answered\"}");
            let (row, invited) = store.find_respondent(&sid, "k-invited").unwrap();
            assert!(row.is_none() && invited);
            let (row, invited) = store.find_respondent(&sid, "k-unknown").unwrap();
            assert!(row.is_none() && !invited);
            // Another survey's invitation is not this survey's.
            let (row, invited) = store.find_respondent("another-survey", "k-invited").unwrap();
            assert!(row.is_none() && !invited);

            if let AnyConnection::Postgresql(pg) = &mut *store.reader().unwrap() {
                let query = crate::store::responses::RespondentLookupQuery {
                    survey_id: "x",
                    key_hash: "y",
                };
                let plan = generic_plan(pg, &query, "text, text", "'x', 'y'");
                assert!(plan.contains("responses_survey_id_respondent_key_key"), "{plan}");
                assert!(!plan.contains("responses_by_"), "{plan}");
            }
        }
    }

    #[test]
    fn grouped_lookups_answer_each_key_as_a_single_lookup_does() {
        use crate::store::lookups::Lookups;
        for (_guard, store, sid) in stores() {
            let w = Writer::start(store.clone());
            w.submit_blocking(sub(&sid, "k-done", true, Vec::new())).unwrap();
            w.submit_blocking(sub(&sid, "k-partial", false, Vec::new())).unwrap();
            store.add_invitations(&sid, &["k-invited".to_owned()]).unwrap();
            // Repeats, unknown keys and another survey's key in one batch, in an order of their own.
            let keys = [
                (sid.as_str(), "k-invited"),
                (sid.as_str(), "k-done"),
                ("another-survey", "k-invited"),
                (sid.as_str(), "k-unknown"),
                (sid.as_str(), "k-partial"),
                (sid.as_str(), "k-done"),
            ];
            let summary = |(row, invited): &(Option<crate::store::ResponseRow>, bool)| {
                let row = row
                    .as_ref()
                    .map(|r| (r.respondent_key.clone(), r.state.clone(), r.answers.clone()));
                (row, *invited)
            };
            let single: Vec<_> = keys
                .iter()
                .map(|(s, k)| summary(&store.find_respondent(s, k).unwrap()))
                .collect();
            let grouped: Vec<_> = store.find_respondents(&keys).unwrap().iter().map(summary).collect();
            assert_eq!(grouped, single);
            assert_eq!(single[0], (None, true));
            assert_eq!(single[2], (None, false));
            assert_eq!(single[3], (None, false));
            assert_eq!(single[4].0.as_ref().map(|r| r.1.as_str()), Some(PARTIAL));

            if let AnyConnection::Postgresql(pg) = &mut *store.reader().unwrap() {
                // Kept prepared: the generic plan must probe the unique index per key, whatever the table's
                // size was when it was made (a plan fixed while a survey is small stays in use).
                let (sids, keys) = (["x"], ["y"]);
                let query = crate::store::lookups::GroupedLookupQuery {
                    survey_ids: &sids,
                    key_hashes: &keys,
                };
                let plan = generic_plan(pg, &query, "text[], text[]", "'{x}', '{y}'");
                assert!(plan.contains("responses_survey_id_respondent_key_key"), "{plan}");
                assert!(!plan.contains("Seq Scan"), "{plan}");
            }

            // Through the lookup thread, many at once: each request gets its own answer.
            let lookups = Lookups::start(store.clone());
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let answers = rt.block_on(async {
                let mut pending = tokio::task::JoinSet::new();
                for i in 0..300 {
                    let (s, k) = (keys[i % keys.len()].0.to_owned(), keys[i % keys.len()].1.to_owned());
                    let lookups = lookups.clone();
                    pending.spawn(async move { (i, lookups.find(s, k).await) });
                }
                let mut out = vec![None; 300];
                while let Some(done) = pending.join_next().await {
                    let (i, found) = done.unwrap();
                    out[i] = Some(summary(&found.unwrap()));
                }
                out
            });
            for (i, a) in answers.iter().enumerate() {
                assert_eq!(a.as_ref(), Some(&single[i % keys.len()]), "request {i}");
            }
        }
    }
}
