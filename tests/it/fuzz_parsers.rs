//! Fuzzing of the three parsers that take text from outside, with proptest, on every `cargo test`: random
//! bytes, random token soups and random mutations of valid inputs, a bounded number of cases each. The
//! property is "returns (an error or a value) without panicking or hanging", plus that accepted answers
//! re-fill a page unchanged. The coverage-guided `cargo fuzz` targets for the same parsers are in `fuzz/`
//! (outside this build); what they or these tests found is kept below as regression tests.
//! `OPROS_FUZZ_CASES=N` sets the number of cases per target (default 512).
//!
//! Parsers: the definition parser (`definition::parse_definition`), the `show_if` / quota condition parser
//! (`definition::condition::Condition`) and the form body parser (`form::Fields::from_urlencoded` +
//! `form::parse_page`, what `POST /s/{slug}` runs on a body).

use opros::definition::condition::{eval, Condition};
use opros::definition::{parse_definition, Answers, Definition};
use opros::form::{parse_page, Fields};
use proptest::prelude::*;

const FORMTEST: &str = include_str!("../fixtures/formtest.yaml");
const RELIABILITY: &str = include_str!("../fixtures/reliability_multi.yaml");

fn formtest() -> Definition {
    parse_definition(FORMTEST, "formtest.yaml").expect("fixture is valid")
}

/// A valid fixture with `n` random edits (insert, delete or replace a character at a random place).
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let chars: Vec<char> = base.chars().collect();
    let len = chars.len();
    prop::collection::vec((0..len, 0u8..3, prop::char::any()), 1..8).prop_map(move |edits| {
        let mut c = chars.clone();
        for (at, op, ch) in edits {
            let at = at.min(c.len().saturating_sub(1));
            match op {
                0 => c.insert(at, ch),
                1 if !c.is_empty() => {
                    c.remove(at);
                }
                _ if !c.is_empty() => c[at] = ch,
                _ => {}
            }
        }
        c.into_iter().collect()
    })
}

const YAML_TOKENS: &[&str] = &[
    "slug: x\n",
    "title: {en: T}\n",
    "topic: t\n",
    "languages: [en]\n",
    "pages:\n",
    "  - id: p\n",
    "    questions:\n",
    "      - id: q\n",
    "        type: single_choice\n",
    "        type: matrix\n",
    "        type: number\n",
    "        options: [{code: a, label: {en: A}}]\n",
    "        show_if: \"q == 'a'\"\n",
    "quotas: [{id: w, when: \"q == 'a'\", limit: 1}]\n",
    "&a ",
    "*a ",
    "<<: *a\n",
    "[",
    "]",
    "{",
    "}",
    ",",
    ": ",
    "- ",
    "? ",
    "'",
    "\"",
    "#",
    "!!binary ",
    "!!str ",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "|\n",
    ">\n",
    "\t",
    "\n",
    "  ",
    "~",
    "null",
    "1e999",
    "-0",
    "0x1F",
    ".nan",
    "\u{feff}",
    "\u{0}",
    "é",
];

const COND_TOKENS: &[&str] = &[
    "sex",
    "age",
    "pets",
    "grid.a",
    "prio",
    "visit",
    "q",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not",
    "and",
    "or",
    "(",
    ")",
    "[",
    "]",
    ",",
    "'m'",
    "\"f\"",
    "'",
    "\"",
    "\\",
    "18",
    "-2",
    "4.5",
    "1e308",
    "-",
    ".",
    "answered(",
    "count(",
    "selected(",
    "'2026-01-01'",
    "'cat'",
    " ",
    "\u{0}",
    "ж",
];

/// Cases per target: 512 in CI; `OPROS_FUZZ_CASES=100000` for a longer fuzzing session.
fn fuzz_cases() -> u32 {
    std::env::var("OPROS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

fn soup(tokens: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens), 0..max).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: fuzz_cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn definition_parser_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let s = String::from_utf8_lossy(&bytes);
        let _ = parse_definition(&s, "fuzz.yaml");
    }

    #[test]
    fn definition_parser_survives_token_soup(s in soup(YAML_TOKENS, 80)) {
        let _ = parse_definition(&s, "fuzz.yaml");
    }

    #[test]
    fn definition_parser_survives_mutated_fixtures(s in mutated(FORMTEST)) {
        if let Ok(def) = parse_definition(&s, "fuzz.yaml") {
            // Whatever parses must also be usable: every page parses an empty body.
            for page in 0..def.pages.len() {
                let _ = parse_page(&def, page, &Answers::default(), &Fields::default());
            }
        }
    }

    #[test]
    fn definition_parser_survives_mutated_quota_fixture(s in mutated(RELIABILITY)) {
        let _ = parse_definition(&s, "fuzz.yaml");
    }

    #[test]
    fn condition_parser_survives_any_string(s in any::<String>()) {
        let c = Condition::new(&s);
        prop_assert!(c.expr().is_some() != c.error().is_some() || c.error().is_some());
    }

    #[test]
    fn condition_parser_survives_token_soup(s in soup(COND_TOKENS, 40)) {
        let c = Condition::new(&s);
        if let Some(e) = c.expr() {
            let _ = eval(e, &Answers::default());
        }
    }

    #[test]
    fn conditions_in_a_definition_are_checked_not_crashed(s in soup(COND_TOKENS, 30)) {
        let yaml = FORMTEST.replace("selected(pets, 'cat')", &s.replace(['"', '\\', '\n'], " "));
        if let Ok(def) = parse_definition(&yaml, "fuzz.yaml") {
            let _ = parse_page(&def, 0, &Answers::default(), &Fields::default());
        }
    }

    #[test]
    fn form_body_parser_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let def = formtest();
        let fields = Fields::from_urlencoded(&bytes);
        let _ = Fields::is_utf8_urlencoded(&bytes);
        for page in 0..def.pages.len() {
            let _ = parse_page(&def, page, &Answers::default(), &fields);
        }
    }

    #[test]
    fn form_body_parser_survives_plausible_fields(
        pairs in prop::collection::vec(
            (
                prop::sample::select(&[
                    "sex", "age", "pets", "pets.other", "cat_name", "sat", "grid.a", "grid.b", "visit",
                    "men_q", "prio.x", "prio.y", "prio.z", "_csrf", "_page", "_nav", "x.y.z", "",
                ][..]),
                prop::sample::select(&[
                    "", "m", "f", "cat", "dog", "none", "other", "1", "4", "dk", "18", "110", "17", "1e400",
                    "-0", "NaN", "inf", "12,5", "٣", "2026-02-30", "2026-01-01", "99999-01-01", "0", "-1",
                    " 2 ", "\u{0}", "%", "ж",
                ][..]),
            ),
            0..40,
        )
    ) {
        let def = formtest();
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let fields = Fields::from_urlencoded(body.as_bytes());
        prop_assert!(Fields::is_utf8_urlencoded(body.as_bytes()));
        for page in 0..def.pages.len() {
            let parsed = parse_page(&def, page, &Answers::default(), &fields);
            // What is accepted is an answer to a question on that page.
            for id in parsed.answers.keys() {
                prop_assert!(def.pages[page].questions.iter().any(|q| &q.id == id), "{id}");
            }
        }
    }
}

/// `is_utf8_urlencoded` agrees with a reference: decode with the WHATWG parser's rules by hand.
#[test]
fn utf8_check_regressions() {
    assert!(Fields::is_utf8_urlencoded(b""));
    assert!(Fields::is_utf8_urlencoded(b"a=%D0%B6&b=+%"));
    assert!(Fields::is_utf8_urlencoded(b"%%%\x00&&==&_csrf"));
    assert!(!Fields::is_utf8_urlencoded(b"a=%FF"));
    assert!(!Fields::is_utf8_urlencoded(b"a=\xd0"));
    assert!(!Fields::is_utf8_urlencoded(b"%C3%28=1"));
}

/// Regression inputs found while fuzzing/hostile testing: deep flow nesting made the YAML scanner take
/// quadratic time (50,000 × `{a: ` ≈ 10 s); now refused at once with the line.
#[test]
fn deep_flow_nesting_is_refused_quickly() {
    let t = std::time::Instant::now();
    let e = parse_definition(&"{a: ".repeat(50_000), "deep.yaml").unwrap_err();
    assert!(t.elapsed() < std::time::Duration::from_secs(1), "{:?}", t.elapsed());
    assert!(e.to_string().contains("nested more than"), "{e}");
    // Brackets inside quoted scalars and comments do not count; apostrophes inside words do not hide any.
    let ok = format!(
        "slug: x # {}\ntitle: {{en: 'don''t {}'}}\n",
        "[".repeat(500),
        "{".repeat(500)
    );
    let e = parse_definition(&ok, "q.yaml").unwrap_err();
    assert!(!e.to_string().contains("nested more than"), "{e}");
}

/// A questionnaire whose answers have no limits from the definition: numbers of any size, texts up to
/// the default length, every question type.
const UNBOUNDED: &str = r#"
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
"#;

/// An accepted answer written back as fields (how a page is re-filled when the resident goes back, and how
/// CSV import reads a row) must parse to the same answer; otherwise a page that was accepted cannot be
/// sent again. The `form_body` fuzz target checks the same on the fixture surveys.
fn assert_refills_the_same(def: &Definition, fields: &Fields) {
    use opros::form::parse::{answer_fields, parse_question};
    let parsed = parse_page(def, 0, &Answers::default(), fields);
    for (id, answer) in &parsed.answers {
        let q = def.question(id).expect("answer of a known question");
        let mut again = Fields::default();
        answer_fields(q, answer, &mut again);
        assert_eq!(parse_question(q, &again), Ok(Some(answer.clone())), "{id}: {again:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: fuzz_cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn accepted_numbers_refill_the_same(s in "[-+]?[0-9]{0,45}(\\.[0-9]{0,45})?|[-+]?\\.0{30,40}[1-9]{1,3}") {
        let def = parse_definition(UNBOUNDED, "unbounded.yaml").expect("valid");
        assert_refills_the_same(&def, &Fields::from_pairs([("n", s)]));
    }
}

/// Regressions of the refill property: 40 typed characters whose number prints longer (41 characters) and
/// was accepted, then refused as "not a number" when the page came back filled in.
#[test]
fn numbers_that_print_longer_than_typed_refill_the_same() {
    let def = parse_definition(UNBOUNDED, "unbounded.yaml").expect("valid");
    for typed in [
        ".000000000000000000000000000000000000001",
        "-.000000000000000000000000000000000000001",
        "9999999999999999999999999999999999999999",
        "+999999999999999999999999999999999999999",
        "1000000000000000000000000000000000000000",
    ] {
        assert_refills_the_same(&def, &Fields::from_pairs([("n", typed)]));
    }
    // Long numbers that print within the limit are still accepted.
    let parsed = parse_page(
        &def,
        0,
        &Answers::default(),
        &Fields::from_pairs([("n", "1".repeat(39))]),
    );
    assert!(parsed.answers.contains_key("n"), "{parsed:?}");
    assert_eq!(opros::form::parse::parse_number(&"9".repeat(40)), None);
    assert_eq!(opros::form::parse::parse_number(&"9".repeat(39)), Some(1e39));
}

/// Found by the `form_body` fuzz target: an accepted number changed in its last bit on the JSON round trip
/// it is stored through (serde_json's fast float parser; the `float_roundtrip` feature fixes it).
#[test]
fn stored_numbers_read_back_exactly() {
    let def = parse_definition(UNBOUNDED, "unbounded.yaml").expect("valid");
    for typed in [
        ".00000000000000000001000000002",
        "0.1",
        "123456.789",
        "-0.30000000000000004",
    ] {
        let parsed = parse_page(&def, 0, &Answers::default(), &Fields::from_pairs([("n", typed)]));
        let json = serde_json::to_string(&parsed.answers).expect("serialize");
        let back: Answers = serde_json::from_str(&json).expect("read back");
        assert_eq!(back, parsed.answers, "{typed}: {json}");
    }
    let parsed = parse_page(
        &def,
        0,
        &Answers::default(),
        &Fields::from_pairs([("n", ".00000000000000000001000000002")]),
    );
    assert!(parsed.answers.contains_key("n"), "{parsed:?}");
    // The same holds for the limits of a definition, stored as JSON at import.
    let yaml = UNBOUNDED.replace("{id: n, type: number,", "{id: n, type: number, min: 1.000000002e-20,");
    let def = parse_definition(&yaml, "limits.yaml").expect("valid");
    let back: Definition = serde_json::from_str(&serde_json::to_string(&def).expect("serialize")).expect("read");
    assert_eq!(back, def);
}
