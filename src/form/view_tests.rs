//! The question views as the templates read them: every type's own fields beside the common ones, none
//! of them twice (a repeated key would silently replace a common field once flattened into JSON).

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::fields::Fields;
use super::random::draw;
use super::view::{page_view, PageInput};
use crate::definition::{parse_definition, Answers};

const EVERY_TYPE: &str = r#"
slug: views
title: {ru: "Виды", en: "Views"}
topic: test
languages: [ru, en]
pages:
  - id: p1
    questions:
      - id: one
        type: single_choice
        text: {ru: "Один", en: "One"}
        options:
          - {code: a, label: {ru: "А", en: "A"}}
        other: {code: other, label: {ru: "Другое", en: "Other"}}
      - id: many
        type: multiple_choice
        max_choices: 2
        text: {ru: "Много", en: "Many"}
        options:
          - {code: a, label: {ru: "А", en: "A"}}
          - {code: b, label: {ru: "Б", en: "B"}}
        other: {code: other, label: {ru: "Другое", en: "Other"}}
      - id: sat
        type: scale
        text: {ru: "Шкала", en: "Scale"}
        points:
          - {code: 1, label: {ru: "Нет", en: "No"}}
          - {code: 2, label: {ru: "Да", en: "Yes"}}
        hard_to_say: {code: dk, label: {ru: "Затрудняюсь", en: "Hard to say"}}
      - id: grid
        type: matrix
        text: {ru: "Таблица", en: "Grid"}
        rows:
          - {code: r, label: {ru: "Ряд", en: "Row"}}
        points:
          - {code: 1, label: {ru: "Плохо", en: "Poor"}}
          - {code: 2, label: {ru: "Хорошо", en: "Good"}}
        hard_to_say: {code: dk, label: {ru: "Затрудняюсь", en: "Hard to say"}}
      - id: age
        type: number
        min: 18
        integer: true
        unit: {ru: "лет", en: "years"}
        text: {ru: "Возраст", en: "Age"}
      - id: why
        type: text
        max_length: 10
        text: {ru: "Почему", en: "Why"}
      - id: when
        type: date
        min: 2020-01-01
        text: {ru: "Когда", en: "When"}
      - id: prio
        type: ranking
        text: {ru: "Порядок", en: "Order"}
        options:
          - {code: x, label: {ru: "Икс", en: "Ex"}}
          - {code: y, label: {ru: "Игрек", en: "Why"}}
      - id: budget
        type: constant_sum
        text: {ru: "Бюджет", en: "Budget"}
        options:
          - {code: roads, label: {ru: "Дороги", en: "Roads"}}
          - {code: parks, label: {ru: "Парки", en: "Parks"}}
      - id: note
        type: info
        text: {ru: "Спасибо", en: "Thank you"}
"#;

/// The keys of a JSON object in order, repeated ones included.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(KeysVisitor)
    }
}

/// The fields every question's view has (`templates/partials/question.hbs`, `hint_error.hbs`, `req.hbs`).
const COMMON: &[&str] = &[
    "id",
    "type",
    "partial",
    "text",
    "hint",
    "required",
    "error",
    "invalid",
    "describedby",
    "cond",
    "input_id",
    "name",
    "value",
];

/// The fields each type's template (`templates/partials/q_<type>.hbs`) reads besides the common ones.
fn own_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "single_choice" | "multiple_choice" => &["options", "other", "multiple", "max_choices"],
        "scale" => &["points", "hts", "npoints"],
        "matrix" => &["rows", "heads"],
        "number" => &["min", "max", "step", "inputmode", "unit"],
        "text" => &["long", "max_length", "counter"],
        "date" => &["min", "max"],
        "ranking" => &["items", "n"],
        "constant_sum" => &["items", "total", "sum", "sum_id", "ids"],
        _ => &[],
    }
}

#[test]
fn every_type_adds_its_own_fields_to_the_common_ones_once() {
    let def = parse_definition(EVERY_TYPE, "views.yaml").expect("valid definition");
    let orders = draw(&def, "00000000-0000-4000-8000-000000000042");
    let answers = Answers::new();
    let sent = Fields::from_pairs([("many", "a"), ("many.other", "something"), ("budget.roads", "40")]);
    for submitted in [None, Some(&sent)] {
        let view = page_view(&PageInput {
            def: &def,
            slug: "views",
            lang: "en",
            page: 0,
            orders: &orders,
            answers: &answers,
            submitted,
            errors: &[],
            progress: (1, 1),
            is_last: true,
            can_go_back: false,
            csrf: "c",
            shown: "s",
            resume_url: "r",
        })
        .expect("the page exists");
        let kinds: Vec<&str> = view.questions.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [
                "single_choice",
                "multiple_choice",
                "scale",
                "matrix",
                "number",
                "text",
                "date",
                "ranking",
                "constant_sum",
                "info"
            ]
        );
        for q in &view.questions {
            let json = serde_json::to_string(q).expect("serializes");
            let Keys(keys) = serde_json::from_str(&json).expect("an object");
            let distinct: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
            assert_eq!(
                distinct.len(),
                keys.len(),
                "{}: a field is repeated in {keys:?}",
                q.kind
            );
            let expected: BTreeSet<&str> = COMMON.iter().chain(own_fields(q.kind)).copied().collect();
            assert_eq!(distinct, expected, "{}", q.kind);
        }
    }
    assert!(
        page_view(&PageInput {
            def: &def,
            slug: "views",
            lang: "en",
            page: 1,
            orders: &orders,
            answers: &answers,
            submitted: None,
            errors: &[],
            progress: (1, 1),
            is_last: true,
            can_go_back: false,
            csrf: "c",
            shown: "s",
            resume_url: "r",
        })
        .is_none(),
        "no view of a page the definition does not have"
    );
}

#[test]
fn the_typed_views_carry_what_was_sent() {
    let def = parse_definition(EVERY_TYPE, "views.yaml").expect("valid definition");
    let orders = draw(&def, "00000000-0000-4000-8000-000000000042");
    let answers = Answers::new();
    let sent = Fields::from_pairs([
        ("many.other", "something"),
        ("budget.roads", "40"),
        ("budget.parks", "25"),
    ]);
    let view = page_view(&PageInput {
        def: &def,
        slug: "views",
        lang: "ru",
        page: 0,
        orders: &orders,
        answers: &answers,
        submitted: Some(&sent),
        errors: &[],
        progress: (1, 1),
        is_last: true,
        can_go_back: false,
        csrf: "c",
        shown: "s",
        resume_url: "r",
    })
    .expect("the page exists");
    let json = serde_json::to_value(&view).expect("serializes");
    let q = |id: &str| {
        json["questions"]
            .as_array()
            .and_then(|qs| qs.iter().find(|q| q["id"] == id))
            .cloned()
            .unwrap_or_default()
    };
    // An "other" text typed without ticking the box still checks it.
    assert_eq!(q("many")["other"]["checked"], true);
    assert_eq!(q("many")["other"]["text_value"], "something");
    assert_eq!(q("many")["max_choices"], 2);
    assert_eq!(q("one")["multiple"], false);
    assert_eq!(q("one")["other"]["checked"], false);
    assert_eq!(q("budget")["sum"], 65);
    assert_eq!(q("budget")["ids"], "q-budget-0 q-budget-1");
    assert_eq!(q("age")["inputmode"], "numeric");
    assert_eq!(q("age")["unit"], "лет");
    assert_eq!(q("when")["min"], "2020-01-01");
    assert_eq!(q("why")["counter"], true);
    assert_eq!(q("grid")["rows"][0]["cells"][2]["hts"], true);
    assert_eq!(q("sat")["hts"]["id"], "q-sat-2");
}
