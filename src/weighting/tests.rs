//! Unit tests of the engine's internals (the public behaviour is tested in tests/weighting_*.rs).

use super::calibrate::{solve_psd, Distance};
use super::targets::{resolve_cells, resolve_margins};
use super::*;

fn scheme(text: &str) -> Scheme {
    serde_norway::from_str(text).expect("scheme")
}

fn targets(text: &str) -> Targets {
    serde_norway::from_str(text).expect("targets")
}

/// A 2 × 2 sample with a strong association (odds ratio 5000); raking it to the near-even
/// [`FAR_MARGINS`] keeps that association, and IPF needs many sweeps to get there.
fn associated_sample() -> Sample {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (x, y, n) in [("0", "0", 200), ("0", "1", 2), ("1", "0", 3), ("1", "1", 150)] {
        for _ in 0..n {
            a.push(Some(x));
            b.push(Some(y));
        }
    }
    let mut s = Sample::new(a.len());
    s.add_variable("a", a).expect("a");
    s.add_variable("b", b).expect("b");
    s
}

const FAR_MARGINS: &str = "margins:
  a: {'0': 500, '1': 500}
  b: {'0': 499, '1': 501}
";

#[test]
fn newton_finishes_raking_when_ipf_is_slow_and_agrees_with_long_ipf() {
    let t = targets(FAR_MARGINS);
    let long = weight(
        &associated_sample(),
        &scheme("method: raking\nvariables: [a, b]\nmax_iterations: 100000\n"),
        &t,
    )
    .expect("long IPF");
    assert!(
        long.diagnostics.iterations > 30,
        "the case must be slow for IPF: {} sweeps",
        long.diagnostics.iterations
    );
    let short = weight(
        &associated_sample(),
        &scheme("method: raking\nvariables: [a, b]\nmax_iterations: 30\n"),
        &t,
    )
    .expect("IPF + Newton");
    assert!(short.diagnostics.notes.iter().any(|n| n.contains("Newton")));
    for (x, y) in long.weights.iter().zip(&short.weights) {
        assert!((x - y).abs() <= 1e-8 * x, "{x} vs {y}");
    }
}

#[test]
fn contradictory_margins_are_reported_as_non_convergence_naming_a_margin() {
    // Respondents only in cells (0,0) and (1,1): a and b are the same variable, with different targets.
    let mut s = Sample::new(4);
    s.add_variable("a", ["0", "0", "1", "1"].map(Some)).expect("a");
    s.add_variable("b", ["0", "0", "1", "1"].map(Some)).expect("b");
    let t = targets("margins:\n  a: {'0': 400, '1': 600}\n  b: {'0': 500, '1': 500}\n");
    let e = weight(&s, &scheme("method: raking\nvariables: [a, b]\n"), &t).expect_err("impossible");
    match &e {
        WeightingError::NotConverged { variable, gap, .. } => {
            assert!(variable == "a" || variable == "b");
            assert!(*gap > 0.01);
        }
        other => panic!("unexpected {other}"),
    }
    assert!(e.to_string().contains("did not converge"));
}

#[test]
fn shares_with_a_total_are_counts_and_rounding_is_scaled_away() {
    let vars = vec!["a".to_owned(), "b".to_owned()];
    let m = resolve_margins(
        &targets("total: 1000\nmargins:\n  a: {x: 0.25, y: 0.75}\n  b: {u: 501, v: 500}\n"),
        &vars,
    )
    .expect("margins");
    assert_eq!(m.vars[0].counts, vec![250.0, 750.0]);
    let b: f64 = m.vars[1].counts.iter().sum();
    assert!((b - 1000.0).abs() < 1e-9);
    assert_eq!(m.notes.len(), 1, "the 0.1% rounding is noted: {:?}", m.notes);

    let e = resolve_margins(
        &targets("total: 1000\nmargins:\n  a: {x: 250, y: 760}\n  b: {u: 500, v: 500}\n"),
        &vars,
    )
    .expect_err("1% apart");
    assert!(matches!(e, WeightingError::TotalsDisagree { .. }), "{e}");

    // Without a total, the first margin sets it.
    let m = resolve_margins(&targets("margins:\n  a: {x: 1, y: 3}\n  b: {u: 2, v: 2}\n"), &vars).expect("margins");
    assert_eq!(m.total, 4.0);
}

#[test]
fn cells_over_more_variables_are_summed_and_margins_derive_from_cells() {
    let t = targets(
        "cells:\n  - {a: x, b: u, count: 10}\n  - {a: x, b: v, count: 20}\n  - {a: y, b: u, count: 30}\n  - {a: y, b: v, count: 40}\n",
    );
    let c = resolve_cells(&t, &["a".to_owned()]).expect("cells");
    assert_eq!(c.cells.len(), 2);
    assert_eq!(c.cells[0].1, 30.0);
    assert_eq!(c.total, 100.0);
    let m = resolve_margins(&t, &["b".to_owned()]).expect("margins from cells");
    assert_eq!(m.vars[0].counts, vec![40.0, 60.0]);
}

#[test]
fn population_validation_lists_every_problem() {
    let p: Population = serde_norway::from_str(
        "name: ''\ntotal: 100\nmargins:\n  a: {x: -1, y: 101}\n  b: {u: 10, v: 10}\ncells:\n  - {a: x, count: 50}\n  - {a: x, count: 50}\n",
    )
    .expect("population");
    let problems = validate_population(&p);
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(text.iter().any(|t| t.contains("no `name`")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("-1")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("`b`") && t.contains("20")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("listed twice")), "{text:?}");

    let good: Population = serde_norway::from_str(
        "name: region\ntotal: 100\nmargins:\n  a: {x: 40, y: 60}\ncells:\n  - {a: x, b: u, count: 10}\n  - {a: x, b: v, count: 30}\n  - {a: y, b: u, count: 60}\n",
    )
    .expect("population");
    assert!(
        validate_population(&good).is_empty(),
        "{:?}",
        validate_population(&good)
    );
}

#[test]
fn cells_disagreeing_with_a_margin_are_a_problem() {
    let p: Population = serde_norway::from_str(
        "name: region\nmargins:\n  a: {x: 50, y: 50}\ncells:\n  - {a: x, count: 30}\n  - {a: y, count: 70}\n",
    )
    .expect("population");
    let problems = validate_population(&p);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

/// F is the derivative of Φ, and F' the derivative of F, for every distance (numerically).
#[test]
fn distance_functions_are_consistent() {
    let distances = [
        Distance::Raking,
        Distance::Linear { lower: 0.5, upper: 2.0 },
        Distance::Linear {
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
        },
        Distance::Logit { lower: 0.3, upper: 3.0 },
        Distance::Logit { lower: 0.0, upper: 1.5 },
    ];
    let h = 1e-6;
    for d in distances {
        assert!((d.f(0.0) - 1.0).abs() < 1e-15, "{d:?}: F(0) = 1");
        for u in [-3.0, -0.7, -0.2, 0.1, 0.4, 0.9, 2.5] {
            let dphi = (d.phi(u + h) - d.phi(u - h)) / (2.0 * h);
            assert!((dphi - d.f(u)).abs() < 1e-6, "{d:?} u={u}: Φ' {dphi} vs F {}", d.f(u));
            let df = (d.f(u + h) - d.f(u - h)) / (2.0 * h);
            assert!((df - d.df(u)).abs() < 1e-5, "{d:?} u={u}: F' {df} vs {}", d.df(u));
        }
        // Far out the logit stays finite and within its bounds.
        if let Distance::Logit { lower, upper } = d {
            for u in [-1e6, 1e6] {
                let g = d.f(u);
                assert!(g.is_finite() && g >= lower && g <= upper);
                assert!(d.phi(u).is_finite());
            }
        }
    }
}

#[test]
fn singular_systems_get_a_generalised_solution() {
    // Full rank: exact.
    let mut a = vec![4.0, 2.0, 2.0, 3.0];
    let x = solve_psd(&mut a, &[8.0, 7.0], 2);
    assert!((x[0] - 1.25).abs() < 1e-12 && (x[1] - 1.5).abs() < 1e-12, "{x:?}");
    // Second row/column zero (a category whose cells are all at a bound): that component is 0.
    let mut a = vec![2.0, 0.0, 0.0, 0.0];
    let x = solve_psd(&mut a, &[4.0, 0.0], 2);
    assert_eq!(x, vec![2.0, 0.0]);
}

#[test]
fn scheme_mistakes_are_caught_before_weighting() {
    let s = associated_sample();
    let t = targets(FAR_MARGINS);
    for (text, needle) in [
        ("method: logit\nvariables: [a, b]\n", "needs `bounds"),
        ("method: logit\nvariables: [a, b]\nbounds: [1.2, 3]\n", "0 <= L < 1 < U"),
        (
            "method: raking\nvariables: [a, b]\nbounds: [0.5, 2]\n",
            "`bounds` apply",
        ),
        ("method: raking\nvariables: [a, a]\n", "twice"),
        ("method: raking\nvariables: []\n", "empty"),
        ("method: raking\nvariables: [a, b]\ntolerance: 0\n", "tolerance"),
        (
            "method: raking\nvariables: [a, b]\ntrim: {lower: 3, upper: 2}\n",
            "below",
        ),
        (
            "method: raking\nvariables: [a, b]\nbase_weight: w\n",
            "starting weights",
        ),
        ("method: raking\nvariables: [a, c]\n", "`c` is not in"),
    ] {
        let e = weight(&s, &scheme(text), &t).expect_err(text);
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
}

#[test]
fn poststratification_errors_name_the_cell() {
    let s = associated_sample();
    let t = targets("cells:\n  - {a: '0', b: '0', count: 10}\n  - {a: '0', b: '1', count: 10}\n  - {a: '1', b: '1', count: 10}\n  - {a: '1', b: '2', count: 10}\n");
    let e = weight(&s, &scheme("method: poststratify\nvariables: [a, b]\n"), &t).expect_err("cell 1,0");
    let msg = e.to_string();
    assert!(
        matches!(
            e,
            WeightingError::UnknownCategory { .. } | WeightingError::UnknownCell { .. }
        ),
        "{msg}"
    );

    let t = targets("cells:\n  - {a: '0', b: '0', count: 10}\n  - {a: '0', b: '1', count: 10}\n  - {a: '1', b: '0', count: 10}\n  - {a: '1', b: '1', count: 10}\n  - {a: '2', b: '1', count: 10}\n");
    let mut s2 = Sample::new(4);
    s2.add_variable("a", ["0", "0", "1", "1"].map(Some)).expect("a");
    s2.add_variable("b", ["0", "1", "0", "1"].map(Some)).expect("b");
    let e = weight(&s2, &scheme("method: poststratify\nvariables: [a, b]\n"), &t).expect_err("empty");
    assert!(e.to_string().contains("a = 2, b = 1"), "{e}");
    assert!(e.to_string().contains("collapse"), "{e}");
}

#[test]
fn impute_mode_uses_the_heaviest_category() {
    let mut s = Sample::new(5);
    s.add_variable("a", [Some("x"), Some("y"), Some("y"), None, Some("x")])
        .expect("a");
    s.set_base_weights(vec![5.0, 1.0, 1.0, 1.0, 1.0]).expect("d");
    let sch = scheme("method: poststratify\nvariables: [a]\nmissing: impute_mode\nbase_weight: d\n");
    let out = weight(&s, &sch, &targets("margins:\n  a: {x: 60, y: 40}\n")).expect("weights");
    // x has starting weight 6 against 2 for y: the missing respondent joins x.
    assert_eq!(out.model.cell(3), out.model.cell(0));
    assert!(out.diagnostics.notes.iter().any(|n| n.contains("imputed as `x`")));
    let x_total: f64 = [0, 3, 4].iter().map(|&i| out.weights[i]).sum();
    assert!((x_total - 60.0).abs() < 1e-12);
}

#[test]
fn model_rows_follow_treatment_contrasts() {
    let mut s = Sample::new(4);
    s.add_variable("a", [Some("x"), Some("y"), Some("y"), None]).expect("a");
    s.add_variable("b", [Some("u"), Some("w"), Some("v"), Some("u")])
        .expect("b");
    let t = targets("margins:\n  a: {x: 30, y: 70}\n  b: {u: 30, v: 30, w: 40}\n");
    let out = weight(&s, &scheme("method: linear\nvariables: [a, b]\n"), &t).expect("weights");
    let m = &out.model;
    assert_eq!(m.n_columns(), 4); // intercept, a=y, b=v, b=w
    let mut row = Vec::new();
    assert!(m.row_columns(0, &mut row));
    assert_eq!(row, vec![0]);
    assert!(m.row_columns(1, &mut row));
    assert_eq!(row, vec![0, 1, 3]);
    assert!(m.row_columns(2, &mut row));
    assert_eq!(row, vec![0, 1, 2]);
    assert!(!m.row_columns(3, &mut row) && row.is_empty());
    assert_eq!(m.category(1, 1), Some(2));
    assert!(matches!(m.starting_weights, StartingWeights::Equal(d) if d == 100.0 / 3.0));
}

#[test]
fn scheme_validation_without_data_lists_every_problem() {
    let sch = scheme("method: logit\nvariables: [a, a, b]\ntolerance: -1\ntrim: {lower: 2, upper: 1}\n");
    let problems = validate_scheme(&sch, None);
    assert_eq!(problems.len(), 4, "{problems:?}"); // twice, tolerance, bounds, trim
    let sch = scheme("method: raking\nvariables: [a, b]\n");
    assert!(validate_scheme(&sch, Some(&targets(FAR_MARGINS))).is_empty());
    let problems = validate_scheme(&sch, Some(&targets("margins:\n  a: {x: 1}\n")));
    assert!(
        matches!(problems.as_slice(), [WeightingError::NoTargetsFor(v)] if v == "b"),
        "{problems:?}"
    );
    let sch = scheme("method: poststratify\nvariables: [a, b]\n");
    assert_eq!(
        validate_scheme(&sch, Some(&targets(FAR_MARGINS))).len(),
        1,
        "needs cells"
    );
}
