//! Durability under a crash: `opros serve` runs as a child process, concurrent respondents complete the
//! one-page `reliability` survey, the server is killed with SIGKILL mid-load and restarted on the same
//! database. Every submission that got the thank-you page must be stored exactly once as complete, and no
//! complete response may be half-written. Three rounds, killed at different moments.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::process;
use crate::common::process::{complete_single_page, free_port, import_publish, stored_markers, Attempt, ServerProc};
use crate::common::{backend_tests, Backend, TestDb};

const SLUG: &str = "reliability";
const THREADS: usize = 16;

/// One round: load, SIGKILL once `kill_after` submissions were acknowledged, collect every attempt.
fn round(db_env: &str, round: usize, kill_after: usize) -> Vec<(String, Attempt)> {
    let mut server = ServerProc::start(db_env, free_port());
    let base = server.base();
    let acked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (base, acked, stop, attempts) = (base.clone(), acked.clone(), stop.clone(), attempts.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let marker = format!("r{round}-t{t}-n{i}");
                    i += 1;
                    let a = complete_single_page(&base, SLUG, &marker);
                    if a == Attempt::Acknowledged {
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    attempts.lock().unwrap().push((marker, a));
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.load(Ordering::SeqCst) < kill_after && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let before_kill = acked.load(Ordering::SeqCst);
    server.kill9();
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().expect("respondent thread");
    }
    let attempts = std::mem::take(&mut *attempts.lock().unwrap());
    assert!(
        before_kill >= kill_after,
        "round {round}: only {before_kill} acknowledged before the deadline; server log: {:?}",
        server.log.lock().unwrap()
    );
    let failed = attempts.iter().filter(|(_, a)| *a != Attempt::Acknowledged).count();
    eprintln!(
        "round {round}: killed after {before_kill} acknowledged; {} attempts, {failed} not acknowledged",
        attempts.len()
    );
    attempts
}

fn acknowledged_responses_survive_kill_9(backend: Backend) {
    let db = TestDb::new(&backend);
    let env = db.env_value();
    import_publish(&env, "reliability.yaml", SLUG);

    let mut all: Vec<(String, Attempt)> = Vec::new();
    // Different kill moments: early in the load, in the middle, later.
    for (r, kill_after) in [(1, 15), (2, 120), (3, 400)] {
        all.extend(round(&env, r, kill_after));

        // After every crash: restart on the same database and check everything so far.
        let server = ServerProc::start(&env, free_port());
        let (markers, counts) = stored_markers(&db.url, SLUG);
        check(&all, &markers, &counts, &backend);
        // The restarted server takes new answers.
        let m = format!("after-restart-{r}");
        assert_eq!(complete_single_page(&server.base(), SLUG, &m), Attempt::Acknowledged);
        all.push((m, Attempt::Acknowledged));
    }
    let (markers, counts) = stored_markers(&db.url, SLUG);
    check(&all, &markers, &counts, &backend);
    let store = opros::store::Store::open(&db.url).unwrap();
    let survey = store.find_survey(SLUG).unwrap();
    for (_, json) in store.complete_answers(&survey.id).unwrap() {
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        for q in ["marker", "sex", "age"] {
            assert!(v.get(q).is_some(), "a complete response lacks {q}: {json}");
        }
    }
}
backend_tests!(acknowledged_responses_survive_kill_9);

/// Every acknowledged marker stored exactly once; no marker stored twice; every stored marker was sent;
/// nothing but complete responses (one page: a response is either complete or absent).
fn check(all: &[(String, Attempt)], stored: &[String], counts: &[(String, i64)], backend: &common::Backend) {
    let mut times: HashMap<&str, usize> = HashMap::new();
    for m in stored {
        *times.entry(m.as_str()).or_default() += 1;
    }
    let dup: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(dup.is_empty(), "{backend:?}: stored more than once: {dup:?}");
    let sent: HashSet<&str> = all.iter().map(|(m, _)| m.as_str()).collect();
    let unknown: Vec<_> = stored.iter().filter(|m| !sent.contains(m.as_str())).collect();
    assert!(unknown.is_empty(), "{backend:?}: stored but never sent: {unknown:?}");
    let lost: Vec<_> = all
        .iter()
        .filter(|(m, a)| *a == Attempt::Acknowledged && !times.contains_key(m.as_str()))
        .map(|(m, _)| m)
        .collect();
    assert!(lost.is_empty(), "{backend:?}: acknowledged but lost: {lost:?}");
    let acked = all.iter().filter(|(_, a)| *a == Attempt::Acknowledged).count();
    let complete: i64 = counts.iter().filter(|(s, _)| s == "complete").map(|(_, n)| n).sum();
    assert_eq!(complete as usize, stored.len());
    assert!(
        stored.len() >= acked,
        "{backend:?}: {} stored < {acked} acknowledged",
        stored.len()
    );
    let other: Vec<_> = counts.iter().filter(|(s, _)| s != "complete").collect();
    assert!(other.is_empty(), "{backend:?}: half-written responses: {other:?}");
}

/// What a two-page respondent got back: page 1 saved (303) and/or the thank-you page.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TwoPage {
    Nothing,
    FirstSaved,
    Completed,
}

fn two_page_respondent(base: &str, marker: &str) -> TwoPage {
    let http = process::respondent_client();
    let url = format!("{base}/s/reliability-multi");
    let Ok(page) = http.get(format!("{url}?lang=en")).send().and_then(|r| r.text()) else {
        return TwoPage::Nothing;
    };
    let Some(body) = process::page_body(&page, &[("marker", marker), ("sex", "m")]) else {
        return TwoPage::Nothing;
    };
    let post = |body: String| {
        http.post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    match post(body) {
        Ok(r) if r.status().as_u16() == 303 => {}
        _ => return TwoPage::Nothing,
    }
    let Ok(page) = http.get(&url).send().and_then(|r| r.text()) else {
        return TwoPage::FirstSaved;
    };
    let Some(body) = process::page_body(&page, &[("age", "33")]) else {
        return TwoPage::FirstSaved;
    };
    match post(body).and_then(|r| r.text()) {
        Ok(t) if t.contains("notice thanks") => TwoPage::Completed,
        _ => TwoPage::FirstSaved,
    }
}

/// Killed while respondents are between pages: a saved first page stays a partial response, a completed
/// one is complete with every answer, and no partial response counts as complete. The kill must come
/// mid-load: after `KILL_AFTER` completions, with respondents still between their two pages.
fn partial_responses_stay_partial_across_kill_9(backend: Backend) {
    let db = TestDb::new(&backend);
    let env = db.env_value();
    import_publish(&env, "reliability_multi.yaml", "reliability-multi");
    let mut server = ServerProc::start(&env, free_port());
    let base = server.base();
    let done = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let results = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (base, done, stop, results) = (base.clone(), done.clone(), stop.clone(), results.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let m = format!("two-t{t}-n{i}");
                    i += 1;
                    let r = two_page_respondent(&base, &m);
                    if r == TwoPage::Completed {
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                    results.lock().unwrap().push((m, r));
                }
            })
        })
        .collect();
    const KILL_AFTER: usize = 100;
    let deadline = Instant::now() + Duration::from_secs(20);
    while done.load(Ordering::SeqCst) < KILL_AFTER && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let done_before_kill = done.load(Ordering::SeqCst);
    server.kill9();
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().unwrap();
    }
    let results = std::mem::take(&mut *results.lock().unwrap());
    assert!(
        done_before_kill >= KILL_AFTER,
        "{backend:?}: only {done_before_kill} respondents completed before the deadline, so the kill did not \
         come mid-load; server log: {:?}",
        server.log.lock().unwrap()
    );
    let _restarted = ServerProc::start(&env, free_port());

    let store = opros::store::Store::open(&db.url).unwrap();
    let survey = store.find_survey("reliability-multi").unwrap();
    let rows = store.complete_responses(&survey.id).unwrap();
    let mut complete: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        let v: serde_json::Value = serde_json::from_str(&row.answers).unwrap();
        for q in ["marker", "sex", "age"] {
            assert!(v.get(q).is_some(), "{backend:?}: complete without {q}: {}", row.answers);
        }
        let m = process::marker_of(&v).expect("a marker");
        *complete.entry(m).or_default() += 1;
    }
    assert!(
        complete.values().all(|n| *n == 1),
        "{backend:?}: a response complete twice"
    );
    let mut counts = store.response_counts(&survey.id).unwrap();
    counts.sort();
    let n_partial: i64 = counts.iter().filter(|(s, _)| s == "partial").map(|(_, n)| n).sum();
    let n_complete: i64 = counts.iter().filter(|(s, _)| s == "complete").map(|(_, n)| n).sum();
    assert_eq!(n_complete as usize, rows.len());
    let completed = results.iter().filter(|(_, r)| *r == TwoPage::Completed).count();
    let first_saved = results.iter().filter(|(_, r)| *r != TwoPage::Nothing).count();
    for (m, r) in &results {
        if *r == TwoPage::Completed {
            assert!(complete.contains_key(m), "{backend:?}: acknowledged {m} lost");
        }
    }
    // Respondents were between pages when the server died: their first pages are what this test is about.
    assert!(
        first_saved > completed,
        "{backend:?}: no respondent had a first page saved and the second not acknowledged at the kill"
    );
    // Every acknowledged first page is stored (partial or complete).
    assert!(
        (n_partial + n_complete) as usize >= first_saved,
        "{backend:?}: {first_saved} first pages acknowledged, {n_partial} partial + {n_complete} complete stored"
    );
    eprintln!("{backend:?}: {completed} completed, {first_saved} first pages saved; stored {counts:?}");
}
backend_tests!(partial_responses_stay_partial_across_kill_9);
