//! The finite population correction of each stratum (R `svydesign(fpc = …)`).

use super::design::{check_len, Fpc};
use super::StatsError;

/// `(N_h − n_h)/N_h` per stratum, as `survey:::onestrat` (R's `as.fpc` treats values ≤ 1 as fractions;
/// here the caller says which it is).
pub(super) fn fpc_factors(
    fpc: Option<&Fpc>,
    stratum: &[usize],
    npsu: &[usize],
    n: usize,
) -> Result<Vec<f64>, StatsError> {
    let Some(fpc) = fpc else {
        return Ok(vec![1.0; npsu.len()]);
    };
    let (values, is_fraction) = match fpc {
        Fpc::PopulationSize(v) => (v, false),
        Fpc::SamplingFraction(v) => (v, true),
    };
    check_len("fpc", values.len(), n)?;
    let mut per_stratum: Vec<Option<f64>> = vec![None; npsu.len()];
    for (i, (h, v)) in stratum.iter().zip(values).enumerate() {
        match per_stratum[*h] {
            Some(prev) if prev != *v => return Err(StatsError::FpcVaries { index: i }),
            _ => per_stratum[*h] = Some(*v),
        }
    }
    per_stratum
        .iter()
        .zip(npsu)
        .enumerate()
        .map(|(h, (v, nh))| {
            let v = v.unwrap_or(f64::NAN);
            let nh = *nh as f64;
            let bad = StatsError::BadFpc {
                stratum: h,
                value: v,
                sampled: nh as usize,
            };
            if is_fraction {
                if v > 0.0 && v <= 1.0 {
                    Ok(1.0 - v)
                } else {
                    Err(bad)
                }
            } else if v.is_infinite() && v > 0.0 {
                Ok(1.0)
            } else if v.is_finite() && v >= nh {
                Ok((v - nh) / v)
            } else {
                Err(bad)
            }
        })
        .collect()
}
