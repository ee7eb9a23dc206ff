//! Exports written as responses are read (a batch at a time) and imports stored as the file is read:
//! the streamed microdata CSV is byte for byte the CSV of the responses loaded whole, across many batch
//! boundaries and runs of one submission time; the batches never exceed their size (what keeps memory
//! flat: the sizes themselves are measured by `examples/scale.rs`); the `excel-ru` dialect on the CLI
//! and the web; the web download is sent in chunks with its file name; imports list every problem
//! (capped) and store nothing, or store everything with quota cells counted once.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Reader, Xlsx};

use chrono::NaiveDateTime;
use opros::auth::Role;
use opros::catalog::DefinitionCache;
use opros::definition::{Answers, Definition};
use opros::export::{self, Dialect, Source};
use opros::store::{ResponseRow, Store};

use crate::admin_support::{add_user, Staff};
use crate::common::{backend_tests, run_opros, Backend, TestDb};
use crate::results_support::{seeded, synth_answers, Profile};

/// `n` complete responses of `slug`: ids out of submission order, and runs of up to 7 responses sharing
/// one submission time (as an import stores them).
fn add_clustered(store: &Store, slug: &str, n: usize) {
    let (survey, version) = store.version(slug, None).expect("survey");
    let def: Definition = serde_json::from_str(&version.definition).expect("definition");
    let answers = synth_answers(
        &def,
        n,
        99,
        Profile {
            tilt: 0.1,
            rare_district: 0.02,
        },
    );
    let at = NaiveDateTime::parse_from_str("2026-07-01 09:00:00", "%Y-%m-%d %H:%M:%S").expect("date");
    let rows: Vec<(ResponseRow, Vec<String>)> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let row = ResponseRow {
                id: format!("{slug}-z{:05}", (i * 7919) % 100_000),
                survey_id: survey.id.clone(),
                version: version.version,
                respondent_key: format!("clustered-{i}"),
                state: "complete".into(),
                language: def.default_language().to_owned(),
                page_reached: def.page_count() as i32,
                answers: serde_json::to_string(a).expect("json"),
                meta: "{}".into(),
                started_at: at,
                updated_at: at,
                submitted_at: Some(at + chrono::Duration::seconds((i / 7) as i64)),
                duration_seconds: Some(12.25 + i as f64),
                codes: opros::store::codes::encode(&def, a),
            };
            (row, def.quota_keys(a))
        })
        .collect();
    store.import_responses(&rows).expect("import");
}

fn streamed(store: &Store, slug: &str, batch: usize, dialect: Dialect) -> Vec<u8> {
    let source = Source::open(store, &DefinitionCache::default(), slug)
        .expect("source")
        .in_batches_of(batch);
    let mut out = Vec::new();
    export::microdata_csv_streamed(store, &source, dialect, &mut out).expect("streamed export");
    out
}

fn streamed_csv_equals_the_loaded_csv(backend: Backend) {
    let db = TestDb::new(&backend);
    let (_server, store) = seeded(&db, &[]);
    // healthcare-2026 is weighted (raking): the weights come from the first pass.
    for slug in ["healthcare-2026", "transport-2026"] {
        add_clustered(&store, slug, 150);
        let data = export::load(&store, &DefinitionCache::default(), slug).expect("load");
        let mut whole = Vec::new();
        export::microdata_csv(&data, &mut whole).expect("csv");
        for batch in [1, 7, 64, 5_000] {
            let s = streamed(&store, slug, batch, Dialect::Standard);
            assert!(s == whole, "{slug}: batches of {batch} give the same bytes");
        }
        // SPSS: the same file but for the creation date and time in the header (bytes 92..109).
        let mut loaded_sav = export::sav(&data).expect("sav");
        let source = Source::open(&store, &DefinitionCache::default(), slug)
            .expect("source")
            .in_batches_of(9);
        let mut streamed_sav = Vec::new();
        export::sav_streamed(&store, &source, &mut streamed_sav).expect("streamed sav");
        for b in [&mut loaded_sav, &mut streamed_sav] {
            b[92..109].fill(b' ');
        }
        assert!(
            streamed_sav == loaded_sav,
            "{slug}: the streamed .sav equals the loaded one"
        );
        let text = String::from_utf8(whole).expect("utf-8");
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(text.lines().count(), data.rows.len() + 1);
    }
}
backend_tests!(streamed_csv_equals_the_loaded_csv);

/// Surveys with quality screening columns or coded open answers stream too, with the bytes of the loaded
/// export (CSV in both dialects, the SPSS file but for its creation time; the workbook's cells) across
/// batch sizes: a weighted survey whose rule leaves the speeder out
/// (no weight for it, the others weighted without it), an unweighted one screened by a decision only
/// (straight-lining and gibberish flags on the way), and the coded survey with a stored codebook version,
/// codes and a decision.
fn screened_and_coded_surveys_stream_the_loaded_bytes(backend: Backend) {
    use opros::store::quality::{Decision, EXCLUDE, KEEP};
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    crate::quality::survey_with_responses(
        &store,
        "qw",
        "quality: {exclude: [speeders]}\nweighting: {method: poststratify, variables: [likes], targets: {cells: [{likes: y, count: 600}, {likes: n, count: 400}]}}",
    );
    crate::quality::survey_with_responses(&store, "qd", "");
    let ids = crate::coding_support::seed(&store);
    let cache = DefinitionCache::default();
    let bench = opros::catalog::coding::open(&store, &cache, crate::coding_support::SLUG, "why").expect("bench");
    let book = "codes: [{code: roads, label: {ru: Дороги, en: Roads}}, {code: bus, label: {ru: Транспорт, en: Transport}}, {code: trash, label: {ru: Мусор, en: Rubbish}}, {code: parks, label: {ru: Парки, en: Parks}}]";
    bench.save_codebook(&store, book, "vera").expect("codebook version");
    let bench = opros::catalog::coding::open(&store, &cache, crate::coding_support::SLUG, "why").expect("bench");
    for (i, given) in [(0, &["roads"][..]), (1, &["bus"]), (2, &["trash", "parks"]), (5, &[])] {
        let given: Vec<String> = given.iter().map(|c| (*c).to_owned()).collect();
        bench.code(&store, &ids[i], &given, false, "anna").expect("code");
    }
    for (slug, decision, id) in [
        ("qd", EXCLUDE, "qd-ok2"),
        ("qd", KEEP, "qd-liner"),
        ("coding", EXCLUDE, "r03"),
    ] {
        let survey = store.find_survey(slug).expect("survey");
        let d = Decision {
            survey_id: &survey.id,
            survey_slug: slug,
            decision,
            reason: "checked",
            actor: "vera",
        };
        assert_eq!(store.decide(&d, &[id.to_owned()]).expect("decide"), 1);
    }
    for (slug, columns) in [
        ("qw", &["_weight", "_quality_flags", "_quality_decision"][..]),
        ("qd", &["_quality_flags", "_quality_decision"]),
        (
            "coding",
            &["why__roads", "why__parks", "_quality_flags", "_quality_decision"],
        ),
    ] {
        let data = export::load(&store, &DefinitionCache::default(), slug).expect("load");
        for dialect in [Dialect::Standard, Dialect::ExcelRu] {
            let mut whole = Vec::new();
            export::microdata_csv_in(&data, dialect, &mut whole).expect("csv");
            let header = &cells(&whole, dialect.delimiter())[0];
            for c in columns {
                assert!(header.contains(&(*c).to_owned()), "{slug}: {c} in {header:?}");
            }
            for batch in [1, 2, 5_000] {
                let s = streamed(&store, slug, batch, dialect);
                assert!(
                    s == whole,
                    "{slug} ({dialect:?}): batches of {batch} give the loaded bytes\n{}\n{}",
                    String::from_utf8_lossy(&s),
                    String::from_utf8_lossy(&whole)
                );
            }
        }
        // SPSS: the loaded file but for the creation date and time in the header (bytes 92..109).
        let mut loaded_sav = export::sav(&data).expect("sav");
        for batch in [1, 3, 5_000] {
            let source = Source::open(&store, &DefinitionCache::default(), slug)
                .expect("source")
                .in_batches_of(batch);
            let mut streamed_sav = Vec::new();
            export::sav_streamed(&store, &source, &mut streamed_sav).expect("streamed sav");
            for b in [&mut loaded_sav, &mut streamed_sav] {
                b[92..109].fill(b' ');
            }
            assert!(
                streamed_sav == loaded_sav,
                "{slug}: the .sav streamed in batches of {batch} equals the loaded one"
            );
        }
        let names: Vec<String> = export::sav_file(&data).variables.into_iter().map(|v| v.name).collect();
        for c in columns {
            let spss = c.trim_start_matches('_');
            assert!(names.iter().any(|n| n == spss), "{slug}: {spss} in {names:?}");
        }
        // XLSX: every sheet has the loaded workbook's cells (the streamed one writes its strings inline).
        let summary = summary_of(&store, slug);
        let loaded_xlsx = export::xlsx(&data.version.definition, &summary, Some(&data)).expect("xlsx");
        let source = Source::open(&store, &DefinitionCache::default(), slug)
            .expect("source")
            .in_batches_of(2);
        let mut streamed_xlsx = Vec::new();
        export::xlsx_streamed(&store, &source, &summary, &mut streamed_xlsx).expect("streamed xlsx");
        let (loaded_sheets, streamed_sheets) = (sheets(loaded_xlsx), sheets(streamed_xlsx));
        assert_eq!(loaded_sheets.len(), 3);
        assert_eq!(streamed_sheets, loaded_sheets, "{slug}: the streamed workbook's cells");
        let head = &loaded_sheets[0].1[0];
        for c in columns {
            assert!(
                head.contains(&calamine::Data::String((*c).to_owned())),
                "{slug}: {c} in {head:?}"
            );
        }
        assert_eq!(loaded_sheets[0].1.len(), data.rows.len() + 1);
        let text = String::from_utf8(export_csv(&data)).expect("utf-8");
        let expected: &[&str] = match slug {
            "qw" => &["qw-fast,", ",speeders,excluded_by_rule"],
            "qd" => &["straight_lining,kept", "gibberish,", ",excluded"],
            _ => &["r02,", ",1,0,", ",excluded"],
        };
        for e in expected {
            assert!(text.contains(e), "{slug}: {e} in\n{text}");
        }
    }
}
backend_tests!(screened_and_coded_surveys_stream_the_loaded_bytes);

/// The summary of `slug` in its default language (the summary sheet of a workbook).
fn summary_of(store: &Store, slug: &str) -> opros::report::Summary {
    let loaded = opros::report::load(store, &DefinitionCache::default(), slug).expect("report load");
    let def = &loaded.version.definition;
    opros::report::summarize(
        &opros::report::SummaryInput {
            definition: def,
            population: loaded.version.population.as_ref(),
            answers: &loaded.answers,
            language: def.default_language(),
        },
        &opros::report::ReportOptions::default(),
    )
    .expect("summary")
}

/// Every sheet of a workbook: its name and its cells row by row.
fn sheets(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<calamine::Data>>)> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx opens");
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).expect("sheet");
            (name, range.rows().map(<[calamine::Data]>::to_vec).collect())
        })
        .collect()
}

fn export_csv(data: &export::ExportData) -> Vec<u8> {
    let mut out = Vec::new();
    export::microdata_csv(data, &mut out).expect("csv");
    out
}

fn batches_never_exceed_their_size(backend: Backend) {
    let db = TestDb::new(&backend);
    let (_server, store) = seeded(&db, &[]);
    add_clustered(&store, "transport-2026", 100);
    let survey = store.find_survey("transport-2026").expect("survey");
    let total = store.complete_responses(&survey.id).expect("rows");
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    store
        .each_complete_batch(&survey.id, 33, |rows| -> Result<(), opros::store::StoreError> {
            sizes.push(rows.len());
            ids.extend(rows.into_iter().map(|r| r.id));
            Ok(())
        })
        .expect("batches");
    assert!(sizes.iter().all(|&n| n <= 33), "{sizes:?}");
    assert_eq!(sizes.len(), total.len().div_ceil(33));
    let expected: Vec<String> = total.into_iter().map(|r| r.id).collect();
    assert_eq!(ids, expected, "every response once, in submission order");
}
backend_tests!(batches_never_exceed_their_size);

/// The CSV's rows as cells, read with `delimiter`.
fn cells(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').expect("byte-order mark");
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn excel_ru_dialect_on_the_cli_and_the_web(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = seeded(&db, &["healthcare-2026"]);
    let slug = "healthcare-2026";
    let dir = tempfile::tempdir().expect("tmp");
    let std_path = dir.path().join("std.csv");
    let ru_path = dir.path().join("ru.csv");
    for (path, dialect) in [(&std_path, "standard"), (&ru_path, "excel-ru")] {
        let p = path.to_string_lossy().into_owned();
        let (ok, _, err) = run_opros(&db, &["responses", "export", slug, "--out", &p, "--dialect", dialect]);
        assert!(ok, "{err}");
    }
    let standard = cells(&std::fs::read(&std_path).expect("read"), b',');
    let ru = cells(&std::fs::read(&ru_path).expect("read"), b';');
    assert_eq!(standard.len(), ru.len());
    assert_eq!(standard[0], ru[0], "same header");
    let weight = standard[0].iter().position(|h| h == "_weight").expect("weight column");
    let mut decimals = 0;
    for (s, r) in standard.iter().zip(&ru).skip(1) {
        assert_eq!(r[weight], s[weight].replace('.', ","), "weights with a decimal comma");
        decimals += usize::from(s[weight].contains('.'));
        // Text and code cells are unchanged.
        assert_eq!(s[0], r[0]);
    }
    assert!(decimals > 0, "some weights have decimals");
    let (ok, _, err) = run_opros(&db, &["responses", "export", slug, "--dialect", "excel"]);
    assert!(!ok && err.contains("excel-ru"), "{err}");

    // The web: microdata (staff) in chunks with its file name, and the summary.
    add_user(&db, "soc", Role::Sociologist);
    let staff = Staff::login(&server, "soc");
    let r = staff.get(&format!("/results/{slug}/export.csv?data=microdata&dialect=excel-ru"));
    assert_eq!(r.status().as_u16(), 200);
    let disposition = r.headers()["content-disposition"].to_str().expect("header").to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"{slug}-microdata.csv\""));
    assert!(r.headers().get("content-length").is_none(), "sent in chunks");
    let web_ru = r.bytes().expect("body").to_vec();
    assert_eq!(
        web_ru,
        std::fs::read(&ru_path).expect("read"),
        "web and CLI write the same file"
    );

    // The workbook is streamed too: the same rows as the CSV, then the questions and the summary.
    let r = staff.get(&format!("/results/{slug}/export.xlsx?data=microdata"));
    assert_eq!(r.status().as_u16(), 200);
    let disposition = r.headers()["content-disposition"].to_str().expect("header").to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"{slug}-microdata.xlsx\""));
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().expect("body").to_vec())).expect("xlsx opens");
    assert_eq!(wb.sheet_names(), ["microdata", "questions", "summary"]);
    let sheet = wb.worksheet_range("microdata").expect("microdata sheet");
    assert_eq!(sheet.height(), standard.len());
    assert_eq!(sheet.get((1, 0)).map(ToString::to_string), Some(standard[1][0].clone()));

    let summary_std = staff.get(&format!("/results/{slug}/export.csv")).bytes().expect("body");
    let summary_ru = staff
        .get(&format!("/results/{slug}/export.csv?dialect=excel-ru"))
        .bytes()
        .expect("body");
    let (s, r) = (cells(&summary_std, b','), cells(&summary_ru, b';'));
    assert_eq!(s.len(), r.len());
    assert!(
        !String::from_utf8_lossy(&summary_std).lines().any(|l| l == "\"\""),
        "no stray empty-quotes line"
    );
    let mut decimals = 0;
    for (a, b) in s.iter().zip(&r) {
        for (x, y) in a.iter().zip(b) {
            if x.parse::<f64>().is_ok() {
                assert_eq!(*y, x.replace('.', ","));
                decimals += usize::from(x.contains('.'));
            } else {
                assert_eq!(x, y);
            }
        }
    }
    assert!(decimals > 10, "shares and intervals have decimals");
    assert_eq!(
        staff
            .get(&format!("/results/{slug}/export.csv?dialect=excel"))
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        staff
            .get("/results/no-such-survey/export.csv?data=microdata")
            .status()
            .as_u16(),
        404
    );
    // The summary API says when its summary was computed (a field added beside the summary's own).
    let json: serde_json::Value = staff
        .get(&format!("/api/v1/surveys/{slug}/summary"))
        .json()
        .expect("summary json");
    let at = json["computed_at"].as_str().expect("computed_at");
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    assert!(
        json["questions"].is_array() && json["n"].is_number(),
        "the summary's fields are kept"
    );
    drop(store);
}
backend_tests!(excel_ru_dialect_on_the_cli_and_the_web);

fn quota_counts(store: &Store, slug: &str) -> BTreeMap<String, i64> {
    let survey = store.find_survey(slug).expect("survey");
    store.quota_counts(&survey.id).expect("quotas").into_iter().collect()
}

fn imports_list_capped_problems_or_store_everything_with_quotas_once(backend: Backend) {
    let db = TestDb::new(&backend);
    let (_server, store) = seeded(&db, &[]);
    // transport-2026 has quotas; find its columns from an export.
    let slug = "transport-2026";
    let before = quota_counts(&store, slug);
    let dir = tempfile::tempdir().expect("tmp");
    let export_path = dir.path().join("export.csv");
    let p = export_path.to_string_lossy().into_owned();
    let (ok, _, err) = run_opros(&db, &["responses", "export", slug, "--out", &p]);
    assert!(ok, "{err}");
    let exported = std::fs::read_to_string(&export_path).expect("read");
    let mut lines = exported.lines();
    let header = lines.next().expect("header").to_owned();
    let rows: Vec<&str> = lines.collect();
    let n_before = rows.len();

    // 130 bad rows (an unknown option code in the first question column) among good ones.
    let first_question = header
        .split(',')
        .position(|h| !h.trim_start_matches('\u{feff}').starts_with('_'));
    let q = first_question.expect("a question column");
    let mut bad = vec![header.clone()];
    let mut altered = 0;
    for (i, r) in rows.iter().take(300).enumerate() {
        let mut cells: Vec<String> = r.split(',').map(str::to_owned).collect();
        if i % 2 == 0 && cells.len() == header.split(',').count() && !r.contains('"') {
            cells[q] = "no_such_code".into();
            altered += 1;
        }
        bad.push(cells.join(","));
    }
    assert!(altered > 100, "more bad rows than are listed: {altered}");
    let bad_path = dir.path().join("bad.csv");
    std::fs::write(&bad_path, bad.join("\n")).expect("write");
    let (ok, _, err) = run_opros(&db, &["responses", "import", slug, &bad_path.to_string_lossy()]);
    assert!(!ok);
    assert!(err.contains("nothing imported"), "{err}");
    let listed = err.lines().filter(|l| l.contains("bad.csv:line ")).count();
    assert_eq!(listed, 100, "the first 100 problems are listed: {err}");
    assert!(
        err.lines().last().is_some_and(|l| l.trim().starts_with("… and ")),
        "{err}"
    );
    let survey = store.find_survey(slug).expect("survey");
    assert_eq!(
        store.complete_responses(&survey.id).expect("rows").len(),
        n_before,
        "nothing stored"
    );
    assert_eq!(quota_counts(&store, slug), before, "quotas untouched");

    // The exported file imports again: every row stored, each quota cell counted once per response.
    let (ok, out, err) = run_opros(&db, &["responses", "import", slug, &p]);
    assert!(ok, "{err}");
    assert!(out.contains(&format!("{n_before} responses imported")), "{out}");
    assert_eq!(store.complete_responses(&survey.id).expect("rows").len(), 2 * n_before);
    let after = quota_counts(&store, slug);
    let (_, version) = store.version(slug, None).expect("version");
    let def: Definition = serde_json::from_str(&version.definition).expect("definition");
    // Every stored answer set is there twice (the original and its imported copy).
    let data = export::load(&store, &DefinitionCache::default(), slug).expect("load");
    let mut twice: BTreeMap<String, i64> = BTreeMap::new();
    for a in &data.answers {
        let a: &Answers = a;
        for k in def.quota_keys(a) {
            *twice.entry(k).or_insert(0) += 1;
        }
    }
    let mut expected = before.clone();
    for (k, n) in twice {
        assert_eq!(n % 2, 0, "{k}");
        *expected.entry(k).or_insert(0) += n / 2;
    }
    assert!(!expected.is_empty(), "the survey has quota cells");
    assert_eq!(after, expected);
}
backend_tests!(imports_list_capped_problems_or_store_everything_with_quotas_once);

/// Fifty concurrent requests (API and page, released together) for a summary nobody has computed yet
/// cost one computation, counted by the server's summary cache, and all get the same summary (the same
/// `computed_at`). The same in another language is a second computation.
fn concurrent_requests_for_an_uncached_summary_cost_one_computation(backend: Backend) {
    use std::sync::{Arc, Barrier};

    let db = TestDb::new(&backend);
    let (seeding_server, store) = seeded(&db, &["transport-2026"]);
    drop(seeding_server);
    let state = opros::web::prepare_state(crate::common::test_config(&db)).expect("state");
    let summaries = state.summaries.clone();
    let server = crate::common::TestServer::start_state(state);
    assert_eq!(summaries.computations(), 0);
    let requests = 50;
    let barrier = Arc::new(Barrier::new(requests));
    let threads: Vec<_> = (0..requests)
        .map(|i| {
            let (barrier, base) = (barrier.clone(), server.base.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                barrier.wait();
                if i % 5 == 0 {
                    let r = client
                        .get(format!("{base}/results/transport-2026?lang=en"))
                        .send()
                        .expect("page");
                    assert_eq!(r.status().as_u16(), 200);
                    None
                } else {
                    let r = client
                        .get(format!("{base}/api/v1/surveys/transport-2026/summary?lang=en"))
                        .send()
                        .expect("summary");
                    assert_eq!(r.status().as_u16(), 200);
                    let json: serde_json::Value = r.json().expect("json");
                    json["computed_at"].as_str().map(str::to_owned)
                }
            })
        })
        .collect();
    let stamps: Vec<String> = threads
        .into_iter()
        .filter_map(|t| t.join().expect("request thread"))
        .collect();
    assert_eq!(stamps.len(), requests * 4 / 5);
    assert!(stamps.iter().all(|s| *s == stamps[0]), "one summary: {stamps:?}");
    assert_eq!(summaries.computations(), 1, "{requests} concurrent requests");
    let client = reqwest::blocking::Client::new();
    let r = client
        .get(server.url("/api/v1/surveys/transport-2026/summary?lang=ru"))
        .send()
        .expect("summary ru");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(summaries.computations(), 2, "another language is another summary");
    drop(store);
}
backend_tests!(concurrent_requests_for_an_uncached_summary_cost_one_computation);
