//! Survey definitions: parsing, every validation rule with a failing example, round trips, the condition
//! language, derived variables, the answers JSON form, and the example surveys in `surveys/`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly on purpose")]

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use opros::definition::condition::{eval, parse};
use opros::definition::*;
use proptest::prelude::*;

/// The package root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    let path = root().join("tests/fixtures/definitions").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A small valid definition using every question type; tests break it one way at a time.
const BASE: &str = r#"
slug: test-survey
title: {ru: "Тест", en: "Test"}
topic: transport
languages: [ru, en]
pages:
  - id: p1
    questions:
      - id: sex
        type: single_choice
        text: {ru: "Пол", en: "Sex"}
        options:
          - {code: m, label: {ru: "М", en: "M"}}
          - {code: f, label: {ru: "Ж", en: "F"}}
      - id: age
        type: number
        text: {ru: "Возраст", en: "Age"}
        min: 18
        max: 110
        integer: true
      - id: district
        type: single_choice
        text: {ru: "Район", en: "District"}
        options:
          - {code: d1, label: {ru: "Р1", en: "D1"}}
          - {code: d2, label: {ru: "Р2", en: "D2"}}
  - id: p2
    questions:
      - id: modes
        type: multiple_choice
        text: {ru: "Виды", en: "Modes"}
        max_choices: 2
        options:
          - {code: bus, label: {ru: "Автобус", en: "Bus"}}
          - {code: tram, label: {ru: "Трамвай", en: "Tram"}}
          - {code: none, label: {ru: "Нет", en: "None"}, anchored: true, exclusive: true}
      - id: sat
        type: scale
        text: {ru: "Оценка", en: "Rating"}
        show_if: "count(modes) >= 1"
        points:
          - {code: 1, label: {ru: "1", en: "1"}}
          - {code: 2, label: {ru: "2", en: "2"}}
          - {code: 3, label: {ru: "3", en: "3"}}
        hard_to_say: {code: dk, label: {ru: "Затрудняюсь", en: "Hard to say"}}
      - id: aspects
        type: matrix
        text: {ru: "Аспекты", en: "Aspects"}
        rows:
          - {code: punctuality, label: {ru: "Пунктуальность", en: "Punctuality"}}
          - {code: cleanliness, label: {ru: "Чистота", en: "Cleanliness"}}
        points:
          - {code: 1, label: {ru: "плохо", en: "poor"}}
          - {code: 2, label: {ru: "средне", en: "fair"}}
          - {code: 3, label: {ru: "хорошо", en: "good"}}
      - id: comment
        type: text
        text: {ru: "Комментарий", en: "Comment"}
        max_length: 500
      - id: rank
        type: ranking
        text: {ru: "Приоритеты", en: "Priorities"}
        options:
          - {code: a, label: {ru: "А", en: "A"}}
          - {code: b, label: {ru: "Б", en: "B"}}
          - {code: c, label: {ru: "В", en: "C"}}
      - id: trip
        type: date
        text: {ru: "Поездка", en: "Trip"}
        min: 2020-01-01
        max: 2026-12-31
      - id: note
        type: info
        text: {ru: "Спасибо", en: "Thanks"}
derived:
  - id: age_group
    from: age
    bins:
      - {code: "18-29", min: 18, max: 29}
      - {code: "30-44", min: 30, max: 44}
      - {code: "45-59", min: 45, max: 59}
      - {code: "60+", min: 60}
  - id: area
    from: district
    groups: {centre: [d1], periphery: [d2]}
weighting:
  method: raking
  variables: [sex, age_group, district]
  population: populations/example.yaml
"#;

fn base() -> Definition {
    parse_definition(BASE, "base.yaml").unwrap_or_else(|e| panic!("BASE must be valid:\n{e}"))
}

/// BASE with `from` replaced by `to` (which must occur exactly once).
fn broken(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "'{from}' must occur once in BASE");
    BASE.replace(from, to)
}

fn errors_of(src: &str) -> DefinitionErrors {
    match parse_definition(src, "t.yaml") {
        Ok(_) => panic!("expected problems, the definition was accepted"),
        Err(e) => e,
    }
}

/// The single problem of `src`, displayed.
fn only_problem(src: &str) -> String {
    let e = errors_of(src);
    assert_eq!(e.len(), 1, "expected exactly one problem, got:\n{e}");
    e.problems()[0].to_string()
}

/// 1-based line of the first line containing `needle`.
fn line_of(src: &str, needle: &str) -> usize {
    src.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} not found"))
}

// ------------------------------------------------------------------------------------------------------
// Round trips

#[test]
fn every_question_type_round_trips_through_json() {
    let def = base();
    let kinds: Vec<&str> = def.questions().map(|(_, q)| q.kind.name()).collect();
    for kind in [
        "single_choice",
        "multiple_choice",
        "scale",
        "matrix",
        "number",
        "text",
        "ranking",
        "date",
        "info",
    ] {
        assert!(kinds.contains(&kind), "BASE lacks {kind}");
    }
    let json = serde_json::to_string(&def).unwrap();
    let back: Definition = serde_json::from_str(&json).unwrap();
    assert_eq!(back, def);
    // and each question on its own
    for (_, q) in def.questions() {
        // through serde_json::Value, which sorts object keys
        let j = serde_json::to_value(q).unwrap();
        assert_eq!(j["type"], q.kind.name());
        let back: Question = serde_json::from_value(j).unwrap();
        assert_eq!(&back, q);
    }
}

#[test]
fn parsed_values_are_what_the_yaml_says() {
    let def = base();
    assert_eq!(def.page_count(), 2);
    assert_eq!(def.default_language(), "ru");
    assert_eq!(def.questions().count(), 10);
    assert_eq!(def.page_of("modes"), Some(1));
    let Some(QuestionKind::Number(n)) = def.question("age").map(|q| &q.kind) else {
        panic!("age is a number")
    };
    assert_eq!((n.min, n.max, n.integer), (Some(18.0), Some(110.0), true));
    let Some(QuestionKind::MultipleChoice(m)) = def.question("modes").map(|q| &q.kind) else {
        panic!("modes is a multiple choice")
    };
    assert_eq!(m.max_choices, Some(2));
    assert!(m.options[2].anchored && m.options[2].exclusive);
    let Some(QuestionKind::Scale(s)) = def.question("sat").map(|q| &q.kind) else {
        panic!("sat is a scale")
    };
    assert_eq!(s.value("2"), Some(2.0));
    assert_eq!(s.value("dk"), None);
    let Some(QuestionKind::Date(d)) = def.question("trip").map(|q| &q.kind) else {
        panic!("trip is a date")
    };
    assert_eq!(d.min, NaiveDate::from_ymd_opt(2020, 1, 1));
    assert_eq!(
        def.question("sat").and_then(|q| q.show_if.as_ref()).map(|c| c.source()),
        Some("count(modes) >= 1")
    );
    assert!(def.anonymous, "anonymous defaults to true");
    assert_eq!(def.report.min_cell, 10, "min_cell defaults to 10");
    assert_eq!(def.report.publish, Publish::All);
    assert_eq!(def.categories("age_group").unwrap(), ["18-29", "30-44", "45-59", "60+"]);
    assert_eq!(def.categories("area").unwrap(), ["centre", "periphery"]);
    assert_eq!(def.categories("age"), None);
}

#[test]
fn texts_fall_back_to_the_default_language() {
    // languages put English first; the texts are written Russian first.
    let src = BASE.replace("languages: [ru, en]", "languages: [en, ru]");
    let def = parse_definition(&src, "t.yaml").unwrap();
    assert_eq!(def.default_language(), "en");
    assert_eq!(def.title.get("ru"), "Тест");
    assert_eq!(
        def.title.get("de"),
        "Test",
        "unknown language falls back to the default (en)"
    );
    let back: Definition = serde_json::from_str(&serde_json::to_string(&def).unwrap()).unwrap();
    assert_eq!(
        back.title.get("de"),
        "Test",
        "the fallback survives the JSON round trip"
    );
    // a text missing in a non-default language
    let src = BASE.replace(r#"text: {ru: "Пол", en: "Sex"}"#, r#"text: {ru: "Пол"}"#);
    let def = parse_definition(&src, "t.yaml").unwrap();
    assert_eq!(def.question("sex").unwrap().text.get("en"), "Пол");
}

// ------------------------------------------------------------------------------------------------------
// Validation rules: one failing example each, message asserted

#[test]
fn duplicate_question_id() {
    let src = broken("      - id: comment\n", "      - id: sex\n");
    let e = errors_of(&src);
    assert!(e.mentions("question 'sex': question id 'sex' is used twice"), "{e}");
}

#[test]
fn duplicate_option_code() {
    let src = broken(
        r#"{code: f, label: {ru: "Ж", en: "F"}}"#,
        r#"{code: m, label: {ru: "Ж", en: "F"}}"#,
    );
    let msg = only_problem(&src);
    assert_eq!(
        msg,
        format!(
            "t.yaml:{}: question 'sex': option code 'm' is used twice",
            line_of(&src, "- id: sex")
        )
    );
}

#[test]
fn show_if_unknown_question() {
    let src = broken(r#"show_if: "count(modes) >= 1""#, r#"show_if: "nosuch == 'x'""#);
    let msg = only_problem(&src);
    assert_eq!(
        msg,
        format!(
            "t.yaml:{}: question 'sat': show_if refers to 'nosuch', which is not a question or derived variable",
            line_of(&src, "show_if:")
        )
    );
}

#[test]
fn show_if_later_question_from_the_fixture() {
    // tests/fixtures/definitions/later_reference.yaml: q1 refers to q3 on a later page.
    let src = fixture("later_reference.yaml");
    let e = errors_of(&src);
    assert_eq!(e.len(), 1, "{e}");
    assert_eq!(
        e.problems()[0].to_string(),
        "later_reference.yaml:17: question 'q1': show_if refers to 'q3', which comes later"
            .replace("later_reference.yaml", "t.yaml")
    );
    assert_eq!(e.problems()[0].line, Some(17));
    assert_eq!(e.problems()[0].question.as_deref(), Some("q1"));
}

#[test]
fn show_if_later_question_on_the_same_page_and_itself() {
    let src = broken(
        r#"show_if: "count(modes) >= 1""#,
        r#"show_if: "comment == 'x' or sat == 1""#,
    );
    let e = errors_of(&src);
    assert!(
        e.mentions("question 'sat': show_if refers to 'comment', which comes later"),
        "{e}"
    );
    assert!(e.mentions("question 'sat': show_if refers to 'sat' itself"), "{e}");
    assert_eq!(e.len(), 2, "{e}");
}

#[test]
fn show_if_on_a_shuffled_page_may_not_refer_to_the_same_page() {
    let src = broken("  - id: p2\n", "  - id: p2\n    randomize_questions: true\n");
    let msg = only_problem(&src);
    assert!(
        msg.contains("show_if refers to 'modes' on the same page, whose questions are shuffled"),
        "{msg}"
    );
}

#[test]
fn show_if_type_errors() {
    let cases = [
        ("sex == 'x'", "'sex' has no option 'x' (options: m, f)"),
        (
            "comment < 'abc'",
            "'<' cannot compare the text answer 'comment'; use == or !=",
        ),
        (
            "age >= 'old'",
            "'age' is a number: compare it with a number without quotes, not with 'old'",
        ),
        (
            "modes == 'bus'",
            "'modes' allows several answers: use selected(modes, 'bus') or count(modes)",
        ),
        (
            "sex > 'm'",
            "'>' cannot be used with 'sex', which is a choice: use == or in [...]",
        ),
        (
            "trip > '2026-13-01'",
            "'trip' is a date: compare it with a date written 'YYYY-MM-DD'",
        ),
        (
            "selected(modes, 'car')",
            "'modes' has no option 'car' (options: bus, tram, none)",
        ),
        (
            "aspects == 1",
            "'aspects' is a matrix: name one row, e.g. aspects.punctuality",
        ),
        (
            "aspects.comfort == 1",
            "matrix 'aspects' has no row 'comfort' (rows: punctuality, cleanliness)",
        ),
        (
            "count(sex) > 1",
            "count(sex) counts the choices of a multiple choice, ranking or matrix",
        ),
        (
            "age_group == '18-30'",
            "'age_group' has no option '18-30' (options: 18-29, 30-44, 45-59, 60+)",
        ),
        (
            "district in ['d1', 'd9']",
            "'district' has no option 'd9' (options: d1, d2)",
        ),
        ("note == 'x'", "'note' is an info text and has no answer"),
        ("1 == 1", "'1 == 1' compares two fixed values"),
    ];
    for (cond, expected) in cases {
        // the condition sits on a last question, after everything it refers to
        let src = format!(
            "{}      - id: last\n        type: text\n        text: {{ru: \"Последний\"}}\n        show_if: \"{cond}\"\n",
            BASE.split("derived:").next().unwrap_or(BASE)
        ) + "derived:" + BASE.split("derived:").nth(1).unwrap_or("");
        let msg = only_problem(&src);
        assert!(
            msg.contains(&format!("question 'last': show_if: {expected}")),
            "for {cond}: got {msg}"
        );
    }
}

#[test]
fn show_if_syntax_errors_name_the_column() {
    let cases = [
        ("sex = 'm'", "syntax error at column 5: use '==' to compare"),
        (
            "sex == 'm' and",
            "syntax error at column 15: the condition ends too early",
        ),
        ("(sex == 'm'", "expected ')' before the end"),
        ("sex == 'm", "at column 8: this text has no closing quote"),
        ("sex", "'sex' alone is not a condition"),
        ("len(sex) > 1", "unknown function 'len'"),
        ("age_group == 18-29", "write codes in quotes, e.g. '18-29'"),
        ("sex == 'm' && age > 1", "use 'and' instead of '&&'"),
    ];
    for (cond, expected) in cases {
        let src = broken(r#"show_if: "count(modes) >= 1""#, &format!("show_if: \"{cond}\""));
        let msg = only_problem(&src);
        assert!(
            msg.contains("question 'sat': show_if: syntax error"),
            "for {cond}: {msg}"
        );
        assert!(msg.contains(expected), "for {cond}: expected '{expected}' in {msg}");
    }
}

#[test]
fn number_min_greater_than_max() {
    let src = broken(
        "        min: 18\n        max: 110\n",
        "        min: 110\n        max: 18\n",
    );
    let e = errors_of(&src);
    assert!(e.mentions("question 'age': min (110) is greater than max (18)"), "{e}");
}

#[test]
fn date_min_after_max() {
    let src = broken(
        "min: 2020-01-01\n        max: 2026-12-31",
        "min: 2026-12-31\n        max: 2020-01-01",
    );
    assert!(only_problem(&src).ends_with("question 'trip': min (2026-12-31) is after max (2020-01-01)"));
}

#[test]
fn empty_option_lists() {
    let src = broken(
        "        options:\n          - {code: d1, label: {ru: \"Р1\", en: \"D1\"}}\n          - {code: d2, label: {ru: \"Р2\", en: \"D2\"}}\n",
        "        options: []\n",
    );
    let e = errors_of(&src);
    assert!(e.mentions("question 'district': single_choice has no options"), "{e}");
    // and the grouping of district now names codes it does not have
    assert!(
        e.mentions("group 'centre' lists 'd1', which is not a code of 'district'"),
        "{e}"
    );
    let src = broken("        rows:\n", "        rows: []\n        unused_rows:\n");
    let e = errors_of(&src);
    assert!(e.mentions("question 'aspects': matrix has no rows"), "{e}");
    assert!(
        e.mentions("question 'aspects': unknown key 'unused_rows' for a matrix question"),
        "{e}"
    );
}

#[test]
fn missing_default_language_text() {
    let src = broken(
        r#"{code: tram, label: {ru: "Трамвай", en: "Tram"}}"#,
        r#"{code: tram, label: {en: "Tram"}}"#,
    );
    assert!(only_problem(&src).ends_with("question 'modes': option 'tram' has no text in the default language 'ru'"));
    let src = broken(r#"title: {ru: "Тест", en: "Test"}"#, r#"title: {en: "Test"}"#);
    assert_eq!(
        only_problem(&src),
        "t.yaml:3: title has no text in the default language 'ru'"
    );
    let src = broken("  - id: p2\n", "  - id: p2\n    title: {en: \"Second\"}\n");
    assert_eq!(
        only_problem(&src),
        format!(
            "t.yaml:{}: title of page 'p2' has no text in the default language 'ru'",
            line_of(&src, "- id: p2")
        )
    );
    let src = broken(
        r#"text: {ru: "Спасибо", en: "Thanks"}"#,
        r#"text: {ru: "Спасибо", de: "Danke"}"#,
    );
    assert!(
        only_problem(&src).ends_with("question 'note': text has a text in 'de', which is not in languages (ru, en)")
    );
}

#[test]
fn weighting_variable_must_be_single_choice_or_derived() {
    let src = broken(
        "variables: [sex, age_group, district]",
        "variables: [sex, age, district, modes]",
    );
    let e = errors_of(&src);
    let line = line_of(&src, "weighting:");
    assert!(e.mentions(&format!(
        "t.yaml:{line}: weighting variable 'age' is a number question; use a single_choice question or a derived variable"
    )), "{e}");
    assert!(
        e.mentions("weighting variable 'modes' is a multiple_choice question"),
        "{e}"
    );
    let src = broken("variables: [sex, age_group, district]", "variables: [sex, nosuch]");
    assert!(only_problem(&src).contains("weighting variable 'nosuch' is not a question or derived variable"));
}

#[test]
fn population_categories_must_match_option_codes() {
    let def = base();
    // district has d1, d2 in BASE; the example population has d1..d5.
    let pop = parse_population(
        &std::fs::read_to_string(root().join("surveys/populations/example.yaml")).unwrap(),
        "example.yaml",
    )
    .unwrap();
    let problems: Vec<String> = check_population(&def, &pop).iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert_eq!(
        problems[0],
        "populations/example.yaml: question 'district': category 'd3' of 'district' in population \
         'example-region-2026' is not a code of 'district' (codes: d1, d2)"
    );
    // a code without a population figure
    let src = broken(
        r#"{code: f, label: {ru: "Ж", en: "F"}}"#,
        "{code: f, label: {ru: \"Ж\", en: \"F\"}}\n          - {code: x, label: {ru: \"Другой\", en: \"Other\"}}",
    );
    let def = parse_definition(&src, "t.yaml").unwrap();
    let problems = check_population(&def, &pop);
    assert!(
        problems.iter().any(|p| p
            .to_string()
            .ends_with("question 'sex': code 'x' of 'sex' has no figure in population 'example-region-2026'")),
        "{problems:?}"
    );
}

#[test]
fn bad_slug() {
    for slug in ["Test_Survey", "", "опрос", &"a".repeat(65)] {
        let src = broken("slug: test-survey", &format!("slug: \"{slug}\""));
        let msg = only_problem(&src);
        assert_eq!(
            msg,
            format!("t.yaml:2: slug '{slug}' must be 1 to 64 characters of a-z, 0-9 and '-' (it becomes the address /s/{{slug}})")
        );
    }
    assert!(valid_slug(&"a".repeat(64)));
}

#[test]
fn max_choices_out_of_range() {
    for (n, bad) in [(0, true), (1, false), (3, false), (4, true)] {
        let src = broken("max_choices: 2", &format!("max_choices: {n}"));
        let result = parse_definition(&src, "t.yaml");
        if bad {
            let e = result.unwrap_err();
            assert!(
                e.mentions(&format!(
                    "question 'modes': max_choices is {n} but must be between 1 and 3 (the number of options)"
                )),
                "{e}"
            );
        } else {
            assert!(result.is_ok(), "max_choices {n} is fine");
        }
    }
}

#[test]
fn derived_from_unknown_question() {
    let src = broken("    from: age\n", "    from: ages\n");
    let e = errors_of(&src);
    let line = line_of(&src, "- id: age_group");
    assert!(e.mentions(&format!(
        "t.yaml:{line}: question 'age_group': derived variable 'age_group' is computed from 'ages', which is not a question"
    )), "{e}");
}

#[test]
fn derived_bins_and_groups_are_checked() {
    let src = broken(
        r#"{code: "30-44", min: 30, max: 44}"#,
        r#"{code: "30-44", min: 29, max: 44}"#,
    );
    assert!(only_problem(&src).ends_with("question 'age_group': bins '18-29' and '30-44' overlap"));
    let src = broken(
        "groups: {centre: [d1], periphery: [d2]}",
        "groups: {centre: [d1], periphery: [d1, d7]}",
    );
    let e = errors_of(&src);
    assert!(
        e.mentions("code 'd1' is in both group 'centre' and group 'periphery'"),
        "{e}"
    );
    assert!(
        e.mentions("group 'periphery' lists 'd7', which is not a code of 'district' (codes: d1, d2)"),
        "{e}"
    );
    let src = broken("    from: age\n", "    from: sex\n");
    assert!(errors_of(&src).mentions("bins need a number or scale question; 'sex' is a single_choice"));
}

#[test]
fn quota_errors() {
    let quotas = "quotas:\n  - {id: q_men, when: \"sex == 'x' and agee > 3\", limit: 10}\n  - {id: q_age, question: age, limit: 5}\n  - {id: q_both, when: \"sex == 'm'\", question: sex, limit: 5}\n  - {id: q_zero, question: district, limit: 0}\n  - {id: q_syntax, when: \"sex ==\", limit: 3}\n";
    let src = format!("{BASE}{quotas}");
    let e = errors_of(&src);
    let line = line_of(&src, "id: q_men");
    assert!(
        e.mentions(&format!(
            "t.yaml:{line}: quota 'q_men': when: 'sex' has no option 'x' (options: m, f)"
        )),
        "{e}"
    );
    assert!(
        e.mentions("quota 'q_men': when: refers to 'agee', which is not a question or derived variable"),
        "{e}"
    );
    assert!(
        e.mentions("quota 'q_age': 'age' is a number question; use a single_choice question or a derived variable"),
        "{e}"
    );
    assert!(
        e.mentions("quota 'q_both' needs exactly one of 'when' (a condition) or 'question' (a cap per option)"),
        "{e}"
    );
    assert!(e.mentions("quota 'q_zero': limit must be at least 1"), "{e}");
    assert!(
        e.mentions("quota 'q_syntax': when: syntax error at column 7: the condition ends too early"),
        "{e}"
    );
    assert_eq!(e.len(), 6, "{e}");
}

#[test]
fn several_problems_are_all_reported() {
    // tests/fixtures/definitions/several_problems.yaml has one problem of each kind listed below.
    let src = fixture("several_problems.yaml");
    let e = match parse_definition(&src, "several_problems.yaml") {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    };
    let expected = [
        "several_problems.yaml:1: slug 'Bad Slug!' must be 1 to 64 characters",
        "question 'q1': option code 'a' is used twice",
        "question 'q2': min (10) is greater than max (1)",
        "question 'q3': show_if refers to 'q9', which is not a question or derived variable",
        "question 'q3': show_if: 'q1' has no option 'zz' (options: a, b)",
        "question 'q4': unknown key 'show_iff' for a text question",
        "question 'q5': unknown variant `singel_choice`",
        "question 'q6': multiple_choice has no options",
        "several_problems.yaml:37: question 'q1': question id 'q1' is used twice",
        "weighting variable 'q2' is a number question",
    ];
    for want in expected {
        assert!(e.mentions(want), "missing '{want}' in:\n{e}");
    }
    assert_eq!(e.len(), expected.len(), "{e}");
    // every problem has a line
    assert!(e.problems().iter().all(|p| p.line.is_some()), "{e}");
}

#[test]
fn top_level_mistakes_are_reported_with_lines() {
    let src = BASE.replace("topic: transport\n", "");
    let e = errors_of(&src);
    assert!(e.mentions("missing field `topic`"), "{e}");
    let src = BASE.replace("languages: [ru, en]", "languages: ru");
    let e = errors_of(&src);
    assert_eq!(e.problems()[0].line, Some(5), "{e}");
    assert!(parse_definition("", "empty.yaml").is_err());
    assert!(parse_definition("- a\n- b\n", "list.yaml").is_err());
}

#[test]
fn yaml_errors_have_lines() {
    let src = "slug: x\ntitle: {ru: \"a\"\ntopic: t\n";
    let e = errors_of(src);
    assert_eq!(e.len(), 1);
    assert!(e.problems()[0].line.is_some(), "{e}");
    let src = BASE.replace("topic: transport\n", "topic: transport\ncolour: blue\n");
    let msg = only_problem(&src);
    assert!(msg.starts_with("t.yaml:5: unknown field `colour`"), "{msg}");
    let src = broken("        integer: true\n", "        integer: yes please\n");
    assert!(only_problem(&src).contains("question 'age': invalid type"));
}

#[test]
fn other_rules() {
    // scale point codes must be numbers
    let src = broken(
        r#"{code: 3, label: {ru: "3", en: "3"}}"#,
        r#"{code: three, label: {ru: "3", en: "3"}}"#,
    );
    assert!(only_problem(&src)
        .ends_with("question 'sat': scale point code 'three' must be a number (means are computed from the codes)"));
    // info cannot be required
    let src = broken(
        "        text: {ru: \"Спасибо\", en: \"Thanks\"}\n",
        "        text: {ru: \"Спасибо\", en: \"Thanks\"}\n        required: true\n",
    );
    assert!(only_problem(&src).ends_with("question 'note': an info text takes no answer, so it cannot be required"));
    // opens after closes
    let src = broken(
        "topic: transport\n",
        "topic: transport\nopens: 2026-05-01\ncloses: 2026-04-01\n",
    );
    assert!(only_problem(&src).ends_with("closes (2026-04-01) is before opens (2026-05-01)"));
    // page blocks: unknown page
    let src = format!("{BASE}page_blocks:\n  - [p1, p9]\n");
    assert!(errors_of(&src).mentions("page_blocks names page 'p9', which does not exist"));
    // report breakdown must be categorical, published ids must exist
    let src = format!("{BASE}report:\n  breakdowns: [sex, comment]\n  publish: [sex, nosuch]\n");
    let e = errors_of(&src);
    assert!(e.mentions("breakdown 'comment' is a text question"), "{e}");
    assert!(e.mentions("publish lists 'nosuch', which is not a question"), "{e}");
    // a question id that cannot be used in conditions
    let src = broken("      - id: comment\n", "      - id: my-comment\n");
    assert!(only_problem(&src).contains("question 'my-comment': the id must start with a letter"));
}

#[test]
fn show_if_across_a_page_block_is_rejected() {
    let src = format!("{BASE}page_blocks:\n  - [p1, p2]\n")
        .replace(r#"show_if: "count(modes) >= 1""#, r#"show_if: "sex == 'm'""#);
    let msg = only_problem(&src);
    assert!(
        msg.contains("show_if refers to 'sex' on page 'p1', which is shuffled with this page"),
        "{msg}"
    );
}

// ------------------------------------------------------------------------------------------------------
// Conditions: evaluation semantics

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn holds(cond: &str, a: &Answers) -> bool {
    let expr = parse(cond).unwrap_or_else(|e| panic!("{cond}: {e}"));
    eval(&expr, a)
}

#[test]
fn unanswered_questions_make_comparisons_false_and_not_true() {
    let none = Answers::new();
    for cond in [
        "sex == 'm'",
        "sex != 'm'",
        "age < 30",
        "age >= 30",
        "sex in ['m']",
        "sex not in ['m']",
        "answered(sex)",
        "selected(modes, 'bus')",
        "count(modes) >= 1",
    ] {
        assert!(!holds(cond, &none), "{cond} must be false when unanswered");
    }
    for cond in [
        "not sex == 'm'",
        "not (age < 30)",
        "not answered(sex)",
        "count(modes) == 0",
    ] {
        assert!(holds(cond, &none), "{cond} must be true when unanswered");
    }
}

#[test]
fn conditions_evaluate_like_a_sociologist_reads_them() {
    let a = answers(&[
        ("sex", Answer::choice("f")),
        ("age", Answer::Number(45.0)),
        ("modes", Answer::choices(&["bus", "tram"])),
        ("sat", Answer::Scale("dk".into())),
        (
            "aspects",
            Answer::Matrix(BTreeMap::from([("punctuality".into(), "1".into())])),
        ),
        ("comment", Answer::Text("хорошо".into())),
        ("trip", Answer::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())),
        ("rank", Answer::Ranking(vec!["b".into(), "a".into()])),
    ]);
    let truths = [
        ("sex == 'f' and age >= 18", true),
        ("sex == 'm' or age > 44", true),
        ("sex == 'm' or age > 45", false),
        ("not sex == 'm' and age <= 45", true),
        ("18 <= age", true),
        ("sex in ['m', 'x']", false),
        ("sex not in ['m']", true),
        (
            "count(modes) == 2 and selected(modes, 'tram') and not selected(modes, 'none')",
            true,
        ),
        ("sat == 'dk'", true),
        ("sat >= 1 or sat < 1", false), // "hard to say" is in no numeric comparison
        ("sat != 3", true),
        ("aspects.punctuality <= 2", true),
        ("aspects.cleanliness <= 2", false), // row left blank
        (
            "answered(aspects.punctuality) and not answered(aspects.cleanliness)",
            true,
        ),
        ("comment == 'хорошо'", true),
        ("comment != \"плохо\"", true),
        ("trip >= '2026-01-01' and trip < '2026-03-02'", true),
        ("selected(rank, 'b') and count(rank) == 2", true),
        ("(sex == 'm' or sex == 'f') and (age < 20 or age > 40)", true),
        ("sex == 'f' and not (age > 40 and sex == 'f')", false),
    ];
    for (cond, want) in truths {
        assert_eq!(holds(cond, &a), want, "{cond}");
    }
}

#[test]
fn precedence_is_not_then_and_then_or() {
    let a = answers(&[("x", Answer::Number(1.0))]);
    // or binds loosest: true or (false and false)
    assert!(holds("x == 1 or x == 2 and x == 3", &a));
    // not binds tighter than and: (not false) and true
    assert!(holds("not x == 2 and x == 1", &a));
}

#[test]
fn visible_uses_derived_variables_and_quota_keys() {
    let src = broken(
        r#"show_if: "count(modes) >= 1""#,
        r#"show_if: "age_group == '60+' or area == 'centre'""#,
    );
    let def = parse_definition(&src, "t.yaml").unwrap();
    let old_periphery = answers(&[("age", Answer::Number(71.0)), ("district", Answer::choice("d2"))]);
    let young_centre = answers(&[("age", Answer::Number(25.0)), ("district", Answer::choice("d1"))]);
    let young_periphery = answers(&[("age", Answer::Number(25.0)), ("district", Answer::choice("d2"))]);
    assert!(def.visible("sat", &old_periphery));
    assert!(def.visible("sat", &young_centre));
    assert!(!def.visible("sat", &young_periphery));
    assert!(def.visible("sex", &young_periphery), "no show_if: always visible");
    assert!(!def.visible("nosuch", &young_periphery));

    let src = format!("{BASE}quotas:\n  - {{id: young_m, when: \"sex == 'm' and age_group == '18-29'\", limit: 5}}\n  - {{id: per_area, question: area, limit: 9}}\n");
    let def = parse_definition(&src, "t.yaml").unwrap();
    let mut a = young_centre.clone();
    a.insert("sex".into(), Answer::choice("m"));
    assert_eq!(def.quota_keys(&a), ["young_m", "per_area=centre"]);
    assert_eq!(def.quota_keys(&old_periphery), ["per_area=periphery"]);
}

// ------------------------------------------------------------------------------------------------------
// Derived variables

#[test]
fn bins_are_inclusive_at_both_ends() {
    let def = base();
    let cases = [
        (17.0, None),
        (18.0, Some("18-29")),
        (29.0, Some("18-29")),
        (29.5, None),
        (30.0, Some("30-44")),
        (59.0, Some("45-59")),
        (60.0, Some("60+")),
        (104.0, Some("60+")),
    ];
    for (age, want) in cases {
        let a = answers(&[("age", Answer::Number(age))]);
        let got = derived::compute(&def, &a);
        assert_eq!(got.get("age_group").map(String::as_str), want, "age {age}");
        assert_eq!(derived::category(&def, "age_group", &a).as_deref(), want);
    }
    let a = answers(&[("district", Answer::choice("d2")), ("sex", Answer::choice("f"))]);
    assert_eq!(
        derived::compute(&def, &a),
        BTreeMap::from([("area".to_owned(), "periphery".to_owned())])
    );
    assert_eq!(derived::category(&def, "sex", &a).as_deref(), Some("f"));
    assert_eq!(derived::category(&def, "age_group", &a), None, "age unanswered");
}

// ------------------------------------------------------------------------------------------------------
// Answers JSON (the stored form, documented in definition::answer)

#[test]
fn answers_have_the_documented_compact_json() {
    let a = answers(&[
        ("a_choice", Answer::choice("m")),
        (
            "b_other",
            Answer::Choice {
                code: "other".into(),
                other_text: Some("велосипед".into()),
            },
        ),
        ("c_choices", Answer::choices(&["bus", "tram"])),
        (
            "d_choices_other",
            Answer::Choices {
                codes: vec!["other".into()],
                other_text: Some("ferry".into()),
            },
        ),
        ("e_scale", Answer::Scale("4".into())),
        (
            "f_matrix",
            Answer::Matrix(BTreeMap::from([("punctuality".into(), "dk".into())])),
        ),
        ("g_number", Answer::Number(12.5)),
        ("h_text", Answer::Text("hello".into())),
        ("i_date", Answer::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())),
        ("j_ranking", Answer::Ranking(vec!["price".into(), "speed".into()])),
    ]);
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(
        json,
        r#"{"a_choice":"m","b_other":{"choice":"other","other":"велосипед"},"c_choices":["bus","tram"],"d_choices_other":{"choices":["other"],"other":"ferry"},"e_scale":{"scale":"4"},"f_matrix":{"matrix":{"punctuality":"dk"}},"g_number":12.5,"h_text":{"text":"hello"},"i_date":{"date":"2026-03-01"},"j_ranking":{"ranking":["price","speed"]}}"#
    );
    let back: Answers = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
}

#[test]
fn malformed_answer_json_is_rejected() {
    for bad in [
        r#"{"x":{"scale":"1","text":"a"}}"#,
        r#"{"x":{"other":"a"}}"#,
        r#"{"x":{"colour":"red"}}"#,
        r#"{"x":true}"#,
        r#"{"x":{"date":"2026-02-30"}}"#,
    ] {
        assert!(serde_json::from_str::<Answers>(bad).is_err(), "{bad} must be rejected");
    }
}

fn code_strategy() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{1,8}"
}

fn answer_strategy() -> impl Strategy<Value = Answer> {
    let other = proptest::option::of("[^\"]{0,12}");
    prop_oneof![
        (code_strategy(), other.clone()).prop_map(|(code, other_text)| Answer::Choice { code, other_text }),
        (proptest::collection::vec(code_strategy(), 0..4), other)
            .prop_map(|(codes, other_text)| Answer::Choices { codes, other_text }),
        code_strategy().prop_map(Answer::Scale),
        proptest::collection::btree_map(code_strategy(), code_strategy(), 0..4).prop_map(Answer::Matrix),
        // decimals as people type them (serde_json reads those back exactly)
        (-100_000_000_000i64..100_000_000_000).prop_map(|k| Answer::Number(k as f64 / 100.0)),
        ".{0,20}".prop_map(Answer::Text),
        (0i32..3_000_000).prop_map(|d| Answer::Date(NaiveDate::from_num_days_from_ce_opt(d + 1).unwrap())),
        proptest::collection::vec(code_strategy(), 0..4).prop_map(Answer::Ranking),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: crate::common::proptest_regressions!("definition"),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_answers_round_trip_through_json(a in proptest::collection::btree_map("[a-z_]{1,6}", answer_strategy(), 0..6)) {
        let json = serde_json::to_string(&a).unwrap();
        let back: Answers = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, a);
    }

    /// Arbitrary text never panics the condition parser, and what parses evaluates without panicking.
    #[test]
    fn the_condition_parser_never_panics(s in ".{0,40}", x in -5.0..5.0f64) {
        if let Ok(e) = parse(&s) {
            let a = answers(&[("x", Answer::Number(x))]);
            let _ = eval(&e, &a);
        }
    }

    /// `not` is exact negation, and `a != v` equals `answered(a) and not a == v`.
    #[test]
    fn not_negates_and_ne_needs_an_answer(v in proptest::option::of(0u8..4), lit in 0u8..4) {
        let a: Answers = v.map(|v| answers(&[("x", Answer::choice(&v.to_string()))])).unwrap_or_default();
        let eq = format!("x == '{lit}'");
        prop_assert_eq!(holds(&format!("not {eq}"), &a), !holds(&eq, &a));
        prop_assert_eq!(holds(&format!("x != '{lit}'"), &a), holds(&format!("answered(x) and not {eq}"), &a));
    }

    /// Every age gets exactly the bin a direct reading of the bins gives.
    #[test]
    fn age_groups_follow_the_bins(age in 0u32..120) {
        let def = base();
        let want = match age { 18..=29 => Some("18-29"), 30..=44 => Some("30-44"), 45..=59 => Some("45-59"), 60.. => Some("60+"), _ => None };
        let a = answers(&[("age", Answer::Number(f64::from(age)))]);
        let got = derived::category(&def, "age_group", &a);
        prop_assert_eq!(got.as_deref(), want);
    }
}

// ------------------------------------------------------------------------------------------------------
// Population files

#[test]
fn population_file_rules() {
    let good = "name: p\ntotal: 1000\nmargins:\n  sex: {m: 480, f: 520}\n  age_group: {\"18-29\": 0.3, \"30+\": 0.7}\ncells:\n  - {sex: m, age_group: \"18-29\", count: 140}\n  - {sex: m, age_group: \"30+\", count: 340}\n  - {sex: f, age_group: \"18-29\", count: 160}\n  - {sex: f, age_group: \"30+\", count: 360}\n";
    let pop = parse_population(good, "p.yaml").unwrap();
    assert_eq!(pop.targets.total, Some(1000.0));
    // rounding within 0.5% is accepted
    assert!(parse_population(&good.replace("f: 520", "f: 524"), "p.yaml").is_ok());
    let cases = [
        (
            good.replace("f: 520", "f: 560"),
            "p.yaml:4: question 'sex': margin 'sex' sums to 1040, but total is 1000 (allowed difference 0.5%)",
        ),
        (
            good.replace("m: 480, f: 520", "m: -480, f: 1480"),
            "'sex' category 'm' has -480; figures must be non-negative",
        ),
        (
            good.replace("count: 360", "count: 300"),
            "the cells sum to 940, but total is 1000",
        ),
        (
            good.replace("{sex: f, age_group: \"30+\", count: 360}", "{sex: f, count: 360}"),
            "does not name the same variables as the first cell (age_group, sex)",
        ),
        (
            good.replace("age_group: \"18-29\", count: 160", "age_group: \"18-29\", count: 150")
                .replace("count: 340", "count: 350"),
            "cells with sex = m sum to 490, but the margin says 480",
        ),
        (
            good.replace(
                "{sex: m, age_group: \"18-29\", count: 140}",
                "{sex: m, age_group: \"18-24\", count: 140}",
            ),
            "cells use 'age_group' category '18-24', which margin 'age_group' lacks",
        ),
        (
            good.replace("name: p\n", "name: p\nsorce: x\n"),
            "p.yaml:2: unknown key 'sorce'",
        ),
    ];
    for (src, want) in cases {
        let e = parse_population(&src, "p.yaml").expect_err(want);
        assert!(e.mentions(want), "expected '{want}' in:\n{e}");
    }
    // without a total, margins must agree with each other
    let e = parse_population(
        "name: p\nmargins:\n  sex: {m: 1, f: 2}\n  district: {d1: 4}\n",
        "p.yaml",
    )
    .unwrap_err();
    assert!(
        e.mentions("margin 'sex' sums to 3, but 'district' sums to 4; give a total"),
        "{e}"
    );
}

// ------------------------------------------------------------------------------------------------------
// The example surveys

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("surveys"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_survey_parses_and_fits_its_population() {
    let files = example_files();
    assert!(files.len() >= 3, "at least three example surveys");
    let mut tracks = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let src = std::fs::read_to_string(&path).unwrap();
        let def = parse_definition(&src, &name).unwrap_or_else(|e| panic!("{e}"));
        let back: Definition = serde_json::from_str(&serde_json::to_string(&def).unwrap()).unwrap();
        assert_eq!(back, def, "{name}: JSON round trip");

        let n = def.questions().count();
        assert!((12..=30).contains(&n), "{name}: {n} questions");
        let kinds: std::collections::BTreeSet<&str> = def.questions().map(|(_, q)| q.kind.name()).collect();
        assert_eq!(kinds.len(), 9, "{name} must use every question type, uses {kinds:?}");
        assert!(
            def.questions().filter(|(_, q)| q.show_if.is_some()).count() >= 3,
            "{name}: conditions"
        );
        assert_eq!(def.categories("sex").unwrap(), ["m", "f"], "{name}");
        assert_eq!(
            def.categories("district").unwrap(),
            ["d1", "d2", "d3", "d4", "d5"],
            "{name}"
        );
        assert_eq!(
            def.categories("age_group").unwrap(),
            ["18-29", "30-44", "45-59", "60+"],
            "{name}"
        );
        assert!(
            matches!(def.question("age").map(|q| &q.kind), Some(QuestionKind::Number(_))),
            "{name}"
        );
        let scheme = def.weighting.as_ref().unwrap();
        assert_eq!(scheme.variables, ["sex", "age_group", "district"], "{name}");
        assert_eq!(def.languages, ["ru", "en"], "{name}");
        for (_, q) in def.questions() {
            assert!(
                !q.text.exact("en").unwrap_or("").is_empty(),
                "{name}: {} lacks English",
                q.id
            );
        }
        tracks.extend(
            def.questions()
                .filter_map(|(_, q)| q.track.clone().map(|t| (t, q.text.get("ru").to_owned()))),
        );

        let pop_path = population_path(&def, &path).unwrap();
        let pop_src = std::fs::read_to_string(&pop_path).unwrap();
        let pop = parse_population(&pop_src, "example.yaml").unwrap_or_else(|e| panic!("{e}"));
        let problems = check_population(&def, &pop);
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }
    // the same tracked question, same wording, in every survey
    assert!(tracks.len() >= 3);
    assert!(tracks.windows(2).all(|w| w[0] == w[1]), "{tracks:?}");
}

#[test]
fn example_population_says_it_is_illustrative() {
    let src = std::fs::read_to_string(root().join("surveys/populations/example.yaml")).unwrap();
    let pop = parse_population(&src, "example.yaml").unwrap();
    assert!(pop.source.unwrap_or_default().to_lowercase().contains("illustrative"));
    assert_eq!(pop.targets.total, Some(1_000_000.0));
}

// ------------------------------------------------------------------------------------------------------
// Answers checked against their question

#[test]
fn answers_are_checked_against_their_question() {
    let def = base();
    let q = |id: &str| def.question(id).unwrap();
    let ok = [
        ("sex", Answer::choice("f")),
        ("modes", Answer::choices(&["bus", "tram"])),
        ("modes", Answer::choices(&["none"])),
        ("sat", Answer::Scale("dk".into())),
        (
            "aspects",
            Answer::Matrix(BTreeMap::from([("cleanliness".into(), "3".into())])),
        ),
        ("age", Answer::Number(18.0)),
        ("comment", Answer::Text("x".repeat(500))),
        ("trip", Answer::Date(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())),
        ("rank", Answer::Ranking(vec!["c".into()])),
    ];
    for (id, a) in ok {
        assert_eq!(q(id).check_answer(&a), Ok(()), "{id}: {a:?}");
    }
    let bad = [
        ("sex", Answer::choice("x"), AnswerError::UnknownCode("x".into())),
        (
            "sex",
            Answer::Choice {
                code: "m".into(),
                other_text: Some("?".into()),
            },
            AnswerError::OtherTextWithoutOther,
        ),
        (
            "sex",
            Answer::Scale("m".into()),
            AnswerError::WrongKind {
                expected: "single_choice",
            },
        ),
        (
            "modes",
            Answer::choices(&["bus", "tram", "none"]),
            AnswerError::TooMany { max: 2 },
        ),
        (
            "modes",
            Answer::choices(&["bus", "none"]),
            AnswerError::Exclusive("none".into()),
        ),
        (
            "modes",
            Answer::choices(&["bus", "bus"]),
            AnswerError::Duplicate("bus".into()),
        ),
        ("modes", Answer::choices(&[]), AnswerError::Empty),
        ("sat", Answer::Scale("4".into()), AnswerError::UnknownCode("4".into())),
        (
            "aspects",
            Answer::Matrix(BTreeMap::from([("comfort".into(), "3".into())])),
            AnswerError::UnknownRow("comfort".into()),
        ),
        ("age", Answer::Number(17.0), AnswerError::BelowMin(18.0)),
        ("age", Answer::Number(111.0), AnswerError::AboveMax(110.0)),
        ("age", Answer::Number(30.5), AnswerError::NotInteger),
        (
            "comment",
            Answer::Text("x".repeat(501)),
            AnswerError::TooLong { max: 500 },
        ),
        ("comment", Answer::Text("  ".into()), AnswerError::Empty),
        (
            "trip",
            Answer::Date(NaiveDate::from_ymd_opt(2019, 12, 31).unwrap()),
            AnswerError::DateBefore(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
        ),
        (
            "rank",
            Answer::Ranking(vec!["a".into(), "a".into()]),
            AnswerError::Duplicate("a".into()),
        ),
        ("note", Answer::Text("x".into()), AnswerError::NoAnswerExpected),
    ];
    for (id, a, want) in bad {
        assert_eq!(q(id).check_answer(&a), Err(want), "{id}: {a:?}");
    }
    assert_eq!(q("modes").options().len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: crate::common::proptest_regressions!("definition"),
        ..ProptestConfig::with_cases(200)
    })]
    /// Dropping any line of a valid definition, or garbling a character, gives Ok or problems — never a panic.
    #[test]
    fn damaged_definitions_never_panic(line in 0usize..120, pos in 0usize..4000, ch in proptest::char::any()) {
        let lines: Vec<&str> = BASE.lines().collect();
        let dropped: String = lines.iter().enumerate().filter(|(i, _)| *i != line).map(|(_, l)| format!("{l}\n")).collect();
        let _ = parse_definition(&dropped, "t.yaml");
        let mut chars: Vec<char> = BASE.chars().collect();
        if let Some(c) = chars.get_mut(pos) { *c = ch; }
        let garbled: String = chars.into_iter().collect();
        if let Err(e) = parse_definition(&garbled, "t.yaml") {
            prop_assert!(!e.is_empty());
        }
    }
}

#[test]
fn answers_to_hidden_questions_are_dropped_in_cascade() {
    let src = std::fs::read_to_string(root().join("surveys/transport.yaml")).unwrap();
    let def = parse_definition(&src, "transport.yaml").unwrap();
    let a = answers(&[
        ("sex", Answer::choice("f")),
        ("age", Answer::Number(70.0)),
        ("frequency", Answer::choice("never")),
        // stale answers from before the respondent changed `frequency` to "never":
        ("modes", Answer::choices(&["bus", "tram"])),
        ("main_mode", Answer::choice("bus")),
        ("mobility", Answer::choice("often")),
        ("reasons_not", Answer::choices(&["car"])),
        ("nosuch", Answer::choice("x")),
    ]);
    let kept = def.drop_hidden(&a);
    let ids: Vec<&str> = kept.keys().map(String::as_str).collect();
    // main_mode depends on modes (hidden), mobility on frequency; reasons_not is shown for "never"
    assert_eq!(ids, ["age", "frequency", "reasons_not", "sex"]);
    assert!(def.visible("reasons_not", &kept));
    assert!(!def.visible("main_mode", &kept));
}
