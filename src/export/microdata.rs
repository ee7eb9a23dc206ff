//! Microdata as a table of text cells: the columns of [`crate::form::csvio`] (response facts, then one or more
//! columns per question) plus the weight. Shared by the CSV and the XLSX `microdata` sheet.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use super::{Dialect, ExportData, ExportError};
use crate::coding::Codebook;
use crate::definition::{Answers, Definition, Question};
use crate::form::csvio::{export_cells, export_cells_into, export_header, META_COLUMNS};
use crate::store::batches::ExportRow;
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
            .map(|t| String::from_utf8_lossy(TimeCell::new(t).as_bytes()).into_owned())
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

/// A submission time as the microdata writes it, `YYYY-MM-DD HH:MM:SS`: chrono's `%Y-%m-%d %H:%M:%S`,
/// digit by digit without a string (chrono itself writes the rare years outside 0–9999 and leap seconds).
pub(crate) struct TimeCell {
    digits: [u8; 19],
    other: Option<String>,
}

impl TimeCell {
    pub(crate) fn new(t: chrono::NaiveDateTime) -> TimeCell {
        use chrono::{Datelike, Timelike};
        let mut digits = [0u8; 19];
        let year = t.year();
        if !(0..=9999).contains(&year) || t.nanosecond() >= 1_000_000_000 {
            let other = Some(t.format("%Y-%m-%d %H:%M:%S").to_string());
            return TimeCell { digits, other };
        }
        let y = year.unsigned_abs();
        digits[..4].copy_from_slice(&[
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
        ]);
        let parts = [
            (b'-', t.month()),
            (b'-', t.day()),
            (b' ', t.hour()),
            (b':', t.minute()),
            (b':', t.second()),
        ];
        for (i, (sep, n)) in parts.into_iter().enumerate() {
            let at = 4 + 3 * i;
            digits[at..at + 3].copy_from_slice(&[sep, b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]);
        }
        TimeCell { digits, other: None }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.other.as_ref().map_or(&self.digits[..], |s| s.as_bytes())
    }
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
            let given = data.codings.get(&r.id).map(Vec::as_slice);
            cells.extend(coded.iter().map(|(q, c)| super::side::code_cell(given, &q.id, c)));
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
    // The loaded table, with the quality screening and code columns (streamed exports write the same from
    // `export::side`).
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
    /// The row being written, and the answer cells and a number's text on the way (reused across rows).
    record: csv::ByteRecord,
    cells: Vec<String>,
    text: String,
}

impl<'a, 'w> CsvOut<'a, 'w> {
    /// Writes the byte-order mark and the header, `side` after the weight ([`super::side`]).
    pub(crate) fn start(
        def: &'a Definition,
        weighted: bool,
        side: &[String],
        dialect: Dialect,
        out: &'w mut dyn Write,
    ) -> Result<Self, ExportError> {
        let mut header = header(def, weighted);
        header.extend(side.iter().cloned());
        Self::with_header(def, weighted, dialect, &header, out)
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
            record: csv::ByteRecord::new(),
            cells: Vec::new(),
            text: String::new(),
        })
    }

    /// Writes one response: the cells of [`record`] and then the `side` cells, without a string per
    /// response fact (the answer cells are the question types' own).
    pub(crate) fn row(
        &mut self,
        r: &ExportRow,
        answers: &Answers,
        weight: Option<f64>,
        side: Option<&super::side::Side>,
    ) -> Result<(), ExportError> {
        use std::fmt::Write as _;
        let mut row = Row {
            record: &mut self.record,
            numeric: &self.numeric,
            dialect: self.dialect,
            column: 0,
        };
        row.record.clear();
        row.push(r.id.as_bytes());
        match r.submitted_at {
            Some(t) => row.push(TimeCell::new(t).as_bytes()),
            None => row.push(b""),
        }
        self.text.clear();
        let _ = write!(self.text, "{}", r.version);
        row.push(self.text.as_bytes());
        row.push(r.language.as_bytes());
        self.text.clear();
        if let Some(d) = r.duration_seconds {
            let _ = write!(self.text, "{d:.1}");
        }
        row.push(self.text.as_bytes());
        debug_assert_eq!(row.column, META_COLUMNS.len());
        self.cells.clear();
        export_cells_into(self.def, answers, &mut self.cells);
        if self.weighted {
            self.cells.push(weight.map(format_weight).unwrap_or_default());
        }
        if let Some(side) = side {
            side.cells(&r.id, r.duration_seconds, answers, &mut self.cells);
        }
        for cell in &self.cells {
            row.push(cell.as_bytes());
        }
        self.w.write_byte_record(&self.record)?;
        Ok(())
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

/// A row being put together: each cell in the dialect (numbers with a decimal comma in `excel-ru`).
struct Row<'r> {
    record: &'r mut csv::ByteRecord,
    numeric: &'r [bool],
    dialect: Dialect,
    column: usize,
}

impl Row<'_> {
    fn push(&mut self, cell: &[u8]) {
        let numeric = self.numeric.get(self.column).copied().unwrap_or(false);
        self.column += 1;
        match (self.dialect, numeric) {
            (Dialect::Standard, _) | (_, false) => self.record.push_field(cell),
            (dialect, true) => self
                .record
                .push_field(dialect.number(&String::from_utf8_lossy(cell)).as_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{format_weight, TimeCell};

    #[test]
    fn times_are_written_as_chrono_writes_them() {
        use chrono::{NaiveDate, NaiveDateTime};
        let at = |y, mo, d, h, mi, s, ms| -> NaiveDateTime {
            NaiveDate::from_ymd_opt(y, mo, d)
                .and_then(|x| x.and_hms_milli_opt(h, mi, s, ms))
                .expect("a valid time")
        };
        for t in [
            at(2026, 3, 1, 9, 5, 7, 0),
            at(2026, 12, 31, 23, 59, 59, 999),
            at(1999, 1, 1, 0, 0, 0, 0),
            at(12, 6, 15, 12, 30, 45, 250),
            at(0, 1, 1, 0, 0, 0, 0),
            at(10_000, 1, 1, 0, 0, 0, 0),
            at(-5, 1, 1, 0, 0, 0, 0),
            at(2016, 12, 31, 23, 59, 59, 1_500),
        ] {
            let want = t.format("%Y-%m-%d %H:%M:%S").to_string();
            assert_eq!(String::from_utf8_lossy(TimeCell::new(t).as_bytes()), want, "{t:?}");
        }
    }

    #[test]
    fn weights_keep_ten_decimals_without_trailing_zeros() {
        assert_eq!(format_weight(1.0), "1");
        assert_eq!(format_weight(0.123456789012), "0.123456789");
        assert_eq!(format_weight(2.5), "2.5");
    }
}
