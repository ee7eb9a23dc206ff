//! Grouping respondents into weighting cells (distinct combinations of categories) once, so that every
//! iteration costs in proportion to the number of cells, not of respondents.
//!
//! Each respondent gets a mixed-radix key Σ_v code_v · stride_v. When the key space is small (the usual
//! case: 2 × 6 × 20 × 4 = 960), keys index a plain array and the grouping is two tight passes over the
//! columns; otherwise a hash map does the same.

use std::collections::HashMap;

use super::sample::{SampleVariable, MISSING};

/// Cell index of a respondent left out of weighting (a missing value under `missing: exclude`).
pub const EXCLUDED: u32 = u32::MAX;

/// Largest mixed-radix key space indexed by a plain array (4 MB of `u32`); larger ones use a hash map.
const DENSE_LIMIT: u64 = 1 << 20;
/// Added to the key of a respondent with an excluding missing value, so that the key leaves the key space
/// (room for 63 variables in a `u32`).
const POISON: u32 = 1 << 26;

/// The respondents grouped by cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CellTable {
    /// Sample codes of cell k on variable v: `codes[v][k]`.
    pub codes: Vec<Vec<u32>>,
    /// Sum of starting weights in each cell (Σ d_i; the count when no starting weights are given).
    pub base: Vec<f64>,
    /// Number of respondents in each cell.
    pub count: Vec<u64>,
    /// Cell of each respondent in input order, or [`EXCLUDED`].
    pub cell_of: Vec<u32>,
    pub n_excluded: usize,
}

impl CellTable {
    fn empty(n_vars: usize) -> CellTable {
        CellTable {
            codes: vec![Vec::new(); n_vars],
            base: Vec::new(),
            count: Vec::new(),
            cell_of: Vec::new(),
            n_excluded: 0,
        }
    }

    /// Registers a new cell with these codes and returns its index.
    fn add_cell(&mut self, codes: impl Iterator<Item = u32>) -> u32 {
        for (col, c) in self.codes.iter_mut().zip(codes) {
            col.push(c);
        }
        self.base.push(0.0);
        self.count.push(0);
        (self.base.len() - 1) as u32
    }
}

/// Groups respondents by their categories on `vars`. A missing code is replaced by `substitute[v]`
/// (imputation), or excludes the respondent when that is [`MISSING`] too. `base` are the starting weights
/// (None: every respondent counts 1).
pub(crate) fn group(vars: &[&SampleVariable], substitute: &[u32], base: Option<&[f64]>, n: usize) -> CellTable {
    let mut space: Option<u64> = Some(1);
    for v in vars {
        space = space.and_then(|s| s.checked_mul(v.levels.len().max(1) as u64));
    }
    match space {
        Some(s) if s <= DENSE_LIMIT && vars.len() < 64 => group_dense(vars, substitute, base, n, s as u32),
        _ => group_hashed(vars, substitute, base, n),
    }
}

/// Respondents per block: the block's keys stay in L1 cache between the column passes.
const BLOCK: usize = 4096;

fn group_dense(vars: &[&SampleVariable], substitute: &[u32], base: Option<&[f64]>, n: usize, space: u32) -> CellTable {
    // Per variable: its stride and, when it has missing values, a lookup table lut[c] = c · stride whose
    // extra last entry is the contribution of a missing value (an imputed code, or POISON to exclude).
    let mut stride = 1u32;
    let mut encoders = Vec::with_capacity(vars.len());
    for (v, var) in vars.iter().enumerate() {
        let levels = var.levels.len() as u32;
        let lut = (var.n_missing > 0).then(|| {
            let mut lut: Vec<u32> = (0..levels).map(|c| c * stride).collect();
            lut.push(match substitute[v] {
                MISSING => POISON,
                s => s * stride,
            });
            lut
        });
        encoders.push((stride, levels, lut));
        stride *= levels.max(1);
    }
    let mut table = CellTable::empty(vars.len());
    let mut slots = vec![EXCLUDED; space as usize];
    let mut cell_of = Vec::with_capacity(n);
    let mut keys = [0u32; BLOCK];
    for start in (0..n).step_by(BLOCK) {
        let len = BLOCK.min(n - start);
        let keys = &mut keys[..len];
        // Pass 1: the block's keys, column by column (vectorizable without missing values).
        keys.fill(0);
        for (var, (stride, levels, lut)) in vars.iter().zip(&encoders) {
            let codes = &var.codes[start..start + len];
            match lut {
                None => keys.iter_mut().zip(codes).for_each(|(k, &c)| *k += c * stride),
                Some(lut) => keys
                    .iter_mut()
                    .zip(codes)
                    .for_each(|(k, &c)| *k += lut[c.min(*levels) as usize]),
            }
        }
        // Pass 2: key → cell, counting respondents and summing starting weights per cell.
        for (j, &key) in keys.iter().enumerate() {
            if key >= space {
                cell_of.push(EXCLUDED);
                table.n_excluded += 1;
                continue;
            }
            let slot = &mut slots[key as usize];
            if *slot == EXCLUDED {
                let mut rest = key;
                *slot = table.add_cell(vars.iter().map(|var| {
                    let l = var.levels.len() as u32;
                    let c = rest % l;
                    rest /= l;
                    c
                }));
            }
            let cell = *slot;
            cell_of.push(cell);
            table.count[cell as usize] += 1;
            if let Some(d) = base {
                table.base[cell as usize] += d[start + j];
            }
        }
    }
    if base.is_none() {
        table.base = table.count.iter().map(|&c| c as f64).collect();
    }
    table.cell_of = cell_of;
    table
}

fn group_hashed(vars: &[&SampleVariable], substitute: &[u32], base: Option<&[f64]>, n: usize) -> CellTable {
    let mut table = CellTable::empty(vars.len());
    let mut index: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut key = vec![0u32; vars.len()];
    let mut cell_of = Vec::with_capacity(n);
    'respondents: for i in 0..n {
        for (v, var) in vars.iter().enumerate() {
            let mut c = var.codes[i];
            if c == MISSING {
                c = substitute[v];
                if c == MISSING {
                    cell_of.push(EXCLUDED);
                    table.n_excluded += 1;
                    continue 'respondents;
                }
            }
            key[v] = c;
        }
        let cell = match index.get(&key) {
            Some(&cell) => cell,
            None => {
                let cell = table.add_cell(key.iter().copied());
                index.insert(key.clone(), cell);
                cell
            }
        };
        table.count[cell as usize] += 1;
        table.base[cell as usize] += base.map_or(1.0, |d| d[i]);
        cell_of.push(cell);
    }
    table.cell_of = cell_of;
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weighting::scheme::Category;

    fn var(levels: usize, codes: &[u32]) -> SampleVariable {
        SampleVariable {
            name: "v".into(),
            levels: (0..levels).map(|c| Category(c.to_string())).collect(),
            codes: codes.to_vec(),
            n_missing: codes.iter().filter(|&&c| c == MISSING).count(),
        }
    }

    /// The dense and hashed paths group identically, including exclusion and imputation.
    #[test]
    fn dense_and_hashed_grouping_agree() {
        let a = var(3, &[0, 1, 2, MISSING, 1, 0, 2, 2]);
        let b = var(2, &[1, 1, 0, 0, MISSING, 1, 0, 0]);
        let d = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        for substitute in [[MISSING, MISSING], [2, MISSING], [MISSING, 0], [1, 1]] {
            for base in [None, Some(&d[..])] {
                let dense = group_dense(&[&a, &b], &substitute, base, 8, 6);
                let hashed = group_hashed(&[&a, &b], &substitute, base, 8);
                assert_eq!(dense, hashed);
            }
        }
        let t = group_dense(&[&a, &b], &[MISSING, MISSING], None, 8, 6);
        assert_eq!(t.n_excluded, 2);
        assert_eq!(t.cell_of[3], EXCLUDED);
        assert_eq!(t.cell_of[6], t.cell_of[7]);
        assert_eq!(t.count.iter().sum::<u64>(), 6);
    }
}
