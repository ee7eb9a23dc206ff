//! Helpers for the staff tests: accounts made through the library, and a browser-like staff client that
//! signs in through `/login` and reads the CSRF token of each page.

use opros::auth::{users, Role};
use opros::store::Store;
use reqwest::blocking::{Client, Response};

use crate::common::{TestDb, TestServer};
use crate::forms_support::attr_after;

pub const PASSWORD: &str = "a long test password";

/// Creates an account directly in the database.
pub fn add_user(db: &TestDb, login: &str, role: Role) {
    let store = Store::open(&db.url).expect("open store");
    users::add(&store, login, role, PASSWORD).expect("add user");
}

/// The `_csrf` value of the first form of a page.
pub fn csrf_of(html: &str) -> String {
    attr_after(html, "name=\"_csrf\"", "value").unwrap_or_default()
}

/// A staff member's browser.
pub struct Staff {
    pub http: Client,
    pub base: String,
    /// The staff CSRF token (the same on every page of one session).
    pub csrf: String,
}

impl Staff {
    /// A browser that has not signed in. It asks for English pages (`Accept-Language: en`), which the
    /// workbench tests read; that the workbench is Russian without it is tested in `site_pages`.
    pub fn anonymous(server: &TestServer) -> Staff {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            reqwest::header::HeaderValue::from_static("en"),
        );
        Staff {
            http: reqwest::blocking::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .expect("client"),
            base: server.base.clone(),
            csrf: String::new(),
        }
    }

    /// Signs in; panics unless the login succeeds.
    pub fn login(server: &TestServer, login: &str) -> Staff {
        let mut s = Staff::anonymous(server);
        let r = s.try_login(login, PASSWORD);
        assert_eq!(r.status().as_u16(), 303, "login of {login} should succeed");
        let page = s.get("/admin");
        assert_eq!(page.status().as_u16(), 200);
        s.csrf = csrf_of(&page.text().expect("body"));
        assert!(!s.csrf.is_empty(), "the workbench page carries a CSRF token");
        s
    }

    /// GET /login then POST the form; returns the POST's response.
    pub fn try_login(&mut self, login: &str, password: &str) -> Response {
        let page = self.get("/login").text().expect("login page");
        let csrf = csrf_of(&page);
        self.post_form("/login", &[("_csrf", &csrf), ("login", login), ("password", password)])
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().expect("GET")
    }

    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).expect("encode"))
            .send()
            .expect("POST")
    }

    /// A POST with this session's CSRF token added.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        all.extend_from_slice(fields);
        self.post_form(path, &all)
    }

    /// A multipart upload of one file field plus the CSRF token.
    pub fn upload(&self, path: &str, field: &str, file_name: &str, content: &str) -> Response {
        let boundary = "----opros-test-boundary-7d1f";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/x-yaml\r\n\r\n{content}\r\n--{boundary}--\r\n",
            self.csrf
        );
        self.http
            .post(self.url(path))
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .expect("POST multipart")
    }
}

impl Staff {
    /// Uploads a binary file (e.g. an XLSForm) as a multipart form with the CSRF token.
    pub fn upload_bytes(&self, path: &str, field: &str, file_name: &str, content: &[u8]) -> Response {
        let boundary = "----opros-test-boundary-9a2c";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            self.csrf
        )
        .into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.http
            .post(self.url(path))
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .expect("POST multipart")
    }
}

pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}
