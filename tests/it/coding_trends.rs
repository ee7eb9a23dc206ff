//! A coded open question tracked across waves (`track:`): the trend page shows each code's share per wave,
//! the shares of each wave's summary.

use opros::auth::Role;
use opros::catalog::coding;
use opros::catalog::DefinitionCache;
use opros::store::Store;

use crate::admin_support::{add_user, Staff};
use crate::coding_support::{seed_survey, YAML};
use crate::common::{test_config, Backend, TestDb, TestServer};

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| (*c).to_owned()).collect()
}

/// The coding survey as a tracked wave with its own slug and fieldwork start.
fn wave(slug: &str, opens: &str) -> String {
    YAML.replacen("slug: coding", &format!("slug: {slug}\nopens: {opens}"), 1)
        .replacen(
            "      - id: why\n        type: text\n",
            "      - id: why\n        type: text\n        track: complaints\n",
            1,
        )
}

/// A wave: slug, fieldwork start, response id prefix, and the codes given to answers by index.
type Wave<'a> = (&'a str, &'a str, &'a str, &'a [(usize, &'a [&'a str])]);

#[test]
fn coded_shares_across_waves() {
    let db = TestDb::new(&Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    let store = Store::open(&db.url).expect("open");
    let cache = DefinitionCache::default();
    // Wave 1: two coded answers, roads and bus (50 % each); wave 2: four, three of them roads (75 %).
    let plan: [Wave; 2] = [
        ("complaints-2025", "2025-06-01", "a", &[(0, &["roads"]), (1, &["bus"])]),
        (
            "complaints-2026",
            "2026-06-01",
            "b",
            &[(0, &["roads"]), (1, &["bus"]), (3, &["roads"]), (4, &["roads", "bus"])],
        ),
    ];
    for (slug, opens, prefix, coded) in plan {
        let yaml = wave(slug, opens);
        assert!(yaml.contains("track: complaints"), "{yaml}");
        let ids = seed_survey(&store, &yaml, prefix);
        let bench = coding::open(&store, &cache, slug, "why").expect("bench");
        for (i, given) in coded {
            bench
                .code(&store, &ids[*i], &codes(given), false, "anna")
                .expect("code");
        }
        store.set_results_published(slug, true).expect("publish");
    }
    add_user(&db, "anna", Role::Sociologist);
    let anna = Staff::login(&server, "anna");

    // Each wave's summary: the shares the trend must show.
    let share = |slug: &str, code: &str| -> f64 {
        let v: serde_json::Value = anna
            .get(&format!("/api/v1/surveys/{slug}/summary"))
            .json()
            .expect("json");
        v["questions"]
            .as_array()
            .and_then(|qs| qs.iter().find(|q| q["id"] == "why"))
            .and_then(|q| q["options"].as_array().cloned())
            .and_then(|os| os.into_iter().find(|o| o["code"] == code))
            .and_then(|o| o["share"].as_f64())
            .unwrap_or(f64::NAN)
    };
    assert!((share("complaints-2025", "roads") - 0.5).abs() < 1e-12);
    assert!((share("complaints-2026", "roads") - 0.75).abs() < 1e-12);

    let r = anna.get("/trends/complaints?lang=ru");
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().expect("page");
    for label in ["Дороги", "Транспорт"] {
        assert!(html.contains(label), "the code {label} is a series of the trend");
    }
    // The roads series: 50 % in the first wave, then 75 % and the change, as the two summaries.
    let roads = &html[html.find("Дороги").unwrap_or(0)..];
    let roads = &roads[..roads.find("</table>").unwrap_or(roads.len())];
    let (p50, p75) = (roads.find(">50,0%<"), roads.find(">75,0%<"));
    assert!(
        p50.is_some() && p75.is_some() && p50 < p75,
        "roads: 50 % then 75 % in {roads}"
    );
    assert!(roads.contains("+25,0 п.п."), "the change between the waves: {roads}");
    let index = anna.get("/trends/").text().expect("index");
    assert!(
        index.contains("/trends/complaints"),
        "the tracked coded question is in the index"
    );
}
