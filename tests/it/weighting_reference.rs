//! Weights compared with R `survey` (Lumley), to 1e-9 relative.
//!
//! The data, schemes and expected weights in tests/reference/weighting/ were written by
//! tests/reference/weighting/make_reference.R (see `cases.csv` for the R call behind every case); rerun it
//! with R and `r-cran-survey` to regenerate. These tests never need R.

use std::path::{Path, PathBuf};

use opros::weight_file::{run, WeightFileError, WeightFileOptions};
use opros::weighting::{self, Sample, Scheme, WeightingError};

const REL_TOL: f64 = 1e-9;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/weighting")
}

/// (data file, id column) of a case, from cases.csv.
fn case_files(case: &str) -> (PathBuf, String) {
    let mut r = csv::Reader::from_path(dir().join("cases.csv")).expect("cases.csv");
    for row in r.records() {
        let row = row.expect("cases.csv row");
        if &row[0] == case {
            return (dir().join(&row[1]), row[2].to_owned());
        }
    }
    panic!("case {case} is not in cases.csv");
}

/// id,weight rows of a CSV text; None for an empty weight (excluded respondent).
fn parse_weights(text: &[u8]) -> Vec<(String, Option<f64>)> {
    let mut r = csv::Reader::from_reader(text);
    assert_eq!(r.headers().expect("header"), vec!["id", "weight"]);
    r.records()
        .map(|row| {
            let row = row.expect("row");
            let w = if row[1].is_empty() {
                None
            } else {
                Some(row[1].parse::<f64>().expect("number"))
            };
            (row[0].to_owned(), w)
        })
        .collect()
}

fn run_case(case: &str, json: bool) -> (Vec<u8>, Vec<u8>) {
    let (data, id) = case_files(case);
    let opts = WeightFileOptions {
        data,
        scheme: dir().join(format!("{case}.scheme.yaml")),
        id: Some(id),
        out: None,
        json,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    if let Err(e) = run(&opts, &mut out, &mut err) {
        panic!("{case}: {e}");
    }
    (out, err)
}

fn check_case(case: &str) {
    let (out, err) = run_case(case, true);
    let ours = parse_weights(&out);
    let expected = parse_weights(&std::fs::read(dir().join(format!("{case}.expected.csv"))).expect("expected"));
    assert_eq!(ours.len(), expected.len(), "{case}: number of rows");
    let mut worst = 0.0f64;
    for ((id, w), (eid, ew)) in ours.iter().zip(&expected) {
        assert_eq!(id, eid, "{case}: ids out of order");
        match (w, ew) {
            (Some(w), Some(ew)) => {
                let rel = (w - ew).abs() / ew.abs();
                worst = worst.max(rel);
                assert!(
                    rel <= REL_TOL,
                    "{case}: respondent {id}: ours {w}, R {ew} (relative {rel:.2e})"
                );
            }
            (None, None) => {}
            _ => panic!("{case}: respondent {id}: ours {w:?}, R {ew:?}"),
        }
    }
    // Diagnostics must describe these weights: recompute deff and the extremes from R's weights.
    let d: serde_json::Value = serde_json::from_slice(&err).expect("one JSON object on stderr");
    let r: Vec<f64> = expected.iter().filter_map(|(_, w)| *w).collect();
    let n = r.len() as f64;
    let (sum, sum_sq) = (r.iter().sum::<f64>(), r.iter().map(|w| w * w).sum::<f64>());
    let close = |field: &str, value: f64| {
        let got = d[field].as_f64().unwrap_or_else(|| panic!("{case}: `{field}` missing"));
        assert!(
            (got - value).abs() <= 1e-8 * value.abs().max(1.0),
            "{case}: {field} = {got}, expected {value}"
        );
    };
    close("deff", n * sum_sq / (sum * sum));
    close("effective_n", sum * sum / sum_sq);
    close("weight_min", r.iter().copied().fold(f64::INFINITY, f64::min));
    close("weight_max", r.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    assert_eq!(d["n"].as_u64(), Some(r.len() as u64), "{case}: n");
    assert_eq!(d["converged"].as_bool(), Some(true), "{case}: converged");
    eprintln!("{case}: largest relative difference from R {worst:.2e}");
}

macro_rules! reference_cases {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { check_case(stringify!($name)); } )*
        const CASES: &[&str] = &[$(stringify!($name)),*];
    };
}

reference_cases!(
    apiclus1_poststratify,
    apiclus1_raking,
    apiclus1_linear,
    apiclus1_linear_bounded,
    apiclus1_logit,
    apistrat_raking,
    apistrat_linear,
    apistrat_logit,
    apistrat_raking_trim,
    apiclus2_trim,
    poll_raking,
    poll_linear,
    poll_logit,
    poll_linear_bounded,
    poll_raking_trim,
    poll_poststratify,
    poll_raking_impute,
);

#[test]
fn every_case_of_the_r_script_is_tested() {
    let mut r = csv::Reader::from_path(dir().join("cases.csv")).expect("cases.csv");
    let listed: Vec<String> = r.records().map(|row| row.expect("row")[0].to_owned()).collect();
    let mut tested: Vec<String> = CASES.iter().map(|c| c.to_string()).collect();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    tested.sort();
    assert_eq!(listed_sorted, tested);
}

/// R `trimWeights(strict = TRUE)` on the documentation example recurses until the C stack overflows: the
/// mean weight is above `upper`, so no trimmed weights keep the total. Opros says so.
#[test]
fn strict_trimming_with_mean_above_upper_bound_is_reported_as_infeasible() {
    let scheme_text = std::fs::read_to_string(dir().join("apiclus2_trim.scheme.yaml"))
        .expect("scheme")
        .replace("strict: false", "strict: true");
    let tmp = tempfile::tempdir().expect("tempdir");
    let scheme_path = tmp.path().join("strict.yaml");
    std::fs::write(&scheme_path, scheme_text).expect("write");
    let opts = WeightFileOptions {
        data: dir().join("apiclus2.csv"),
        scheme: scheme_path,
        id: Some("snum".into()),
        out: None,
        json: false,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    match run(&opts, &mut out, &mut err) {
        Err(WeightFileError::Weighting {
            source: WeightingError::TrimInfeasible { upper, mean, .. },
            ..
        }) => {
            assert_eq!(upper, 45.0);
            assert!(mean > 45.0);
        }
        other => panic!("expected TrimInfeasible, got {other:?}"),
    }
    assert!(out.is_empty(), "nothing is written on failure");
}

/// The pure API gives the same weights as the file edge, and margins given as shares (with a total) are
/// the same targets as counts.
#[test]
fn pure_api_and_shares_reproduce_r_raking_of_the_poll() {
    let text = std::fs::read_to_string(dir().join("poll_raking.scheme.yaml")).expect("scheme");
    let mut scheme: Scheme = serde_norway::from_str(&text).expect("yaml");
    let mut targets = scheme.targets.take().expect("inline targets");
    let total = targets.total.expect("total");
    for margin in targets.margins.values_mut() {
        for v in margin.values_mut() {
            *v /= total;
        }
    }
    let mut r = csv::Reader::from_path(dir().join("poll.csv")).expect("poll.csv");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    let mut sample = Sample::new(rows.len());
    for (col, name) in [(1, "sex"), (2, "age_group"), (3, "district")] {
        sample
            .add_variable(name, rows.iter().map(|row| Some(row[col].to_owned())))
            .expect("variable");
    }
    let out = weighting::weight(&sample, &scheme, &targets).expect("weights");
    let expected = parse_weights(&std::fs::read(dir().join("poll_raking.expected.csv")).expect("expected"));
    for (i, ((_, ew), w)) in expected.iter().zip(&out.weights).enumerate() {
        match ew {
            Some(ew) => assert!((w - ew).abs() <= REL_TOL * ew, "row {i}: {w} vs {ew}"),
            None => {
                assert_eq!(*w, 0.0);
                assert_eq!(out.model.cell(i), None);
            }
        }
    }
    assert_eq!(out.diagnostics.n_excluded, 17);
    assert!(out.diagnostics.max_gap < 1e-10);
}
