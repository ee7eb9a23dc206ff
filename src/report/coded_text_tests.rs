//! A coded open question is summarized exactly as a multiple-choice question holding the same codes:
//! the same generated data is entered both ways and every number of the two summaries must agree.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::definition::{parse_definition, Answer, Answers};

use super::{summarize, Codings, ReportOptions, SummaryInput, WithCodings};

const DEF: &str = r#"
slug: coded
title: {en: Coded}
topic: transport
languages: [en]
pages:
  - id: p
    questions:
      - {id: sex, type: single_choice, text: {en: Sex}, options: [{code: m, label: {en: M}}, {code: f, label: {en: F}}]}
      - id: why
        type: text
        text: {en: Why?}
        codebook:
          nets: [{code: city, label: {en: City}}]
          codes:
            - {code: roads, label: {en: Roads}, net: city}
            - {code: bus, label: {en: Buses}, net: city}
            - {code: other, label: {en: Other}}
            - {code: old, label: {en: Old}, retired: true}
      - id: why_mc
        type: multiple_choice
        text: {en: Why?}
        options:
          - {code: roads, label: {en: Roads}}
          - {code: bus, label: {en: Buses}}
          - {code: other, label: {en: Other}}
          - {code: old, label: {en: Old}}
          - {code: "net:city", label: {en: City}}
weighting:
  method: raking
  variables: [sex]
  targets:
    margins:
      sex: {m: 480, f: 520}
report:
  breakdowns: [sex]
  min_cell: 5
"#;

const CODES: [&str; 4] = ["roads", "bus", "other", "old"];

#[test]
fn coded_question_is_summarized_as_multiple_choice() {
    let def = parse_definition(DEF, "coded.yaml").unwrap_or_else(|e| panic!("{e:?}"));
    let mut rng = StdRng::seed_from_u64(7);
    let n = 300;
    let mut answers: Vec<Answers> = Vec::new();
    let mut codings = Codings::new(n);
    let (mut answered, mut coded) = (0, 0);
    for i in 0..n {
        let mut a = Answers::new();
        let sex = if rng.random_bool(0.4) { "m" } else { "f" };
        a.insert(
            "sex".into(),
            Answer::Choice {
                code: sex.into(),
                other_text: None,
            },
        );
        if rng.random_bool(0.8) {
            answered += 1;
            a.insert("why".into(), Answer::Text(format!("answer {i}")));
            if rng.random_bool(0.9) {
                coded += 1;
                let mut set: Vec<String> = CODES
                    .iter()
                    .filter(|_| rng.random_bool(0.35))
                    .map(|c| (*c).to_owned())
                    .collect();
                if set.is_empty() {
                    set.push("other".into());
                }
                let mut mc = set.clone();
                if set.iter().any(|c| c == "roads" || c == "bus") {
                    mc.push("net:city".into());
                }
                a.insert(
                    "why_mc".into(),
                    Answer::Choices {
                        codes: mc,
                        other_text: None,
                    },
                );
                codings.set("why", i, set);
            }
        }
        answers.push(a);
    }
    // A coding of a respondent who gave no text is not counted.
    let silent = answers.iter().position(|a| !a.contains_key("why")).unwrap_or(0);
    codings.set("why", silent, vec!["roads".into()]);
    let source = WithCodings {
        answers: &answers,
        codings,
    };
    let input = SummaryInput {
        definition: &def,
        population: None,
        answers: &source,
        language: "en",
    };
    let s = summarize(&input, &ReportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let q = |id: &str| {
        s.questions
            .iter()
            .find(|q| q.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let (text, mc) = (q("why"), q("why_mc"));
    let count = text.coding.as_ref().unwrap_or_else(|| panic!("no coding counts"));
    assert_eq!((count.answered, count.coded), (answered, coded));
    assert_eq!(text.kind, crate::report::QuestionType::Text);
    let strip = |v: serde_json::Value| {
        let mut v = v;
        if let Some(o) = v.as_object_mut() {
            for k in ["id", "type", "text", "coding"] {
                o.remove(k);
            }
        }
        v
    };
    let a = strip(serde_json::to_value(text).unwrap_or_default());
    let b = strip(serde_json::to_value(mc).unwrap_or_default());
    assert_eq!(a, b);
    assert!(a["options"].as_array().is_some_and(|o| o.len() == 5), "{a}");
    assert!(a["breakdowns"].as_array().is_some_and(|b| !b.is_empty()));
}

#[test]
fn without_codings_a_text_question_is_only_counted() {
    let def = parse_definition(DEF, "coded.yaml").unwrap_or_else(|e| panic!("{e:?}"));
    let mut a = Answers::new();
    a.insert("why".into(), Answer::Text("x".into()));
    let answers = vec![a; 6];
    let input = SummaryInput {
        definition: &def,
        population: None,
        answers: answers.as_slice(),
        language: "en",
    };
    let opts = ReportOptions {
        weighted: false,
        ..ReportOptions::default()
    };
    let s = summarize(&input, &opts).unwrap_or_else(|e| panic!("{e}"));
    let q = s
        .questions
        .iter()
        .find(|q| q.id == "why")
        .unwrap_or_else(|| panic!("why"));
    assert!(q.coding.is_none() && q.estimates.options.is_empty());
    assert_eq!(q.estimates.base_n, Some(6));
}

#[test]
fn codebook_problems_reach_the_definition_errors() {
    let bad = DEF.replace("{code: other, label: {en: Other}}", "{code: roads, label: {en: Again}}");
    let errors = parse_definition(&bad, "coded.yaml")
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    let text = errors
        .problems()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("question 'why': codebook code 'roads' is listed twice"),
        "{text}"
    );
}
