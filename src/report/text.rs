//! The human-readable form of a summary (`opros report SLUG`).

use std::fmt::Write;

use super::{Estimates, Summary};

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"))
}

/// Plain-text tables: one block per question, shares with 95% intervals, means, breakdown tests.
pub fn render_text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", s.title, s.slug);
    let _ = writeln!(
        out,
        "complete responses: {}, analysed: {}, effective n: {}",
        s.n,
        s.n_analysed,
        s.effective_n.map_or("—".into(), |v| format!("{v:.1}"))
    );
    match (&s.weighting, &s.weighting_error) {
        (Some(w), _) => {
            let _ = writeln!(
                out,
                "weighting: {} ({} iterations, converged: {}, deff {:.3}, weights {:.3}–{:.3})",
                w.method.as_str(),
                w.iterations,
                w.converged,
                w.deff,
                w.weight_min,
                w.weight_max
            );
        }
        (None, Some(e)) => {
            let _ = writeln!(out, "weighting FAILED: {e}");
        }
        (None, None) => {
            let _ = writeln!(out, "unweighted");
        }
    }
    let _ = writeln!(
        out,
        "intervals: {:.0}% ({:?}); cells under {} respondents suppressed (—)",
        s.level * 100.0,
        s.ci_method,
        s.min_cell
    );
    for q in &s.questions {
        let _ = writeln!(out, "\n[{}] {} ({})", q.id, q.text, q.kind);
        block(&mut out, "", &q.estimates);
        if let Some(ix) = &q.index {
            index_lines(&mut out, ix);
        }
        if let Some(b) = &q.balance {
            balance_line(&mut out, "  ", &b.estimates, &b.top, &b.bottom);
            for by in &b.breakdowns {
                for c in &by.categories {
                    let label = format!("  by {} = {}: ", by.variable, c.code);
                    balance_line(&mut out, &label, &c.estimates, &b.top, &b.bottom);
                }
            }
        }
        for r in &q.rows {
            let _ = writeln!(out, "  row {} — {}", r.code, r.label);
            block(&mut out, "    ", &r.estimates);
        }
        for b in &q.breakdowns {
            match &b.test {
                Some(t) => {
                    let _ = writeln!(
                        out,
                        "  by {}: Rao–Scott F = {:.3} on {:.2}, {:.1} df, p = {:.4}",
                        b.variable, t.f, t.ndf, t.ddf, t.p_value
                    );
                }
                None => match b.not_testable {
                    Some(why) => {
                        let _ = writeln!(out, "  by {}: not testable ({})", b.variable, why.name());
                    }
                    None => {
                        let _ = writeln!(out, "  by {}:", b.variable);
                    }
                },
            }
            for c in &b.categories {
                let _ = writeln!(out, "    {} — {}", c.code, c.label);
                block(&mut out, "      ", &c.estimates);
            }
        }
    }
    out
}

fn block(out: &mut String, indent: &str, e: &Estimates) {
    if e.suppressed {
        let why = match e.suppressed_reason {
            Some(super::SuppressedReason::NoAnswers) => "nobody answered",
            Some(super::SuppressedReason::Complementary) => "hidden so that a smaller group cannot be recovered",
            Some(super::SuppressedReason::MinCell) | None => "too few respondents to publish",
        };
        let _ = writeln!(out, "{indent}  — ({why})");
        return;
    }
    let _ = writeln!(
        out,
        "{indent}  base n = {}",
        e.base_n.map_or("—".into(), |n| n.to_string())
    );
    for o in &e.options {
        let flag = match o.flag {
            Some(crate::stats::Flag::Higher) => " ▲",
            Some(crate::stats::Flag::Lower) => " ▼",
            None => "",
        };
        let _ = writeln!(
            out,
            "{indent}  {:<12} {:>7}  [{} – {}]  n={}{flag}",
            o.code,
            pct(o.share),
            pct(o.ci_low),
            pct(o.ci_high),
            o.n.map_or("—".into(), |n| n.to_string())
        );
    }
    if e.mean.is_some() {
        let _ = writeln!(
            out,
            "{indent}  mean {} [{} – {}]",
            num(e.mean),
            num(e.ci_low),
            num(e.ci_high)
        );
    }
    if e.median.is_some() {
        let _ = writeln!(
            out,
            "{indent}  median {} [{} – {}]",
            num(e.median),
            num(e.median_ci_low),
            num(e.median_ci_high)
        );
    }
}

/// The balance of opinions (% top − % bottom, in percentage points) with its interval.
fn balance_line(out: &mut String, prefix: &str, e: &Estimates, top: &[String], bottom: &[String]) {
    let pp = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), |v| format!("{:+.1}", v * 100.0));
    if e.suppressed || e.mean.is_none() {
        let _ = writeln!(
            out,
            "{prefix}balance (top {} − bottom {}): —",
            top.join(","),
            bottom.join(",")
        );
        return;
    }
    let _ = writeln!(
        out,
        "{prefix}balance (top {} − bottom {}): {} points [{} – {}]",
        top.join(","),
        bottom.join(","),
        pp(e.mean),
        pp(e.ci_low),
        pp(e.ci_high)
    );
}

/// An index's items and Cronbach's α.
fn index_lines(out: &mut String, ix: &super::IndexSummary) {
    let items: Vec<String> = ix
        .items
        .iter()
        .map(|i| {
            if i.reversed {
                format!("{} (reversed)", i.id)
            } else {
                i.id.clone()
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "  index: {} of {} (at least {} answered)",
        ix.method.name(),
        items.join(", "),
        ix.min_answered
    );
    let alpha = match (ix.alpha, ix.alpha_not_computable, ix.alpha_suppressed) {
        (Some(a), _, _) => format!(
            "{a:.3} (standardized {}, n = {})",
            ix.alpha_standardized
                .map_or_else(|| "—".to_owned(), |v| format!("{v:.3}")),
            ix.alpha_n.map_or_else(|| "—".to_owned(), |n| n.to_string())
        ),
        (None, _, true) => "— (too few respondents to publish)".to_owned(),
        (None, Some(why), _) => format!("not computable ({})", why.name()),
        (None, None, false) => "—".to_owned(),
    };
    let _ = writeln!(out, "  Cronbach's alpha: {alpha}");
}
