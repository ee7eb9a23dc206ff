//! Surveys with a sampling design (strata, PSUs, fpc, design weights) entered with `responses import` and
//! summarized by `opros report --json`, checked against R `survey` on its `api` data
//! (`tests/reference/design/make_reference.R`): the stratified `apistrat`, the one-stage cluster sample
//! `apiclus1`, the same raked to school-type totals, and `apistrat` with sampling fractions as fpc.
//! Estimates to 1e-9 relative, SEs and CI bounds to 1e-6 relative, p-values to 1e-4 absolute.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::common::{backend_tests, run_opros as opros, Backend, TestDb};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/design")
}

/// (case, what, key) → value
fn expected() -> HashMap<(String, String, String), f64> {
    let mut rdr = csv::Reader::from_path(dir().join("expected.csv")).expect("expected.csv");
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

fn summary(db: &TestDb, case: &str, data: &str) -> Value {
    let yaml = dir().join(format!("{case}.yaml"));
    let slug = format!("api-{}", case.replace('_', "-"));
    let (ok, _, err) = opros(db, &["survey", "import", yaml.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, out, err) = opros(db, &["responses", "import", &slug, dir().join(data).to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        out.contains("200 responses imported") || out.contains("183 responses imported"),
        "{out}"
    );
    let (ok, out, err) = opros(db, &["report", &slug, "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("summary JSON")
}

fn question<'a>(s: &'a Value, id: &str) -> &'a Value {
    s["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == id))
        .unwrap_or_else(|| panic!("question {id}"))
}

fn option<'a>(q: &'a Value, code: &str) -> &'a Value {
    q["options"]
        .as_array()
        .and_then(|os| os.iter().find(|o| o["code"] == code))
        .unwrap_or_else(|| panic!("option {code} of {}", q["id"]))
}

fn close(what: &str, key: &str, got: f64, want: f64) {
    let tol = match what {
        "share" | "mean" | "median" => 1e-9,
        w if w.starts_with("by_share") => 1e-9,
        "chisq_p" => {
            assert!((got - want).abs() < 1e-4, "{what} {key}: got {got}, R {want}");
            return;
        }
        _ => 1e-6,
    };
    // Figures that are zero up to rounding (the SE of a share the weighting fixes exactly) are compared
    // absolutely: R's 1e-17 and our 8e-17 are both zero.
    if want.abs() < 1e-12 {
        assert!(got.abs() < 1e-12, "{what} {key}: got {got}, R {want}");
        return;
    }
    let rel = (got - want).abs() / want.abs();
    assert!(
        rel < tol,
        "{what} {key}: got {got}, R {want} (relative difference {rel:e})"
    );
}

fn check_case(s: &Value, case: &str, expected: &HashMap<(String, String, String), f64>) -> usize {
    let mut checked = 0;
    for ((c, what, key), &want) in expected {
        if c != case {
            continue;
        }
        let parts: Vec<&str> = key.split(' ').collect();
        let got = match what.as_str() {
            "share" | "se" | "deff" | "ci_low" | "ci_high" => {
                option(question(s, parts[0]), parts[1])[what.as_str()].as_f64()
            }
            "mean" | "mean_se" | "median" | "median_ci_low" | "median_ci_high" => {
                let q = question(s, key);
                let field = match what.as_str() {
                    "mean_se" => "se",
                    "mean" => "mean",
                    other => other,
                };
                q[field].as_f64().or_else(|| q["number"][field].as_f64())
            }
            "by_share" | "by_se" => {
                let q = question(s, parts[0]);
                let b = &q["breakdowns"][0];
                let cat = b["categories"]
                    .as_array()
                    .and_then(|cs| cs.iter().find(|c| c["code"] == parts[2]))
                    .unwrap_or_else(|| panic!("category {}", parts[2]));
                let field = if what == "by_share" { "share" } else { "se" };
                option(cat, parts[1])[field].as_f64()
            }
            w if w.starts_with("chisq") => {
                let t = &question(s, key)["breakdowns"][0]["test"];
                let field = match w {
                    "chisq_f" => "f",
                    "chisq_ndf" => "ndf",
                    "chisq_ddf" => "ddf",
                    _ => "p_value",
                };
                t[field].as_f64()
            }
            other => panic!("unknown reference figure {other}"),
        };
        let got = got.unwrap_or_else(|| panic!("{case}: {what} {key} missing from the summary"));
        close(what, &format!("{case} {key}"), got, want);
        checked += 1;
    }
    checked
}

fn designs_match_r_survey(backend: Backend) {
    let expected = expected();
    for (case, data) in [
        ("strat", "apistrat.csv"),
        ("clus1", "apiclus1.csv"),
        ("clus1_raked", "apiclus1.csv"),
        ("strat_frac", "apistrat_frac.csv"),
    ] {
        let db = TestDb::new(&backend);
        let s = summary(&db, case, data);
        assert!(s["design_error"].is_null(), "{case}: {}", s["design_error"]);
        let (strata, psus) = if case.starts_with("strat") { (3, 200) } else { (1, 15) };
        assert_eq!(s["design"]["strata"], strata, "{case}: {}", s["design"]);
        assert_eq!(s["design"]["psus"], psus, "{case}: {}", s["design"]);
        assert_eq!(s["design"]["fpc"], true);
        let n = check_case(&s, case, &expected);
        assert!(n >= 50, "{case}: only {n} reference figures checked");
    }
}
backend_tests!(designs_match_r_survey);

#[test]
fn a_file_without_the_design_columns_is_refused_whole() {
    let db = TestDb::new(&Backend::Sqlite);
    let s = summary(&db, "strat", "apistrat.csv");
    assert!(s["design_error"].is_null());
    // The same answers without the design columns: a file the design does not fit is refused, whole.
    let plain = std::env::temp_dir().join(format!("opros-design-{}.csv", std::process::id()));
    let text = std::fs::read_to_string(dir().join("apistrat.csv")).unwrap();
    let stripped: String = text
        .lines()
        .map(|l| l.split(',').take(5).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&plain, stripped).unwrap();
    let (ok, _, err) = opros(&db, &["responses", "import", "api-strat", plain.to_str().unwrap()]);
    let _ = std::fs::remove_file(&plain);
    assert!(!ok);
    assert!(
        err.contains("the survey's design names column 'stratum' (strata), which the file does not have"),
        "{err}"
    );
    let (ok, out, _) = opros(&db, &["report", "api-strat", "--json"]);
    assert!(ok);
    let after: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(after["n"], 200, "nothing of the refused file was stored");
}

#[test]
fn bad_design_values_are_refused_with_line_and_column() {
    let db = TestDb::new(&Backend::Sqlite);
    let yaml = dir().join("strat.yaml");
    assert!(opros(&db, &["survey", "import", yaml.to_str().unwrap()]).0);
    let bad = std::env::temp_dir().join(format!("opros-design-bad-{}.csv", std::process::id()));
    std::fs::write(
        &bad,
        "stype,awards,sch_wide,api00,enroll,stratum,pw,fpc\nE,No,Yes,840,276,E,-3,4421\nE,No,Yes,840,276,,44.2,x\n",
    )
    .unwrap();
    let (ok, _, err) = opros(&db, &["responses", "import", "api-strat", bad.to_str().unwrap()]);
    let _ = std::fs::remove_file(&bad);
    assert!(!ok);
    assert!(
        err.contains("line 2: design weight 'pw' must be a positive number, not '-3'"),
        "{err}"
    );
    assert!(
        err.contains("line 3: design column 'stratum' (strata) is empty"),
        "{err}"
    );
    assert!(err.contains("line 3: fpc 'fpc' must be a population size"), "{err}");
}
