//! Helpers for the form tests: a server with the test survey imported and opened, and a respondent that
//! reads the hidden fields of a page and posts pages like a browser without JavaScript.
#![allow(dead_code)]

use opros::catalog;
use opros::config::Config;
use opros::store::{Status, Store};
use reqwest::blocking::Client;

use crate::common::{client, TestDb, TestServer};

pub const FORMTEST: &str = include_str!("../fixtures/formtest.yaml");

/// Imports a survey definition into the database and opens it.
pub fn import_open(db: &TestDb, yaml: &str) -> Store {
    let store = Store::open(&db.url).expect("open store");
    let p = catalog::prepare_source(yaml, "fixture.yaml", None, None).expect("valid fixture");
    let imported = catalog::store_prepared(&store, &p).expect("store fixture");
    store.set_status(&imported.slug, Status::Open).expect("open survey");
    store
}

/// The server (examples seeded) plus the test survey.
pub fn start(db: &TestDb, config: Config) -> (TestServer, Store) {
    let server = TestServer::start(config);
    let store = import_open(db, FORMTEST);
    (server, store)
}

/// The value of an attribute of the first element carrying `marker` (e.g. `name="_csrf"`).
pub fn attr_after(html: &str, marker: &str, attr: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let key = format!("{attr}=\"");
    let v = tag.find(&key)? + key.len();
    let end = tag[v..].find('"')?;
    Some(html_unescape(&tag[v..v + end]))
}

pub fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x3D;", "=")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A respondent with their own cookie jar.
pub struct Respondent {
    pub http: Client,
    pub base: String,
    pub slug: String,
    /// The last page received.
    pub html: String,
    pub status: u16,
}

impl Respondent {
    pub fn new(server: &TestServer, slug: &str) -> Self {
        Respondent {
            http: client(),
            base: server.base.clone(),
            slug: slug.to_owned(),
            html: String::new(),
            status: 0,
        }
    }

    pub fn url(&self) -> String {
        format!("{}/s/{}", self.base, self.slug)
    }

    /// Opens the form (following one redirect from an invitation or resume link).
    pub fn open(&mut self, query: &str) -> u16 {
        let r = self.http.get(format!("{}{query}", self.url())).send().expect("GET");
        if r.status().as_u16() == 303 {
            return self.open("");
        }
        self.status = r.status().as_u16();
        self.html = r.text().expect("body");
        self.status
    }

    pub fn hidden(&self, name: &str) -> String {
        attr_after(&self.html, &format!("name=\"{name}\""), "value").unwrap_or_default()
    }

    pub fn page_id(&self) -> String {
        self.hidden("_page")
    }

    /// Posts the current page with `answers` (plus its hidden fields); follows the redirect to the next
    /// page. Returns the status of the POST.
    pub fn send(&mut self, answers: &[(&str, &str)]) -> u16 {
        let mut body: Vec<(String, String)> = vec![
            ("_csrf".into(), self.hidden("_csrf")),
            ("_page".into(), self.page_id()),
            ("_shown".into(), self.hidden("_shown")),
        ];
        body.extend(answers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        self.post_raw(serde_urlencoded::to_string(&body).expect("encode"))
    }

    pub fn post_raw(&mut self, body: String) -> u16 {
        let r = self
            .http
            .post(self.url())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .expect("POST");
        let status = r.status().as_u16();
        if status == 303 {
            self.open("");
        } else {
            self.status = status;
            self.html = r.text().expect("body");
        }
        status
    }
}
