//! Per-respondent randomization: uniform over many respondents, stable for one, anchored options fixed,
//! and the realized order recorded in the response.

use crate::common::{self, backend_tests, Backend};
use crate::forms_support;

use std::collections::HashMap;

use opros::definition::parse_definition;
use opros::form::random::draw;

const YAML: &str = r#"
slug: randomtest
title: {ru: "Порядок", en: "Order"}
topic: test
languages: [ru, en]
pages:
  - id: a
    randomize_questions: true
    questions:
      - {id: q1, type: text, text: {ru: "1", en: "1"}}
      - {id: q2, type: text, text: {ru: "2", en: "2"}}
      - {id: q3, type: text, text: {ru: "3", en: "3"}}
  - id: b
    questions:
      - id: opts
        type: single_choice
        randomize: true
        text: {ru: "Выбор", en: "Choice"}
        options:
          - {code: x, label: {ru: "x", en: "x"}}
          - {code: y, label: {ru: "y", en: "y"}}
          - {code: z, label: {ru: "z", en: "z"}}
          - {code: dk, label: {ru: "Затрудняюсь", en: "Hard to say"}, anchored: true}
  - id: c
    questions:
      - {id: c1, type: text, text: {ru: "c", en: "c"}}
  - id: d
    questions:
      - {id: d1, type: text, text: {ru: "d", en: "d"}}
page_blocks:
  - [c, d]
"#;

/// Pearson's chi-square statistic of observed counts against equal expected counts.
fn chi_square(counts: &HashMap<Vec<String>, usize>, cells: usize, n: usize) -> f64 {
    let expected = n as f64 / cells as f64;
    let mut stat: f64 = counts.values().map(|&o| (o as f64 - expected).powi(2) / expected).sum();
    // Cells never observed contribute `expected` each.
    stat += (cells - counts.len()) as f64 * expected;
    stat
}

#[test]
fn orders_are_uniform_stable_and_keep_anchors() {
    let def = parse_definition(YAML, "randomtest.yaml").unwrap();
    let n = 6000;
    let mut options: HashMap<Vec<String>, usize> = HashMap::new();
    let mut questions: HashMap<Vec<String>, usize> = HashMap::new();
    let mut pages: HashMap<Vec<String>, usize> = HashMap::new();
    for i in 0..n {
        let id = uuid::Uuid::from_u128(i as u128 * 7919 + 13).to_string();
        let o = draw(&def, &id);
        assert_eq!(o, draw(&def, &id), "stable for one respondent");
        let opts = o.options["opts"].clone();
        assert_eq!(opts[3], "dk", "anchored option stays last");
        *options.entry(opts[..3].to_vec()).or_default() += 1;
        *questions.entry(o.questions["a"].clone()).or_default() += 1;
        assert_eq!(
            &o.pages[..2],
            &["a".to_owned(), "b".to_owned()],
            "pages outside blocks keep their place"
        );
        *pages.entry(o.pages[2..].to_vec()).or_default() += 1;
    }
    // 3! = 6 permutations, 5 degrees of freedom: the 0.999 quantile of chi-square(5) is 20.52
    // (R: qchisq(0.999, 5)); for 2 orders, 1 degree of freedom: qchisq(0.999, 1) = 10.83.
    let x_opts = chi_square(&options, 6, n);
    let x_qs = chi_square(&questions, 6, n);
    let x_pages = chi_square(&pages, 2, n);
    assert_eq!(options.len(), 6);
    assert!(
        x_opts < 20.52,
        "option orders not uniform: chi2 = {x_opts}, {options:?}"
    );
    assert!(
        x_qs < 20.52,
        "question orders not uniform: chi2 = {x_qs}, {questions:?}"
    );
    assert!(x_pages < 10.83, "page orders not uniform: chi2 = {x_pages}, {pages:?}");
}

#[test]
fn example_surveys_randomize_what_they_ask_for() {
    for name in ["transport.yaml", "healthcare.yaml", "housing.yaml"] {
        let path = format!("{}/surveys/{name}", env!("CARGO_MANIFEST_DIR"));
        let def = parse_definition(&std::fs::read_to_string(&path).unwrap(), name).unwrap();
        let o = draw(&def, "00000000-0000-4000-8000-000000000001");
        assert_eq!(o.pages.len(), def.pages.len());
        for (_, q) in def.questions() {
            let randomized = matches!(&q.kind,
                opros::definition::QuestionKind::SingleChoice(c) if c.randomize)
                || matches!(&q.kind, opros::definition::QuestionKind::MultipleChoice(c) if c.randomize)
                || matches!(&q.kind, opros::definition::QuestionKind::Matrix(c) if c.randomize)
                || matches!(&q.kind, opros::definition::QuestionKind::Ranking(c) if c.randomize);
            assert_eq!(o.options.contains_key(&q.id), randomized, "{name}: {}", q.id);
        }
    }
}

fn realized_order_is_shown_and_recorded_in_the_response(backend: Backend) {
    let db = common::TestDb::new(&backend);
    let server = common::TestServer::start(common::test_config(&db));
    let store = opros::store::Store::open(&db.url).unwrap();
    let mut r = forms_support::Respondent::new(&server, "transport-2026");
    assert_eq!(r.open("?lang=en"), 200);
    assert_eq!(r.send(&[]), 303, "info page");
    assert_eq!(r.send(&[("sex", "f"), ("age", "35"), ("district", "d2")]), 303);
    assert_eq!(r.page_id(), "usage");
    let survey = store.find_survey("transport-2026").unwrap();
    let counts = store.response_counts(&survey.id).unwrap();
    assert_eq!(counts, vec![("partial".to_owned(), 1)]);
    let rows = {
        use diesel::prelude::*;
        use opros::store::schema::responses;
        let mut c = store.reader().unwrap();
        responses::table
            .filter(responses::survey_id.eq(&survey.id))
            .select(responses::meta)
            .load::<String>(&mut *c)
            .unwrap()
    };
    let meta = opros::form::Meta::parse(&rows[0]);
    let order = meta
        .order
        .options
        .get("modes")
        .expect("order of modes recorded")
        .clone();
    assert_eq!(order.len(), 5);
    // The page lists the options in that order.
    let positions: Vec<usize> = order
        .iter()
        .map(|code| {
            r.html
                .find(&format!("name=\"modes\" value=\"{code}\""))
                .expect("option shown")
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{order:?} {positions:?}");
    // Reloading shows the same order.
    let before = r.html.clone();
    r.open("");
    let strip = |h: &str| h.split("name=\"_shown\"").next().unwrap_or("").to_owned();
    assert_eq!(strip(&before), strip(&r.html));
}
backend_tests!(realized_order_is_shown_and_recorded_in_the_response);
