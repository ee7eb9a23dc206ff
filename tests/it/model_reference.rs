//! Design-based regression (`opros model`) checked against R `survey::svyglm`
//! (`tests/reference/regression/make_reference.R`): linear, linear with a factor (treatment contrasts) and
//! logistic models, the Wald F test of a factor (`regTermTest`; with the factor alone, the F test of equal
//! means) and the difference of two categories' means (`svyby` + `svycontrast`) on the stratified `apistrat`, the cluster sample `apiclus1` and `apiclus1` raked to
//! school-type totals. Coefficients to 1e-8 relative, SEs and interval bounds to 1e-6 relative, p-values
//! to 1e-6 absolute; degrees of freedom and cases used exactly. Bad models get their reason.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::common::{backend_tests, run_opros as opros, Backend, TestDb};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/regression")
}

type Expected = HashMap<(String, String, String, String), f64>;

/// (case, model, what, term) → value
fn expected() -> Expected {
    let mut rdr = csv::Reader::from_path(dir().join("expected.csv")).expect("expected.csv");
    rdr.records()
        .map(|r| {
            let r = r.expect("row");
            let key = (r[0].to_owned(), r[1].to_owned(), r[2].to_owned(), r[3].to_owned());
            (key, r[4].parse::<f64>().expect("number"))
        })
        .collect()
}

fn import(db: &TestDb, case: &str, data: &str) -> String {
    let yaml = dir().join(format!("{case}.yaml"));
    let (ok, _, err) = opros(db, &["survey", "import", yaml.to_str().unwrap()]);
    assert!(ok, "{err}");
    let slug = format!("reg-{}", case.replace('_', "-"));
    let (ok, _, err) = opros(db, &["responses", "import", &slug, dir().join(data).to_str().unwrap()]);
    assert!(ok, "{err}");
    slug
}

/// The model's arguments, per reference model.
fn args(model: &str) -> Vec<&'static str> {
    match model {
        "linear" => vec!["--y", "api00", "--x", "ell+meals+mobility"],
        "factor" => vec!["--y", "api00", "--x", "stype+enroll"],
        "logistic" => vec!["--y", "sch_wide=Yes", "--x", "ell+stype", "--family", "logistic"],
        "oneway" => vec!["--y", "api00", "--x", "stype"],
        other => panic!("unknown model {other}"),
    }
}

/// R's term names: `stypeH` is our `stype=H`.
fn our_name(term: &str) -> String {
    match term.strip_prefix("stype") {
        Some(code) if !code.is_empty() => format!("stype={code}"),
        _ => term.to_owned(),
    }
}

fn fit(db: &TestDb, slug: &str, model: &str) -> Value {
    let mut all = vec!["model", slug];
    all.extend(args(model));
    all.push("--json");
    let (ok, out, err) = opros(db, &all);
    assert!(ok, "{model}: {err}");
    serde_json::from_str(&out).expect("model JSON")
}

fn check(case: &str, model: &str, got: &Value, expected: &Expected) -> usize {
    let mut checked = 0;
    for ((c, m, what, term), &want) in expected {
        if c != case || m != model {
            continue;
        }
        let value = match what.as_str() {
            "df" | "n" => got[what.as_str()].as_f64(),
            w if w.starts_with("wald_") => {
                let t = got["tests"]
                    .as_array()
                    .and_then(|ts| ts.iter().find(|t| t["variable"] == term.as_str()))
                    .unwrap_or_else(|| panic!("{case} {model}: no test of {term}"));
                let field = match w {
                    "wald_f" => "f",
                    "wald_p" => "p_value",
                    other => other.trim_start_matches("wald_"),
                };
                t[field].as_f64()
            }
            _ => {
                let name = our_name(term);
                let t = got["terms"]
                    .as_array()
                    .and_then(|ts| ts.iter().find(|t| t["name"] == name.as_str()))
                    .unwrap_or_else(|| panic!("{case} {model}: no term {name} in {}", got["terms"]));
                // a difference between two categories (svyby + svycontrast) is the one-way model's coefficient
                let field = match what.as_str() {
                    "p" => "p_value",
                    "difference" => "estimate",
                    "difference_se" => "se",
                    other => other,
                };
                t[field].as_f64()
            }
        };
        let value = value.unwrap_or_else(|| panic!("{case} {model}: {what} {term} missing"));
        let label = format!("{case} {model} {what} {term}");
        match what.as_str() {
            "df" | "n" | "wald_ndf" | "wald_ddf" => assert_eq!(value, want, "{label}"),
            "p" | "wald_p" => assert!((value - want).abs() < 1e-6, "{label}: got {value}, R {want}"),
            w => {
                let tol = if w == "estimate" || w == "difference" {
                    1e-8
                } else {
                    1e-6
                };
                let rel = (value - want).abs() / want.abs();
                assert!(rel < tol, "{label}: got {value}, R {want} (relative {rel:e})");
            }
        }
        checked += 1;
    }
    checked
}

fn models_match_r_svyglm(backend: Backend) {
    let expected = expected();
    for (case, data) in [
        ("strat", "apistrat.csv"),
        ("clus1", "apiclus1.csv"),
        ("clus1_raked", "apiclus1.csv"),
    ] {
        let db = TestDb::new(&backend);
        let slug = import(&db, case, data);
        for model in ["linear", "factor", "logistic", "oneway"] {
            let got = fit(&db, &slug, model);
            let n = check(case, model, &got, &expected);
            assert!(n >= 17, "{case} {model}: only {n} reference figures checked");
            if model == "logistic" {
                let t = &got["terms"][1];
                let or = t["odds_ratio"].as_f64().unwrap();
                assert!((or - t["estimate"].as_f64().unwrap().exp()).abs() < 1e-12);
            }
            if model == "factor" {
                assert_eq!(got["terms"][1]["reference"], "School type: Elementary");
            }
        }
    }
}
backend_tests!(models_match_r_svyglm);

#[test]
fn bad_models_are_refused_with_their_reason() {
    let db = TestDb::new(&Backend::Sqlite);
    let slug = import(&db, "clus1", "apiclus1.csv");
    for (args, message) in [
        (
            vec!["--y", "api00", "--x", "nope"],
            "'nope' is not a variable this model can use; valid: stype, awards",
        ),
        (vec!["--y", "api00", "--x", "comment"], "'comment' is a text question"),
        (vec!["--y", "api00", "--x", "ell+ell"], "'ell' appears more than once"),
        (vec!["--y", "api00", "--x", "api00"], "'api00' appears more than once"),
        (
            vec!["--y", "sch_wide", "--x", "ell"],
            "name one of them as sch_wide=CODE",
        ),
        (
            vec!["--y", "sch_wide=Maybe", "--x", "ell"],
            "'Maybe' is not a code of 'sch_wide'; valid: No, Yes",
        ),
        (
            // the 8 districts with high schools leave 7 degrees of freedom for 8 parameters
            vec![
                "--y",
                "api00",
                "--x",
                "ell+meals+mobility+enroll+awards+sch_wide+awards=Yes",
                "--filter",
                "stype:H",
            ],
            "the model has 8 parameters but the design has only 7 degrees of freedom",
        ),
        (
            vec!["--y", "awards=Yes", "--x", "sch_wide", "--family", "logistic"],
            "perfectly separated",
        ),
        (
            vec!["--y", "api00", "--x", "ell", "--filter", "sch_wide:No,awards:Yes"],
            "no respondent has",
        ),
    ] {
        let mut all = vec!["model", slug.as_str()];
        all.extend(args.iter().copied());
        let (ok, _, err) = opros(&db, &all);
        assert!(!ok, "{args:?} was accepted");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // A text table without --json.
    let (ok, out, err) = opros(&db, &["model", &slug, "--y", "api00", "--x", "ell+stype"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("Linear model of API in 2000 (api00), 183 cases, 11 degrees of freedom"),
        "{out}"
    );
    assert!(
        out.contains("stype=H") && out.contains("vs School type: Elementary"),
        "{out}"
    );
}
