//! Direct estimates of indicators by district: one survey's weighted estimate of a statistic of a
//! tracked question in each category of its district variable, with the design-based SE.
//!
//! Uses the summary's own machinery — the same weights (the definition's scheme), sampling design and
//! calibration residuals — and domain estimation (`stats::summarize_numeric` by breakdown, as R
//! `svyby(~y, ~district, design, svymean)`). Each statistic is the mean of a per-respondent value:
//! a share of chosen codes is the mean of a 0/1 indicator, a balance (% positive − % negative) the mean of
//! +1/−1/0, so every SE is the linearisation SE of that mean. Small districts are *not* suppressed here:
//! their direct estimates are the small-area model's input; what is published is decided by the caller.

use serde::{Deserialize, Serialize};

use super::columns::Column;
use super::responses::Subset;
use super::weights::{sampling_design, subset_calibration, weigh};
use super::{AnswerSource, ReportError, SummaryInput, LEVEL};
use crate::definition::QuestionKind;
use crate::stats;

/// What an indicator measures from the tracked question's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "statistic", rename_all = "snake_case")]
pub enum Statistic {
    /// Share of respondents who answered with one of `codes` (among all who answered).
    Share { codes: Vec<String> },
    /// Mean of a scale's point values ("hard to say" excluded) or of a number.
    Mean,
    /// % answering one of `positive` minus % answering one of `negative` (among all who answered).
    Balance {
        positive: Vec<String>,
        negative: Vec<String>,
    },
}

/// One district's direct estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DistrictDirect {
    /// Respondents with a value.
    pub n: u64,
    pub estimate: Option<f64>,
    pub se: Option<f64>,
}

/// An indicator's direct estimates in every category of the district variable (by its codes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByDistrict {
    pub codes: Vec<String>,
    pub values: Vec<DistrictDirect>,
}

/// Why direct estimates by district cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum DistrictError {
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("{0}")]
    Stats(#[from] stats::StatsError),
    #[error("question '{question}': {why}")]
    Unsuitable { question: String, why: &'static str },
}

fn unsuitable(question: &str, why: &'static str) -> DistrictError {
    DistrictError::Unsuitable {
        question: question.to_owned(),
        why,
    }
}

/// Direct estimates of each `(question id, statistic)` by the categories of `district_var`.
pub fn by_district<A: AnswerSource + ?Sized>(
    input: &SummaryInput<'_, A>,
    district_var: &str,
    wanted: &[(&str, &Statistic)],
) -> Result<Vec<ByDistrict>, DistrictError> {
    let def = input.definition;
    super::domain::check_breakdown(def, district_var)?;
    let view = input.answers.view(def);
    let n = view.len();
    let (sample_design, _) = sampling_design(def, input.answers.design_values(), n);
    let weighed = weigh(
        &view,
        input.population,
        sample_design.as_ref().and_then(|d| d.weights.as_deref()),
    );
    let keep: Vec<usize> = (0..n).filter(|&i| weighed.weights[i] > 0.0).collect();
    let rows = if keep.len() == n {
        Subset::All(n)
    } else {
        Subset::Only(&keep)
    };
    let cols = super::columns::Columns::new(&view, rows);
    let (cats, district) = cols.breakdown(district_var, input.language);
    let kept_design = sample_design.as_ref().map(|d| d.subset(&keep)).unwrap_or_default();
    let design = stats::Design {
        weights: keep.iter().map(|&i| weighed.weights[i]).collect(),
        strata: kept_design.strata,
        psu: kept_design.psu,
        fpc: kept_design.fpc,
        calibration: weighed.calibration.map(|c| subset_calibration(c, &keep)),
        breakdowns: vec![district],
        ..stats::Design::default()
    };
    let prep = design.prepare()?;
    let codes: Vec<String> = cats.iter().map(|c| c.code.clone()).collect();
    wanted
        .iter()
        .map(|(qid, statistic)| {
            let q = def
                .question(qid)
                .ok_or_else(|| unsuitable(qid, "no such question in this survey"))?;
            let y = values(&cols.question(q, input.language), statistic, qid, &q.kind)?;
            let s = stats::summarize_numeric(&prep, &y, &[], LEVEL)?;
            let values =
                s.by.first()
                    .map(|by| {
                        by.iter()
                            .map(|m| DistrictDirect {
                                n: m.n.unwrap_or(0),
                                estimate: m.mean,
                                se: m.se,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
            Ok(ByDistrict {
                codes: codes.clone(),
                values,
            })
        })
        .collect()
}

/// The per-respondent value whose mean is the statistic.
fn values(
    column: &Column,
    statistic: &Statistic,
    qid: &str,
    kind: &QuestionKind,
) -> Result<Vec<Option<f64>>, DistrictError> {
    match (column, statistic) {
        (Column::Categorical { codes, values, .. }, Statistic::Share { codes: chosen }) => {
            let hit: Vec<f64> = codes
                .iter()
                .map(|c| f64::from(u8::from(chosen.contains(&c.code))))
                .collect();
            Ok(values.iter().map(|v| v.map(|k| hit[k])).collect())
        }
        (Column::Categorical { codes, values, .. }, Statistic::Balance { positive, negative }) => {
            let score: Vec<f64> = codes
                .iter()
                .map(|c| {
                    if positive.contains(&c.code) {
                        1.0
                    } else if negative.contains(&c.code) {
                        -1.0
                    } else {
                        0.0
                    }
                })
                .collect();
            Ok(values.iter().map(|v| v.map(|k| score[k])).collect())
        }
        (Column::Categorical { numeric: Some(y), .. }, Statistic::Mean) | (Column::Numeric(y), Statistic::Mean) => {
            Ok(y.clone())
        }
        _ => Err(unsuitable(
            qid,
            match kind {
                QuestionKind::Scale(_) | QuestionKind::SingleChoice(_) => "a mean needs a scale or a number",
                _ => "shares and balances need a single-choice or scale question; means a scale or a number",
            },
        )),
    }
}
