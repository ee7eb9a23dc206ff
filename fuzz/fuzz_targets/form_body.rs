//! The form body parser: what `POST /s/{slug}` runs on a body (UTF-8 check, urlencoded fields, typed
//! answers of one page against its definition, pruning, quota keys). The first input byte picks the
//! definition and page (see [`SOURCES`]), the rest is the body. Besides "never panics":
//! - every accepted answer belongs to a question of that page and passes `Question::check_answer`;
//! - an accepted answer written back as fields (`answer_fields`, how a page is re-filled when the resident
//!   goes back) parses to the same answer;
//! - the answers survive the JSON round trip they are stored through.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use opros::definition::{parse_definition, Answers, Definition};
use opros::form::parse::{answer_fields, parse_question};
use opros::form::{parse_page, prune, Fields};

/// Answers without limits from the definition (numbers of any size, default text length, any date).
const UNBOUNDED: &str = "
slug: unbounded
title: {en: Unbounded}
topic: test
languages: [en]
pages:
  - id: p1
    questions:
      - {id: n, type: number, text: {en: N}}
      - {id: t, type: text, text: {en: T}}
      - {id: d, type: date, text: {en: D}}
      - {id: c, type: multiple_choice, text: {en: C}, options: [{code: a, label: {en: A}}], other: {code: o, label: {en: O}}}
";

/// Index in this list = first input byte modulo its length; page = the byte divided by the length.
const SOURCES: [(&str, &str); 6] = [
    ("formtest.yaml", include_str!("../../tests/fixtures/formtest.yaml")),
    (
        "reliability_multi.yaml",
        include_str!("../../tests/fixtures/reliability_multi.yaml"),
    ),
    ("transport.yaml", include_str!("../../surveys/transport.yaml")),
    ("healthcare.yaml", include_str!("../../surveys/healthcare.yaml")),
    ("housing.yaml", include_str!("../../surveys/housing.yaml")),
    ("unbounded.yaml", UNBOUNDED),
];

fn definitions() -> &'static [Definition] {
    static DEFS: OnceLock<Vec<Definition>> = OnceLock::new();
    DEFS.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(name, src)| parse_definition(src, name).expect("fixture definitions are valid"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let defs = definitions();
    let def = &defs[usize::from(pick) % defs.len()];
    let page = (usize::from(pick) / defs.len()) % def.pages.len();
    if !Fields::is_utf8_urlencoded(body) {
        return;
    }
    let fields = Fields::from_urlencoded(body);
    let parsed = parse_page(def, page, &Answers::default(), &fields);
    for (id, answer) in &parsed.answers {
        let q = def.pages[page]
            .questions
            .iter()
            .find(|q| &q.id == id)
            .expect("an accepted answer belongs to a question of the page");
        assert_eq!(q.check_answer(answer), Ok(()), "accepted answer fails its check: {id}");
        let mut again = Fields::default();
        answer_fields(q, answer, &mut again);
        let reparsed = parse_question(q, &again);
        assert_eq!(
            reparsed,
            Ok(Some(answer.clone())),
            "re-filled fields of {id} parse differently"
        );
    }
    let json = serde_json::to_string(&parsed.answers).expect("answers serialize");
    let back: Answers = serde_json::from_str(&json).expect("stored answers read back");
    assert_eq!(back, parsed.answers, "JSON round trip changed the answers");
    let answers = prune(def, &parsed.answers);
    let _ = def.quota_keys(&answers);
});
