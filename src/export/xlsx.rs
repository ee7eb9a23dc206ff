//! The XLSX workbook (rust_xlsxwriter): `microdata` (when given: the staff export), `questions` (question
//! texts and value labels of every column), `summary` (the tables of the results page, suppression
//! applied).

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::microdata::{header as micro_header, numeric_columns, record, table, WEIGHT_COLUMN};
use super::side::Side;
use super::summary::{header, summary_rows};
use super::{ExportData, ExportError, Source};
use crate::coding::Codebook;
use crate::definition::{AnswerOption, Definition};
use crate::i18n::{self, Args};
use crate::question::columns::{MicrodataName, ValuesNote};
use crate::report::Summary;
use crate::store::Store;

/// Excel's row limit (header included).
const MAX_ROWS: usize = 1_048_576;

/// The workbook as bytes. `microdata` adds the `microdata` sheet (one row per complete response with
/// option codes and the weight): pass it only to staff.
pub fn xlsx(def: &Definition, summary: &Summary, microdata: Option<&ExportData>) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    if let Some(data) = microdata {
        let ws = wb.add_worksheet();
        ws.set_name("microdata")?;
        microdata_sheet(ws, def, data, &bold)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("questions")?;
    let lang = summary.language.as_str();
    let codes = microdata
        .map(|d| code_lines(def, &d.codebooks, lang))
        .unwrap_or_default();
    questions_sheet(
        ws,
        def,
        lang,
        microdata.is_some_and(|d| d.weights.scheme),
        &codes,
        &bold,
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("summary")?;
    summary_sheet(ws, summary, &bold)?;
    Ok(wb.save_to_buffer()?)
}

fn microdata_sheet(ws: &mut Worksheet, def: &Definition, data: &ExportData, bold: &Format) -> Result<(), ExportError> {
    let (head, rows) = table(data);
    if rows.len() + 1 > MAX_ROWS {
        return Err(ExportError::Xlsx(XlsxError::RowColumnLimitError));
    }
    let numeric = numeric_columns(def, &head);
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, h, bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        write_cells(ws, row, r, &numeric)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One microdata row. Columns holding numbers are written as numbers (sums and filters work in the
/// spreadsheet).
fn write_cells(ws: &mut Worksheet, row: u32, cells: &[String], numeric: &[bool]) -> Result<(), ExportError> {
    for (c, cell) in cells.iter().enumerate() {
        if cell.is_empty() {
            continue;
        }
        match cell.parse::<f64>() {
            Ok(x) if numeric.get(c) == Some(&true) && x.is_finite() => ws.write_number(row, col(c)?, x)?,
            _ => ws.write_string(row, col(c)?, cell)?,
        };
    }
    Ok(())
}

/// The staff workbook of a stored survey, written as the responses are read: the `microdata` sheet in
/// rust_xlsxwriter's constant-memory mode (each row goes to a temporary file as it is written, strings
/// inline), then `questions` and `summary` (given: the caller has it or computes it from the compact
/// summary representation). The same sheets and cells as [`xlsx`], the code and screening columns
/// included ([`super::side`]).
pub fn xlsx_streamed(
    store: &Store,
    source: &Source,
    summary: &Summary,
    out: impl std::io::Write + Send,
) -> Result<(), ExportError> {
    let def = source.definition();
    let side = source.side();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let mut head = micro_header(def, source.weighted());
    head.extend(side.map_or(&[][..], Side::names).iter().cloned());
    let numeric = numeric_columns(def, &head);
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("microdata")?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, h, &bold)?;
    }
    let mut row = 0u32;
    source.each_response(store, |r, answers, weight| {
        row += 1;
        if row as usize >= MAX_ROWS {
            return Err(ExportError::Xlsx(XlsxError::RowColumnLimitError));
        }
        let mut cells = record(def, r, answers, weight, source.weighted());
        if let Some(side) = side {
            side.cells(&r.id, r.duration_seconds, answers, &mut cells);
        }
        write_cells(ws, row, &cells, &numeric)
    })?;
    ws.set_freeze_panes(1, 0)?;
    let ws = wb.add_worksheet();
    ws.set_name("questions")?;
    let lang = summary.language.as_str();
    let codes = side.map(|s| code_lines(def, s.codebooks(), lang)).unwrap_or_default();
    questions_sheet(ws, def, lang, source.weighted(), &codes, &bold)?;
    let ws = wb.add_worksheet();
    ws.set_name("summary")?;
    summary_sheet(ws, summary, &bold)?;
    wb.save_to_writer(out)?;
    Ok(())
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// One line per column of the microdata, then one line per value with its label.
fn questions_sheet(
    ws: &mut Worksheet,
    def: &Definition,
    lang: &str,
    weighted: bool,
    codes: &[Line],
    bold: &Format,
) -> Result<(), ExportError> {
    let head = [
        "export-var-variable",
        "export-var-type",
        "export-var-question-text",
        "export-var-code",
        "export-var-value",
    ]
    .map(|id| i18n::static_text(lang, id));
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, *h, bold)?;
    }
    let mut lines = question_lines(def, lang);
    if weighted {
        let text = i18n::static_text(lang, "export-var-weight");
        lines.push(line(WEIGHT_COLUMN, "number", text, "", ""));
    }
    lines.extend_from_slice(codes);
    for (i, cells) in lines.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(row, col(c)?, v)?;
            }
        }
    }
    ws.set_column_width(0, 28)?;
    ws.set_column_width(2, 60)?;
    ws.set_column_width(4, 40)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

type Line = [String; 5];

fn line(var: &str, kind: &str, text: &str, code: &str, label: &str) -> Line {
    [
        var.to_owned(),
        kind.to_owned(),
        text.to_owned(),
        code.to_owned(),
        label.to_owned(),
    ]
}

/// The code columns of coded open questions (after the weight) with their values: 1 = the answer has the
/// code, 0 = coded without it; empty cells are answers not coded (or not given).
/// `books`: the stored codebooks (question id → newest version).
fn code_lines(def: &Definition, books: &HashMap<String, Codebook>, lang: &str) -> Vec<Line> {
    let t = |id| i18n::static_text(lang, id);
    let mut out = Vec::new();
    for (q, book) in super::microdata::coded_questions(def, books) {
        let text = def.text(&q.text, lang);
        for c in &book.codes {
            let var = super::microdata::code_column_name(q, &c.code);
            out.push(line(
                &var,
                "0/1",
                &format!("{text} — {}", def.text(&c.label, lang)),
                "",
                "",
            ));
            out.push(line(&var, "", "", "1", t("export-spss-code-given")));
            out.push(line(&var, "", "", "0", t("export-spss-code-absent")));
        }
    }
    out
}

/// Variable, type, question text, code, value label — for every microdata column and value.
fn question_lines(def: &Definition, lang: &str) -> Vec<Line> {
    let label = |o: &AnswerOption| def.text(&o.label, lang).to_owned();
    let mut out = Vec::new();
    for (_, q) in def.questions() {
        let text = def.text(&q.text, lang);
        let kind = q.kind.name();
        for column in q.kind.as_type().microdata_columns() {
            let var = column.column_name(&q.id);
            let (kind, text) = match column.name {
                MicrodataName::Question => (kind, text.to_owned()),
                MicrodataName::Item(o) => (kind, format!("{text} — {}", label(o))),
                MicrodataName::Other => ("text", text.to_owned()),
            };
            let note = match column.note {
                ValuesNote::None => "",
                ValuesNote::Codes => i18n::static_text(lang, "export-var-codes"),
                ValuesNote::RankedCodes => i18n::static_text(lang, "export-var-ranked-codes"),
            };
            out.push(line(&var, kind, &text, "", note));
            out.extend(column.values.iter().map(|o| line(&var, "", "", &o.code, &label(o))));
        }
    }
    out
}

fn summary_sheet(ws: &mut Worksheet, s: &Summary, bold: &Format) -> Result<(), ExportError> {
    let lang = s.language.as_str();
    ws.write_string_with_format(0, 0, &s.title, bold)?;
    ws.write_string(1, 0, i18n::static_text(lang, "export-respondents"))?;
    ws.write_number(1, 1, s.n as f64)?;
    if let Some(e) = s.effective_n {
        ws.write_string(1, 2, i18n::static_text(lang, "export-effective-n"))?;
        ws.write_number(1, 3, (e * 10.0).round() / 10.0)?;
    }
    let note = i18n::text_with(
        lang,
        "export-xlsx-note",
        &Args::new().num("min_cell", f64::from(s.min_cell)),
    );
    ws.write_string(2, 0, note)?;
    let top = 4u32;
    for (c, h) in header(&s.language).iter().enumerate() {
        ws.write_string_with_format(top, col(c)?, *h, bold)?;
    }
    for (i, r) in summary_rows(s).iter().enumerate() {
        let row = top + 1 + u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in r.cells().iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            // Numbers of the value, interval and count columns are numbers; "—" and notes stay text.
            match cell.parse::<f64>() {
                Ok(x) if (6..=10).contains(&c) && x.is_finite() => ws.write_number(row, col(c)?, x)?,
                _ => ws.write_string(row, col(c)?, *cell)?,
            };
        }
    }
    ws.set_column_width(1, 50)?;
    ws.set_column_width(5, 30)?;
    ws.set_freeze_panes(top + 1, 0)?;
    Ok(())
}
