//! The summary tables as shown on the results page, as rows for CSV and XLSX. Suppression is applied
//! exactly as on the page: a suppressed cell carries "—" and the reason, never a number (the summary itself
//! holds no numbers for suppressed cells, see `report`).

use std::io::Write;

use serde::Serialize;

use super::{Dialect, ExportError};
use crate::i18n::{self, Args};
use crate::report::{Estimates, Summary, SuppressedReason};
use crate::stats::Flag;

/// One line of the summary tables. Shares are in percent (as shown), rounded to 0.1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub question_id: String,
    pub question: String,
    /// Breakdown variable label, empty for all respondents.
    pub breakdown: String,
    /// Breakdown category label, empty for all respondents.
    pub category: String,
    /// Option code, or `mean` / `median` / `answered`.
    pub code: String,
    pub label: String,
    pub value: String,
    pub ci_low: String,
    pub ci_high: String,
    /// Respondents who chose the option (unweighted).
    pub n: String,
    /// Respondents the share is of (unweighted).
    pub base_n: String,
    /// ▲ / ▼: significantly above / below the other categories (Rao–Scott cell test, Benjamini–Hochberg).
    pub flag: String,
    pub note: String,
    /// Why the value is suppressed (`min_cell`, `no_answers`, `complementary`, as `suppressed_reason` in the summary JSON);
    /// empty for published values.
    pub suppressed_reason: String,
}

const DASH: &str = "—";

fn pct(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(String::new, |v| format!("{:.1}", v * 100.0))
}

fn num(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(String::new, |v| format!("{v:.2}"))
}

fn int(x: Option<u64>) -> String {
    x.map_or_else(String::new, |v| v.to_string())
}

/// Header of the summary tables in `lang` (`ru`, otherwise English).
pub fn header(lang: &str) -> Vec<&'static str> {
    [
        "export-col-question",
        "export-col-question-text",
        "export-col-breakdown",
        "export-col-category",
        "export-col-code",
        "export-col-option",
        "export-col-value",
        "export-col-ci-low",
        "export-col-ci-high",
        "export-col-n",
        "export-col-base",
        "export-col-significant",
        "export-col-note",
        "export-col-suppressed-reason",
    ]
    .into_iter()
    .map(|id| i18n::static_text(lang, id))
    .collect()
}

fn suppressed_note(lang: &str, min_cell: u32, reason: Option<SuppressedReason>) -> String {
    match reason {
        Some(SuppressedReason::NoAnswers) => i18n::text(lang, "export-suppressed-no-answers"),
        Some(SuppressedReason::Complementary) => i18n::text(lang, "export-suppressed-complementary"),
        Some(SuppressedReason::MinCell) | None => i18n::text_with(
            lang,
            "export-suppressed-note",
            &Args::new().num("min_cell", f64::from(min_cell)),
        ),
    }
}

/// A row that says a value is suppressed and why (a suppressed value is a row, never a missing row).
fn suppressed_row(r: &mut SummaryRow, lang: &str, min_cell: u32, reason: Option<SuppressedReason>) {
    r.value = DASH.to_owned();
    r.note = suppressed_note(lang, min_cell, reason);
    r.suppressed_reason = reason.unwrap_or(SuppressedReason::MinCell).name().to_owned();
}

struct Ctx<'a> {
    lang: &'a str,
    min_cell: u32,
}

impl Ctx<'_> {
    fn rows(&self, out: &mut Vec<SummaryRow>, base: &SummaryRow, e: &Estimates) {
        let row = |code: &str, label: &str| SummaryRow {
            code: code.to_owned(),
            label: label.to_owned(),
            ..base.clone()
        };
        if e.suppressed {
            let mut r = row("", "");
            suppressed_row(&mut r, self.lang, self.min_cell, e.suppressed_reason);
            out.push(r);
            return;
        }
        let base_n = int(e.base_n);
        for o in &e.options {
            let mut r = row(&o.code, &o.label);
            r.base_n = base_n.clone();
            if o.suppressed {
                suppressed_row(&mut r, self.lang, self.min_cell, o.suppressed_reason);
            } else {
                r.value = pct(o.share);
                r.ci_low = pct(o.ci_low);
                r.ci_high = pct(o.ci_high);
                r.n = int(o.n);
                r.flag = match o.flag {
                    Some(Flag::Higher) => "▲".to_owned(),
                    Some(Flag::Lower) => "▼".to_owned(),
                    None => String::new(),
                };
                if o.hard_to_say {
                    r.note = i18n::text(self.lang, "export-hard-to-say");
                }
            }
            out.push(r);
        }
        if e.mean.is_some() {
            let mut r = row("mean", &i18n::text(self.lang, "export-mean"));
            r.value = num(e.mean);
            r.ci_low = num(e.ci_low);
            r.ci_high = num(e.ci_high);
            r.base_n = int(e.mean_n.or(e.base_n));
            out.push(r);
        } else if let Some(why) = e.mean_suppressed_reason {
            let mut r = row("mean", &i18n::text(self.lang, "export-mean"));
            suppressed_row(&mut r, self.lang, self.min_cell, Some(why));
            out.push(r);
        }
        if e.median.is_some() {
            let mut r = row("median", &i18n::text(self.lang, "export-median"));
            r.value = num(e.median);
            r.ci_low = num(e.median_ci_low);
            r.ci_high = num(e.median_ci_high);
            r.base_n = base_n.clone();
            out.push(r);
        }
        if e.options.is_empty() && e.mean.is_none() && e.mean_suppressed_reason.is_none() && e.median.is_none() {
            let mut r = row("answered", &i18n::text(self.lang, "export-answered"));
            r.base_n = base_n;
            r.value = r.base_n.clone();
            out.push(r);
        }
    }
}

/// Every table of the summary: per question (and matrix row) all respondents, then each breakdown
/// variable's categories.
pub fn summary_rows(s: &Summary) -> Vec<SummaryRow> {
    let cx = Ctx {
        lang: &s.language,
        min_cell: s.min_cell,
    };
    let label_of = |var: &str| {
        s.breakdowns
            .iter()
            .find(|b| b.id == var)
            .map_or_else(|| var.to_owned(), |b| b.label.clone())
    };
    let mut out = Vec::new();
    for q in &s.questions {
        let mut parts: Vec<(String, String, &Estimates, &[crate::report::Breakdown])> =
            vec![(q.id.clone(), q.text.clone(), &q.estimates, &q.breakdowns)];
        for r in &q.rows {
            parts.push((
                format!("{}.{}", q.id, r.code),
                format!("{} — {}", q.text, r.label),
                &r.estimates,
                &r.breakdowns,
            ));
        }
        for (id, text, e, breakdowns) in parts {
            let base = SummaryRow {
                question_id: id,
                question: text,
                breakdown: String::new(),
                category: String::new(),
                code: String::new(),
                label: String::new(),
                value: String::new(),
                ci_low: String::new(),
                ci_high: String::new(),
                n: String::new(),
                base_n: String::new(),
                flag: String::new(),
                note: String::new(),
                suppressed_reason: String::new(),
            };
            cx.rows(&mut out, &base, e);
            for b in breakdowns {
                for c in &b.categories {
                    let base = SummaryRow {
                        breakdown: label_of(&b.variable),
                        category: c.label.clone(),
                        ..base.clone()
                    };
                    cx.rows(&mut out, &base, &c.estimates);
                }
            }
        }
    }
    out
}

impl SummaryRow {
    pub fn cells(&self) -> [&str; 14] {
        [
            &self.question_id,
            &self.question,
            &self.breakdown,
            &self.category,
            &self.code,
            &self.label,
            &self.value,
            &self.ci_low,
            &self.ci_high,
            &self.n,
            &self.base_n,
            &self.flag,
            &self.note,
            &self.suppressed_reason,
        ]
    }
}

/// The summary tables as CSV (UTF-8 with a byte-order mark), after a few lines that say what the numbers
/// are: the survey, respondents, weighting, interval level, suppression rule.
pub fn summary_csv(s: &Summary, out: &mut dyn Write) -> Result<(), ExportError> {
    summary_csv_in(s, Dialect::Standard, out)
}

/// [`summary_csv`] in a CSV dialect (`excel-ru`: `;` and decimal commas in shares, intervals, means).
pub fn summary_csv_in(s: &Summary, dialect: Dialect, out: &mut dyn Write) -> Result<(), ExportError> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = dialect.writer(out);
    let t = |id: &str| i18n::text(&s.language, id);
    w.write_record([t("export-survey").as_str(), &s.title, &s.slug])?;
    w.write_record([
        t("export-respondents"),
        s.n.to_string(),
        t("export-effective-n"),
        s.effective_n
            .map_or_else(String::new, |v| dialect.number(&format!("{v:.1}"))),
    ])?;
    let weighting = match (&s.weighting, &s.weighting_error) {
        (Some(d), _) => d.method.as_str().to_owned(),
        (None, Some(e)) => format!("{} ({e})", t("export-unweighted")),
        (None, None) => t("export-unweighted"),
    };
    w.write_record([t("export-weighting"), weighting])?;
    w.write_record([
        t("export-intervals"),
        format!("{:.0}%", s.level * 100.0),
        t("export-cells-under"),
        s.min_cell.to_string(),
        t("export-cells-suppressed"),
    ])?;
    w.write_record(header(&s.language))?;
    for r in summary_rows(s) {
        let mut cells = r.cells().map(str::to_owned);
        for cell in &mut cells[NUMBER_CELLS] {
            *cell = dialect.number(cell);
        }
        w.write_record(&cells)?;
    }
    w.flush()?;
    Ok(())
}

/// The cells of [`SummaryRow::cells`] that hold numbers with decimals: value, interval low and high.
const NUMBER_CELLS: std::ops::RangeInclusive<usize> = 6..=8;
