//! Population files (`surveys/populations/*.yaml`): parsing, internal consistency, and agreement with the
//! weighting variables of a definition.
//!
//! ```yaml
//! name: example-region-2026
//! title: {ru: "Пример области, 2026", en: "Example region, 2026"}
//! source: "Illustrative figures, not official statistics"
//! total: 1000000
//! margins:
//!   sex: {m: 460000, f: 540000}          # counts, or shares summing to 1 when total is given
//!   age_group: {"18-29": 0.18, "30-44": 0.27, "45-59": 0.25, "60+": 0.30}
//! cells:                                  # optional joint table (post-stratification)
//!   - {sex: m, age_group: "18-29", count: 92000}
//! ```
//! Rules: every figure is finite and non-negative; each margin sums to `total` (or to 1 as shares) within
//! 0.5% — the rounding of published tables; without `total`, all margins have the same sum; every cell names
//! the same variables, no combination twice, the cells sum to the total and agree with the margins of
//! their variables within the same tolerance.

use std::collections::{BTreeMap, BTreeSet};

use super::error::{into_result, DefinitionErrors, Problem};
use super::locate;
use super::model::Definition;
use crate::weighting::scheme::{Category, Method, Population, Targets};

/// Relative tolerance for sums: 0.5%, the rounding of published tables.
pub const SUM_TOLERANCE: f64 = 0.005;

/// `a` and `b` agree within [`SUM_TOLERANCE`] of `scale` (the total the figures are part of).
fn close_in(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= SUM_TOLERANCE * scale.abs().max(a.abs()).max(b.abs()).max(f64::MIN_POSITIVE)
}

fn close(a: f64, b: f64) -> bool {
    close_in(a, b, 0.0)
}

const KEYS: [&str; 6] = ["name", "title", "source", "total", "margins", "cells"];

/// Parses and checks a population file; every problem is reported.
pub fn parse_population(source: &str, file_name: &str) -> Result<Population, DefinitionErrors> {
    let value: serde_norway::Value = serde_norway::from_str(source).map_err(|e| super::yaml_error(&e, file_name))?;
    let mut problems = Vec::new();
    if let serde_norway::Value::Mapping(map) = &value {
        for key in map.keys() {
            let name = key.as_str().unwrap_or("?");
            if !KEYS.contains(&name) {
                problems.push(Problem::new(
                    file_name,
                    locate::top_key(source, name),
                    None,
                    format!("unknown key '{name}' (known: {})", KEYS.join(", ")),
                ));
            }
        }
    }
    let pop: Population = serde_norway::from_str(source).map_err(|e| super::yaml_error(&e, file_name))?;
    if pop.name.trim().is_empty() {
        problems.push(Problem::new(
            file_name,
            locate::top_key(source, "name"),
            None,
            "name is empty",
        ));
    }
    for (var, msg) in target_problems(&pop.targets) {
        let line = match &var {
            Some(v) => locate::top_key(source, "margins")
                .and_then(|m| locate::key_after(source, v, m))
                .or_else(|| locate::top_key(source, "cells")),
            None => locate::top_key(source, "total").or_else(|| locate::top_key(source, "cells")),
        };
        problems.push(Problem::new(file_name, line, var.as_deref(), msg));
    }
    into_result(pop, problems)
}

/// The count scale of a margin: counts as written, or shares × total.
fn margin_counts(targets: &Targets, margin: &BTreeMap<Category, f64>) -> BTreeMap<String, f64> {
    let sum: f64 = margin.values().sum();
    let scale = match targets.total {
        Some(total) if close(sum, 1.0) && !close(total, 1.0) => total,
        _ => 1.0,
    };
    margin.iter().map(|(k, v)| (k.0.clone(), v * scale)).collect()
}

/// Internal consistency of targets; each problem with the variable it concerns.
pub(crate) fn target_problems(t: &Targets) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    if let Some(total) = t.total {
        if !total.is_finite() || total <= 0.0 {
            out.push((None, format!("total must be a positive number, not {total}")));
        }
    }
    if t.margins.is_empty() && t.cells.is_empty() {
        out.push((None, "there are no margins and no cells".to_owned()));
    }
    let mut sums = Vec::new();
    for (var, margin) in &t.margins {
        if margin.is_empty() {
            out.push((Some(var.clone()), format!("margin '{var}' has no categories")));
        }
        for (cat, v) in margin {
            if !v.is_finite() || *v < 0.0 {
                out.push((
                    Some(var.clone()),
                    format!("'{var}' category '{cat}' has {v}; figures must be non-negative"),
                ));
            }
        }
        let counts = margin_counts(t, margin);
        let sum: f64 = counts.values().sum();
        if let Some(total) = t.total {
            if !close(sum, total) {
                out.push((
                    Some(var.clone()),
                    format!("margin '{var}' sums to {sum}, but total is {total} (allowed difference 0.5%)"),
                ));
            }
        }
        sums.push((var, sum));
    }
    if t.total.is_none() {
        if let Some((first_var, first)) = sums.first() {
            for (var, sum) in sums.iter().skip(1) {
                if !close(*sum, *first) {
                    out.push((
                        Some((*var).clone()),
                        format!("margin '{var}' sums to {sum}, but '{first_var}' sums to {first}; give a total"),
                    ));
                }
            }
        }
    }
    cell_problems(t, &mut out);
    out
}

fn cell_problems(t: &Targets, out: &mut Vec<(Option<String>, String)>) {
    let Some(first) = t.cells.first() else {
        return;
    };
    let vars: BTreeSet<&String> = first.categories.keys().collect();
    if vars.is_empty() {
        out.push((
            None,
            "a cell names no variables (write e.g. {sex: m, age_group: \"18-29\", count: 1200})".into(),
        ));
    }
    let mut seen = BTreeSet::new();
    for cell in &t.cells {
        let these: BTreeSet<&String> = cell.categories.keys().collect();
        let desc = describe_cell(cell);
        if these != vars {
            let names: Vec<&str> = vars.iter().map(|s| s.as_str()).collect();
            out.push((
                None,
                format!(
                    "cell {desc} does not name the same variables as the first cell ({})",
                    names.join(", ")
                ),
            ));
        }
        if !cell.count.is_finite() || cell.count < 0.0 {
            out.push((
                None,
                format!("cell {desc} has count {}; counts must be non-negative", cell.count),
            ));
        }
        if !seen.insert(desc.clone()) {
            out.push((None, format!("cell {desc} appears twice")));
        }
    }
    let cell_total: f64 = t.cells.iter().map(|c| c.count).sum();
    if let Some(total) = t.total {
        if !close(cell_total, total) {
            out.push((None, format!("the cells sum to {cell_total}, but total is {total}")));
        }
    }
    let scale = t.total.unwrap_or(cell_total);
    for var in vars {
        let Some(margin) = t.margins.get(var) else {
            continue;
        };
        let margin = margin_counts(t, margin);
        let mut from_cells: BTreeMap<String, f64> = BTreeMap::new();
        for cell in &t.cells {
            if let Some(cat) = cell.categories.get(var) {
                *from_cells.entry(cat.0.clone()).or_insert(0.0) += cell.count;
            }
        }
        for (cat, sum) in &from_cells {
            match margin.get(cat) {
                None => out.push((
                    Some(var.clone()),
                    format!("cells use '{var}' category '{cat}', which margin '{var}' lacks"),
                )),
                Some(m) if !close_in(*sum, *m, scale) => out.push((
                    Some(var.clone()),
                    format!("cells with {var} = {cat} sum to {sum}, but the margin says {m}"),
                )),
                Some(_) => {}
            }
        }
    }
}

fn describe_cell(cell: &crate::weighting::scheme::Cell) -> String {
    let parts: Vec<String> = cell.categories.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// The categories a population gives a variable: its margin, else the categories used in its cells.
fn population_categories(t: &Targets, var: &str) -> Option<BTreeSet<String>> {
    if let Some(m) = t.margins.get(var) {
        return Some(m.keys().map(|c| c.0.clone()).collect());
    }
    let cats: BTreeSet<String> = t
        .cells
        .iter()
        .filter_map(|c| c.categories.get(var).map(|v| v.0.clone()))
        .collect();
    (!cats.is_empty()).then_some(cats)
}

/// Checks targets against the weighting variables of a definition (messages only).
pub(crate) fn check_targets_against(def: &Definition, t: &Targets, method: &Method) -> Vec<Problem> {
    compare(def, t, method, "the weighting targets", "")
}

fn compare(def: &Definition, t: &Targets, method: &Method, pop_name: &str, file: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(scheme) = &def.weighting else {
        return out;
    };
    for var in &scheme.variables {
        let Some(codes) = categorical_codes(def, var) else {
            out.push(Problem::new(
                file,
                None,
                Some(var),
                format!("weighting variable '{var}' must be a single_choice question or a derived variable"),
            ));
            continue;
        };
        let Some(cats) = population_categories(t, var) else {
            out.push(Problem::new(
                file,
                None,
                Some(var),
                format!("no figures for weighting variable '{var}' in {pop_name}"),
            ));
            continue;
        };
        for cat in &cats {
            if !codes.contains(cat) {
                out.push(Problem::new(
                    file,
                    None,
                    Some(var),
                    format!(
                        "category '{cat}' of '{var}' in {pop_name} is not a code of '{var}' (codes: {})",
                        codes.join(", ")
                    ),
                ));
            }
        }
        for code in &codes {
            if !cats.contains(code) {
                out.push(Problem::new(
                    file,
                    None,
                    Some(var),
                    format!("code '{code}' of '{var}' has no figure in {pop_name}"),
                ));
            }
        }
    }
    if method.uses_joint_cells() {
        let joint: BTreeSet<&String> = t
            .cells
            .first()
            .map(|c| c.categories.keys().collect())
            .unwrap_or_default();
        let wanted: BTreeSet<&String> = scheme.variables.iter().collect();
        if joint != wanted {
            out.push(Problem::new(
                file,
                None,
                None,
                format!(
                    "poststratify needs cells crossing exactly the weighting variables ({}) in {pop_name}",
                    scheme.variables.join(", ")
                ),
            ));
        }
    }
    out
}

fn categorical_codes(def: &Definition, var: &str) -> Option<Vec<String>> {
    if def.derived_variable(var).is_some() {
        return def.categories(var);
    }
    match def.question(var).map(|q| &q.kind) {
        Some(super::model::QuestionKind::SingleChoice(_)) => def.categories(var),
        _ => None,
    }
}

/// Checks that a population fits the definition's weighting: each weighting variable is a single-choice
/// question or derived variable, and the population's categories for it are exactly its codes. Returns no
/// problems when the definition has no weighting block.
pub fn check_population(def: &Definition, pop: &Population) -> Vec<Problem> {
    let Some(scheme) = &def.weighting else {
        return Vec::new();
    };
    let file = scheme.population.clone().unwrap_or_else(|| pop.name.clone());
    compare(
        def,
        &pop.targets,
        &scheme.method,
        &format!("population '{}'", pop.name),
        &file,
    )
}
