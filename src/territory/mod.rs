//! Territories: the districts of a region with their population, a place on a tile grid (for the tile map)
//! and area-level covariates (official statistics used by the small-area model).
//!
//! ```yaml
//! name: example-region
//! title: {ru: "Условная область", en: "Illustrative region"}
//! source: "Illustrative figures, not official statistics"
//! covariates:                      # names and labels of the area-level covariates every district gives
//!   urban_share: {ru: "Доля городского населения", en: "Urban share"}
//! districts:
//!   - code: d1
//!     name: {ru: "Центральный", en: "Central"}
//!     population: 240000
//!     tile: [0, 2]                 # row, column on the tile map
//!     covariates: {urban_share: 0.98}
//! ```
//! Rules: codes are unique; every population is a positive number; no two districts share a tile; every
//! district gives every declared covariate (a finite number) and no undeclared one. A file with mistakes
//! is refused as a whole, with every problem listed by file and line.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::definition::error::{into_result, DefinitionErrors, Problem};
use crate::definition::locate;
use crate::definition::texts::Texts;

/// The districts of a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Territories {
    pub name: String,
    pub title: Texts,
    #[serde(default)]
    pub source: Option<String>,
    /// Covariate name → label.
    #[serde(default)]
    pub covariates: BTreeMap<String, Texts>,
    pub districts: Vec<District>,
}

/// One district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    pub code: String,
    pub name: Texts,
    pub population: f64,
    /// `[row, column]` on the tile map (0-based).
    pub tile: [u32; 2],
    #[serde(default)]
    pub covariates: BTreeMap<String, f64>,
}

impl Territories {
    /// The position of a district by its code.
    pub fn index(&self, code: &str) -> Option<usize> {
        self.districts.iter().position(|d| d.code == code)
    }

    /// The covariate row of district `i` for the named covariates (in that order).
    pub fn covariate_row(&self, i: usize, names: &[String]) -> Vec<f64> {
        names
            .iter()
            .map(|n| self.districts[i].covariates.get(n).copied().unwrap_or(f64::NAN))
            .collect()
    }

    /// Rows and columns of the tile grid.
    pub fn grid_size(&self) -> (u32, u32) {
        let rows = self.districts.iter().map(|d| d.tile[0] + 1).max().unwrap_or(0);
        let cols = self.districts.iter().map(|d| d.tile[1] + 1).max().unwrap_or(0);
        (rows, cols)
    }
}

/// Parses and checks a territories file; every problem is reported with its line.
pub fn parse_territories(source: &str, file_name: &str) -> Result<Territories, DefinitionErrors> {
    let t: Territories = serde_norway::from_str(source).map_err(|e| crate::definition::yaml_error(&e, file_name))?;
    let section = locate::section(source, "districts");
    let line_of = |code: &str, n: usize| -> Option<usize> {
        let (from, to) = section.unwrap_or((1, usize::MAX));
        source
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(line, _)| *line >= from && *line < to)
            .filter(|(_, l)| locate::key_value(l, "code", code, None).is_some())
            .nth(n)
            .map(|(line, _)| line)
    };
    let mut problems = Vec::new();
    let mut push = |line: Option<usize>, message: String| problems.push(Problem::new(file_name, line, None, message));
    if t.name.trim().is_empty() {
        push(locate::top_key(source, "name"), "the region needs a name".into());
    }
    if t.districts.is_empty() {
        push(locate::top_key(source, "districts"), "no districts are listed".into());
    }
    let mut seen_codes: HashMap<&str, usize> = HashMap::new();
    let mut seen_tiles: HashMap<[u32; 2], &str> = HashMap::new();
    for d in &t.districts {
        let nth = seen_codes.entry(d.code.as_str()).or_insert(0);
        let line = line_of(&d.code, *nth);
        *nth += 1;
        if d.code.trim().is_empty() {
            push(line, "a district has an empty code".into());
        }
        if *nth == 2 {
            push(line, format!("district code '{}' is used twice", d.code));
        }
        if !(d.population.is_finite() && d.population > 0.0) {
            push(
                line,
                format!("district '{}': population must be a positive number", d.code),
            );
        }
        if let Some(other) = seen_tiles.insert(d.tile, &d.code) {
            push(
                line,
                format!(
                    "district '{}': tile [{}, {}] is already taken by district '{other}'",
                    d.code, d.tile[0], d.tile[1]
                ),
            );
        }
        for name in t.covariates.keys() {
            match d.covariates.get(name) {
                None => push(line, format!("district '{}' does not give covariate '{name}'", d.code)),
                Some(v) if !v.is_finite() => push(
                    line,
                    format!("district '{}': covariate '{name}' is not a number", d.code),
                ),
                Some(_) => {}
            }
        }
        for name in d.covariates.keys().filter(|n| !t.covariates.contains_key(*n)) {
            let declared: Vec<&str> = t.covariates.keys().map(String::as_str).collect();
            push(
                line,
                format!(
                    "district '{}': covariate '{name}' is not declared under `covariates:` (declared: {})",
                    d.code,
                    if declared.is_empty() {
                        "none".to_owned()
                    } else {
                        declared.join(", ")
                    }
                ),
            );
        }
    }
    into_result(t, problems)
}

/// The illustrative region shipped with Opros (`surveys/territories/example-region.yaml`).
pub const EXAMPLE: &str = include_str!("../../surveys/territories/example-region.yaml");

#[cfg(test)]
mod tests;
