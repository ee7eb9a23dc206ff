//! Problems found in a definition or population file: every one is collected, each with file, line and
//! question id where they are known, so a sociologist can fix them all in one pass.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem in a definition or population file.
///
/// Displayed as `file:line: question 'id': message`, leaving out the parts that are unknown, e.g.
/// `transport.yaml:42: question 'q7': show_if refers to 'q9', which comes later`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// File name as given by the caller (e.g. `transport.yaml`).
    pub file: String,
    /// 1-based line, when the YAML parser gave one or the item could be located in the text.
    pub line: Option<usize>,
    /// The question (or derived variable) the problem belongs to.
    pub question: Option<String>,
    /// What is wrong, in words a sociologist can act on.
    pub message: String,
}

impl Problem {
    pub fn new(file: &str, line: Option<usize>, question: Option<&str>, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_owned(),
            line,
            question: question.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(q) = &self.question {
            write!(f, "question '{q}': ")?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one file (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct DefinitionErrors {
    pub problems: Vec<Problem>,
}

impl DefinitionErrors {
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn len(&self) -> usize {
        self.problems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// True when some problem's display contains `needle` (handy in tests and scripts).
    pub fn mentions(&self, needle: &str) -> bool {
        self.problems.iter().any(|p| p.to_string().contains(needle))
    }
}

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(f, "{n} problem{} found:", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl IntoIterator for DefinitionErrors {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.problems.into_iter()
    }
}

/// Result of a check that either passes or lists its problems.
pub(crate) fn into_result<T>(value: T, problems: Vec<Problem>) -> Result<T, DefinitionErrors> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(DefinitionErrors { problems })
    }
}
