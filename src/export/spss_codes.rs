//! The code columns of coded open questions in the SPSS file: after `weight`, one numeric 0/1 variable per
//! code of the codebook in use (the newest stored version, else the definition's), named like the CSV
//! column `{question}__{code}`, labelled "question text — code label":
//! - 1 = the answer has the code, 0 = the answer is coded without it (value labels say so);
//! - −3 = answered but not coded yet, −1 = not asked, −2 = not answered: user-missing with value labels,
//!   so SPSS bases the shares on the coded answers as the summary does.

use std::collections::{HashMap, HashSet};

use super::sav::{self, format, Measure, SavFile, Value, VarType, Variable};
use super::spss::{absent, text_of, Layout, NOT_ASKED, NO_ANSWER};
use super::ExportData;
use crate::coding::Codebook;
use crate::definition::{Answers, Definition, Question};
use crate::i18n;

/// Width of a string column: the longest value in bytes (at least 8, at most 255).
fn widths<'a>(data: &'a ExportData) -> impl Fn(&str, bool) -> u16 + 'a {
    move |id: &str, other: bool| {
        let longest = data
            .answers
            .iter()
            .filter_map(|a| text_of(a.get(id), other))
            .map(str::len)
            .max()
            .unwrap_or(0);
        u16::try_from(longest.clamp(8, 255)).unwrap_or(255)
    }
}

/// The SPSS file of a survey's microdata (see the `spss` module docs for the coding), with the code
/// columns of its coded open questions.
pub fn sav_file(data: &ExportData) -> SavFile {
    let def = &data.version.definition;
    let id_width = data.rows.iter().map(|r| r.id.len()).max().unwrap_or(8);
    let w = widths(data);
    let mut layout = Layout::new(def, id_width, &w);
    let coded = super::microdata::coded_questions(def, &data.codebooks);
    let codes = CodeColumns::add(def, &coded, &mut layout.file.variables);
    let cases = data
        .rows
        .iter()
        .zip(&data.answers)
        .zip(&data.weights.values)
        .map(|((row, answers), wt)| {
            let mut case = layout.case(row, answers, *wt);
            case.extend(codes.cells(def, answers, data.codings.get(&row.id)));
            case
        })
        .collect();
    let mut file = SavFile { cases, ..layout.file };
    super::spss_quality::add(&mut file, data);
    file
}

/// An answer given but not coded yet.
pub(super) const NOT_CODED: f64 = -3.0;

/// The code variables of a file and how each is filled.
pub(super) struct CodeColumns<'a> {
    /// (question, code) per variable, in variable order.
    columns: Vec<(&'a Question, String)>,
}

impl<'a> CodeColumns<'a> {
    /// Adds the code variables of `coded` (question, codebook in use) to `variables`, with names unique
    /// among those already there.
    pub(super) fn add(
        def: &'a Definition,
        coded: &[(&'a Question, &'a Codebook)],
        variables: &mut Vec<Variable>,
    ) -> CodeColumns<'a> {
        let lang = def.default_language();
        let t = |id| i18n::static_text(lang, id);
        let mut taken: HashSet<String> = variables.iter().map(|v| v.name.to_ascii_uppercase()).collect();
        let mut columns = Vec::new();
        for (q, book) in coded {
            let text = def.text(&q.text, lang);
            for c in &book.codes {
                let label = format!("{text} — {}", def.text(&c.label, lang));
                variables.push(Variable {
                    name: unique_name(&super::microdata::code_column_name(q, &c.code), &mut taken),
                    label,
                    ty: VarType::Numeric {
                        kind: format::F,
                        width: 8,
                        decimals: 0,
                    },
                    value_labels: vec![
                        (0.0, t("export-spss-code-absent").to_owned()),
                        (1.0, t("export-spss-code-given").to_owned()),
                        (NOT_CODED, t("export-spss-not-coded").to_owned()),
                        (NOT_ASKED, t("export-spss-not-asked").to_owned()),
                        (NO_ANSWER, t("export-spss-no-answer").to_owned()),
                    ],
                    missing: vec![NOT_CODED, NOT_ASKED, NO_ANSWER],
                    measure: Measure::Nominal,
                });
                columns.push((*q, c.code.clone()));
            }
        }
        CodeColumns { columns }
    }

    /// The cells of one response: `given` are its final codes per question (codes joined by `;`).
    pub(super) fn cells(
        &self,
        def: &Definition,
        answers: &Answers,
        given: Option<&Vec<(String, String)>>,
    ) -> Vec<Value> {
        let codes: HashMap<&str, &str> = given
            .map(|g| g.iter().map(|(q, c)| (q.as_str(), c.as_str())).collect())
            .unwrap_or_default();
        self.columns
            .iter()
            .map(|(q, code)| {
                let v = match codes.get(q.id.as_str()) {
                    Some(list) => f64::from(u8::from(list.split(';').any(|c| c == code))),
                    None if answers.get(&q.id).and_then(|a| q.kind.open_text(a)).is_some() => NOT_CODED,
                    None => absent(def, q, answers),
                };
                Value::Number(v)
            })
            .collect()
    }
}

/// `wanted` as a valid SPSS name not in `taken` (compared ignoring case), which then holds it.
pub(super) fn unique_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = wanted
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !sav::valid_name(&base) {
        base = format!("q_{}", base.trim_end_matches('.'));
    }
    base.truncate(60);
    let mut name = base.clone();
    let mut k = 2;
    while !sav::valid_name(&name) || taken.contains(&name.to_ascii_uppercase()) {
        name = format!("{base}_{k}");
        k += 1;
    }
    taken.insert(name.to_ascii_uppercase());
    name
}

#[cfg(test)]
mod tests {
    use super::unique_name;
    use std::collections::HashSet;

    #[test]
    fn names_are_valid_and_unique_ignoring_case() {
        let mut taken: HashSet<String> = ["WHY__ROADS".to_owned()].into_iter().collect();
        assert_eq!(unique_name("why__roads", &mut taken), "why__roads_2");
        assert_eq!(unique_name("why__bus", &mut taken), "why__bus");
        assert_eq!(unique_name("Why__Bus", &mut taken), "Why__Bus_2");
        assert_eq!(unique_name("1st__x", &mut taken), "q_1st__x");
    }
}
