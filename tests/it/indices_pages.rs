//! Indices and balances on the pages, through the real server on SQLite and PostgreSQL: the results page
//! shows an index like a number (with what it is made of) and a scale's balance with its interval, the
//! methodology page lists the index's items and Cronbach's α, a tracked index has a trend page, and a
//! subgroup's summary is cached (served again without recomputation until the responses change).

use serde_json::Value;

use crate::common::{backend_tests, client, run_opros as opros, test_config, Backend, TestDb, TestServer};

fn get(c: &reqwest::blocking::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = r.status().as_u16();
    (status, r.text().unwrap_or_default())
}

fn question<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == id))
        .unwrap_or_else(|| panic!("question {id}"))
}

/// The HTML of the results section of question `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("data-question=\"{id}\""))
        .unwrap_or_else(|| panic!("section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

fn indices_and_balance_on_pages(backend: Backend) {
    let db = TestDb::new(&backend);
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/indices");
    assert!(opros(&db, &["survey", "import", dir.join("survey.yaml").to_str().unwrap()]).0);
    let data = dir.join("survey.csv");
    assert!(
        opros(
            &db,
            &["responses", "import", "indices-reference", data.to_str().unwrap()]
        )
        .0
    );
    let (ok, _, err) = opros(&db, &["survey", "publish", "indices-reference", "--results"]);
    assert!(ok, "{err}");
    let (ok, text, _) = opros(&db, &["report", "indices-reference", "--lang", "en"]);
    assert!(ok);
    assert!(text.contains("balance (top 4,5 − bottom 1,2): "), "{text}");
    assert!(
        text.contains("index: mean of s1, s2, s3, s4 (reversed) (at least 3 answered)"),
        "{text}"
    );

    let server = TestServer::start(test_config(&db));
    let c = client();
    let api = server.url("/api/v1/surveys/indices-reference/summary?lang=en");
    let (st, body) = get(&c, &api);
    assert_eq!(st, 200, "{body}");
    let s: Value = serde_json::from_str(&body).expect("summary");
    let trust = question(&s, "trust");

    let (st, html) = get(&c, &server.url("/results/indices-reference?lang=en"));
    assert_eq!(st, 200);
    let sec = section(&html, "trust");
    assert!(
        sec.contains("Index: the mean of 4 items, for respondents who answered at least 3 of them."),
        "{sec}"
    );
    let mean = format!("{:.2}", trust["mean"].as_f64().expect("mean"));
    assert!(sec.contains(&format!("<span class=\"value\">{mean}</span>")), "{sec}");
    let b = &question(&s, "s1")["balance"];
    let value = format!("{:+.1}", b["mean"].as_f64().expect("balance") * 100.0);
    let low = format!("{:+.1}", b["ci_low"].as_f64().expect("ci") * 100.0);
    let sec = section(&html, "s1");
    assert!(
        sec.contains(&format!("<span class=\"value\">{value}</span> pp")),
        "{sec}"
    );
    assert!(sec.contains(&low), "{sec}");
    assert!(sec.contains("«Agree», «Strongly agree»"), "{sec}");

    let (st, html) = get(&c, &server.url("/results/indices-reference/methodology?lang=en"));
    assert_eq!(st, 200);
    let alpha = format!("{:.3}", trust["index"]["alpha"].as_f64().expect("alpha"));
    let n = trust["index"]["alpha_n"].as_u64().expect("alpha n");
    assert!(
        html.contains(&format!("Cronbach&#x27;s α: {alpha} (standardized")),
        "{html}"
    );
    assert!(
        html.contains(&format!("from {n} respondents who answered every item")),
        "{html}"
    );
    assert!(
        html.contains("<code>s4</code> The wait is long (reverse-coded)"),
        "{html}"
    );

    let (st, html) = get(&c, &server.url("/results/indices-reference/methodology?lang=ru"));
    assert_eq!(st, 200);
    assert!(html.contains("α Кронбаха"), "{html}");

    let (st, html) = get(&c, &server.url("/trends?lang=en"));
    assert_eq!(st, 200);
    assert!(html.contains("/trends/clinic-trust"), "{html}");
    let (st, html) = get(&c, &server.url("/trends/clinic-trust?lang=en"));
    assert_eq!(st, 200, "{html}");
    assert!(html.contains(&mean), "the index's mean on its trend page: {html}");

    // A subgroup's summary is cached: asked again, it is the same computation.
    let filtered = format!("{api}&filter=sex:f&by=sex");
    let first: Value = serde_json::from_str(&get(&c, &filtered).1).expect("summary");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second: Value = serde_json::from_str(&get(&c, &filtered).1).expect("summary");
    assert_eq!(first["computed_at"], second["computed_at"]);
    assert_eq!(question(&first, "trust")["mean"], question(&second, "trust")["mean"]);
    // New responses make a new summary.
    let more = std::env::temp_dir().join(format!("opros-indices-more-{}.csv", std::process::id()));
    std::fs::write(&more, "sex,s1,s2,s3,s4,hours,stratum,pw\nf,5,5,5,1,10,north,40\n").unwrap();
    let (ok, _, err) = opros(
        &db,
        &["responses", "import", "indices-reference", more.to_str().unwrap()],
    );
    let _ = std::fs::remove_file(&more);
    assert!(ok, "{err}");
    let third: Value = serde_json::from_str(&get(&c, &filtered).1).expect("summary");
    assert_ne!(question(&first, "trust")["base_n"], question(&third, "trust")["base_n"]);
}
backend_tests!(indices_and_balance_on_pages);
