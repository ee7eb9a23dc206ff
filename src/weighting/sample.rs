//! The respondents to weight: per respondent a category on each weighting variable (or missing), and
//! optional starting (design) weights. Categories are stored as small integer codes per variable (a column),
//! so a million respondents cost a few megabytes.

use std::collections::HashMap;

use super::error::WeightingError;
use super::scheme::Category;

/// Code of a missing value in [`Sample::add_coded_variable`] columns.
pub const MISSING: u32 = u32::MAX;

/// One weighting variable of a sample: its distinct labels and one code per respondent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SampleVariable {
    pub name: String,
    pub levels: Vec<Category>,
    pub codes: Vec<u32>,
    pub n_missing: usize,
}

/// Respondents' categories on the weighting variables, in input order.
///
/// ```
/// use opros::weighting::Sample;
/// let mut s = Sample::new(3);
/// s.add_variable("sex", [Some("m"), Some("f"), None]).unwrap();
/// assert_eq!(s.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sample {
    n: usize,
    pub(crate) variables: Vec<SampleVariable>,
    pub(crate) base_weights: Option<Vec<f64>>,
}

impl Sample {
    /// An empty sample of `n` respondents; add variables next.
    pub fn new(n: usize) -> Self {
        Sample {
            n,
            variables: Vec::new(),
            base_weights: None,
        }
    }

    /// Number of respondents.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there are no respondents.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Adds a variable from text labels, one per respondent; `None` (or an empty/blank label) is missing.
    pub fn add_variable<I, S>(&mut self, name: &str, values: I) -> Result<(), WeightingError>
    where
        I: IntoIterator<Item = Option<S>>,
        S: AsRef<str>,
    {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut levels = Vec::new();
        let mut codes = Vec::with_capacity(self.n);
        for value in values {
            let label = value.as_ref().map(|s| s.as_ref().trim()).unwrap_or("");
            if label.is_empty() {
                codes.push(MISSING);
                continue;
            }
            let code = match index.get(label) {
                Some(&c) => c,
                None => {
                    let c = u32::try_from(levels.len())
                        .map_err(|_| WeightingError::BadSample(format!("`{name}` has too many distinct categories")))?;
                    index.insert(label.to_owned(), c);
                    levels.push(Category(label.to_owned()));
                    c
                }
            };
            codes.push(code);
        }
        self.add_coded_variable(name, levels, codes)
    }

    /// Adds a variable already coded: `codes[i]` indexes `levels`, or is [`MISSING`].
    pub fn add_coded_variable(
        &mut self,
        name: &str,
        levels: Vec<Category>,
        codes: Vec<u32>,
    ) -> Result<(), WeightingError> {
        if codes.len() != self.n {
            return Err(WeightingError::BadSample(format!(
                "`{name}` has {} values for {} respondents",
                codes.len(),
                self.n
            )));
        }
        if self.variables.iter().any(|v| v.name == name) {
            return Err(WeightingError::BadSample(format!("`{name}` is given twice")));
        }
        let n_levels = levels.len();
        let mut n_missing = 0;
        for (i, &c) in codes.iter().enumerate() {
            if c == MISSING {
                n_missing += 1;
            } else if c as usize >= n_levels {
                return Err(WeightingError::BadSample(format!(
                    "respondent #{} has code {c} on `{name}`, which has only {n_levels} categories",
                    i + 1
                )));
            }
        }
        self.variables.push(SampleVariable {
            name: name.to_owned(),
            levels,
            codes,
            n_missing,
        });
        Ok(())
    }

    /// Sets starting (design) weights d_i; each must be a positive finite number.
    pub fn set_base_weights(&mut self, weights: Vec<f64>) -> Result<(), WeightingError> {
        if weights.len() != self.n {
            return Err(WeightingError::BadSample(format!(
                "{} starting weights for {} respondents",
                weights.len(),
                self.n
            )));
        }
        if let Some((row, &value)) = weights.iter().enumerate().find(|(_, w)| !(w.is_finite() && **w > 0.0)) {
            return Err(WeightingError::BadBaseWeight { row: row + 1, value });
        }
        self.base_weights = Some(weights);
        Ok(())
    }

    pub(crate) fn variable(&self, name: &str) -> Option<&SampleVariable> {
        self.variables.iter().find(|v| v.name == name)
    }
}
