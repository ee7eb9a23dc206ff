//! Interface texts of the results pages, from the message catalogs.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// A table of interface texts by key, as templates read it (`{{t.key}}`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Texts(BTreeMap<String, String>);

impl Texts {
    /// The text of `key`; empty when the table has none.
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }

    /// Replaces the text of `key`.
    pub fn set(&mut self, key: &str, text: String) {
        self.0.insert(key.to_owned(), text);
    }

    /// A table of the texts whose ids start with `prefix`, keyed without it.
    pub fn catalog(lang: &str, prefix: &str) -> Texts {
        Texts::from(crate::i18n::table(lang, prefix))
    }
}

impl From<Value> for Texts {
    fn from(v: Value) -> Texts {
        let Value::Object(map) = v else {
            return Texts::default();
        };
        Texts(
            map.into_iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k, s)),
                    _ => None,
                })
                .collect(),
        )
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Texts {
    fn from(pairs: [(&str, &str); N]) -> Texts {
        Texts(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }
}

/// Interface texts of the results pages (`locales/*/results.ftl`), by key, for templates.
pub fn texts(lang: &str) -> Texts {
    Texts::catalog(lang, "results-")
}
