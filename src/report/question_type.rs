//! A question's type as summaries carry it: the definition's type without its settings, written as the
//! YAML `type` name in the summary JSON (`"type": "scale"`), matched as an enum by the pages.

use serde::Serialize;

use crate::definition::QuestionKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    SingleChoice,
    MultipleChoice,
    Scale,
    Matrix,
    Number,
    Text,
    Ranking,
    Date,
    ConstantSum,
    Info,
    /// A composite index of a definition's `indices:` (not a question type of the form).
    Index,
}

impl QuestionType {
    /// The type of a definition's question.
    pub fn of(kind: &QuestionKind) -> QuestionType {
        match kind {
            QuestionKind::SingleChoice(_) => QuestionType::SingleChoice,
            QuestionKind::MultipleChoice(_) => QuestionType::MultipleChoice,
            QuestionKind::Scale(_) => QuestionType::Scale,
            QuestionKind::Matrix(_) => QuestionType::Matrix,
            QuestionKind::Number(_) => QuestionType::Number,
            QuestionKind::Text(_) => QuestionType::Text,
            QuestionKind::Ranking(_) => QuestionType::Ranking,
            QuestionKind::Date(_) => QuestionType::Date,
            QuestionKind::ConstantSum(_) => QuestionType::ConstantSum,
            QuestionKind::Info => QuestionType::Info,
        }
    }
}

impl From<&QuestionKind> for QuestionType {
    fn from(kind: &QuestionKind) -> QuestionType {
        QuestionType::of(kind)
    }
}

impl std::fmt::Display for QuestionType {
    /// The YAML name, as the definition's own `QuestionKind::name` gives it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            QuestionType::SingleChoice => "single_choice",
            QuestionType::MultipleChoice => "multiple_choice",
            QuestionType::Scale => "scale",
            QuestionType::Matrix => "matrix",
            QuestionType::Number => "number",
            QuestionType::Text => "text",
            QuestionType::Ranking => "ranking",
            QuestionType::Date => "date",
            QuestionType::ConstantSum => "constant_sum",
            QuestionType::Info => "info",
            QuestionType::Index => "index",
        };
        f.write_str(name)
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

    /// Every question of definitions that use all the types gets the type the definition names it by.
    #[test]
    fn the_type_of_a_question_is_the_one_its_definition_names() {
        let mut seen = std::collections::BTreeSet::new();
        for file in ["formtest.yaml", "constant_sum.yaml"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(file);
            let source = std::fs::read_to_string(&path).unwrap();
            let def = crate::definition::parse_definition(&source, file).unwrap();
            for (_, q) in def.questions() {
                assert_eq!(QuestionType::of(&q.kind).to_string(), q.kind.name(), "{file}: {}", q.id);
                seen.insert(q.kind.name());
            }
        }
        assert_eq!(seen.len(), 10, "the fixtures cover every type: {seen:?}");
    }
}
