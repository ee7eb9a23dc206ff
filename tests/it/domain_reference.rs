//! Subgroups (`report --filter`) and two-way breakdowns (`--by A --by2 B`) on surveys with a sampling design,
//! checked against R `survey` (`tests/reference/domain/make_reference.R`): a filter is a domain of the
//! whole design (`subset(design, …)`), two-way cells are `svyby(~y, ~a + b, …)`. Estimates to 1e-9 relative,
//! SEs to 1e-6 relative. Also: bad filters and breakdowns are refused with the valid choices listed.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::common::{backend_tests, run_opros as opros, Backend, TestDb};
use serde_json::Value;

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(sub)
}

/// (case, what, key) → value
fn expected() -> HashMap<(String, String, String), f64> {
    let mut rdr = csv::Reader::from_path(dir("domain").join("expected.csv")).expect("expected.csv");
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            (
                (r[0].to_owned(), r[1].to_owned(), r[2].to_owned()),
                r[3].parse::<f64>().expect("number"),
            )
        })
        .collect()
}

/// Imports the design survey `case` with `data`, returns its slug.
fn import(db: &TestDb, case: &str, data: &str) -> String {
    let yaml = dir("design").join(format!("{case}.yaml"));
    let slug = format!("api-{}", case.replace('_', "-"));
    let (ok, _, err) = opros(db, &["survey", "import", yaml.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = opros(
        db,
        &["responses", "import", &slug, dir("design").join(data).to_str().unwrap()],
    );
    assert!(ok, "{err}");
    slug
}

fn report(db: &TestDb, slug: &str, extra: &[&str]) -> Value {
    let mut args = vec!["report", slug, "--json"];
    args.extend_from_slice(extra);
    let (ok, out, err) = opros(db, &args);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("summary JSON")
}

fn find<'a>(list: &'a Value, field: &str, value: &str) -> &'a Value {
    list.as_array()
        .and_then(|xs| xs.iter().find(|x| x[field] == value))
        .unwrap_or_else(|| panic!("no {field} = {value} in {list}"))
}

fn close(what: &str, got: f64, want: f64) {
    let tol = if what.contains("se") { 1e-6 } else { 1e-9 };
    // An SE that is zero up to rounding (a share the calibration fixes exactly): R's 2e-17 is our 0.
    if want.abs() < 1e-12 {
        assert!(got.abs() < 1e-12, "{what}: got {got}, R {want}");
        return;
    }
    let rel = (got - want).abs() / want.abs().max(1e-300);
    assert!(rel < tol, "{what}: got {got}, R {want} (relative difference {rel:e})");
}

fn check_case(db: &TestDb, slug: &str, case: &str, expected: &HashMap<(String, String, String), f64>) -> usize {
    let filtered = report(db, slug, &["--filter", "sch_wide:Yes"]);
    let crossed = report(
        db,
        slug,
        &["--filter", "sch_wide:Yes", "--by", "stype", "--by2", "awards"],
    );
    let two_way = report(db, slug, &["--by", "stype", "--by2", "awards"]);
    let mut checked = 0;
    for ((c, what, key), &want) in expected {
        if c != case {
            continue;
        }
        let q = |s: &Value, id: &str| find(&s["questions"], "id", id).clone();
        let got = match what.as_str() {
            "filter_share" | "filter_se" => {
                let code = key.trim_start_matches("awards ");
                let field = if what == "filter_share" { "share" } else { "se" };
                find(&q(&filtered, "awards")["options"], "code", code)[field].as_f64()
            }
            "filter_mean" => q(&filtered, "api00")["mean"].as_f64(),
            "filter_mean_se" => q(&filtered, "api00")["se"].as_f64(),
            "filter_n" => filtered["filter"]["n"].as_f64(),
            "cross_mean" | "cross_se" => {
                let b = find(&q(&crossed, "api00")["breakdowns"], "variable", "stype*awards").clone();
                let field = if what == "cross_mean" { "mean" } else { "se" };
                find(&b["categories"], "code", key)[field].as_f64()
            }
            "cross_share" | "cross_share_se" => {
                let b = find(&q(&two_way, "sch_wide")["breakdowns"], "variable", "stype*awards").clone();
                let field = if what == "cross_share" { "share" } else { "se" };
                find(&find(&b["categories"], "code", key)["options"], "code", "Yes")[field].as_f64()
            }
            other => panic!("unknown reference figure {other}"),
        };
        let got = got.unwrap_or_else(|| panic!("{case}: {what} {key} missing from the summary"));
        close(&format!("{case} {what} {key}"), got, want);
        checked += 1;
    }
    checked
}

fn domains_match_r_survey(backend: Backend) {
    let expected = expected();
    for (case, data) in [
        ("strat", "apistrat.csv"),
        ("clus1", "apiclus1.csv"),
        ("clus1_raked", "apiclus1.csv"),
    ] {
        let db = TestDb::new(&backend);
        let slug = import(&db, case, data);
        let n = check_case(&db, &slug, case, &expected);
        assert!(n >= 25, "{case}: only {n} reference figures checked");
    }
}
backend_tests!(domains_match_r_survey);

#[test]
fn filter_is_labelled_and_bad_values_list_the_choices() {
    let db = TestDb::new(&Backend::Sqlite);
    let slug = import(&db, "strat", "apistrat.csv");
    let s = report(&db, &slug, &["--filter", "stype:E,stype:M,awards:Yes"]);
    let terms = s["filter"]["terms"].as_array().expect("terms");
    assert_eq!(terms.len(), 3);
    assert_eq!(terms[0]["variable_label"], "School type");
    assert_eq!(terms[0]["label"], "Elementary");
    // Cross-check the count with the data: E or M, and awards Yes.
    let text = std::fs::read_to_string(dir("design").join("apistrat.csv")).unwrap();
    let want = text
        .lines()
        .skip(1)
        .filter(|l| {
            (l.starts_with("\"E\"") || l.starts_with("\"M\"")) && l.contains(",\"Yes\",\"") && {
                let f: Vec<&str> = l.split(',').collect();
                f[1] == "\"Yes\""
            }
        })
        .count();
    assert_eq!(s["filter"]["n"], want);
    // Categories outside the subgroup are empty domains: suppressed, no numbers.
    let by = report(&db, &slug, &["--filter", "stype:E", "--by", "stype"]);
    let awards = find(&by["questions"], "id", "awards");
    let h = find(&awards["breakdowns"][0]["categories"], "code", "H");
    assert_eq!(h["suppressed"], true, "{h}");
    assert!(
        h["options"]
            .as_array()
            .is_none_or(|o| o.iter().all(|o| o["share"].is_null())),
        "{h}"
    );

    for (args, message) in [
        (vec!["--filter", "sex:f"], "'sex' cannot filter this survey"),
        (
            vec!["--filter", "stype:X"],
            "'X' is not a code of 'stype'; valid: E, H, M",
        ),
        (vec!["--filter", "stype"], "is not a filter: write VAR:CODE"),
        (vec!["--by", "api00"], "valid: stype, awards, sch_wide"),
        (
            vec!["--by", "stype", "--by2", "enroll"],
            "'enroll' is not a breakdown variable",
        ),
    ] {
        let mut all = vec!["report", slug.as_str()];
        all.extend(args.iter().copied());
        let (ok, _, err) = opros(&db, &all);
        assert!(!ok, "{args:?} was accepted");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn an_empty_subgroup_is_suppressed_not_estimated() {
    let db = TestDb::new(&Backend::Sqlite);
    let slug = import(&db, "strat", "apistrat.csv");
    // No school missed its school-wide target and was still eligible for awards.
    let s = report(&db, &slug, &["--filter", "sch_wide:No,awards:Yes"]);
    assert_eq!(s["filter"]["n"], 0);
    for id in ["awards", "stype", "api00"] {
        let q = find(&s["questions"], "id", id);
        assert_eq!(q["suppressed"], true, "{q}");
        assert!(q["mean"].is_null() && q["base_n"].is_null(), "{q}");
        for o in q["options"].as_array().into_iter().flatten() {
            assert!(o["share"].is_null() && o["se"].is_null(), "{o}");
        }
    }
}
