//! Population targets: reading margins and joint cells into plain arrays, the share/count convention, the
//! total, and validation of population files.
//!
//! Conventions (README, "Weighting scheme"):
//! - figures are counts; when `total` is given and a margin (or the cells) add up to 1 (±0.5%), they are
//!   shares and are multiplied by `total`;
//! - without `total`, the total is the sum of the first margin (or of the cells);
//! - a margin whose sum differs from the total by at most 0.5% (rounding in published tables) is scaled to the
//!   total, and a note says so; more than that is an error.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::error::WeightingError;
use super::scheme::{Category, Population, Targets};

/// Relative disagreement between totals accepted as rounding.
pub(crate) const ROUNDING: f64 = 0.005;

/// Target counts of one weighting variable.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MarginTarget {
    pub name: String,
    pub categories: Vec<Category>,
    pub counts: Vec<f64>,
}

/// All margins, on a common total.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Margins {
    pub total: f64,
    pub vars: Vec<MarginTarget>,
    pub notes: Vec<String>,
}

/// Joint cells over the scheme's variables (in scheme order), on a common total.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cells {
    pub total: f64,
    pub cells: Vec<(Vec<Category>, f64)>,
    pub notes: Vec<String>,
}

fn check_value(what: impl FnOnce() -> String, value: f64) -> Result<(), WeightingError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(WeightingError::BadTarget { what: what(), value })
    }
}

fn check_total(total: Option<f64>) -> Result<(), WeightingError> {
    match total {
        Some(t) if !(t.is_finite() && t > 0.0) => Err(WeightingError::BadTarget {
            what: "`total`".into(),
            value: t,
        }),
        _ => Ok(()),
    }
}

/// True when `sum` looks like a sum of shares to be multiplied by an explicit `total`.
fn are_shares(sum: f64, explicit_total: Option<f64>) -> bool {
    matches!(explicit_total, Some(t) if t > 1.5 && (sum - 1.0).abs() <= ROUNDING)
}

/// Puts `counts` on `total`: shares are multiplied by it; counts within rounding are scaled to it.
/// Returns a note when anything was scaled.
fn put_on_total(
    what: &str,
    counts: &mut [f64],
    total: f64,
    explicit_total: Option<f64>,
) -> Result<Option<String>, WeightingError> {
    let sum: f64 = counts.iter().sum();
    if are_shares(sum, explicit_total) {
        counts.iter_mut().for_each(|c| *c *= total / sum);
        return Ok(None);
    }
    let gap = (sum - total).abs() / total;
    if gap > ROUNDING {
        return Err(WeightingError::TotalsDisagree {
            what: what.to_owned(),
            sum,
            total,
            percent: 100.0 * gap,
        });
    }
    if sum == total {
        return Ok(None);
    }
    counts.iter_mut().for_each(|c| *c *= total / sum);
    Ok(Some(format!(
        "{what} add up to {sum}, not the total {total}; scaled by {:.6} (rounding in the source table)",
        total / sum
    )))
}

/// The margin of `name`: given directly, or summed from cells that contain the variable.
fn margin_of(targets: &Targets, name: &str) -> Result<(Vec<Category>, Vec<f64>), WeightingError> {
    if let Some(m) = targets.margins.get(name) {
        if m.is_empty() {
            return Err(WeightingError::BadTargets(format!(
                "the margin of `{name}` lists no categories"
            )));
        }
        for (cat, &v) in m {
            check_value(|| format!("`{name}` = `{cat}`"), v)?;
        }
        return Ok((m.keys().cloned().collect(), m.values().copied().collect()));
    }
    if !targets.cells.is_empty() && targets.cells.iter().all(|c| c.categories.contains_key(name)) {
        let mut sums: BTreeMap<Category, f64> = BTreeMap::new();
        for cell in &targets.cells {
            check_value(|| format!("the cell {}", cell_label_map(&cell.categories)), cell.count)?;
            if let Some(cat) = cell.categories.get(name) {
                *sums.entry(cat.clone()).or_insert(0.0) += cell.count;
            }
        }
        return Ok((sums.keys().cloned().collect(), sums.values().copied().collect()));
    }
    Err(WeightingError::NoTargetsFor(name.to_owned()))
}

/// Margins of `variables` on a common total (raking and calibration).
pub(crate) fn resolve_margins(targets: &Targets, variables: &[String]) -> Result<Margins, WeightingError> {
    check_total(targets.total)?;
    let mut raw = Vec::with_capacity(variables.len());
    for name in variables {
        let (categories, counts) = margin_of(targets, name)?;
        raw.push(MarginTarget {
            name: name.clone(),
            categories,
            counts,
        });
    }
    let total = match (targets.total, raw.first()) {
        (Some(t), _) => t,
        (None, Some(first)) => first.counts.iter().sum(),
        (None, None) => return Err(WeightingError::BadScheme("`variables` is empty".into())),
    };
    if !(total.is_finite() && total > 0.0) {
        return Err(WeightingError::BadTarget {
            what: "the population total".into(),
            value: total,
        });
    }
    let mut notes = Vec::new();
    for m in &mut raw {
        let what = format!("the categories of `{}`", m.name);
        notes.extend(put_on_total(&what, &mut m.counts, total, targets.total)?);
    }
    Ok(Margins {
        total,
        vars: raw,
        notes,
    })
}

/// Joint cells over `variables` (post-stratification). Cells over more variables are summed over the extra
/// ones; a single variable may use its margin as cells.
pub(crate) fn resolve_cells(targets: &Targets, variables: &[String]) -> Result<Cells, WeightingError> {
    check_total(targets.total)?;
    let mut sums: BTreeMap<Vec<Category>, f64> = BTreeMap::new();
    if targets.cells.is_empty() {
        match variables {
            [only] => {
                let (cats, counts) = margin_of(targets, only)?;
                for (c, v) in cats.into_iter().zip(counts) {
                    sums.insert(vec![c], v);
                }
            }
            _ => {
                return Err(WeightingError::BadTargets(format!(
                    "post-stratification on {} needs joint `cells:` with a count for every combination",
                    variables.join(" × ")
                )))
            }
        }
    } else {
        for cell in &targets.cells {
            check_value(|| format!("the cell {}", cell_label_map(&cell.categories)), cell.count)?;
            let mut key = Vec::with_capacity(variables.len());
            for v in variables {
                match cell.categories.get(v) {
                    Some(c) => key.push(c.clone()),
                    None => return Err(WeightingError::NoTargetsFor(v.clone())),
                }
            }
            *sums.entry(key).or_insert(0.0) += cell.count;
        }
    }
    let mut counts: Vec<f64> = sums.values().copied().collect();
    let total = targets.total.unwrap_or_else(|| counts.iter().sum());
    if !(total.is_finite() && total > 0.0) {
        return Err(WeightingError::BadTarget {
            what: "the population total".into(),
            value: total,
        });
    }
    let notes: Vec<String> = put_on_total("the cells", &mut counts, total, targets.total)?
        .into_iter()
        .collect();
    let cells = sums.into_keys().zip(counts).collect();
    Ok(Cells { total, cells, notes })
}

/// `{sex: m, age_group: 18-29}` for messages.
pub(crate) fn cell_label(variables: &[String], categories: &[Category]) -> String {
    let parts: Vec<String> = variables
        .iter()
        .zip(categories)
        .map(|(v, c)| format!("{v} = {c}"))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn cell_label_map(categories: &BTreeMap<String, Category>) -> String {
    let parts: Vec<String> = categories.iter().map(|(v, c)| format!("{v} = {c}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// Every problem found in a set of targets (empty when they are usable): negative or non-numeric figures,
/// empty margins, margins or cells disagreeing on the total by more than 0.5%, cells over different
/// variables, duplicate cells, and cells whose sums disagree with a margin given alongside.
pub fn validate_targets(targets: &Targets) -> Vec<WeightingError> {
    let mut problems = Vec::new();
    if let Err(e) = check_total(targets.total) {
        problems.push(e);
    }
    if targets.margins.is_empty() && targets.cells.is_empty() {
        problems.push(WeightingError::BadTargets(
            "neither `margins:` nor `cells:` are given".into(),
        ));
        return problems;
    }
    let total = targets.total.filter(|t| t.is_finite() && *t > 0.0);
    let mut reference_total = total;
    for name in targets.margins.keys() {
        match margin_of(targets, name) {
            Err(e) => problems.push(e),
            Ok((_, mut counts)) => {
                let t = *reference_total.get_or_insert_with(|| counts.iter().sum());
                let what = format!("the categories of `{name}`");
                if let Err(e) = put_on_total(&what, &mut counts, t, total) {
                    problems.push(e);
                }
            }
        }
    }
    problems.extend(validate_cells(targets, total, reference_total));
    problems
}

fn validate_cells(targets: &Targets, total: Option<f64>, reference: Option<f64>) -> Vec<WeightingError> {
    let mut problems = Vec::new();
    let Some(first) = targets.cells.first() else {
        return problems;
    };
    let vars: BTreeSet<&String> = first.categories.keys().collect();
    let mut seen = BTreeSet::new();
    for cell in &targets.cells {
        let label = cell_label_map(&cell.categories);
        if let Err(e) = check_value(|| format!("the cell {label}"), cell.count) {
            problems.push(e);
        }
        if cell.categories.keys().collect::<BTreeSet<_>>() != vars {
            problems.push(WeightingError::BadTargets(format!(
                "the cell {label} is not over the same variables as the first cell"
            )));
        } else if !seen.insert(cell.categories.clone()) {
            problems.push(WeightingError::BadTargets(format!("the cell {label} is listed twice")));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let mut counts: Vec<f64> = targets.cells.iter().map(|c| c.count).collect();
    let sum: f64 = counts.iter().sum();
    let t = reference.unwrap_or(sum);
    if let Err(e) = put_on_total("the cells", &mut counts, t, total) {
        problems.push(e);
        return problems;
    }
    // Cells summed per category must agree with a margin given for the same variable.
    for (name, margin) in &targets.margins {
        if !vars.contains(name) {
            continue;
        }
        let mut from_cells: HashMap<&Category, f64> = HashMap::new();
        for (cell, &c) in targets.cells.iter().zip(&counts) {
            if let Some(cat) = cell.categories.get(name) {
                *from_cells.entry(cat).or_insert(0.0) += c;
            }
        }
        let m_sum: f64 = margin.values().sum();
        let scale = if are_shares(m_sum, total) { t / m_sum } else { 1.0 };
        for (cat, &v) in margin {
            let cells_v = from_cells.get(cat).copied().unwrap_or(0.0);
            if (cells_v - v * scale).abs() > ROUNDING * t {
                problems.push(WeightingError::BadTargets(format!(
                    "the cells add up to {cells_v} for `{name}` = `{cat}`, but its margin says {}",
                    v * scale
                )));
            }
        }
    }
    problems
}

/// Every problem found in a population file (empty when it is usable): a name, then [`validate_targets`].
pub fn validate_population(population: &Population) -> Vec<WeightingError> {
    let mut problems = Vec::new();
    if population.name.trim().is_empty() {
        problems.push(WeightingError::BadTargets("the population has no `name`".into()));
    }
    problems.extend(validate_targets(&population.targets));
    problems
}
