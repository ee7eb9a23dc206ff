//! Coding workbench timing: how long a coder waits per page with 1,000 open answers, half of them coded.
//!
//! ```text
//! cargo run --release --example coding_bench -- [--answers 1000] [--coded 500] [--steps 200]
//! /usr/bin/time -f %M target/release/examples/coding_bench      # peak memory (KiB)
//! ```
//!
//! It starts the real server (in this process, on a random loopback port, default worker count) on a fresh
//! SQLite database (or `--database URL`, which must be empty), imports a survey with a coded `text`
//! question, stores `--answers` complete responses with generated Russian complaints (one or two of six
//! topics each, with word forms and fillers), codes the first `--coded` of them through the catalog (as the
//! workbench does), signs a sociologist in, and then works as a coder for `--steps` answers: open the
//! coding page (the next answer to code, with its suggestions), save its codes (POST, 303), and open the
//! page the redirect names. Reported: median, 95th percentile and max of the page load, the save, and the
//! round trip (save + next page). In the same run, as the baseline of what a page used to pay: training
//! the suggestion model from scratch on the coded answers, against retraining with remembered features
//! after one more decision (what the page pays now) and reusing the trained model (a page shown again).

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use clap::Parser;
use opros::auth::{users, Role};
use opros::catalog::{self, coding, DefinitionCache};
use opros::coding::{Features, Model};
use opros::config::{Config, DatabaseUrl};
use opros::definition::{Answer, Answers};
use opros::store::{ResponseRow, Status, Store};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use reqwest::blocking::Client;

#[derive(Parser, Debug)]
#[command(about = "Timing of the coding workbench with many open answers")]
struct Args {
    /// Open answers stored.
    #[arg(long, default_value_t = 1000)]
    answers: usize,
    /// Of them, coded before the timing starts.
    #[arg(long, default_value_t = 500)]
    coded: usize,
    /// Answers coded through HTTP while timing.
    #[arg(long, default_value_t = 200)]
    steps: usize,
    /// Database URL (default: a new SQLite file in a temporary folder).
    #[arg(long)]
    database: Option<String>,
}

const SLUG: &str = "coding-bench";
const QUESTION: &str = "why";
const PASSWORD: &str = "a long benchmark password";

const YAML: &str = r#"slug: coding-bench
title: {ru: "Обращения жителей", en: "Residents' messages"}
topic: housing
languages: [ru, en]
pages:
  - id: p
    questions:
      - id: why
        type: text
        text: {ru: "Что мешает жить в вашем районе?", en: "What is wrong in your district?"}
        codebook:
          second_coding: 0.1
          codes:
            - {code: roads, label: {ru: Дороги, en: Roads}}
            - {code: bus, label: {ru: Транспорт, en: Transport}}
            - {code: trash, label: {ru: Мусор, en: Rubbish}}
            - {code: heat, label: {ru: Отопление, en: Heating}}
            - {code: parks, label: {ru: Парки и дворы, en: Parks and yards}}
            - {code: noise, label: {ru: Шум, en: Noise}}
report:
  publish: all
"#;

/// Phrases per code, in several word forms.
const TOPICS: [(&str, &[&str]); 6] = [
    (
        "roads",
        &[
            "дороги разбиты",
            "ямы на дороге",
            "дорогу во дворе не чинят",
            "асфальт весь в ямах",
            "тротуары не ремонтируют",
            "на дорогах лужи и ямы",
        ],
    ),
    (
        "bus",
        &[
            "автобус ходит редко",
            "автобусы опаздывают",
            "маршрутку не дождёшься",
            "нет остановки рядом",
            "в автобусах тесно",
            "трамвай отменили",
        ],
    ),
    (
        "trash",
        &[
            "мусор не вывозят",
            "контейнеры переполнены",
            "свалка за домом",
            "мусорные баки воняют",
            "мусор во дворе неделями",
            "нет площадки для мусора",
        ],
    ),
    (
        "heat",
        &[
            "в квартире холодно",
            "батареи чуть тёплые",
            "отопление включили поздно",
            "нет горячей воды",
            "трубы текут, отопления нет",
            "зимой холодно в подъезде",
        ],
    ),
    (
        "parks",
        &[
            "нет детской площадки",
            "парк запущен",
            "во дворе негде гулять",
            "скамейки сломаны",
            "деревья не стригут",
            "двор не благоустроен",
        ],
    ),
    (
        "noise",
        &[
            "шумные соседи",
            "стройка шумит ночью",
            "громкая музыка из кафе",
            "шум от дороги ночью",
            "соседи делают ремонт по ночам",
            "собаки лают всю ночь",
        ],
    ),
];

const FILLERS: [&str; 8] = [
    "уже давно",
    "сколько можно",
    "просим разобраться",
    "жалуемся не первый год",
    "обращались в управу",
    "",
    "",
    "",
];

/// A generated answer and the codes it truly has.
fn answer(rng: &mut StdRng) -> (String, Vec<String>) {
    let mut picked = vec![rng.random_range(0..TOPICS.len())];
    if rng.random_bool(0.3) {
        let other = rng.random_range(0..TOPICS.len());
        if other != picked[0] {
            picked.push(other);
        }
    }
    let mut parts: Vec<String> = picked
        .iter()
        .map(|&i| (*TOPICS[i].1.choose(rng).unwrap_or(&"")).to_owned())
        .collect();
    let filler = *FILLERS.choose(rng).unwrap_or(&"");
    if !filler.is_empty() {
        parts.push(filler.to_owned());
    }
    let mut text = parts.join(", ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    (text, picked.iter().map(|&i| TOPICS[i].0.to_owned()).collect())
}

fn store_answers(store: &Store, n: usize, rng: &mut StdRng) -> Result<Vec<(String, Vec<String>)>, String> {
    let p = catalog::prepare_source(YAML, "coding-bench.yaml", None, None).map_err(|e| e.to_string())?;
    let imported = catalog::store_prepared(store, &p).map_err(|e| e.to_string())?;
    let at = NaiveDateTime::parse_from_str("2026-06-01 12:00:00", "%Y-%m-%d %H:%M:%S").map_err(|e| e.to_string())?;
    let mut truth = Vec::new();
    let mut rows = Vec::new();
    for i in 0..n {
        let (text, codes) = answer(rng);
        let mut a = Answers::new();
        a.insert(QUESTION.into(), Answer::Text(text));
        let id = format!("r{i:05}");
        truth.push((id.clone(), codes));
        rows.push((
            ResponseRow {
                id,
                survey_id: imported.survey_id.clone(),
                version: imported.version,
                respondent_key: format!("k{i}"),
                state: "complete".into(),
                language: "ru".into(),
                page_reached: 1,
                answers: serde_json::to_string(&a).map_err(|e| e.to_string())?,
                meta: "{}".into(),
                started_at: at,
                updated_at: at,
                submitted_at: Some(at + chrono::Duration::seconds(i as i64)),
                duration_seconds: None,
                codes: None,
            },
            Vec::new(),
        ));
    }
    store.import_responses(&rows).map_err(|e| e.to_string())?;
    store.set_status(SLUG, Status::Open).map_err(|e| e.to_string())?;
    Ok(truth)
}

/// The value of `name="_csrf"` in a page.
fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\"")?;
    let rest = &html[at..];
    let v = rest.find("value=\"")? + 7;
    let end = rest[v..].find('"')?;
    Some(rest[v..v + end].to_owned())
}

struct Stats(Vec<Duration>);

impl Stats {
    fn line(&mut self, what: &str) -> String {
        self.0.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let at = |q: f64| self.0[((self.0.len() - 1) as f64 * q).round() as usize];
        format!(
            "{what:<28} n={:<4} median {:>7.1} ms   p95 {:>7.1} ms   max {:>7.1} ms",
            self.0.len(),
            ms(at(0.5)),
            ms(at(0.95)),
            ms(at(1.0))
        )
    }
}

fn run(args: &Args) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let database = match &args.database {
        Some(url) => DatabaseUrl::parse(url).map_err(|e| e.to_string())?,
        None => DatabaseUrl::Sqlite(dir.path().join("bench.db")),
    };
    let config = Config {
        database,
        bind: "127.0.0.1:0".into(),
        min_page_seconds: 0.0,
        rate_limit_per_minute: 0,
        max_body_bytes: 64 * 1024,
        surveys_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("surveys"),
        secure_cookies: false,
        secret: Some("coding-bench-secret-coding-bench-secret-01".into()),
        workers: 0,
        summary_stale_seconds: None,
    };
    let store = Store::open(&config.database).map_err(|e| e.to_string())?;
    let mut rng = StdRng::seed_from_u64(21);
    let t = Instant::now();
    let truth = store_answers(&store, args.answers, &mut rng)?;
    let cache = DefinitionCache::default();
    let bench = coding::open(&store, &cache, SLUG, QUESTION).map_err(|e| e.to_string())?;
    for (id, codes) in truth.iter().take(args.coded) {
        bench
            .code(&store, id, codes, false, "seed")
            .map_err(|e| e.to_string())?;
    }
    users::add(&store, "coder", Role::Sociologist, PASSWORD).map_err(|e| e.to_string())?;
    println!(
        "prepared {} answers, {} coded, in {:.1} s",
        args.answers,
        args.coded.min(args.answers),
        t.elapsed().as_secs_f64()
    );

    // The baseline: training per page as before, against what a page pays now.
    let bench = coding::open(&store, &cache, SLUG, QUESTION).map_err(|e| e.to_string())?;
    let coded: Vec<(&str, Vec<String>)> = bench
        .answers
        .iter()
        .filter_map(|a| Some((a.text.as_str(), a.first.as_ref()?.code_list())))
        .collect();
    let pairs = || coded.iter().map(|(t, c)| (*t, c.as_slice()));
    let (mut fresh, mut warm) = (Stats(Vec::new()), Stats(Vec::new()));
    let mut features = Features::default();
    let _ = Model::train_with(&mut features, pairs());
    for _ in 0..20 {
        let t = Instant::now();
        let m = Model::train(pairs());
        fresh.0.push(t.elapsed());
        let t = Instant::now();
        let w = Model::train_with(&mut features, pairs());
        warm.0.push(t.elapsed());
        assert_eq!(m.len(), w.len());
    }

    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let state = opros::web::prepare_state(config).map_err(|e| e.to_string())?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            match opros::web::build_server(state, listener) {
                Ok(server) => {
                    let _ = tx.send(Some(server.handle()));
                    let _ = server.await;
                }
                Err(_) => {
                    let _ = tx.send(None);
                }
            }
        })
    });
    let handle = rx.recv().ok().flatten().ok_or("the server did not start")?;
    let base = format!("http://{addr}");
    let http = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let get = |path: &str| -> Result<(u16, String), String> {
        let r = http.get(format!("{base}{path}")).send().map_err(|e| e.to_string())?;
        Ok((r.status().as_u16(), r.text().map_err(|e| e.to_string())?))
    };
    let (_, login) = get("/login")?;
    let token = csrf_of(&login).ok_or("no CSRF token on /login")?;
    let r = http
        .post(format!("{base}/login"))
        .form(&[("_csrf", token.as_str()), ("login", "coder"), ("password", PASSWORD)])
        .send()
        .map_err(|e| e.to_string())?;
    if r.status().as_u16() != 303 {
        return Err(format!("login: {}", r.status()));
    }
    let (_, admin) = get("/admin")?;
    let csrf = csrf_of(&admin).ok_or("no CSRF token on /admin")?;

    let page = format!("/admin/surveys/{SLUG}/coding/{QUESTION}");
    let mut loads = Stats(Vec::new());
    let mut saves = Stats(Vec::new());
    let mut trips = Stats(Vec::new());
    let mut next = page.clone();
    let (mut suggested, mut right) = (0usize, 0usize);
    let ids: std::collections::HashMap<&str, &Vec<String>> = truth.iter().map(|(i, c)| (i.as_str(), c)).collect();
    for _ in 0..args.steps {
        let t = Instant::now();
        let (status, html) = get(&next)?;
        let load = t.elapsed();
        if status != 200 {
            return Err(format!("GET {next}: {status}"));
        }
        loads.0.push(load);
        let marker = "name=\"response\" value=\"";
        let Some(id) = html
            .find(marker)
            .map(|i| &html[i + marker.len()..])
            .and_then(|r| r.split('"').next())
        else {
            break;
        };
        let Some(codes) = ids.get(id) else {
            return Err(format!("unknown answer {id} on the page"));
        };
        if let Some(s) = html.find("<p id=\"suggestions\">") {
            let shown = &html[s..];
            let shown = &shown[..shown.find("</p>").unwrap_or(shown.len())];
            suggested += 1;
            let first = shown
                .find("data-code=\"")
                .and_then(|i| shown[i + 11..].split('"').next());
            if first.is_some_and(|f| codes.iter().any(|c| c == f)) {
                right += 1;
            }
        }
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("action", "code"), ("response", id)];
        form.extend(codes.iter().map(|c| ("code", c.as_str())));
        let t = Instant::now();
        let r = http
            .post(format!("{base}{page}"))
            .form(&form)
            .send()
            .map_err(|e| e.to_string())?;
        let save = t.elapsed();
        if r.status().as_u16() != 303 {
            return Err(format!("POST code: {}", r.status()));
        }
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or(&page)
            .to_owned();
        saves.0.push(save);
        next = if location.starts_with('/') {
            location
        } else {
            format!("{page}{location}")
        };
        let t = Instant::now();
        let (status, _) = get(&next)?;
        if status != 200 {
            return Err(format!("GET {next}: {status}"));
        }
        trips.0.push(save + t.elapsed());
    }
    println!("{}", loads.line("coding page (GET)"));
    println!("{}", saves.line("save codes (POST, 303)"));
    println!("{}", trips.line("save + next page"));
    println!("{}", fresh.line("baseline: train from scratch"));
    println!("{}", warm.line("retrain, features remembered"));
    println!("pages with suggestions: {suggested}, first suggestion one of the true codes: {right}");
    actix_web::rt::System::new().block_on(handle.stop(true));
    Ok(())
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("coding_bench: {e}");
        std::process::exit(1);
    }
}
