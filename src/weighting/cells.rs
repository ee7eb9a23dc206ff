//! Grouping respondents into weighting cells (distinct combinations of categories) once, so that every
//! iteration costs in proportion to the number of cells, not of respondents.

use std::collections::HashMap;

use super::sample::{SampleVariable, MISSING};

/// Cell index of a respondent left out of weighting (a missing value under `missing: exclude`).
pub const EXCLUDED: u32 = u32::MAX;

/// Largest mixed-radix key space indexed by a plain array (4 MB of `u32`); larger ones use a hash map.
const DENSE_LIMIT: u64 = 1 << 20;

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

enum Index {
    Dense(Vec<u32>),
    Hashed(HashMap<u64, u32>),
    Wide(HashMap<Vec<u32>, u32>),
}

/// Groups respondents by their categories on `vars`. A missing code is replaced by `substitute[v]`
/// (imputation), or excludes the respondent when that is [`MISSING`] too. `base` are the starting weights
/// (None: every respondent counts 1).
pub(crate) fn group(vars: &[&SampleVariable], substitute: &[u32], base: Option<&[f64]>, n: usize) -> CellTable {
    let mut strides = Vec::with_capacity(vars.len());
    let mut space: Option<u64> = Some(1);
    for v in vars {
        strides.push(space.unwrap_or(0));
        space = space.and_then(|s| s.checked_mul(v.levels.len().max(1) as u64));
    }
    let mut index = match space {
        Some(s) if s <= DENSE_LIMIT => Index::Dense(vec![EXCLUDED; s as usize]),
        Some(_) => Index::Hashed(HashMap::new()),
        None => Index::Wide(HashMap::new()),
    };
    let mut table = CellTable {
        codes: vec![Vec::new(); vars.len()],
        base: Vec::new(),
        count: Vec::new(),
        cell_of: Vec::with_capacity(n),
        n_excluded: 0,
    };
    let columns: Vec<&[u32]> = vars.iter().map(|v| v.codes.as_slice()).collect();
    let mut scratch = vec![0u32; vars.len()];
    for i in 0..n {
        let mut key = 0u64;
        let mut excluded = false;
        for (v, col) in columns.iter().enumerate() {
            let mut c = col[i];
            if c == MISSING {
                c = substitute[v];
                if c == MISSING {
                    excluded = true;
                    break;
                }
            }
            scratch[v] = c;
            key = key.wrapping_add(u64::from(c).wrapping_mul(strides[v]));
        }
        if excluded {
            table.cell_of.push(EXCLUDED);
            table.n_excluded += 1;
            continue;
        }
        let next = table.base.len() as u32;
        let cell = match &mut index {
            Index::Dense(slots) => {
                let slot = &mut slots[key as usize];
                if *slot == EXCLUDED {
                    *slot = next;
                }
                *slot
            }
            Index::Hashed(map) => *map.entry(key).or_insert(next),
            Index::Wide(map) => *map.entry(scratch.clone()).or_insert(next),
        };
        if cell == next {
            for (v, &c) in scratch.iter().enumerate() {
                table.codes[v].push(c);
            }
            table.base.push(0.0);
            table.count.push(0);
        }
        let k = cell as usize;
        table.base[k] += base.map_or(1.0, |d| d[i]);
        table.count[k] += 1;
        table.cell_of.push(cell);
    }
    table
}
