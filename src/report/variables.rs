//! Categorical variables (breakdowns and weighting variables) per respondent: what
//! `definition::derived::category` gives for the answers, read from coded responses through per-version
//! tables (responses read from JSON use that function itself).

use std::collections::HashMap;

use crate::definition::{derived, Bin, Definition, DerivedRule, GroupCode, OrderedMap, QuestionKind};
use crate::store::codes::{Slot, SlotKind};
use crate::weighting::{self, Category, WeightingError};

use super::columns::slot_table;
use super::responses::{CodedVersion, Row, Subset, View};

/// No category.
pub(crate) const MISSING: u32 = u32::MAX;

/// A variable's category per respondent: `levels[code]`, or [`MISSING`].
pub(crate) struct VarColumn {
    pub levels: Vec<String>,
    pub codes: Vec<u32>,
}

#[derive(Default)]
struct Levels {
    levels: Vec<String>,
    index: HashMap<String, u32>,
}

impl Levels {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&k) = self.index.get(s) {
            return k;
        }
        let k = self.levels.len() as u32;
        self.levels.push(s.to_owned());
        self.index.insert(s.to_owned(), k);
        k
    }

    fn table(&mut self, slot: &Slot<'_>, map: impl Fn(&str) -> Option<String>) -> Vec<u32> {
        slot_table(slot, map)
            .into_iter()
            .map(|c| c.map_or(MISSING, |c| self.intern(&c)))
            .collect()
    }
}

/// The first bin holding `x` (as `derived::value`).
fn bin_index(bins: &[Bin], x: f64) -> Option<usize> {
    bins.iter()
        .position(|b| b.min.is_none_or(|m| x >= m) && b.max.is_none_or(|m| x <= m))
}

/// The group listing `code` (as `derived::value`).
fn group_of<'g>(groups: &'g OrderedMap<Vec<GroupCode>>, code: &str) -> Option<&'g str> {
    groups
        .iter()
        .find(|(_, codes)| codes.iter().any(|c| c.0 == code))
        .map(|(name, _)| name)
}

/// How one version's coded rows give the variable.
enum Reader<'s, 'd> {
    Missing,
    /// A single-choice or scale slot: level per slot value.
    Table(&'s Slot<'d>, Vec<u32>),
    /// A number slot, binned: level per bin.
    Bins(&'s Slot<'d>, &'d [Bin], Vec<u32>),
    /// Groups: the source question's slot when answered (with the level per value of a code slot; other
    /// answers have no code), otherwise the earlier derived variable of that id.
    Groups(Option<(&'s Slot<'d>, Option<Vec<u32>>)>),
}

fn reader<'s, 'd>(
    def: &'d Definition,
    var: &str,
    version: &'s CodedVersion<'d>,
    levels: &mut Levels,
) -> Reader<'s, 'd> {
    let code_slot = |id: &str| version.slot(id).filter(|s| matches!(s.kind, SlotKind::Code { .. }));
    let Some(d) = def.derived_variable(var) else {
        // A question: the code of its answer, whatever the current options.
        return match code_slot(var) {
            Some(s) => Reader::Table(s, levels.table(s, |c| Some(c.to_owned()))),
            None => Reader::Missing,
        };
    };
    match &d.rule {
        DerivedRule::Bins(bins) => match version.slot(&d.from) {
            Some(s) if s.kind == SlotKind::Number => {
                Reader::Bins(s, bins, bins.iter().map(|b| levels.intern(&b.code)).collect())
            }
            // Only scale answers bin by their code; single-choice answers give no number.
            Some(s) if matches!(s.kind, SlotKind::Code { .. }) && matches!(s.question.kind, QuestionKind::Scale(_)) => {
                let table = levels.table(s, |c| {
                    let x: f64 = c.trim().parse().ok()?;
                    bin_index(bins, x).map(|b| bins[b].code.clone())
                });
                Reader::Table(s, table)
            }
            _ => Reader::Missing,
        },
        DerivedRule::Groups(groups) => Reader::Groups(version.slot(&d.from).map(|s| {
            let table = matches!(s.kind, SlotKind::Code { .. })
                .then(|| levels.table(s, |c| group_of(groups, c).map(str::to_owned)));
            (s, table)
        })),
    }
}

impl View<'_> {
    /// Variable `var` (a question or derived variable of the current definition) for `rows`.
    pub(crate) fn variable(&self, var: &str, rows: Subset<'_>) -> VarColumn {
        let def = self.def;
        let mut levels = Levels::default();
        // Groups of an earlier derived variable: its levels, mapped to the groups.
        let earlier = match def.derived_variable(var) {
            Some(d) => match (&d.rule, def.derived_variable(&d.from)) {
                (DerivedRule::Groups(groups), Some(_)) => {
                    let e = self.variable(&d.from, rows);
                    let map: Vec<u32> = e
                        .levels
                        .iter()
                        .map(|l| group_of(groups, l).map_or(MISSING, |g| levels.intern(g)))
                        .collect();
                    Some((e.codes, map))
                }
                _ => None,
            },
            None => None,
        };
        let from_earlier = |p: usize| match &earlier {
            Some((codes, map)) => codes
                .get(p)
                .and_then(|&c| map.get(c as usize))
                .copied()
                .unwrap_or(MISSING),
            None => MISSING,
        };
        let readers: Vec<Reader<'_, '_>> = self.coded.iter().map(|c| reader(def, var, c, &mut levels)).collect();
        let mut codes = Vec::with_capacity(rows.len());
        for (p, r) in self.rows(rows).enumerate() {
            let code = match r {
                Row::Json(_, a) => derived::category(def, var, a).map_or(MISSING, |c| levels.intern(&c)),
                Row::Coded(v, row) => match &readers[v] {
                    Reader::Missing => MISSING,
                    Reader::Table(s, table) => table.get(s.value(row)).copied().unwrap_or(MISSING),
                    Reader::Bins(s, bins, level) => s
                        .number(row)
                        .and_then(|x| bin_index(bins, x))
                        .map_or(MISSING, |b| level[b]),
                    Reader::Groups(Some((s, table))) if s.answered(row) => match table {
                        Some(t) => t.get(s.value(row)).copied().unwrap_or(MISSING),
                        None => MISSING,
                    },
                    Reader::Groups(_) => from_earlier(p),
                },
            };
            codes.push(code);
        }
        VarColumn {
            levels: levels.levels,
            codes,
        }
    }
}

impl VarColumn {
    /// Adds this column to a weighting sample as `Sample::add_variable` would add its labels: trimmed,
    /// blank is missing, categories in order of first appearance.
    pub(crate) fn add_to(&self, sample: &mut weighting::Sample, name: &str) -> Result<(), WeightingError> {
        let mut code_of: Vec<Option<u32>> = vec![None; self.levels.len()];
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut levels: Vec<Category> = Vec::new();
        let mut codes = Vec::with_capacity(self.codes.len());
        for &c in &self.codes {
            let Some(slot) = code_of.get_mut(c as usize) else {
                codes.push(weighting::MISSING);
                continue;
            };
            let code = *slot.get_or_insert_with(|| {
                let label = self.levels[c as usize].trim();
                if label.is_empty() {
                    return weighting::MISSING;
                }
                *index.entry(label).or_insert_with(|| {
                    levels.push(Category(label.to_owned()));
                    (levels.len() - 1) as u32
                })
            });
            codes.push(code);
        }
        sample.add_coded_variable(name, levels, codes)
    }
}
