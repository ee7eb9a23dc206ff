//! Reference tests: `tests/reference/fay_herriot/make_reference.py` (Python `samplics`, REML).

use super::*;

const TOL: f64 = 1e-6;

struct Reference {
    areas: Vec<Area>,
    /// (kind, estimate, mse, gamma) per area.
    expected: Vec<(String, f64, f64, Option<f64>)>,
    sigma2_u: f64,
    beta: Vec<f64>,
}

fn rows(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

fn reference(data: &str, expected: &str, params: &str) -> Reference {
    let areas = rows(data)
        .into_iter()
        .map(|r| {
            let mut x = vec![1.0];
            x.extend(r[4..].iter().map(|v| num(v)));
            let direct = (r[1] == "1").then(|| (num(r[2]), num(r[3])));
            Area { x, direct }
        })
        .collect();
    let expected = rows(expected)
        .into_iter()
        .map(|r| {
            (
                r[1].to_string(),
                num(r[2]),
                num(r[3]),
                (!r[4].is_empty()).then(|| num(r[4])),
            )
        })
        .collect();
    let p = &rows(params)[0];
    Reference {
        areas,
        expected,
        sigma2_u: num(p[0]),
        beta: p[1..].iter().map(|v| num(v)).collect(),
    }
}

macro_rules! reference_set {
    ($name:literal) => {
        reference(
            include_str!(concat!("../../../tests/reference/fay_herriot/", $name, "_data.csv")),
            include_str!(concat!("../../../tests/reference/fay_herriot/", $name, "_expected.csv")),
            include_str!(concat!("../../../tests/reference/fay_herriot/", $name, "_params.csv")),
        )
    };
}

fn check(r: &Reference) {
    let fit = fit(&r.areas, &FitOptions::default()).expect("reference data set is estimable");
    assert!(
        (fit.sigma2_u - r.sigma2_u).abs() < 1e-9,
        "σ²ᵤ {} vs {}",
        fit.sigma2_u,
        r.sigma2_u
    );
    for (b, e) in fit.beta.iter().zip(&r.beta) {
        assert!((b - e).abs() < TOL, "β {b} vs {e}");
    }
    assert_eq!(fit.areas.len(), r.expected.len());
    for (i, (got, (kind, est, mse, gamma))) in fit.areas.iter().zip(&r.expected).enumerate() {
        let want_kind = if kind == "eblup" {
            EstimateKind::Eblup
        } else {
            EstimateKind::Synthetic
        };
        assert_eq!(got.kind, want_kind, "area {i}");
        assert!(
            (got.estimate - est).abs() < TOL,
            "area {i}: estimate {} vs {est}",
            got.estimate
        );
        assert!((got.mse - mse).abs() < TOL, "area {i}: mse {} vs {mse}", got.mse);
        // MSEs are ~1e-3: hold them to a relative 1e-6 as well.
        assert!(
            (got.mse - mse).abs() <= 1e-6 * mse,
            "area {i}: relative mse {} vs {mse}",
            got.mse
        );
        match (got.gamma, gamma) {
            (Some(g), Some(e)) => assert!((g - e).abs() < TOL, "area {i}: γ {g} vs {e}"),
            (None, None) => {}
            other => panic!("area {i}: shrinkage {other:?}"),
        }
    }
}

#[test]
fn matches_samplics_on_twenty_districts_with_two_covariates() {
    check(&reference_set!("districts20"));
}

#[test]
fn matches_samplics_with_a_district_without_sample() {
    let r = reference_set!("unsampled15");
    assert!(r.areas[4].direct.is_none());
    check(&r);
}

#[test]
fn matches_samplics_on_thirty_districts_with_two_unsampled() {
    check(&reference_set!("districts30"));
}

#[test]
fn variance_at_the_zero_boundary_is_not_estimable() {
    let r = reference_set!("flat12");
    assert_eq!(r.sigma2_u, 0.0, "samplics also puts σ²ᵤ at 0");
    assert_eq!(fit(&r.areas, &FitOptions::default()), Err(NotEstimable::VarianceAtZero));
}

fn area(x: f64, y: Option<f64>) -> Area {
    Area {
        x: vec![1.0, x],
        direct: y.map(|y| (y, 0.001)),
    }
}

#[test]
fn one_area_or_no_more_areas_than_covariates_is_not_estimable() {
    let one = [area(0.3, Some(0.4))];
    assert_eq!(
        fit(&one, &FitOptions::default()),
        Err(NotEstimable::TooFewAreas {
            sampled: 1,
            covariates: 2
        })
    );
    let two = [area(0.3, Some(0.4)), area(0.5, Some(0.6)), area(0.4, None)];
    assert_eq!(
        fit(&two, &FitOptions::default()),
        Err(NotEstimable::TooFewAreas {
            sampled: 2,
            covariates: 2
        })
    );
    assert_eq!(
        fit(&[], &FitOptions::default()),
        Err(NotEstimable::TooFewAreas {
            sampled: 0,
            covariates: 0
        })
    );
}

#[test]
fn collinear_covariates_and_bad_variances_are_refused_with_the_area() {
    let same_x: Vec<Area> = (0..5).map(|i| area(0.5, Some(0.1 * i as f64))).collect();
    assert_eq!(fit(&same_x, &FitOptions::default()), Err(NotEstimable::Collinear));
    let mut bad = vec![area(0.1, Some(0.2)), area(0.2, Some(0.5)), area(0.3, Some(0.1))];
    bad[1].direct = Some((0.5, 0.0));
    assert_eq!(
        fit(&bad, &FitOptions::default()),
        Err(NotEstimable::BadSamplingVariance { area: 1 })
    );
    bad[1].direct = Some((f64::NAN, 0.01));
    assert_eq!(
        fit(&bad, &FitOptions::default()),
        Err(NotEstimable::NotFinite { area: 1 })
    );
    bad[1] = Area {
        x: vec![1.0],
        direct: None,
    };
    assert_eq!(
        fit(&bad, &FitOptions::default()),
        Err(NotEstimable::CovariateLength {
            area: 1,
            got: 1,
            expected: 2
        })
    );
}

#[test]
fn shrinkage_moves_each_estimate_between_direct_and_synthetic_and_mse_below_direct_variance() {
    let r = reference_set!("districts20");
    let fit = fit(&r.areas, &FitOptions::default()).expect("estimable");
    for (a, e) in r.areas.iter().zip(&fit.areas) {
        let (y, psi) = a.direct.expect("all sampled");
        let (lo, hi) = if y < e.synthetic {
            (y, e.synthetic)
        } else {
            (e.synthetic, y)
        };
        assert!(e.estimate >= lo - 1e-15 && e.estimate <= hi + 1e-15);
        let g = e.gamma.expect("sampled");
        assert!(g > 0.0 && g < 1.0);
        // Borrowing strength: the model's MSE is below the direct estimate's variance.
        assert!(e.mse < psi, "mse {} ≥ ψ {psi}", e.mse);
    }
}
