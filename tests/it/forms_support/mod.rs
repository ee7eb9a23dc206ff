//! Helpers for the form tests: a server with the test survey imported and opened, and a respondent that
//! reads the hidden fields of a page and posts pages like a browser without JavaScript.

use chrono::NaiveDate;
use opros::catalog;
use opros::config::Config;
use opros::definition::{Answer, QuestionKind};
use opros::store::{Status, Store};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;
use reqwest::blocking::Client;

use crate::common::{client, TestDb, TestServer};

pub const FORMTEST: &str = include_str!("../../fixtures/formtest.yaml");

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

/// A text a person could type: letters (Latin and Cyrillic), digits, punctuation that matters to CSV,
/// HTML and SQL, inner spaces and line breaks; never empty, no surrounding spaces.
pub fn random_text(rng: &mut StdRng, max: usize) -> String {
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

pub fn random_date(rng: &mut StdRng, min: Option<NaiveDate>, max: Option<NaiveDate>) -> NaiveDate {
    let lo = min.unwrap_or(NaiveDate::from_ymd_opt(1950, 1, 1).unwrap());
    let hi = max.unwrap_or(NaiveDate::from_ymd_opt(2050, 12, 31).unwrap());
    let days = (hi - lo).num_days().max(0);
    lo + chrono::Duration::days(rng.random_range(0..=days))
}

/// A random valid answer to a question, or None (left unanswered) when it is optional.
pub fn random_answer(rng: &mut StdRng, q: &opros::definition::Question) -> Option<Answer> {
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
            Some(Answer::Choices {
                codes: picked,
                other_text,
            })
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
            let k = if r.rank_all {
                codes.len()
            } else {
                rng.random_range(1..=codes.len())
            };
            codes.truncate(k);
            Some(Answer::Ranking(codes))
        }
        QuestionKind::ConstantSum(c) => {
            let mut left = c.total;
            let mut points = std::collections::BTreeMap::new();
            for (k, o) in c.options.iter().enumerate() {
                let p = if k + 1 == c.options.len() {
                    left
                } else {
                    rng.random_range(0..=left)
                };
                left -= p;
                points.insert(o.code.clone(), p);
            }
            Some(Answer::Points(points))
        }
        QuestionKind::Info => None,
    }
}
