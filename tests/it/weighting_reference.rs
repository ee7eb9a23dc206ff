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
        ..Default::default()
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
        ..Default::default()
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

/// Raking then strict additive trimming to [0.3, 3] × the mean weight, as R `calibrate()` +
/// `trimWeights()` (tests/reference/trim/make_reference.R): the weights, and the SEs, intervals and
/// Rao–Scott test, which R computes with the calibration's stored weights (see
/// `stats::Design::calibrated_weights`). Every row of R's expected.csv is compared.
#[test]
fn trimmed_raking_variances_match_r() {
    use opros::stats::{self, Calibration, CiMethod, CrosstabOptions, Design, ShareOptions};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/trim");
    let mut r = csv::Reader::from_path(dir.join("data.csv")).expect("data.csv");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    let n = rows.len();
    let w0: Vec<f64> = rows.iter().map(|row| row[4].parse().expect("w0")).collect();
    let mut sample = Sample::new(n);
    sample.set_base_weights(w0.clone()).expect("base weights");
    for (col, name) in [(1, "sex"), (2, "age"), (3, "district")] {
        sample
            .add_variable(name, rows.iter().map(|row| Some(row[col].to_owned())))
            .expect("variable");
    }
    let scheme: Scheme = serde_norway::from_str(
        "method: raking\nvariables: [sex, age, district]\ntargets:\n  total: 1000000\n  margins:\n    \
         sex: {f: 520000, m: 480000}\n    age: {\"18-29\": 200000, \"30-44\": 260000, \"45-59\": 250000, \
         \"60+\": 290000}\n    district: {centre: 450000, north: 300000, south: 250000}\n\
         trim: {lower: 0.3, upper: 3, relative_to_mean: true, strict: true}\n",
    )
    .expect("scheme");
    let targets = scheme.targets.clone().expect("targets");
    let out = weighting::weight(&sample, &scheme, &targets).expect("weights");
    let mut wr = csv::Reader::from_path(dir.join("weights.csv")).expect("weights.csv");
    let r_weights: Vec<(f64, f64)> = wr
        .records()
        .map(|x| {
            let x = x.expect("row");
            (x[1].parse().expect("raked"), x[2].parse().expect("trimmed"))
        })
        .collect();
    let before = out
        .model
        .calibrated_weights
        .clone()
        .expect("trimming changed the weights");
    for (i, ((raked, trimmed), (b, w))) in r_weights.iter().zip(before.iter().zip(&out.weights)).enumerate() {
        assert!((b - raked).abs() <= 1e-9 * raked, "row {i}: raked {b} vs R {raked}");
        assert!(
            (w - trimmed).abs() <= 1e-9 * trimmed,
            "row {i}: trimmed {w} vs R {trimmed}"
        );
    }
    let design = Design {
        weights: out.weights.clone(),
        calibration: Some(Calibration::Calibrated {
            variables: (0..3)
                .map(|v| (0..n).map(|i| out.model.category(i, v).expect("category")).collect())
                .collect(),
            base_weights: w0,
        }),
        calibrated_weights: Some(before),
        ..Design::default()
    };
    let prep = design.clone().prepare().expect("design");
    let level = |col: usize, codes: &[&str]| -> Vec<Option<usize>> {
        rows.iter()
            .map(|row| codes.iter().position(|c| *c == &row[col]))
            .collect()
    };
    let y = level(5, &["a", "b", "c"]);
    let district = level(3, &["centre", "north", "south"]);
    let x: Vec<Option<f64>> = rows.iter().map(|row| row[6].parse().ok()).collect();
    let opts = ShareOptions {
        method: CiMethod::Logit,
        level: 0.95,
    };
    let shares = stats::shares(&prep, &y, 3, &opts).expect("shares");
    let mean = stats::mean(&prep, &x, 0.95).expect("mean");
    let test = stats::crosstab(&prep, &y, 3, &district, 3, &CrosstabOptions::default())
        .expect("crosstab")
        .test
        .expect("a test");
    let z = 1.959_963_984_540_054; // qnorm(0.975): R's confint(svymean) is a normal (Wald) interval
    let share = |term: &str| {
        let k = ["ya", "yb", "yc"].iter().position(|t| *t == term).expect("term");
        shares.categories[k].clone()
    };
    let mut er = csv::Reader::from_path(dir.join("expected.csv")).expect("expected.csv");
    let mut compared = 0;
    for row in er.records() {
        let row = row.expect("row");
        let (stat, term, value) = (&row[0], &row[1], row[2].parse::<f64>().expect("value"));
        let got = match stat {
            "n_trimmed" => out
                .weights
                .iter()
                .zip(&r_weights)
                .filter(|(w, (raked, _))| (*w - raked).abs() > 1e-12 * raked)
                .count() as f64,
            "share" => share(term).share.expect("share"),
            "share_se" => share(term).se.expect("se"),
            "share_ci_low" => share(term).share.expect("share") - z * share(term).se.expect("se"),
            "share_ci_high" => share(term).share.expect("share") + z * share(term).se.expect("se"),
            "mean" => mean.mean.expect("mean"),
            "mean_se" => mean.se.expect("se"),
            "mean_ci_low" => mean.ci_low.expect("ci"),
            "mean_ci_high" => mean.ci_high.expect("ci"),
            "rao_scott_f" => test.f,
            "rao_scott_ndf" => test.ndf,
            "rao_scott_ddf" => test.ddf,
            "rao_scott_p" => test.p_value,
            // The untrimmed raked design: the same SE as the trimmed one would be wrong by this much.
            "raked_share_se" => {
                let raked = Design {
                    weights: r_weights.iter().map(|(w, _)| *w).collect(),
                    calibration: design.calibration.clone(),
                    ..Design::default()
                }
                .prepare()
                .expect("raked design");
                let k = ["ya", "yb", "yc"].iter().position(|t| *t == term).expect("term");
                stats::shares(&raked, &y, 3, &opts).expect("shares").categories[k]
                    .se
                    .expect("se")
            }
            other => panic!("expected.csv has a statistic no test compares: {other}"),
        };
        let tol = 1e-9 * value.abs().max(1e-300);
        assert!((got - value).abs() <= tol, "{stat} {term}: {got} vs R {value}");
        compared += 1;
    }
    assert_eq!(compared, 24);
}

/// The errors a sample or a scheme can raise before or during weighting, each triggered and named.
#[test]
fn weighting_errors_say_what_is_wrong() {
    let scheme = |yaml: &str| -> Scheme { serde_norway::from_str(yaml).expect("scheme") };
    let mut sample = Sample::new(3);
    match sample.set_base_weights(vec![1.0, 2.0]) {
        Err(WeightingError::BadSample(msg)) => assert!(msg.contains("2 starting weights for 3"), "{msg}"),
        other => panic!("expected BadSample, got {other:?}"),
    }
    match sample.set_base_weights(vec![1.0, 0.0, 2.0]) {
        Err(e @ WeightingError::BadBaseWeight { row: 2, .. }) => {
            assert!(e.to_string().contains("respondent #2"), "{e}");
        }
        other => panic!("expected BadBaseWeight, got {other:?}"),
    }
    // Everyone lacks the weighting variable.
    let mut empty = Sample::new(4);
    empty.add_variable("sex", [None::<&str>; 4]).expect("variable");
    let s = scheme("method: raking\nvariables: [sex]\ntargets:\n  margins:\n    sex: {f: 0.5, m: 0.5}\n");
    let targets = s.targets.clone().expect("targets");
    match weighting::weight(&empty, &s, &targets) {
        Err(e @ WeightingError::NoRespondents { n: 4, excluded: 4 }) => {
            assert!(e.to_string().contains("no respondent can be weighted"), "{e}");
        }
        other => panic!("expected NoRespondents, got {:?}", other.map(|w| w.weights)),
    }
    // 90% women calibrated to 50% with g limited to [0.9, 1.1]: no weights within the bounds reach it.
    let mut skewed = Sample::new(100);
    skewed
        .add_variable("sex", (0..100).map(|i| Some(if i < 90 { "f" } else { "m" })))
        .expect("variable");
    let s = scheme(
        "method: linear\nvariables: [sex]\nbounds: [0.9, 1.1]\ntargets:\n  margins:\n    sex: {f: 0.5, m: 0.5}\n",
    );
    let targets = s.targets.clone().expect("targets");
    match weighting::weight(&skewed, &s, &targets) {
        Err(e @ WeightingError::BoundsInfeasible { .. }) => assert!(e.to_string().contains("0.9"), "{e}"),
        other => panic!("expected BoundsInfeasible, got {:?}", other.map(|w| w.weights)),
    }
}

/// Post-stratification on sex × age then strict trimming to [0.3, 3] × the mean weight, through the
/// report's weighting entry (`report::weigh_answers`, design weights as base weights) and the estimators, as
/// R `postStratify()` + `trimWeights()` (tests/reference/trim/make_poststrat.R): the weights, and the SEs,
/// intervals, domain shares and Rao–Scott test, which R computes with the post-strata's stored untrimmed
/// weights. Every row of R's poststrat_expected.csv is compared, to 1e-6 relative (1e-9 for estimates).
#[test]
fn poststratified_and_trimmed_variances_match_r() {
    use opros::definition::{parse_definition, Answer, Answers, DesignValues};
    use opros::stats::{self, CiMethod, CrosstabOptions, Design, ShareOptions};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/trim");
    let mut r = csv::Reader::from_path(dir.join("data.csv")).expect("data.csv");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    let choice = |id: &str, codes: &[&str]| {
        let options: Vec<String> = codes
            .iter()
            .map(|c| format!("          - {{code: \"{c}\", label: {{en: \"{c}\"}}}}\n"))
            .collect();
        format!(
            "      - id: {id}\n        type: single_choice\n        text: {{en: \"{id}\"}}\n        options:\n{}",
            options.concat()
        )
    };
    let cells: String = [
        ("f", "18-29", 104000),
        ("m", "18-29", 96000),
        ("f", "30-44", 130000),
        ("m", "30-44", 130000),
        ("f", "45-59", 131000),
        ("m", "45-59", 119000),
        ("f", "60+", 155000),
        ("m", "60+", 135000),
    ]
    .iter()
    .map(|(s, a, n)| format!("      - {{sex: \"{s}\", age: \"{a}\", count: {n}}}\n"))
    .collect();
    let source = format!(
        "slug: ps-trim\ntitle: {{en: \"Post-stratified and trimmed\"}}\ntopic: test\nlanguages: [en]\npages:\n  - id: p\n    questions:\n{}{}{}{}      - id: x\n        type: number\n        text: {{en: \"x\"}}\ndesign: {{weight: w0}}\nweighting:\n  method: poststratify\n  variables: [sex, age]\n  targets:\n    cells:\n{cells}  trim: {{lower: 0.3, upper: 3, relative_to_mean: true, strict: true}}\nreport: {{min_cell: 1}}\n",
        choice("sex", &["f", "m"]),
        choice("age", &["18-29", "30-44", "45-59", "60+"]),
        choice("district", &["centre", "north", "south"]),
        choice("y", &["a", "b", "c"]),
    );
    let def = parse_definition(&source, "ps-trim.yaml").expect("definition");
    let answers: Vec<Answers> = rows
        .iter()
        .map(|row| {
            let mut a = Answers::new();
            for (col, id) in [(1, "sex"), (2, "age"), (3, "district"), (5, "y")] {
                a.insert(id.to_owned(), Answer::choice(&row[col]));
            }
            a.insert("x".to_owned(), Answer::Number(row[6].parse().expect("x")));
            a
        })
        .collect();
    let design: Vec<Option<DesignValues>> = rows
        .iter()
        .map(|row| {
            Some(DesignValues {
                weight: Some(row[4].parse().expect("w0")),
                ..DesignValues::default()
            })
        })
        .collect();
    let weighed = opros::report::weigh_answers(&def, None, &answers, Some(&design));
    assert!(weighed.failure.is_none(), "{:?}", weighed.failure);
    let mut wr = csv::Reader::from_path(dir.join("poststrat_weights.csv")).expect("poststrat_weights.csv");
    let r_weights: Vec<(f64, f64)> = wr
        .records()
        .map(|x| {
            let x = x.expect("row");
            (x[1].parse().expect("poststratified"), x[2].parse().expect("trimmed"))
        })
        .collect();
    assert_eq!(r_weights.len(), weighed.weights.len());
    for (i, ((_, trimmed), w)) in r_weights.iter().zip(&weighed.weights).enumerate() {
        assert!(
            (w - trimmed).abs() <= 1e-9 * trimmed,
            "row {i}: trimmed {w} vs R {trimmed}"
        );
    }
    let level = |col: usize, codes: &[&str]| -> Vec<Option<usize>> {
        rows.iter()
            .map(|row| codes.iter().position(|c| *c == &row[col]))
            .collect()
    };
    let y = level(5, &["a", "b", "c"]);
    let district = level(3, &["centre", "north", "south"]);
    let x: Vec<Option<f64>> = rows.iter().map(|row| row[6].parse().ok()).collect();
    let design = Design {
        weights: weighed.weights.clone(),
        calibration: weighed.calibration.clone(),
        calibrated_weights: weighed.calibrated_weights.clone(),
        ..Design::default()
    };
    let prep = design.prepare().expect("design");
    let opts = ShareOptions {
        method: CiMethod::Logit,
        level: 0.95,
    };
    let shares = stats::shares(&prep, &y, 3, &opts).expect("shares");
    let mean = stats::mean(&prep, &x, 0.95).expect("mean");
    let tab = stats::crosstab(&prep, &y, 3, &district, 3, &CrosstabOptions::default()).expect("crosstab");
    let test = tab.test.expect("a test");
    // The weights before trimming with the same model: the SEs R gives the untrimmed design.
    let untrimmed = Design {
        weights: r_weights.iter().map(|(w, _)| *w).collect(),
        calibration: weighed.calibration.clone(),
        ..Design::default()
    }
    .prepare()
    .expect("untrimmed design");
    let untrimmed = stats::shares(&untrimmed, &y, 3, &opts).expect("shares");
    let k_of = |code: &str| {
        ["a", "b", "c"]
            .iter()
            .position(|c| *c == code.trim_start_matches('y'))
            .expect("code")
    };
    let share = |code: &str| shares.categories[k_of(code)].clone();
    let cell = |term: &str| {
        let (dist, code) = term.split_once(' ').expect("district and code");
        let j = ["centre", "north", "south"]
            .iter()
            .position(|d| *d == dist)
            .expect("district");
        let col = tab.columns.iter().find(|c| c.category == j).expect("column");
        col.cells[k_of(code)].estimate.clone()
    };
    let mut er = csv::Reader::from_path(dir.join("poststrat_expected.csv")).expect("poststrat_expected.csv");
    let mut compared = 0;
    for row in er.records() {
        let row = row.expect("row");
        let (stat, term, value) = (&row[0], &row[1], row[2].parse::<f64>().expect("value"));
        let (got, rel) = match stat {
            "share" => (share(term).share, 1e-9),
            "share_se" => (share(term).se, 1e-6),
            "share_ci_low" => (share(term).ci_low, 1e-6),
            "share_ci_high" => (share(term).ci_high, 1e-6),
            "mean" => (mean.mean, 1e-9),
            "mean_se" => (mean.se, 1e-6),
            "mean_ci_low" => (mean.ci_low, 1e-6),
            "mean_ci_high" => (mean.ci_high, 1e-6),
            "by_district_share" => (cell(term).share, 1e-9),
            "by_district_se" => (cell(term).se, 1e-6),
            "rao_scott_f" => (Some(test.f), 1e-6),
            "rao_scott_ndf" => (Some(test.ndf), 1e-6),
            "rao_scott_ddf" => (Some(test.ddf), 1e-6),
            "rao_scott_p" => (Some(test.p_value), 1e-6),
            "untrimmed_share_se" => (untrimmed.categories[k_of(term)].se, 1e-6),
            other => panic!("poststrat_expected.csv has a statistic no test compares: {other}"),
        };
        let got = got.unwrap_or_else(|| panic!("{stat} {term}: no value"));
        assert!(
            (got - value).abs() <= rel * value.abs(),
            "{stat} {term}: {got} vs R {value}"
        );
        compared += 1;
    }
    assert_eq!(compared, 41);
}
