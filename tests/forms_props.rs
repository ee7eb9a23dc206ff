//! Property tests of the form parser: random valid answers to the example surveys are accepted page by page
//! and read back equal (from the stored JSON and through CSV export/import); random junk sent to the real
//! server never gives a 5xx.

mod common;
mod forms_support;

use std::sync::OnceLock;

use chrono::NaiveDate;
use opros::definition::{parse_definition, Answer, Answers, Definition, QuestionKind};
use opros::form::csvio::{export_cells, export_header, parse_import};
use opros::form::parse::{answer_fields, parse_page, prune};
use opros::form::random::draw;
use opros::form::{Fields, Flow};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

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

/// A text a person could type: letters (Latin and Cyrillic), digits, punctuation that matters to CSV,
/// HTML and SQL, inner spaces and line breaks; never empty, no surrounding spaces.
fn random_text(rng: &mut StdRng, max: usize) -> String {
    const CHARS: &[char] = &[
        'a', 'z', 'Q', 'ж', 'Ё', 'я', '0', '9', ' ', ',', ';', '"', '\'', '<', '>', '&', '{', '}', '\n', '-', '=',
    ];
    let len = rng.random_range(1..=max.clamp(1, 40));
    let s: String = (0..len).map(|_| *CHARS.choose(rng).unwrap_or(&'a')).collect();
    let t = s.trim().to_owned();
    if t.is_empty() {
        "x".to_owned()
    } else {
        t
    }
}

fn random_date(rng: &mut StdRng, min: Option<NaiveDate>, max: Option<NaiveDate>) -> NaiveDate {
    let lo = min.unwrap_or(NaiveDate::from_ymd_opt(1950, 1, 1).unwrap());
    let hi = max.unwrap_or(NaiveDate::from_ymd_opt(2050, 12, 31).unwrap());
    let days = (hi - lo).num_days().max(0);
    lo + chrono::Duration::days(rng.random_range(0..=days))
}

/// A random valid answer to a question, or None (left unanswered) when it is optional.
fn random_answer(rng: &mut StdRng, q: &opros::definition::Question) -> Option<Answer> {
    if !q.required && rng.random_bool(0.25) {
        return None;
    }
    match &q.kind {
        QuestionKind::SingleChoice(c) => {
            let n = c.options.len() + usize::from(c.other.is_some());
            let i = rng.random_range(0..n);
            match c.options.get(i) {
                Some(o) => Some(Answer::choice(&o.code)),
                None => Some(Answer::Choice {
                    code: c.other.as_ref()?.code.clone(),
                    other_text: rng.random_bool(0.7).then(|| random_text(rng, 30)),
                }),
            }
        }
        QuestionKind::MultipleChoice(c) => {
            let all: Vec<_> = c.options.iter().chain(c.other.iter()).collect();
            let max = c.max_choices.unwrap_or(all.len()).min(all.len());
            let min = c.min_choices.unwrap_or(1).max(1);
            let non_exclusive: Vec<_> = all.iter().filter(|o| !o.exclusive).collect();
            let exclusive: Vec<_> = all.iter().filter(|o| o.exclusive).collect();
            let picked: Vec<String> = if !exclusive.is_empty() && min <= 1 && rng.random_bool(0.2) {
                vec![exclusive.choose(rng)?.code.clone()]
            } else {
                let k = rng.random_range(min.min(non_exclusive.len())..=max.min(non_exclusive.len()));
                let mut chosen: Vec<_> = non_exclusive.choose_multiple(rng, k).map(|o| o.code.clone()).collect();
                // Form order.
                chosen.sort_by_key(|c| all.iter().position(|o| &o.code == c));
                chosen
            };
            if picked.is_empty() {
                return None;
            }
            let other = c.other.as_ref().map(|o| o.code.clone());
            let other_text = match other {
                Some(oc) if picked.contains(&oc) && rng.random_bool(0.7) => Some(random_text(rng, 30)),
                _ => None,
            };
            Some(Answer::Choices { codes: picked, other_text })
        }
        QuestionKind::Scale(s) => Some(Answer::Scale(s.codes().collect::<Vec<_>>().choose(rng)?.to_string())),
        QuestionKind::Matrix(m) => {
            let scale = m.scale();
            let points: Vec<String> = scale.codes().map(str::to_owned).collect();
            let mut rows = std::collections::BTreeMap::new();
            for r in &m.rows {
                if q.required || rng.random_bool(0.8) {
                    rows.insert(r.code.clone(), points.choose(rng)?.clone());
                }
            }
            (!rows.is_empty()).then_some(Answer::Matrix(rows))
        }
        QuestionKind::Number(n) => {
            let lo = n.min.unwrap_or(-1.0e6);
            let hi = n.max.unwrap_or(1.0e6);
            let x = if n.integer {
                rng.random_range(lo.ceil() as i64..=hi.floor() as i64) as f64
            } else {
                (rng.random_range(lo..=hi) * 100.0).round() / 100.0
            };
            let x = x.clamp(lo, hi);
            Some(Answer::Number(if x == 0.0 { 0.0 } else { x }))
        }
        QuestionKind::Text(t) => Some(Answer::Text(random_text(rng, t.max_length.unwrap_or(100)))),
        QuestionKind::Date(d) => Some(Answer::Date(random_date(rng, d.min, d.max))),
        QuestionKind::Ranking(r) => {
            let mut codes: Vec<String> = r.options.iter().map(|o| o.code.clone()).collect();
            codes.shuffle(rng);
            let k = if r.rank_all { codes.len() } else { rng.random_range(1..=codes.len()) };
            codes.truncate(k);
            Some(Answer::Ranking(codes))
        }
        QuestionKind::Info => None,
    }
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
        assert!(parsed.errors.is_empty(), "{}: page {}: {:?} for {fields:?}", def.slug, def.pages[page].id, parsed.errors);
        stored.extend(parsed.answers);
        stored = prune(def, &stored);
        pos = flow.next_after(p, &stored);
    }
    (generated, stored)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

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
            w.write_record(&export_header(def)).unwrap();
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
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

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
