//! Properties and edge cases of `opros::stats` that hold for any data (R-independent checks).

use opros::stats::{
    benjamini_hochberg, crosstab, difference_of_independent, mean, median, option_shares, shares, Calibration,
    CiMethod, CrosstabOptions, Design, LonelyPsu, ShareOptions, SuppressRule,
};
use proptest::prelude::*;

const METHODS: [CiMethod; 3] = [CiMethod::Logit, CiMethod::Beta, CiMethod::Wilson];

fn opts(method: CiMethod) -> ShareOptions {
    ShareOptions { method, level: 0.95 }
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
}

// ------------------------------------------------------------------ edge cases

#[test]
fn no_respondents_gives_no_numbers_and_no_panic() {
    let prep = Design::weighted(vec![]).prepare().unwrap();
    for m in METHODS {
        let s = shares(&prep, &[], 3, &opts(m)).unwrap();
        assert_eq!(s.base_n, Some(0));
        assert_eq!(s.categories.len(), 3);
        assert!(s.categories.iter().all(|c| c.share.is_none() && c.ci_low.is_none()));
    }
    let m = mean(&prep, &[], 0.95).unwrap();
    assert_eq!((m.n, m.mean), (Some(0), None));
    assert_eq!(median(&prep, &[], 0.95).unwrap().quantile, None);
    let ct = crosstab(&prep, &[], 2, &[], 2, &CrosstabOptions::default()).unwrap();
    assert!(ct.test.is_none());
}

#[test]
fn everyone_skipping_gives_an_empty_base() {
    let prep = Design::weighted(vec![1.0, 2.0, 3.0]).prepare().unwrap();
    let s = shares(&prep, &[None, None, None], 2, &ShareOptions::default()).unwrap();
    assert_eq!(s.base_n, Some(0));
    assert!(s.categories.iter().all(|c| c.n == Some(0) && c.share.is_none()));
    let m = mean(&prep, &[None, None, None], 0.95).unwrap();
    assert_eq!((m.n, m.mean, m.se), (Some(0), None, None));
    let q = median(&prep, &[None, None, None], 0.95).unwrap();
    assert_eq!(q.quantile, None);
}

#[test]
fn one_response_has_a_share_but_no_variance() {
    let prep = Design::weighted(vec![2.5]).prepare().unwrap();
    let s = shares(&prep, &[Some(1)], 2, &ShareOptions::default()).unwrap();
    assert_eq!(s.categories[1].share, Some(1.0));
    assert_eq!(s.categories[0].share, Some(0.0));
    // a single PSU: R's lonely.psu = "fail"; we give no SE/CI instead of an error
    assert_eq!(s.categories[1].se, None);
    assert_eq!(s.categories[1].ci_low, None);
    assert_eq!(s.df, Some(0.0));
    let m = mean(&prep, &[Some(7.0)], 0.95).unwrap();
    assert_eq!((m.mean, m.se), (Some(7.0), None));
    assert_eq!(median(&prep, &[Some(7.0)], 0.95).unwrap().quantile, Some(7.0));
}

#[test]
fn a_category_nobody_chose_has_share_zero_and_a_finite_interval() {
    let w: Vec<f64> = (0..50).map(|i| 1.0 + (i % 5) as f64 * 0.3).collect();
    let x: Vec<Option<usize>> = (0..50).map(|i| Some(i % 2)).collect();
    let prep = Design::weighted(w).prepare().unwrap();
    for m in METHODS {
        let s = shares(&prep, &x, 3, &opts(m)).unwrap();
        let c = &s.categories[2];
        assert_eq!((c.n, c.share, c.se), (Some(0), Some(0.0), Some(0.0)));
        let (lo, hi) = (c.ci_low.unwrap(), c.ci_high.unwrap());
        assert_eq!(lo, 0.0);
        assert!(hi > 0.0 && hi < 0.15 && hi.is_finite(), "{m:?}: {hi}");
        // the complementary category (everyone else) mirrors it at 1 when only one is chosen
    }
    // Clopper–Pearson upper bound with equal weights and n = 50: 1 − 0.025^(1/50)
    let prep = Design::weighted(vec![1.0; 50]).prepare().unwrap();
    let s = shares(&prep, &x, 3, &opts(CiMethod::Beta)).unwrap();
    let expected = 1.0 - 0.025f64.powf(1.0 / 50.0);
    assert!(rel_close(s.categories[2].ci_high.unwrap(), expected, 1e-9));
}

#[test]
fn a_category_with_one_respondent_has_finite_estimates() {
    let n = 40;
    let x: Vec<Option<usize>> = (0..n).map(|i| Some(if i == 7 { 1 } else { 0 })).collect();
    let prep = Design::weighted(vec![1.0; n]).prepare().unwrap();
    for m in METHODS {
        let c = &shares(&prep, &x, 2, &opts(m)).unwrap().categories[1];
        let p = c.share.unwrap();
        assert!(rel_close(p, 1.0 / n as f64, 1e-12));
        let se = c.se.unwrap();
        assert!(rel_close(se * se, p * (1.0 - p) / (n as f64 - 1.0), 1e-10));
        let (lo, hi) = (c.ci_low.unwrap(), c.ci_high.unwrap());
        assert!(0.0 <= lo && lo < p && p < hi && hi < 1.0, "{m:?}: {lo} {p} {hi}");
    }
}

#[test]
fn errors_name_the_problem() {
    assert!(Design::weighted(vec![1.0, -2.0]).prepare().is_err());
    assert!(Design::weighted(vec![1.0, f64::NAN]).prepare().is_err());
    let prep = Design::weighted(vec![1.0, 1.0]).prepare().unwrap();
    let e = shares(&prep, &[Some(0), Some(5)], 2, &ShareOptions::default()).unwrap_err();
    assert!(e.to_string().contains("respondent 1"), "{e}");
    let e = shares(&prep, &[Some(0)], 2, &ShareOptions::default()).unwrap_err();
    assert!(e.to_string().contains("2 respondents"), "{e}");
    assert!(mean(&prep, &[Some(1.0), Some(f64::INFINITY)], 0.95).is_err());
    assert!(mean(&prep, &[Some(1.0), Some(2.0)], 1.5).is_err());
    let d = Design {
        weights: vec![1.0; 3],
        strata: Some(vec![0, 0, 1]),
        lonely_psu: LonelyPsu::Fail,
        ..Design::default()
    };
    // a stratum with one respondent: no SE under "fail", an SE under "remove"
    let prep = d.clone().prepare().unwrap();
    let s = shares(&prep, &[Some(0), Some(1), Some(0)], 2, &ShareOptions::default()).unwrap();
    assert!(s.categories[0].se.is_none());
    let prep = Design {
        lonely_psu: LonelyPsu::Remove,
        ..d
    }
    .prepare()
    .unwrap();
    let s = shares(&prep, &[Some(0), Some(1), Some(0)], 2, &ShareOptions::default()).unwrap();
    assert!(s.categories[0].se.is_some_and(|v| v > 0.0));
}

#[test]
fn suppression_removes_every_number() {
    let prep = Design::weighted(vec![1.0; 30]).prepare().unwrap();
    let x: Vec<Option<usize>> = (0..30).map(|i| Some(usize::from(i < 3))).collect();
    let mut s = shares(&prep, &x, 2, &ShareOptions::default()).unwrap();
    s.suppress_small(10, SuppressRule::BaseOrCount);
    assert!(!s.suppressed && !s.categories[0].suppressed);
    let small = &s.categories[1];
    assert!(small.suppressed);
    let json = serde_json::to_value(small).unwrap();
    for (k, v) in json.as_object().unwrap() {
        assert!(k == "category" || k == "suppressed" || v.is_null(), "{k} = {v}");
    }
    let mut s = shares(&prep, &x, 2, &ShareOptions::default()).unwrap();
    s.suppress_small(31, SuppressRule::Base);
    assert!(s.suppressed && s.base_n.is_none() && s.categories.iter().all(|c| c.share.is_none()));
    // crosstab columns below min_cell
    let col: Vec<Option<usize>> = (0..30).map(|i| Some(usize::from(i >= 25))).collect();
    let mut ct = crosstab(&prep, &x, 2, &col, 2, &CrosstabOptions::default()).unwrap();
    ct.suppress_small(10, SuppressRule::Base);
    assert!(!ct.columns[0].suppressed && ct.columns[1].suppressed);
    assert!(ct.columns[1]
        .cells
        .iter()
        .all(|c| c.estimate.share.is_none() && c.p_value.is_none()));
    let mut m = mean(&prep, &vec![Some(1.0); 30], 0.95).unwrap();
    m.suppress_small(31);
    assert!(m.suppressed && m.mean.is_none());
}

#[test]
fn difference_of_independent_proportions() {
    let d = difference_of_independent(0.62, 0.02, 0.55, 0.025, 0.95).unwrap();
    assert!(rel_close(d.diff, 0.07, 1e-12));
    assert!(rel_close(d.se, (0.02f64.powi(2) + 0.025f64.powi(2)).sqrt(), 1e-12));
    // R: 2 * pnorm(-0.07 / sqrt(0.02^2 + 0.025^2)) = 0.0287839658757
    assert!((d.p_value - 0.028_783_965_875_7).abs() < 1e-10, "{}", d.p_value);
    assert!(d.ci_low < d.diff && d.diff < d.ci_high);
    assert!(difference_of_independent(0.5, f64::NAN, 0.4, 0.1, 0.95).is_err());
}

#[test]
fn benjamini_hochberg_matches_p_adjust() {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.2), "BH") = 0.04 0.0533 0.0533 0.2
    let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2]);
    let want = [0.04, 0.04 * 4.0 / 3.0, 0.04 * 4.0 / 3.0, 0.2];
    for (a, b) in q.iter().zip(want) {
        assert!(rel_close(*a, b, 1e-12), "{q:?}");
    }
}

// ------------------------------------------------------------------ properties

fn sample() -> impl Strategy<Value = (Vec<f64>, Vec<Option<usize>>)> {
    (5usize..80).prop_flat_map(|n| {
        (
            prop::collection::vec(0.2f64..5.0, n),
            prop::collection::vec(prop::option::weighted(0.85, 0usize..4), n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: crate::common::proptest_regressions!("stats_properties"),
        ..ProptestConfig::with_cases(64)
    })]

    #[test]
    fn shares_sum_to_one_and_intervals_contain_them((w, x) in sample()) {
        let prep = Design::weighted(w).prepare().unwrap();
        for m in METHODS {
            let s = shares(&prep, &x, 4, &opts(m)).unwrap();
            if s.base_n == Some(0) { continue; }
            let total: f64 = s.categories.iter().filter_map(|c| c.share).sum();
            prop_assert!((total - 1.0).abs() < 1e-12);
            for c in &s.categories {
                let p = c.share.unwrap();
                if let (Some(lo), Some(hi)) = (c.ci_low, c.ci_high) {
                    prop_assert!(0.0 <= lo && lo <= p + 1e-12 && p <= hi + 1e-12 && hi <= 1.0,
                        "{:?}: {} {} {}", m, lo, p, hi);
                }
            }
        }
    }

    #[test]
    fn equal_weights_give_the_textbook_formulas(n in 3usize..60, k in 0usize..3, seed in 0u64..1000) {
        let x: Vec<Option<usize>> = (0..n).map(|i| Some(((i as u64 * 7 + seed) % 3) as usize)).collect();
        let y: Vec<Option<f64>> = (0..n).map(|i| Some(((i as u64 * 13 + seed) % 11) as f64)).collect();
        let prep = Design::weighted(vec![2.0; n]).prepare().unwrap();
        let c = &shares(&prep, &x, 3, &ShareOptions::default()).unwrap().categories[k];
        let p = c.n.unwrap() as f64 / n as f64;
        prop_assert!((c.share.unwrap() - p).abs() < 1e-12);
        // with-replacement SRS: Var(p̂) = p(1 − p)/(n − 1)
        prop_assert!((c.se.unwrap().powi(2) - p * (1.0 - p) / (n as f64 - 1.0)).abs() < 1e-12);
        let m = mean(&prep, &y, 0.95).unwrap();
        let ybar = y.iter().map(|v| v.unwrap()).sum::<f64>() / n as f64;
        let s2 = y.iter().map(|v| (v.unwrap() - ybar).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        prop_assert!((m.mean.unwrap() - ybar).abs() < 1e-9);
        prop_assert!((m.se.unwrap().powi(2) - s2 / n as f64).abs() < 1e-9);
        let eff = prep.weighting_effect();
        prop_assert!((eff.deff.unwrap() - 1.0).abs() < 1e-12);
        prop_assert!((eff.effective_n.unwrap() - n as f64).abs() < 1e-9);
    }

    #[test]
    fn rescaling_weights_changes_nothing((w, x) in sample(), scale in 0.01f64..100.0) {
        let a = shares(&Design::weighted(w.clone()).prepare().unwrap(), &x, 4, &ShareOptions::default()).unwrap();
        let scaled: Vec<f64> = w.iter().map(|v| v * scale).collect();
        let b = shares(&Design::weighted(scaled).prepare().unwrap(), &x, 4, &ShareOptions::default()).unwrap();
        for (ca, cb) in a.categories.iter().zip(&b.categories) {
            match (ca.share, cb.share) {
                (Some(pa), Some(pb)) => prop_assert!((pa - pb).abs() < 1e-12),
                (pa, pb) => prop_assert_eq!(pa, pb),
            }
            if let (Some(sa), Some(sb)) = (ca.se, cb.se) {
                prop_assert!((sa - sb).abs() <= 1e-9 * sa.max(1e-12));
            }
        }
    }

    #[test]
    fn crosstab_columns_equal_shares_in_the_column((w, x) in sample(), seed in 0u64..100) {
        let n = w.len();
        let col: Vec<Option<usize>> = (0..n).map(|i| if (i as u64 + seed).is_multiple_of(9) { None } else { Some(((i as u64 * 5 + seed) % 3) as usize) }).collect();
        let prep = Design::weighted(w).prepare().unwrap();
        let ct = crosstab(&prep, &x, 4, &col, 3, &CrosstabOptions::default()).unwrap();
        for j in 0..3 {
            let masked: Vec<Option<usize>> = x.iter().zip(&col).map(|(v, c)| if *c == Some(j) { *v } else { None }).collect();
            let s = shares(&prep, &masked, 4, &ShareOptions::default()).unwrap();
            for (cell, c) in ct.columns[j].cells.iter().zip(&s.categories) {
                prop_assert_eq!(cell.estimate.share, c.share);
                prop_assert_eq!(cell.estimate.se, c.se);
                prop_assert_eq!(cell.estimate.ci_low, c.ci_low);
            }
        }
    }

    #[test]
    fn rao_scott_reduces_to_pearson_for_equal_weights(n in 30usize..200, seed in 0u64..1000) {
        // SRS with equal weights: Δ = I·n/(n − 1), so F = X²·(n − 1)/(n·q) on q = (r−1)(c−1) df.
        let x: Vec<Option<usize>> = (0..n).map(|i| Some(((i as u64 * 7 + seed) % 3) as usize)).collect();
        let c: Vec<Option<usize>> = (0..n).map(|i| Some(((i as u64 * 11 + seed / 3) % 2) as usize)).collect();
        let prep = Design::weighted(vec![1.0; n]).prepare().unwrap();
        let ct = crosstab(&prep, &x, 3, &c, 2, &CrosstabOptions::default()).unwrap();
        if let Some(t) = ct.test {
            prop_assert!((t.ndf - 2.0).abs() < 1e-8, "ndf {}", t.ndf);
            prop_assert!((t.f - t.chisq * (n as f64 - 1.0) / (n as f64 * 2.0)).abs() < 1e-8 * t.f.max(1.0));
            prop_assert!((0.0..=1.0).contains(&t.p_value));
        }
    }

    #[test]
    fn median_lies_in_its_interval(w in prop::collection::vec(0.2f64..5.0, 20..100), seed in 0u64..1000) {
        let n = w.len();
        let y: Vec<Option<f64>> = (0..n).map(|i| Some(((i as u64 * 31 + seed) % 47) as f64)).collect();
        let prep = Design::weighted(w).prepare().unwrap();
        let q = median(&prep, &y, 0.95).unwrap();
        let m = q.quantile.unwrap();
        prop_assert!((0.0..47.0).contains(&m));
        if let (Some(lo), Some(hi)) = (q.ci_low, q.ci_high) {
            prop_assert!(lo <= m && m <= hi);
        }
    }

    #[test]
    fn one_poststratum_only_recentres(w in prop::collection::vec(0.5f64..2.0, 10..60), seed in 0u64..100) {
        // Post-stratifying on a single cell fixes the total weight only: shares, which are ratios,
        // keep their variance (the residual from the cell mean of a ratio's influence is itself).
        let n = w.len();
        let x: Vec<Option<usize>> = (0..n).map(|i| Some(((i as u64 * 3 + seed) % 2) as usize)).collect();
        let plain = Design::weighted(w.clone()).prepare().unwrap();
        let ps = Design { weights: w, calibration: Some(Calibration::Poststratified { cell: vec![0; n] }), ..Design::default() }.prepare().unwrap();
        let a = shares(&plain, &x, 2, &ShareOptions::default()).unwrap();
        let b = shares(&ps, &x, 2, &ShareOptions::default()).unwrap();
        for (ca, cb) in a.categories.iter().zip(&b.categories) {
            prop_assert!((ca.se.unwrap() - cb.se.unwrap()).abs() <= 1e-9 * ca.se.unwrap().max(1e-12));
            prop_assert_eq!(cb.se_fixed, ca.se);
        }
    }
}

#[test]
fn multiple_choice_options_have_their_own_shares() {
    let n = 20;
    let answered: Vec<bool> = (0..n).map(|i| i % 5 != 0).collect();
    let a: Vec<Option<bool>> = (0..n).map(|i| answered[i].then_some(i % 2 == 0)).collect();
    let b: Vec<Option<bool>> = (0..n).map(|i| answered[i].then_some(i % 3 == 0)).collect();
    let prep = Design::weighted(vec![1.0; n]).prepare().unwrap();
    let s = option_shares(&prep, &[&a, &b], &ShareOptions::default()).unwrap();
    assert_eq!(s.base_n, Some(16));
    assert_eq!(s.categories.len(), 2);
    let chosen_a = a.iter().filter(|v| **v == Some(true)).count() as f64;
    assert!(rel_close(s.categories[0].share.unwrap(), chosen_a / 16.0, 1e-12));
    assert_eq!(s.categories[1].category, 1);
}

fn close_opt(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12),
        (a, b) => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: crate::common::proptest_regressions!("stats_properties"),
        ..ProptestConfig::with_cases(24)
    })]

    #[test]
    fn one_pass_summaries_equal_the_separate_estimates(seed in 0u64..10_000, n in 40usize..150) {
        // a raked-like design with base weights, calibration on two variables, breakdowns declared
        let sex: Vec<usize> = (0..n).map(|i| ((i as u64 * 7 + seed) % 2) as usize).collect();
        let age: Vec<usize> = (0..n).map(|i| ((i as u64 * 13 + seed / 7) % 3) as usize).collect();
        let region: Vec<Option<usize>> = (0..n).map(|i| if (i as u64 + seed).is_multiple_of(17) { None } else { Some(((i as u64 * 5 + seed) % 4) as usize) }).collect();
        let w0: Vec<f64> = (0..n).map(|i| 1.0 + ((i as u64 + seed) % 3) as f64 * 0.5).collect();
        let w: Vec<f64> = (0..n).map(|i| w0[i] * (1.0 + 0.2 * sex[i] as f64 + 0.1 * age[i] as f64)).collect();
        let x: Vec<Option<usize>> = (0..n).map(|i| if (i as u64 * 3 + seed).is_multiple_of(11) { None } else { Some(((i as u64 * 31 + seed) % 3) as usize) }).collect();
        let y: Vec<Option<f64>> = (0..n).map(|i| if i % 9 == 4 { None } else { Some(((i as u64 * 37 + seed) % 23) as f64 + 1000.0) }).collect();
        let cal = Calibration::Calibrated { variables: vec![sex.clone(), age.clone()], base_weights: w0 };
        let plain = Design { weights: w.clone(), calibration: Some(cal.clone()), ..Design::default() };
        let with_by = Design {
            breakdowns: vec![sex.iter().map(|v| Some(*v)).collect(), region.clone()],
            ..plain.clone()
        };
        let (plain, with_by) = (plain.prepare().unwrap(), with_by.prepare().unwrap());
        let copts = CrosstabOptions::default();
        let sum = opros::stats::summarize_categorical(&with_by, &x, 3, &copts).unwrap();
        let s = shares(&plain, &x, 3, &copts.shares).unwrap();
        for (a, b) in sum.shares.categories.iter().zip(&s.categories) {
            prop_assert!(close_opt(a.share, b.share) && close_opt(a.se, b.se) && close_opt(a.ci_low, b.ci_low));
        }
        let sex_col: Vec<Option<usize>> = sex.iter().map(|v| Some(*v)).collect();
        for (ct, (col, c)) in sum.crosstabs.iter().zip([(&sex_col, 2usize), (&region, 4)]) {
            let direct = crosstab(&plain, &x, 3, col, c, &copts).unwrap();
            prop_assert_eq!(ct.n, direct.n);
            match (ct.test, direct.test) {
                (Some(a), Some(b)) => prop_assert!(close_opt(Some(a.f), Some(b.f)) && close_opt(Some(a.ndf), Some(b.ndf))),
                (a, b) => prop_assert_eq!(a.is_some(), b.is_some()),
            }
            for (ca, cb) in ct.columns.iter().zip(&direct.columns) {
                for (a, b) in ca.cells.iter().zip(&cb.cells) {
                    prop_assert!(close_opt(a.estimate.share, b.estimate.share));
                    prop_assert!(close_opt(a.estimate.se, b.estimate.se));
                    prop_assert!(close_opt(a.p_value, b.p_value));
                }
            }
        }
        let num = opros::stats::summarize_numeric(&with_by, &y, &[0.5], 0.95).unwrap();
        let m = mean(&plain, &y, 0.95).unwrap();
        prop_assert!(close_opt(num.mean.mean, m.mean) && close_opt(num.mean.se, m.se) && close_opt(num.mean.deff, m.deff));
        for j in 0..4 {
            let masked: Vec<Option<f64>> = y.iter().zip(&region).map(|(v, r)| if *r == Some(j) { *v } else { None }).collect();
            let mj = mean(&plain, &masked, 0.95).unwrap();
            prop_assert!(close_opt(num.by[1][j].mean, mj.mean) && close_opt(num.by[1][j].se, mj.se));
        }
        prop_assert_eq!(num.quantiles[0].quantile, median(&plain, &y, 0.95).unwrap().quantile);
    }
}

#[test]
fn sampling_fraction_equals_population_size() {
    let n = 40;
    let x: Vec<Option<usize>> = (0..n).map(|i| Some(i % 3)).collect();
    let strata: Vec<usize> = (0..n).map(|i| i % 2).collect();
    let w: Vec<f64> = strata.iter().map(|h| if *h == 0 { 10.0 } else { 25.0 }).collect();
    let pop: Vec<f64> = strata.iter().map(|h| if *h == 0 { 200.0 } else { 500.0 }).collect();
    let frac: Vec<f64> = pop.iter().map(|p| 20.0 / p).collect();
    let base = Design {
        weights: w,
        strata: Some(strata),
        ..Design::default()
    };
    let a = Design {
        fpc: Some(opros::stats::Fpc::PopulationSize(pop)),
        ..base.clone()
    };
    let b = Design {
        fpc: Some(opros::stats::Fpc::SamplingFraction(frac)),
        ..base.clone()
    };
    let sa = shares(&a.prepare().unwrap(), &x, 3, &ShareOptions::default()).unwrap();
    let sb = shares(&b.prepare().unwrap(), &x, 3, &ShareOptions::default()).unwrap();
    let s0 = shares(&base.prepare().unwrap(), &x, 3, &ShareOptions::default()).unwrap();
    for ((ca, cb), c0) in sa.categories.iter().zip(&sb.categories).zip(&s0.categories) {
        assert!(rel_close(ca.se.unwrap(), cb.se.unwrap(), 1e-12));
        // fpc (N − n)/N = 0.9 and 0.96 shrink the variance
        assert!(ca.se.unwrap() < c0.se.unwrap());
    }
}

// ------------------------------------------------------------------ degenerate tables

/// Every published number is a number: F finite and ≥ 0, p in [0, 1], SEs finite and ≥ 0, intervals in
/// [0, 1] around their estimates; a table without a test says why. The breakdown variable is random, the
/// question itself, or a grouping of it (a derived variable), on random weights, clusters and strata.
/// `PROPTEST_CASES=5000 cargo test --test it degenerate` runs a longer search.
fn check_published(ct: &opros::stats::Crosstab) -> Result<(), TestCaseError> {
    match (&ct.test, ct.not_testable) {
        (Some(t), None) => {
            prop_assert!(t.f.is_finite() && t.f >= 0.0, "F = {}", t.f);
            prop_assert!((0.0..=1.0).contains(&t.p_value), "p = {}", t.p_value);
            prop_assert!(t.ndf >= 1.0 - 1e-6 && t.ddf > 0.0, "df {} {}", t.ndf, t.ddf);
        }
        (None, Some(_)) => {}
        other => prop_assert!(false, "a test and a reason, or neither: {other:?}"),
    }
    for col in &ct.columns {
        for cell in &col.cells {
            let p = &cell.estimate;
            if let Some(se) = p.se {
                prop_assert!(se.is_finite() && se >= 0.0, "SE {se}");
            }
            if let (Some(s), Some(lo), Some(hi)) = (p.share, p.ci_low, p.ci_high) {
                prop_assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi), "[{lo}, {hi}]");
                prop_assert!(lo <= s + 1e-12 && s <= hi + 1e-12, "{s} in [{lo}, {hi}]");
            }
            if let Some(q) = cell.p_value {
                prop_assert!((0.0..=1.0).contains(&q));
            }
        }
    }
    Ok(())
}

/// Weights, PSUs, strata, answers and the kind of breakdown.
type DegenerateCase = (Vec<f64>, Vec<usize>, Vec<usize>, Vec<Option<usize>>, usize);

fn degenerate_case() -> impl Strategy<Value = DegenerateCase> {
    (2usize..60).prop_flat_map(|n| {
        (
            prop::collection::vec(0.1f64..10.0, n),
            prop::collection::vec(0usize..4, n),
            prop::collection::vec(0usize..2, n),
            prop::collection::vec(prop::option::weighted(0.9, 0usize..4), n),
            0usize..4,
        )
    })
}

proptest! {
    #[test]
    fn degenerate_tables_are_never_published_as_numbers((w, psu, strata, x, kind) in degenerate_case()) {
        let n = w.len();
        // kind: 0 = by itself, 1 = by a grouping of itself, 2 = all in one PSU, 3 = clustered and stratified
        let by: Vec<Option<usize>> = match kind {
            0 | 2 => x.clone(),
            1 => x.iter().map(|v| v.map(|v| usize::from(v >= 2))).collect(),
            _ => x.iter().rev().copied().collect(),
        };
        let design = match kind {
            2 => Design { weights: w, psu: Some(vec![7; n]), ..Design::default() },
            3 => Design { weights: w, psu: Some(psu), strata: Some(strata), lonely_psu: LonelyPsu::Remove, ..Design::default() },
            _ => Design::weighted(w),
        };
        let prep = design.prepare().unwrap();
        let ct = crosstab(&prep, &x, 4, &by, 4, &CrosstabOptions::default()).unwrap();
        check_published(&ct)?;
        if kind == 2 {
            prop_assert!(ct.test.is_none(), "one PSU has no degrees of freedom");
        }
    }
}

#[test]
fn a_variable_by_itself_is_not_testable() {
    use opros::stats::NotTestable;
    // A variable by itself: a 2 × 2 diagonal table is still a (huge, finite) F; reports never publish it
    // (`report` drops breakdowns by the question itself), and larger diagonal tables give a degenerate Δ.
    let n = 200;
    let x: Vec<Option<usize>> = (0..n).map(|i| Some(usize::from(i % 3 == 0))).collect();
    let w: Vec<f64> = (0..n).map(|i| 0.5 + (i * 37 % 11) as f64 / 7.0).collect();
    let prep = Design::weighted(w).prepare().unwrap();
    let ct = crosstab(&prep, &x, 2, &x, 2, &CrosstabOptions::default()).unwrap();
    assert!(ct.test.is_some_and(|t| t.f.is_finite() && t.f >= 0.0) || ct.not_testable.is_some());
    // One row, one column, one PSU.
    let one: Vec<Option<usize>> = vec![Some(0); n];
    let ct = crosstab(&prep, &one, 2, &x, 2, &CrosstabOptions::default()).unwrap();
    assert_eq!(ct.not_testable, Some(NotTestable::SingleRow));
    let ct = crosstab(&prep, &x, 2, &one, 2, &CrosstabOptions::default()).unwrap();
    assert_eq!(ct.not_testable, Some(NotTestable::SingleColumn));
    let y: Vec<Option<usize>> = (0..n).map(|i| Some(usize::from(i % 5 == 0))).collect();
    let clustered = Design {
        weights: vec![1.0; n],
        psu: Some(vec![1; n]),
        ..Design::default()
    }
    .prepare()
    .unwrap();
    let ct = crosstab(&clustered, &x, 2, &y, 2, &CrosstabOptions::default()).unwrap();
    assert_eq!(ct.not_testable, Some(NotTestable::OnePsu));
    let ct = crosstab(&prep, &[None; 200], 2, &x, 2, &CrosstabOptions::default()).unwrap();
    assert_eq!(ct.not_testable, Some(NotTestable::NoAnswers));
    // An ordinary table keeps its test.
    let ct = crosstab(&prep, &x, 2, &y, 2, &CrosstabOptions::default()).unwrap();
    assert!(ct.test.is_some() && ct.not_testable.is_none());
}
