//! Checks of a scheme's settings that need no data: variables, tolerance, bounds, trimming.

use super::error::WeightingError;
use super::scheme::{Method, Scheme, Trim};
use super::{DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE};

/// Validated numeric settings of a scheme.
pub(crate) struct Settings {
    pub tolerance: f64,
    pub max_iterations: usize,
    pub bounds: Option<(f64, f64)>,
}

impl Settings {
    /// The settings, or the first problem of [`scheme_problems`].
    pub fn from_scheme(scheme: &Scheme) -> Result<Settings, WeightingError> {
        if let Some(first) = scheme_problems(scheme).into_iter().next() {
            return Err(first);
        }
        Ok(Settings {
            tolerance: scheme.tolerance.unwrap_or(DEFAULT_TOLERANCE),
            max_iterations: scheme.max_iterations.unwrap_or(DEFAULT_MAX_ITERATIONS),
            bounds: scheme.bounds,
        })
    }
}

/// Every problem of a scheme that can be seen without data.
pub(crate) fn scheme_problems(scheme: &Scheme) -> Vec<WeightingError> {
    let bad = |m: String| WeightingError::BadScheme(m);
    let mut problems = Vec::new();
    if scheme.variables.is_empty() {
        problems.push(bad("`variables` is empty: name the variables to weight by".into()));
    }
    for (i, v) in scheme.variables.iter().enumerate() {
        if scheme.variables[..i].contains(v) {
            problems.push(bad(format!("`{v}` is listed twice in `variables`")));
        }
    }
    let tolerance = scheme.tolerance.unwrap_or(DEFAULT_TOLERANCE);
    if !(tolerance.is_finite() && tolerance > 0.0) {
        problems.push(bad(format!(
            "`tolerance` must be a small positive number, not {tolerance}"
        )));
    }
    if scheme.max_iterations == Some(0) {
        problems.push(bad("`max_iterations` must be at least 1".into()));
    }
    problems.extend(check_bounds(scheme).err());
    if let Some(trim) = &scheme.trim {
        problems.extend(check_trim(trim).err());
    }
    problems
}

fn check_bounds(scheme: &Scheme) -> Result<(), WeightingError> {
    let bad = |m: String| Err(WeightingError::BadScheme(m));
    match scheme.method {
        Method::Poststratify | Method::Raking => match scheme.bounds {
            Some(_) => bad(format!(
                "`bounds` apply to `linear` and `logit` calibration, not to `{}`; use `trim` to limit weights",
                scheme.method.as_str()
            )),
            None => Ok(()),
        },
        Method::Logit => match scheme.bounds {
            None => bad(
                "`method: logit` needs `bounds: [L, U]` on w / starting weight, with 0 <= L < 1 < U (e.g. [0.3, 3])"
                    .into(),
            ),
            Some((l, u)) if !((0.0..1.0).contains(&l) && u > 1.0 && u.is_finite()) => bad(format!(
                "logit `bounds` must satisfy 0 <= L < 1 < U, finite; got [{l}, {u}]"
            )),
            Some(_) => Ok(()),
        },
        Method::Linear => match scheme.bounds {
            Some((l, u)) if !(l < 1.0 && u > 1.0) => {
                bad(format!("linear `bounds` must satisfy L < 1 < U; got [{l}, {u}]"))
            }
            Some(_) | None => Ok(()),
        },
    }
}

fn check_trim(trim: &Trim) -> Result<(), WeightingError> {
    let bad = |m: String| Err(WeightingError::BadScheme(m));
    match (trim.lower, trim.upper) {
        (None, None) => bad("`trim` needs `lower`, `upper` or both".into()),
        (Some(l), _) if !(l.is_finite() && l >= 0.0) => bad(format!("`trim: lower` must be >= 0, not {l}")),
        (_, Some(u)) if !(u.is_finite() && u > 0.0) => bad(format!("`trim: upper` must be > 0, not {u}")),
        (Some(l), Some(u)) if l >= u => bad(format!("`trim: lower` ({l}) must be below `upper` ({u})")),
        _ => Ok(()),
    }
}
