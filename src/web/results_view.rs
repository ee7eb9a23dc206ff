//! The results page's view: a [`Summary`] turned into what `templates/results.hbs` draws — headline facts,
//! the weighting note, per question a bar chart of shares with 95% whiskers ("hard to say" apart), means
//! as dots with intervals, the numbers in a table, and the breakdown chosen by `?by=` as a table with
//! significant differences marked and suppressed cells as "—" with the reason.
//!
//! Everything here is pure (summary and definition in, the page's view out), so the page is a function of
//! the summary: the tests compare the page's numbers with the summary JSON.

use super::views::results::{
    BreakdownLink, BreakdownRow, BreakdownView, Figure, FlagView, MatrixRow, MatrixView, MeanView, OptionRow,
    QuestionView, ResultsLinks, ResultsPage, SurveyHead, TestNote,
};
use super::{chart_text, pages};

mod breakdown_chart;
use crate::chart::{self, DotInput, ShareInput};
use crate::definition::{Definition, QuestionKind};
use crate::i18n::numbers;
pub use crate::report::variable_label;
use crate::report::{
    Breakdown, Estimates, Flag, IntervalName, OptionEstimate, Population, QuestionSummary, QuestionType, Summary,
    SuppressedReason,
};
use breakdown_chart::BreakdownChart;

use super::results::Results;
pub use super::results_texts::{texts, Texts};
pub use super::view_format::{
    field_dates, lang_links, num, num_interval, pct, pct_interval, topic_label, topic_name, urlencode,
};

fn t<'a>(tx: &'a Texts, key: &str) -> &'a str {
    tx.get(key)
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
        (None, None) => match def.design.as_ref().and_then(|d| d.weight.as_ref()) {
            // Design weights alone (no weighting scheme) still weight every estimate.
            Some(column) => crate::i18n::text_with(
                lang,
                "results-design-weighted",
                &crate::i18n::Args::new().str("column", column.clone()),
            ),
            None => format!("{}.", t(&tx, "unweighted")),
        },
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

fn flag_view(f: Option<Flag>, tx: &Texts) -> Option<FlagView> {
    let (mark, class) = match f? {
        Flag::Higher => ("▲", "higher"),
        Flag::Lower => ("▼", "lower"),
    };
    Some(FlagView {
        mark,
        class,
        text: t(tx, class).to_owned(),
    })
}

/// Why a figure is not shown, in the reader's language.
fn reason_text(reason: Option<SuppressedReason>, tx: &Texts) -> String {
    reason.map_or_else(
        || t(tx, "suppressed_reason").to_owned(),
        |r| t(tx, &format!("suppressed_{}", r.name())).to_owned(),
    )
}

/// Why a mean is hidden while the rest of its estimates are shown (none when shown or all hidden).
fn mean_reason(e: &Estimates, tx: &Texts) -> Option<String> {
    if e.suppressed || e.mean.is_some() {
        return None;
    }
    e.mean_suppressed_reason.map(|r| reason_text(Some(r), tx))
}

fn option_row(o: &OptionEstimate, tx: &Texts, lang: &str) -> OptionRow {
    OptionRow {
        code: o.code.clone(),
        label: o.label.clone(),
        suppressed: o.suppressed,
        reason: reason_text(o.suppressed_reason, tx),
        hard_to_say: o.hard_to_say,
        share: if o.suppressed {
            "—".to_owned()
        } else {
            pct(lang, o.share)
        },
        interval: if o.suppressed {
            String::new()
        } else {
            pct_interval(lang, o.ci_low, o.ci_high)
        },
        n: if o.suppressed {
            String::new()
        } else {
            o.n.map_or_else(String::new, |n| n.to_string())
        },
        flag: flag_view(o.flag, tx),
    }
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
    tx: Texts,
    by: Option<&'a str>,
}

impl Ctx<'_> {
    fn question(&self, q: &QuestionSummary) -> QuestionView {
        let tx = &self.tx;
        let e = &q.estimates;
        let id = dom_id("q", &q.id);
        let kind_note = match q.kind {
            QuestionType::MultipleChoice => t(tx, "multiple_note"),
            QuestionType::Text if q.coding.is_some() => t(tx, "multiple_note"),
            QuestionType::Ranking => t(tx, "ranking_note"),
            QuestionType::Text => t(tx, "answered_note"),
            QuestionType::Date => t(tx, "date_note"),
            QuestionType::Matrix => t(tx, "matrix_note"),
            _ => "",
        };
        let index_note = super::results_index::index_note(q, self.lang);
        let kind_note = index_note.as_deref().unwrap_or(kind_note);
        let main: Vec<&OptionEstimate> = e.options.iter().filter(|o| !o.hard_to_say).collect();
        let hts: Vec<OptionRow> = e
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
        let median = e.median.map(|_| Figure {
            value: num(self.lang, e.median, 2),
            interval: num_interval(self.lang, e.median_ci_low, e.median_ci_high, 2),
        });
        QuestionView {
            id: q.id.clone(),
            dom_id: id.clone(),
            text: q.text.clone(),
            kind: q.kind,
            kind_note: kind_note.to_owned(),
            coded_note: q.coding.as_ref().map(|c| {
                crate::i18n::text_with(
                    &self.s.language,
                    "coding-results-coded",
                    &crate::i18n::Args::new()
                        .num("coded", c.coded as f64)
                        .num("answered", c.answered as f64),
                )
            }),
            track: q.track.clone(),
            track_href: q.track.as_ref().map(|t| format!("/trends/{}", urlencode(t))),
            suppressed: e.suppressed,
            reason: reason_text(e.suppressed_reason, tx),
            base_n: e.base_n,
            base_noun: crate::i18n::text_with(
                self.lang,
                "results-base-noun",
                &crate::i18n::Args::new().num("count", e.base_n.unwrap_or(0) as f64),
            ),
            effective_n: e.effective_n.map(|v| format!("{v:.0}")),
            bars,
            options: main.iter().map(|o| option_row(o, tx, self.lang)).collect(),
            hard_to_say: hts,
            mean,
            mean_reason: mean_reason(e, tx),
            median,
            matrix: self.matrix_view(q, &id),
            breakdown: self.breakdown_view(q),
            balance: super::results_index::balance_view(q, self.lang),
            quotes: Vec::new(),
        }
    }

    fn mean_view(&self, q: &QuestionSummary, e: &Estimates, id: &str) -> Option<MeanView> {
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
        Some(MeanView {
            value: num(self.lang, e.mean, 2),
            interval: num_interval(self.lang, e.ci_low, e.ci_high, 2),
            n: e.mean_n,
            chart,
        })
    }

    fn matrix_view(&self, q: &QuestionSummary, id: &str) -> Option<MatrixView> {
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
        let rows: Vec<MatrixRow> = q
            .rows
            .iter()
            .map(|r| MatrixRow {
                code: r.code.clone(),
                label: r.label.clone(),
                suppressed: r.estimates.suppressed,
                reason: reason_text(r.estimates.suppressed_reason, &self.tx),
                mean_reason: mean_reason(&r.estimates, &self.tx),
                base_n: r.estimates.base_n,
                mean: num(self.lang, r.estimates.mean, 2),
                interval: num_interval(self.lang, r.estimates.ci_low, r.estimates.ci_high, 2),
                cells: r
                    .estimates
                    .options
                    .iter()
                    .map(|o| option_row(o, &self.tx, self.lang))
                    .collect(),
                span: columns.len() + 3,
            })
            .collect();
        Some(MatrixView { chart, columns, rows })
    }

    fn breakdown_view(&self, q: &QuestionSummary) -> Option<BreakdownView> {
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
        // The balance of opinions by the same breakdown (its categories have the same codes).
        let balance = q.balance.as_ref();
        let has_balance = balance.is_some_and(|b| !b.estimates.suppressed);
        let balance_by = balance.and_then(|b| b.breakdowns.iter().find(|x| x.variable == by));
        let balance_of = |code: Option<&str>| match code {
            None => balance.map(|b| &b.estimates),
            Some(code) => balance_by
                .and_then(|x| x.categories.iter().find(|c| c.code == code))
                .map(|c| &c.estimates),
        };
        let row = |label: &str, e: &Estimates, code: Option<&str>| {
            let (balance, balance_interval) = super::results_index::balance_cells(self.lang, balance_of(code));
            BreakdownRow {
                label: label.to_owned(),
                total: code.is_none(),
                suppressed: e.suppressed,
                reason: reason_text(e.suppressed_reason, tx),
                base_n: e.base_n,
                cells: e.options.iter().map(|o| option_row(o, tx, self.lang)).collect(),
                mean: num(self.lang, e.mean, 2),
                mean_interval: num_interval(self.lang, e.ci_low, e.ci_high, 2),
                mean_reason: mean_reason(e, tx),
                median: num(self.lang, e.median, 2),
                balance,
                balance_interval,
            }
        };
        let mut rows = vec![row(t(tx, "all_respondents"), &q.estimates, None)];
        rows.extend(b.categories.iter().map(|c| row(&c.label, &c.estimates, Some(&c.code))));
        let untestable = b.not_testable.map(|why| TestNote {
            significant: false,
            text: format!(
                "{}: {}.",
                t(tx, "not_testable"),
                t(tx, &format!("not_testable_{}", why.name()))
            ),
        });
        let test = b.test.map(|r| {
            let significant = r.p_value < 0.05;
            TestNote {
                significant,
                text: format!(
                    "{} (Rao–Scott F = {}, p = {}).",
                    t(
                        tx,
                        if significant {
                            "test_significant"
                        } else {
                            "test_not_significant"
                        }
                    ),
                    numbers::decimal(self.lang, r.f, 2),
                    numbers::decimal(self.lang, r.p_value, 3)
                ),
            }
        });
        let (chart_dots, chart_bars) = match self.breakdown_chart(q, b, &label) {
            Some(BreakdownChart::Dots(c)) => (Some(c), None),
            Some(BreakdownChart::Bars(c)) => (None, Some(c)),
            None => (None, None),
        };
        let has_median = q.estimates.median.is_some();
        Some(BreakdownView {
            variable: by.to_owned(),
            label,
            chart_dots,
            chart_bars,
            span: 1
                + columns.len()
                + usize::from(has_mean) * 2
                + usize::from(has_median)
                + usize::from(has_balance) * 2,
            columns,
            has_options,
            has_mean,
            has_median,
            has_balance,
            rows,
            test: test.or(untestable),
        })
    }
}

/// The texts of the page with the intervals named for what they are: credibility intervals unless the
/// sample is a probability sample (`Summary::interval_name`).
pub fn interval_texts(mut tx: Texts, s: &Summary) -> Texts {
    if s.interval_name == IntervalName::Credibility {
        for key in ["interval", "margin_note"] {
            let credibility = t(&tx, &format!("{key}_credibility")).to_owned();
            tx.set(key, credibility);
        }
    }
    tx
}

/// The page's view (exposed for tests and snapshots).
pub fn view(r: &Results, lang: &str, by: Option<&str>) -> ResultsPage {
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
    let mut breakdowns = vec![BreakdownLink {
        label: t(&cx.tx, "breakdown_none").to_owned(),
        href: href(None),
        current: by.is_none(),
    }];
    breakdowns.extend(s.breakdowns.iter().map(|v| BreakdownLink {
        label: v.label.clone(),
        href: href(Some(&v.id)),
        current: by == Some(v.id.as_str()),
    }));
    let min_cell_note = crate::i18n::text_with(
        lang,
        "results-min-cell-note",
        &crate::i18n::Args::new().num("min_cell", f64::from(s.min_cell)),
    );
    ResultsPage {
        lang: lang.to_owned(),
        title: s.title.clone(),
        lang_links: lang_links(&href(by), lang),
        subgroup: super::results_query::subgroup_note(s.filter.as_ref(), lang),
        survey: SurveyHead {
            slug: s.slug.clone(),
            title: s.title.clone(),
            topic: s.topic.clone(),
            topic_label: topic_name(def, lang),
            topic_href: format!("/topics/{}", urlencode(&s.topic)),
            dates: field_dates(def, lang),
            n: s.n,
            n_analysed: s.n_analysed,
            effective_n: s.effective_n.map(|v| format!("{v:.0}")),
            weighting_note: weighting_note(s, def, r.version.population.as_ref(), lang),
            min_cell_note,
            published: r.survey.results_published,
            computed_at: crate::i18n::text_with(
                lang,
                "results-computed-at",
                &crate::i18n::Args::new().str("at", numbers::date_time(lang, r.computed_at)),
            ),
        },
        breakdowns,
        by: by.map(str::to_owned),
        questions: s.questions.iter().map(|q| cx.question(q)).collect(),
        links: ResultsLinks {
            methodology: format!("{base}/methodology"),
            csv: format!("{base}/export.csv"),
            csv_excel_ru: format!("{base}/export.csv?dialect=excel-ru"),
            xlsx: format!("{base}/export.xlsx"),
            json: format!("/api/v1/surveys/{slug}/summary"),
            all: "/results",
        },
        t: cx.tx,
    }
}

/// The rendered results page.
pub fn render(r: &Results, lang: &str, by: Option<&str>) -> String {
    pages::render("results", &view(r, lang, by))
}
