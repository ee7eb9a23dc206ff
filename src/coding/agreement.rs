//! Agreement between coders: Cohen's κ (two coders) and Krippendorff's α (nominal, any number of coders,
//! missing values allowed).
//!
//! Cohen's κ (Cohen 1960): with p_o the share of units on which the two coders agree and p_e = Σ_k p1_k·p2_k
//! the agreement expected from each coder's own marginal shares, κ = (p_o − p_e) / (1 − p_e). It is the
//! unweighted κ of R `psych::cohen.kappa`. When p_e = 1 (both coders gave every unit the same single
//! category) κ is 0/0 and is reported as [`Undefined::NoVariation`], never as a number.
//!
//! Krippendorff's α, nominal (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): units with
//! fewer than two values are dropped; each remaining unit u with m_u values adds 1/(m_u − 1) to the
//! coincidence o_ck of every ordered pair of values (c, k) from different coders; with n_c = Σ_k o_ck and
//! n = Σ_c n_c, D_o = Σ_{c≠k} o_ck and D_e = Σ_{c≠k} n_c·n_k / (n − 1); α = 1 − D_o / D_e. It is the value of
//! the Python `krippendorff` package (`level_of_measurement="nominal"`). When D_e = 0 (one category only)
//! α is undefined.
//!
//! Several codes per answer. A coder gives an answer a *set* of codes, so the codebook's agreement is
//! computed on binary decisions: every (answer, code) pair is a unit whose value is 1 when the coder gave
//! the answer that code and 0 otherwise. [`codebook_agreement`] reports per code Cohen's κ and α on that
//! code's 0/1 decisions, and for the whole codebook α over all (answer, code) units pooled. With one code per
//! answer this differs from α on the code as one nominal variable; [`krippendorff_alpha`] computes that
//! too when a caller wants it.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

/// Why an agreement coefficient has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undefined {
    /// No unit was coded by both coders (κ) or by at least two coders (α).
    NoPairs,
    /// Every value is the same category: chance agreement is perfect and the coefficient is 0/0.
    NoVariation,
}

/// Cohen's κ for two coders' nominal categories on the same units (`a[i]` and `b[i]` code unit i).
///
/// Units must be paired: the shorter slice decides how many are used.
pub fn cohen_kappa<T: Eq + std::hash::Hash>(a: &[T], b: &[T]) -> Result<f64, Undefined> {
    let n = a.len().min(b.len());
    if n == 0 {
        return Err(Undefined::NoPairs);
    }
    let mut first: HashMap<&T, f64> = HashMap::new();
    let mut second: HashMap<&T, f64> = HashMap::new();
    let mut agree = 0.0;
    for (x, y) in a.iter().zip(b).take(n) {
        *first.entry(x).or_default() += 1.0;
        *second.entry(y).or_default() += 1.0;
        if x == y {
            agree += 1.0;
        }
    }
    let total = n as f64;
    let p_o = agree / total;
    let p_e: f64 = first
        .iter()
        .map(|(c, k)| (k / total) * second.get(c).map_or(0.0, |m| m / total))
        .sum();
    if (1.0 - p_e).abs() < 1e-15 {
        return Err(Undefined::NoVariation);
    }
    Ok((p_o - p_e) / (1.0 - p_e))
}

/// Krippendorff's α for nominal data: `units[u]` holds each coder's value for unit u (`None` = not coded).
pub fn krippendorff_alpha<T: Eq + std::hash::Hash + Clone + Ord>(units: &[Vec<Option<T>>]) -> Result<f64, Undefined> {
    let mut index: HashMap<T, usize> = HashMap::new();
    let values: BTreeSet<&T> = units.iter().flatten().flatten().collect();
    for (i, v) in values.into_iter().enumerate() {
        index.insert(v.clone(), i);
    }
    let k = index.len();
    let mut o = vec![vec![0.0f64; k]; k];
    for unit in units {
        let vals: Vec<usize> = unit.iter().flatten().filter_map(|v| index.get(v).copied()).collect();
        let m = vals.len();
        if m < 2 {
            continue;
        }
        let w = 1.0 / (m as f64 - 1.0);
        for (i, &c) in vals.iter().enumerate() {
            for (j, &d) in vals.iter().enumerate() {
                if i != j {
                    o[c][d] += w;
                }
            }
        }
    }
    let n_c: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = n_c.iter().sum();
    if n <= 1.0 {
        return Err(Undefined::NoPairs);
    }
    let mut d_o = 0.0;
    let mut d_e = 0.0;
    for c in 0..k {
        for d in 0..k {
            if c != d {
                d_o += o[c][d];
                d_e += n_c[c] * n_c[d];
            }
        }
    }
    d_e /= n - 1.0;
    if d_e <= 0.0 {
        return Err(Undefined::NoVariation);
    }
    Ok(1.0 - d_o / d_e)
}

/// One answer's codes from two coders (double coding).
#[derive(Debug, Clone)]
pub struct DoubleCoded<'a> {
    pub first: &'a [String],
    pub second: &'a [String],
}

/// A coefficient, or why it has none.
pub type Coefficient = Result<f64, Undefined>;

/// Agreement on one code.
#[derive(Debug, Clone, Serialize)]
pub struct CodeAgreement {
    pub code: String,
    /// Answers given this code by the first / the second coder.
    pub first: usize,
    pub second: usize,
    pub kappa: Coefficient,
    pub alpha: Coefficient,
}

/// Agreement over a codebook, from answers coded by two coders.
#[derive(Debug, Clone, Serialize)]
pub struct CodebookAgreement {
    /// Answers coded by both.
    pub answers: usize,
    /// Answers whose two code sets differ.
    pub disagreements: usize,
    pub codes: Vec<CodeAgreement>,
    /// α over every (answer, code) decision pooled (see the module notes).
    pub alpha: Coefficient,
}

/// κ and α per code, and pooled α, for the `codes` of a codebook.
pub fn codebook_agreement(codes: &[&str], pairs: &[DoubleCoded<'_>]) -> CodebookAgreement {
    let has = |set: &[String], code: &str| set.iter().any(|c| c == code);
    let mut pooled: Vec<Vec<Option<u8>>> = Vec::with_capacity(codes.len() * pairs.len());
    let per_code = codes
        .iter()
        .map(|&code| {
            let a: Vec<u8> = pairs.iter().map(|p| u8::from(has(p.first, code))).collect();
            let b: Vec<u8> = pairs.iter().map(|p| u8::from(has(p.second, code))).collect();
            let units: Vec<Vec<Option<u8>>> = a.iter().zip(&b).map(|(&x, &y)| vec![Some(x), Some(y)]).collect();
            let agreement = CodeAgreement {
                code: code.to_owned(),
                first: a.iter().filter(|&&x| x == 1).count(),
                second: b.iter().filter(|&&x| x == 1).count(),
                kappa: cohen_kappa(&a, &b),
                alpha: krippendorff_alpha(&units),
            };
            pooled.extend(units);
            agreement
        })
        .collect();
    let same = |p: &DoubleCoded<'_>| {
        let a: BTreeSet<&String> = p.first.iter().collect();
        let b: BTreeSet<&String> = p.second.iter().collect();
        a == b
    };
    CodebookAgreement {
        answers: pairs.len(),
        disagreements: pairs.iter().filter(|p| !same(p)).count(),
        codes: per_code,
        alpha: krippendorff_alpha(&pooled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_one() {
        let a = [1, 2, 3, 1, 2];
        assert_eq!(cohen_kappa(&a, &a), Ok(1.0));
        let units: Vec<Vec<Option<i32>>> = a.iter().map(|&x| vec![Some(x), Some(x)]).collect();
        assert_eq!(krippendorff_alpha(&units), Ok(1.0));
    }

    #[test]
    fn one_category_is_undefined() {
        let a = [0, 0, 0];
        assert_eq!(cohen_kappa(&a, &a), Err(Undefined::NoVariation));
        let units = vec![vec![Some(0), Some(0)]; 3];
        assert_eq!(krippendorff_alpha(&units), Err(Undefined::NoVariation));
    }

    #[test]
    fn no_pairs_is_undefined() {
        let none: [u8; 0] = [];
        assert_eq!(cohen_kappa(&none, &none), Err(Undefined::NoPairs));
        let lone = vec![vec![Some(1), None], vec![None, Some(2)]];
        assert_eq!(krippendorff_alpha(&lone), Err(Undefined::NoPairs));
    }

    #[test]
    fn codebook_counts_disagreements_and_pools_decisions() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
        let (a1, b1, a2, b2, a3, b3) = (s(&["x"]), s(&["x"]), s(&["x", "y"]), s(&["y"]), s(&["y"]), s(&["y"]));
        let pairs = [
            DoubleCoded {
                first: &a1,
                second: &b1,
            },
            DoubleCoded {
                first: &a2,
                second: &b2,
            },
            DoubleCoded {
                first: &a3,
                second: &b3,
            },
        ];
        let r = codebook_agreement(&["x", "y"], &pairs);
        assert_eq!(r.answers, 3);
        assert_eq!(r.disagreements, 1);
        assert_eq!((r.codes[0].first, r.codes[0].second), (2, 1));
        // y: both coders gave it to every answer coded with y → perfect on y.
        assert_eq!(r.codes[1].kappa, Ok(1.0));
        // Pooled units: 6 decisions, one disagreement.
        let pooled = r.alpha.unwrap_or(f64::NAN);
        assert!(pooled > 0.0 && pooled < 1.0, "{pooled}");
    }
}
