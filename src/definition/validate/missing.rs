//! Texts missing in a listed language. A listed language whose text is absent is read in the default
//! language instead, so respondents who chose it see a question half in another language: `survey check`,
//! `survey import` and the workbench refuse such a definition unless told to accept it.

use super::{all_texts, locate, Definition, Problem, TextRef};

/// Texts that lack one of the listed languages other than the default (a missing default text is an error
/// of its own): one line each, naming the question and the text.
pub fn missing_translations(def: &Definition) -> Vec<String> {
    missing(def)
        .into_iter()
        .map(|(t, lang)| {
            let whose = t.question.map_or_else(String::new, |q| format!("question '{q}': "));
            format!("{whose}{} has no text in '{lang}'", t.what)
        })
        .collect()
}

/// The same texts as problems with the file, line and question they belong to (`source` is the definition's
/// text, `file` its name), for a refusal that lists every one.
pub fn missing_texts(def: &Definition, source: &str, file: &str) -> Vec<Problem> {
    missing(def)
        .into_iter()
        .map(|(t, lang)| {
            let line = line_of(def, source, &t);
            Problem::new(file, line, t.question, format!("{} has no text in '{lang}'", t.what))
        })
        .collect()
}

fn missing(def: &Definition) -> Vec<(TextRef<'_>, &str)> {
    let mut out = Vec::new();
    for t in all_texts(def) {
        let absent: Vec<&str> = def
            .languages
            .iter()
            .skip(1)
            .filter(|lang| t.texts.exact(lang).is_none_or(|s| s.trim().is_empty()))
            .map(String::as_str)
            .collect();
        for lang in absent {
            out.push((
                TextRef {
                    question: t.question,
                    page: t.page,
                    what: t.what.clone(),
                    texts: t.texts,
                },
                lang,
            ));
        }
    }
    out
}

/// The line of the item a text belongs to: its question, derived variable, page or top-level key.
fn line_of(def: &Definition, source: &str, t: &TextRef) -> Option<usize> {
    match (t.question, t.page) {
        (Some(q), _) if def.derived_variable(q).is_some() => locate::item(source, "derived", q),
        (Some(q), _) => locate::item(source, "pages", q),
        (None, Some(page)) => locate::item(source, "pages", page),
        (None, None) => locate::top_key(source, &t.what),
    }
}

#[cfg(test)]
mod tests {
    use crate::definition::parse_definition;

    const PARTIAL: &str = r#"slug: partial
title: {ru: "Опрос", en: "Survey"}
description: {ru: "Описание"}
topic: test
languages: [ru, en]
pages:
  - id: p1
    title: {ru: "Страница"}
    questions:
      - id: q1
        type: single_choice
        text: {ru: "Вопрос", en: "Question"}
        options:
          - {code: a, label: {ru: "А", en: "A"}}
          - {code: b, label: {ru: "Б"}}
"#;

    #[test]
    fn every_missing_text_is_located_by_line_and_question() {
        let def = parse_definition(PARTIAL, "partial.yaml").unwrap();
        let problems = super::missing_texts(&def, PARTIAL, "partial.yaml");
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "partial.yaml:3: description has no text in 'en'",
                "partial.yaml:7: title of page 'p1' has no text in 'en'",
                "partial.yaml:10: question 'q1': option 'b' has no text in 'en'",
            ]
        );
        assert_eq!(super::missing_translations(&def).len(), 3);
    }
}
