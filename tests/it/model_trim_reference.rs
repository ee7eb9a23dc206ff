//! A design-based regression on a raked then trimmed design (`opros model --json`) against R `svyglm`
//! on `calibrate()` + `trimWeights()` (tests/reference/model_trim/make_reference.R): coefficients to 1e-8
//! and SEs to 1e-6 relative, linear and logistic. R computes the variance with the calibration's weights
//! before trimming, as the summaries do; the untrimmed design's SEs (also in expected.csv) differ by a third.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::common::{backend_tests, run_opros as opros, Backend, TestDb};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/model_trim")
}

/// (model, R term, statistic) → value
fn expected() -> HashMap<(String, String, String), f64> {
    let mut rdr = csv::Reader::from_path(dir().join("expected.csv")).expect("expected.csv");
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            let key = (r[0].to_owned(), r[1].to_owned(), r[2].to_owned());
            (key, r[3].parse::<f64>().expect("number"))
        })
        .collect()
}

fn model(db: &TestDb, args: &[&str]) -> Value {
    let mut all = vec!["model", "model-trim", "--json"];
    all.extend_from_slice(args);
    let (ok, out, err) = opros(db, &all);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("model JSON")
}

fn compare(fit: &Value, name: &str, exp: &HashMap<(String, String, String), f64>) -> usize {
    let mut compared = 0;
    for t in fit["terms"].as_array().expect("terms") {
        // R names a factor level `sexm`, Opros `sex=m`.
        let term = t["name"].as_str().expect("name").replace('=', "");
        for (stat, tol) in [("estimate", 1e-8), ("se", 1e-6)] {
            let want = exp[&(name.to_owned(), term.clone(), stat.to_owned())];
            let got = t[stat].as_f64().expect("number");
            assert!(
                (got - want).abs() <= tol * want.abs(),
                "{name} {term} {stat}: got {got}, R says {want}"
            );
            compared += 1;
        }
    }
    compared
}

fn trimmed_models_match_r(backend: Backend) {
    let db = TestDb::new(&backend);
    let yaml = dir().join("poll.yaml");
    let (ok, _, err) = opros(&db, &["survey", "import", yaml.to_str().unwrap()]);
    assert!(ok, "{err}");
    let data = dir().join("poll.csv");
    let (ok, out, err) = opros(&db, &["responses", "import", "model-trim", data.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("2000 responses imported"), "{out}");
    let exp = expected();
    let linear = model(&db, &["--y", "x", "--x", "sex+district"]);
    assert_eq!(compare(&linear, "linear", &exp), 8);
    let logistic = model(&db, &["--y", "y=a", "--x", "sex+age", "--family", "logistic"]);
    assert_eq!(compare(&logistic, "logistic", &exp), 10);
    // The SE on the untrimmed design is not what a trimmed design gives.
    let raked = exp[&("linear_raked".into(), "sexm".into(), "se".into())];
    let got = linear["terms"][1]["se"].as_f64().expect("se");
    assert!((got - raked).abs() > 0.05 * raked, "{got} vs untrimmed {raked}");
}
backend_tests!(trimmed_models_match_r);
