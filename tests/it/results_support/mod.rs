//! Helpers for the results and export tests: deterministic synthetic respondents for any definition (the
//! answers follow the questionnaire's conditions), stored as complete responses through the store's import
//! API (the same path as `opros responses import`), and the three example surveys filled and published.

use opros::definition::{Answer, Answers, Definition, QuestionKind};
use opros::store::{now, ResponseRow, Store};

use crate::common::{test_config, TestDb, TestServer};

/// A small deterministic generator (64-bit LCG, Knuth's constants), so data do not depend on a crate's
/// algorithm or version.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407))
    }

    /// Uniform in [0, 1).
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An index drawn with the given (unnormalised) probabilities.
    pub fn pick(&mut self, probs: &[f64]) -> usize {
        let total: f64 = probs.iter().sum();
        let mut u = self.next() * total;
        for (i, p) in probs.iter().enumerate() {
            if u < *p {
                return i;
            }
            u -= p;
        }
        probs.len() - 1
    }

    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() * (hi - lo + 1) as f64) as i64
    }
}

/// How the synthetic population answers.
#[derive(Clone, Copy)]
pub struct Profile {
    /// Added to the probability of the top two points of the tracked scale (0 = base distribution).
    pub tilt: f64,
    /// Share of respondents in the last district (small, so its breakdown cells are suppressed).
    pub rare_district: f64,
}

/// `n` respondents answering `def` (visible questions only, in form order).
pub fn synth_answers(def: &Definition, n: usize, seed: u64, p: Profile) -> Vec<Answers> {
    let mut rng = Lcg::new(seed);
    (0..n).map(|_| one(def, &mut rng, p)).collect()
}

fn one(def: &Definition, rng: &mut Lcg, p: Profile) -> Answers {
    let mut a = Answers::new();
    for (_, q) in def.questions() {
        if !def.visible(&q.id, &a) {
            continue;
        }
        if !q.required && rng.next() < 0.05 {
            continue;
        }
        let answer = match &q.kind {
            QuestionKind::Info => continue,
            QuestionKind::SingleChoice(c) => {
                let opts: Vec<&str> = c.options.iter().map(|o| o.code.as_str()).collect();
                let i = match q.id.as_str() {
                    "sex" => rng.pick(&[0.45, 0.55]),
                    "district" => {
                        let r = p.rare_district;
                        let k = opts.len();
                        let mut probs = vec![(1.0 - r) / (k - 1) as f64; k];
                        probs[k - 1] = r;
                        rng.pick(&probs)
                    }
                    // Women answer "yes" more often: gives the breakdown by sex something to find.
                    _ if a.get("sex").and_then(Answer::code) == Some("f") => {
                        let mut probs = vec![1.0; opts.len()];
                        probs[0] = 2.0;
                        rng.pick(&probs)
                    }
                    _ => rng.int(0, opts.len() as i64 - 1) as usize,
                };
                Answer::choice(opts[i])
            }
            QuestionKind::MultipleChoice(c) => {
                let max = c.max_choices.unwrap_or(c.options.len()).min(c.options.len()).max(1);
                let mut codes: Vec<String> = Vec::new();
                for o in &c.options {
                    if codes.len() < max && rng.next() < 0.35 && !o.exclusive {
                        codes.push(o.code.clone());
                    }
                }
                if codes.is_empty() {
                    codes.push(c.options[0].code.clone());
                }
                Answer::Choices {
                    codes,
                    other_text: None,
                }
            }
            QuestionKind::Scale(s) => {
                let k = s.points.len();
                let mut probs: Vec<f64> = (0..k).map(|i| if i == 2 { 0.3 } else { 0.15 }).collect();
                if q.track.is_some() && k >= 2 {
                    probs[k - 1] += p.tilt;
                    probs[k - 2] += p.tilt;
                }
                if s.hard_to_say.is_some() {
                    probs.push(0.08);
                }
                let i = rng.pick(&probs);
                let code = s
                    .points
                    .get(i)
                    .or(s.hard_to_say.as_ref())
                    .map(|o| o.code.clone())
                    .unwrap_or_default();
                Answer::Scale(code)
            }
            QuestionKind::Matrix(m) => {
                let mut rows = std::collections::BTreeMap::new();
                for r in &m.rows {
                    let k = m.points.len() as i64;
                    let i = rng.int(0, k) as usize;
                    let code = m
                        .points
                        .get(i)
                        .or(m.hard_to_say.as_ref())
                        .map(|o| o.code.clone())
                        .unwrap_or_default();
                    rows.insert(r.code.clone(), code);
                }
                Answer::Matrix(rows)
            }
            QuestionKind::Number(num) => {
                let lo = num.min.unwrap_or(0.0) as i64;
                let hi = if q.id == "age" {
                    85
                } else {
                    num.max.map_or(lo + 60, |m| (m as i64).min(lo + 60))
                };
                Answer::Number(rng.int(lo, hi) as f64)
            }
            QuestionKind::ConstantSum(c) => {
                let mut left = i64::from(c.total);
                let mut points = std::collections::BTreeMap::new();
                for (k, o) in c.options.iter().enumerate() {
                    let p = if k + 1 == c.options.len() {
                        left
                    } else {
                        rng.int(0, left)
                    };
                    left -= p;
                    points.insert(o.code.clone(), u32::try_from(p).unwrap_or(0));
                }
                Answer::Points(points)
            }
            QuestionKind::Text(_) => Answer::Text(format!("ответ {}", rng.int(1, 999))),
            QuestionKind::Date(d) => Answer::Date(d.min.or(def.opens).unwrap_or_default()),
            QuestionKind::Ranking(r) => {
                let mut codes: Vec<String> = r.options.iter().map(|o| o.code.clone()).collect();
                for i in (1..codes.len()).rev() {
                    let j = rng.int(0, i as i64) as usize;
                    codes.swap(i, j);
                }
                Answer::Ranking(codes)
            }
        };
        a.insert(q.id.clone(), answer);
    }
    a
}

/// Stores answers as complete responses of `slug` (current version) through the store's import API.
pub fn add_responses(store: &Store, slug: &str, answers: &[Answers]) {
    let (survey, version) = store.version(slug, None).expect("survey");
    let def: Definition = serde_json::from_str(&version.definition).expect("definition");
    let at = now();
    let rows: Vec<(ResponseRow, Vec<String>)> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let row = ResponseRow {
                id: format!("{slug}-{i:05}"),
                survey_id: survey.id.clone(),
                version: version.version,
                respondent_key: format!("key-{slug}-{i}"),
                state: "complete".into(),
                language: def.default_language().to_owned(),
                page_reached: def.page_count() as i32,
                answers: serde_json::to_string(a).expect("answers json"),
                meta: "{}".into(),
                started_at: at,
                updated_at: at,
                submitted_at: Some(at + chrono::Duration::seconds(i as i64)),
                duration_seconds: Some(300.0),
                codes: opros::store::codes::encode(&def, a),
            };
            (row, def.quota_keys(a))
        })
        .collect();
    store.import_responses(&rows).expect("import responses");
}

/// The three example surveys with respondents, as named by the trend tests: transport (opens Feb 2026),
/// healthcare (Mar 2026), housing (Sep 2026).
pub const EXAMPLES: [(&str, u64, f64); 3] = [
    ("transport-2026", 11, 0.0),
    ("healthcare-2026", 12, 0.25),
    ("housing-2026", 13, 0.27),
];

/// Respondents per example survey.
pub const N: usize = 400;

/// A server on a fresh database (examples seeded) whose three example surveys have `N` complete
/// responses each; results of those in `publish` are published.
pub fn seeded(db: &TestDb, publish: &[&str]) -> (TestServer, Store) {
    let server = TestServer::start(test_config(db));
    let store = Store::open(&db.url).expect("open store");
    for (slug, seed, tilt) in EXAMPLES {
        let (_, v) = store.version(slug, None).expect("example survey seeded");
        let def: Definition = serde_json::from_str(&v.definition).expect("definition");
        let answers = synth_answers(
            &def,
            N,
            seed,
            Profile {
                tilt,
                rare_district: 0.02,
            },
        );
        add_responses(&store, slug, &answers);
    }
    for slug in publish {
        store.set_results_published(slug, true).expect("publish results");
    }
    (server, store)
}

/// All three published.
pub fn seeded_all(db: &TestDb) -> (TestServer, Store) {
    seeded(db, &["transport-2026", "healthcare-2026", "housing-2026"])
}
