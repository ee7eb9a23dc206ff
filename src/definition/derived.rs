//! Derived variables (binned numbers, grouped codes) and the category of any variable for weighting,
//! quotas and report breakdowns.

use std::collections::BTreeMap;

use super::answer::{Answer, Answers};
use super::model::{Definition, Derived, DerivedRule};

/// The value of one derived variable for one respondent; `None` when the source question is unanswered
/// or its answer falls in no bin / no group.
///
/// Bins: the first bin with `min <= x <= max` (both inclusive; a missing bound is open). The source is a
/// number question (or a scale, whose point code is its value). Groups: the group whose list contains the
/// answer's code (single choice, scale, or another derived variable listed earlier).
pub fn value(def: &Definition, d: &Derived, answers: &Answers) -> Option<String> {
    // Only earlier derived variables can feed a later one, so computing them in order is enough (and
    // cannot loop).
    let earlier = compute(def, answers);
    value_with(d, answers, &|id| earlier.get(id).cloned())
}

fn value_with(d: &Derived, answers: &Answers, derived: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    match &d.rule {
        DerivedRule::Bins(bins) => {
            let x = match answers.get(&d.from)? {
                Answer::Number(x) => *x,
                Answer::Scale(code) => code.trim().parse().ok()?,
                _ => return None,
            };
            bins.iter()
                .find(|b| b.min.is_none_or(|m| x >= m) && b.max.is_none_or(|m| x <= m))
                .map(|b| b.code.clone())
        }
        DerivedRule::Groups(groups) => {
            let code = match answers.get(&d.from) {
                Some(a) => a.code()?.to_owned(),
                None => derived(&d.from)?,
            };
            groups
                .iter()
                .find(|(_, codes)| codes.iter().any(|c| c.0 == code))
                .map(|(name, _)| name.to_owned())
        }
    }
}

/// Every derived variable that has a value for this respondent: id → category code.
pub fn compute(def: &Definition, answers: &Answers) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for d in &def.derived {
        // Earlier derived values are available to later ones through `out`.
        let v = value_with(d, answers, &|id| out.get(id).cloned());
        if let Some(v) = v {
            out.insert(d.id.clone(), v);
        }
    }
    out
}

/// The answers plus every derived value as an `Answer::Choice`, so conditions can refer to both.
pub fn with_derived(def: &Definition, answers: &Answers) -> Answers {
    let mut full = answers.clone();
    for (id, code) in compute(def, answers) {
        full.entry(id).or_insert(Answer::Choice { code, other_text: None });
    }
    full
}

/// The category of any variable for weighting, quotas and breakdowns: a derived variable's value, or the
/// code of a single-choice or scale answer. `None` when unanswered or not a categorical variable.
pub fn category(def: &Definition, variable: &str, answers: &Answers) -> Option<String> {
    if let Some(d) = def.derived_variable(variable) {
        return value(def, d, answers);
    }
    answers.get(variable)?.code().map(str::to_owned)
}
