//! Labels of weighting and breakdown variables and their categories, in a language: what summaries,
//! the monitor and the methodology page call them.

use crate::definition::{AnswerOption, Definition, DerivedRule};

/// Label of a category of a variable (a derived variable's bin label, a single-choice or scale option's
/// label), else its code.
pub fn category_label(def: &Definition, var: &str, code: &str, lang: &str) -> String {
    if let Some(d) = def.derived_variable(var) {
        if let DerivedRule::Bins(bins) = &d.rule {
            if let Some(l) = bins.iter().find(|b| b.code == code).and_then(|b| b.label.as_ref()) {
                return def.text(l, lang).to_owned();
            }
        }
        return code.to_owned();
    }
    let opts: Vec<&AnswerOption> = def
        .question(var)
        .map_or_else(Vec::new, |q| q.kind.as_type().categories());
    opts.into_iter()
        .find(|o| o.code == code)
        .map_or_else(|| code.to_owned(), |o| def.text(&o.label, lang).to_owned())
}

/// Label of a weighting or breakdown variable: a derived variable's label, else the question's text, else
/// its id.
pub fn variable_label(def: &Definition, var: &str, lang: &str) -> String {
    def.derived_variable(var)
        .and_then(|d| d.label.as_ref().map(|l| def.text(l, lang).to_owned()))
        .or_else(|| def.question(var).map(|q| def.text(&q.text, lang).to_owned()))
        .unwrap_or_else(|| var.to_owned())
}
