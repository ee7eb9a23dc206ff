//! Group commit: one writer thread per process takes every submission waiting at that moment (up to
//! [`MAX_BATCH`]), applies them in one transaction and answers each request only after COMMIT. One fsync
//! then serves many respondents (measured ~3× on SQLite and 4–5× on PostgreSQL versus a transaction per
//! request, `shared/stack.md` §5), and an acknowledged response survives a crash of the process.
//!
//! Quota and duplicate checks run inside that transaction (see [`super::responses`]), so they stay exact.
//! When a batch fails as a whole, its submissions are retried one transaction each, so one bad submission
//! cannot fail the others.

use std::sync::mpsc;
use std::thread;

use tokio::sync::oneshot;

use super::response_store::{apply, Outcome, Submission};
use super::{Store, StoreError};

/// Largest number of submissions in one transaction.
pub const MAX_BATCH: usize = 256;

struct Job {
    submission: Submission,
    reply: oneshot::Sender<Result<Outcome, StoreError>>,
}

/// Handle to the writer thread; cheap to clone. The thread ends (after finishing what it has) when the
/// last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread of this process.
    pub fn start(store: Store) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>();
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
            .send(Job { submission, reply })
            .map_err(|_| StoreError::Unavailable("the response writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Unavailable("the response writer stopped before saving".into()))?
    }

    /// The same from a plain thread (CLI, tests).
    pub fn submit_blocking(&self, submission: Submission) -> Result<Outcome, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { submission, reply })
            .map_err(|_| StoreError::Unavailable("the response writer has stopped".into()))?;
        rx.blocking_recv()
            .map_err(|_| StoreError::Unavailable("the response writer stopped before saving".into()))?
    }
}

fn run(store: Store, rx: mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&store, batch);
    }
}

fn write_batch(store: &Store, batch: Vec<Job>) {
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
        batch.iter().map(|j| apply(c, &j.submission)).collect()
    });
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
                let one = conn.write_transaction(|c| apply(c, &job.submission));
                let _ = job.reply.send(one);
            }
        }
    }
}
