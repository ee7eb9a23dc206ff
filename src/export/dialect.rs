//! CSV dialects. Every CSV is UTF-8 with a byte-order mark (so spreadsheet programs read Cyrillic
//! correctly); the dialect decides the separator and how numbers are written:
//! - `standard`: `,` between cells, `.` in numbers (RFC 4180; what R, Python and SPSS read by default);
//! - `excel-ru`: `;` between cells and `,` in numbers, what Excel in the Russian locale expects when the
//!   file is opened by double-click (with `,` it puts every line into one cell and reads `12.5` as a
//!   date or text).
//!
//! Only cells that hold numbers change under `excel-ru` (weights, durations, answers to number
//! questions, points, shares and intervals): a text answer that happens to contain a dot is written as
//! given.

use std::str::FromStr;

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    #[default]
    Standard,
    ExcelRu,
}

impl Dialect {
    /// The names accepted by `--dialect` and `?dialect=`.
    pub const NAMES: [&'static str; 2] = ["standard", "excel-ru"];

    /// The cell separator.
    pub fn delimiter(self) -> u8 {
        match self {
            Dialect::Standard => b',',
            Dialect::ExcelRu => b';',
        }
    }

    /// A cell holding a number (written with `.`), in this dialect.
    pub fn number(self, cell: &str) -> String {
        match self {
            Dialect::Standard => cell.to_owned(),
            Dialect::ExcelRu => cell.replace('.', ","),
        }
    }

    /// A CSV writer with this dialect's separator (the byte-order mark is the caller's).
    pub fn writer<W: std::io::Write>(self, out: W) -> csv::Writer<W> {
        csv::WriterBuilder::new()
            .delimiter(self.delimiter())
            .flexible(true)
            .from_writer(out)
    }
}

/// An unknown dialect name, with the names that exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown CSV dialect '{0}' (known: standard, excel-ru)")]
pub struct UnknownDialect(pub String);

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "standard" => Ok(Dialect::Standard),
            "excel-ru" => Ok(Dialect::ExcelRu),
            other => Err(UnknownDialect(other.chars().take(40).collect())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn names_parse_and_unknown_names_are_refused() {
        assert_eq!("excel-ru".parse::<Dialect>(), Ok(Dialect::ExcelRu));
        assert_eq!("standard".parse::<Dialect>(), Ok(Dialect::Standard));
        let e = "excel".parse::<Dialect>().unwrap_err();
        assert!(e.to_string().contains("excel-ru"), "{e}");
    }

    #[test]
    fn excel_ru_writes_decimal_commas_and_semicolons() {
        assert_eq!(Dialect::ExcelRu.number("12.5"), "12,5");
        assert_eq!(Dialect::ExcelRu.number("-0.125"), "-0,125");
        assert_eq!(Dialect::Standard.number("12.5"), "12.5");
        let mut w = Dialect::ExcelRu.writer(Vec::new());
        w.write_record(["a", "1,5", "b;c"]).unwrap();
        let bytes = w.into_inner().unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), "a;1,5;\"b;c\"\n");
    }
}
