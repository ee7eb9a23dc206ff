//! Responses as CSV (design.md §5): one row per respondent, a header of question ids, choice cells by option
//! code, multiple choice and ranking as `a;b;c` (ranking: most important first), a matrix as one column
//! per row named `question.row`, a constant sum as one column per option named `question.option` (the
//! points), "other, specify" texts in `question.other`. Columns whose name starts with
//! `_` carry facts about the response (`_response_id`, `_submitted_at`, …): export writes them, import
//! ignores them, so an exported file can be imported again.
//!
//! Import validates every row with the web form's parser ([`super::parse::parse_all_expecting`]): a row
//! is accepted exactly when the same answers would be accepted page by page on the web.

use std::collections::HashMap;
use std::io::Read;

use super::fields::Fields;
use super::parse::{all_expected_fields, parse_all_expecting};
use crate::definition::{Answers, Definition, DesignValues, Question};

/// The columns of one question.
pub fn question_columns(q: &Question) -> Vec<String> {
    q.kind.as_type().csv_columns(q)
}

/// Facts about a response written before the answers.
pub const META_COLUMNS: [&str; 5] = [
    "_response_id",
    "_submitted_at",
    "_version",
    "_language",
    "_duration_seconds",
];

/// The header: response facts, then the question columns in form order.
pub fn export_header(def: &Definition) -> Vec<String> {
    META_COLUMNS
        .iter()
        .map(|s| (*s).to_owned())
        .chain(def.questions().flat_map(|(_, q)| question_columns(q)))
        .collect()
}

/// The answer cells of one response (without the response facts), aligned with the question columns.
pub fn export_cells(def: &Definition, answers: &Answers) -> Vec<String> {
    let mut out = Vec::new();
    export_cells_into(def, answers, &mut out);
    out
}

/// [`export_cells`] appended to `out` (a writer of many rows reuses one vector).
pub fn export_cells_into(def: &Definition, answers: &Answers, out: &mut Vec<String>) {
    for (_, q) in def.questions() {
        q.kind.as_type().csv_cells(answers.get(&q.id), out);
    }
}

/// A valid row of an import file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// 1-based line in the file.
    pub line: u64,
    pub answers: Answers,
    /// The values of the definition's design columns (`None` when it declares no design).
    pub design: Option<DesignValues>,
}

/// A problem in an import file, with its line (1 = the header).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportProblem {
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Reads and validates a whole import file: every valid row, or every problem found (all rows are checked).
/// Messages are in `lang` (the CLI uses English).
pub fn parse_import(def: &Definition, input: impl Read, lang: &str) -> Result<Vec<ImportRow>, Vec<ImportProblem>> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let read = read_import(def, input, lang, |item| -> Result<(), std::convert::Infallible> {
        match item {
            ImportItem::Row(r) => rows.push(r),
            ImportItem::Problem(p) => problems.push(p),
        }
        Ok(())
    });
    match read {
        Ok(()) if problems.is_empty() => Ok(rows),
        _ => Err(problems),
    }
}

/// What [`read_import`] finds, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportItem {
    Row(ImportRow),
    Problem(ImportProblem),
}

/// Reads and validates an import file row by row, handing each valid row and each problem to `each` as it
/// is found (memory does not grow with the file). When the header has problems, only they are reported.
/// Stops at the first error `each` returns.
pub fn read_import<E>(
    def: &Definition,
    input: impl Read,
    lang: &str,
    mut each: impl FnMut(ImportItem) -> Result<(), E>,
) -> Result<(), E> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let mut problems = Vec::new();
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').trim().to_owned())
            .collect(),
        Err(e) => {
            return each(ImportItem::Problem(ImportProblem {
                line: 1,
                message: format!("cannot read the header: {e}"),
            }))
        }
    };
    let known: HashMap<String, &Question> = def
        .questions()
        .flat_map(|(_, q)| question_columns(q).into_iter().map(move |c| (c, q)))
        .collect();
    let expected = all_expected_fields(def);
    let design_columns = def.design.as_ref().map(|d| d.columns()).unwrap_or_default();
    for (key, col) in &design_columns {
        if !header.iter().any(|h| h == col) {
            problems.push(ImportProblem {
                line: 1,
                message: format!("the survey's design names column '{col}' ({key}), which the file does not have"),
            });
        }
    }
    for (i, h) in header.iter().enumerate() {
        let is_design = design_columns.iter().any(|(_, c)| c == h);
        if h.is_empty() || (!h.starts_with('_') && !known.contains_key(h) && !is_design) {
            problems.push(ImportProblem {
                line: 1,
                message: format!(
                    "column {} '{h}' is not a question of survey '{}' (expected columns: {})",
                    i + 1,
                    def.slug,
                    export_header(def)[META_COLUMNS.len()..].join(", ")
                ),
            });
        }
        if header[..i].contains(h) {
            problems.push(ImportProblem {
                line: 1,
                message: format!("column '{h}' appears twice"),
            });
        }
    }
    if !problems.is_empty() {
        return problems.into_iter().try_for_each(|p| each(ImportItem::Problem(p)));
    }
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                each(ImportItem::Problem(ImportProblem {
                    line,
                    message: format!("cannot read the row: {e}"),
                }))?;
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let design = match design_values(&design_columns, &header, &record) {
            Ok(d) => d,
            Err(messages) => {
                for message in messages {
                    each(ImportItem::Problem(ImportProblem { line, message }))?;
                }
                None
            }
        };
        let fields = row_fields(&header, &known, &record);
        let parsed = parse_all_expecting(def, &expected, &fields);
        if parsed.is_ok() {
            // Already pruned: each question's visibility was decided on the answers kept before it.
            let answers = parsed.answers;
            if answers.is_empty() {
                each(ImportItem::Problem(ImportProblem {
                    line,
                    message: "the row has no answers".into(),
                }))?;
            } else {
                each(ImportItem::Row(ImportRow { line, answers, design }))?;
            }
        } else {
            for e in parsed.errors {
                let q = e.question.map(|q| format!("question '{q}': ")).unwrap_or_default();
                each(ImportItem::Problem(ImportProblem {
                    line,
                    message: format!("{q}{}", e.problem.message(lang)),
                }))?;
            }
        }
    }
    Ok(())
}

/// A row's values of the design columns, each checked: weights positive, fpc a population size (> 1) or a
/// sampling fraction in (0, 1], strata and PSUs present.
fn design_values(
    columns: &[(&'static str, &str)],
    header: &[String],
    record: &csv::StringRecord,
) -> Result<Option<DesignValues>, Vec<String>> {
    if columns.is_empty() {
        return Ok(None);
    }
    let mut values = DesignValues::default();
    let mut problems = Vec::new();
    for (key, col) in columns {
        let Some(cell) = header.iter().position(|h| h == col).and_then(|i| record.get(i)) else {
            continue; // reported once for the header
        };
        let cell = cell.trim();
        if cell.is_empty() {
            problems.push(format!("design column '{col}' ({key}) is empty"));
            continue;
        }
        let number = || cell.parse::<f64>().ok().filter(|v| v.is_finite());
        match *key {
            "weight" => match number().filter(|w| *w > 0.0) {
                Some(w) => values.weight = Some(w),
                None => problems.push(format!("design weight '{col}' must be a positive number, not '{cell}'")),
            },
            "fpc" => match number().filter(|f| *f > 0.0) {
                Some(f) => values.fpc = Some(f),
                None => problems.push(format!(
                    "fpc '{col}' must be a population size (above 1) or a sampling fraction (0 to 1], not '{cell}'"
                )),
            },
            "strata" => values.stratum = Some(cell.to_owned()),
            _ => values.psu = Some(cell.to_owned()),
        }
    }
    if problems.is_empty() {
        Ok(Some(values))
    } else {
        Err(problems)
    }
}

/// The form fields a CSV row stands for.
fn row_fields(header: &[String], known: &HashMap<String, &Question>, record: &csv::StringRecord) -> Fields {
    let mut f = Fields::default();
    for (h, value) in header.iter().zip(record.iter()) {
        let value = value.trim();
        // Response facts (`_…`) and design columns are not answers.
        if value.is_empty() || h.starts_with('_') {
            continue;
        }
        if let Some(q) = known.get(h) {
            q.kind.as_type().csv_fields(q, h, value, &mut f);
        }
    }
    f
}
