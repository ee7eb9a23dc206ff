//! The risk calendar of one indicator: districts × waves, each cell with its direct estimate, the
//! small-area (Fay–Herriot) estimate, the headline figure and a status.
//!
//! - **Direct**: the survey's weighted estimate in the district with its design-based SE
//!   (`report::district`); interval `± z₀.₉₇₅·SE`.
//! - **Small-area**: per wave, the Fay–Herriot model over the districts (`stats::fay_herriot`) with an
//!   intercept and the indicator's covariates; districts with fewer than two respondents or an SE of 0 enter
//!   as "no sample" and get the synthetic estimate. Interval `± z₀.₉₇₅·√MSE`. When the model cannot be
//!   fitted, the reason is kept and shown.
//! - **Headline**: the direct estimate when the district has at least `thin_below` respondents, else the
//!   model estimate (else, when there is no model, the direct estimate, marked thin).
//! - **Status**: *alert* when the headline is past the alert level, or significantly worse than the
//!   previous wave's headline (difference of independent estimates, z test with both SEs, two-sided
//!   p < 0.05, in the worse direction); *watch* when past the watch level; else *fine*; *no data* without a
//!   headline. Two waves' model estimates share the covariates, so treating them as independent is an
//!   approximation (a slightly conservative one when they are positively correlated).

use serde::Serialize;

use super::{Indicator, Worse};
use crate::report::district::DistrictDirect;
use crate::stats::{self, fay_herriot};
use crate::territory::Territories;

/// z for 95% intervals.
const Z95: f64 = 1.959_963_984_540_054;

/// One wave's direct estimates of the indicator, one per territory district (in the territories' order).
#[derive(Debug, Clone, PartialEq)]
pub struct WaveInput {
    /// The survey's slug.
    pub survey: String,
    /// `YYYY-MM` of the survey.
    pub label: String,
    pub title: String,
    pub direct: Vec<Option<DistrictDirect>>,
}

/// A value with its SE and 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Value {
    pub value: f64,
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Value {
    fn new(value: f64, se: f64) -> Value {
        Value {
            value,
            se,
            ci_low: value - Z95 * se,
            ci_high: value + Z95 * se,
        }
    }
}

/// Where the headline figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Direct,
    /// Direct, but from fewer than `thin_below` respondents and without a model to replace it.
    DirectThin,
    Eblup,
    Synthetic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NoData,
    Fine,
    Watch,
    Alert,
}

/// Why a cell has its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    AlertLevel,
    WatchLevel,
    SignificantWorsening,
    /// The district's answers do not vary (e.g. a share of 0 % or 100 % in a thin sample), so the direct
    /// estimate has no sampling error to build an interval or a test from, and no model replaces it: the
    /// cell has no status rather than a "fine" resting on an interval of zero width.
    ZeroVariance,
}

impl Reason {
    /// The reason's name, as the JSON, the stored alerts and the catalog keys (`indicators-reason-…`) write it.
    pub fn name(self) -> &'static str {
        match self {
            Reason::AlertLevel => "alert_level",
            Reason::WatchLevel => "watch_level",
            Reason::SignificantWorsening => "significant_worsening",
            Reason::ZeroVariance => "zero_variance",
        }
    }
}

/// The model estimate of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelValue {
    pub kind: fay_herriot::EstimateKind,
    #[serde(flatten)]
    pub value: Value,
    pub mse: f64,
    /// Shrinkage weight of the direct estimate (EBLUP only).
    pub gamma: Option<f64>,
}

/// The change from the previous wave's headline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub diff: f64,
    pub p_value: f64,
    pub worse: bool,
    pub significant: bool,
}

/// One district in one wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub district: String,
    pub n: u64,
    pub direct: Option<Value>,
    pub model: Option<ModelValue>,
    pub headline: Option<Value>,
    pub source: Option<Source>,
    pub status: Status,
    pub reasons: Vec<Reason>,
    pub change: Option<Change>,
}

/// The small-area model of one wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    pub fitted: bool,
    /// Why there is no model (when `fitted` is false).
    pub reason: Option<String>,
    pub sigma2_u: Option<f64>,
    pub beta: Vec<f64>,
    pub covariates: Vec<String>,
}

/// One wave (a survey) of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wave {
    pub survey: String,
    pub label: String,
    pub title: String,
    pub model: ModelInfo,
    pub cells: Vec<Cell>,
}

/// An indicator over its waves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorCalendar {
    pub id: String,
    pub waves: Vec<Wave>,
}

/// Computes the calendar of `indicator` from its waves (oldest first).
pub fn compute(
    indicator: &Indicator,
    territories: &Territories,
    thin_below: u64,
    waves: &[WaveInput],
) -> IndicatorCalendar {
    let mut out: Vec<Wave> = Vec::with_capacity(waves.len());
    for w in waves {
        let (model, fitted) = fit_wave(indicator, territories, w);
        let previous = out.last();
        let cells = territories
            .districts
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let direct = w.direct.get(i).copied().flatten();
                let prev = previous.and_then(|p| p.cells.get(i)).and_then(|c| c.headline);
                cell(
                    indicator,
                    thin_below,
                    &d.code,
                    direct,
                    fitted.as_ref().map(|f| f.areas[i]),
                    prev,
                )
            })
            .collect();
        out.push(Wave {
            survey: w.survey.clone(),
            label: w.label.clone(),
            title: w.title.clone(),
            model,
            cells,
        });
    }
    IndicatorCalendar {
        id: indicator.id.clone(),
        waves: out,
    }
}

/// Fits the wave's Fay–Herriot model when some district is thin.
fn fit_wave(indicator: &Indicator, t: &Territories, w: &WaveInput) -> (ModelInfo, Option<fay_herriot::Fit>) {
    let usable = |d: &DistrictDirect| -> Option<(f64, f64)> {
        let (e, se) = (d.estimate?, d.se?);
        (d.n >= 2 && se > 0.0 && e.is_finite()).then_some((e, se * se))
    };
    let areas: Vec<fay_herriot::Area> = (0..t.districts.len())
        .map(|i| {
            let mut x = vec![1.0];
            x.extend(t.covariate_row(i, &indicator.covariates));
            fay_herriot::Area {
                x,
                direct: w.direct.get(i).copied().flatten().as_ref().and_then(usable),
            }
        })
        .collect();
    let mut info = ModelInfo {
        fitted: false,
        reason: None,
        sigma2_u: None,
        beta: Vec::new(),
        covariates: indicator.covariates.clone(),
    };
    match fay_herriot::fit(&areas, &fay_herriot::FitOptions::default()) {
        Ok(f) => {
            info.fitted = true;
            info.sigma2_u = Some(f.sigma2_u);
            info.beta.clone_from(&f.beta);
            (info, Some(f))
        }
        Err(e) => {
            info.reason = Some(e.to_string());
            (info, None)
        }
    }
}

fn cell(
    ind: &Indicator,
    thin_below: u64,
    code: &str,
    direct: Option<DistrictDirect>,
    model: Option<fay_herriot::AreaEstimate>,
    previous: Option<Value>,
) -> Cell {
    let n = direct.map_or(0, |d| d.n);
    let direct_value = direct.and_then(|d| Some(Value::new(d.estimate?, d.se?)));
    let model = model.filter(|m| m.mse.is_finite() && m.mse >= 0.0).map(|m| ModelValue {
        kind: m.kind,
        value: Value::new(m.estimate, m.mse.sqrt()),
        mse: m.mse,
        gamma: m.gamma,
    });
    // A direct estimate with a zero SE has no interval: it cannot head a cell on its own.
    let usable_direct = direct_value.filter(|d| d.se > 0.0 && d.se.is_finite());
    let (headline, source) = match (usable_direct, model) {
        (Some(d), _) if n >= thin_below => (Some(d), Some(Source::Direct)),
        (_, Some(m)) => (
            Some(m.value),
            Some(match m.kind {
                fay_herriot::EstimateKind::Eblup => Source::Eblup,
                fay_herriot::EstimateKind::Synthetic => Source::Synthetic,
            }),
        ),
        (Some(d), None) => (Some(d), Some(Source::DirectThin)),
        (None, None) => (None, None),
    };
    let change = headline.zip(previous).and_then(|(h, p)| {
        let d = stats::difference_of_independent(h.value, h.se, p.value, p.se, 0.95).ok()?;
        let worse = match ind.worse {
            Worse::Higher => d.diff > 0.0,
            Worse::Lower => d.diff < 0.0,
        };
        Some(Change {
            diff: d.diff,
            p_value: d.p_value,
            worse,
            significant: d.p_value < 0.05,
        })
    });
    let (status, reasons) = match headline {
        None if direct_value.is_some() => (Status::NoData, vec![Reason::ZeroVariance]),
        None => (Status::NoData, Vec::new()),
        Some(h) => status_of(ind, h.value, change),
    };
    Cell {
        district: code.to_owned(),
        n,
        direct: direct_value,
        model,
        headline,
        source,
        status,
        reasons,
        change,
    }
}

/// `value` is at or past `level` in the worse direction.
fn past(worse: Worse, value: f64, level: f64) -> bool {
    match worse {
        Worse::Higher => value >= level,
        Worse::Lower => value <= level,
    }
}

fn status_of(ind: &Indicator, value: f64, change: Option<Change>) -> (Status, Vec<Reason>) {
    let mut reasons = Vec::new();
    if ind.alert.is_some_and(|a| past(ind.worse, value, a)) {
        reasons.push(Reason::AlertLevel);
    } else if ind.watch.is_some_and(|w| past(ind.worse, value, w)) {
        reasons.push(Reason::WatchLevel);
    }
    if change.is_some_and(|c| c.worse && c.significant) {
        reasons.push(Reason::SignificantWorsening);
    }
    let status = if reasons
        .iter()
        .any(|r| matches!(r, Reason::AlertLevel | Reason::SignificantWorsening))
    {
        Status::Alert
    } else if reasons.contains(&Reason::WatchLevel) {
        Status::Watch
    } else {
        Status::Fine
    };
    (status, reasons)
}

#[cfg(test)]
mod tests;
