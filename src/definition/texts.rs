//! Texts in several languages, and the small order-keeping map they are built on.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map that keeps its keys in the order they were written (YAML and JSON objects alike), serialized as a
/// plain map. Used where order means something to a reader: texts (default language first) and groups of a
/// derived variable (report order).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderedMap<V>(Vec<(String, V)>);

impl<V> OrderedMap<V> {
    pub fn new() -> Self {
        OrderedMap(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Inserts or replaces, keeping the position of an existing key.
    pub fn insert(&mut self, key: impl Into<String>, value: V) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Moves `key` to the front (no-op when absent).
    pub fn move_to_front(&mut self, key: &str) {
        if let Some(pos) = self.0.iter().position(|(k, _)| k == key) {
            let entry = self.0.remove(pos);
            self.0.insert(0, entry);
        }
    }
}

impl<V> FromIterator<(String, V)> for OrderedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = OrderedMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = OrderedMap::new();
                while let Some((k, v)) = access.next_entry::<Key, V>()? {
                    if map.contains_key(&k.0) {
                        return Err(serde::de::Error::custom(format!("key '{}' appears twice", k.0)));
                    }
                    map.insert(k.0, v);
                }
                Ok(map)
            }
        }
        d.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

/// A map key written as text or a number (`1: ...` in YAML).
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::weighting::scheme::scalar_to_string(d).map(Key)
    }
}

/// A text in each language of the survey, e.g. `{ru: "Ваш пол", en: "Your sex"}`.
///
/// After [`crate::definition::parse_definition`] the default language (the first of `languages`) is always
/// present and stored first, so [`Texts::get`] can fall back to it; that order survives a JSON round trip.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Texts(pub OrderedMap<String>);

impl PartialEq for Texts {
    /// Texts are equal when they have the same text in each language, in whatever order (a JSON object
    /// read through `serde_json::Value` comes back sorted).
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|(lang, t)| other.0.get(lang) == Some(t))
    }
}

impl Texts {
    /// Builds texts from `(language, text)` pairs; the first pair is the fallback.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Texts(pairs.into_iter().map(|(l, t)| (l.to_owned(), t.to_owned())).collect())
    }

    /// The text in `lang`, or else in the default language (stored first), or else "".
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.iter().next().map(|(_, t)| t))
            .map_or("", String::as_str)
    }

    /// The text in `lang`, else in `default` (the survey's default language), else the first stored.
    /// Prefer this (or [`crate::definition::Definition::text`]) where the texts may have passed through
    /// `serde_json::Value`, which sorts keys.
    pub fn get_or<'a>(&'a self, lang: &str, default: &str) -> &'a str {
        self.exact(lang)
            .or_else(|| self.exact(default))
            .unwrap_or_else(|| self.get(lang))
    }

    /// The text in exactly `lang`, without fallback.
    pub fn exact(&self, lang: &str) -> Option<&str> {
        self.0.get(lang).map(String::as_str)
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.0.keys()
    }
}
