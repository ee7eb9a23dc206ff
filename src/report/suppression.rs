//! Complementary suppression of breakdowns. The all-respondents figures are the total of a breakdown's
//! categories, so a single category hidden for `min_cell` could be recovered by subtraction (its count
//! from the total's base less the other bases; its shares and mean likewise, from the counts). When a
//! breakdown has exactly one such category, the next-smallest published category is hidden too, with the
//! reason `complementary` (rule and reference in `stats::suppression`). A scale's mean is protected the
//! same way on its own (it can be hidden while the shares are shown).
//!
//! A two-way breakdown `a*b` is a table whose rows (the categories of `a`) and columns (those of `b`)
//! have published totals in the one-way breakdowns, so it is protected as a table: every row and every
//! column ends with no hidden cell or with at least two.

use crate::stats::suppression::{complement_table, Cell};

use super::{Breakdown, Estimates, OptionEstimate, SuppressedReason};

/// How a category's estimates stand for disclosure.
fn cell(e: &Estimates) -> Cell {
    match (e.suppressed, e.suppressed_reason) {
        (false, _) => Cell::Published(e.base_n.unwrap_or(0)),
        (true, Some(SuppressedReason::NoAnswers)) => Cell::Empty,
        (true, Some(SuppressedReason::Complementary)) => Cell::Complementary,
        (true, _) => Cell::Primary,
    }
}

/// How a category's mean stands for disclosure.
fn mean_cell(e: &Estimates) -> Cell {
    if e.suppressed {
        return cell(e);
    }
    if e.mean.is_some() {
        return Cell::Published(e.mean_n.or(e.base_n).unwrap_or(0));
    }
    match e.mean_suppressed_reason {
        Some(SuppressedReason::MinCell) => Cell::Primary,
        Some(SuppressedReason::Complementary) => Cell::Complementary,
        Some(SuppressedReason::NoAnswers) | None => Cell::Empty,
    }
}

/// Hides every number of `e`, saying it is hidden to protect another category.
fn withhold(e: &mut Estimates) {
    let why = Some(SuppressedReason::Complementary);
    let options = std::mem::take(&mut e.options)
        .into_iter()
        .map(|o| OptionEstimate {
            suppressed: true,
            suppressed_reason: why,
            n: None,
            share: None,
            se: None,
            se_fixed: None,
            ci_low: None,
            ci_high: None,
            deff: None,
            flag: None,
            q_value: None,
            ..o
        })
        .collect();
    *e = Estimates {
        suppressed: true,
        suppressed_reason: why,
        options,
        ..Estimates::default()
    };
}

/// Hides the mean of `e` (its shares stay), saying it is hidden to protect another category's mean.
fn withhold_mean(e: &mut Estimates) {
    e.mean = None;
    e.se = None;
    e.se_fixed = None;
    e.ci_low = None;
    e.ci_high = None;
    e.mean_n = None;
    e.mean_suppressed_reason = Some(SuppressedReason::Complementary);
}

/// Applies complementary suppression to the categories of `b`, whose total is `total`.
pub(super) fn complement(b: &mut Breakdown, total: &Estimates) {
    if total.suppressed {
        return;
    }
    let width = cross_width(b);
    let hide = |cells: Vec<Cell>| -> Vec<usize> {
        let mut table: Vec<Vec<Cell>> = cells.chunks(width).map(<[Cell]>::to_vec).collect();
        complement_table(&mut table, width > 1)
            .into_iter()
            .map(|(r, j)| r * width + j)
            .collect()
    };
    for j in hide(b.categories.iter().map(|c| cell(&c.estimates)).collect()) {
        withhold(&mut b.categories[j].estimates);
    }
    if total.mean.is_some() {
        for j in hide(b.categories.iter().map(|c| mean_cell(&c.estimates)).collect()) {
            withhold_mean(&mut b.categories[j].estimates);
        }
    }
}

/// The number of columns when `b` is a two-way breakdown (`a*b` codes, `a` varying slowest), else the
/// number of categories (one line).
fn cross_width(b: &Breakdown) -> usize {
    let n = b.categories.len();
    let one_line = n.max(1);
    if !b.variable.contains(super::domain::CROSS) {
        return one_line;
    }
    let first = |code: &str| code.split_once(super::domain::CROSS).map(|(a, _)| a.to_owned());
    let Some(a0) = b.categories.first().and_then(|c| first(&c.code)) else {
        return one_line;
    };
    let width = b
        .categories
        .iter()
        .take_while(|c| first(&c.code).as_deref() == Some(a0.as_str()))
        .count();
    let regular = width > 0
        && n.is_multiple_of(width)
        && b.categories.chunks(width).all(|row| {
            let a = first(&row[0].code);
            a.is_some() && row.iter().all(|c| first(&c.code) == a)
        });
    if regular {
        width
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::BreakdownCategory;

    fn option(code: &str, n: u64, share: f64) -> OptionEstimate {
        OptionEstimate {
            code: code.into(),
            label: code.into(),
            hard_to_say: false,
            suppressed: false,
            suppressed_reason: None,
            n: Some(n),
            share: Some(share),
            se: Some(0.05),
            se_fixed: Some(0.05),
            ci_low: Some(share - 0.1),
            ci_high: Some(share + 0.1),
            deff: Some(1.0),
            flag: None,
            q_value: None,
        }
    }

    fn shown(base: u64, mean_n: Option<u64>) -> Estimates {
        let yes = base / 3;
        Estimates {
            base_n: Some(base),
            effective_n: Some(base as f64),
            options: vec![
                option("y", yes, yes as f64 / base as f64),
                option("n", base - yes, 1.0 - yes as f64 / base as f64),
            ],
            mean: mean_n.map(|_| 2.5),
            se: mean_n.map(|_| 0.1),
            ci_low: mean_n.map(|_| 2.3),
            ci_high: mean_n.map(|_| 2.7),
            mean_n,
            mean_suppressed_reason: match mean_n {
                None => Some(SuppressedReason::MinCell),
                Some(_) => None,
            },
            ..Estimates::default()
        }
    }

    fn hidden(why: SuppressedReason) -> Estimates {
        Estimates {
            suppressed: true,
            suppressed_reason: Some(why),
            ..Estimates::default()
        }
    }

    fn breakdown(cats: Vec<Estimates>) -> Breakdown {
        Breakdown {
            variable: "area".into(),
            test: None,
            not_testable: None,
            categories: cats
                .into_iter()
                .enumerate()
                .map(|(j, estimates)| BreakdownCategory {
                    code: format!("c{j}"),
                    label: format!("c{j}"),
                    estimates,
                })
                .collect(),
        }
    }

    fn reasons(b: &Breakdown) -> Vec<Option<SuppressedReason>> {
        b.categories.iter().map(|c| c.estimates.suppressed_reason).collect()
    }

    #[test]
    fn one_small_category_hides_the_next_smallest_with_its_options() {
        let total = shown(90, Some(90));
        let mut b = breakdown(vec![
            shown(40, Some(40)),
            hidden(SuppressedReason::MinCell),
            shown(12, Some(12)),
            shown(30, Some(30)),
        ]);
        complement(&mut b, &total);
        assert_eq!(
            reasons(&b),
            vec![
                None,
                Some(SuppressedReason::MinCell),
                Some(SuppressedReason::Complementary),
                None
            ]
        );
        let e = &b.categories[2].estimates;
        assert!(e.suppressed && e.base_n.is_none() && e.mean.is_none() && e.effective_n.is_none());
        assert_eq!(e.options.len(), 2);
        for o in &e.options {
            assert!(o.suppressed && o.n.is_none() && o.share.is_none() && o.ci_low.is_none() && o.deff.is_none());
            assert_eq!(o.suppressed_reason, Some(SuppressedReason::Complementary));
        }
        // The others keep every number.
        assert_eq!(b.categories[0].estimates.options[0].n, Some(13));
        assert_eq!(b.categories[3].estimates.mean, Some(2.5));
    }

    #[test]
    fn empty_categories_and_two_small_ones_need_no_more() {
        let total = shown(90, Some(90));
        let mut b = breakdown(vec![
            shown(40, Some(40)),
            hidden(SuppressedReason::MinCell),
            hidden(SuppressedReason::NoAnswers),
            hidden(SuppressedReason::MinCell),
        ]);
        let before = reasons(&b);
        complement(&mut b, &total);
        assert_eq!(reasons(&b), before);
        let mut b = breakdown(vec![
            shown(40, Some(40)),
            hidden(SuppressedReason::NoAnswers),
            shown(30, Some(30)),
        ]);
        complement(&mut b, &total);
        assert_eq!(reasons(&b), vec![None, Some(SuppressedReason::NoAnswers), None]);
    }

    #[test]
    fn a_hidden_mean_hides_the_next_smallest_mean_only() {
        let total = shown(90, Some(80));
        let mut b = breakdown(vec![shown(40, Some(38)), shown(25, None), shown(25, Some(22))]);
        complement(&mut b, &total);
        assert_eq!(reasons(&b), vec![None, None, None], "the shares stay");
        let means: Vec<_> = b
            .categories
            .iter()
            .map(|c| (c.estimates.mean, c.estimates.mean_suppressed_reason))
            .collect();
        assert_eq!(
            means,
            vec![
                (Some(2.5), None),
                (None, Some(SuppressedReason::MinCell)),
                (None, Some(SuppressedReason::Complementary)),
            ]
        );
        let e = &b.categories[2].estimates;
        assert!(e.se.is_none() && e.ci_low.is_none() && e.ci_high.is_none() && e.mean_n.is_none());
        assert_eq!(e.options[0].share, Some(8.0 / 25.0));
    }

    #[test]
    fn a_two_way_breakdown_is_protected_by_rows_and_columns() {
        // north*f, north*m, south*f, south*m with one small cell: its row and its column each need a
        // second hidden cell, and then the fourth cell completes the rectangle.
        let total = shown(200, None);
        let mut b = breakdown(vec![
            hidden(SuppressedReason::MinCell),
            shown(40, None),
            shown(30, None),
            shown(120, None),
        ]);
        b.variable = "district*sex".into();
        for (c, code) in b
            .categories
            .iter_mut()
            .zip(["north*f", "north*m", "south*f", "south*m"])
        {
            c.code = code.into();
        }
        complement(&mut b, &total);
        let c = Some(SuppressedReason::Complementary);
        assert_eq!(reasons(&b), vec![Some(SuppressedReason::MinCell), c, c, c]);
        // As one line, a single further cell would have been enough.
        let mut line = breakdown(vec![
            hidden(SuppressedReason::MinCell),
            shown(40, None),
            shown(30, None),
            shown(120, None),
        ]);
        complement(&mut line, &total);
        assert_eq!(reasons(&line), vec![Some(SuppressedReason::MinCell), None, c, None]);
    }

    #[test]
    fn a_suppressed_total_publishes_no_margin() {
        let total = hidden(SuppressedReason::MinCell);
        let mut b = breakdown(vec![hidden(SuppressedReason::MinCell), shown(12, None)]);
        complement(&mut b, &total);
        assert_eq!(reasons(&b), vec![Some(SuppressedReason::MinCell), None]);
    }
}
