//! Microdata as a table of text cells: the columns of [`crate::form::csvio`] (response facts, then one or more
//! columns per question) plus the weight. Shared by the CSV and the XLSX `microdata` sheet.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use super::{Dialect, ExportData, ExportError};
use crate::coding::Codebook;
use crate::definition::{Answers, Definition, Question};
use crate::form::csvio::{export_cells, export_header, META_COLUMNS};
use crate::store::ResponseRow;

/// The weight column. It starts with `_` like the other facts about a response, so an exported file
/// imports again (`opros responses import` ignores `_` columns) and it can never clash with a question id
/// (ids start with a letter). SPSS names cannot start with `_`: the `.sav` export calls it `weight`.
pub const WEIGHT_COLUMN: &str = "_weight";

/// The header of the microdata: the response facts, the question columns, and the weight column when
/// the definition has a weighting scheme (an unweighted survey's weights would all be 1).
pub(crate) fn header(def: &Definition, weighted: bool) -> Vec<String> {
    let mut header = export_header(def);
    if weighted {
        header.push(WEIGHT_COLUMN.to_owned());
    }
    header
}

/// Which columns of [`header`] hold numbers (written as numbers in XLSX, with a decimal comma in the
/// `excel-ru` CSV dialect).
pub(crate) fn numeric_columns(def: &Definition, header: &[String]) -> Vec<bool> {
    let numbers: HashSet<String> = def
        .questions()
        .flat_map(|(_, q)| {
            q.kind
                .as_type()
                .microdata_columns()
                .into_iter()
                .filter(|c| c.number)
                .map(|c| c.column_name(&q.id))
        })
        .collect();
    header
        .iter()
        .map(|h| matches!(h.as_str(), "_version" | "_duration_seconds") || h == WEIGHT_COLUMN || numbers.contains(h))
        .collect()
}

/// The cells of one response, aligned with [`header`]; an excluded respondent's weight cell is empty.
pub(crate) fn record(
    def: &Definition,
    r: &ResponseRow,
    answers: &Answers,
    weight: Option<f64>,
    weighted: bool,
) -> Vec<String> {
    let mut record = vec![
        r.id.clone(),
        r.submitted_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        r.version.to_string(),
        r.language.clone(),
        r.duration_seconds.map(|d| format!("{d:.1}")).unwrap_or_default(),
    ];
    debug_assert_eq!(record.len(), META_COLUMNS.len());
    record.extend(export_cells(def, answers));
    if weighted {
        record.push(weight.map(format_weight).unwrap_or_default());
    }
    record
}

/// The header and the cell texts of every complete response of loaded data.
pub(crate) fn table(data: &ExportData) -> (Vec<String>, Vec<Vec<String>>) {
    let def = &data.version.definition;
    let weighted = data.weights.scheme;
    let coded: Vec<(&Question, &str)> = coded_questions(def, &data.codebooks)
        .into_iter()
        .flat_map(|(q, b)| b.codes.iter().map(move |c| (q, c.code.as_str())))
        .collect();
    let rows = data
        .rows
        .iter()
        .zip(&data.answers)
        .zip(&data.weights.values)
        .enumerate()
        .map(|(i, ((r, answers), w))| {
            let mut cells = record(def, r, answers, *w, weighted);
            let given = data.codings.get(&r.id);
            cells.extend(coded.iter().map(|(q, c)| {
                let codes = given
                    .and_then(|g| g.iter().find(|(x, _)| *x == q.id))
                    .map(|(_, codes)| codes);
                match codes {
                    Some(codes) => u8::from(codes.split(';').any(|x| x == *c)).to_string(),
                    None => String::new(),
                }
            }));
            if let Some((quality, _)) = data.quality.as_ref().and_then(|q| q.get(i)) {
                cells.extend(quality.iter().cloned());
            }
            cells
        })
        .collect();
    let mut header = header(def, weighted);
    header.extend(coded.iter().map(|(q, c)| code_column_name(q, c)));
    if data.quality.is_some() {
        header.extend([
            super::quality::FLAGS_COLUMN.to_owned(),
            super::quality::DECISION_COLUMN.to_owned(),
        ]);
    }
    (header, rows)
}

/// The 0/1 columns of coded open questions, after the weight (named by [`code_column_name`]), for every
/// code of the
/// definition's codebook (1: the answer has the code, 0: coded without it, empty: not coded or not
/// answered).
pub(crate) fn coded_columns(def: &Definition) -> Vec<(String, String)> {
    coded_columns_of(def, &HashMap::new())
}

/// [`coded_columns`] with the codes of the stored codebook versions `books` (question id → newest
/// version) where a question has one.
pub(crate) fn coded_columns_of(def: &Definition, books: &HashMap<String, Codebook>) -> Vec<(String, String)> {
    coded_questions(def, books)
        .into_iter()
        .flat_map(|(q, b)| b.codes.iter().map(move |c| (q.id.clone(), c.code.clone())))
        .collect()
}

/// The name of a code's 0/1 column: `{question}__{code}` for a text question, `{question}.other__{code}`
/// for the coded "other, specify" texts of a choice question.
pub(crate) fn code_column_name(q: &Question, code: &str) -> String {
    if q.kind.as_type().open_text_is_answer() {
        format!("{}__{code}", q.id)
    } else {
        format!("{}.other__{code}", q.id)
    }
}

/// The questions with a codebook (text questions, choice questions coding their "other" texts), in
/// questionnaire order, each with the codebook in use: the newest
/// stored version in `books`, else the definition's.
pub(crate) fn coded_questions<'a>(
    def: &'a Definition,
    books: &'a HashMap<String, Codebook>,
) -> Vec<(&'a Question, &'a Codebook)> {
    def.questions()
        .filter_map(|(_, q)| q.kind.codebook().map(|b| (q, books.get(&q.id).unwrap_or(b))))
        .collect()
}

/// A weight with enough digits to reproduce every published estimate (10 significant digits).
pub(crate) fn format_weight(w: f64) -> String {
    let s = format!("{w:.10}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Writes the microdata CSV of loaded data: UTF-8 with a byte-order mark, the header of question ids, one
/// row per complete response in submission order. (Exports of stored surveys stream instead:
/// [`super::stream::microdata_csv_streamed`].)
pub fn microdata_csv(data: &ExportData, out: &mut dyn Write) -> Result<(), ExportError> {
    microdata_csv_in(data, Dialect::Standard, out)
}

/// [`microdata_csv`] in a CSV dialect.
pub fn microdata_csv_in(data: &ExportData, dialect: Dialect, out: &mut dyn Write) -> Result<(), ExportError> {
    // The loaded table: also the quality screening and code columns (streamed exports of surveys that have
    // them are written from loaded data, see `Source::from_loaded`).
    let (header, rows) = table(data);
    let mut w = CsvOut::with_header(&data.version.definition, data.weights.scheme, dialect, &header, out)?;
    for cells in rows {
        w.write(cells)?;
    }
    w.finish()
}

/// A microdata CSV being written row by row.
pub(crate) struct CsvOut<'a, 'w> {
    def: &'a Definition,
    weighted: bool,
    dialect: Dialect,
    numeric: Vec<bool>,
    w: csv::Writer<&'w mut dyn Write>,
}

impl<'a, 'w> CsvOut<'a, 'w> {
    /// Writes the byte-order mark and the header.
    pub(crate) fn start(
        def: &'a Definition,
        weighted: bool,
        dialect: Dialect,
        out: &'w mut dyn Write,
    ) -> Result<Self, ExportError> {
        Self::with_header(def, weighted, dialect, &header(def, weighted), out)
    }

    /// Writes the byte-order mark and `header`.
    fn with_header(
        def: &'a Definition,
        weighted: bool,
        dialect: Dialect,
        header: &[String],
        out: &'w mut dyn Write,
    ) -> Result<Self, ExportError> {
        out.write_all("\u{feff}".as_bytes())?;
        let numeric = numeric_columns(def, header);
        let mut w = dialect.writer(out);
        w.write_record(header)?;
        Ok(CsvOut {
            def,
            weighted,
            dialect,
            numeric,
            w,
        })
    }

    pub(crate) fn row(&mut self, r: &ResponseRow, answers: &Answers, weight: Option<f64>) -> Result<(), ExportError> {
        self.write(record(self.def, r, answers, weight, self.weighted))
    }

    /// Writes one row of cells aligned with the header, numbers in the dialect.
    fn write(&mut self, mut cells: Vec<String>) -> Result<(), ExportError> {
        if self.dialect != Dialect::Standard {
            for (cell, numeric) in cells.iter_mut().zip(&self.numeric) {
                if *numeric {
                    *cell = self.dialect.number(cell);
                }
            }
        }
        self.w.write_record(&cells)?;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<(), ExportError> {
        self.w.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::format_weight;

    #[test]
    fn weights_keep_ten_decimals_without_trailing_zeros() {
        assert_eq!(format_weight(1.0), "1");
        assert_eq!(format_weight(0.123456789012), "0.123456789");
        assert_eq!(format_weight(2.5), "2.5");
    }
}
