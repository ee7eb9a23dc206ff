//! What can go wrong when converting an XLSForm: a part of the form Opros cannot express
//! ([`Unsupported`], one per spreadsheet cell), or a workbook that cannot be read at all ([`XlsFormError`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::definition::DefinitionErrors;

/// One part of an XLSForm that could not be converted, located as a spreadsheet user sees it.
///
/// Displayed as `survey.xlsx: sheet survey, row 14, column type: 'geopoint' is not supported (location
/// questions are not part of Opros)`, i.e. `{file}: sheet {sheet}, row {row}, column {column}: {what}
/// ({why})`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsupported {
    /// The workbook's file name, as given to [`crate::xlsform::convert`].
    pub file: String,
    /// `survey`, `choices` or `settings`.
    pub sheet: String,
    /// 1-based row number, as shown by the spreadsheet program (the header is row 1).
    pub row: usize,
    /// The column header as written in the sheet (e.g. `type`, `relevant`, `label::English (en)`).
    pub column: String,
    /// What was found, e.g. `'geopoint' is not supported`.
    pub what: String,
    /// Why, in words a sociologist can act on.
    pub why: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: sheet {}, row {}, column {}: {} ({})",
            self.file, self.sheet, self.row, self.column, self.what, self.why
        )
    }
}

/// Why a workbook could not be converted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum XlsFormError {
    /// Not a spreadsheet calamine can read (xlsx, xls, xlsb, ods), or a damaged one.
    #[error("{file}: cannot read the workbook ({reason}); save it as .xlsx and try again")]
    Unreadable { file: String, reason: String },
    /// The workbook has no `survey` sheet, or it has no `type` / `name` column.
    #[error("{file}: {message}")]
    NotAnXlsForm { file: String, message: String },
    /// Strict mode: parts of the form that Opros cannot express (every one is listed).
    #[error("{}", unsupported_list(.0))]
    Unsupported(Vec<Unsupported>),
    /// The converted YAML did not pass the definition checks. The importer checks what it writes, so this
    /// points at a gap in the importer; the YAML is kept so that it can be fixed by hand.
    #[error("{file}: the converted definition does not pass the checks:\n{errors}")]
    Invalid {
        file: String,
        yaml: String,
        errors: DefinitionErrors,
    },
}

fn unsupported_list(items: &[Unsupported]) -> String {
    let n = items.len();
    let mut out = format!(
        "{n} part{} of the form cannot be converted, so nothing was imported (fix {}, or convert leniently \
         to import the rest):",
        if n == 1 { "" } else { "s" },
        if n == 1 { "it" } else { "them" }
    );
    for item in items {
        out.push_str("\n  ");
        out.push_str(&item.to_string());
    }
    out
}
