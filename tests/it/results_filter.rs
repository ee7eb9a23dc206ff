//! `?filter=…&by=…&by2=…` on the results page and the summary API, through the real server on SQLite and
//! PostgreSQL: a subgroup's estimates are the same domain estimates as that category of a breakdown,
//! two-way cells outside the subgroup are suppressed, the page says which subgroup it shows and keeps it in
//! its links, and bad values are 400 with the valid choices.

use serde_json::Value;

use crate::common::{backend_tests, client, Backend, TestDb};
use crate::results_support::seeded;

fn get(c: &reqwest::blocking::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = r.status().as_u16();
    (status, r.text().unwrap_or_default())
}

fn json(c: &reqwest::blocking::Client, url: &str) -> Value {
    let (st, body) = get(c, url);
    assert_eq!(st, 200, "{url}: {body}");
    serde_json::from_str(&body).expect("summary JSON")
}

fn question<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == id))
        .unwrap_or_else(|| panic!("question {id}"))
}

/// Equal, numbers up to summation order (1e-12 relative).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
        _ => a == b,
    }
}

fn filters_and_two_way_breakdowns(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, _store) = seeded(&db, &["healthcare-2026"]);
    let c = client();
    let api = server.url("/api/v1/surveys/healthcare-2026/summary?lang=en");
    let whole = json(&c, &api);
    let women = json(&c, &format!("{api}&filter=sex:f"));
    assert_eq!(women["filter"]["terms"][0]["label"], "Female");
    let mut compared = 0;
    // The subgroup "women" is the category f of the breakdown by sex: same domain, same numbers.
    for q in whole["questions"].as_array().expect("questions") {
        let Some(by_sex) = q["breakdowns"]
            .as_array()
            .and_then(|b| b.iter().find(|b| b["variable"] == "sex"))
        else {
            continue;
        };
        // The sex question itself is not broken down by sex (it would only restate its own answers).
        if !by_sex["not_testable"].is_null() && by_sex["categories"].as_array().is_some_and(|c| c.is_empty()) {
            continue;
        }
        let f = by_sex["categories"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["code"] == "f"))
            .expect("category f");
        let sub = question(&women, q["id"].as_str().expect("id"));
        for field in ["base_n", "mean", "se", "ci_low", "ci_high", "suppressed"] {
            assert!(
                same(&sub[field], &f[field]),
                "{} {field}: {} vs {}",
                q["id"],
                sub[field],
                f[field]
            );
        }
        for (a, b) in sub["options"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(f["options"].as_array().into_iter().flatten())
        {
            for field in ["n", "share", "se", "ci_low", "ci_high"] {
                assert!(
                    same(&a[field], &b[field]),
                    "{} {} {field}: {} vs {}",
                    q["id"],
                    a["code"],
                    a[field],
                    b[field]
                );
            }
        }
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} questions compared");

    // Two-way breakdown within a subgroup: cells of men are empty domains, hence suppressed.
    let two = json(&c, &format!("{api}&filter=sex:f,age_group:60%2B&by=district&by2=sex"));
    assert_eq!(two["breakdowns"][0]["id"], "district*sex");
    let mut cells = 0;
    for q in two["questions"].as_array().expect("questions") {
        for b in q["breakdowns"].as_array().into_iter().flatten() {
            for cat in b["categories"].as_array().into_iter().flatten() {
                cells += 1;
                if cat["code"].as_str().is_some_and(|c| c.ends_with("*m")) {
                    assert_eq!(cat["suppressed"], true, "{cat}");
                    assert!(cat["base_n"].is_null());
                }
            }
        }
    }
    assert!(cells > 0);

    // The page says which subgroup it shows and keeps it in its breakdown links.
    let (st, html) = get(
        &c,
        &server.url("/results/healthcare-2026?lang=en&filter=sex:f&by=district&by2=age_group"),
    );
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("Subgroup: Your sex: Female ("), "subgroup note");
    // (handlebars escapes `=` and `&` in attributes)
    let link = "filter&#x3D;sex%3Af&amp;by&#x3D;district&amp;by2&#x3D;age_group";
    assert!(
        html.contains(link),
        "links keep the filter: {}",
        &html[html.find("breakdowns").unwrap_or(0)..][..600]
    );
    let (st, html) = get(&c, &server.url("/results/healthcare-2026?lang=ru&filter=sex:f"));
    assert_eq!(st, 200);
    assert!(html.contains("Подгруппа: Ваш пол: Женский ("), "Russian subgroup note");

    // Bad values: 400 with the valid choices.
    for (path, message) in [
        ("/results/healthcare-2026?lang=en&filter=sex:x", "valid: m, f"),
        ("/results/healthcare-2026?lang=en&by=nope", "valid: age_group, area"),
        ("/results/healthcare-2026?lang=en&filter=sex", "VAR:CODE"),
        (
            "/api/v1/surveys/healthcare-2026/summary?filter=nope:1",
            "valid: age_group, area",
        ),
        (
            "/api/v1/surveys/healthcare-2026/summary?by=sex&by2=nope",
            "'nope' is not a breakdown variable",
        ),
    ] {
        let (st, body) = get(&c, &server.url(path));
        assert_eq!(st, 400, "{path}: {body}");
        assert!(body.contains(message), "{path}: {body}");
    }
}
backend_tests!(filters_and_two_way_breakdowns);
