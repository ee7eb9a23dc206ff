//! Which questions a survey publishes (`publish:` in a definition's `report:` block).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which questions appear in published results: `all`, `none`, or a list of question ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Publish {
    #[default]
    All,
    None,
    Questions(Vec<String>),
}

impl Publish {
    pub fn includes(&self, question_id: &str) -> bool {
        match self {
            Publish::All => true,
            Publish::None => false,
            Publish::Questions(ids) => ids.iter().any(|q| q == question_id),
        }
    }
}

impl Serialize for Publish {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Publish::All => s.serialize_str("all"),
            Publish::None => s.serialize_str("none"),
            Publish::Questions(ids) => ids.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Publish {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            List(Vec<String>),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "all" => Ok(Publish::All),
            Raw::Word(w) if w == "none" => Ok(Publish::None),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "publish must be 'all', 'none' or a list of question ids, not '{w}'"
            ))),
            Raw::List(ids) => Ok(Publish::Questions(ids)),
        }
    }
}
