//! Interface texts: Project Fluent message catalogs (`locales/ru/*.ftl`, `locales/en/*.ftl`), embedded in the
//! binary, with CLDR plural rules (1 ответ, 2 ответа, 5 ответов, 21 ответ).
//!
//! Survey texts (titles, questions, options) are not here: they live in the definitions. Russian is the
//! default language; any language without a catalog reads the English one, as the pages always did.
//!
//! Arguments are passed as strings already formatted by Opros (dates, decimals), except the numbers a
//! message selects a plural form on, which are passed as numbers. Fluent's bidirectional isolation marks are
//! off: only left-to-right languages are served, and the marks would surround every argument on the page.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{langid, LanguageIdentifier};

mod helper;
pub mod numbers;

pub use helper::TextHelper;

/// The languages with a catalog, the default first.
pub const LANGUAGES: [&str; 2] = ["ru", "en"];

/// The catalog files, per language, in the order they are added to the bundle. A test checks that every
/// `.ftl` file under `locales/` is listed here, so a new file cannot be forgotten.
pub const FILES: [&str; 7] = [
    "form.ftl",
    "export.ftl",
    "results.ftl",
    "admin.ftl",
    "quality.ftl",
    "indicators.ftl",
    "coding.ftl",
];

const RU: [&str; 7] = [
    include_str!("../locales/ru/form.ftl"),
    include_str!("../locales/ru/export.ftl"),
    include_str!("../locales/ru/results.ftl"),
    include_str!("../locales/ru/admin.ftl"),
    include_str!("../locales/ru/quality.ftl"),
    include_str!("../locales/ru/indicators.ftl"),
    include_str!("../locales/ru/coding.ftl"),
];
const EN: [&str; 7] = [
    include_str!("../locales/en/form.ftl"),
    include_str!("../locales/en/export.ftl"),
    include_str!("../locales/en/results.ftl"),
    include_str!("../locales/en/admin.ftl"),
    include_str!("../locales/en/quality.ftl"),
    include_str!("../locales/en/indicators.ftl"),
    include_str!("../locales/en/coding.ftl"),
];

type Bundle = FluentBundle<FluentResource>;

struct Catalogs {
    ru: Bundle,
    en: Bundle,
}

fn catalogs() -> &'static Catalogs {
    static CATALOGS: OnceLock<Catalogs> = OnceLock::new();
    CATALOGS.get_or_init(|| Catalogs {
        ru: bundle(langid!("ru"), &RU),
        en: bundle(langid!("en"), &EN),
    })
}

/// One language's bundle. The catalogs are part of the binary and checked by the tests, so a syntax error
/// here is a build bug: it is logged, and the messages that did parse are kept.
fn bundle(lang: LanguageIdentifier, sources: &[&str]) -> Bundle {
    let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
    bundle.set_use_isolating(false);
    for source in sources {
        let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(lang = %lang, ?errors, "message catalog has syntax errors");
            partial
        });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(lang = %lang, ?errors, "message catalog defines a message twice");
        }
    }
    bundle
}

fn bundle_for(lang: &str) -> &'static Bundle {
    let c = catalogs();
    if lang == "ru" {
        &c.ru
    } else {
        &c.en
    }
}

/// The text of message `id` in `lang`.
pub fn text(lang: &str, id: &str) -> String {
    format(lang, id, None)
}

/// The text of message `id` in `lang` with its arguments.
pub fn text_with(lang: &str, id: &str, args: &Args) -> String {
    format(lang, id, Some(&args.0))
}

/// Whether a catalog of `lang` (or the one it falls back to) has message `id`.
pub fn has(lang: &str, id: &str) -> bool {
    bundle_for(lang).has_message(id)
}

/// A message that is missing, or an argument it lacks, is a bug caught by the catalog tests; at run time it
/// is logged and the page shows the message id rather than failing.
fn format(lang: &str, id: &str, args: Option<&FluentArgs>) -> String {
    let bundle = bundle_for(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        tracing::error!(lang, id, "no such interface message");
        return id.to_owned();
    };
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::error!(lang, id, ?errors, "interface message formatted with errors");
    }
    out.into_owned()
}

/// Arguments of a message: `Args::new().num("count", 5).str("name", "…")`.
#[derive(Default)]
pub struct Args(FluentArgs<'static>);

impl Args {
    pub fn new() -> Self {
        Self::default()
    }

    /// A number the message may select a plural form on.
    pub fn num(mut self, name: &'static str, value: f64) -> Self {
        self.0.set(name, value);
        self
    }

    /// A count (a whole number) the message may select a plural form on.
    pub fn count(mut self, name: &'static str, value: usize) -> Self {
        self.0.set(name, value);
        self
    }

    /// A number argument whose name is only known at run time (template arguments).
    fn num_named(mut self, name: &str, value: f64) -> Self {
        self.0.set(name.to_owned(), value);
        self
    }

    /// A text argument whose name is only known at run time (template arguments).
    fn str_named(mut self, name: &str, value: &str) -> Self {
        self.0.set(name.to_owned(), value.to_owned());
        self
    }

    /// Text shown as it is (already formatted for the language).
    pub fn str(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.0.set(name, FluentValue::from(value.into()));
        self
    }
}

/// Every message id of `lang`'s catalog, in file order (for tables such as the form's fixed words).
pub fn ids(lang: &str) -> Vec<String> {
    let sources: &[&str] = if lang == "ru" { &RU } else { &EN };
    sources.iter().flat_map(|s| message_ids(s)).collect()
}

/// The message ids of one catalog file (lines of the form `id = …` at the start of a line).
fn message_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| {
            let (id, _) = line.split_once(" =")?;
            let ok = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            ok.then(|| id.to_owned())
        })
        .collect()
}

/// The messages whose ids start with `prefix`, keyed by the rest of the id, as a JSON object for templates
/// (`results-base` is `base`).
pub fn table(lang: &str, prefix: &str) -> serde_json::Value {
    // Pages ask for the same few tables on every request: each is formatted once per language and prefix.
    static TABLES: OnceLock<RwLock<HashMap<(&'static str, String), serde_json::Value>>> = OnceLock::new();
    let lang = catalog_lang(lang);
    let tables = TABLES.get_or_init(RwLock::default);
    let key = (lang, prefix.to_owned());
    if let Some(table) = tables.read().ok().and_then(|t| t.get(&key).cloned()) {
        return table;
    }
    let map: serde_json::Map<String, serde_json::Value> = ids(lang)
        .into_iter()
        .filter_map(|id| {
            let key = id.strip_prefix(prefix)?;
            Some((key.to_owned(), serde_json::Value::String(without_arguments(lang, &id)?)))
        })
        .collect();
    let table = serde_json::Value::Object(map);
    if let Ok(mut t) = tables.write() {
        t.insert(key, table.clone());
    }
    table
}

/// The text of a message that takes no arguments; `None` for one that needs arguments (tables of fixed
/// words leave those out: the code formats them with their arguments where it needs them).
fn without_arguments(lang: &str, id: &str) -> Option<String> {
    let bundle = bundle_for(lang);
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, None, &mut errors);
    errors.is_empty().then(|| out.into_owned())
}

/// The catalog language for a page language: the language itself when it has a catalog, else English.
pub fn catalog_lang(lang: &str) -> &'static str {
    LANGUAGES.iter().find(|l| **l == lang).copied().unwrap_or("en")
}

/// A message without arguments as a `&'static str` ("" for an unknown id, logged), from a table of every
/// such message built once.
pub(crate) fn static_text(lang: &str, id: &str) -> &'static str {
    static CACHE: OnceLock<HashMap<(&'static str, String), String>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        LANGUAGES
            .iter()
            .flat_map(|l| {
                ids(l)
                    .into_iter()
                    .filter_map(move |id| Some(((*l, id.clone()), without_arguments(l, &id)?)))
            })
            .collect()
    });
    match cache.get(&(catalog_lang(lang), id.to_owned())) {
        Some(text) => text,
        None => {
            tracing::error!(lang, id, "no such interface message without arguments");
            ""
        }
    }
}

#[cfg(test)]
mod tests;
