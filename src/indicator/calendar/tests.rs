use super::*;
use crate::definition::Texts;
use crate::indicator::Statistic;
use crate::territory::{parse_territories, EXAMPLE};

fn indicator(worse: Worse, watch: Option<f64>, alert: Option<f64>) -> Indicator {
    Indicator {
        id: "dissatisfied".into(),
        title: Texts::from_pairs([("ru", "Недовольны")]),
        track: "life".into(),
        statistic: Statistic::Share {
            codes: vec!["1".into()],
        },
        worse,
        watch,
        alert,
        covariates: vec!["urban_share".into()],
    }
}

fn direct(n: u64, estimate: f64, se: f64) -> Option<DistrictDirect> {
    Some(DistrictDirect {
        n,
        estimate: Some(estimate),
        se: Some(se),
    })
}

/// Eight sampled districts (d1..d8) of the example's twenty, with the given shares.
fn wave(label: &str, shares: [f64; 8], n: [u64; 8]) -> WaveInput {
    let mut d: Vec<Option<DistrictDirect>> = vec![None; 20];
    for k in 0..8 {
        let p = shares[k];
        d[k] = direct(n[k], p, (p * (1.0 - p) / n[k] as f64).sqrt());
    }
    WaveInput {
        survey: format!("s-{label}"),
        label: label.into(),
        title: label.into(),
        direct: d,
    }
}

const N: [u64; 8] = [400, 300, 250, 200, 150, 20, 15, 30];

#[test]
fn thin_districts_get_the_model_estimate_and_unsampled_ones_the_synthetic() {
    let t = parse_territories(EXAMPLE, "r.yaml").expect("valid");
    let ind = indicator(Worse::Higher, Some(0.3), Some(0.4));
    let w = wave("2026-01", [0.20, 0.25, 0.31, 0.22, 0.35, 0.45, 0.10, 0.28], N);
    let cal = compute(&ind, &t, 100, &[w]);
    let wave = &cal.waves[0];
    assert!(wave.model.fitted, "{:?}", wave.model.reason);
    assert_eq!(wave.cells.len(), 20);
    assert_eq!(wave.cells[0].source, Some(Source::Direct));
    assert_eq!(wave.cells[5].source, Some(Source::Eblup));
    assert_eq!(wave.cells[12].source, Some(Source::Synthetic));
    assert!(wave.cells[12].direct.is_none() && wave.cells[12].model.is_some());
    // The thin district's headline moved from its direct 0.45 towards the regression, with a smaller error.
    let thin = &wave.cells[5];
    let (h, d) = (thin.headline.expect("model"), thin.direct.expect("direct"));
    assert!(h.value < d.value && h.se < d.se, "{h:?} vs {d:?}");
    // Status follows the headline: d3 (0.31, direct) is past the watch level only.
    assert_eq!(wave.cells[2].status, Status::Watch);
    assert_eq!(wave.cells[0].status, Status::Fine);
}

#[test]
fn a_significant_worsening_is_an_alert_even_below_the_levels() {
    let t = parse_territories(EXAMPLE, "r.yaml").expect("valid");
    let ind = indicator(Worse::Higher, None, None);
    let first = wave("2026-01", [0.10, 0.25, 0.30, 0.22, 0.40, 0.45, 0.10, 0.28], N);
    let second = wave("2026-04", [0.20, 0.25, 0.30, 0.22, 0.25, 0.45, 0.10, 0.28], N);
    let cal = compute(&ind, &t, 100, &[first, second]);
    let c = &cal.waves[1].cells[0];
    assert_eq!(c.status, Status::Alert);
    assert_eq!(c.reasons, vec![Reason::SignificantWorsening]);
    // d5 improved significantly: not an alert.
    let better = &cal.waves[1].cells[4];
    assert!(better.change.is_some_and(|ch| ch.significant && !ch.worse));
    assert_eq!(better.status, Status::Fine);
    // With "lower is worse" the same rise is good news.
    let cal = compute(
        &indicator(Worse::Lower, None, None),
        &t,
        100,
        &[
            wave("a", [0.10, 0.25, 0.30, 0.22, 0.40, 0.45, 0.10, 0.28], N),
            wave("b", [0.20, 0.25, 0.30, 0.22, 0.25, 0.45, 0.10, 0.28], N),
        ],
    );
    assert_eq!(cal.waves[1].cells[0].status, Status::Fine);
    assert_eq!(cal.waves[1].cells[4].status, Status::Alert);
}

#[test]
fn without_a_model_thin_districts_keep_their_direct_estimate_and_the_reason_is_kept() {
    let t = parse_territories(EXAMPLE, "r.yaml").expect("valid");
    let ind = indicator(Worse::Higher, Some(0.3), Some(0.4));
    let mut w = wave("2026-01", [0.20, 0.25, 0.31, 0.22, 0.35, 0.45, 0.10, 0.28], N);
    for d in w.direct.iter_mut().skip(2) {
        *d = None;
    }
    let cal = compute(&ind, &t, 100, &[w]);
    let m = &cal.waves[0].model;
    assert!(!m.fitted);
    assert!(
        m.reason
            .as_deref()
            .is_some_and(|r| r.contains("more sampled areas than covariates")),
        "{m:?}"
    );
    assert_eq!(cal.waves[0].cells[0].source, Some(Source::Direct));
    assert_eq!(cal.waves[0].cells[7].status, Status::NoData);
}

#[test]
fn a_direct_estimate_without_variance_gets_no_status_and_says_why() {
    let t = parse_territories(EXAMPLE, "r.yaml").expect("valid");
    let ind = indicator(Worse::Higher, Some(0.3), Some(0.4));
    let mut w = wave("2026-01", [0.20, 0.25, 0.31, 0.22, 0.35, 0.45, 0.10, 0.28], N);
    // Two sampled districts only (no model can be fitted); the second: nobody of 12 dissatisfied.
    for d in w.direct.iter_mut().skip(2) {
        *d = None;
    }
    w.direct[1] = direct(12, 0.0, 0.0);
    let cal = compute(&ind, &t, 100, &[w]);
    assert!(!cal.waves[0].model.fitted);
    let c = &cal.waves[0].cells[1];
    assert_eq!(c.status, Status::NoData);
    assert_eq!(c.reasons, vec![Reason::ZeroVariance]);
    assert!(c.headline.is_none() && c.change.is_none());
    // The estimate itself is kept for the series, with its zero SE.
    assert_eq!(c.direct.map(|d| (d.value, d.se)), Some((0.0, 0.0)));
    // A district with variance is unaffected.
    assert_eq!(cal.waves[0].cells[0].source, Some(Source::Direct));
}
