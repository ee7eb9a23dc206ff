//! Per-question estimation of a summary: each published question's column, its estimates over the
//! whole sample and by every breakdown category, in the summary's types.

use crate::definition::{Definition, Question};
use crate::stats::{self, PreparedDesign, ShareOptions, SuppressRule};

use super::columns::{self, Column, Columns};
use super::{
    Breakdown, BreakdownCategory, Estimates, Labelled, OptionEstimate, QuestionSummary, QuestionType, ReportError,
    RowSummary, SuppressedReason, LEVEL,
};

/// Everything the per-question estimation needs. The design declares the breakdown variables, so each
/// question is summarized with all its breakdowns in one pass over the respondents (`stats::summarize_*`).
pub(super) struct Ctx<'a> {
    pub(super) prep: &'a PreparedDesign,
    pub(super) cols: &'a Columns<'a>,
    pub(super) lang: &'a str,
    pub(super) share_opts: ShareOptions,
    pub(super) min_cell: u64,
    pub(super) by: &'a [String],
    /// Categories of each breakdown variable, and each respondent's category (for masked medians).
    pub(super) by_levels: Vec<(Vec<Labelled>, Vec<Option<usize>>)>,
    /// Why the question with this id must not be broken down by breakdown `b` (`related(id)[b]`).
    pub(super) related: &'a (dyn Fn(&str) -> Vec<Option<stats::NotTestable>> + Sync),
}

impl Ctx<'_> {
    /// Every question's summary, in order. Questions are independent, so they are shared out over the
    /// cores (each thread builds one question's column at a time, so memory stays a few columns).
    pub(super) fn questions(&self, qs: &[&Question]) -> Result<Vec<QuestionSummary>, ReportError> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(qs.len());
        if threads <= 1 {
            return Ok(qs
                .iter()
                .map(|q| self.entries(q))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect());
        }
        // The costliest questions first, so no thread is left with a long one at the end.
        let mut order: Vec<usize> = (0..qs.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(cost(qs[k])));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut out: Vec<Option<Result<Vec<QuestionSummary>, ReportError>>> = (0..qs.len()).map(|_| None).collect();
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&k) = order.get(k) else { break };
                            done.push((k, self.entries(qs[k])));
                        }
                        done
                    })
                })
                .collect();
            for w in workers {
                match w.join() {
                    Ok(done) => done.into_iter().for_each(|(k, r)| out[k] = Some(r)),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        });
        let entries = out.into_iter().flatten().collect::<Result<Vec<_>, _>>()?;
        Ok(entries.into_iter().flatten().collect())
    }

    /// A question's summary, followed by that of its coded "other, specify" texts when it has them.
    fn entries(&self, q: &Question) -> Result<Vec<QuestionSummary>, ReportError> {
        let mut out = vec![self.question(q)?];
        if let Some(other) = self.coded_other(q)? {
            out.push(other);
        }
        Ok(out)
    }

    /// The coded "other, specify" texts of a choice question with a codebook, as a multiple-choice entry
    /// with id `{question}.other` and the question's text followed by the "other" label.
    fn coded_other(&self, q: &Question) -> Result<Option<QuestionSummary>, ReportError> {
        let Some((column, count)) = self.cols.coded_other(q, self.lang) else {
            return Ok(None);
        };
        let (estimates, mut breakdowns) = self.summarize(&column)?;
        breakdowns
            .iter_mut()
            .for_each(|b| super::suppression::complement(b, &estimates));
        let other = q
            .kind
            .as_type()
            .choices()
            .last()
            .map(|o| o.label.get(self.lang).to_owned());
        let text = q.text.get(self.lang);
        Ok(Some(QuestionSummary {
            id: format!("{}.other", q.id),
            kind: QuestionType::MultipleChoice,
            text: match other {
                Some(o) => format!("{text} — {o}"),
                None => text.to_owned(),
            },
            track: None,
            coding: Some(count),
            estimates,
            rows: Vec::new(),
            breakdowns,
            balance: None,
            index: None,
        }))
    }

    fn question(&self, q: &Question) -> Result<QuestionSummary, ReportError> {
        if let Some((column, count)) = self.cols.coded_text(q, self.lang) {
            let (estimates, mut breakdowns) = self.summarize(&column)?;
            breakdowns
                .iter_mut()
                .for_each(|b| super::suppression::complement(b, &estimates));
            return Ok(QuestionSummary {
                id: q.id.clone(),
                kind: QuestionType::of(&q.kind),
                text: q.text.get(self.lang).to_owned(),
                track: q.track.clone(),
                coding: Some(count),
                estimates,
                rows: Vec::new(),
                breakdowns,
                balance: None,
                index: None,
            });
        }
        let column = self.cols.question(q, self.lang);
        let (estimates, rows, breakdowns) = match &column {
            Column::Matrix(rows) => {
                let mut out = Vec::new();
                for (code, label, row) in rows {
                    let (estimates, breakdowns) = self.summarize(row)?;
                    out.push(RowSummary {
                        code: code.clone(),
                        label: label.clone(),
                        n: match row {
                            Column::Numeric(_) => estimates.mean_n,
                            _ => None,
                        },
                        estimates,
                        breakdowns,
                    });
                }
                let base = rows.first().map(|(_, _, r)| r.answered()).unwrap_or(0);
                (self.counted(base), out, Vec::new())
            }
            other => {
                let (e, b) = self.summarize(other)?;
                (e, Vec::new(), b)
            }
        };
        let balance = self.balance(q, &column)?;
        let related = (self.related)(&q.id);
        let unrelated = |mut breakdowns: Vec<Breakdown>, total: &Estimates| {
            for (b, why) in breakdowns.iter_mut().zip(&related) {
                super::suppression::complement(b, total);
                if let Some(why) = why {
                    // A question by itself (or by a variable computed from it) only restates its own answers.
                    *b = Breakdown {
                        variable: b.variable.clone(),
                        test: None,
                        not_testable: Some(*why),
                        categories: Vec::new(),
                    };
                }
            }
            breakdowns
        };
        let breakdowns = unrelated(breakdowns, &estimates);
        let rows = rows
            .into_iter()
            .map(|r| RowSummary {
                breakdowns: unrelated(r.breakdowns, &r.estimates),
                ..r
            })
            .collect();
        Ok(QuestionSummary {
            id: q.id.clone(),
            kind: QuestionType::of(&q.kind),
            text: q.text.get(self.lang).to_owned(),
            track: q.track.clone(),
            coding: None,
            estimates,
            rows,
            breakdowns,
            balance,
            index: None,
        })
    }

    fn crosstab_opts(&self) -> stats::CrosstabOptions {
        stats::CrosstabOptions {
            shares: self.share_opts,
            fdr: 0.05,
        }
    }

    /// Base only (text, date, matrix header).
    fn counted(&self, n: u64) -> Estimates {
        if n < self.min_cell || n == 0 {
            return suppressed(Some(n));
        }
        Estimates {
            base_n: Some(n),
            ..Estimates::default()
        }
    }

    /// The whole-sample estimates of a column and its breakdowns.
    fn summarize(&self, column: &Column) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        match column {
            Column::Categorical { codes, values, numeric } => self.categorical(codes, values, numeric.as_deref()),
            Column::Multiple { codes, chosen } => self.multiple(codes, chosen),
            Column::Numeric(y) => self.numeric(y),
            Column::Answered(flags) => {
                let total = self.counted(count(flags, None));
                let breakdowns =
                    self.each_breakdown(|_, values, j| Ok(self.counted(count(flags, Some((values, j))))))?;
                Ok((total, breakdowns.into_iter().map(|(b, _)| b).collect()))
            }
            Column::Matrix(_) => Ok((Estimates::default(), Vec::new())),
        }
    }

    /// Runs `f(breakdown index, respondents' categories, category j)` for every category of every breakdown.
    pub(super) fn each_breakdown(
        &self,
        f: impl Fn(usize, &[Option<usize>], usize) -> Result<Estimates, ReportError>,
    ) -> Result<Vec<(Breakdown, usize)>, ReportError> {
        let mut out = Vec::new();
        for (b, (var, (levels, values))) in self.by.iter().zip(&self.by_levels).enumerate() {
            let mut categories = Vec::new();
            for (j, level) in levels.iter().enumerate() {
                categories.push(BreakdownCategory {
                    code: level.code.clone(),
                    label: level.label.clone(),
                    estimates: f(b, values, j)?,
                });
            }
            out.push((
                Breakdown {
                    variable: var.clone(),
                    test: None,
                    not_testable: None,
                    categories,
                },
                b,
            ));
        }
        Ok(out)
    }

    fn categorical(
        &self,
        codes: &[columns::Code],
        values: &[Option<usize>],
        numeric: Option<&[Option<f64>]>,
    ) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        let mut sum = stats::summarize_categorical(self.prep, values, codes.len(), &self.crosstab_opts())?;
        let answered = sum.shares.base_n;
        sum.shares.suppress_small(self.min_cell, SuppressRule::Base);
        let mut total = shares_estimates(&sum.shares, codes, answered);
        let means = match numeric {
            Some(y) => Some(stats::summarize_numeric(self.prep, y, &[], LEVEL)?),
            None => None,
        };
        if let Some(m) = &means {
            set_mean(&mut total, m.mean.clone(), self.min_cell);
        }
        let mut breakdowns = Vec::new();
        for (b, tab) in sum.crosstabs.iter_mut().enumerate() {
            tab.suppress_small(self.min_cell, SuppressRule::Base);
            let (levels, by_values) = &self.by_levels[b];
            let categories = levels
                .iter()
                .enumerate()
                .map(|(j, level)| {
                    let answered = count(values, Some((by_values, j)));
                    let mut e = column_estimates(tab, j, codes, answered);
                    if let Some(m) = means.as_ref().and_then(|m| m.by.get(b)).and_then(|by| by.get(j)) {
                        set_mean(&mut e, m.clone(), self.min_cell);
                    }
                    BreakdownCategory {
                        code: level.code.clone(),
                        label: level.label.clone(),
                        estimates: e,
                    }
                })
                .collect();
            breakdowns.push(Breakdown {
                variable: self.by[b].clone(),
                test: tab.test,
                not_testable: tab.not_testable,
                categories,
            });
        }
        Ok((total, breakdowns))
    }

    fn multiple(
        &self,
        codes: &[columns::Code],
        chosen: &[Vec<Option<bool>>],
    ) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        let refs: Vec<&[Option<bool>]> = chosen.iter().map(Vec::as_slice).collect();
        let mut total = stats::option_shares(self.prep, &refs, &self.share_opts)?;
        let answered = total.base_n;
        total.suppress_small(self.min_cell, SuppressRule::Base);
        let mut per_option = stats::summarize_options(self.prep, &refs, &self.crosstab_opts())?;
        for o in &mut per_option {
            o.crosstabs
                .iter_mut()
                .for_each(|t| t.suppress_small(self.min_cell, SuppressRule::Base));
        }
        let mut breakdowns = Vec::new();
        for (b, (levels, by_values)) in self.by_levels.iter().enumerate() {
            let categories = levels
                .iter()
                .enumerate()
                .map(|(j, level)| {
                    // Option k's share within category j is cell 1 ("chosen") of option k's crosstab column j.
                    let mut e = Estimates::default();
                    let answered = chosen.first().map_or(0, |c| count(c, Some((by_values, j))));
                    for (k, code) in codes.iter().enumerate() {
                        let col = per_option[k].crosstabs[b].columns.iter().find(|c| c.category == j);
                        if k == 0 {
                            e.base_n = col.and_then(|c| c.base_n);
                            e.effective_n = col.and_then(|c| c.effective_n);
                            e.suppressed = col.is_none_or(|c| c.suppressed) || e.base_n.is_none_or(|n| n == 0);
                            e.suppressed_reason = e.suppressed.then(|| SuppressedReason::of_count(Some(answered)));
                        }
                        let cell = col.and_then(|c| c.cells.get(1));
                        e.options.push(option_from_cell(code, cell, e.suppressed_reason));
                    }
                    BreakdownCategory {
                        code: level.code.clone(),
                        label: level.label.clone(),
                        estimates: e,
                    }
                })
                .collect();
            breakdowns.push(Breakdown {
                variable: self.by[b].clone(),
                test: None,
                not_testable: None,
                categories,
            });
        }
        Ok((shares_estimates(&total, codes, answered), breakdowns))
    }

    pub(super) fn numeric(&self, y: &[Option<f64>]) -> Result<(Estimates, Vec<Breakdown>), ReportError> {
        let sum = stats::summarize_numeric(self.prep, y, &[0.5], LEVEL)?;
        let median = sum.quantiles.first().cloned();
        let total = numeric_estimates(sum.mean.clone(), median, self.min_cell);
        // One buffer for the values of each category in turn (a million values per category otherwise).
        let masked = std::cell::RefCell::new(vec![None; y.len()]);
        let breakdowns = self.each_breakdown(|b, values, j| {
            let Some(mean) = sum.by.get(b).and_then(|by| by.get(j)).cloned() else {
                return Ok(suppressed(Some(count(y, Some((values, j))))));
            };
            let mut masked = masked.borrow_mut();
            for (m, (v, c)) in masked.iter_mut().zip(y.iter().zip(values)) {
                *m = if *c == Some(j) { *v } else { None };
            }
            let med = stats::median(self.prep, &masked, LEVEL)?;
            Ok(numeric_estimates(mean, Some(med), self.min_cell))
        })?;
        Ok((total, breakdowns.into_iter().map(|(b, _)| b).collect()))
    }
}

/// Why `question` must not be broken down by `breakdown`: it is the same variable, or one is derived from
/// the other, or both from the same question (its answers would only be restated, and the test of
/// independence is degenerate).
pub(super) fn relation(def: &Definition, question: &str, breakdown: &str) -> Option<stats::NotTestable> {
    if question == breakdown {
        return Some(stats::NotTestable::SameVariable);
    }
    (source(def, question) == source(def, breakdown)).then_some(stats::NotTestable::DerivedVariable)
}

/// The question a variable is ultimately computed from (itself for a question).
fn source<'a>(def: &'a Definition, mut id: &'a str) -> &'a str {
    // Derived variables form no cycles once validated; the bound keeps a bad definition from looping.
    for _ in 0..16 {
        match def.derived_variable(id) {
            Some(d) => id = &d.from,
            None => break,
        }
    }
    id
}

/// Rough relative cost of summarizing a question: numbers have a median per breakdown category, scales a
/// mean besides their shares, multiple choice a table per option.
fn cost(q: &Question) -> usize {
    q.kind.as_type().summary_cost()
}

/// Respondents with a value, optionally only those in category `j` of a breakdown.
fn count<T>(v: &[Option<T>], within: Option<(&[Option<usize>], usize)>) -> u64 {
    match within {
        None => v.iter().filter(|x| x.is_some()).count() as u64,
        Some((by, j)) => v.iter().zip(by).filter(|(x, c)| x.is_some() && **c == Some(j)).count() as u64,
    }
}

/// Estimates with no numbers, saying why: `answered` respondents are too few (or none).
fn suppressed(answered: Option<u64>) -> Estimates {
    Estimates {
        suppressed: true,
        suppressed_reason: Some(SuppressedReason::of_count(answered)),
        ..Estimates::default()
    }
}

pub(super) fn numeric_estimates(
    mut m: stats::MeanEstimate,
    median: Option<stats::QuantileEstimate>,
    min_cell: u64,
) -> Estimates {
    let answered = m.n;
    m.suppress_small(min_cell);
    if m.suppressed || m.mean.is_none() {
        return suppressed(answered);
    }
    let mut med = median;
    if let Some(q) = med.as_mut() {
        q.suppress_small(min_cell);
    }
    let med = med.filter(|q| !q.suppressed);
    Estimates {
        base_n: m.n,
        effective_n: m.effective_n,
        suppressed: false,
        mean: m.mean,
        se: m.se,
        se_fixed: m.se_fixed,
        ci_low: m.ci_low,
        ci_high: m.ci_high,
        mean_n: m.n,
        median: med.as_ref().and_then(|q| q.quantile),
        median_ci_low: med.as_ref().and_then(|q| q.ci_low),
        median_ci_high: med.as_ref().and_then(|q| q.ci_high),
        ..Estimates::default()
    }
}

/// A scale's mean (without "hard to say") onto its share estimates.
fn set_mean(e: &mut Estimates, mut m: stats::MeanEstimate, min_cell: u64) {
    let answered = m.n;
    m.suppress_small(min_cell);
    if e.suppressed {
        return;
    }
    if m.suppressed || m.mean.is_none() {
        e.mean_suppressed_reason = Some(SuppressedReason::of_count(answered));
        return;
    }
    e.mean = m.mean;
    e.se = m.se;
    e.se_fixed = m.se_fixed;
    e.ci_low = m.ci_low;
    e.ci_high = m.ci_high;
    e.mean_n = m.n;
}

/// Estimates of breakdown category `j` from a crosstab column (with significance flags).
/// `answered`: respondents of category `j` who answered the question.
fn column_estimates(tab: &stats::Crosstab, j: usize, codes: &[columns::Code], answered: u64) -> Estimates {
    let Some(col) = tab.columns.iter().find(|c| c.category == j) else {
        return suppressed(Some(answered));
    };
    if col.suppressed || col.base_n.is_none_or(|n| n == 0) {
        let mut e = suppressed(Some(answered));
        let why = e.suppressed_reason;
        e.options = codes.iter().map(|code| option_from_cell(code, None, why)).collect();
        return e;
    }
    Estimates {
        base_n: col.base_n,
        effective_n: col.effective_n,
        suppressed: false,
        options: codes
            .iter()
            .enumerate()
            .map(|(k, code)| option_from_cell(code, col.cells.get(k), None))
            .collect(),
        ..Estimates::default()
    }
}

/// `suppressed`: why the whole column is suppressed, if it is.
fn option_from_cell(
    code: &columns::Code,
    cell: Option<&stats::CrosstabCell>,
    suppressed: Option<SuppressedReason>,
) -> OptionEstimate {
    let p = cell.map(|c| &c.estimate);
    let reason = suppressed.or_else(|| {
        p.is_none_or(|p| p.suppressed || p.share.is_none())
            .then(|| SuppressedReason::of_count(p.and_then(|p| p.n)))
    });
    let blank = stats::Proportion::empty(0);
    // A suppressed cell publishes none of its figures.
    let shown = match (reason, p) {
        (None, Some(p)) => p,
        _ => &blank,
    };
    let flagged = cell.filter(|_| reason.is_none());
    OptionEstimate {
        flag: flagged.and_then(|c| c.flag),
        q_value: flagged.and_then(|c| c.q_value),
        ..OptionEstimate::of(code, shown, reason)
    }
}

impl OptionEstimate {
    /// The option `code` with the figures of its estimated proportion `p`, as computed (the one place a
    /// `stats::Proportion` becomes a summary's option).
    fn of(code: &columns::Code, p: &stats::Proportion, reason: Option<SuppressedReason>) -> OptionEstimate {
        OptionEstimate {
            code: code.code.clone(),
            label: code.label.clone(),
            hard_to_say: code.hard_to_say,
            suppressed: reason.is_some(),
            suppressed_reason: reason,
            n: p.n,
            share: p.share,
            se: p.se,
            se_fixed: p.se_fixed,
            ci_low: p.ci_low,
            ci_high: p.ci_high,
            deff: p.deff,
            flag: None,
            q_value: None,
        }
    }
}

/// `answered`: the base before suppression.
fn shares_estimates(s: &stats::Shares, codes: &[columns::Code], answered: Option<u64>) -> Estimates {
    let whole = (s.suppressed || s.base_n.is_none_or(|n| n == 0)).then(|| SuppressedReason::of_count(answered));
    let options = s
        .categories
        .iter()
        .zip(codes)
        .map(|(p, c)| {
            let reason = whole.or_else(|| (p.suppressed || p.share.is_none()).then(|| SuppressedReason::of_count(p.n)));
            OptionEstimate::of(c, p, reason)
        })
        .collect();
    Estimates {
        base_n: s.base_n,
        effective_n: s.effective_n,
        suppressed: whole.is_some(),
        suppressed_reason: whole,
        options,
        ..Estimates::default()
    }
}
