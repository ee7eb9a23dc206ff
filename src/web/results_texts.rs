//! Interface texts of the results pages, from the message catalogs.

use serde_json::Value;

/// A JSON object of interface texts.
pub fn dict(pairs: &[(&str, &str)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
            .collect(),
    )
}

/// Interface texts of the results pages (`locales/*/results.ftl`), by key, for templates.
pub fn texts(lang: &str) -> Value {
    crate::i18n::table(lang, "results-")
}
