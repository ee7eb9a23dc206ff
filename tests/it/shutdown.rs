//! Graceful shutdown: SIGTERM to `opros serve` during load. The server stops accepting, finishes the
//! requests in flight, flushes the writer's queue and exits 0; after a restart every acknowledged
//! response is stored exactly once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::process::{complete_single_page, free_port, import_publish, stored_markers, Attempt, ServerProc};
use crate::common::{backend_tests, Backend, TestDb};

const SLUG: &str = "reliability";

fn sigterm_finishes_in_flight_requests_and_flushes_commits(backend: Backend) {
    let db = TestDb::new(&backend);
    let env = db.env_value();
    import_publish(&env, "reliability.yaml", SLUG);
    let mut server = ServerProc::start(&env, free_port());
    let base = server.base();
    let acked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..16)
        .map(|t| {
            let (base, acked, stop, attempts) = (base.clone(), acked.clone(), stop.clone(), attempts.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let m = format!("term-t{t}-n{i}");
                    i += 1;
                    let a = complete_single_page(&base, SLUG, &m);
                    if a == Attempt::Acknowledged {
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    attempts.lock().unwrap().push((m, a));
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.load(Ordering::SeqCst) < 150 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    server.sigterm();
    let status = server.wait_exit(Duration::from_secs(40));
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().unwrap();
    }
    let status = status.unwrap_or_else(|| panic!("no exit 40 s after SIGTERM: {:?}", server.log.lock().unwrap()));
    assert!(
        status.success(),
        "exit status {status:?}: {:?}",
        server.log.lock().unwrap()
    );
    // Stopped accepting: nothing answers on the port any more.
    assert!(reqwest::blocking::get(format!("{base}/healthz")).is_err());

    let attempts = std::mem::take(&mut *attempts.lock().unwrap());
    let n_acked = attempts.iter().filter(|(_, a)| *a == Attempt::Acknowledged).count();
    eprintln!(
        "{backend:?}: {} attempts, {n_acked} acknowledged before/while stopping",
        attempts.len()
    );
    assert!(n_acked >= 150);

    let restarted = ServerProc::start(&env, free_port());
    let (stored, counts) = stored_markers(&db.url, SLUG);
    let mut times: HashMap<&str, usize> = HashMap::new();
    for m in &stored {
        *times.entry(m.as_str()).or_default() += 1;
    }
    assert!(times.values().all(|n| *n == 1), "a response stored twice");
    for (m, a) in &attempts {
        if *a == Attempt::Acknowledged {
            assert!(times.contains_key(m.as_str()), "{backend:?}: acknowledged {m} lost");
        }
    }
    assert!(
        counts.iter().all(|(s, _)| s == "complete"),
        "{backend:?}: half-written responses: {counts:?}"
    );
    assert_eq!(
        complete_single_page(&restarted.base(), SLUG, "after-term"),
        Attempt::Acknowledged
    );
}
backend_tests!(sigterm_finishes_in_flight_requests_and_flushes_commits);
