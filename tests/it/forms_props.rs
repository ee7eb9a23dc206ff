//! Property tests of the form parser: random valid answers to the example surveys are accepted page by page
//! and read back equal (from the stored JSON and through CSV export/import); random junk sent to the real
//! server never gives a 5xx.

use std::sync::OnceLock;

use crate::common;
use crate::forms_support;
use crate::forms_support::random_answer;
use opros::definition::{parse_definition, Answers, Definition};
use opros::form::csvio::{export_cells, export_header, parse_import};
use opros::form::parse::{answer_fields, parse_page, prune};
use opros::form::random::draw;
use opros::form::{Fields, Flow};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

fn examples() -> &'static Vec<Definition> {
    static DEFS: OnceLock<Vec<Definition>> = OnceLock::new();
    DEFS.get_or_init(|| {
        ["transport.yaml", "healthcare.yaml", "housing.yaml"]
            .iter()
            .map(|name| {
                let path = format!("{}/surveys/{name}", env!("CARGO_MANIFEST_DIR"));
                parse_definition(&std::fs::read_to_string(path).unwrap(), name).unwrap()
            })
            .chain(std::iter::once(
                parse_definition(forms_support::FORMTEST, "formtest.yaml").unwrap(),
            ))
            .collect()
    })
}

/// Walks a survey like a respondent: random valid answers on every shown page, each page parsed from the
/// fields a browser would send. Returns the answers generated and the answers the parser produced.
fn walk(def: &Definition, seed: u64) -> (Answers, Answers) {
    let mut rng = StdRng::seed_from_u64(seed);
    let orders = draw(def, &format!("resp-{seed}"));
    let flow = Flow::new(def, &orders);
    let mut generated = Answers::new();
    let mut stored = Answers::new();
    let mut pos = flow.next_from(0, &stored);
    while let Some(p) = pos {
        let page = flow.page_at(p).unwrap();
        let mut fields = Fields::default();
        let mut known = stored.clone();
        for q in &def.pages[page].questions {
            if !def.visible(&q.id, &known) {
                continue;
            }
            if let Some(a) = random_answer(&mut rng, q) {
                answer_fields(q, &a, &mut fields);
                known.insert(q.id.clone(), a.clone());
                generated.insert(q.id.clone(), a);
            }
        }
        let parsed = parse_page(def, page, &stored, &fields);
        assert!(
            parsed.errors.is_empty(),
            "{}: page {}: {:?} for {fields:?}",
            def.slug,
            def.pages[page].id,
            parsed.errors
        );
        stored.extend(parsed.answers);
        stored = prune(def, &stored);
        pos = flow.next_after(p, &stored);
    }
    (generated, stored)
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: crate::common::proptest_regressions!("forms_props"),
        ..ProptestConfig::with_cases(200)
    })]

    #[test]
    fn random_valid_answers_are_accepted_and_read_back_equal(seed in any::<u64>(), which in 0usize..4) {
        let def = &examples()[which];
        let (generated, stored) = walk(def, seed);
        prop_assert_eq!(&prune(def, &generated), &stored);
        // Stored as JSON and read back.
        let json = serde_json::to_string(&stored).unwrap();
        let back: Answers = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &stored);
        // Exported as a CSV row and imported again.
        if !stored.is_empty() {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(export_header(def)).unwrap();
            let mut row = vec![String::new(); 5];
            row.extend(export_cells(def, &stored));
            w.write_record(&row).unwrap();
            let bytes = w.into_inner().unwrap();
            let rows = parse_import(def, bytes.as_slice(), "en").map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
            prop_assert_eq!(&rows[0].answers, &stored);
        }
    }
}

/// A server shared by the junk-body cases, and a respondent with a valid cookie and CSRF token.
struct Junk {
    _db: common::TestDb,
    server: common::TestServer,
}

fn junk_server() -> &'static Junk {
    static S: OnceLock<Junk> = OnceLock::new();
    S.get_or_init(|| {
        let db = common::TestDb::new(&common::Backend::Sqlite);
        let (server, _store) = forms_support::start(&db, common::test_config(&db));
        Junk { _db: db, server }
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("sex".to_owned()),
        Just("age".to_owned()),
        Just("pets".to_owned()),
        Just("pets.other".to_owned()),
        Just("cat_name".to_owned()),
        Just("_page".to_owned()),
        Just("_nav".to_owned()),
        Just("_shown".to_owned()),
        Just("_csrf".to_owned()),
        "[a-z_.]{1,12}",
        ".{0,20}",
    ]
}

fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("m".to_owned()),
        Just("back".to_owned()),
        Just("p1".to_owned()),
        Just("p4".to_owned()),
        "-?[0-9]{1,30}([.,][0-9]{0,5})?",
        ".{0,200}",
        "\\PC{0,50}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: crate::common::proptest_regressions!("forms_props"),
        ..ProptestConfig::with_cases(64)
    })]

    #[test]
    fn junk_bodies_never_give_a_server_error(
        pairs in proptest::collection::vec((field_name(), field_value()), 0..40),
        raw in proptest::collection::vec(any::<u8>(), 0..300),
        keep_csrf in any::<bool>(),
    ) {
        let j = junk_server();
        let mut r = forms_support::Respondent::new(&j.server, "formtest");
        r.open("");
        let mut body: Vec<(String, String)> = Vec::new();
        if keep_csrf {
            body.push(("_csrf".into(), r.hidden("_csrf")));
        }
        body.extend(pairs);
        let encoded = serde_urlencoded::to_string(&body).unwrap();
        for payload in [encoded.into_bytes(), raw] {
            let resp = r.http.post(r.url())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(payload)
                .send()
                .unwrap();
            prop_assert!(resp.status().as_u16() < 500, "status {}", resp.status());
        }
    }
}

#[test]
fn the_random_walk_answers_many_questions() {
    for def in examples() {
        let total: usize = (0..20).map(|seed| walk(def, seed).1.len()).sum();
        let questions = def.questions().count();
        assert!(
            total >= 20 * questions / 3,
            "{}: {total} answers in 20 walks of {questions} questions",
            def.slug
        );
    }
}
