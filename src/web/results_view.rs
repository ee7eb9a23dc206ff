//! The results page's view: a [`Summary`] turned into what `templates/results.hbs` draws — headline facts,
//! the weighting note, per question a bar chart of shares with 95% whiskers ("hard to say" apart), means
//! as dots with intervals, the numbers in a table, and the breakdown chosen by `?by=` as a table with
//! significant differences marked and suppressed cells as "—" with the reason.
//!
//! Everything here is pure (summary and definition in, JSON out), so the page is a function of the
//! summary: the tests compare the page's numbers with the summary JSON.

use serde_json::{json, Value};

use super::{chart_text, pages};
use crate::chart::{self, DotInput, ShareInput};
use crate::definition::{Definition, QuestionKind};
use crate::i18n::numbers;
pub use crate::report::variable_label;
use crate::report::{
    Breakdown, Estimates, Flag, IntervalName, OptionEstimate, Population, QuestionSummary, Summary, SuppressedReason,
};

use super::results::Results;
pub use super::results_texts::{dict, texts};
pub use super::view_format::{
    field_dates, lang_links, num, num_interval, pct, pct_interval, topic_label, topic_name, urlencode,
};

fn t<'a>(tx: &'a Value, key: &str) -> &'a str {
    tx.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A user-given id made safe for an HTML id attribute and an SVG id reference.
pub fn dom_id(prefix: &str, s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{clean}")
}

/// One line on how the estimates are weighted: "Weighted to the population of … by …: raking."
pub fn weighting_note(s: &Summary, def: &Definition, population: Option<&Population>, lang: &str) -> String {
    let tx = texts(lang);
    match (&s.weighting, &s.weighting_error) {
        (Some(d), _) => {
            let pop = population
                .and_then(|p| p.title.get(lang).or_else(|| p.title.values().next()).cloned())
                .or_else(|| population.map(|p| p.name.clone()));
            let vars: Vec<String> = def
                .weighting
                .as_ref()
                .map(|w| {
                    w.variables
                        .iter()
                        .map(|v| format!("«{}»", variable_label(def, v, lang)))
                        .collect()
                })
                .unwrap_or_default();
            let mut out = t(&tx, "weighted").to_owned();
            if let Some(p) = pop {
                out.push_str(&format!(" {} {p}", t(&tx, "weighted_to")));
            }
            if !vars.is_empty() {
                out.push_str(&format!(" {} {}", t(&tx, "by_variables"), vars.join(", ")));
            }
            out.push_str(&format!(
                " ({}, deff {}).",
                crate::i18n::text(lang, &format!("methodology-method-{}", d.method.as_str())),
                numbers::decimal(lang, d.deff, 2)
            ));
            out
        }
        (None, Some(e)) => format!("{}: {e}", t(&tx, "unweighted")),
        (None, None) => format!("{}.", t(&tx, "unweighted")),
    }
}

fn share_input(o: &OptionEstimate) -> ShareInput {
    ShareInput {
        label: o.label.clone(),
        share: o.share,
        ci_low: o.ci_low,
        ci_high: o.ci_high,
        suppressed: o.suppressed,
    }
}

fn flag_view(f: Option<Flag>, tx: &Value) -> Value {
    match f {
        Some(Flag::Higher) => json!({"mark": "▲", "class": "higher", "text": t(tx, "higher")}),
        Some(Flag::Lower) => json!({"mark": "▼", "class": "lower", "text": t(tx, "lower")}),
        None => Value::Null,
    }
}

/// Why a figure is not shown, in the reader's language.
fn reason_text(reason: Option<SuppressedReason>, tx: &Value) -> String {
    reason.map_or_else(
        || t(tx, "suppressed_reason").to_owned(),
        |r| t(tx, &format!("suppressed_{}", r.name())).to_owned(),
    )
}

fn option_row(o: &OptionEstimate, tx: &Value, lang: &str) -> Value {
    json!({
        "code": o.code,
        "label": o.label,
        "suppressed": o.suppressed,
        "reason": reason_text(o.suppressed_reason, tx),
        "hard_to_say": o.hard_to_say,
        "share": if o.suppressed { "—".to_owned() } else { pct(lang, o.share) },
        "interval": if o.suppressed { String::new() } else { pct_interval(lang, o.ci_low, o.ci_high) },
        "n": if o.suppressed { String::new() } else { o.n.map_or_else(String::new, |n| n.to_string()) },
        "flag": flag_view(o.flag, tx),
    })
}

/// The scale range of a question (its points' numeric values), for mean dots.
fn scale_axis(def: &Definition, qid: &str) -> Option<(f64, f64, Vec<f64>)> {
    let q = def.question(qid)?;
    let scale = match &q.kind {
        QuestionKind::Scale(s) => s.clone(),
        QuestionKind::Matrix(m) => m.scale(),
        QuestionKind::ConstantSum(c) => return Some(crate::question::constant_sum::axis(c)),
        _ => return None,
    };
    let values: Vec<f64> = scale.points.iter().filter_map(|p| scale.value(&p.code)).collect();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min.is_finite() && max > min).then_some((min, max, values))
}

/// Axis of a number question's mean: from 0 (or the lowest interval end when negative) to a round number
/// above every interval's upper end.
fn number_axis(e: &Estimates) -> (f64, f64, Vec<f64>) {
    let top = [e.ci_high, e.median_ci_high, e.mean, e.median]
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let low = [e.ci_low, e.median_ci_low]
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::min);
    let (max, ticks) = chart::nice_axis(top);
    (low.min(0.0), max, ticks)
}

struct Ctx<'a> {
    lang: &'a str,
    s: &'a Summary,
    def: &'a Definition,
    tx: Value,
    by: Option<&'a str>,
}

impl Ctx<'_> {
    fn question(&self, q: &QuestionSummary) -> Value {
        let tx = &self.tx;
        let e = &q.estimates;
        let id = dom_id("q", &q.id);
        let kind_note = match q.kind.as_str() {
            "multiple_choice" => t(tx, "multiple_note"),
            "text" if q.coding.is_some() => t(tx, "multiple_note"),
            "ranking" => t(tx, "ranking_note"),
            "text" => t(tx, "answered_note"),
            "date" => t(tx, "date_note"),
            "matrix" => t(tx, "matrix_note"),
            _ => "",
        };
        let main: Vec<&OptionEstimate> = e.options.iter().filter(|o| !o.hard_to_say).collect();
        let hts: Vec<Value> = e
            .options
            .iter()
            .filter(|o| o.hard_to_say)
            .map(|o| option_row(o, tx, self.lang))
            .collect();
        let bars = (!main.is_empty() && !e.suppressed).then(|| {
            let inputs: Vec<ShareInput> = main.iter().map(|o| share_input(o)).collect();
            let desc = format!(
                "{}: {}",
                t(tx, "chart_desc"),
                main.iter()
                    .map(|o| format!(
                        "{} {} ({})",
                        o.label,
                        if o.suppressed {
                            "—".into()
                        } else {
                            pct(self.lang, o.share)
                        },
                        pct_interval(self.lang, o.ci_low, o.ci_high)
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            chart_text::bars(
                chart::share_bars(&format!("{id}-chart"), &q.text, &desc, &inputs),
                self.lang,
            )
        });
        let mean = self.mean_view(q, e, &id);
        let median = e.median.map(
            |_| json!({"value": num(self.lang, e.median, 2), "interval": num_interval(self.lang, e.median_ci_low, e.median_ci_high, 2)}),
        );
        json!({
            "id": q.id,
            "dom_id": id,
            "text": q.text,
            "kind": q.kind,
            "kind_note": kind_note,
            "coded_note": q.coding.as_ref().map(|c| crate::i18n::text_with(&self.s.language, "coding-results-coded",
                &crate::i18n::Args::new().num("coded", c.coded as f64).num("answered", c.answered as f64))),
            "track": q.track,
            "track_href": q.track.as_ref().map(|t| format!("/trends/{}", urlencode(t))),
            "suppressed": e.suppressed,
            "reason": reason_text(e.suppressed_reason, tx),
            "base_n": e.base_n,
            "base_noun": crate::i18n::text_with(
                self.lang,
                "results-base-noun",
                &crate::i18n::Args::new().num("count", e.base_n.unwrap_or(0) as f64),
            ),
            "effective_n": e.effective_n.map(|v| format!("{v:.0}")),
            "bars": bars,
            "options": e.options.iter().filter(|o| !o.hard_to_say).map(|o| option_row(o, tx, self.lang)).collect::<Vec<_>>(),
            "hard_to_say": hts,
            "mean": mean,
            "median": median,
            "matrix": self.matrix_view(q, &id),
            "breakdown": self.breakdown_view(q),
        })
    }

    fn mean_view(&self, q: &QuestionSummary, e: &Estimates, id: &str) -> Option<Value> {
        e.mean?;
        let (min, max, ticks, decimals) = match scale_axis(self.def, &q.id) {
            Some((a, b, t)) => (a, b, t, 2),
            None => {
                let (a, b, t) = number_axis(e);
                (a, b, t, 1)
            }
        };
        let mut inputs = vec![DotInput {
            label: t(&self.tx, "mean").to_owned(),
            value: e.mean,
            ci_low: e.ci_low,
            ci_high: e.ci_high,
            suppressed: e.suppressed,
        }];
        if e.median.is_some() {
            inputs.push(DotInput {
                label: t(&self.tx, "median").to_owned(),
                value: e.median,
                ci_low: e.median_ci_low,
                ci_high: e.median_ci_high,
                suppressed: e.suppressed,
            });
        }
        let desc = format!(
            "{}: {} ({})",
            t(&self.tx, "mean_desc"),
            num(self.lang, e.mean, 2),
            num_interval(self.lang, e.ci_low, e.ci_high, 2)
        );
        let chart = chart_text::dots(
            chart::mean_dots(
                &format!("{id}-mean"),
                &q.text,
                &desc,
                &inputs,
                (min, max, &ticks),
                decimals,
            ),
            self.lang,
        );
        Some(json!({
            "value": num(self.lang, e.mean, 2),
            "interval": num_interval(self.lang, e.ci_low, e.ci_high, 2),
            "n": e.mean_n,
            "chart": chart,
        }))
    }

    fn matrix_view(&self, q: &QuestionSummary, id: &str) -> Option<Value> {
        if q.rows.is_empty() {
            return None;
        }
        let (min, max, ticks) = scale_axis(self.def, &q.id).unwrap_or((1.0, 5.0, vec![1.0, 2.0, 3.0, 4.0, 5.0]));
        let inputs: Vec<DotInput> = q
            .rows
            .iter()
            .map(|r| DotInput {
                label: r.label.clone(),
                value: r.estimates.mean,
                ci_low: r.estimates.ci_low,
                ci_high: r.estimates.ci_high,
                suppressed: r.estimates.suppressed,
            })
            .collect();
        let desc = format!(
            "{}: {}",
            t(&self.tx, "mean_desc"),
            q.rows
                .iter()
                .map(|r| format!("{} {}", r.label, num(self.lang, r.estimates.mean, 2)))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let chart = chart_text::dots(
            chart::mean_dots(&format!("{id}-rows"), &q.text, &desc, &inputs, (min, max, &ticks), 2),
            self.lang,
        );
        let columns: Vec<String> = q
            .rows
            .first()
            .map(|r| r.estimates.options.iter().map(|o| o.label.clone()).collect())
            .unwrap_or_default();
        let rows: Vec<Value> = q
            .rows
            .iter()
            .map(|r| {
                json!({
                    "code": r.code,
                    "label": r.label,
                    "suppressed": r.estimates.suppressed,
                    "base_n": r.estimates.base_n,
                    "mean": num(self.lang, r.estimates.mean, 2),
                    "interval": num_interval(self.lang, r.estimates.ci_low, r.estimates.ci_high, 2),
                    "cells": r.estimates.options.iter().map(|o| option_row(o, &self.tx, self.lang)).collect::<Vec<_>>(),
                    // Options, mean, interval, base.
                    "span": columns.len() + 3,
                })
            })
            .collect();
        Some(json!({"chart": chart, "columns": columns, "rows": rows}))
    }

    fn breakdown_view(&self, q: &QuestionSummary) -> Option<Value> {
        let by = self.by?;
        let b: &Breakdown = q.breakdowns.iter().find(|b| b.variable == by)?;
        let tx = &self.tx;
        let label = self
            .s
            .breakdowns
            .iter()
            .find(|v| v.id == by)
            .map_or_else(|| by.to_owned(), |v| v.label.clone());
        let has_options = !q.estimates.options.is_empty();
        let has_mean = q.estimates.mean.is_some();
        let columns: Vec<String> = q.estimates.options.iter().map(|o| o.label.clone()).collect();
        let row = |label: &str, e: &Estimates, total: bool| {
            json!({
                "label": label,
                "total": total,
                "suppressed": e.suppressed,
                "reason": reason_text(e.suppressed_reason, tx),
                "base_n": e.base_n,
                "cells": e.options.iter().map(|o| option_row(o, tx, self.lang)).collect::<Vec<_>>(),
                "mean": num(self.lang, e.mean, 2),
                "mean_interval": num_interval(self.lang, e.ci_low, e.ci_high, 2),
                "median": num(self.lang, e.median, 2),
            })
        };
        let mut rows = vec![row(t(tx, "all_respondents"), &q.estimates, true)];
        rows.extend(b.categories.iter().map(|c| row(&c.label, &c.estimates, false)));
        let untestable = b.not_testable.map(|why| {
            json!({
                "significant": false,
                "text": format!("{}: {}.", t(tx, "not_testable"), t(tx, &format!("not_testable_{}", why.name()))),
            })
        });
        let test = b.test.map(|r| {
            let significant = r.p_value < 0.05;
            json!({
                "significant": significant,
                "text": format!(
                    "{} (Rao–Scott F = {}, p = {}).",
                    t(tx, if significant { "test_significant" } else { "test_not_significant" }),
                    numbers::decimal(self.lang, r.f, 2),
                    numbers::decimal(self.lang, r.p_value, 3)
                ),
            })
        });
        let chart = self.breakdown_chart(q, b, &label);
        Some(json!({
            "variable": by,
            "label": label,
            "chart_dots": chart.as_ref().and_then(|c| c.get("dots")),
            "chart_bars": chart.as_ref().and_then(|c| c.get("bars")),
            "columns": columns,
            "has_options": has_options,
            "has_mean": has_mean,
            "has_median": q.estimates.median.is_some(),
            "rows": rows,
            "test": test.or(untestable),
            // Data columns: base, options, mean and its interval, median.
            "span": 1 + columns.len() + usize::from(has_mean) * 2 + usize::from(q.estimates.median.is_some()),
        }))
    }
}

impl Ctx<'_> {
    /// The breakdown as a chart, so that it is seen and not only read from the table: the mean by category
    /// (dots with 95% intervals) when the question has a mean, else each option's share by category (bars
    /// with intervals, grouped by category). The first group is all respondents; suppressed cells stay empty.
    fn breakdown_chart(&self, q: &QuestionSummary, b: &Breakdown, label: &str) -> Option<Value> {
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
            return Some(json!({ "dots": chart }));
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
        Some(json!({ "bars": chart_text::bars(chart::share_bars(&id, &title, &desc, &inputs), self.lang) }))
    }
}

/// The texts of the page with the intervals named for what they are: credibility intervals unless the
/// sample is a probability sample (`Summary::interval_name`).
pub fn interval_texts(mut tx: Value, s: &Summary) -> Value {
    if s.interval_name == IntervalName::Credibility {
        for key in ["interval", "margin_note"] {
            let credibility = t(&tx, &format!("{key}_credibility")).to_owned();
            tx[key] = Value::String(credibility);
        }
    }
    tx
}

/// The page's JSON view (exposed for tests and snapshots).
pub fn view(r: &Results, lang: &str, by: Option<&str>) -> Value {
    let s = &*r.summary;
    let def = &r.version.definition;
    let by = by.filter(|b| s.breakdowns.iter().any(|v| v.id == *b));
    let cx = Ctx {
        lang,
        s,
        def,
        tx: interval_texts(texts(lang), s),
        by,
    };
    let slug = urlencode(&s.slug);
    let base = format!("/results/{slug}");
    let href = |by: Option<&str>| super::results_query::href(&base, s.filter.as_ref(), by);
    let mut breakdowns =
        vec![json!({"label": t(&cx.tx, "breakdown_none"), "href": href(None), "current": by.is_none()})];
    breakdowns.extend(s.breakdowns.iter().map(|v| {
        json!({
            "label": v.label,
            "href": href(Some(&v.id)),
            "current": by == Some(v.id.as_str()),
        })
    }));
    let min_cell_note = crate::i18n::text_with(
        lang,
        "results-min-cell-note",
        &crate::i18n::Args::new().num("min_cell", f64::from(s.min_cell)),
    );
    json!({
        "lang": lang,
        "title": s.title,
        "t": cx.tx,
        "lang_links": lang_links(&href(by), lang),
        "subgroup": super::results_query::subgroup_note(s.filter.as_ref(), lang),
        "survey": {
            "slug": s.slug,
            "title": s.title,
            "topic": s.topic,
            "topic_label": topic_name(def, lang),
            "topic_href": format!("/topics/{}", urlencode(&s.topic)),
            "dates": field_dates(def, lang),
            "n": s.n,
            "n_analysed": s.n_analysed,
            "effective_n": s.effective_n.map(|v| format!("{v:.0}")),
            "weighting_note": weighting_note(s, def, r.version.population.as_ref(), lang),
            "min_cell_note": min_cell_note,
            "computed_at": crate::i18n::text_with(
                lang,
                "results-computed-at",
                &crate::i18n::Args::new().str("at", numbers::date_time(lang, r.computed_at)),
            ),
            "published": r.survey.results_published,
        },
        "breakdowns": breakdowns,
        "by": by,
        "questions": s.questions.iter().map(|q| cx.question(q)).collect::<Vec<_>>(),
        "links": {
            "methodology": format!("{base}/methodology"),
            "csv": format!("{base}/export.csv"),
            "csv_excel_ru": format!("{base}/export.csv?dialect=excel-ru"),
            "xlsx": format!("{base}/export.xlsx"),
            "json": format!("/api/v1/surveys/{slug}/summary"),
            "all": "/results",
        },
    })
}

/// The rendered results page.
pub fn render(r: &Results, lang: &str, by: Option<&str>) -> String {
    pages::render("results", &view(r, lang, by))
}
