//! The quality screening variables of the SPSS file, as the CSV's columns (`export::quality`): present
//! when screening decides something and some response is flagged or reviewed, `quality_flags` (the flags,
//! `;` between them) and `quality_decision` (`excluded`, `kept`, `excluded_by_rule`, blank otherwise),
//! strings after the questions and the weight. SPSS names begin with a letter, so the CSV's leading `_`
//! is dropped; a question already named so gets a numbered name.

use super::sav::{Measure, SavFile, Value, VarType, Variable};
use super::ExportData;
use crate::i18n;

/// Appends the screening variables and each case's values to `file` (built from `data`, case by row).
pub(super) fn add(file: &mut SavFile, data: &ExportData) {
    let Some(cells) = data.quality.as_ref() else {
        return;
    };
    let longest = [0, 1].map(|k| cells.iter().map(|(c, _)| c[k].len()).max().unwrap_or(0));
    add_variables(file, data.version.definition.default_language(), longest);
    for (case, (c, _)) in file.cases.iter_mut().zip(cells) {
        case.extend(values(c));
    }
}

/// Appends the two screening variables to `file`, labelled in `lang`; `longest`: the longest cell of
/// each in bytes (the string widths, clamped to 8..=255).
pub(super) fn add_variables(file: &mut SavFile, lang: &str, longest: [usize; 2]) {
    for ((name, label), longest) in [
        ("quality_flags", "export-spss-quality-flags"),
        ("quality_decision", "export-spss-quality-decision"),
    ]
    .into_iter()
    .zip(longest)
    {
        file.variables.push(Variable {
            name: free_name(file, name),
            label: i18n::text(lang, label),
            ty: VarType::String {
                width: u16::try_from(longest.clamp(8, 255)).unwrap_or(255),
            },
            value_labels: Vec::new(),
            missing: Vec::new(),
            measure: Measure::Nominal,
        });
    }
}

/// The values of one case's two screening cells: a blank cell is missing.
pub(super) fn values(cells: &[String; 2]) -> impl Iterator<Item = Value> + '_ {
    cells.iter().map(|v| match v.is_empty() {
        true => Value::Missing,
        false => Value::Text(v.clone()),
    })
}

/// `wanted`, or `wanted_2`, `wanted_3` … when a variable has that name already (SPSS ignores case).
fn free_name(file: &SavFile, wanted: &str) -> String {
    let taken = |n: &str| file.variables.iter().any(|v| v.name.eq_ignore_ascii_case(n));
    (1..)
        .map(|k| {
            if k == 1 {
                wanted.to_owned()
            } else {
                format!("{wanted}_{k}")
            }
        })
        .find(|n| !taken(n))
        .unwrap_or_else(|| wanted.to_owned())
}
