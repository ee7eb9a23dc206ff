//! The sampling design of imported interviews (a definition's `design:` block) in the form the estimator
//! takes: design weights, strata, first-stage clusters and the finite population correction, as R
//! `svydesign(ids = ~psu, strata = ~strata, fpc = ~fpc, weights = ~weight)`.
//!
//! Choices, each as R `survey` makes them unless said otherwise:
//! - fpc: all values ≤ 1 are sampling fractions, otherwise population sizes (R `svydesign`'s rule); it must
//!   be constant within a stratum (checked by the estimator).
//! - PSU labels are read within their stratum (R `nest = TRUE`): the same label in two strata is two PSUs.
//! - A respondent without design values (a web response in an interview survey) makes the design unusable:
//!   the summary says so and estimates as a simple weighted sample rather than mixing two designs silently.

use std::collections::HashMap;

use crate::definition::{Definition, DesignValues};
use crate::stats::Fpc;

/// The design of the respondents, aligned with them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleDesign {
    /// Design weights (starting weights for weighting), when the design names a weight column.
    pub weights: Option<Vec<f64>>,
    pub strata: Option<Vec<usize>>,
    pub psu: Option<Vec<usize>>,
    pub fpc: Option<Fpc>,
}

impl SampleDesign {
    /// The design restricted to the respondents `keep` (in that order).
    pub fn subset(&self, keep: &[usize]) -> SampleDesign {
        let pick_f = |v: &Vec<f64>| keep.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let pick_u = |v: &Vec<usize>| keep.iter().map(|&i| v[i]).collect::<Vec<_>>();
        SampleDesign {
            weights: self.weights.as_ref().map(pick_f),
            strata: self.strata.as_ref().map(pick_u),
            psu: self.psu.as_ref().map(pick_u),
            fpc: self.fpc.as_ref().map(|f| match f {
                Fpc::PopulationSize(v) => Fpc::PopulationSize(pick_f(v)),
                Fpc::SamplingFraction(v) => Fpc::SamplingFraction(pick_f(v)),
            }),
        }
    }
}

/// The design of `values` (one per respondent) under `def`'s `design:` block: `Ok(None)` when the survey
/// declares none, an error message when some respondent lacks values.
pub fn sample_design(def: &Definition, values: &[Option<&DesignValues>]) -> Result<Option<SampleDesign>, String> {
    let Some(spec) = &def.design else {
        return Ok(None);
    };
    let missing = values.iter().filter(|v| v.is_none()).count();
    if missing > 0 {
        return Err(format!(
            "{missing} of {} complete responses have no sampling-design values (answered on the web rather than \
             imported with their design columns); estimated as a simple weighted sample",
            values.len()
        ));
    }
    let rows: Vec<&DesignValues> = values.iter().flatten().copied().collect();
    let need = |key: &str, present: fn(&DesignValues) -> bool| -> Result<(), String> {
        match rows.iter().position(|r| !present(r)) {
            Some(i) => Err(format!("response {} has no design {key}", i + 1)),
            None => Ok(()),
        }
    };
    let mut design = SampleDesign::default();
    if spec.weight.is_some() {
        need("weight", |r| r.weight.is_some())?;
        design.weights = Some(rows.iter().map(|r| r.weight.unwrap_or(1.0)).collect());
    }
    if spec.strata.is_some() {
        need("stratum", |r| r.stratum.is_some())?;
        design.strata = Some(indices(rows.iter().map(|r| (r.stratum.as_deref().unwrap_or(""), ""))));
    }
    if spec.psu.is_some() {
        need("psu", |r| r.psu.is_some())?;
        design.psu =
            Some(indices(rows.iter().map(|r| {
                (r.stratum.as_deref().unwrap_or(""), r.psu.as_deref().unwrap_or(""))
            })));
    }
    if spec.fpc.is_some() {
        need("fpc", |r| r.fpc.is_some())?;
        let v: Vec<f64> = rows.iter().map(|r| r.fpc.unwrap_or(1.0)).collect();
        design.fpc = Some(if v.iter().all(|&f| f <= 1.0) {
            Fpc::SamplingFraction(v)
        } else if v.iter().all(|&f| f >= 1.0) {
            Fpc::PopulationSize(v)
        } else {
            return Err(
                "the fpc column mixes sampling fractions (≤ 1) and population sizes (> 1); use one kind".to_owned(),
            );
        });
    }
    Ok(Some(design))
}

/// Small integer ids for labels, in order of first appearance.
fn indices<'a>(labels: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<usize> {
    let mut ids: HashMap<(&str, &str), usize> = HashMap::new();
    labels
        .map(|l| {
            let next = ids.len();
            *ids.entry(l).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::SamplingDesign;

    fn def(design: Option<SamplingDesign>) -> Definition {
        let yaml = "slug: d\ntitle: {en: D}\ntopic: t\nlanguages: [en]\npages:\n  - id: p\n    questions:\n      - {id: q, type: text, text: {en: Q}}\n";
        let mut d = crate::definition::parse_definition(yaml, "d.yaml").unwrap();
        d.design = design;
        d
    }

    fn row(w: f64, s: &str, p: &str, f: f64) -> DesignValues {
        DesignValues {
            weight: Some(w),
            stratum: Some(s.into()),
            psu: Some(p.into()),
            fpc: Some(f),
        }
    }

    fn full() -> SamplingDesign {
        SamplingDesign {
            weight: Some("w".into()),
            strata: Some("s".into()),
            psu: Some("p".into()),
            fpc: Some("f".into()),
        }
    }

    #[test]
    fn no_design_block_means_no_design() {
        assert_eq!(sample_design(&def(None), &[None, None]), Ok(None));
    }

    #[test]
    fn psu_labels_are_nested_in_strata_and_fpc_kind_follows_r() {
        let rows = [
            row(2.0, "a", "1", 10.0),
            row(3.0, "b", "1", 20.0),
            row(4.0, "a", "1", 10.0),
        ];
        let refs: Vec<Option<&DesignValues>> = rows.iter().map(Some).collect();
        let d = sample_design(&def(Some(full())), &refs).unwrap().unwrap();
        assert_eq!(d.weights, Some(vec![2.0, 3.0, 4.0]));
        assert_eq!(d.strata, Some(vec![0, 1, 0]));
        assert_eq!(
            d.psu,
            Some(vec![0, 1, 0]),
            "PSU '1' of stratum a and of stratum b are different PSUs"
        );
        assert_eq!(d.fpc, Some(Fpc::PopulationSize(vec![10.0, 20.0, 10.0])));
        let fractions = [row(1.0, "a", "1", 0.5), row(1.0, "a", "2", 0.5)];
        let refs: Vec<Option<&DesignValues>> = fractions.iter().map(Some).collect();
        let d = sample_design(&def(Some(full())), &refs).unwrap().unwrap();
        assert_eq!(d.fpc, Some(Fpc::SamplingFraction(vec![0.5, 0.5])));
        assert_eq!(d.subset(&[1]).fpc, Some(Fpc::SamplingFraction(vec![0.5])));
    }

    #[test]
    fn web_responses_without_design_values_are_reported() {
        let r = row(1.0, "a", "1", 0.5);
        let err = sample_design(&def(Some(full())), &[Some(&r), None]).unwrap_err();
        assert!(err.starts_with("1 of 2 complete responses"), "{err}");
    }

    #[test]
    fn mixed_fpc_kinds_are_refused() {
        let rows = [row(1.0, "a", "1", 0.5), row(1.0, "b", "1", 40.0)];
        let refs: Vec<Option<&DesignValues>> = rows.iter().map(Some).collect();
        let err = sample_design(&def(Some(full())), &refs).unwrap_err();
        assert!(err.contains("mixes sampling fractions"), "{err}");
    }
}
