//! Two `opros serve` processes on one PostgreSQL database, load spread across both: no response lost or
//! duplicated, a quota never overshot, an invitation token used once, and a respondent who starts on one
//! instance continues on the other (cookies, CSRF tokens and resume links are valid on every instance).
//! PostgreSQL only: SQLite is one file on one machine.

use std::collections::HashSet;

use crate::common::process;
use crate::common::process::{
    complete_single_page, free_port, import_publish, page_body, respondent_client, run_cli, stored_markers, Attempt,
    ServerProc,
};
use crate::common::{Backend, TestDb};
use reqwest::blocking::Client;

const MULTI: &str = "reliability-multi";

/// A respondent of the two-page survey that may switch instance between requests.
struct Walker {
    http: Client,
    html: String,
}

impl Walker {
    fn new() -> Self {
        Walker {
            http: respondent_client(),
            html: String::new(),
        }
    }

    /// GET the form on `base` (following one redirect, as after `?t=` / `?r=`); returns the status.
    fn open(&mut self, base: &str, query: &str) -> u16 {
        let r = self.http.get(format!("{base}/s/{MULTI}{query}")).send().expect("GET");
        let status = r.status().as_u16();
        if status == 303 {
            return self.open(base, "");
        }
        self.html = r.text().expect("body");
        status
    }

    /// POST the current page to `base`; returns the status (303 = saved, next page to be fetched).
    fn send(&mut self, base: &str, answers: &[(&str, &str)]) -> u16 {
        let body = page_body(&self.html, answers).expect("a form page");
        let r = self
            .http
            .post(format!("{base}/s/{MULTI}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .expect("POST");
        let status = r.status().as_u16();
        self.html = r.text().expect("body");
        status
    }

    fn thanked(&self) -> bool {
        self.html.contains("notice thanks")
    }

    fn page(&self) -> Option<String> {
        process::hidden(&self.html, "_page")
    }
}

#[test]
#[ignore = "needs PostgreSQL: OPROS_TEST_POSTGRES_URL and --include-ignored (README, Tests)"]
fn two_instances_share_one_postgres() {
    let backend = Backend::postgres();
    let db = TestDb::new(&backend);
    let env = db.env_value();
    import_publish(&env, "reliability.yaml", "reliability");
    import_publish(&env, "reliability_multi.yaml", MULTI);
    let a = ServerProc::start(&env, free_port());
    let b = ServerProc::start(&env, free_port());
    let bases = [a.base(), b.base()];

    no_response_lost_or_duplicated(&db, &bases);
    quota_exact_across_instances(&db, &bases);
    invitation_used_once(&db, &env, &bases);
    continue_on_the_other_instance(&db, &bases);
}

/// 8 threads × 25 respondents, each opening the form on one instance and posting to the other.
fn no_response_lost_or_duplicated(db: &TestDb, bases: &[String; 2]) {
    let results: Vec<(String, Attempt)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8)
            .map(|t| {
                s.spawn(move || {
                    (0..25)
                        .map(|i| {
                            let m = format!("multi-t{t}-n{i}");
                            // The GET and the POST go to different instances half of the time.
                            let (get, post) = if (t + i) % 2 == 0 { (0, 1) } else { (1, 0) };
                            let a = cross_instance_single(&bases[get], &bases[post], &m);
                            (m, a)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let failed: Vec<_> = results.iter().filter(|(_, a)| *a != Attempt::Acknowledged).collect();
    assert!(failed.is_empty(), "not acknowledged: {failed:?}");
    let (stored, _) = stored_markers(&db.url, "reliability");
    let unique: HashSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "duplicates stored");
    let sent: HashSet<&String> = results.iter().map(|(m, _)| m).collect();
    assert_eq!(unique, sent, "stored markers == acknowledged markers");
    // A sanity check of the helper itself against one instance.
    assert_eq!(
        complete_single_page(&bases[0], "reliability", "single-a"),
        Attempt::Acknowledged
    );
}

/// GET on one instance, POST on another with the same cookie jar.
fn cross_instance_single(get_base: &str, post_base: &str, marker: &str) -> Attempt {
    let http = respondent_client();
    let page = match http
        .get(format!("{get_base}/s/reliability?lang=en"))
        .send()
        .and_then(|r| r.text())
    {
        Ok(p) => p,
        Err(e) => return Attempt::NotAcknowledged(format!("GET: {e}")),
    };
    let Some(body) = page_body(&page, &[("marker", marker), ("sex", "m"), ("age", "30")]) else {
        return Attempt::NotAcknowledged("no form".into());
    };
    match http
        .post(format!("{post_base}/s/reliability"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .and_then(|r| r.text())
    {
        Ok(t) if t.contains("notice thanks") => Attempt::Acknowledged,
        Ok(t) => Attempt::NotAcknowledged(t.chars().take(300).collect()),
        Err(e) => Attempt::NotAcknowledged(e.to_string()),
    }
}

/// 20 women reach the last page (page 1 on instance A), then all submit it at once across both
/// instances: exactly 5 (the quota) complete.
fn quota_exact_across_instances(db: &TestDb, bases: &[String; 2]) {
    let mut ready: Vec<Walker> = (0..20)
        .map(|i| {
            let mut w = Walker::new();
            assert_eq!(w.open(&bases[i % 2], "?lang=en"), 200);
            assert_eq!(
                w.send(&bases[i % 2], &[("marker", &format!("quota-{i}")), ("sex", "f")]),
                303
            );
            assert_eq!(w.open(&bases[(i + 1) % 2], ""), 200);
            assert_eq!(w.page().as_deref(), Some("p2"), "{}", w.html);
            w
        })
        .collect();
    let thanked = std::thread::scope(|s| {
        let hs: Vec<_> = ready
            .iter_mut()
            .enumerate()
            .map(|(i, w)| {
                s.spawn(move || {
                    w.send(&bases[i % 2], &[("age", "40")]);
                    w.thanked()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).filter(|t| *t).count()
    });
    assert_eq!(thanked, 5, "exactly the quota completes");
    let store = opros::store::Store::open(&db.url).unwrap();
    let s = store.find_survey(MULTI).unwrap();
    assert_eq!(store.quota_counts(&s.id).unwrap(), vec![("women".to_owned(), 5)]);
    let mut counts = store.response_counts(&s.id).unwrap();
    counts.sort();
    assert_eq!(
        counts,
        vec![("complete".to_owned(), 5), ("screened_out".to_owned(), 15)]
    );
    // A 21st woman is turned away at once, on either instance.
    let mut late = Walker::new();
    late.open(&bases[1], "?lang=en");
    late.send(&bases[1], &[("marker", "quota-late"), ("sex", "f")]);
    assert!(late.html.contains("enough answers"), "{}", late.html);
}

/// One invitation token opened on both instances by two devices; both finish at the same moment: one
/// complete response, the other device sees "already answered".
fn invitation_used_once(db: &TestDb, env: &str, bases: &[String; 2]) {
    let (ok, out, err) = run_cli(env, &["survey", "invite", MULTI, "--count", "1"]);
    assert!(ok, "{err}");
    let token = out.trim().to_owned();
    let store = opros::store::Store::open(&db.url).unwrap();
    let s = store.find_survey(MULTI).unwrap();
    let before = store.complete_responses(&s.id).unwrap().len();

    let mut devices: Vec<Walker> = (0..2)
        .map(|i| {
            let mut w = Walker::new();
            assert_eq!(w.open(&bases[i], &format!("?t={token}&lang=en")), 200);
            w
        })
        .collect();
    // Both answer page 1 (the same response row), then both send page 2 at once.
    for (i, w) in devices.iter_mut().enumerate() {
        assert_eq!(w.send(&bases[i], &[("marker", "invited"), ("sex", "m")]), 303);
    }
    for (i, w) in devices.iter_mut().enumerate() {
        assert_eq!(w.open(&bases[i], ""), 200);
        assert_eq!(w.page().as_deref(), Some("p2"));
    }
    let thanked = std::thread::scope(|s| {
        let hs: Vec<_> = devices
            .iter_mut()
            .enumerate()
            .map(|(i, w)| {
                s.spawn(move || {
                    w.send(&bases[1 - i], &[("age", "50")]);
                    w.thanked()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).filter(|t| *t).count()
    });
    assert_eq!(thanked, 1, "one device completes");
    assert_eq!(store.invitation_counts(&s.id).unwrap(), (1, 1));
    assert_eq!(store.complete_responses(&s.id).unwrap().len(), before + 1);
    // A third device with the same token, on either instance: already answered.
    for base in bases {
        let mut again = Walker::new();
        assert_eq!(again.open(base, &format!("?t={token}&lang=en")), 200);
        assert!(again.html.contains("already"), "{}", again.html);
    }
    assert_eq!(store.complete_responses(&s.id).unwrap().len(), before + 1);
}

/// Page 1 on instance A; the resume link opened on instance B by another device; finished there.
fn continue_on_the_other_instance(db: &TestDb, bases: &[String; 2]) {
    let mut w = Walker::new();
    assert_eq!(w.open(&bases[0], "?lang=en"), 200);
    assert_eq!(w.send(&bases[0], &[("marker", "resumed"), ("sex", "m")]), 303);
    assert_eq!(w.open(&bases[0], ""), 200);
    let html = w.html.replace("&#x3D;", "=");
    let at = html.find("?r=").expect("a resume link");
    let token: String = html[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut other = Walker::new();
    assert_eq!(other.open(&bases[1], &format!("?r={token}&lang=en")), 200);
    assert_eq!(other.page().as_deref(), Some("p2"), "{}", other.html);
    other.send(&bases[1], &[("age", "33")]);
    assert!(other.thanked(), "{}", other.html);
    let store = opros::store::Store::open(&db.url).unwrap();
    let s = store.find_survey(MULTI).unwrap();
    let found = store
        .complete_answers(&s.id)
        .unwrap()
        .into_iter()
        .filter(|(_, a)| a.contains("resumed"))
        .count();
    assert_eq!(found, 1);
}
