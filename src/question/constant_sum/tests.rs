//! The constant-sum type on its own: definition checks, form fields, CSV cells, coded slot.

use super::*;
use crate::definition::parse_definition;
use crate::form::random::Orders;

fn survey(question: &str) -> String {
    format!(
        "slug: cs\ntitle: {{ru: Т, en: T}}\ntopic: economy\nlanguages: [ru, en]\npages:\n  - id: p1\n    \
         questions:\n      - {{id: age, type: number, text: {{ru: В, en: A}}}}\n{question}"
    )
}

const BUDGET: &str = r#"      - id: budget
        type: constant_sum
        text: {ru: "Распределите 100 баллов", en: "Share 100 points"}
        options:
          - {code: roads, label: {ru: Дороги, en: Roads}}
          - {code: clinics, label: {ru: Поликлиники, en: Clinics}}
          - {code: parks, label: {ru: Парки, en: Parks}}
"#;

fn def() -> Definition {
    parse_definition(&survey(BUDGET), "cs.yaml").expect("valid")
}

fn settings(d: &Definition) -> (&Question, &ConstantSum) {
    let q = d.question("budget").expect("question");
    let QuestionKind::ConstantSum(c) = &q.kind else {
        panic!("constant_sum expected, got {}", q.kind.name())
    };
    (q, c)
}

fn errors(yaml: &str) -> Vec<String> {
    match parse_definition(yaml, "cs.yaml") {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

fn points(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(c, p)| ((*c).to_owned(), *p)).collect()
}

#[test]
fn definition_defaults_and_round_trip() {
    let d = def();
    let (q, c) = settings(&d);
    assert_eq!(q.kind.name(), "constant_sum");
    assert_eq!(c.total, 100);
    assert!(!c.randomize);
    assert_eq!(c.options.len(), 3);
    let json = serde_json::to_string(&d).expect("json");
    let back: Definition = serde_json::from_str(&json).expect("read back");
    assert_eq!(back, d);
    let with_total = survey(&BUDGET.replace(
        "type: constant_sum",
        "type: constant_sum\n        total: 10\n        randomize: true",
    ));
    let d = parse_definition(&with_total, "cs.yaml").expect("valid");
    let (_, c) = settings(&d);
    assert_eq!((c.total, c.randomize), (10, true));
}

#[test]
fn definition_errors_name_file_line_and_question() {
    let one_option = survey(
        "      - id: budget\n        type: constant_sum\n        text: {ru: Б, en: B}\n        options:\n          \
         - {code: roads, label: {ru: Д, en: R}}\n",
    );
    let e = errors(&one_option);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("cs.yaml:9: question 'budget': constant_sum needs at least two options"),
        "{e:?}"
    );

    let e = errors(&survey(
        &BUDGET.replace("type: constant_sum", "type: constant_sum\n        total: 0"),
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("cs.yaml:9: question 'budget': total must be a whole number of at least 1"),
        "{e:?}"
    );

    let e = errors(&survey(&BUDGET.replace("code: parks", "code: roads")));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("question 'budget': option code 'roads' is used twice"),
        "{e:?}"
    );

    let e = errors(&survey(
        &BUDGET.replace("type: constant_sum", "type: constant_sum\n        total: -5"),
    ));
    assert!(!e.is_empty() && e[0].starts_with("cs.yaml:"), "{e:?}");
    let e = errors(&survey(
        &BUDGET.replace("type: constant_sum", "type: constant_sum\n        total: 2.5"),
    ));
    assert!(!e.is_empty() && e[0].starts_with("cs.yaml:"), "{e:?}");
}

#[test]
fn conditions_may_only_ask_whether_it_was_answered() {
    let later = |cond: &str| {
        survey(&format!(
            "{BUDGET}      - {{id: why, type: text, text: {{ru: П, en: W}}, show_if: \"{cond}\"}}\n"
        ))
    };
    assert!(errors(&later("answered(budget)")).is_empty());
    assert!(errors(&later("not answered(budget) and age > 3")).is_empty());
    for cond in [
        "budget > 5",
        "budget == 'roads'",
        "budget.roads > 10",
        "selected(budget, 'roads')",
        "count(budget) > 1",
        "budget in ['roads']",
    ] {
        let e = errors(&later(cond));
        assert!(!e.is_empty(), "{cond} accepted");
        assert!(
            e.iter()
                .any(|m| m.contains("question 'why'")
                    && (m.contains("only ask answered(budget)") || m.contains("count("))),
            "{cond}: {e:?}"
        );
    }
}

#[test]
fn answers_are_checked_against_the_question() {
    let d = def();
    let (q, _) = settings(&d);
    assert_eq!(
        q.check_answer(&Answer::Points(points(&[
            ("roads", 50),
            ("clinics", 30),
            ("parks", 20)
        ]))),
        Ok(())
    );
    assert_eq!(
        q.check_answer(&Answer::Points(points(&[("roads", 100), ("clinics", 0), ("parks", 0)]))),
        Ok(())
    );
    assert_eq!(
        q.check_answer(&Answer::Points(points(&[("roads", 50), ("clinics", 0), ("parks", 20)]))),
        Err(AnswerError::WrongSum { total: 100, sum: 70 })
    );
    assert_eq!(
        q.check_answer(&Answer::Points(points(&[("roads", 100), ("parks", 0)]))),
        Err(AnswerError::MissingOption("clinics".into()))
    );
    assert_eq!(
        q.check_answer(&Answer::Points(points(&[("roads", 50), ("zoo", 50)]))),
        Err(AnswerError::UnknownCode("zoo".into()))
    );
    assert_eq!(
        q.check_answer(&Answer::Points(BTreeMap::new())),
        Err(AnswerError::Empty)
    );
    assert!(matches!(
        q.check_answer(&Answer::Number(100.0)),
        Err(AnswerError::WrongKind { .. })
    ));
}

#[test]
fn answers_keep_their_json_form() {
    let a = Answer::Points(points(&[("roads", 50), ("clinics", 30), ("parks", 20)]));
    let json = serde_json::to_string(&a).expect("json");
    assert_eq!(json, r#"{"points":{"clinics":30,"parks":20,"roads":50}}"#);
    assert_eq!(serde_json::from_str::<Answer>(&json).expect("read"), a);
    // Other answers read as before.
    assert_eq!(
        serde_json::from_str::<Answer>(r#"{"ranking": ["a"]}"#).expect("ranking"),
        Answer::Ranking(vec!["a".into()])
    );
    assert_eq!(
        serde_json::from_str::<Answer>("42").expect("number"),
        Answer::Number(42.0)
    );
    assert!(serde_json::from_str::<Answer>(r#"{"points": {"a": -1}}"#).is_err());
    assert!(serde_json::from_str::<Answer>(r#"{"points": {"a": 1}, "text": "x"}"#).is_err());
}

fn parse_with(pairs: &[(&str, &str)]) -> Result<Option<Answer>, (String, Problem)> {
    let d = def();
    let (q, c) = settings(&d);
    parse(q, c, &Fields::from_pairs(pairs.iter().copied()))
}

#[test]
fn form_fields_parse_to_points() {
    assert_eq!(
        parse_with(&[
            ("budget.roads", "50"),
            ("budget.clinics", " 30 "),
            ("budget.parks", "20")
        ]),
        Ok(Some(Answer::Points(points(&[
            ("roads", 50),
            ("clinics", 30),
            ("parks", 20)
        ]))))
    );
    // Blank boxes in an answered question count as 0.
    assert_eq!(
        parse_with(&[("budget.roads", "100"), ("budget.clinics", ""), ("budget.parks", "0")]),
        Ok(Some(Answer::Points(points(&[
            ("roads", 100),
            ("clinics", 0),
            ("parks", 0)
        ]))))
    );
    // All blank: not answered.
    assert_eq!(parse_with(&[("budget.roads", " "), ("budget.clinics", "")]), Ok(None));
    assert_eq!(parse_with(&[]), Ok(None));
}

#[test]
fn form_fields_with_problems() {
    let sum = |s| Err(("q-budget-0".to_owned(), Problem::PointsSum { total: 100, sum: s }));
    assert_eq!(parse_with(&[("budget.roads", "50"), ("budget.clinics", "20")]), sum(70));
    assert_eq!(
        parse_with(&[("budget.roads", "60"), ("budget.clinics", "60")]),
        sum(120)
    );
    assert_eq!(parse_with(&[("budget.parks", "99999999999")]), sum(u64::from(u32::MAX)));
    for bad in ["-10", "abc", "12.5", "1e2", "10%"] {
        assert_eq!(
            parse_with(&[("budget.roads", "50"), ("budget.clinics", bad)]),
            Err(("q-budget-1".to_owned(), Problem::PointsNotWhole)),
            "{bad}"
        );
    }
    assert_eq!(
        parse_with(&[("budget.parks", "50"), ("budget.parks", "50")]),
        Err(("q-budget-2".to_owned(), Problem::OneValue))
    );
}

#[test]
fn messages_in_both_languages() {
    let p = Problem::PointsSum { total: 100, sum: 70 };
    assert_eq!(p.message("ru"), "Сумма баллов должна быть 100, сейчас 70.");
    assert_eq!(p.message("en"), "The points must add up to 100; now they add up to 70.");
    assert_eq!(
        Problem::PointsNotWhole.message("ru"),
        "Введите целое число не меньше 0."
    );
    assert_eq!(
        Problem::PointsNotWhole.message("en"),
        "Please enter a whole number, 0 or more."
    );
}

#[test]
fn fields_give_back_the_answer() {
    let d = def();
    let (q, c) = settings(&d);
    let a = points(&[("roads", 10), ("clinics", 0), ("parks", 90)]);
    let mut f = Fields::default();
    answer_fields(&q.id, &a, &mut f);
    assert_eq!(parse(q, c, &f), Ok(Some(Answer::Points(a))));
    assert_eq!(fields(q, c), vec!["budget.roads", "budget.clinics", "budget.parks"]);
}

#[test]
fn view_follows_the_respondent_order_and_adds_up() {
    let d = def();
    let (q, c) = settings(&d);
    let mut orders = Orders::default();
    orders
        .options
        .insert("budget".into(), vec!["parks".into(), "roads".into(), "clinics".into()]);
    let values = Fields::from_pairs([("budget.roads", "40"), ("budget.parks", "30"), ("budget.clinics", "x")]);
    let cx = ViewContext {
        lang: "ru",
        values: &values,
        orders: &orders,
    };
    let v = view(q, c, &cx);
    let ids: Vec<&str> = v.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, vec!["q-budget-2", "q-budget-0", "q-budget-1"]);
    assert_eq!(v.items[0].label, "Парки");
    assert_eq!(v.items[1].value, "40");
    assert_eq!((v.sum, v.total), (70, 100));
    assert_eq!(v.ids, "q-budget-0 q-budget-1 q-budget-2");
}

#[test]
fn coded_slot_reads_back() {
    let d = def();
    let layout = crate::store::codes::Layout::of(&d).expect("layout");
    assert_eq!(layout.len, 1 + 8 + slot_bytes(3));
    let mut answers = crate::definition::Answers::new();
    answers.insert(
        "budget".into(),
        Answer::Points(points(&[("roads", 70), ("clinics", 0), ("parks", 30)])),
    );
    let row = layout.encode(&answers).expect("codes");
    let slot = &layout.slots[1];
    assert!(slot.answered(&row));
    let read = |code| coded_points(slot, &row, code);
    assert_eq!(
        (read("roads"), read("clinics"), read("parks"), read("zoo")),
        (Some(70.0), Some(0.0), Some(30.0), None)
    );
    let empty = layout.encode(&crate::definition::Answers::new()).expect("codes");
    assert!(!slot.answered(&empty));
    assert_eq!(coded_points(slot, &empty, "roads"), None);
    answers.insert(
        "budget".into(),
        Answer::Points(points(&[("roads", 70), ("clinics", 0), ("zoo", 30)])),
    );
    assert_eq!(layout.encode(&answers), None, "an unknown option has no codes");
    answers.insert("budget".into(), Answer::Points(points(&[("roads", 70), ("parks", 30)])));
    assert_eq!(layout.encode(&answers), None, "a missing option has no codes");
}

#[test]
fn csv_columns_and_cells() {
    let d = def();
    let (q, c) = settings(&d);
    assert_eq!(
        crate::form::csvio::question_columns(q),
        vec!["budget.roads", "budget.clinics", "budget.parks"]
    );
    let mut cells = Vec::new();
    export_cells(
        c,
        Some(&Answer::Points(points(&[("roads", 70), ("clinics", 0), ("parks", 30)]))),
        &mut cells,
    );
    export_cells(c, None, &mut cells);
    assert_eq!(cells, vec!["70", "0", "30", "", "", ""]);
    // The microdata columns hold numbers, named as the CSV columns.
    use crate::question::QuestionType;
    let columns: Vec<(String, bool)> = c
        .microdata_columns()
        .iter()
        .map(|m| (m.column_name(&q.id), m.number))
        .collect();
    let expected = ["budget.roads", "budget.clinics", "budget.parks"].map(|n| (n.to_owned(), true));
    assert_eq!(columns, expected);
    let rows = crate::form::csvio::parse_import(
        &d,
        "age,budget.roads,budget.clinics,budget.parks\n30,70,,30\n31,70,10,10\n32,,,\n".as_bytes(),
        "en",
    );
    let problems = rows.expect_err("the second row adds up to 90");
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        vec!["line 3: question 'budget': The points must add up to 100; now they add up to 90."]
    );
    let ok = crate::form::csvio::parse_import(
        &d,
        "age,budget.roads,budget.clinics,budget.parks\n30,70,,30\n32,,,\n".as_bytes(),
        "en",
    )
    .expect("valid rows");
    assert_eq!(
        ok[0].answers.get("budget"),
        Some(&Answer::Points(points(&[("roads", 70), ("clinics", 0), ("parks", 30)])))
    );
    assert_eq!(ok[1].answers.get("budget"), None);
}

#[test]
fn axis_reaches_the_total() {
    let c = ConstantSum {
        options: Vec::new(),
        total: 100,
        randomize: false,
    };
    assert_eq!(axis(&c), (0.0, 100.0, vec![0.0, 25.0, 50.0, 75.0, 100.0]));
    assert_eq!(note(&c), "Σ = 100");
}
