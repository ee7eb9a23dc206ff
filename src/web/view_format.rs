//! How pages write figures, dates, topics and their own links: shares and numbers with the decimal
//! separator of the page's language, fieldwork dates, topic names, language links, URL parts.

use serde::Serialize;

use crate::definition::Definition;
use crate::i18n::numbers;

/// A share as shown: "43,2%" in Russian, "43.2%" in English.
pub fn pct(lang: &str, x: Option<f64>) -> String {
    numbers::percent(lang, x)
}

/// An interval as shown: "38,1–48,4%"; empty when absent.
pub fn pct_interval(lang: &str, lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => {
            format!(
                "{}–{}%",
                numbers::decimal(lang, l * 100.0, 1),
                numbers::decimal(lang, h * 100.0, 1)
            )
        }
        _ => String::new(),
    }
}

/// A number with `decimals` decimals in `lang`; "—" when absent.
pub fn num(lang: &str, x: Option<f64>, decimals: usize) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "—".to_owned(), |v| numbers::decimal(lang, v, decimals))
}

/// An interval of numbers in `lang`; empty when absent.
pub fn num_interval(lang: &str, lo: Option<f64>, hi: Option<f64>, decimals: usize) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => {
            format!(
                "{}–{}",
                numbers::decimal(lang, l, decimals),
                numbers::decimal(lang, h, decimals)
            )
        }
        _ => String::new(),
    }
}

/// Topic names in the interface language: the definition's `topic_label` when it has one, else the
/// built-in name of a known topic, else the code as written.
pub fn topic_label(topic: &str, lang: &str) -> String {
    let id = format!("topic-{topic}");
    if crate::i18n::has(lang, &id) {
        crate::i18n::text(lang, &id)
    } else {
        topic.to_owned()
    }
}

/// The name of a definition's topic in `lang`.
pub fn topic_name(def: &Definition, lang: &str) -> String {
    match def.topic_label.as_ref().and_then(|t| t.exact(lang)) {
        Some(name) => name.to_owned(),
        None => topic_label(&def.topic, lang),
    }
}

/// The fieldwork dates in `lang`: "01.03.2026 – 31.03.2027" / "2026-03-01 – 2027-03-31".
pub fn field_dates(def: &Definition, lang: &str) -> String {
    let f = |d: chrono::NaiveDate| numbers::date(lang, d);
    match (def.opens, def.closes) {
        (Some(a), Some(b)) => format!("{} – {}", f(a), f(b)),
        (Some(a), None) => format!("{} –", f(a)),
        (None, Some(b)) => format!("– {}", f(b)),
        (None, None) => String::new(),
    }
}

/// A link that switches the interface language.
#[derive(Debug, Clone, Serialize)]
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// Links to switch the interface language, keeping the page's query (e.g. `?by=sex`).
pub fn lang_links(href: &str, current: &str) -> Vec<LangLink> {
    let sep = if href.contains('?') { '&' } else { '?' };
    [("ru", "Русский"), ("en", "English")]
        .into_iter()
        .map(|(code, name)| LangLink {
            code,
            name,
            href: format!("{href}{sep}lang={code}"),
            current: current == code,
        })
        .collect()
}

/// Percent-encodes a path segment or query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
