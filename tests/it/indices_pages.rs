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
    // Design weights without a weighting scheme: the page must not call the figures unweighted.
    assert!(
        html.contains("Weighted by the sampling design&#x27;s weights (column «pw»)") && !html.contains("Unweighted."),
        "{html}"
    );
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

    balance_by_category(&c, &server, "by=sex", "sex");
    balance_by_category(&c, &server, "filter=s2:4&by=sex&by2=s3", "sex*s3");

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
    assert!(
        html.contains("Взвешено весами дизайна выборки") && !html.contains("Опрос не взвешивается"),
        "{html}"
    );
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
    // A file of its own: the SQLite and PostgreSQL runs of this test share the process.
    let more = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(more.path(), "sex,s1,s2,s3,s4,hours,stratum,pw\nf,5,5,5,1,10,north,40\n").unwrap();
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "import",
            "indices-reference",
            more.path().to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let third: Value = serde_json::from_str(&get(&c, &filtered).1).expect("summary");
    assert_ne!(question(&first, "trust")["base_n"], question(&third, "trust")["base_n"]);
}
backend_tests!(indices_and_balance_on_pages);

/// The balance column of the breakdown table of `s1` on the page with `query` holds the summary JSON's
/// balance (all respondents, then each category of `variable`), in percentage points with their intervals.
fn balance_by_category(c: &reqwest::blocking::Client, server: &TestServer, query: &str, variable: &str) {
    let path = format!("/api/v1/surveys/indices-reference/summary?lang=en&{query}");
    let (st, body) = get(c, &server.url(&path));
    assert_eq!(st, 200, "{body}");
    let s: Value = serde_json::from_str(&body).expect("summary");
    let b = &question(&s, "s1")["balance"];
    let by = b["breakdowns"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["variable"] == variable))
        .unwrap_or_else(|| panic!("balance by {variable}: {b}"));
    let pp = |v: &Value| {
        v.as_f64()
            .map_or_else(|| "—".to_owned(), |x| format!("{:+.1}", x * 100.0))
    };
    let cell = |e: &Value| {
        let value = pp(&e["mean"]);
        let ci = if value == "—" {
            String::new()
        } else {
            format!("{}; {}", pp(&e["ci_low"]), pp(&e["ci_high"]))
        };
        format!("<td class=\"balance\">{value}</td><td class=\"balance-ci\">{ci}</td>")
    };
    let categories = by["categories"].as_array().expect("categories");
    assert!(categories.len() >= 2, "{by}");
    // Rows of the table: all respondents, then the question's categories that are shown (a suppressed
    // category is one cell saying why).
    let q_by = question(&s, "s1")["breakdowns"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["variable"] == variable))
        .unwrap_or_else(|| panic!("s1 by {variable}"));
    let shown_rows = q_by["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .filter(|r| r["suppressed"] != true)
        .map(|r| {
            categories
                .iter()
                .find(|c| c["code"] == r["code"])
                .unwrap_or_else(|| panic!("balance of {}", r["code"]))
        });
    let expected: Vec<String> = std::iter::once(b)
        .chain(shown_rows)
        .map(|e| {
            if e["suppressed"] == true {
                "<td class=\"balance\">—</td><td class=\"balance-ci\"></td>".to_owned()
            } else {
                cell(e)
            }
        })
        .collect();
    assert!(
        categories.iter().filter(|e| e["mean"].is_f64()).count() >= 2,
        "at least two categories with a balance: {by}"
    );

    let (st, html) = get(c, &server.url(&format!("/results/indices-reference?lang=en&{query}")));
    assert_eq!(st, 200, "{html}");
    let sec = section(&html, "s1");
    let table = &sec[sec.find("class=\"crosstab\"").expect("breakdown table")..];
    assert!(
        table.contains("<th scope=\"col\">Balance of opinions, pp</th>"),
        "{table}"
    );
    let shown: Vec<String> = table
        .match_indices("<td class=\"balance\">")
        .map(|(i, _)| {
            let rest = &table[i..];
            let end = rest.find("</tr>").expect("row end");
            rest[..end].to_owned()
        })
        .collect();
    assert_eq!(shown, expected, "the page's balances by {variable} are the summary's");
}
