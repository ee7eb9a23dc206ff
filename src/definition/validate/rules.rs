//! Derived variables, quotas, weighting, the sampling design and the report settings.

use super::*;

pub(super) fn check_derived(cx: &mut Ctx) {
    let def = cx.def;
    let mut seen = BTreeSet::new();
    for (i, d) in def.derived.iter().enumerate() {
        if !valid_id(&d.id) {
            cx.derived(
                &d.id,
                "the id must start with a letter and contain only a-z, A-Z, 0-9 and _",
            );
        }
        if def.question(&d.id).is_some() {
            cx.derived(
                &d.id,
                format!("derived variable '{}' has the same id as a question", d.id),
            );
        }
        if !seen.insert(d.id.as_str()) {
            cx.derived(&d.id, format!("derived variable '{}' is defined twice", d.id));
        }
        let earlier_derived = def.derived.iter().take(i).any(|e| e.id == d.from);
        match &d.rule {
            DerivedRule::Bins(bins) => check_bins(cx, d, bins),
            DerivedRule::Groups(groups) => {
                let source_codes = if earlier_derived {
                    def.derived_variable(&d.from)
                        .map(|e| e.codes().into_iter().map(str::to_owned).collect::<Vec<_>>())
                } else {
                    match def.question(&d.from).map(|q| &q.kind) {
                        Some(QuestionKind::SingleChoice(_) | QuestionKind::Scale(_)) => def.categories(&d.from),
                        Some(k) => {
                            cx.derived(&d.id, format!(
                                "groups need a single_choice or scale question (or an earlier derived variable); '{}' is a {}",
                                d.from,
                                k.name()
                            ));
                            None
                        }
                        None => {
                            cx.derived(&d.id, unknown_from(d));
                            None
                        }
                    }
                };
                check_groups(cx, d, groups, source_codes.as_deref());
            }
        }
    }
}

pub(super) fn unknown_from(d: &Derived) -> String {
    format!(
        "derived variable '{}' is computed from '{}', which is not a question (or an earlier derived variable)",
        d.id, d.from
    )
}

pub(super) fn check_bins(cx: &mut Ctx, d: &Derived, bins: &[crate::definition::model::Bin]) {
    match cx.def.question(&d.from).map(|q| &q.kind) {
        Some(QuestionKind::Number(_) | QuestionKind::Scale(_)) => {}
        Some(k) => cx.derived(
            &d.id,
            format!("bins need a number or scale question; '{}' is a {}", d.from, k.name()),
        ),
        None => cx.derived(&d.id, unknown_from(d)),
    }
    if bins.is_empty() {
        cx.derived(&d.id, "bins is empty");
    }
    let mut codes = BTreeSet::new();
    for b in bins {
        if !codes.insert(b.code.as_str()) {
            cx.derived(&d.id, format!("bin code '{}' is used twice", b.code));
        }
        if let (Some(lo), Some(hi)) = (b.min, b.max) {
            if lo > hi {
                cx.derived(
                    &d.id,
                    format!("bin '{}': min ({lo}) is greater than max ({hi})", b.code),
                );
            }
        }
    }
    for (i, a) in bins.iter().enumerate() {
        for b in bins.iter().skip(i + 1) {
            let lo = match (a.min, b.min) {
                (Some(x), Some(y)) => Some(x.max(y)),
                (x, y) => x.or(y),
            };
            let hi = match (a.max, b.max) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
            let overlap = match (lo, hi) {
                (Some(l), Some(h)) => l <= h,
                _ => true,
            };
            if overlap {
                cx.derived(&d.id, format!("bins '{}' and '{}' overlap", a.code, b.code));
            }
        }
    }
}

pub(super) fn check_groups(
    cx: &mut Ctx,
    d: &Derived,
    groups: &crate::definition::texts::OrderedMap<Vec<crate::definition::model::GroupCode>>,
    source_codes: Option<&[String]>,
) {
    if groups.is_empty() {
        cx.derived(&d.id, "groups is empty");
    }
    let mut placed: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, codes) in groups.iter() {
        if codes.is_empty() {
            cx.derived(&d.id, format!("group '{name}' lists no codes"));
        }
        for c in codes {
            if let Some(first) = placed.insert(c.0.as_str(), name) {
                cx.derived(
                    &d.id,
                    format!("code '{}' is in both group '{first}' and group '{name}'", c.0),
                );
            }
            if let Some(known) = source_codes {
                if !known.contains(&c.0) {
                    cx.derived(
                        &d.id,
                        format!(
                            "group '{name}' lists '{}', which is not a code of '{}' (codes: {})",
                            c.0,
                            d.from,
                            known.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

pub(super) fn check_quotas(cx: &mut Ctx) {
    let def = cx.def;
    let mut seen = BTreeSet::new();
    for quota in &def.quotas {
        let id = quota.id.as_str();
        if !seen.insert(id) {
            cx.item("quotas", id, format!("quota '{id}' is defined twice"));
        }
        if quota.limit == 0 {
            cx.item("quotas", id, format!("quota '{id}': limit must be at least 1"));
        }
        match (&quota.when, &quota.question) {
            (Some(cond), None) => {
                for msg in condition_problems(def, cond, None) {
                    cx.item("quotas", id, format!("quota '{id}': when: {msg}"));
                }
            }
            (None, Some(var)) => {
                if let Err(msg) = categorical(def, var) {
                    cx.item("quotas", id, format!("quota '{id}': {msg}"));
                }
            }
            _ => cx.item(
                "quotas",
                id,
                format!("quota '{id}' needs exactly one of 'when' (a condition) or 'question' (a cap per option)"),
            ),
        }
    }
}

pub(super) fn check_weighting(cx: &mut Ctx) {
    let def = cx.def;
    let Some(scheme) = &def.weighting else {
        return;
    };
    if scheme.variables.is_empty() {
        cx.top("weighting", "weighting has no variables");
    }
    for var in &scheme.variables {
        if let Err(msg) = categorical(def, var) {
            cx.top("weighting", format!("weighting variable {msg}"));
        }
    }
    match (&scheme.population, &scheme.targets) {
        (None, None) => cx.top(
            "weighting",
            "weighting needs a population file (population:) or targets",
        ),
        (Some(_), Some(_)) => cx.top("weighting", "weighting has both population and targets; keep one"),
        (None, Some(t)) => {
            let problems = crate::definition::population::check_targets_against(def, t, &scheme.method);
            for msg in problems {
                cx.top("weighting", msg.message);
            }
        }
        (Some(_), None) => {}
    }
    if scheme.method.requires_bounds() && scheme.bounds.is_none() {
        cx.top("weighting", "logit calibration needs bounds: [L, U], e.g. [0.3, 3.0]");
    }
    if let Some((l, u)) = scheme.bounds {
        if !(l < 1.0 && 1.0 < u) {
            cx.top("weighting", format!("bounds [{l}, {u}] must satisfy L < 1 < U"));
        }
    }
}

/// Design columns are named like questions (CSV headers), distinct, and never a question's or derived
/// variable's id; a scheme's `base_weight` in a survey can only be the design weight.
pub(super) fn check_design(cx: &mut Ctx) {
    let def = cx.def;
    if let Some(design) = &def.design {
        let columns = design.columns();
        if columns.is_empty() {
            cx.top(
                "design",
                "design names no columns: give at least one of weight, strata, psu, fpc",
            );
        }
        for (i, (key, col)) in columns.iter().enumerate() {
            if !valid_id(col) {
                cx.top(
                    "design",
                    format!("design {key}: '{col}' is not a valid column name (a letter, then letters, digits, _)"),
                );
            } else if def.question(col).is_some() || def.derived_variable(col).is_some() {
                cx.top(
                    "design",
                    format!("design {key}: '{col}' is a question or derived variable; design columns are separate"),
                );
            }
            if columns[..i].iter().any(|(_, c)| c == col) {
                cx.top(
                    "design",
                    format!("design {key}: column '{col}' is already used by another design key"),
                );
            }
        }
    }
    let base = def.weighting.as_ref().and_then(|s| s.base_weight.as_deref());
    let design_weight = def.design.as_ref().and_then(|d| d.weight.as_deref());
    if let Some(base) = base {
        if design_weight != Some(base) {
            cx.top(
                "weighting",
                format!(
                    "base_weight: '{base}' must be the design weight column (design: {{weight: {base}}}); \
                     survey responses have no other starting weights"
                ),
            );
        }
    }
}

pub(super) fn check_report(cx: &mut Ctx) {
    let def = cx.def;
    for var in &def.report.breakdowns {
        if let Err(msg) = categorical(def, var) {
            cx.top("report", format!("breakdown {msg}"));
        }
    }
    if def.report.min_cell == 0 {
        cx.top("report", "min_cell must be at least 1");
    }
    if let Publish::Questions(ids) = &def.report.publish {
        for id in ids {
            if def.question(id).is_none() {
                cx.top("report", format!("publish lists '{id}', which is not a question"));
            }
        }
    }
}
