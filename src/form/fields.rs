//! The submitted fields of one form page (or one CSV row): name → values, as sent.
//!
//! Field names (question ids are `[A-Za-z][A-Za-z0-9_]*`, so `.` and a leading `_` never collide with them):
//!
//! | question | fields |
//! |---|---|
//! | single choice, scale | `q=code`; "other, specify" text in `q.other` |
//! | multiple choice | `q=code` repeated; `q.other` |
//! | matrix | `q.row=code` for each row |
//! | number, text, date | `q=value` |
//! | ranking | `q.option=rank` (1 = most important; empty = not ranked) |
//! | constant sum | `q.option=points` for each option (empty = 0, all empty = not answered) |
//!
//! Fields of the form itself start with `_` (see [`SYSTEM_FIELDS`]).

use std::collections::BTreeMap;

/// CSRF token (must equal the token derived from the respondent cookie).
pub const CSRF: &str = "_csrf";
/// Id of the page being submitted.
pub const PAGE: &str = "_page";
/// Signed time the page was shown (minimum time per page, duration).
pub const SHOWN: &str = "_shown";
/// `next` (default) or `back`.
pub const NAV: &str = "_nav";
/// Honeypot: a text box hidden from people; bots fill it in.
pub const HONEYPOT: &str = "_hp_url";

pub const SYSTEM_FIELDS: [&str; 5] = [CSRF, PAGE, SHOWN, NAV, HONEYPOT];

/// Submitted values by field name, in the order sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    map: BTreeMap<String, Vec<String>>,
    /// Raw bytes of uploaded files by field name (multipart uploads; binary files such as XLSForms).
    files: BTreeMap<String, Vec<u8>>,
}

impl Fields {
    /// Parses an `application/x-www-form-urlencoded` body. Invalid percent-escapes and invalid UTF-8 are
    /// replaced (U+FFFD), never an error: the values are validated afterwards like any other input.
    pub fn from_urlencoded(body: &[u8]) -> Fields {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        Fields::from_pairs(pairs)
    }

    /// Whether every name and value of an `application/x-www-form-urlencoded` body decodes (after `+`
    /// and `%XX`) to valid UTF-8. Browsers always send UTF-8 for our pages (`<meta charset="utf-8">`), so
    /// anything else is a broken or hostile client: refused with 400 rather than stored with U+FFFD.
    pub fn is_utf8_urlencoded(body: &[u8]) -> bool {
        body.split(|b| *b == b'&' || *b == b'=')
            .all(|part| std::str::from_utf8(&percent_decode(part)).is_ok())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Fields {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k.into()).or_default().push(v.into());
        }
        Fields {
            map,
            files: BTreeMap::new(),
        }
    }

    /// Keeps the raw bytes of an uploaded file.
    pub fn push_file(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(name.into(), bytes);
    }

    /// The raw bytes of an uploaded file.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.map.entry(name.into()).or_default().push(value.into());
    }

    /// All values of a field (empty when absent).
    pub fn all(&self, name: &str) -> &[String] {
        self.map.get(name).map_or(&[], Vec::as_slice)
    }

    /// The non-empty (after trimming) values of a field.
    pub fn non_empty(&self, name: &str) -> Vec<&str> {
        self.all(name)
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The first value of a field, if any.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.all(name).first().map(String::as_str)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Number of distinct field names.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the value `v` was sent for `name` (used to keep choices checked on a re-rendered page).
    pub fn has_value(&self, name: &str, v: &str) -> bool {
        self.all(name).iter().any(|x| x.trim() == v)
    }
}

/// `+` → space and `%XX` → byte; a `%` without two hex digits stays as it is (as in the WHATWG parser).
fn percent_decode(part: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                part.get(i + 1).and_then(|b| hex(*b)),
                part.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}
