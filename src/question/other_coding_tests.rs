//! A choice question's codebook for its "other, specify" texts: accepted with `other`, refused without it
//! (with a message saying what to do), checked like a text question's codebook; the text coders code.

use crate::definition::{parse_definition, Answer};

const DEF: &str = r#"slug: other
title: {ru: Транспорт, en: Transport}
topic: transport
languages: [ru, en]
pages:
  - id: p
    questions:
      - id: how
        type: single_choice
        text: {ru: Как вы добираетесь?, en: How do you travel?}
        options: [{code: bus, label: {ru: Автобус, en: Bus}}]
        other: {code: other, label: {ru: Другое, en: Other}}
        codebook:
          codes:
            - {code: bike, label: {ru: Велосипед, en: Bike}}
            - {code: walk, label: {ru: Пешком, en: On foot}}
      - id: which
        type: multiple_choice
        text: {ru: Что ещё?, en: What else?}
        options: [{code: car, label: {ru: Машина, en: Car}}]
        other: {code: more, label: {ru: Другое, en: Other}}
        codebook:
          codes:
            - {code: taxi, label: {ru: Такси, en: Taxi}}
"#;

fn problems(yaml: &str) -> String {
    parse_definition(yaml, "other.yaml")
        .err()
        .unwrap_or_else(|| panic!("accepted"))
        .problems()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_choice_question_with_other_takes_a_codebook() {
    let def = parse_definition(DEF, "other.yaml").unwrap_or_else(|e| panic!("{e:?}"));
    let how = def.question("how").unwrap_or_else(|| panic!("how"));
    let codes: Vec<&str> = how
        .kind
        .codebook()
        .map(|b| b.codes.iter().map(|c| c.code.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["bike", "walk"]);
    let other = |code: &str, text: Option<&str>| Answer::Choice {
        code: code.into(),
        other_text: text.map(str::to_owned),
    };
    assert_eq!(
        how.kind.open_text(&other("other", Some("Велосипед"))),
        Some("Велосипед")
    );
    assert_eq!(
        how.kind.open_text(&other("other", Some("  "))),
        None,
        "blank is not coded"
    );
    assert_eq!(how.kind.open_text(&other("bus", None)), None);
    let which = def.question("which").unwrap_or_else(|| panic!("which"));
    let chosen = Answer::Choices {
        codes: vec!["car".into(), "more".into()],
        other_text: Some("Такси".into()),
    };
    assert_eq!(which.kind.open_text(&chosen), Some("Такси"));
    assert!(which.kind.codebook().is_some());
}

#[test]
fn a_codebook_without_other_is_refused_with_what_to_do() {
    let without = DEF.replace("        other: {code: other, label: {ru: Другое, en: Other}}\n", "");
    let text = problems(&without);
    assert!(
        text.contains(
            "question 'how': codebook codes the texts of an \"other, specify\" option, but the question has no \
             `other:`; add `other:` or remove the codebook"
        ),
        "{text}"
    );
    assert!(!text.contains("question 'which'"), "{text}");
}

#[test]
fn a_choice_questions_codebook_is_checked_like_a_text_questions() {
    let twice = DEF.replace(
        "{code: walk, label: {ru: Пешком, en: On foot}}",
        "{code: bike, label: {ru: Ещё}}",
    );
    let text = problems(&twice);
    assert!(
        text.contains("question 'how': codebook code 'bike' is listed twice"),
        "{text}"
    );
}
