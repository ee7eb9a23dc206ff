//! The weighting scheme: what to weight by, to which population, and how.
//!
//! This is a contract (README, "Weighting scheme"): the same structure is the `weighting` block of a survey
//! definition and the `--scheme` file of `opros weight`. Keys may be added, never renamed.
//!
//! ```yaml
//! method: raking            # poststratify | raking | linear | logit
//! variables: [sex, age_group, district]
//! population: populations/example.yaml       # a population file, or `targets:` inline
//! targets:
//!   total: 1000000
//!   margins:
//!     sex: {m: 480000, f: 520000}
//!   cells:
//!     - {sex: m, age_group: "18-29", count: 102000}
//! base_weight: design_w
//! bounds: [0.3, 3.0]
//! trim: {lower: 0.3, upper: 3.0, relative_to_mean: true, strict: true}
//! tolerance: 1.0e-10
//! max_iterations: 100
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// A category label as written in YAML: strings, numbers and booleans are all accepted and kept as text,
/// so `district: {1: 5000}` and `district: {"1": 5000}` mean the same.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Category(pub String);

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar_to_string(d).map(Category)
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Category {
    fn from(s: &str) -> Self {
        Category(s.to_owned())
    }
}

/// Deserializes any YAML/JSON scalar (string, integer, float, bool) as its textual form.
pub fn scalar_to_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a category label (text or number)")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(V)
}

/// Weighting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Post-stratification on the joint cells of `variables` (R `postStratify`).
    Poststratify,
    /// Iterative proportional fitting on the margins, run to convergence
    /// (equals R `calibrate(calfun = "raking")`).
    Raking,
    /// Linear (GREG) calibration on the margins, optionally bounded (R `calibrate(calfun = "linear")`).
    Linear,
    /// Bounded logit calibration (R `calibrate(calfun = "logit", bounds = c(L, U))`).
    Logit,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Poststratify => "poststratify",
            Method::Raking => "raking",
            Method::Linear => "linear",
            Method::Logit => "logit",
        }
    }

    /// Whether the method weights to joint cells of all its variables (otherwise to their margins).
    pub fn uses_joint_cells(self) -> bool {
        match self {
            Method::Poststratify => true,
            Method::Raking | Method::Linear | Method::Logit => false,
        }
    }

    /// Whether the method cannot run without `bounds` on the calibration weights.
    pub fn requires_bounds(self) -> bool {
        match self {
            Method::Logit => true,
            Method::Poststratify | Method::Raking | Method::Linear => false,
        }
    }
}

/// One joint cell of a post-stratification table: the category of each variable, and the population count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub count: f64,
    #[serde(flatten)]
    pub categories: BTreeMap<String, Category>,
}

/// Population targets: a total, margins per variable (counts, or shares when they sum to 1 and `total` is
/// given), and optionally joint cells.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub margins: BTreeMap<String, BTreeMap<Category, f64>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Cell>,
}

/// A population file (`surveys/populations/*.yaml`): named targets with their source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Population {
    /// Short machine name, e.g. `example-region-2026`.
    pub name: String,
    /// Human title per language (`ru`, `en`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub title: BTreeMap<String, String>,
    /// Where the figures come from (statistics office table, year), or a note that they are illustrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(flatten)]
    pub targets: Targets,
}

/// Trimming of the final weights (R `trimWeights`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trim {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    /// Bounds are multiples of the mean weight (true) or absolute weights (false).
    #[serde(default)]
    pub relative_to_mean: bool,
    /// Repeat clipping and redistribution until every weight is within bounds (R `strict = TRUE`).
    #[serde(default = "default_true")]
    pub strict: bool,
    /// How the clipped excess is spread over the weights inside the bounds.
    #[serde(default)]
    pub redistribute: Redistribute,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Redistribute {
    /// Equal additive share to every untrimmed weight (R `trimWeights`).
    #[default]
    Additive,
    /// In proportion to each untrimmed weight.
    Proportional,
}

/// What to do with respondents whose value of a weighting variable is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Leave them out of weighting (weight 0 / not in the output's weighted base); the count is reported.
    #[default]
    Exclude,
    /// Give them the most frequent (weighted by starting weight) category of that variable in the sample.
    ImputeMode,
}

fn default_true() -> bool {
    true
}

/// A weighting scheme (the contract format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub method: Method,
    pub variables: Vec<String>,
    /// Path of a population file (relative to the scheme file, or to `surveys/` in a definition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Targets>,
    /// Column holding starting (design) weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_weight: Option<String>,
    /// Bounds (L, U) on g = w / d for `logit` (required) and `linear` (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim: Option<Trim>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_iterations: Option<usize>,
    #[serde(default)]
    pub missing: MissingPolicy,
}
