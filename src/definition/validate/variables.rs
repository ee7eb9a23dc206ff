//! Variables: what each id is and where it sits in the form.

use super::*;

/// Position of a variable in the form: (page index, index within the page). A derived variable sits where
/// its source question sits.
pub(crate) fn position(def: &Definition, id: &str) -> Option<(usize, usize)> {
    for (p, page) in def.pages.iter().enumerate() {
        if let Some(i) = page.questions.iter().position(|q| q.id == id) {
            return Some((p, i));
        }
    }
    // Derived variables may only use earlier ones, so following `from` ends; the bound guards cycles.
    let mut current = id;
    for _ in 0..=def.derived.len() {
        let d = def.derived_variable(current)?;
        if let Some(pos) = def.question(&d.from).and_then(|_| position(def, &d.from)) {
            return Some(pos);
        }
        current = &d.from;
    }
    None
}

/// The type of a question or derived variable, for the condition checker.
pub(crate) fn var_type(def: &Definition, id: &str) -> Option<VarType> {
    if let Some(d) = def.derived_variable(id) {
        return Some(VarType::Codes {
            codes: d.codes().into_iter().map(str::to_owned).collect(),
            numeric: false,
        });
    }
    Some(def.question(id)?.kind.as_type().condition_type(id))
}

/// Whether a variable can be a weighting, quota or breakdown variable: a single choice or derived.
pub(super) fn categorical(def: &Definition, id: &str) -> Result<(), String> {
    if def.derived_variable(id).is_some() {
        return Ok(());
    }
    match def.question(id).map(|q| &q.kind) {
        Some(QuestionKind::SingleChoice(_)) => Ok(()),
        Some(k) => Err(format!(
            "'{id}' is a {} question; use a single_choice question or a derived variable",
            k.name()
        )),
        None => Err(format!("'{id}' is not a question or derived variable")),
    }
}
