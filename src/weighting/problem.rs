//! The fitting problem: the respondents' cells matched against the targets, with the checks that need
//! both (categories without respondents, respondents without targets).

use std::collections::{BTreeMap, HashMap};

use super::cells::CellTable;
use super::error::WeightingError;
use super::sample::{SampleVariable, MISSING};
use super::scheme::{Category, Method, MissingPolicy, Scheme, Targets};
use super::targets::{self, cell_label, MarginTarget, Margins};

/// Per variable, the code that replaces a missing value (imputation), or MISSING (exclude).
pub(crate) fn missing_substitutes(
    vars: &[&SampleVariable],
    base: Option<&[f64]>,
    policy: MissingPolicy,
    notes: &mut Vec<String>,
) -> Vec<u32> {
    vars.iter()
        .map(|v| {
            if policy != MissingPolicy::ImputeMode || v.n_missing == 0 || v.levels.is_empty() {
                return MISSING;
            }
            let mut mass = vec![0.0; v.levels.len()];
            for (i, &c) in v.codes.iter().enumerate() {
                if c != MISSING {
                    mass[c as usize] += base.map_or(1.0, |d| d[i]);
                }
            }
            let mut mode = 0;
            for (c, &m) in mass.iter().enumerate() {
                if m > mass[mode] {
                    mode = c;
                }
            }
            notes.push(format!(
                "{} missing value(s) of `{}` imputed as `{}` (the most frequent category)",
                v.n_missing, v.name, v.levels[mode]
            ));
            mode as u32
        })
        .collect()
}

/// The fitting problem: margins (for poststratify: derived from the cells, for diagnostics), the target
/// category of every cell on every variable, and for poststratify the target count of every cell.
pub(crate) struct Problem {
    pub margins: Margins,
    pub codes: Vec<Vec<u32>>,
    pub cell_targets: Option<Vec<f64>>,
}

impl Problem {
    pub fn build(
        scheme: &Scheme,
        targets: &Targets,
        vars: &[&SampleVariable],
        table: &CellTable,
    ) -> Result<Problem, WeightingError> {
        match scheme.method {
            Method::Poststratify => return Self::build_cells(scheme, targets, vars, table),
            // Raking and calibration work on the margins.
            Method::Raking | Method::Linear | Method::Logit => {}
        }
        let margins = targets::resolve_margins(targets, &scheme.variables)?;
        let codes = map_codes(vars, &margins.vars, table)?;
        for (v, m) in margins.vars.iter().enumerate() {
            let mut present = vec![0u64; m.counts.len()];
            for (&c, &count) in codes[v].iter().zip(&table.count) {
                present[c as usize] += count;
            }
            for (c, (&t, &n)) in m.counts.iter().zip(&present).enumerate() {
                check_target_presence(&m.name, &m.categories[c].0, t, n)?;
            }
        }
        Ok(Problem {
            margins,
            codes,
            cell_targets: None,
        })
    }

    fn build_cells(
        scheme: &Scheme,
        targets: &Targets,
        vars: &[&SampleVariable],
        table: &CellTable,
    ) -> Result<Problem, WeightingError> {
        let resolved = targets::resolve_cells(targets, &scheme.variables)?;
        // Margins summed from the cells, for category lookup and diagnostics.
        let mut vars_m: Vec<MarginTarget> = Vec::new();
        for (v, name) in scheme.variables.iter().enumerate() {
            let mut sums: BTreeMap<&Category, f64> = Default::default();
            for (key, count) in &resolved.cells {
                *sums.entry(&key[v]).or_insert(0.0) += count;
            }
            vars_m.push(MarginTarget {
                name: name.clone(),
                categories: sums.keys().map(|c| (*c).clone()).collect(),
                counts: sums.values().copied().collect(),
            });
        }
        let codes = map_codes(vars, &vars_m, table)?;
        let index: HashMap<Vec<u32>, usize> = resolved
            .cells
            .iter()
            .enumerate()
            .map(|(i, (key, _))| {
                let idx = key
                    .iter()
                    .zip(&vars_m)
                    .map(|(cat, m)| m.categories.binary_search(cat).unwrap_or(0) as u32)
                    .collect();
                (idx, i)
            })
            .collect();
        let mut present = vec![0u64; resolved.cells.len()];
        let mut cell_targets = Vec::with_capacity(table.count.len());
        for k in 0..table.count.len() {
            let key: Vec<u32> = codes.iter().map(|col| col[k]).collect();
            let Some(&i) = index.get(&key) else {
                let cats: Vec<Category> = key
                    .iter()
                    .zip(&vars_m)
                    .map(|(&c, m)| m.categories[c as usize].clone())
                    .collect();
                return Err(WeightingError::UnknownCell {
                    cell: cell_label(&scheme.variables, &cats),
                    n: table.count[k],
                });
            };
            present[i] += table.count[k];
            cell_targets.push(resolved.cells[i].1);
        }
        for ((key, t), &n) in resolved.cells.iter().zip(&present) {
            if n == 0 && *t > 0.0 {
                return Err(WeightingError::EmptyCell {
                    cell: cell_label(&scheme.variables, key),
                    target: *t,
                });
            }
            if n > 0 && *t == 0.0 {
                return Err(WeightingError::BadTarget {
                    what: format!(
                        "the cell {} (which has {n} respondent(s))",
                        cell_label(&scheme.variables, key)
                    ),
                    value: 0.0,
                });
            }
        }
        Ok(Problem {
            margins: Margins {
                total: resolved.total,
                vars: vars_m,
                notes: resolved.notes,
            },
            codes,
            cell_targets: Some(cell_targets),
        })
    }
}

/// A target category needs respondents, and respondents need a positive target.
fn check_target_presence(variable: &str, category: &str, target: f64, n: u64) -> Result<(), WeightingError> {
    if n == 0 && target > 0.0 {
        return Err(WeightingError::EmptyCategory {
            variable: variable.to_owned(),
            category: category.to_owned(),
            target,
        });
    }
    if n > 0 && target == 0.0 {
        return Err(WeightingError::BadTarget {
            what: format!("`{variable}` = `{category}` (which has {n} respondent(s))"),
            value: 0.0,
        });
    }
    Ok(())
}

/// Translates the cells' sample codes into target category indexes, per variable.
fn map_codes(
    vars: &[&SampleVariable],
    margins: &[MarginTarget],
    table: &CellTable,
) -> Result<Vec<Vec<u32>>, WeightingError> {
    vars.iter()
        .zip(margins)
        .enumerate()
        .map(|(v, (var, m))| {
            let lookup: Vec<Option<u32>> = var
                .levels
                .iter()
                .map(|l| m.categories.binary_search(l).ok().map(|i| i as u32))
                .collect();
            let mut out = Vec::with_capacity(table.count.len());
            for &level in &table.codes[v] {
                match lookup[level as usize] {
                    Some(c) => out.push(c),
                    None => {
                        let n = table.codes[v]
                            .iter()
                            .zip(&table.count)
                            .filter(|(&l, _)| l == level)
                            .map(|(_, &c)| c)
                            .sum();
                        return Err(WeightingError::UnknownCategory {
                            variable: var.name.clone(),
                            category: var.levels[level as usize].0.clone(),
                            n,
                        });
                    }
                }
            }
            Ok(out)
        })
        .collect()
}
