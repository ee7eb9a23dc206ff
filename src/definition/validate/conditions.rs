//! Conditions (`show_if`, quota `when`): their types and the order of what they refer to.

use super::*;

/// Checks syntax, references, order and types of one condition; `owner` is the question holding it
/// (`None` for quota conditions, which may refer to any question).
pub(super) fn condition_problems(def: &Definition, cond: &Condition, owner: Option<&Question>) -> Vec<String> {
    let expr = match (cond.expr(), cond.error()) {
        (Some(e), _) => e,
        (None, Some(e)) => return vec![format!("syntax error {e} in \"{}\"", cond.source())],
        (None, None) => return vec![format!("cannot read \"{}\"", cond.source())],
    };
    let resolve = |id: &str| var_type(def, id);
    let mut problems: Vec<String> = Vec::new();
    let mut reported = BTreeSet::new();
    if let Some(q) = owner {
        for v in expr.variables() {
            if reported.insert(v.question.as_str()) {
                if let Some(msg) = order_problem(def, q, &v.question) {
                    problems.push(msg);
                }
            }
        }
    }
    let mut type_problems = condition::check(expr, &resolve);
    // An unknown id is reported once by the reference check above for show_if.
    if owner.is_some() {
        type_problems.retain(|m| !m.contains("which is not a question or derived variable"));
    }
    problems.extend(type_problems);
    problems
}

/// Why a `show_if` of question `q` may not refer to `target`, if it may not.
pub(super) fn order_problem(def: &Definition, q: &Question, target: &str) -> Option<String> {
    if target == q.id {
        return Some(format!("show_if refers to '{target}' itself"));
    }
    let Some(there) = position(def, target) else {
        return Some(format!(
            "show_if refers to '{target}', which is not a question or derived variable"
        ));
    };
    let here = position(def, &q.id)?;
    if there >= here {
        return Some(format!("show_if refers to '{target}', which comes later"));
    }
    let (page_here, page_there) = (def.pages.get(here.0)?, def.pages.get(there.0)?);
    if here.0 == there.0 && page_here.randomize_questions {
        return Some(format!(
            "show_if refers to '{target}' on the same page, whose questions are shuffled (randomize_questions), \
             so it may come later"
        ));
    }
    let same_block = def
        .page_blocks
        .iter()
        .any(|b| b.contains(&page_here.id) && b.contains(&page_there.id));
    if here.0 != there.0 && same_block {
        return Some(format!(
            "show_if refers to '{target}' on page '{}', which is shuffled with this page (page_blocks), so it \
             may come later",
            page_there.id
        ));
    }
    None
}

pub(super) fn check_conditions(cx: &mut Ctx) {
    let def = cx.def;
    for (_, q) in def.questions() {
        if let Some(cond) = &q.show_if {
            for msg in condition_problems(def, cond, Some(q)) {
                let msg = if msg.starts_with("show_if") {
                    msg
                } else {
                    format!("show_if: {msg}")
                };
                let line =
                    locate::item(cx.source, "pages", &q.id).and_then(|l| locate::key_after(cx.source, "show_if", l));
                cx.problems.push(Problem::new(cx.file, line, Some(&q.id), msg));
            }
        }
    }
}
