//! Cronbach's α, the internal consistency of the items of a composite index, as R `psych::alpha`
//! reports it (`raw_alpha`, `std.alpha`) on the respondents who answered every item.
//!
//! With `k` items, `C` their sample covariance matrix and `R` their correlation matrix:
//! - raw α = k/(k − 1) · (1 − tr C / ΣC) (Cronbach 1951);
//! - standardized α = k·r̄ / (1 + (k − 1)·r̄), r̄ the mean of the off-diagonal correlations.
//!
//! α describes the items, not a population, so it is unweighted (as `psych::alpha`). It cannot be computed
//! from one item, from fewer than two complete respondents, or when the total score does not vary; the
//! standardized α also needs every item to vary. Such cases are reported with their reason, never as a
//! number.

use serde::Serialize;

/// Why α is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlphaNotComputable {
    /// An index of one item has no internal consistency to measure.
    OneItem,
    /// Fewer than two respondents answered every item.
    TooFewCases,
    /// The total score (raw α) or an item (standardized α) has the same value for every respondent.
    ZeroVariance,
}

impl AlphaNotComputable {
    /// The JSON name, also the suffix of the message ids that explain it.
    pub fn name(self) -> &'static str {
        match self {
            AlphaNotComputable::OneItem => "one_item",
            AlphaNotComputable::TooFewCases => "too_few_cases",
            AlphaNotComputable::ZeroVariance => "zero_variance",
        }
    }
}

/// Cronbach's α of a set of items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alpha {
    /// Raw α (from covariances).
    pub raw: f64,
    /// Standardized α (from correlations); `Err` when an item does not vary.
    pub standardized: Result<f64, AlphaNotComputable>,
    /// Respondents who answered every item (the cases α is computed from).
    pub n: usize,
}

/// Cronbach's α of the complete cases `rows` (each row one respondent's `items` scores; rows with a
/// different length are a caller's error and make α not computable for too few cases).
pub fn cronbach_alpha(rows: &[Vec<f64>], items: usize) -> Result<Alpha, AlphaNotComputable> {
    if items < 2 {
        return Err(AlphaNotComputable::OneItem);
    }
    let rows: Vec<&Vec<f64>> = rows
        .iter()
        .filter(|r| r.len() == items && r.iter().all(|v| v.is_finite()))
        .collect();
    let n = rows.len();
    if n < 2 {
        return Err(AlphaNotComputable::TooFewCases);
    }
    let k = items as f64;
    let mean: Vec<f64> = (0..items)
        .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n as f64)
        .collect();
    // Covariances with n − 1 (the divisor cancels in both α's, kept as in R's `cov`).
    let divisor = (n - 1) as f64;
    let cov: Vec<Vec<f64>> = (0..items)
        .map(|a| {
            (0..items)
                .map(|b| rows.iter().map(|r| (r[a] - mean[a]) * (r[b] - mean[b])).sum::<f64>() / divisor)
                .collect()
        })
        .collect();
    let total: f64 = cov.iter().flatten().sum();
    let trace: f64 = (0..items).map(|j| cov[j][j]).sum();
    // Relative to the item variances, so that rounding noise of a constant total is not taken for variance.
    if total <= 1e-12 * trace.max(f64::MIN_POSITIVE) || trace <= 0.0 {
        return Err(AlphaNotComputable::ZeroVariance);
    }
    let raw = k / (k - 1.0) * (1.0 - trace / total);
    let standardized = if (0..items).any(|j| cov[j][j] <= 0.0) {
        Err(AlphaNotComputable::ZeroVariance)
    } else {
        let mut sum_r = 0.0;
        for a in 0..items {
            for b in 0..items {
                if a != b {
                    sum_r += cov[a][b] / (cov[a][a] * cov[b][b]).sqrt();
                }
            }
        }
        let r_bar = sum_r / (k * (k - 1.0));
        Ok(k * r_bar / (1.0 + (k - 1.0) * r_bar))
    };
    Ok(Alpha { raw, standardized, n })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/indices");

    fn expected(what: &str, key: &str) -> f64 {
        let mut r = csv::Reader::from_path(format!("{DIR}/expected.csv")).expect("expected.csv");
        r.records()
            .map(|rec| rec.expect("row"))
            .find(|rec| &rec[0] == what && &rec[1] == key)
            .map(|rec| rec[2].trim().parse().expect("number"))
            .unwrap_or_else(|| panic!("{what} {key} in expected.csv"))
    }

    fn items() -> Vec<Vec<f64>> {
        let mut r = csv::Reader::from_path(format!("{DIR}/alpha_items.csv")).expect("alpha_items.csv");
        r.records()
            .map(|rec| rec.expect("row").iter().map(|v| v.parse().expect("score")).collect())
            .collect()
    }

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() < 1e-9, "got {got}, psych::alpha says {want}");
    }

    #[test]
    fn alpha_matches_psych_on_four_and_on_two_items() {
        let rows = items();
        let a = cronbach_alpha(&rows, 4).expect("alpha");
        close(a.raw, expected("alpha_raw", "trust"));
        close(a.standardized.expect("standardized"), expected("alpha_std", "trust"));
        assert_eq!(a.n as f64, expected("alpha_n", "trust"));
        let two: Vec<Vec<f64>> = rows.iter().map(|r| r[..2].to_vec()).collect();
        let a = cronbach_alpha(&two, 2).expect("alpha");
        close(a.raw, expected("alpha_raw", "items12"));
        close(a.standardized.expect("standardized"), expected("alpha_std", "items12"));
    }

    #[test]
    fn degenerate_item_sets_are_not_computable() {
        assert_eq!(
            cronbach_alpha(&[vec![1.0], vec![2.0]], 1),
            Err(AlphaNotComputable::OneItem)
        );
        assert_eq!(
            cronbach_alpha(&[vec![1.0, 2.0]], 2),
            Err(AlphaNotComputable::TooFewCases)
        );
        assert_eq!(cronbach_alpha(&[], 3), Err(AlphaNotComputable::TooFewCases));
        let constant = vec![vec![3.0, 4.0]; 5];
        assert_eq!(cronbach_alpha(&constant, 2), Err(AlphaNotComputable::ZeroVariance));
        // One constant item: raw α exists (as in psych), the standardized one does not.
        let rows = vec![
            vec![1.0, 2.0, 5.0],
            vec![2.0, 3.0, 5.0],
            vec![3.0, 3.0, 5.0],
            vec![4.0, 5.0, 5.0],
        ];
        let a = cronbach_alpha(&rows, 3).expect("raw alpha");
        assert!(a.raw.is_finite());
        assert_eq!(a.standardized, Err(AlphaNotComputable::ZeroVariance));
    }

    #[test]
    fn identical_items_have_alpha_one() {
        let rows: Vec<Vec<f64>> = (0..10).map(|i| vec![f64::from(i); 3]).collect();
        let a = cronbach_alpha(&rows, 3).expect("alpha");
        assert!((a.raw - 1.0).abs() < 1e-12 && (a.standardized.expect("std") - 1.0).abs() < 1e-12);
    }
}
