//! Staff accounts over HTTP: login, logout, cookie flags, expiry, CSRF, brute-force limits (shared by
//! instances through the database), disabled accounts, the audit log, and the `opros user` CLI.
//! Each test runs on SQLite and on PostgreSQL (`backend_tests!`).

use crate::admin_support::{add_user, csrf_of, location, Staff, PASSWORD};
use crate::common;
use crate::common::{backend_tests, test_config, Backend, TestDb, TestServer};
use opros::auth::{sessions, users, Role};
use opros::store::audit::{self, AuditFilter};
use opros::store::Store;

fn set_cookie_of(r: &reqwest::blocking::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn actions(store: &Store) -> Vec<String> {
    audit::list(store, &AuditFilter::default())
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.actor, e.action))
        .collect()
}

fn login_logout_cookie_flags_and_one_message_for_unknown_and_wrong(b: Backend) {
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "ivanova", Role::Sociologist);

    let mut s = Staff::anonymous(&server);
    let wrong = s.try_login("ivanova", "not the password");
    assert_eq!(wrong.status().as_u16(), 401);
    let wrong_body = wrong.text().unwrap();
    let mut s2 = Staff::anonymous(&server);
    let unknown = s2.try_login("nobody-here", "not the password");
    assert_eq!(unknown.status().as_u16(), 401);
    let unknown_body = unknown.text().unwrap();
    assert!(wrong_body.contains("Wrong login or password."));
    assert!(unknown_body.contains("Wrong login or password."));
    assert!(!unknown_body.to_lowercase().contains("no such user") && !unknown_body.contains("unknown"));

    let ok = s.try_login("Ivanova", PASSWORD); // logins are case-insensitive
    assert_eq!(ok.status().as_u16(), 303);
    assert_eq!(location(&ok), "/admin");
    let cookie = set_cookie_of(&ok, "opros_staff").expect("session cookie set");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "secure_cookies is off in tests: {cookie}");
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("opros_staff=")
        .to_owned();

    let page = s.get("/admin");
    assert_eq!(page.status().as_u16(), 200);
    let csrf = csrf_of(&page.text().unwrap());

    // Logout needs the CSRF token.
    assert_eq!(s.post_form("/logout", &[]).status().as_u16(), 403);
    let out = s.post_form("/logout", &[("_csrf", &csrf)]);
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(location(&out), "/login");
    let after = s.get("/admin");
    assert_eq!(after.status().as_u16(), 303);
    assert!(location(&after).starts_with("/login"));

    // The old token is dead on the server, not just removed from the browser.
    let replay = common::client()
        .get(server.url("/admin"))
        .header("Cookie", format!("opros_staff={token}"))
        .send()
        .unwrap();
    assert_eq!(replay.status().as_u16(), 303);

    let store = Store::open(&db.url).unwrap();
    let log = actions(&store);
    assert!(log.contains(&"ivanova login".to_owned()), "{log:?}");
    assert!(log.contains(&"ivanova logout".to_owned()), "{log:?}");
}
backend_tests!(login_logout_cookie_flags_and_one_message_for_unknown_and_wrong);

#[test]
fn secure_flag_follows_config() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let mut config = test_config(&db);
    config.secure_cookies = true;
    let server = TestServer::start(config);
    add_user(&db, "admin1", Role::Admin);
    // Cookies are set explicitly here: a client may or may not send `Secure` cookies back over plain HTTP.
    let page = common::client().get(server.url("/login")).send().unwrap();
    let login_cookie = set_cookie_of(&page, "opros_login").unwrap();
    assert!(login_cookie.contains("Secure") && login_cookie.contains("HttpOnly"));
    let token = login_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("opros_login=")
        .to_owned();
    let csrf = csrf_of(&page.text().unwrap());
    let ok = common::client()
        .post(server.url("/login"))
        .header("Cookie", format!("opros_login={token}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            serde_urlencoded::to_string([("_csrf", csrf.as_str()), ("login", "admin1"), ("password", PASSWORD)])
                .unwrap(),
        )
        .send()
        .unwrap();
    assert_eq!(ok.status().as_u16(), 303);
    let c = set_cookie_of(&ok, "opros_staff").unwrap();
    assert!(
        c.contains("Secure") && c.contains("HttpOnly") && c.contains("SameSite=Lax"),
        "{c}"
    );
}

#[test]
fn login_form_needs_its_csrf_token() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "admin1", Role::Admin);
    let s = Staff::anonymous(&server);
    let _ = s.get("/login");
    // Missing token.
    let r = s.post_form("/login", &[("login", "admin1"), ("password", PASSWORD)]);
    assert_eq!(r.status().as_u16(), 403);
    // A token from another browser's login page (a forged cross-site form cannot read ours).
    let other = Staff::anonymous(&server);
    let foreign = csrf_of(&other.get("/login").text().unwrap());
    let r = s.post_form(
        "/login",
        &[("_csrf", &foreign), ("login", "admin1"), ("password", PASSWORD)],
    );
    assert_eq!(r.status().as_u16(), 403);
    assert!(s.get("/admin").status().as_u16() == 303, "no session was created");
}

fn sessions_expire_and_are_shared_by_instances(b: Backend) {
    let db = TestDb::new(&b);
    let a = TestServer::start(test_config(&db));
    let other = TestServer::start(test_config(&db));
    add_user(&db, "petrov", Role::Official);
    let s = Staff::login(&a, "petrov");
    // The same browser cookie works on a second instance: sessions live in the database.
    let cookie_jar_client = &s.http;
    let on_b = cookie_jar_client.get(other.url("/admin")).send().unwrap();
    // reqwest keys cookies by host:port? It keys by domain (127.0.0.1), so the cookie is sent to B too.
    assert_eq!(on_b.status().as_u16(), 200);

    let store = Store::open(&db.url).unwrap();
    assert_eq!(sessions::expire_all(&store, "petrov").unwrap(), 1);
    let r = s.get("/admin");
    assert_eq!(r.status().as_u16(), 303, "an expired session no longer signs in");
    assert_eq!(location(&r), "/login?next=/admin");
}
backend_tests!(sessions_expire_and_are_shared_by_instances);

fn brute_force_is_limited_per_account_and_per_ip_across_instances(b: Backend) {
    let db = TestDb::new(&b);
    let a = TestServer::start(test_config(&db));
    let other = TestServer::start(test_config(&db));
    add_user(&db, "target", Role::Admin);
    add_user(&db, "bystander", Role::Sociologist);
    add_user(&db, "third", Role::Official);

    // 5 failures on one account, alternating instances.
    for i in 0..5 {
        let server = if i % 2 == 0 { &a } else { &other };
        let mut s = Staff::anonymous(server);
        assert_eq!(s.try_login("target", "wrong password!").status().as_u16(), 401);
    }
    // Now even the right password is refused, on either instance.
    for server in [&a, &other] {
        let mut s = Staff::anonymous(server);
        let r = s.try_login("target", PASSWORD);
        assert_eq!(r.status().as_u16(), 429);
        assert!(r.text().unwrap().contains("Too many failed sign-in attempts"));
    }
    // Another account from the same IP is not locked by that.
    let mut s = Staff::anonymous(&a);
    assert_eq!(s.try_login("bystander", PASSWORD).status().as_u16(), 303);

    // Per IP: 20 failures spread over many (unknown) logins lock the client out of every account.
    for i in 0..15 {
        let mut s = Staff::anonymous(&other);
        assert_eq!(
            s.try_login(&format!("spray{i}"), "wrong password!").status().as_u16(),
            401
        );
    }
    let mut s = Staff::anonymous(&a);
    assert_eq!(s.try_login("third", PASSWORD).status().as_u16(), 429);
}
backend_tests!(brute_force_is_limited_per_account_and_per_ip_across_instances);

#[test]
fn disabled_accounts_cannot_sign_in_and_lose_their_sessions() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "root", Role::Admin);
    add_user(&db, "leaver", Role::Sociologist);
    let leaver = Staff::login(&server, "leaver");
    let admin = Staff::login(&server, "root");
    let r = admin.post("/admin/users/leaver", &[("action", "disable")]);
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(leaver.get("/admin").status().as_u16(), 303, "session ended");
    let mut again = Staff::anonymous(&server);
    let r = again.try_login("leaver", PASSWORD);
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.text().unwrap().contains("Wrong login or password."));
    // The last admin cannot disable or demote themselves into a lockout.
    let r = admin.post("/admin/users/root", &[("action", "set_role"), ("role", "official")]);
    assert_eq!(r.status().as_u16(), 409);
    let store = Store::open(&db.url).unwrap();
    assert!(actions(&store).contains(&"root user.disable".to_owned()));
}

fn admins_manage_users_in_the_browser_with_audit_entries(b: Backend) {
    let db = TestDb::new(&b);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "root", Role::Admin);
    let admin = Staff::login(&server, "root");
    // Without the CSRF token nothing happens.
    let r = admin.post_form(
        "/admin/users",
        &[("login", "newbie"), ("role", "official"), ("password", PASSWORD)],
    );
    assert_eq!(r.status().as_u16(), 403);
    let r = admin.post(
        "/admin/users",
        &[("login", "newbie"), ("role", "official"), ("password", "short")],
    );
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().unwrap().contains("too short"));
    let r = admin.post(
        "/admin/users",
        &[("login", "newbie"), ("role", "official"), ("password", PASSWORD)],
    );
    assert_eq!(r.status().as_u16(), 303);
    let r = admin.post(
        "/admin/users",
        &[("login", "NEWBIE"), ("role", "official"), ("password", PASSWORD)],
    );
    assert_eq!(r.status().as_u16(), 409, "logins are unique whatever the case");
    let r = admin.post(
        "/admin/users/newbie",
        &[("action", "set_role"), ("role", "sociologist")],
    );
    assert_eq!(r.status().as_u16(), 303);
    let store = Store::open(&db.url).unwrap();
    assert_eq!(users::find(&store, "newbie").unwrap().role, Role::Sociologist);
    let newbie = Staff::login(&server, "newbie");
    assert_eq!(newbie.get("/admin/surveys/new").status().as_u16(), 200);

    let audit_page = admin.get("/admin/audit").text().unwrap();
    assert!(audit_page.contains("user.add") && audit_page.contains("newbie as official"));
    assert!(audit_page.contains("user.set_role"));
    let log = audit::list(
        &store,
        &AuditFilter {
            actor: Some("root".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(log.iter().any(|e| e.action == "user.add"));
    assert!(log.iter().all(|e| e.actor == "root"));
}
backend_tests!(admins_manage_users_in_the_browser_with_audit_entries);

#[test]
fn cli_user_verbs_read_the_password_from_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let db = TestDb::new(&common::Backend::Sqlite);
    let bin = env!("CARGO_BIN_EXE_opros");
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(bin)
            .args(args)
            .env("DATABASE_URL", db.env_value())
            .env("OPROS_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&["user", "add", "Chief", "--role", "admin"], &format!("{PASSWORD}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("chief: created (admin)"));
    let out = run(&["user", "add", "weak", "--role", "official"], "short\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("too short"));
    let out = run(&["user", "add", "x1", "--role", "boss"], &format!("{PASSWORD}\n"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role 'boss'"));
    let out = run(
        &["user", "add", "helper", "--role", "official"],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success());
    let out = run(&["user", "set-role", "helper", "--role", "sociologist"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["user", "disable", "helper"], "");
    assert!(out.status.success());
    let out = run(&["user", "disable", "chief"], "");
    assert!(!out.status.success(), "the last admin cannot be disabled");
    let out = run(&["user", "list"], "");
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        list.contains("chief") && list.contains("admin") && list.contains("active"),
        "{list}"
    );
    assert!(
        list.contains("helper") && list.contains("sociologist") && list.contains("disabled"),
        "{list}"
    );

    // The account made by the CLI signs in on the server.
    let server = TestServer::start(test_config(&db));
    let _ = Staff::login(&server, "chief");
    let store = Store::open(&db.url).unwrap();
    let log = actions(&store);
    assert!(
        log.contains(&"cli user.add".to_owned()) && log.contains(&"cli user.disable".to_owned()),
        "{log:?}"
    );
}
