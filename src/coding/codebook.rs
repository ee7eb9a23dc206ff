//! A codebook: the categories open answers are coded into.
//!
//! Written on a `text` question of a definition (or built in the workbench and stored as a new version):
//! ```yaml
//! codebook:
//!   second_coding: 0.2        # share of answers coded blind by a second coder (0–1, default 0)
//!   nets:                     # optional groups of codes
//!     - {code: city, label: {ru: Город, en: City}}
//!   codes:
//!     - {code: roads, label: {ru: Дороги, en: Roads}, net: city, description: {ru: "Ямы, ремонт"}}
//!     - {code: old, label: {ru: Прочее (до 2026)}, retired: true}
//! ```
//! A retired code stays in the codebook so that answers coded with it keep their coding and are counted,
//! but it can no longer be given. Editing a codebook never drops codes silently: [`Codebook::changes`]
//! lists the codes a new version removes, and the store refuses a version that removes a code still in use
//! (it must be kept as retired, or its answers merged into another code first).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::definition::Texts;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codebook {
    /// Share of answers coded a second time, blind, for agreement (0 = no double coding).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub second_coding: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nets: Vec<Net>,
    pub codes: Vec<Code>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_false(x: &bool) -> bool {
    !*x
}

/// A group of codes ("net"), reported as the share of answers with any of its codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Net {
    #[serde(deserialize_with = "crate::definition::model::code")]
    pub code: String,
    pub label: Texts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    #[serde(deserialize_with = "crate::definition::model::code")]
    pub code: String,
    pub label: Texts,
    /// What belongs here and what does not, for coders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Texts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<String>,
    /// Kept for answers already coded with it; no longer given.
    #[serde(default, skip_serializing_if = "is_false")]
    pub retired: bool,
}

/// How a new codebook version differs from the old one, for codes in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub code: String,
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Gone from the new version.
    Removed,
    /// Kept as retired.
    Retired,
}

/// Whether `texts` has a non-blank text in `language` itself (no fallback to another language).
fn labelled(texts: &Texts, language: &str) -> bool {
    texts.0.get(language).is_some_and(|t| !t.trim().is_empty())
}

fn valid_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 64 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Codebook {
    pub fn code(&self, code: &str) -> Option<&Code> {
        self.codes.iter().find(|c| c.code == code)
    }

    /// Codes that may still be given.
    pub fn active(&self) -> impl Iterator<Item = &Code> {
        self.codes.iter().filter(|c| !c.retired)
    }

    /// Everything wrong with the codebook, each in words a sociologist can act on. `language` is the
    /// definition's default language, which every label must have.
    pub fn problems(&self, language: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.codes.is_empty() {
            out.push("codebook has no codes".to_owned());
        }
        if !(0.0..=1.0).contains(&self.second_coding) {
            out.push(format!(
                "codebook second_coding is {}, it must be a share between 0 and 1",
                self.second_coding
            ));
        }
        let mut seen = HashSet::new();
        let nets: HashSet<&str> = self.nets.iter().map(|n| n.code.as_str()).collect();
        for n in &self.nets {
            if !valid_code(&n.code) {
                out.push(format!(
                    "codebook net '{}' is not a valid code (letters a-z, digits, '_' or '-')",
                    n.code
                ));
            }
            if !seen.insert(n.code.as_str()) {
                out.push(format!("codebook net '{}' is listed twice", n.code));
            }
            if !labelled(&n.label, language) {
                out.push(format!("codebook net '{}' has no label in '{language}'", n.code));
            }
            if !self.codes.iter().any(|c| c.net.as_deref() == Some(n.code.as_str())) {
                out.push(format!("codebook net '{}' has no codes", n.code));
            }
        }
        for c in &self.codes {
            if !valid_code(&c.code) {
                out.push(format!(
                    "codebook code '{}' is not a valid code (letters a-z, digits, '_' or '-')",
                    c.code
                ));
            }
            if !seen.insert(c.code.as_str()) {
                out.push(format!("codebook code '{}' is listed twice", c.code));
            }
            if !labelled(&c.label, language) {
                out.push(format!("codebook code '{}' has no label in '{language}'", c.code));
            }
            if let Some(net) = &c.net {
                if !nets.contains(net.as_str()) {
                    out.push(format!(
                        "codebook code '{}' names net '{net}', which is not in nets",
                        c.code
                    ));
                }
            }
        }
        if !self.codes.is_empty() && self.active().next().is_none() {
            out.push("codebook has only retired codes: at least one code must be open for coding".to_owned());
        }
        out
    }

    /// What `self` (the new version) does to the codes of `old` that answers use (`in_use`).
    pub fn changes(&self, old: &Codebook, in_use: &[&str]) -> Vec<Change> {
        old.codes
            .iter()
            .filter(|c| in_use.contains(&c.code.as_str()))
            .filter_map(|c| {
                match self.code(&c.code) {
                    None => Some(ChangeKind::Removed),
                    Some(n) if n.retired && !c.retired => Some(ChangeKind::Retired),
                    Some(_) => None,
                }
                .map(|kind| Change {
                    code: c.code.clone(),
                    kind,
                })
            })
            .collect()
    }

    /// Whether answers coded with `codes` may be coded so now: every code must exist and be open.
    pub fn check_assignment(&self, codes: &[String]) -> Result<(), AssignError> {
        for c in codes {
            match self.code(c) {
                None => return Err(AssignError::Unknown(c.clone())),
                Some(code) if code.retired => return Err(AssignError::Retired(c.clone())),
                Some(_) => {}
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("code '{0}' is not in the codebook")]
    Unknown(String),
    #[error("code '{0}' is retired and can no longer be given")]
    Retired(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(yaml: &str) -> Codebook {
        serde_norway::from_str(yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn good_codebook_has_no_problems() {
        let b = book(
            "second_coding: 0.2\nnets: [{code: city, label: {ru: Город}}]\ncodes:\n  - {code: roads, label: {ru: Дороги}, net: city}\n  - {code: 7, label: {ru: Прочее}, retired: true}\n",
        );
        assert_eq!(b.problems("ru"), Vec::<String>::new());
        assert_eq!(b.code("7").map(|c| c.retired), Some(true));
        assert_eq!(b.active().count(), 1);
    }

    #[test]
    fn bad_codebooks_say_what_is_wrong() {
        let b = book(
            "second_coding: 1.5\nnets: [{code: city, label: {ru: Город}}, {code: empty, label: {ru: Пусто}}]\ncodes:\n  - {code: roads, label: {ru: Дороги}, net: town}\n  - {code: roads, label: {ru: Ещё}}\n  - {code: 'a b', label: {en: Only English}}\n",
        );
        let p = b.problems("ru");
        for expected in [
            "second_coding is 1.5",
            "code 'roads' is listed twice",
            "names net 'town', which is not in nets",
            "'a b' is not a valid code",
            "code 'a b' has no label in 'ru'",
            "net 'empty' has no codes",
            "net 'city' has no codes",
        ] {
            assert!(p.iter().any(|m| m.contains(expected)), "{expected} not in {p:?}");
        }
        assert!(book("codes: []").problems("ru").iter().any(|m| m.contains("no codes")));
        let retired = book("codes: [{code: a, label: {ru: А}, retired: true}]");
        assert!(retired.problems("ru").iter().any(|m| m.contains("only retired")));
        assert!(serde_norway::from_str::<Codebook>("codes: [{code: a, lable: {ru: А}}]").is_err());
    }

    #[test]
    fn edits_of_codes_in_use_are_reported() {
        let old = book("codes: [{code: a, label: {ru: А}}, {code: b, label: {ru: Б}}, {code: c, label: {ru: В}}]");
        let new = book("codes: [{code: a, label: {ru: А}, retired: true}, {code: d, label: {ru: Г}}]");
        let changes = new.changes(&old, &["a", "b"]);
        assert_eq!(
            changes,
            vec![
                Change {
                    code: "a".into(),
                    kind: ChangeKind::Retired
                },
                Change {
                    code: "b".into(),
                    kind: ChangeKind::Removed
                },
            ]
        );
        assert_eq!(new.check_assignment(&["d".into()]), Ok(()));
        assert_eq!(
            new.check_assignment(&["a".into()]),
            Err(AssignError::Retired("a".into()))
        );
        assert_eq!(
            new.check_assignment(&["b".into()]),
            Err(AssignError::Unknown("b".into()))
        );
    }
}
