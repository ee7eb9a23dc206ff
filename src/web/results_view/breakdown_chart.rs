//! The breakdown of a question drawn as a chart, beside its table.

use super::{dom_id, number_axis, scale_axis, share_input, t, Ctx};
use crate::chart::{self, DotInput, ShareInput};
use crate::report::{Breakdown, Estimates, QuestionSummary};
use crate::web::chart_text;
use crate::web::view_format::{num, pct};

/// A breakdown drawn as means by category or as shares by category.
pub(super) enum BreakdownChart {
    Dots(chart::DotChart),
    Bars(chart::BarChart),
}

impl Ctx<'_> {
    /// The breakdown as a chart, so that it is seen and not only read from the table: the mean by category
    /// (dots with 95% intervals) when the question has a mean, else each option's share by category (bars
    /// with intervals, grouped by category). The first group is all respondents; suppressed cells stay empty.
    pub(super) fn breakdown_chart(&self, q: &QuestionSummary, b: &Breakdown, label: &str) -> Option<BreakdownChart> {
        let tx = &self.tx;
        let groups: Vec<(&str, &Estimates)> = std::iter::once((t(tx, "all_respondents"), &q.estimates))
            .chain(b.categories.iter().map(|c| (c.label.as_str(), &c.estimates)))
            .collect();
        let id = format!("{}-by", dom_id("q", &q.id));
        let title = format!("{} — {}: {}", q.text, t(tx, "breakdown"), label);
        if q.estimates.mean.is_some() {
            let (min, max, ticks, decimals) = match scale_axis(self.def, &q.id) {
                Some((a, b, t)) => (a, b, t, 2),
                None => {
                    let axes: Vec<(f64, f64, Vec<f64>)> = groups.iter().map(|(_, e)| number_axis(e)).collect();
                    let low = axes.iter().map(|a| a.0).fold(0.0_f64, f64::min);
                    let (_, high, ticks) = axes.into_iter().max_by(|x, y| x.1.total_cmp(&y.1))?;
                    (low, high, ticks, 1)
                }
            };
            let inputs: Vec<DotInput> = groups
                .iter()
                .map(|(l, e)| DotInput {
                    label: (*l).to_owned(),
                    value: e.mean,
                    ci_low: e.ci_low,
                    ci_high: e.ci_high,
                    suppressed: e.suppressed,
                })
                .collect();
            let desc = format!(
                "{}: {}",
                t(tx, "mean_desc"),
                groups
                    .iter()
                    .map(|(l, e)| format!(
                        "{l} {}",
                        if e.suppressed {
                            "—".into()
                        } else {
                            num(self.lang, e.mean, 2)
                        }
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            let chart = chart_text::dots(
                chart::mean_dots(&id, &title, &desc, &inputs, (min, max, &ticks), decimals),
                self.lang,
            );
            return Some(BreakdownChart::Dots(chart));
        }
        let inputs: Vec<ShareInput> = groups
            .iter()
            .flat_map(|(l, e)| {
                e.options.iter().filter(|o| !o.hard_to_say).map(move |o| ShareInput {
                    label: format!("{l}: {}", o.label),
                    suppressed: o.suppressed || e.suppressed,
                    ..share_input(o)
                })
            })
            .collect();
        if inputs.is_empty() {
            return None;
        }
        let desc = format!(
            "{}: {}",
            t(tx, "chart_desc"),
            inputs
                .iter()
                .map(|i| format!(
                    "{} {}",
                    i.label,
                    if i.suppressed {
                        "—".into()
                    } else {
                        pct(self.lang, i.share)
                    }
                ))
                .collect::<Vec<_>>()
                .join("; ")
        );
        Some(BreakdownChart::Bars(chart_text::bars(
            chart::share_bars(&id, &title, &desc, &inputs),
            self.lang,
        )))
    }
}
