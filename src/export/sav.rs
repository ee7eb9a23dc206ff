//! A writer of SPSS system files (`.sav`), following the "System File Format" chapter of the PSPP developers'
//! guide (<https://www.gnu.org/software/pspp/pspp-dev/html_node/System-File-Format.html>). No maintained
//! Rust crate writes `.sav`, and the subset needed here is small.
//!
//! What is written (all little-endian, uncompressed):
//! 1. the file header record (`$FL2`, 176 bytes: layout code 2, nominal case size in 8-byte segments,
//!    no compression, the 1-based dictionary index of the weight variable, the case count, bias 100,
//!    creation date and time, file label);
//! 2. one variable record (type 2) per variable, plus one continuation record (type −1) per further 8-byte
//!    segment of a string; short names `V1`, `V2`, …; variable label (at most 255 bytes); up to three
//!    discrete user-missing values; print and write formats `(type << 16) | (width << 8) | decimals`;
//! 3. value labels (type 3, each label at most 120 bytes, padded so that length byte + label is a
//!    multiple of 8) each followed by the variables it applies to (type 4, dictionary indexes);
//! 4. machine integer info (7/3: IEEE floats, little-endian, character code 65001 = UTF-8), machine
//!    floating-point info (7/4: SYSMIS = −DBL_MAX, HIGHEST, LOWEST), variable display parameters (7/11:
//!    measure, width, alignment per variable, continuations excluded), long variable names (7/13:
//!    `V1=name` pairs separated by tabs), character encoding (7/20: `UTF-8`, the SPSS 16+ way of saying
//!    that every text is UTF-8);
//! 5. the dictionary termination record (999), then the cases: a number is an IEEE double, a string is its
//!    bytes padded with spaces to a multiple of 8, SYSMIS is −DBL_MAX.
//!
//! Strings are limited to 255 bytes (no "very long string" records); longer texts are cut at a character
//! boundary. Labels are cut likewise, with "…".

use chrono::NaiveDateTime;

/// SPSS print/write format types used here.
pub mod format {
    /// `A`: string.
    pub const A: u8 = 1;
    /// `F`: plain number.
    pub const F: u8 = 5;
    /// `DATE`: dd-mmm-yyyy, value = seconds since 14 Oct 1582.
    pub const DATE: u8 = 20;
    /// `DATETIME`: dd-mmm-yyyy hh:mm:ss.
    pub const DATETIME: u8 = 22;
}

/// Measurement level (variable display record).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Nominal = 1,
    Ordinal = 2,
    Scale = 3,
}

/// A variable's storage.
#[derive(Debug, Clone, PartialEq)]
pub enum VarType {
    /// A number shown with format `kind` (e.g. [`format::F`]), `width` and `decimals`.
    Numeric { kind: u8, width: u8, decimals: u8 },
    /// A string of `width` bytes (1..=255).
    String { width: u16 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Up to 64 bytes: a letter first, then letters, digits, `_`, `.`; unique ignoring case.
    pub name: String,
    pub label: String,
    pub ty: VarType,
    /// Numeric variables only: value → label.
    pub value_labels: Vec<(f64, String)>,
    /// Numeric variables only: at most three discrete user-missing values.
    pub missing: Vec<f64>,
    pub measure: Measure,
}

/// One cell of a case.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    /// System-missing (numeric) or blank (string).
    Missing,
    Text(String),
}

/// A whole system file.
#[derive(Debug, Clone, PartialEq)]
pub struct SavFile {
    pub label: String,
    pub variables: Vec<Variable>,
    /// Index into `variables` of the weight variable (numeric).
    pub weight: Option<usize>,
    pub cases: Vec<Vec<Value>>,
}

/// SYSMIS: the system-missing value.
pub const SYSMIS: f64 = -f64::MAX;
const MAX_STRING: usize = 255;
const MAX_VAR_LABEL: usize = 255;
const MAX_VALUE_LABEL: usize = 120;

/// Words SPSS reserves; they cannot be variable names.
const RESERVED: [&str; 13] = [
    "ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH",
];

/// Whether `name` is a valid SPSS variable name (ASCII subset).
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !name.ends_with('.')
        && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// `s` cut to at most `max` bytes at a character boundary, with "…" when cut.
pub fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let ell = "…";
    let mut end = max.saturating_sub(ell.len());
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ell}", &s[..end])
}

/// `s` cut to at most `max` bytes at a character boundary (data values: no ellipsis).
fn cut_plain(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Seconds since 14 October 1582 (the SPSS epoch) of a date-time.
pub fn spss_seconds(t: NaiveDateTime) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1582, 10, 14)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    (t - epoch).num_milliseconds() as f64 / 1000.0
}

fn segments(ty: &VarType) -> usize {
    match ty {
        VarType::Numeric { .. } => 1,
        VarType::String { width } => usize::from(*width).div_ceil(8),
    }
}

fn check(f: &SavFile) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for v in &f.variables {
        if !valid_name(&v.name) {
            return Err(format!("'{}' is not a valid SPSS variable name", v.name));
        }
        if !seen.insert(v.name.to_ascii_uppercase()) {
            return Err(format!("variable name '{}' is used twice (SPSS ignores case)", v.name));
        }
        match v.ty {
            VarType::String { width } if width == 0 || usize::from(width) > MAX_STRING => {
                return Err(format!(
                    "string variable '{}' has width {width}; it must be 1 to 255",
                    v.name
                ))
            }
            VarType::String { .. } if !v.value_labels.is_empty() || !v.missing.is_empty() => {
                return Err(format!(
                    "string variable '{}' cannot have value labels or missing values here",
                    v.name
                ))
            }
            _ => {}
        }
        if v.missing.len() > 3 {
            return Err(format!("variable '{}' has more than three missing values", v.name));
        }
    }
    if let Some(w) = f.weight {
        if !matches!(f.variables.get(w).map(|v| &v.ty), Some(VarType::Numeric { .. })) {
            return Err("the weight variable must be numeric".into());
        }
    }
    for (i, c) in f.cases.iter().enumerate() {
        if c.len() != f.variables.len() {
            return Err(format!(
                "case {} has {} values for {} variables",
                i + 1,
                c.len(),
                f.variables.len()
            ));
        }
    }
    if i32::try_from(f.cases.len()).is_err() {
        return Err("too many cases for one system file".into());
    }
    Ok(())
}

/// Little-endian output helpers.
struct Out(Vec<u8>);

impl Out {
    fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// `s` in exactly `n` bytes, padded with `pad`.
    fn fixed(&mut self, s: &str, n: usize, pad: u8) {
        let b = cut_plain(s, n).as_bytes();
        self.0.extend_from_slice(b);
        self.0.extend(std::iter::repeat_n(pad, n - b.len()));
    }
    fn count(v: usize) -> Result<i32, String> {
        i32::try_from(v).map_err(|_| format!("{v} is too large for a system file field"))
    }
}

fn format_code(ty: &VarType) -> i32 {
    match ty {
        VarType::Numeric { kind, width, decimals } => {
            (i32::from(*kind) << 16) | (i32::from(*width) << 8) | i32::from(*decimals)
        }
        VarType::String { width } => (i32::from(format::A) << 16) | (i32::from(*width) << 8),
    }
}

/// The system file as bytes. `created` goes into the header.
pub fn write(f: &SavFile, created: NaiveDateTime) -> Result<Vec<u8>, String> {
    let mut o = dictionary(f, f.cases.len(), created)?;
    let segs = case_segments(f);
    for case in &f.cases {
        write_case(&mut o, &f.variables, &segs, case);
    }
    Ok(o)
}

/// The 8-byte segments of each variable in a case (what [`write_case`] needs).
pub fn case_segments(f: &SavFile) -> Vec<usize> {
    f.variables.iter().map(|v| segments(&v.ty)).collect()
}

/// Everything before the cases (header, dictionary, termination) for a file of `cases` cases: the cases
/// of `f` are not written (nor need to be there), so a file of any size can be written case by case
/// with [`write_case`].
pub fn dictionary(f: &SavFile, cases: usize, created: NaiveDateTime) -> Result<Vec<u8>, String> {
    check(f)?;
    let mut o = Out(Vec::new());
    let segs = case_segments(f);
    // 1-based dictionary index of each variable (continuation records take indexes too).
    let mut index = Vec::with_capacity(segs.len());
    let mut next = 1usize;
    for s in &segs {
        index.push(next);
        next += s;
    }
    let case_size = next - 1;
    // 1. File header.
    o.fixed("$FL2", 4, b' ');
    o.fixed("@(#) SPSS DATA FILE Opros", 60, b' ');
    o.i32(2);
    o.i32(Out::count(case_size)?);
    o.i32(0);
    o.i32(match f.weight {
        Some(w) => Out::count(index[w])?,
        None => 0,
    });
    o.i32(Out::count(cases)?);
    o.f64(100.0);
    o.fixed(&created.format("%d %b %y").to_string(), 9, b' ');
    o.fixed(&created.format("%H:%M:%S").to_string(), 8, b' ');
    o.fixed(&cut(&f.label, 64), 64, b' ');
    o.0.extend_from_slice(&[0, 0, 0]);
    // 2. Variable records.
    for (k, v) in f.variables.iter().enumerate() {
        o.i32(2);
        o.i32(match v.ty {
            VarType::Numeric { .. } => 0,
            VarType::String { width } => i32::from(width),
        });
        let label = cut(&v.label, MAX_VAR_LABEL);
        o.i32(i32::from(!label.is_empty()));
        o.i32(Out::count(v.missing.len())?);
        o.i32(format_code(&v.ty));
        o.i32(format_code(&v.ty));
        o.fixed(&format!("V{}", k + 1), 8, b' ');
        if !label.is_empty() {
            o.i32(Out::count(label.len())?);
            o.fixed(&label, label.len().div_ceil(4) * 4, b' ');
        }
        for m in &v.missing {
            o.f64(*m);
        }
        for _ in 1..segs[k] {
            o.i32(2);
            o.i32(-1);
            o.i32(0);
            o.i32(0);
            o.i32(0);
            o.i32(0);
            o.fixed("", 8, b' ');
        }
    }
    // 3. Value labels.
    for (k, v) in f.variables.iter().enumerate() {
        if v.value_labels.is_empty() {
            continue;
        }
        o.i32(3);
        o.i32(Out::count(v.value_labels.len())?);
        for (value, label) in &v.value_labels {
            o.f64(*value);
            let l = cut(label, MAX_VALUE_LABEL);
            // label.len() <= 120 fits a byte.
            o.0.push(u8::try_from(l.len()).unwrap_or(u8::MAX));
            o.fixed(&l, (l.len() + 1).div_ceil(8) * 8 - 1, b' ');
        }
        o.i32(4);
        o.i32(1);
        o.i32(Out::count(index[k])?);
    }
    // 4. Extension records.
    o.i32(7);
    o.i32(3);
    o.i32(4);
    o.i32(8);
    for v in [1, 0, 0, -1, 1, 1, 2, 65001] {
        o.i32(v);
    }
    o.i32(7);
    o.i32(4);
    o.i32(8);
    o.i32(3);
    o.f64(SYSMIS);
    o.f64(f64::MAX);
    o.f64(f64::from_bits(0xffef_ffff_ffff_fffe));
    o.i32(7);
    o.i32(11);
    o.i32(4);
    o.i32(Out::count(f.variables.len() * 3)?);
    for v in &f.variables {
        o.i32(v.measure as i32);
        let (width, align) = match v.ty {
            VarType::Numeric { width, .. } => (i32::from(width.max(8)), 1),
            VarType::String { width } => (i32::from(width.clamp(8, 40)), 0),
        };
        o.i32(width);
        o.i32(align);
    }
    let names = f
        .variables
        .iter()
        .enumerate()
        .map(|(k, v)| format!("V{}={}", k + 1, v.name))
        .collect::<Vec<_>>()
        .join("\t");
    o.i32(7);
    o.i32(13);
    o.i32(1);
    o.i32(Out::count(names.len())?);
    o.0.extend_from_slice(names.as_bytes());
    o.i32(7);
    o.i32(20);
    o.i32(1);
    o.i32(5);
    o.0.extend_from_slice(b"UTF-8");
    // 5. Dictionary termination and data.
    o.i32(999);
    o.i32(0);
    Ok(o.0)
}

/// Appends one case (a value per variable, as checked for whole files by [`write`]).
pub fn write_case(out: &mut Vec<u8>, variables: &[Variable], segs: &[usize], case: &[Value]) {
    let mut o = Out(std::mem::take(out));
    for (k, (v, val)) in variables.iter().zip(case).enumerate() {
        match (&v.ty, val) {
            (VarType::Numeric { .. }, Value::Number(x)) if x.is_finite() => o.f64(*x),
            (VarType::Numeric { .. }, _) => o.f64(SYSMIS),
            (VarType::String { width }, Value::Text(s)) => {
                let s = cut_plain(s, usize::from(*width));
                o.fixed(s, segs[k] * 8, b' ');
            }
            (VarType::String { .. }, _) => o.fixed("", segs[k] * 8, b' '),
        }
    }
    *out = o.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(4, 5, 6))
            .unwrap_or_default()
    }

    #[test]
    fn header_is_176_bytes_and_says_what_it_holds() {
        let f = SavFile {
            label: "t".into(),
            variables: vec![
                Variable {
                    name: "sex".into(),
                    label: "Пол".into(),
                    ty: VarType::Numeric {
                        kind: format::F,
                        width: 8,
                        decimals: 0,
                    },
                    value_labels: vec![(1.0, "m".into())],
                    missing: vec![],
                    measure: Measure::Nominal,
                },
                Variable {
                    name: "note".into(),
                    label: String::new(),
                    ty: VarType::String { width: 20 },
                    value_labels: vec![],
                    missing: vec![],
                    measure: Measure::Nominal,
                },
                Variable {
                    name: "weight".into(),
                    label: "w".into(),
                    ty: VarType::Numeric {
                        kind: format::F,
                        width: 12,
                        decimals: 6,
                    },
                    value_labels: vec![],
                    missing: vec![],
                    measure: Measure::Scale,
                },
            ],
            weight: Some(2),
            cases: vec![vec![Value::Number(1.0), Value::Text("ok".into()), Value::Number(0.5)]],
        };
        let b = write(&f, at()).unwrap();
        assert_eq!(&b[..4], b"$FL2");
        let i32_at = |o: usize| i32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        assert_eq!(i32_at(64), 2, "layout code");
        assert_eq!(i32_at(68), 1 + 3 + 1, "case size: 1 + 3 string segments + 1");
        assert_eq!(i32_at(76), 5, "weight is the 5th dictionary element");
        assert_eq!(i32_at(80), 1, "one case");
        assert_eq!(&b[92..101], b"29 Nov 26");
        // Last 40 bytes: one case of 5 segments.
        let case = &b[b.len() - 40..];
        assert_eq!(f64::from_le_bytes(case[..8].try_into().unwrap()), 1.0);
        assert_eq!(&case[8..32], b"ok                      ");
        assert_eq!(f64::from_le_bytes(case[32..40].try_into().unwrap()), 0.5);
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_name("clinic_aspects.queue"));
        assert!(!valid_name("_weight"));
        assert!(!valid_name("by"));
        assert!(!valid_name("a."));
        assert!(!valid_name(&"a".repeat(65)));
    }

    #[test]
    fn cuts_at_character_boundaries() {
        let s = "ж".repeat(200);
        let c = cut(&s, 255);
        assert!(c.len() <= 255 && c.ends_with('…'));
        assert_eq!(cut_plain("жж", 3), "ж");
    }

    #[test]
    fn spss_epoch() {
        let d = chrono::NaiveDate::from_ymd_opt(1582, 10, 15)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default();
        assert_eq!(spss_seconds(d), 86400.0);
    }
}
