//! Shares of the categories of a single-choice variable and of the options of a multiple-choice question.
//!
//! For category `k` among those who answered (the domain `D`, weights `w`, `W = Σ_D w`):
//! - share `p̂_k = Σ_D w·1[y = k] / W` — R `svymean(~I(y == k), subset(design, !is.na(y)))`;
//! - SE by linearisation with `z_i = 1[i ∈ D]·(1[y_i = k] − p̂_k)/W`, keeping every respondent (zeros
//!   outside the domain) as R's domain estimation does ([`super::variance`]); `se_fixed` ignores the
//!   calibration (R on `svydesign(ids, strata, fpc, weights = ~final_weight)`);
//! - CI by [`CiMethod`] with the domain's degrees of freedom (R `svyciprop`, `df = degf(subset)`);
//! - `deff` as `svymean(deff = TRUE)`: `Var(p̂) / (p̂(1−p̂)·n/(n−1) · (Ŵ − n)/(Ŵ·n))`, `n` the domain's
//!   respondents with positive weight, `Ŵ = W`; `None` when `Ŵ ≤ n` (R returns NA/Inf: weights not scaled to a
//!   population);
//! - estimated population count `total = Σ_D w·1[y = k]` with its SE, R `svytotal(~I(y == k), …, na.rm = TRUE)`.
//!
//! "Hard to say" is excluded by passing the variable with that category mapped to `None`.

use serde::{Deserialize, Serialize};

use super::ci::{check_level, finite, proportion_ci, sqrt_var, CiMethod, PropCi};
use super::design::{kish, PreparedDesign, WeightingEffect};
use super::variance::{variance, GroupTable, Linear};
use super::StatsError;

/// Options shared by share estimates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ShareOptions {
    pub method: CiMethod,
    /// Confidence level, 0.95 by default.
    pub level: f64,
}

impl Default for ShareOptions {
    fn default() -> Self {
        ShareOptions {
            method: CiMethod::Logit,
            level: 0.95,
        }
    }
}

/// One category's (or option's) estimate. Every number is an `Option` so that a suppressed cell
/// physically carries none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proportion {
    /// Index of the category / option.
    pub category: usize,
    pub suppressed: bool,
    /// Respondents who chose it (unweighted).
    pub n: Option<u64>,
    pub share: Option<f64>,
    pub se: Option<f64>,
    /// SE ignoring the calibration adjustment (weights treated as fixed).
    pub se_fixed: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Design effect of this estimate, R `svymean(deff = TRUE)`.
    pub deff: Option<f64>,
    /// Estimated number in the population (sum of weights), with its SE.
    pub total: Option<f64>,
    pub total_se: Option<f64>,
}

impl Proportion {
    /// Removes every number and marks the cell suppressed.
    pub fn suppress(&mut self) {
        *self = Proportion {
            category: self.category,
            suppressed: true,
            ..Proportion::empty(self.category)
        };
    }

    pub(crate) fn empty(category: usize) -> Proportion {
        Proportion {
            category,
            suppressed: false,
            n: None,
            share: None,
            se: None,
            se_fixed: None,
            ci_low: None,
            ci_high: None,
            deff: None,
            total: None,
            total_se: None,
        }
    }
}

/// Shares of every category of one variable (or every option of a multiple-choice question).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shares {
    /// Respondents in the base (answered).
    pub base_n: Option<u64>,
    /// Sum of their weights.
    pub weighted_base: Option<f64>,
    /// Kish effective sample size of the base, `(Σw)²/Σw²`.
    pub effective_n: Option<f64>,
    /// Kish design effect due to weighting of the base, `n·Σw²/(Σw)²`.
    pub kish_deff: Option<f64>,
    /// Degrees of freedom used for the intervals (R `degf` of the domain).
    pub df: Option<f64>,
    pub method: CiMethod,
    pub level: f64,
    pub suppressed: bool,
    pub categories: Vec<Proportion>,
}

/// What decides that a cell is too small to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressRule {
    /// A share is suppressed when its base (respondents it is a share of) is below `min_cell`.
    #[default]
    Base,
    /// … or when fewer than `min_cell` respondents chose the category (stricter disclosure control).
    BaseOrCount,
}

impl Shares {
    /// Suppresses the whole set when the base is below `min_cell`, and single categories per `rule`.
    pub fn suppress_small(&mut self, min_cell: u64, rule: SuppressRule) {
        if self.base_n.is_some_and(|n| n < min_cell) {
            self.suppressed = true;
            self.base_n = None;
            self.weighted_base = None;
            self.effective_n = None;
            self.kish_deff = None;
            self.df = None;
            self.categories.iter_mut().for_each(Proportion::suppress);
            return;
        }
        if rule == SuppressRule::BaseOrCount {
            for c in &mut self.categories {
                if c.n.is_some_and(|n| n < min_cell) {
                    c.suppress();
                }
            }
        }
    }
}

/// Shares of the categories `0..n_categories` of `x` (`None` = not shown / not answered).
pub fn shares(
    prep: &PreparedDesign,
    x: &[Option<usize>],
    n_categories: usize,
    opts: &ShareOptions,
) -> Result<Shares, StatsError> {
    check_level(opts.level)?;
    let table = super::summary::categorical_table(prep, x, n_categories)?;
    Ok(shares_from_table(prep, &table, n_categories, opts, |_| true))
}

/// Shares of the options of a multiple-choice question: `options[k][i]` is `Some(true)` when respondent
/// `i` chose option `k`, `Some(false)` when not, `None` when the question was not shown / answered. Each
/// option is a yes/no variable with its own base (normally the same for all options).
pub fn option_shares(
    prep: &PreparedDesign,
    options: &[&[Option<bool>]],
    opts: &ShareOptions,
) -> Result<Shares, StatsError> {
    check_level(opts.level)?;
    let mut out: Option<Shares> = None;
    let mut categories = Vec::with_capacity(options.len());
    for (k, col) in options.iter().enumerate() {
        check_column(prep, col.len(), "multiple-choice option")?;
        let table = GroupTable::build(prep, 3, |i| match col[i] {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
        let mut s = shares_from_table(prep, &table, 2, opts, |k| k == 1);
        let mut chosen = s.categories.pop().unwrap_or_else(|| Proportion::empty(1));
        chosen.category = k;
        categories.push(chosen);
        if out.is_none() {
            out = Some(s);
        }
    }
    let mut s = out.unwrap_or(Shares {
        base_n: Some(0),
        weighted_base: None,
        effective_n: None,
        kish_deff: None,
        df: None,
        method: opts.method,
        level: opts.level,
        suppressed: false,
        categories: Vec::new(),
    });
    s.categories = categories;
    Ok(s)
}

pub(crate) fn check_column(prep: &PreparedDesign, len: usize, what: &'static str) -> Result<(), StatsError> {
    if len == prep.len() {
        Ok(())
    } else {
        Err(StatsError::LengthMismatch {
            what,
            got: len,
            expected: prep.len(),
        })
    }
}

/// Domain summary used by shares and crosstab columns.
pub(crate) struct DomainInfo {
    pub n: u64,
    pub n_pos: u64,
    pub w: f64,
    pub df: f64,
    pub nrow: f64,
    pub kish: WeightingEffect,
}

/// The domain made of groups `in_domain(g)`.
pub(crate) fn domain_info(prep: &PreparedDesign, t: &GroupTable, in_domain: &dyn Fn(usize) -> bool) -> DomainInfo {
    let n = t.count(in_domain);
    let w = t.sum(&t.t1, in_domain);
    let w2 = t.sum(&t.t2, in_domain);
    let n_pos = t.count_positive(in_domain);
    let kish = if n_pos > 0 && w > 0.0 {
        WeightingEffect {
            n: n_pos,
            deff: Some(n as f64 * w2 / (w * w)),
            effective_n: Some(w * w / w2),
        }
    } else {
        kish(std::iter::empty())
    };
    DomainInfo {
        n,
        n_pos,
        w,
        df: t.domain_df(prep, in_domain),
        nrow: if prep.is_calibrated() {
            prep.len() as f64
        } else {
            n as f64
        },
        kish,
    }
}

/// Shares of categories `0..k` stored as groups `1..=k` (group 0 and any other = outside), restricted to
/// the categories for which `report(k)` is true (all others are still in the base).
pub(crate) fn shares_from_table(
    prep: &PreparedDesign,
    t: &GroupTable,
    k: usize,
    opts: &ShareOptions,
    report: impl Fn(usize) -> bool,
) -> Shares {
    let in_dom = |g: usize| g >= 1 && g <= k;
    let dom = domain_info(prep, t, &in_dom);
    let categories = (0..k)
        .filter(|c| report(*c))
        .map(|c| share_in_domain(prep, t, &in_dom, 1 + c, c, &dom, opts))
        .collect();
    Shares {
        base_n: Some(dom.n),
        weighted_base: (dom.n > 0).then_some(dom.w),
        effective_n: dom.kish.effective_n,
        kish_deff: dom.kish.deff,
        df: (dom.n > 0).then_some(dom.df),
        method: opts.method,
        level: opts.level,
        suppressed: false,
        categories,
    }
}

/// Share of the groups `is_cat` within the domain `in_dom`.
pub(crate) fn share_in_domain(
    prep: &PreparedDesign,
    t: &GroupTable,
    in_dom: &dyn Fn(usize) -> bool,
    cat_group: usize,
    category: usize,
    dom: &DomainInfo,
    opts: &ShareOptions,
) -> Proportion {
    let n_k = t.count(|g| g == cat_group);
    let mut out = Proportion::empty(category);
    out.n = Some(n_k);
    let w_k = t.sum(&t.t1, |g| g == cat_group);
    // population count: z = 1[g = k]
    let ind: Vec<f64> = (0..t.g).map(|g| f64::from(u8::from(g == cat_group))).collect();
    let tot_lin = Linear {
        alpha: &ind,
        beta: None,
    };
    out.total = Some(w_k);
    out.total_se = sqrt_var(variance(prep, t, &tot_lin, true));
    if dom.n == 0 || dom.w <= 0.0 {
        return out;
    }
    let p = w_k / dom.w;
    let alpha: Vec<f64> = (0..t.g)
        .map(|g| if in_dom(g) { (ind[g] - p) / dom.w } else { 0.0 })
        .collect();
    let lin = Linear {
        alpha: &alpha,
        beta: None,
    };
    let var = variance(prep, t, &lin, true);
    out.share = Some(p);
    out.se = sqrt_var(var);
    out.se_fixed = sqrt_var(variance(prep, t, &lin, false));
    out.deff = deff_share(p, var, dom);
    let ci = proportion_ci(
        opts.method,
        &PropCi {
            p,
            var,
            df: dom.df,
            nrow: dom.nrow,
            kish_n: dom.kish.effective_n.unwrap_or(0.0),
            level: opts.level,
        },
    );
    out.ci_low = ci.map(|c| c.0);
    out.ci_high = ci.map(|c| c.1);
    out
}

/// `svymean(deff = TRUE)`: variance over the without-replacement SRS variance of the same size.
pub(crate) fn deff_share(p: f64, var: Option<f64>, dom: &DomainInfo) -> Option<f64> {
    deff_from_unit_variance(p * (1.0 - p), var, dom)
}

/// `v / (s² · n/(n−1) · (Ŵ − n)/(Ŵ n))` where `s²` is the weighted population variance of the domain.
pub(crate) fn deff_from_unit_variance(s2: f64, var: Option<f64>, dom: &DomainInfo) -> Option<f64> {
    let n = dom.n_pos as f64;
    if n < 2.0 || dom.w <= n {
        return None;
    }
    let vsrs = s2 * n / (n - 1.0) * (dom.w - n) / (dom.w * n);
    finite(var? / vsrs)
}
