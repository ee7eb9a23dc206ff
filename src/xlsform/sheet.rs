//! Reading the sheets of a workbook into rows of text cells with their spreadsheet row numbers.
//!
//! Cells are turned into the text a form author sees: numbers without a trailing `.0` (a choice named `1`
//! is typed as a number by every spreadsheet program), booleans as `true`/`false`.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::aliases;
use super::error::XlsFormError;

/// One column of a sheet: the header as written and its normalized form.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// As written in row 1 (used in messages).
    pub header: String,
    /// Canonical first part (pyxform's aliases resolved, snake case) and the other parts in lower case,
    /// joined with `::`, e.g. `label::russian (ru)` for `Label:Russian (ru)`.
    pub key: String,
    /// Canonical first part, e.g. `label` for `caption::English`.
    base: String,
    /// The rest after the first `::` (or `:`), as written, e.g. `Russian (ru)`.
    rest: Option<String>,
}

impl Column {
    /// The canonical first part (`label`), and the language part after it, as written (`Russian (ru)`).
    pub fn split(&self) -> (&str, Option<&str>) {
        (self.base.as_str(), self.rest.as_deref())
    }

    fn new(sheet: &str, header: &str, has_double: bool) -> Column {
        let parts = aliases::header_parts(header.trim(), has_double);
        let first = parts.first().map_or("", String::as_str);
        let base = aliases::column(sheet, &aliases::snake_case(first)).to_owned();
        let rest = (parts.len() > 1).then(|| parts.get(1..).unwrap_or_default().join("::"));
        let key = match &rest {
            None => base.clone(),
            Some(r) => {
                let r: Vec<String> = r
                    .split("::")
                    .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
                    .collect();
                format!("{base}::{}", r.join("::"))
            }
        };
        Column {
            header: header.to_owned(),
            key,
            base,
            rest,
        }
    }
}

/// A sheet: columns from its first non-empty row, then the data rows that have any content.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    /// Canonical name (`survey`, `choices`, `settings`), used in messages.
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Row number of the header.
    pub header_row: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 1-based, as shown by the spreadsheet program.
    pub number: usize,
    /// One cell per column of the sheet (trimmed; empty when blank).
    pub cells: Vec<String>,
}

impl Sheet {
    /// Index of the first column whose key is one of `keys`.
    pub fn column(&self, keys: &[&str]) -> Option<usize> {
        self.columns.iter().position(|c| keys.contains(&c.key.as_str()))
    }

    /// The header of a column as written, or the first of `keys` when the sheet has no such column.
    pub fn header(&self, keys: &[&str]) -> String {
        self.column(keys)
            .and_then(|i| self.columns.get(i))
            .map_or_else(|| keys.first().copied().unwrap_or("").to_owned(), |c| c.header.clone())
    }
}

impl Row {
    pub fn cell(&self, index: Option<usize>) -> &str {
        index.and_then(|i| self.cells.get(i)).map_or("", String::as_str)
    }
}

/// The sheets of an XLSForm workbook (only `survey` is required).
pub(crate) struct Workbook {
    pub survey: Sheet,
    pub choices: Option<Sheet>,
    pub settings: Option<Sheet>,
}

/// Reads the `survey`, `choices` and `settings` sheets (names compared without case and surrounding
/// spaces, as pyxform does).
pub(crate) fn read(bytes: &[u8], file: &str) -> Result<Workbook, XlsFormError> {
    // calamine parses untrusted zip/XML; a panic inside it must become an error, not take the server down.
    let opened = std::panic::catch_unwind(|| read_sheets(bytes));
    let sheets = match opened {
        Ok(Ok(sheets)) => sheets,
        Ok(Err(reason)) => {
            return Err(XlsFormError::Unreadable {
                file: file.to_owned(),
                reason,
            })
        }
        Err(_) => {
            return Err(XlsFormError::Unreadable {
                file: file.to_owned(),
                reason: "the file is damaged".to_owned(),
            })
        }
    };
    let mut survey = None;
    let mut choices = None;
    let mut settings = None;
    let names: Vec<String> = sheets.iter().map(|(n, _)| n.clone()).collect();
    for (name, grid) in sheets {
        let canonical = name.trim().to_lowercase();
        let slot = match canonical.as_str() {
            "survey" => &mut survey,
            "choices" => &mut choices,
            "settings" => &mut settings,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(to_sheet(&canonical, grid));
        }
    }
    let Some(survey) = survey else {
        return Err(XlsFormError::NotAnXlsForm {
            file: file.to_owned(),
            message: format!(
                "there is no sheet named 'survey' (the sheets are: {}); an XLSForm has the sheets survey, \
                 choices and settings",
                names.join(", ")
            ),
        });
    };
    Ok(Workbook {
        survey,
        choices,
        settings,
    })
}

/// A grid of cells with the absolute (0-based) row index of its first row.
type Grid = (usize, Vec<Vec<String>>);

fn read_sheets(bytes: &[u8]) -> Result<Vec<(String, Grid)>, String> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| describe_open_error(&e))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("sheet '{name}': {e}"))?;
        // A range starts at its first non-empty cell, which is not always A1.
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let (row0, col0) = (row0 as usize, col0 as usize);
        let rows = range
            .rows()
            .map(|r| {
                let mut cells = vec![String::new(); col0];
                cells.extend(r.iter().map(cell_text));
                cells
            })
            .collect();
        out.push((name, (row0, rows)));
    }
    Ok(out)
}

fn describe_open_error(e: &calamine::Error) -> String {
    match e {
        calamine::Error::Msg(m) if m.contains("detect") => "it is not an Excel or OpenDocument spreadsheet".to_owned(),
        other => other.to_string(),
    }
}

/// The text of a cell as its author sees it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// `1.0` → `1`, `2.5` → `2.5` (Rust's shortest round-trip form).
pub(crate) fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn to_sheet(name: &str, (row0, grid): Grid) -> Sheet {
    let mut rows = grid.into_iter().enumerate().map(|(i, cells)| Row {
        number: row0 + i + 1,
        cells,
    });
    // The header is the first row with any text (blank rows above it are allowed).
    let header = rows.find(|r| r.cells.iter().any(|c| !c.is_empty()));
    let (header_row, columns) = match header {
        Some(h) => (
            h.number,
            h.cells
                .iter()
                .map(|c| Column::new(name, c, h.cells.iter().any(|c| c.contains("::"))))
                .collect(),
        ),
        None => (1, Vec::new()),
    };
    let rows = rows.filter(|r| r.cells.iter().any(|c| !c.is_empty())).collect();
    Sheet {
        name: name.to_owned(),
        columns,
        rows,
        header_row,
    }
}
