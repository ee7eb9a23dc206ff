//! Access-control matrix: every route × {anonymous, respondent cookie, official, sociologist, admin} → the
//! expected status. The routes are read from `web::configure` in src/web/mod.rs, so a route added there
//! without a row here fails this test.
//!
//! Conventions: staff-only pages send anonymous visitors (and respondents, who have no staff session) to
//! `/login` (303); signed-in staff without the role get 403. POST rows either carry the staff member's valid
//! CSRF token with a harmless invalid body (so the status shows the role check passed: 400/404/422), or no
//! token at all (403 for staff: the CSRF check).

use std::collections::BTreeSet;

use crate::admin_support::{add_user, Staff};
use crate::common::{backend_tests, test_config, Backend, TestDb, TestServer};
use opros::auth::Role;
use opros::store::Store;

/// (method, route pattern as in configure, concrete path, send CSRF, [anonymous, respondent, official,
/// sociologist, admin]).
type Row = (&'static str, &'static str, &'static str, bool, [u16; 5]);

const MATRIX: &[Row] = &[
    // Public pages.
    ("GET", "/", "/", false, [200, 200, 200, 200, 200]),
    ("GET", "/healthz", "/healthz", false, [200, 200, 200, 200, 200]),
    (
        "GET",
        "/static/{file:.*}",
        "/static/opros.css",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/s/{slug}",
        "/s/transport-2026",
        false,
        [200, 200, 200, 200, 200],
    ),
    // A form POST without the respondent's CSRF token is refused for everyone.
    (
        "POST",
        "/s/{slug}",
        "/s/transport-2026",
        false,
        [403, 403, 403, 403, 403],
    ),
    (
        "GET",
        "/api/v1/surveys",
        "/api/v1/surveys",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/api/v1/surveys/{slug}/summary",
        "/api/v1/surveys/transport-2026/summary",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/results/{slug}",
        "/results/transport-2026",
        false,
        [200, 200, 200, 200, 200],
    ),
    ("GET", "/results", "/results", false, [200, 200, 200, 200, 200]),
    (
        "GET",
        "/results/{slug}/methodology",
        "/results/transport-2026/methodology",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/results/{slug}/export.csv",
        "/results/transport-2026/export.csv",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/results/{slug}/export.xlsx",
        "/results/transport-2026/export.xlsx",
        false,
        [200, 200, 200, 200, 200],
    ),
    // Microdata: sociologists and admins only (officials never).
    (
        "GET",
        "/results/{slug}/export.sav",
        "/results/transport-2026/export.sav",
        false,
        [403, 403, 403, 200, 200],
    ),
    (
        "GET",
        "/results/{slug}/export.csv",
        "/results/transport-2026/export.csv?data=microdata",
        false,
        [403, 403, 403, 200, 200],
    ),
    // Unpublished results: staff who may see them (sociologists, admins); officials only when given access.
    (
        "GET",
        "/results/{slug}",
        "/results/housing-2026",
        false,
        [404, 404, 404, 200, 200],
    ),
    (
        "GET",
        "/api/v1/surveys/{slug}/summary",
        "/api/v1/surveys/housing-2026/summary",
        false,
        [404, 404, 404, 200, 200],
    ),
    (
        "GET",
        "/topics/{topic}",
        "/topics/transport",
        false,
        [200, 200, 200, 200, 200],
    ),
    ("GET", "/trends", "/trends", false, [200, 200, 200, 200, 200]),
    ("GET", "/trends/", "/trends/", false, [200, 200, 200, 200, 200]),
    (
        "GET",
        "/trends/{track}",
        "/trends/no-such-track",
        false,
        [404, 404, 404, 404, 404],
    ),
    // The risk calendar: public (published results only; staff see every survey).
    ("GET", "/indicators", "/indicators", false, [200, 200, 200, 200, 200]),
    (
        "GET",
        "/indicators/feed.atom",
        "/indicators/feed.atom",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/indicators/{id}",
        "/indicators/life_dissatisfied",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/api/v1/indicators",
        "/api/v1/indicators",
        false,
        [200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/api/v1/indicators/{id}",
        "/api/v1/indicators/no-such-indicator",
        false,
        [404, 404, 404, 404, 404],
    ),
    // Sign-in.
    ("GET", "/login", "/login", false, [200, 200, 303, 303, 303]),
    ("POST", "/login", "/login", false, [403, 403, 403, 403, 403]),
    ("POST", "/logout", "/logout", false, [303, 303, 403, 403, 403]),
    // Workbench.
    ("GET", "/admin", "/admin", false, [303, 303, 200, 200, 200]),
    (
        "GET",
        "/admin/surveys/new",
        "/admin/surveys/new",
        false,
        [303, 303, 403, 200, 200],
    ),
    (
        "POST",
        "/admin/surveys/new",
        "/admin/surveys/new",
        true,
        [303, 303, 403, 422, 422],
    ),
    (
        "POST",
        "/admin/surveys/new",
        "/admin/surveys/new",
        false,
        [303, 303, 403, 403, 403],
    ),
    (
        "GET",
        "/admin/uploads/{id}",
        "/admin/uploads/00000000-0000-0000-0000-000000000001",
        false,
        [303, 303, 403, 404, 404],
    ),
    (
        "POST",
        "/admin/uploads/{id}",
        "/admin/uploads/00000000-0000-0000-0000-000000000001",
        true,
        [303, 303, 403, 400, 400],
    ),
    (
        "POST",
        "/admin/uploads/{id}/preview",
        "/admin/uploads/00000000-0000-0000-0000-000000000001/preview",
        true,
        [303, 303, 403, 404, 404],
    ),
    (
        "GET",
        "/admin/surveys/{slug}",
        "/admin/surveys/transport-2026",
        false,
        [303, 303, 403, 200, 200],
    ),
    (
        "GET",
        "/admin/surveys/{slug}",
        "/admin/surveys/no-such-survey",
        false,
        [303, 303, 403, 404, 404],
    ),
    (
        "GET",
        "/admin/surveys/{slug}/preview",
        "/admin/surveys/transport-2026/preview",
        false,
        [303, 303, 403, 200, 200],
    ),
    (
        "POST",
        "/admin/surveys/{slug}/preview",
        "/admin/surveys/transport-2026/preview",
        true,
        [303, 303, 403, 303, 303],
    ),
    (
        "GET",
        "/admin/surveys/{slug}/confirm",
        "/admin/surveys/transport-2026/confirm?action=close",
        false,
        [303, 303, 403, 200, 200],
    ),
    (
        "POST",
        "/admin/surveys/{slug}/status",
        "/admin/surveys/transport-2026/status",
        true,
        [303, 303, 403, 400, 400],
    ),
    (
        "POST",
        "/admin/surveys/{slug}/status",
        "/admin/surveys/transport-2026/status",
        false,
        [303, 303, 403, 403, 403],
    ),
    (
        "POST",
        "/admin/surveys/{slug}/access",
        "/admin/surveys/transport-2026/access",
        true,
        [303, 303, 403, 400, 400],
    ),
    (
        "GET",
        "/admin/surveys/{slug}/monitor",
        "/admin/surveys/transport-2026/monitor",
        false,
        [303, 303, 403, 200, 200],
    ),
    // The example surveys' open questions have no codebook: 404 once the role check has passed.
    (
        "GET",
        "/admin/surveys/{slug}/coding/{question}",
        "/admin/surveys/transport-2026/coding/nope",
        false,
        [303, 303, 403, 404, 404],
    ),
    (
        "POST",
        "/admin/surveys/{slug}/coding/{question}",
        "/admin/surveys/transport-2026/coding/nope",
        true,
        [303, 303, 403, 404, 404],
    ),
    (
        "GET",
        "/admin/surveys/{slug}/quality",
        "/admin/surveys/transport-2026/quality",
        false,
        [303, 303, 403, 200, 200],
    ),
    (
        "GET",
        "/admin/surveys/{slug}/model",
        "/admin/surveys/transport-2026/model",
        false,
        [303, 303, 403, 200, 200],
    ),
    (
        "POST",
        "/admin/surveys/{slug}/quality",
        "/admin/surveys/transport-2026/quality",
        true,
        [303, 303, 403, 400, 400],
    ),
    (
        "GET",
        "/admin/populations",
        "/admin/populations",
        false,
        [303, 303, 403, 200, 200],
    ),
    (
        "POST",
        "/admin/populations",
        "/admin/populations",
        true,
        [303, 303, 403, 422, 422],
    ),
    ("GET", "/admin/users", "/admin/users", false, [303, 303, 403, 403, 200]),
    ("POST", "/admin/users", "/admin/users", true, [303, 303, 403, 403, 422]),
    (
        "POST",
        "/admin/users/{login}",
        "/admin/users/nobody",
        true,
        [303, 303, 403, 403, 422],
    ),
    ("GET", "/admin/audit", "/admin/audit", false, [303, 303, 403, 403, 200]),
];

/// (METHOD, pattern) of every route registered in `web::configure`, read from its source.
fn configured_routes() -> BTreeSet<(String, String)> {
    let src =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs")).expect("read src/web/mod.rs");
    let start = src.find("pub fn configure(").expect("web::configure exists");
    let body_end = src[start..].find("\n}\n").map(|e| start + e).expect("end of configure");
    let body = &src[start..body_end];
    for unsupported in [".configure(", "web::scope(", ".route(\"", "cfg.route("] {
        assert!(
            !body.contains(unsupported),
            "configure uses `{unsupported}`: teach tests/it/access_matrix.rs to read it and list its routes"
        );
    }
    let mut out = BTreeSet::new();
    let pieces: Vec<&str> = body.split("web::resource(\"").skip(1).collect();
    for piece in pieces {
        let path = &piece[..piece.find('"').expect("closing quote")];
        let mut methods = 0;
        for (needle, m) in [
            ("web::get()", "GET"),
            ("web::post()", "POST"),
            ("web::put()", "PUT"),
            ("web::delete()", "DELETE"),
            ("web::patch()", "PATCH"),
            ("web::head()", "HEAD"),
        ] {
            if piece.contains(needle) {
                out.insert((m.to_owned(), path.to_owned()));
                methods += 1;
            }
        }
        assert!(methods > 0, "route {path} has no method this test recognizes");
    }
    out
}

#[test]
fn every_configured_route_is_in_the_matrix() {
    let configured = configured_routes();
    let listed: BTreeSet<(String, String)> = MATRIX.iter().map(|r| (r.0.to_owned(), r.1.to_owned())).collect();
    let missing: Vec<_> = configured.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the access matrix: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&configured).collect();
    assert!(stale.is_empty(), "matrix rows for routes that do not exist: {stale:?}");
}

fn access_matrix(b: Backend) {
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    {
        let store = Store::open(&db.url).unwrap();
        store.set_results_published("transport-2026", true).unwrap();
    }
    add_user(&db, "official1", Role::Official);
    add_user(&db, "socio1", Role::Sociologist);
    add_user(&db, "admin1", Role::Admin);

    let anonymous = Staff::anonymous(&server);
    let respondent = Staff::anonymous(&server);
    assert_eq!(
        respondent.get("/s/transport-2026").status().as_u16(),
        200,
        "gets a respondent cookie"
    );
    let who = [
        ("anonymous", anonymous),
        ("respondent", respondent),
        ("official", Staff::login(&server, "official1")),
        ("sociologist", Staff::login(&server, "socio1")),
        ("admin", Staff::login(&server, "admin1")),
    ];
    let mut failures = Vec::new();
    for (method, pattern, path, with_csrf, expected) in MATRIX {
        for (i, (name, client)) in who.iter().enumerate() {
            let status = match *method {
                "GET" => client.get(path).status().as_u16(),
                "POST" if *with_csrf && !client.csrf.is_empty() => client.post(path, &[]).status().as_u16(),
                "POST" => client.post_form(path, &[]).status().as_u16(),
                other => panic!("method {other} not handled"),
            };
            if status != expected[i] {
                failures.push(format!(
                    "{method} {path} ({pattern}) as {name}: expected {}, got {status}",
                    expected[i]
                ));
            }
        }
    }
    // Everyone is still signed in: no row of the matrix logged anybody out or changed a role.
    for (name, client) in who.iter().skip(2) {
        assert_eq!(client.get("/admin").status().as_u16(), 200, "{name} still signed in");
    }
    assert!(
        failures.is_empty(),
        "{:?}: {} mismatches:\n{}",
        b,
        failures.len(),
        failures.join("\n")
    );
}
backend_tests!(access_matrix);
