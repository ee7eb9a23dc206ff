//! Subgroups (`--filter sex:f,age_group:60+`) and two-way breakdowns (`--by district --by2 sex`).
//!
//! A filter defines a *domain*: its estimates are domain estimates of the whole design, as R
//! `svymean(~y, subset(design, sex == "f"))` gives them — not a re-weighted subset. Respondents outside the
//! subgroup stay in the design with their weights, strata, PSUs and calibration residuals (R's `subset` of a
//! `survey.design2` keeps the strata's PSU counts, and of a calibrated design keeps every row with
//! weight 0 for the calibration residuals); they only drop out of the estimates' numerators and
//! denominators. In code this is a mask: every answer and breakdown category of a respondent outside the
//! subgroup reads as missing, which the estimators already treat as "outside the domain"
//! (`subset(design, !is.na(y))`). Degrees of freedom are the domain's (R `degf(subset(…))`).
//!
//! Terms on different variables must all hold (and); several codes of one variable are alternatives (or):
//! `sex:f,age_group:60+,age_group:45-59` is women aged 45 and over.
//!
//! A two-way breakdown is the breakdown by the cross of two variables: its categories are the pairs
//! `a*b` (code `north*f`), each a domain as above, so suppression (`min_cell`) and the cell flags of the
//! Rao–Scott test work on the cells as on any breakdown.

use serde::Serialize;

use crate::definition::{Definition, QuestionKind};

use super::columns::{category_labels, Columns};
use super::{variable_label, Labelled, ReportError};

/// The separator of a crossed breakdown's id (`district*sex`) and its categories' codes (`north*f`).
pub const CROSS: char = '*';

/// One `VAR:CODE` term of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterTerm {
    pub variable: String,
    pub code: String,
}

/// The subgroup a summary is restricted to, as reported (JSON `filter`).
#[derive(Debug, Clone, Serialize)]
pub struct FilterSummary {
    /// The terms, with labels, in the order given.
    pub terms: Vec<FilterTermSummary>,
    /// Analysed respondents in the subgroup (unweighted).
    pub n: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterTermSummary {
    pub variable: String,
    pub variable_label: String,
    pub code: String,
    pub label: String,
}

/// Parses `VAR:CODE[,VAR:CODE…]` (spaces around terms are ignored; an empty text is no filter).
pub fn parse_filter(text: &str) -> Result<Vec<FilterTerm>, ReportError> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| match t.split_once(':') {
            Some((v, c)) if !v.trim().is_empty() && !c.trim().is_empty() => Ok(FilterTerm {
                variable: v.trim().to_owned(),
                code: c.trim().to_owned(),
            }),
            _ => Err(ReportError::BadFilter(t.to_owned())),
        })
        .collect()
}

/// The variables a filter or breakdown may use: single-choice and scale questions and derived variables.
pub fn breakdown_choices(def: &Definition) -> Vec<String> {
    let questions = def
        .questions()
        .map(|(_, q)| q)
        .filter(|q| matches!(q.kind, QuestionKind::SingleChoice(_) | QuestionKind::Scale(_)))
        .map(|q| q.id.clone());
    def.derived.iter().map(|d| d.id.clone()).chain(questions).collect()
}

/// Checks that `var` can break a summary down, naming the valid choices when it cannot.
pub fn check_breakdown(def: &Definition, var: &str) -> Result<(), ReportError> {
    if def.categories(var).is_some() {
        return Ok(());
    }
    Err(ReportError::UnknownBreakdown(
        var.to_owned(),
        breakdown_choices(def).join(", "),
    ))
}

/// Checks every term's variable and code.
pub fn check_filter(def: &Definition, terms: &[FilterTerm]) -> Result<(), ReportError> {
    for t in terms {
        let Some(codes) = def.categories(&t.variable) else {
            return Err(ReportError::UnknownFilterVariable {
                variable: t.variable.clone(),
                valid: breakdown_choices(def).join(", "),
            });
        };
        if !codes.contains(&t.code) {
            return Err(ReportError::UnknownCode {
                variable: t.variable.clone(),
                code: t.code.clone(),
                valid: codes.join(", "),
            });
        }
    }
    Ok(())
}

/// Whether each analysed respondent is in the subgroup of `terms` (all variables match one of their codes).
pub(crate) fn mask(cols: &Columns<'_>, terms: &[FilterTerm], lang: &str) -> Vec<bool> {
    let mut variables: Vec<&str> = terms.iter().map(|t| t.variable.as_str()).collect();
    variables.dedup();
    variables.sort_unstable();
    variables.dedup();
    let mut inside = vec![true; cols.len()];
    for var in variables {
        let (cats, values) = cols.breakdown_unmasked(var, lang);
        let allowed: Vec<bool> = cats
            .iter()
            .map(|c| terms.iter().any(|t| t.variable == var && t.code == c.code))
            .collect();
        for (keep, v) in inside.iter_mut().zip(&values) {
            *keep &= v.is_some_and(|k| allowed[k]);
        }
    }
    inside
}

/// The filter as reported, with labels in `lang`.
pub fn summary(def: &Definition, terms: &[FilterTerm], n: usize, lang: &str) -> FilterSummary {
    let terms = terms
        .iter()
        .map(|t| FilterTermSummary {
            variable: t.variable.clone(),
            variable_label: variable_label(def, &t.variable, lang),
            code: t.code.clone(),
            label: category_labels(def, &t.variable, lang)
                .into_iter()
                .find(|c| c.code == t.code)
                .map_or_else(|| t.code.clone(), |c| c.label),
        })
        .collect();
    FilterSummary { terms, n }
}

/// The id of the cross of `a` and `b`.
pub fn cross_id(a: &str, b: &str) -> String {
    format!("{a}{CROSS}{b}")
}

/// The categories of the cross of two breakdowns (`a`'s first, `b` varying fastest) and each respondent's
/// cell (`None` when either is missing).
pub(crate) fn cross(
    (ca, va): &(Vec<Labelled>, Vec<Option<usize>>),
    (cb, vb): &(Vec<Labelled>, Vec<Option<usize>>),
) -> (Vec<Labelled>, Vec<Option<usize>>) {
    let cats = ca
        .iter()
        .flat_map(|a| {
            cb.iter().map(move |b| Labelled {
                code: format!("{}{CROSS}{}", a.code, b.code),
                label: format!("{} · {}", a.label, b.label),
            })
        })
        .collect();
    let m = cb.len();
    let values = va.iter().zip(vb).map(|(a, b)| Some((*a)? * m + (*b)?)).collect();
    (cats, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_terms_and_refuses_malformed_ones() {
        let t = parse_filter(" sex:f, age_group:60+ ").unwrap();
        assert_eq!(
            t,
            vec![
                FilterTerm {
                    variable: "sex".into(),
                    code: "f".into()
                },
                FilterTerm {
                    variable: "age_group".into(),
                    code: "60+".into()
                }
            ]
        );
        assert!(parse_filter("").unwrap().is_empty());
        for bad in ["sex", "sex:", ":f", "sex:f,age"] {
            let e = parse_filter(bad).unwrap_err().to_string();
            assert!(e.contains("VAR:CODE"), "{bad}: {e}");
        }
    }

    #[test]
    fn crossing_pairs_categories_and_leaves_missing_out() {
        let l = |c: &str| Labelled {
            code: c.into(),
            label: c.to_uppercase(),
        };
        let a = (vec![l("n"), l("s")], vec![Some(0), Some(1), None, Some(1)]);
        let b = (vec![l("f"), l("m")], vec![Some(1), Some(0), Some(0), None]);
        let (cats, v) = cross(&a, &b);
        let codes: Vec<&str> = cats.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["n*f", "n*m", "s*f", "s*m"]);
        assert_eq!(cats[1].label, "N · M");
        assert_eq!(v, vec![Some(1), Some(2), None, None]);
    }
}
