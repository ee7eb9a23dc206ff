//! Store and catalogue: import → list → new version → publish → close, and the staff tables, on SQLite and
//! PostgreSQL.

use std::path::PathBuf;

use crate::common::{backend_tests, Backend, TestDb};
use opros::catalog::{self, CatalogError};
use opros::store::{Status, Store};

fn minimal(slug: &str, title: &str) -> String {
    format!(
        r#"slug: {slug}
title: {{ru: "{title}", en: "{title}"}}
topic: transport
languages: [ru, en]
pages:
  - id: p1
    questions:
      - id: q1
        type: single_choice
        text: {{ru: "Вопрос", en: "Question"}}
        options:
          - {{code: a, label: {{ru: "А", en: "A"}}}}
          - {{code: b, label: {{ru: "Б", en: "B"}}}}
"#
    )
}

fn import_text(store: &Store, text: &str) -> Result<opros::store::Imported, CatalogError> {
    let p = catalog::prepare_source(text, "test.yaml", None, None)?;
    catalog::store_prepared(store, &p)
}

fn survey_lifecycle(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    assert_eq!(store.survey_count().unwrap(), 0);

    let first = import_text(&store, &minimal("bus", "Автобусы")).expect("import v1");
    assert_eq!((first.version, first.created_survey), (1, true));
    let listed = store.list_surveys().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].slug, "bus");
    assert_eq!(listed[0].status, "draft");

    let second = import_text(&store, &minimal("bus", "Автобусы 2")).expect("import v2");
    assert_eq!((second.version, second.created_survey), (2, false));
    let versions = store.versions("bus").unwrap();
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2]);
    assert!(versions[0].source.contains("Автобусы\""), "old version kept unchanged");

    assert_eq!(store.set_status("bus", Status::Open).unwrap().status, "open");
    assert_eq!(store.set_status("bus", Status::Closed).unwrap().status, "closed");
    let err = store.set_status("bus", Status::Draft).unwrap_err();
    assert!(err.to_string().contains("cannot go from closed to draft"), "{err}");
    assert!(store
        .set_status("nope", Status::Open)
        .unwrap_err()
        .to_string()
        .contains("no survey with slug 'nope'"));

    // A stored definition reads back equal through the cache.
    let cache = catalog::DefinitionCache::default();
    let (row, loaded) = cache.current(&store, "bus").unwrap();
    assert_eq!(row.current_version, 2);
    assert_eq!(loaded.definition.title.get("ru"), "Автобусы 2");
}
backend_tests!(survey_lifecycle);

fn invalid_import_changes_nothing(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    import_text(&store, &minimal("bus", "One")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&good, minimal("tram", "Tram")).unwrap();
    std::fs::write(&bad, minimal("bus", "Two").replace("code: b", "code: a")).unwrap();
    let err = catalog::import_files(&store, &[good, bad]).unwrap_err();
    assert!(err.to_string().contains("bad.yaml"), "{err}");
    let slugs: Vec<_> = store.list_surveys().unwrap().into_iter().map(|s| s.slug).collect();
    assert_eq!(
        slugs,
        vec!["bus"],
        "the valid file of a failed batch is not stored either"
    );
    assert_eq!(store.versions("bus").unwrap().len(), 1);
}
backend_tests!(invalid_import_changes_nothing);

fn concurrent_imports_of_one_slug_get_distinct_versions(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || import_text(&store, &minimal("race", &format!("T{i}"))).map(|x| x.version))
        })
        .collect();
    let mut got: Vec<i32> = threads
        .into_iter()
        .map(|t| t.join().unwrap().expect("import"))
        .collect();
    got.sort();
    assert_eq!(got, (1..=8).collect::<Vec<_>>());
    assert_eq!(store.find_survey("race").unwrap().current_version, 8);
    assert_eq!(store.list_surveys().unwrap().len(), 1);
}
backend_tests!(concurrent_imports_of_one_slug_get_distinct_versions);

fn example_surveys_import_and_open(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    let seeded = catalog::seed_examples(&store).expect("seed");
    assert!(seeded.len() >= 3, "at least three example surveys");
    for s in store.list_surveys().unwrap() {
        assert_eq!(s.status, "open", "{}", s.slug);
        let (_, v) = store.version(&s.slug, None).unwrap();
        assert!(v.population.is_some(), "{} is weighted to a population", s.slug);
    }
    // Files on disk and the embedded copies agree.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("surveys");
    let mut on_disk = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            catalog::prepare_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            on_disk += 1;
        }
    }
    assert_eq!(on_disk, seeded.len());
}
backend_tests!(example_surveys_import_and_open);

fn migrations_are_idempotent(backend: Backend) {
    let db = TestDb::new(&backend);
    Store::open(&db.url).expect("first open");
    let store = Store::open(&db.url).expect("second open applies nothing new");
    assert_eq!(store.survey_count().unwrap(), 0);
}
backend_tests!(migrations_are_idempotent);

/// The staff tables through their store functions: what `auth` and `catalog::workbench` build on.
fn staff_rows(backend: Backend) {
    use chrono::Duration;
    use opros::auth::AuthError;
    use opros::store::audit::{self, AuditEvent, AuditFilter};
    use opros::store::users::{UserRow, UserUpdate};
    use opros::store::{now, StoreError};

    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    let at = now();
    let user = |id: &str, login: &str, role: &str| UserRow {
        id: id.into(),
        login: login.into(),
        password_hash: "x".into(),
        role: role.into(),
        disabled: false,
        created_at: at,
        updated_at: at,
    };
    assert!(store.insert_user(&user("u1", "anna", "admin")).unwrap());
    assert!(
        !store.insert_user(&user("u2", "anna", "official")).unwrap(),
        "a login is taken once"
    );
    assert!(store.insert_user(&user("u3", "boris", "official")).unwrap());
    assert_eq!(store.user_count().unwrap(), 2);

    // A refused change writes nothing; the decision sees the other enabled admins.
    let refused = store.update_user("anna", "admin", |row, others| {
        assert_eq!((row.login.as_str(), others), ("anna", 0));
        Err::<UserUpdate, _>(AuthError::LastAdmin)
    });
    assert!(matches!(refused, Err(AuthError::LastAdmin)));
    assert!(!store.user_by_login("anna").unwrap().unwrap().disabled);

    // Sessions: a change that ends them does; expiry and pruning by time.
    store.insert_session("h1", "u3", at, at + Duration::hours(1)).unwrap();
    store.insert_session("h2", "u3", at, at + Duration::hours(1)).unwrap();
    let (times, row) = store.session_with_user("h1").unwrap().expect("session");
    assert_eq!(
        (times.expires_at, row.login.as_str()),
        (at + Duration::hours(1), "boris")
    );
    store.touch_session("h1", at, at + Duration::hours(2)).unwrap();
    assert_eq!(
        store.session_with_user("h1").unwrap().unwrap().0.expires_at,
        at + Duration::hours(2)
    );
    assert_eq!(store.expire_sessions_of("u3", at - Duration::seconds(1)).unwrap(), 2);
    assert_eq!(store.delete_sessions_expired_before(at).unwrap(), 2);
    store.insert_session("h3", "u3", at, at + Duration::hours(1)).unwrap();
    let changed = store
        .update_user("boris", "admin", |_, others| {
            assert_eq!(others, 1);
            Ok::<_, StoreError>(UserUpdate {
                disabled: Some(true),
                end_sessions: true,
                ..UserUpdate::default()
            })
        })
        .unwrap()
        .expect("known user");
    assert!(changed.disabled && store.user_by_login("boris").unwrap().unwrap().disabled);
    assert!(store.session_with_user("h3").unwrap().is_none());
    assert!(store
        .update_user("nobody", "admin", |_, _| Ok::<_, StoreError>(UserUpdate::default()))
        .unwrap()
        .is_none());

    // Login failures: counted per key after a moment, pruned before one, cleared per key.
    let keys = ["user:anna".to_owned(), "ip:10.0.0.1".to_owned()];
    store
        .add_login_failures(&keys, at - Duration::hours(2), at - Duration::days(1))
        .unwrap();
    store.add_login_failures(&keys, at, at - Duration::hours(1)).unwrap();
    assert_eq!(
        store.login_failures_since("user:anna", at - Duration::days(1)).unwrap(),
        1,
        "the old one was pruned"
    );
    store.clear_login_failures("user:anna").unwrap();
    assert_eq!(
        store.login_failures_since("user:anna", at - Duration::days(1)).unwrap(),
        0
    );
    assert_eq!(
        store
            .login_failures_since("ip:10.0.0.1", at - Duration::days(1))
            .unwrap(),
        1
    );

    // Result access, with its audit entries.
    import_text(&store, &minimal("bus", "Автобусы")).expect("import");
    let survey = store.find_survey("bus").unwrap();
    let event = |action| AuditEvent {
        actor: "anna",
        action,
        survey_slug: Some("bus"),
        ..Default::default()
    };
    store
        .grant_result_access("u3", &survey.id, &event("results.grant"))
        .unwrap();
    store
        .grant_result_access("u3", &survey.id, &event("results.grant"))
        .unwrap();
    assert!(store.has_result_access("u3", &survey.id).unwrap());
    assert_eq!(store.result_access_logins(&survey.id).unwrap(), ["boris"]);
    assert_eq!(store.result_access_slugs("u3").unwrap(), ["bus"]);
    store
        .revoke_result_access("u3", &survey.id, &event("results.revoke"))
        .unwrap();
    assert!(!store.has_result_access("u3", &survey.id).unwrap());

    // Closing an open survey happens once, with one audit entry, however many callers try.
    store.set_status("bus", Status::Open).unwrap();
    assert_eq!(store.surveys_with_status(Status::Open).unwrap().len(), 1);
    assert!(store.close_if_open(&survey.id, &event("survey.auto_close")).unwrap());
    assert!(!store.close_if_open(&survey.id, &event("survey.auto_close")).unwrap());
    let log = audit::list(&store, &AuditFilter::default()).unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["results.grant", "results.grant", "results.revoke", "survey.auto_close"]
    );
}
backend_tests!(staff_rows);

/// Asking for a version a survey does not have names the survey and the version.
fn an_unknown_version_is_named(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    import_text(&store, &minimal("tram", "Трамваи")).expect("import");
    match store.version("tram", Some(7)) {
        Err(e @ opros::store::StoreError::UnknownVersion { version: 7, .. }) => {
            assert_eq!(e.to_string(), "survey 'tram' has no version 7");
        }
        other => panic!("expected UnknownVersion, got {:?}", other.map(|(s, _)| s.slug)),
    }
}

backend_tests!(an_unknown_version_is_named);

/// A database that cannot be opened (a SQLite file in a directory that does not exist) is reported as such.
#[test]
fn a_database_that_cannot_be_opened_is_a_connect_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing-directory").join("opros.db");
    let url = opros::config::DatabaseUrl::parse(&path.display().to_string()).expect("url");
    match Store::open(&url) {
        Err(e @ opros::store::StoreError::Connect(_)) => {
            assert!(e.to_string().starts_with("cannot open the database"), "{e}");
        }
        Err(other) => panic!("expected Connect, got {other:?}"),
        Ok(_) => panic!("a database in a missing directory opened"),
    }
}
