//! `opros responses import/export` and `opros survey invite`, through the real binary.

use crate::common;
use crate::common::{backend_tests, run_opros as opros, Backend, TestDb};
use crate::forms_support;
use crate::forms_support::import_open;
use opros::definition::{Answer, Answers, Definition};
use opros::form::csvio::parse_import;
use opros::store::codes;

fn import_validates_every_row_and_export_reads_back(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = import_open(&db, forms_support::FORMTEST);
    let dir = tempfile::tempdir().unwrap();

    // Three bad rows (lines 3, 4, 5) among good ones: nothing is imported, every bad line is named.
    let bad = "\u{feff}sex,age,pets,pets.other,cat_name,sat,grid.a,grid.b,visit,men_q,prio\n\
               m,42,dog;fish,,,dk,3,1,2026-03-01,yes,y;x\n\
               f,12,,,,2,,,,,\n\
               m,30,cat;dog;fish,,,2,,,,,\n\
               x,30,,,,9,,,,,\n\
               f,30,cat,,Murka,1,,,,,z\n";
    let bad_path = dir.path().join("bad.csv");
    std::fs::write(&bad_path, bad).unwrap();
    let (ok, _, err) = opros(&db, &["responses", "import", "formtest", bad_path.to_str().unwrap()]);
    assert!(!ok);
    for line in ["line 3:", "line 4:", "line 5:"] {
        assert!(err.contains(line), "{line} reported: {err}");
    }
    assert!(!err.contains("line 2:") && !err.contains("line 6:"), "{err}");
    assert!(
        err.contains("question 'age'") && err.contains("at most 2") && err.contains("question 'sat'"),
        "{err}"
    );
    let survey = store.find_survey("formtest").unwrap();
    assert!(store.response_counts(&survey.id).unwrap().is_empty(), "all-or-nothing");

    // An unknown column is refused at the header.
    let unknown_path = dir.path().join("unknown.csv");
    std::fs::write(&unknown_path, "sex,agee\nm,30\n").unwrap();
    let (ok, _, err) = opros(
        &db,
        &["responses", "import", "formtest", unknown_path.to_str().unwrap()],
    );
    assert!(!ok && err.contains("line 1:") && err.contains("agee"), "{err}");

    let good = "sex,age,pets,pets.other,cat_name,sat,grid.a,grid.b,visit,men_q,prio\n\
                m,42,dog;fish,,,dk,3,1,2026-03-01,yes,y;x\n\
                f,30,cat;other,\"hamster, \"\"Bob\"\"\",Мурка,1,,2,,no,z;x;y\n";
    let good_path = dir.path().join("good.csv");
    std::fs::write(&good_path, good).unwrap();
    let (ok, out, err) = opros(&db, &["responses", "import", "formtest", good_path.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("2 responses imported"), "{out}");

    let rows = store.complete_responses(&survey.id).unwrap();
    assert_eq!(rows.len(), 2);
    let second: Answers =
        serde_json::from_str(&rows.iter().find(|r| r.answers.contains("Мурка")).unwrap().answers).unwrap();
    assert_eq!(
        second.get("pets"),
        Some(&Answer::Choices {
            codes: vec!["cat".into(), "other".into()],
            other_text: Some("hamster, \"Bob\"".into())
        })
    );
    assert!(
        !second.contains_key("men_q"),
        "a hidden question's cell is dropped (women do not see men_q)"
    );
    assert_eq!(
        second.get("prio"),
        Some(&Answer::Ranking(vec!["z".into(), "x".into(), "y".into()]))
    );
    // Imported responses count towards quotas.
    assert_eq!(store.quota_counts(&survey.id).unwrap(), vec![("women".to_owned(), 1)]);

    let out_path = dir.path().join("export.csv");
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "export",
            "formtest",
            "--format",
            "csv",
            "--out",
            out_path.to_str().unwrap(),
        ],
    );
    assert!(ok, "{err}");
    let exported = std::fs::read_to_string(&out_path).unwrap();
    assert!(exported.starts_with('\u{feff}'), "UTF-8 with BOM");
    let mut lines = exported.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next().unwrap(),
        "_response_id,_submitted_at,_version,_language,_duration_seconds,sex,age,pets,pets.other,cat_name,sat,grid.a,grid.b,visit,men_q,prio"
    );
    assert!(
        exported.contains(",m,42,dog;fish,,,dk,3,1,2026-03-01,yes,y;x"),
        "{exported}"
    );
    assert!(
        exported.contains(",f,30,cat;other,\"hamster, \"\"Bob\"\"\",Мурка,1,,2,,,z;x;y"),
        "{exported}"
    );

    // The exported file imports again (the `_` columns are ignored) and gives the same answers.
    let (ok, out, err) = opros(&db, &["responses", "import", "formtest", out_path.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("2 responses imported"));
    let all = store.complete_responses(&survey.id).unwrap();
    assert_eq!(all.len(), 4);
    let mut sets: Vec<String> = all.iter().map(|r| r.answers.clone()).collect();
    sets.sort();
    assert_eq!(sets[0], sets[1]);
    assert_eq!(sets[2], sets[3]);

    let (ok, _, err) = opros(&db, &["responses", "export", "nope"]);
    assert!(!ok && err.contains("nope"), "{err}");
}
backend_tests!(import_validates_every_row_and_export_reads_back);

/// Imports of every size around what the store inserts at once (500 rows per SQLite statement, 5,000 per
/// PostgreSQL `COPY`): each stores exactly its rows with the answers, codes and quota counts the file
/// gives; a bad last row after several full batches stores nothing and is named.
fn imports_around_batch_sizes_store_every_row_exactly(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = import_open(&db, forms_support::FORMTEST);
    let survey = store.find_survey("formtest").unwrap();
    let (_, version) = store.version("formtest", None).unwrap();
    let def: Definition = serde_json::from_str(&version.definition).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = |n: usize, last: &str| -> String {
        let mut text = "sex,age,pets,pets.other,cat_name,sat,grid.a,grid.b,visit,men_q,prio\n".to_owned();
        for i in 0..n {
            text.push_str(&if i % 3 == 0 {
                format!("f,{},cat,,Cat{},{},,2,,,z;x;y\n", 18 + i % 90, i % 1000, 1 + i % 4)
            } else {
                format!("m,{},dog;fish,,,dk,3,{},2026-03-01,yes,y;x\n", 18 + i % 90, 1 + i % 3)
            });
        }
        text.push_str(last);
        text
    };
    let mut expected: Vec<String> = Vec::new();
    let mut women = 0;
    for n in [0, 1, 500, 501, 5000, 5001] {
        let text = file(n, "");
        let path = dir.path().join(format!("rows-{n}.csv"));
        std::fs::write(&path, &text).unwrap();
        let (ok, out, err) = opros(&db, &["responses", "import", "formtest", path.to_str().unwrap()]);
        assert!(ok, "{n} rows: {err}");
        assert!(out.contains(&format!(": {n} responses imported")), "{out}");
        let rows = parse_import(&def, text.as_bytes(), "en").unwrap();
        expected.extend(rows.iter().map(|r| serde_json::to_string(&r.answers).unwrap()));
        women += (0..n).filter(|i| i % 3 == 0).count() as i64;
        let stored = store.complete_responses(&survey.id).unwrap();
        let mut answers: Vec<String> = stored.iter().map(|r| r.answers.clone()).collect();
        answers.sort();
        expected.sort();
        assert_eq!(answers, expected, "after {n} rows");
        for row in &stored {
            let a: Answers = serde_json::from_str(&row.answers).unwrap();
            assert!(row.codes.is_some(), "codes stored for {}", row.answers);
            assert_eq!(row.codes, codes::encode(&def, &a), "{}", row.answers);
        }
        let quotas = store.quota_counts(&survey.id).unwrap();
        let counted = quotas.iter().find(|(k, _)| k == "women").map_or(0, |(_, c)| *c);
        assert_eq!(counted, women, "after {n} rows");
    }

    let path = dir.path().join("bad-last.csv");
    std::fs::write(&path, file(5001, "x,30,,,,9,,,,,\n")).unwrap();
    let (ok, _, err) = opros(&db, &["responses", "import", "formtest", path.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("nothing imported") && err.contains("line 5003:"), "{err}");
    assert_eq!(store.complete_responses(&survey.id).unwrap().len(), expected.len());
    assert_eq!(
        store.quota_counts(&survey.id).unwrap(),
        vec![("women".to_owned(), women)]
    );
}
backend_tests!(imports_around_batch_sizes_store_every_row_exactly);

#[test]
fn invite_prints_tokens_and_stores_only_hashes() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let store = import_open(&db, forms_support::FORMTEST);
    let (ok, out, err) = opros(&db, &["survey", "invite", "formtest", "--count", "5"]);
    assert!(ok, "{err}");
    let tokens: Vec<&str> = out.lines().collect();
    assert_eq!(tokens.len(), 5);
    let survey = store.find_survey("formtest").unwrap();
    for t in &tokens {
        assert!(opros::form::tokens::is_token(t));
        assert!(store
            .invitation_exists(&survey.id, &opros::form::tokens::key_hash(t))
            .unwrap());
        assert!(
            !store.invitation_exists(&survey.id, t).unwrap(),
            "the raw token is not stored"
        );
    }
    assert_eq!(store.invitation_counts(&survey.id).unwrap(), (5, 0));
    let (ok, out, _) = opros(
        &db,
        &[
            "survey",
            "invite",
            "formtest",
            "--count",
            "2",
            "--url",
            "https://opros.example.org/",
        ],
    );
    assert!(ok);
    assert!(
        out.lines()
            .all(|l| l.starts_with("https://opros.example.org/s/formtest?t=")),
        "{out}"
    );
    let (ok, _, err) = opros(&db, &["survey", "invite", "nope", "--count", "2"]);
    assert!(!ok && err.contains("nope"));
}
