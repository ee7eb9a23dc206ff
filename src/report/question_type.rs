//! A question's type as summaries carry it: the definition's type without its settings, written as the
//! YAML `type` name in the summary JSON (`"type": "scale"`), compared with named types by the pages.

use serde::{Serialize, Serializer};

use crate::definition::QuestionKind;

/// The YAML `type` name of a question ([`QuestionKind::name`]), or `index`. The constants name the known
/// types for comparisons (`kind == QuestionType::Scale`); a question type added to the definition is
/// carried by its name and needs no constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionType(&'static str);

// The constants read as the type names they stand for (`QuestionType::Scale`), as enum variants would.
#[allow(non_upper_case_globals)]
impl QuestionType {
    pub const SingleChoice: QuestionType = QuestionType("single_choice");
    pub const MultipleChoice: QuestionType = QuestionType("multiple_choice");
    pub const Scale: QuestionType = QuestionType("scale");
    pub const Matrix: QuestionType = QuestionType("matrix");
    pub const Number: QuestionType = QuestionType("number");
    pub const Text: QuestionType = QuestionType("text");
    pub const Ranking: QuestionType = QuestionType("ranking");
    pub const Date: QuestionType = QuestionType("date");
    pub const ConstantSum: QuestionType = QuestionType("constant_sum");
    pub const Info: QuestionType = QuestionType("info");
    /// A composite index of a definition's `indices:` (not a question type of the form).
    pub const Index: QuestionType = QuestionType("index");

    /// The type of a definition's question.
    pub fn of(kind: &QuestionKind) -> QuestionType {
        QuestionType(kind.name())
    }
}

impl From<&QuestionKind> for QuestionType {
    fn from(kind: &QuestionKind) -> QuestionType {
        QuestionType::of(kind)
    }
}

impl Serialize for QuestionType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl std::fmt::Display for QuestionType {
    /// The YAML name, as the definition's own `QuestionKind::name` gives it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::QuestionType;

    /// The summary JSON names every type as the definition does.
    #[test]
    fn json_and_display_names_are_the_yaml_names() {
        for (t, name) in [
            (QuestionType::SingleChoice, "single_choice"),
            (QuestionType::MultipleChoice, "multiple_choice"),
            (QuestionType::Scale, "scale"),
            (QuestionType::Matrix, "matrix"),
            (QuestionType::Number, "number"),
            (QuestionType::Text, "text"),
            (QuestionType::Ranking, "ranking"),
            (QuestionType::Index, "index"),
            (QuestionType::Date, "date"),
            (QuestionType::ConstantSum, crate::question::constant_sum::NAME),
            (QuestionType::Info, "info"),
        ] {
            assert_eq!(serde_json::to_value(t).unwrap(), serde_json::json!(name));
            assert_eq!(t.to_string(), name);
        }
    }

    /// Every question of definitions that use all the types gets the type the definition names it by,
    /// equal to the constant the pages compare with.
    #[test]
    fn the_type_of_a_question_is_the_one_its_definition_names() {
        let named = [
            QuestionType::SingleChoice,
            QuestionType::MultipleChoice,
            QuestionType::Scale,
            QuestionType::Matrix,
            QuestionType::Number,
            QuestionType::Text,
            QuestionType::Ranking,
            QuestionType::Date,
            QuestionType::ConstantSum,
            QuestionType::Info,
        ];
        let mut seen = std::collections::BTreeSet::new();
        for file in ["formtest.yaml", "constant_sum.yaml"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(file);
            let source = std::fs::read_to_string(&path).unwrap();
            let def = crate::definition::parse_definition(&source, file).unwrap();
            for (_, q) in def.questions() {
                let t = QuestionType::of(&q.kind);
                assert_eq!(t.to_string(), q.kind.name(), "{file}: {}", q.id);
                assert!(named.contains(&t), "{file}: {} has no constant", q.id);
                seen.insert(q.kind.name());
            }
        }
        assert_eq!(seen.len(), 10, "the fixtures cover every type: {seen:?}");
    }
}
