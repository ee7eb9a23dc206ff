//! Crosstabs: a question (rows) by a breakdown variable (columns).
//!
//! - **Column shares**: for each column category `j`, the shares of the row categories among those with
//!   `column = j` who answered both, exactly as [`super::shares`] on that domain (R `svyciprop` /
//!   `svymean` on `subset(design, !is.na(row) & !is.na(col) & col == j)`, i.e. `svyby`-style domains).
//! - **Test of independence**: Rao–Scott second-order corrected Pearson test, R
//!   `svychisq(~row + col, design, statistic = "F")`: with `P̂` the cell shares among complete cases,
//!   `V` their linearised covariance, `N` = all respondents of the design and the Pearson `X²` of the
//!   table `N·P̂`, `Δ = (C'D⁻¹C/N)⁻¹ (C'D⁻¹ V D⁻¹ C)` (`D = diag P̂`, `C` the interaction contrasts),
//!   `F = X²/tr Δ` on `d₀ = (tr Δ)²/tr Δ²` and `d₀·ν` degrees of freedom, `ν = #PSU − #strata` of the design.
//!   Categories with no weighted respondent among complete cases are left out (R would return NaN).
//!   A table whose test cannot be computed is reported as not testable with its reason ([`NotTestable`]),
//!   never as a number: fewer than two non-empty rows or columns, complete cases in a single PSU (no
//!   degrees of freedom), or a degenerate `Δ` — trace ≈ 0, or `d₀ < 1`, which for a positive semi-definite
//!   `Δ` cannot happen (`(Σλ)² ≥ Σλ²`) and so reveals negative eigenvalues from rounding (a question
//!   against itself gives a diagonal table with `tr Δ ≈ −1e-14` and `F ≈ −4e17`).
//! - **Cell flags**: for each cell, `p̂(row = k | col = j) − p̂(row = k | col ≠ j)` (the column against the
//!   rest of the table) tested by a design-based t test: the linearised SE of the difference (calibration
//!   and covariance of the two domains included) and `t` with `degf − 1` degrees of freedom of the
//!   complete cases — identical to the Wald test of the slope in R
//!   `svyglm(I(row == k) ~ I(col == j), subset(design, !is.na(row) & !is.na(col)))`. The p-values of all
//!   cells are adjusted by Benjamini–Hochberg (`q_value`); a cell is flagged when `q ≤ fdr`.

use serde::{Deserialize, Serialize};

use super::ci::{check_level, finite, sqrt_var};
use super::design::PreparedDesign;
use super::dist::{p_two_sided_t, pf_upper};
use super::linalg::solve_matrix;
use super::proportion::{check_column, shares_from_table, Proportion, ShareOptions, SuppressRule};
use super::variance::{share_covariance, variance, GroupTable, Linear};
use super::StatsError;

/// Options of a crosstab.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CrosstabOptions {
    pub shares: ShareOptions,
    /// False discovery rate for the cell flags (Benjamini–Hochberg), 0.05 by default.
    pub fdr: f64,
}

impl Default for CrosstabOptions {
    fn default() -> Self {
        CrosstabOptions {
            shares: ShareOptions::default(),
            fdr: 0.05,
        }
    }
}

/// Direction of a significant difference of a column from the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Higher,
    Lower,
}

/// One cell: the row category's share within the column, and its test against the other columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosstabCell {
    #[serde(flatten)]
    pub estimate: Proportion,
    /// `p̂(k | j) − p̂(k | not j)`.
    pub diff: Option<f64>,
    pub diff_se: Option<f64>,
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg adjusted p-value across all cells of the table.
    pub q_value: Option<f64>,
    pub flag: Option<Flag>,
}

/// One column (breakdown category).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrosstabColumn {
    pub category: usize,
    pub suppressed: bool,
    /// Respondents in this column who answered the row question.
    pub base_n: Option<u64>,
    pub effective_n: Option<f64>,
    pub df: Option<f64>,
    pub cells: Vec<CrosstabCell>,
}

/// Rao–Scott corrected test of independence (R `svychisq(statistic = "F")`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RaoScott {
    /// Pearson X² of the weighted table scaled to the number of respondents.
    pub chisq: f64,
    pub f: f64,
    pub ndf: f64,
    pub ddf: f64,
    pub p_value: f64,
}

/// Why a table has no test of independence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotTestable {
    /// No respondent with a positive weight answered both.
    NoAnswers,
    /// Fewer than two rows with a respondent among complete cases.
    SingleRow,
    /// Fewer than two columns with a respondent among complete cases.
    SingleColumn,
    /// The complete cases lie in a single PSU (or the design has no degrees of freedom).
    OnePsu,
    /// A stratum with a single PSU makes the variance inestimable (`LonelyPsu::Fail`).
    LonelyPsu,
    /// The design-effect matrix `Δ` is degenerate (trace ≈ 0 or not positive semi-definite).
    DegenerateDesign,
    /// The question is the breakdown variable itself (set by reports).
    SameVariable,
    /// The breakdown is derived from the question, the question from the breakdown, or both from the
    /// same question (set by reports).
    DerivedVariable,
}

impl NotTestable {
    /// The snake-case name used in the JSON and as a message id suffix.
    pub fn name(self) -> &'static str {
        match self {
            NotTestable::NoAnswers => "no_answers",
            NotTestable::SingleRow => "single_row",
            NotTestable::SingleColumn => "single_column",
            NotTestable::OnePsu => "one_psu",
            NotTestable::LonelyPsu => "lonely_psu",
            NotTestable::DegenerateDesign => "degenerate_design",
            NotTestable::SameVariable => "same_variable",
            NotTestable::DerivedVariable => "derived_variable",
        }
    }
}

/// A crosstab with its test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crosstab {
    /// Respondents who answered both.
    pub n: u64,
    pub method: super::CiMethod,
    pub level: f64,
    pub fdr: f64,
    pub columns: Vec<CrosstabColumn>,
    pub test: Option<RaoScott>,
    /// Why `test` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_testable: Option<NotTestable>,
}

impl Crosstab {
    /// Suppresses columns whose base is below `min_cell` (and, with [`SuppressRule::BaseOrCount`], cells
    /// with fewer respondents); suppressed cells lose their estimates and tests.
    pub fn suppress_small(&mut self, min_cell: u64, rule: SuppressRule) {
        for col in &mut self.columns {
            let whole = col.base_n.is_some_and(|n| n < min_cell);
            if whole {
                col.suppressed = true;
                col.base_n = None;
                col.effective_n = None;
                col.df = None;
            }
            for cell in &mut col.cells {
                let small = rule == SuppressRule::BaseOrCount && cell.estimate.n.is_some_and(|n| n < min_cell);
                if whole || small {
                    cell.estimate.suppress();
                    cell.diff = None;
                    cell.diff_se = None;
                    cell.p_value = None;
                    cell.q_value = None;
                    cell.flag = None;
                }
            }
        }
    }
}

/// Crosstab of `row` (categories `0..n_rows`) by `col` (categories `0..n_cols`).
pub fn crosstab(
    prep: &PreparedDesign,
    row: &[Option<usize>],
    n_rows: usize,
    col: &[Option<usize>],
    n_cols: usize,
    opts: &CrosstabOptions,
) -> Result<Crosstab, StatsError> {
    check_level(opts.shares.level)?;
    check_column(prep, row.len(), "crosstab row variable")?;
    check_column(prep, col.len(), "crosstab column variable")?;
    for (x, k) in [(row, n_rows), (col, n_cols)] {
        if let Some(index) = x.iter().position(|v| v.is_some_and(|v| v >= k)) {
            return Err(StatsError::CategoryOutOfRange {
                index,
                value: x[index].unwrap_or_default(),
                categories: k,
            });
        }
    }
    let (r, c) = (n_rows, n_cols);
    // groups: 0 = not both answered; 1 + k + r·j = cell (k, j)
    let t = GroupTable::build(prep, r * c + 1, |i| match (row[i], col[i]) {
        (Some(k), Some(j)) => 1 + k + r * j,
        _ => 0,
    });
    Ok(crosstab_from_table(prep, &t, r, c, opts))
}

/// The crosstab of a table whose groups are `0` = not both answered, `1 + k + r·j` = cell (k, j).
pub(crate) fn crosstab_from_table(
    prep: &PreparedDesign,
    t: &GroupTable,
    r: usize,
    c: usize,
    opts: &CrosstabOptions,
) -> Crosstab {
    let both = |g: usize| g >= 1;
    let n_both = t.count(both);
    let df_both = t.domain_df(prep, both);
    let mut columns: Vec<CrosstabColumn> = (0..c).map(|j| column(prep, t, r, j, &opts.shares, df_both)).collect();
    adjust_bh(&mut columns, opts.fdr);
    let test = rao_scott(prep, t, r, c, df_both);
    Crosstab {
        n: n_both,
        method: opts.shares.method,
        level: opts.shares.level,
        fdr: opts.fdr,
        columns,
        test: test.ok(),
        not_testable: test.err(),
    }
}

fn column(
    prep: &PreparedDesign,
    t: &GroupTable,
    r: usize,
    j: usize,
    opts: &ShareOptions,
    df_both: f64,
) -> CrosstabColumn {
    // this column's cells against everything else: the shares of a variable within the domain col = j
    let in_col = |g: usize| g > r * j && g <= r * (j + 1);
    let reduced = t.regroup(r + 1, |g| if in_col(g) { g - r * j } else { 0 });
    let shares = shares_from_table(prep, &reduced, r, opts, |_| true);
    let cells = shares
        .categories
        .into_iter()
        .enumerate()
        .map(|(k, estimate)| {
            let (diff, diff_se, p_value) = cell_test(prep, t, r, k, j, df_both - 1.0);
            CrosstabCell {
                estimate,
                diff,
                diff_se,
                p_value,
                q_value: None,
                flag: None,
            }
        })
        .collect();
    CrosstabColumn {
        category: j,
        suppressed: false,
        base_n: shares.base_n,
        effective_n: shares.effective_n,
        df: shares.df,
        cells,
    }
}

type TestResult = (Option<f64>, Option<f64>, Option<f64>);

/// Difference of the share of row `k` in column `j` and in all other columns, with its design-based t test.
fn cell_test(prep: &PreparedDesign, t: &GroupTable, r: usize, k: usize, j: usize, df: f64) -> TestResult {
    // groups: 0 outside, 1 = (k, j), 2 = (not k, j), 3 = (k, not j), 4 = (not k, not j)
    let reduced = t.regroup(5, |g| {
        if g == 0 {
            return 0;
        }
        let (row, col) = ((g - 1) % r, (g - 1) / r);
        1 + usize::from(row != k) + 2 * usize::from(col != j)
    });
    let w = reduced.group_totals(&reduced.t1);
    let (w_in, w_out) = (w[1] + w[2], w[3] + w[4]);
    if !(w_in > 0.0 && w_out > 0.0) {
        return (None, None, None);
    }
    let (p1, p2) = (w[1] / w_in, w[3] / w_out);
    let alpha = [0.0, (1.0 - p1) / w_in, -p1 / w_in, -(1.0 - p2) / w_out, p2 / w_out];
    let lin = Linear {
        alpha: &alpha,
        beta: None,
    };
    let se = sqrt_var(variance(prep, &reduced, &lin, true));
    let diff = p1 - p2;
    let p = se
        .filter(|s| *s > 0.0)
        .and_then(|s| finite(p_two_sided_t(diff / s, df)));
    (Some(diff), se, p)
}

/// Benjamini–Hochberg step-up adjustment over every cell with a p-value.
fn adjust_bh(columns: &mut [CrosstabColumn], fdr: f64) {
    let mut ps: Vec<(f64, usize, usize)> = Vec::new();
    for (ci, col) in columns.iter().enumerate() {
        for (ki, cell) in col.cells.iter().enumerate() {
            if let Some(p) = cell.p_value {
                ps.push((p, ci, ki));
            }
        }
    }
    let q = benjamini_hochberg(&ps.iter().map(|x| x.0).collect::<Vec<_>>());
    for ((_, ci, ki), qv) in ps.iter().zip(q) {
        let cell = &mut columns[*ci].cells[*ki];
        cell.q_value = Some(qv);
        if qv <= fdr {
            cell.flag = cell.diff.map(|d| if d > 0.0 { Flag::Higher } else { Flag::Lower });
        }
    }
}

/// Benjamini–Hochberg adjusted p-values (R `p.adjust(p, "BH")`), in input order.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|a, b| p[*b].total_cmp(&p[*a])); // descending
    let mut out = vec![0.0; m];
    let mut running = 1.0f64;
    for (rank_from_top, idx) in order.iter().enumerate() {
        let rank = (m - rank_from_top) as f64; // 1-based rank in ascending order
        running = running.min(p[*idx] * m as f64 / rank);
        out[*idx] = running.min(1.0);
    }
    out
}

/// `svychisq(~row + col, design, statistic = "F")`.
/// `df_both`: degrees of freedom of the complete cases (0 when they all lie in one PSU).
fn rao_scott(prep: &PreparedDesign, t: &GroupTable, r: usize, c: usize, df_both: f64) -> Result<RaoScott, NotTestable> {
    let m = r * c;
    let w: f64 = t.sum(&t.t1, |g| g >= 1);
    if w.is_nan() || w <= 0.0 {
        return Err(NotTestable::NoAnswers);
    }
    let p: Vec<f64> = t.group_totals(&t.t1)[1..].iter().map(|x| x / w).collect();
    let row_w: Vec<f64> = (0..r).map(|k| (0..c).map(|j| p[k + r * j]).sum()).collect();
    let col_w: Vec<f64> = (0..c).map(|j| (0..r).map(|k| p[k + r * j]).sum()).collect();
    let rows: Vec<usize> = (0..r).filter(|k| row_w[*k] > 0.0).collect();
    let cols: Vec<usize> = (0..c).filter(|j| col_w[*j] > 0.0).collect();
    let (rr, cc) = (rows.len(), cols.len());
    if rr < 2 {
        return Err(NotTestable::SingleRow);
    }
    if cc < 2 {
        return Err(NotTestable::SingleColumn);
    }
    if prep.df <= 0.0 || df_both <= 0.0 {
        return Err(NotTestable::OnePsu);
    }
    let v_full = share_covariance(prep, t, &p, w).ok_or(NotTestable::LonelyPsu)?;
    let n = prep.len() as f64;
    // kept cells in R's interaction order (rows vary fastest)
    let cells: Vec<usize> = cols.iter().flat_map(|j| rows.iter().map(move |k| k + r * j)).collect();
    let mk = cells.len();
    let pk: Vec<f64> = cells.iter().map(|a| p[*a]).collect();
    let mut chisq = 0.0;
    for (ji, j) in cols.iter().enumerate() {
        for (ki, k) in rows.iter().enumerate() {
            let e = row_w[*k] * col_w[*j];
            let o = pk[ki + rr * ji];
            chisq += n * (o - e) * (o - e) / e;
        }
    }
    // interaction contrasts C (mk × q): (1[row = k'] − 1/r)(1[col = j'] − 1/c)
    let q = (rr - 1) * (cc - 1);
    let mut cm = vec![0.0; mk * q];
    for ji in 0..cc {
        for ki in 0..rr {
            let a = ki + rr * ji;
            for jp in 0..cc - 1 {
                for kp in 0..rr - 1 {
                    let rk = f64::from(u8::from(ki == kp)) - 1.0 / rr as f64;
                    let cj = f64::from(u8::from(ji == jp)) - 1.0 / cc as f64;
                    cm[a * q + kp + (rr - 1) * jp] = rk * cj;
                }
            }
        }
    }
    let inv_p: Vec<f64> = pk.iter().map(|x| if *x == 0.0 { 0.0 } else { 1.0 / x }).collect();
    // D⁻¹C
    let mut dc = vec![0.0; mk * q];
    for a in 0..mk {
        for s in 0..q {
            dc[a * q + s] = inv_p[a] * cm[a * q + s];
        }
    }
    let mut denom = vec![0.0; q * q];
    let mut numr = vec![0.0; q * q];
    // V restricted to kept cells, times D⁻¹C
    let mut vdc = vec![0.0; mk * q];
    for a in 0..mk {
        for b in 0..mk {
            let v = v_full[cells[a] * m + cells[b]];
            if v == 0.0 {
                continue;
            }
            for s in 0..q {
                vdc[a * q + s] += v * dc[b * q + s];
            }
        }
    }
    for s in 0..q {
        for u in 0..q {
            let (mut d, mut nn) = (0.0, 0.0);
            for a in 0..mk {
                d += cm[a * q + s] * dc[a * q + u] / n;
                nn += dc[a * q + s] * vdc[a * q + u];
            }
            denom[s * q + u] = d;
            numr[s * q + u] = nn;
        }
    }
    let delta = solve_matrix(&denom, &numr, q);
    let tr: f64 = (0..q).map(|s| delta[s * q + s]).sum();
    let tr2: f64 = (0..q)
        .flat_map(|s| (0..q).map(move |u| (s, u)))
        .map(|(s, u)| delta[s * q + u] * delta[u * q + s])
        .sum();
    // Δ's eigenvalues are design effects of order 1: a trace below 1e-8 per contrast is zero up to rounding.
    if !(tr.is_finite() && tr > 1e-8 * q as f64 && tr2.is_finite() && tr2 > 0.0) {
        return Err(NotTestable::DegenerateDesign);
    }
    let d0 = tr * tr / tr2;
    if !(d0 >= 1.0 - 1e-6 && d0 <= q as f64 * (1.0 + 1e-6)) {
        return Err(NotTestable::DegenerateDesign);
    }
    let f = chisq / tr;
    let ddf = d0 * prep.df;
    let p_value = pf_upper(f, d0, ddf);
    if f.is_finite() && f >= 0.0 && ddf > 0.0 && (0.0..=1.0).contains(&p_value) {
        Ok(RaoScott {
            chisq,
            f,
            ndf: d0,
            ddf,
            p_value,
        })
    } else {
        Err(NotTestable::DegenerateDesign)
    }
}
