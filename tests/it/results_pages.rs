//! Results pages for officials, through the real server on SQLite and on PostgreSQL (`backend_tests!`): the
//! page shows the numbers of the JSON summary (HTML parsed and compared), unpublished results are 404,
//! suppressed cells never leak (HTML, CSV, XLSX), lists, topics, methodology, and the trend of the tracked
//! question across the three example surveys.

use std::io::Cursor;

use calamine::{DataType, Reader, Xlsx};
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::common;
use crate::common::{backend_tests, client, Backend, TestDb};
use crate::results_support::{seeded, seeded_all};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_owned()
}

fn get(c: &reqwest::blocking::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = r.status().as_u16();
    (status, r.text().unwrap_or_default())
}

fn pct(v: &Value) -> String {
    format!("{:.1}%", v.as_f64().expect("share") * 100.0)
}

fn interval(lo: &Value, hi: &Value) -> String {
    format!(
        "{:.1}–{:.1}%",
        lo.as_f64().expect("ci_low") * 100.0,
        hi.as_f64().expect("ci_high") * 100.0
    )
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Every published question's base, shares, intervals, "hard to say", means and matrix rows on the page
/// equal the JSON summary's (rounded as shown).
fn compare_page_with_summary(doc: &Html, summary: &Value) -> usize {
    // Russian pages write a decimal comma, English ones a point.
    let comma = summary["language"].as_str() == Some("ru");
    let loc = |s: &str| if comma { s.replace('.', ",") } else { s.to_owned() };
    let mut checked = 0;
    for q in arr(&summary["questions"]) {
        let id = q["id"].as_str().expect("id");
        let section = doc
            .select(&sel(&format!("section.result[data-question=\"{id}\"]")))
            .next()
            .unwrap_or_else(|| panic!("section for {id}"));
        if q["suppressed"].as_bool() == Some(true) {
            assert!(
                section.select(&sel("p.suppressed")).next().is_some(),
                "{id}: suppressed note"
            );
            continue;
        }
        if let Some(n) = q["base_n"].as_u64() {
            let shown = section.select(&sel(".base-n")).next().map(text);
            assert_eq!(shown, Some(n.to_string()), "{id}: base");
        }
        for o in arr(&q["options"]) {
            let code = o["code"].as_str().expect("code");
            if o["hard_to_say"].as_bool() == Some(true) {
                let span = section
                    .select(&sel(&format!("p.hts span[data-code=\"{code}\"] .share")))
                    .next()
                    .unwrap_or_else(|| panic!("{id}: hard to say {code} shown apart"));
                let want = if o["suppressed"].as_bool() == Some(true) {
                    "—".to_owned()
                } else {
                    loc(&pct(&o["share"]))
                };
                assert_eq!(text(span), want, "{id}/{code} hard to say");
                checked += 1;
                continue;
            }
            let row = section
                .select(&sel(&format!("table.shares tr[data-code=\"{code}\"]")))
                .next()
                .unwrap_or_else(|| panic!("{id}: row {code}"));
            let share = row.select(&sel("td.share")).next().map(text).unwrap_or_default();
            if o["suppressed"].as_bool() == Some(true) {
                assert!(share.starts_with('—'), "{id}/{code}: suppressed shown as —");
            } else {
                assert_eq!(share, loc(&pct(&o["share"])), "{id}/{code} share");
                let ci = row.select(&sel("td.ci")).next().map(text).unwrap_or_default();
                assert_eq!(ci, loc(&interval(&o["ci_low"], &o["ci_high"])), "{id}/{code} interval");
                let n = row.select(&sel("td.n")).next().map(text).unwrap_or_default();
                assert_eq!(n, o["n"].as_u64().expect("n").to_string(), "{id}/{code} n");
                // The chart draws the same share.
                let bars: Vec<String> = section.select(&sel("svg.bars text.value")).map(text).collect();
                assert!(bars.contains(&loc(&pct(&o["share"]))), "{id}/{code}: chart value");
            }
            checked += 1;
        }
        if let Some(m) = q["mean"].as_f64() {
            let shown = section.select(&sel("p.mean .value")).next().map(text);
            assert_eq!(shown, Some(loc(&format!("{m:.2}"))), "{id}: mean");
            assert!(
                section.select(&sel("svg.dots circle")).next().is_some(),
                "{id}: mean dot"
            );
            checked += 1;
        }
        for r in arr(&q["rows"]) {
            let code = r["code"].as_str().expect("row code");
            let row = section
                .select(&sel(&format!("table.matrix-shares tr[data-row=\"{code}\"]")))
                .next()
                .unwrap_or_else(|| panic!("{id}: matrix row {code}"));
            if let Some(m) = r["mean"].as_f64() {
                assert_eq!(
                    row.select(&sel("td.mean")).next().map(text),
                    Some(loc(&format!("{m:.2}"))),
                    "{id}.{code} mean"
                );
                checked += 1;
            }
        }
    }
    checked
}

/// The crosstab by `var` on the page equals the summary's breakdown (cells, flags, suppression).
fn compare_breakdown(doc: &Html, summary: &Value, qid: &str, var: &str) {
    let q = arr(&summary["questions"])
        .iter()
        .find(|q| q["id"] == qid)
        .expect("question");
    let b = arr(&q["breakdowns"])
        .iter()
        .find(|b| b["variable"] == var)
        .expect("breakdown");
    let table = doc
        .select(&sel(&format!(
            "section.result[data-question=\"{qid}\"] .breakdown[data-variable=\"{var}\"] table.crosstab"
        )))
        .next()
        .expect("crosstab table");
    let rows: Vec<ElementRef<'_>> = table.select(&sel("tbody tr")).collect();
    let cats = arr(&b["categories"]);
    assert_eq!(rows.len(), cats.len() + 1, "all respondents + one row per category");
    for (row, c) in rows[1..].iter().zip(cats) {
        assert_eq!(
            row.select(&sel("th")).next().map(text),
            c["label"].as_str().map(str::to_owned)
        );
        if c["suppressed"].as_bool() == Some(true) {
            let cell = row.select(&sel("td")).map(text).collect::<Vec<_>>().join(" ");
            assert!(
                cell.starts_with('—') && !cell.chars().any(|ch| ch.is_ascii_digit()),
                "suppressed row carries no number: {cell}"
            );
            continue;
        }
        for o in arr(&c["options"]) {
            let code = o["code"].as_str().expect("code");
            let td = row
                .select(&sel(&format!("td[data-code=\"{code}\"]")))
                .next()
                .expect("cell");
            let shown = text(td);
            if o["suppressed"].as_bool() == Some(true) {
                assert_eq!(shown, "—");
                continue;
            }
            assert!(
                shown.starts_with(&pct(&o["share"])),
                "{qid} by {var}: {shown} vs {}",
                pct(&o["share"])
            );
            match o["flag"].as_str() {
                Some("higher") => assert!(shown.contains('▲'), "{shown}"),
                Some("lower") => assert!(shown.contains('▼'), "{shown}"),
                _ => assert!(!shown.contains('▲') && !shown.contains('▼'), "{shown}"),
            }
        }
    }
}

fn published_pages_show_the_summary_numbers(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = seeded_all(&db);
    let c = client();
    for slug in ["healthcare-2026", "transport-2026", "housing-2026"] {
        for lang in ["en", "ru"] {
            let (st, json) = get(&c, &server.url(&format!("/api/v1/surveys/{slug}/summary?lang={lang}")));
            assert_eq!(st, 200, "{json}");
            let summary: Value = serde_json::from_str(&json).expect("summary json");
            let (st, html) = get(&c, &server.url(&format!("/results/{slug}?lang={lang}")));
            assert_eq!(st, 200);
            let doc = Html::parse_document(&html);
            let checked = compare_page_with_summary(&doc, &summary);
            assert!(checked > 30, "{slug}: {checked} numbers compared");
            let n = doc.select(&sel(".facts .n")).next().map(text);
            assert_eq!(n, summary["n"].as_u64().map(|v| v.to_string()));
            assert!(html.contains("weighting-note"), "weighting note");
            // When the summary was computed: the API's `computed_at` (the same cached summary), in the
            // page's language, to the minute, in UTC.
            let at = summary["computed_at"].as_str().expect("computed_at");
            let at = chrono::DateTime::parse_from_rfc3339(at).expect("RFC 3339").to_utc();
            let expected = match lang {
                "ru" => format!("Данные рассчитаны {} UTC.", at.format("%d.%m.%Y %H:%M")),
                _ => format!("Figures computed on {} UTC.", at.format("%Y-%m-%d %H:%M")),
            };
            let shown = doc.select(&sel("p.computed-at")).next().map(text);
            assert_eq!(shown.as_deref(), Some(expected.as_str()), "{slug} {lang}");
            // Every chart is accessible: a title and a description it is labelled by.
            for svg in doc.select(&sel("svg.chart")) {
                let labelled = svg.value().attr("aria-labelledby").unwrap_or_default();
                assert_eq!(svg.value().attr("role"), Some("img"));
                for id in labelled.split_whitespace() {
                    assert!(
                        svg.select(&sel(&format!("[id=\"{id}\"]"))).next().is_some(),
                        "{id} inside the chart"
                    );
                }
                assert!(svg.select(&sel("title")).next().is_some() && svg.select(&sel("desc")).next().is_some());
            }
        }
    }

    // The breakdown selector works by link and shows the crosstab with flags and suppression.
    let (_, json) = get(&c, &server.url("/api/v1/surveys/healthcare-2026/summary?lang=en"));
    let summary: Value = serde_json::from_str(&json).expect("summary json");
    for var in ["sex", "district"] {
        let (st, html) = get(&c, &server.url(&format!("/results/healthcare-2026?by={var}&lang=en")));
        assert_eq!(st, 200);
        let doc = Html::parse_document(&html);
        let current: Vec<String> = doc
            .select(&sel("nav.breakdowns a[aria-current=\"page\"]"))
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        assert_eq!(
            current,
            [format!("/results/healthcare-2026?by={var}")],
            "selected link marked"
        );
        for qid in ["visited", "life_satisfaction", "paid_services"] {
            compare_breakdown(&doc, &summary, qid, var);
        }
    }
    let (st, body) = get(&c, &server.url("/results/healthcare-2026?by=nonsense"));
    assert_eq!(st, 400, "an unknown breakdown is refused");
    assert!(body.contains("valid: age_group"), "with the valid choices: {body}");

    // Lists: all published surveys newest first (by opening date), and by topic.
    let (st, html) = get(&c, &server.url("/results?lang=en"));
    assert_eq!(st, 200);
    let doc = Html::parse_document(&html);
    let order: Vec<String> = doc
        .select(&sel("ul.results-list li"))
        .filter_map(|li| li.value().attr("data-slug").map(str::to_owned))
        .collect();
    assert_eq!(order, ["housing-2026", "healthcare-2026", "transport-2026"]);
    assert_eq!(
        doc.select(&sel("section.year h2")).map(text).collect::<Vec<_>>(),
        ["2026"]
    );
    let (st, html) = get(&c, &server.url("/topics/healthcare?lang=en"));
    assert_eq!(st, 200);
    assert!(html.contains("data-slug=\"healthcare-2026\"") && !html.contains("data-slug=\"transport-2026\""));
    assert_eq!(get(&c, &server.url("/topics/astrology")).0, 404);

    // Methodology: every version of the questionnaire, weighting diagnostics, the margin of error.
    let (st, html) = get(&c, &server.url("/results/healthcare-2026/methodology?lang=en"));
    assert_eq!(st, 200);
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&sel("details.version")).count(), 1);
    assert!(
        doc.select(&sel("li[data-question=\"clinic_satisfaction\"] .condition"))
            .next()
            .is_some(),
        "conditions shown"
    );
    let deff = doc.select(&sel("dd.deff")).next().map(text);
    let want = summary["weighting"]["deff"].as_f64().map(|d| format!("{d:.3}"));
    assert_eq!(deff, want);
    assert_eq!(
        doc.select(&sel("table.diagnostics")).count(),
        3,
        "sex, age group, district"
    );
    assert!(html.contains("margin of error"));

    // The list's headline is the survey's tracked question (its mean), not a respondent characteristic.
    let (_, html) = get(&c, &server.url("/results?lang=en"));
    let doc = Html::parse_document(&html);
    let headline = doc
        .select(&sel("li[data-slug=\"healthcare-2026\"] .headline"))
        .next()
        .map(text)
        .unwrap_or_default();
    assert!(
        headline.starts_with("Overall, how satisfied are you with life in our region?"),
        "{headline}"
    );

    // A new version of the questionnaire: the methodology shows every version, newest first.
    let p = opros::catalog::prepare_file(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/surveys/healthcare.yaml"
    )))
    .expect("prepare");
    opros::catalog::store_prepared(&store, &p).expect("second version");
    let (st, html) = get(&c, &server.url("/results/healthcare-2026/methodology?lang=en"));
    assert_eq!(st, 200);
    let doc = Html::parse_document(&html);
    let versions: Vec<String> = doc.select(&sel("details.version summary")).map(text).collect();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert!(versions[0].starts_with("Version 2 (current)") && versions[1].starts_with("Version 1"));
}
backend_tests!(published_pages_show_the_summary_numbers);

fn trend_of_the_tracked_question_across_three_surveys(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, _store) = seeded_all(&db);
    let c = client();
    let (st, html) = get(&c, &server.url("/trends/life_satisfaction_region?lang=en"));
    assert_eq!(st, 200, "{html}");
    let doc = Html::parse_document(&html);
    // Waves oldest first: transport (Feb), healthcare (Mar), housing (Sep).
    let waves: Vec<String> = doc
        .select(&sel("ol.waves li a"))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(
        waves,
        [
            "/results/transport-2026",
            "/results/healthcare-2026",
            "/results/housing-2026"
        ]
    );
    let summaries: Vec<Value> = ["transport-2026", "healthcare-2026", "housing-2026"]
        .iter()
        .map(|s| {
            serde_json::from_str(&get(&c, &server.url(&format!("/api/v1/surveys/{s}/summary?lang=en"))).1)
                .expect("json")
        })
        .collect();
    let question = |s: &Value| -> Value {
        arr(&s["questions"])
            .iter()
            .find(|q| q["track"] == "life_satisfaction_region")
            .cloned()
            .expect("tracked question")
    };
    let series: Vec<ElementRef<'_>> = doc.select(&sel("section.series")).collect();
    let q0 = question(&summaries[0]);
    assert_eq!(
        series.len(),
        1 + arr(&q0["options"]).len(),
        "the mean, then every option"
    );
    let mut kinds = Vec::new();
    for (k, o) in arr(&q0["options"]).iter().enumerate() {
        let code = o["code"].as_str().expect("code");
        let s = series[k + 1];
        assert_eq!(
            s.select(&sel("h2")).next().map(text),
            o["label"].as_str().map(str::to_owned)
        );
        let rows: Vec<ElementRef<'_>> = s.select(&sel("tbody tr")).collect();
        assert_eq!(rows.len(), 3);
        let mut prev: Option<(f64, f64)> = None;
        for (w, row) in rows.iter().enumerate() {
            let qo = question(&summaries[w]);
            let opt = arr(&qo["options"])
                .iter()
                .find(|x| x["code"] == code)
                .expect("option in every wave")
                .clone();
            assert_eq!(row.select(&sel("td.value")).next().map(text), Some(pct(&opt["share"])));
            let cur = (opt["share"].as_f64().expect("share"), opt["se"].as_f64().expect("se"));
            let class = row
                .select(&sel("td.change"))
                .next()
                .and_then(|td| td.value().attr("class").map(str::to_owned))
                .unwrap_or_default();
            if let Some((p1, se1)) = prev {
                // Independent check of the marking: z test of the difference with both SEs.
                let z = (cur.0 - p1) / (se1 * se1 + cur.1 * cur.1).sqrt();
                let want = if z.abs() < 1.959964 {
                    "ns"
                } else if z > 0.0 {
                    "up"
                } else {
                    "down"
                };
                assert!(
                    class.split_whitespace().any(|c| c == want),
                    "{code} wave {w}: z = {z:.3}, class {class}"
                );
                kinds.push(want);
            }
            prev = Some(cur);
        }
        // Significant segments are drawn solid, the others dashed.
        let solid = s.select(&sel("line.segment.significant")).count();
        assert_eq!(
            solid,
            rows.len() - 1 - s.select(&sel("line.segment.not-significant")).count()
        );
    }
    assert!(
        kinds.contains(&"up") && kinds.contains(&"ns"),
        "both a significant and a non-significant change: {kinds:?}"
    );
    // The mean series equals the summaries' means.
    for (w, row) in series[0].select(&sel("tbody tr")).enumerate() {
        let m = question(&summaries[w])["mean"].as_f64().expect("mean");
        assert_eq!(row.select(&sel("td.value")).next().map(text), Some(format!("{m:.2}")));
    }
    assert_eq!(get(&c, &server.url("/trends/no_such_track")).0, 404);
}
backend_tests!(trend_of_the_tracked_question_across_three_surveys);

fn unpublished_results_are_404_and_microdata_is_staff_only(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, _store) = seeded(&db, &["transport-2026"]);
    let c = client();
    for path in [
        "/results/healthcare-2026",
        "/results/healthcare-2026?by=sex",
        "/api/v1/surveys/healthcare-2026/summary",
        "/results/healthcare-2026/methodology",
        "/results/healthcare-2026/export.csv",
        "/results/healthcare-2026/export.xlsx",
        "/results/no-such-survey",
    ] {
        assert_eq!(get(&c, &server.url(path)).0, 404, "{path}");
    }
    for path in [
        "/results/transport-2026/export.csv?data=microdata",
        "/results/transport-2026/export.xlsx?data=microdata",
        "/results/transport-2026/export.sav",
        "/results/healthcare-2026/export.sav",
    ] {
        assert_eq!(get(&c, &server.url(path)).0, 403, "{path}");
    }
    // Unpublished surveys are not listed, nor part of trends.
    let (_, html) = get(&c, &server.url("/results"));
    assert!(html.contains("data-slug=\"transport-2026\"") && !html.contains("data-slug=\"healthcare-2026\""));
    let (_, html) = get(&c, &server.url("/trends/life_satisfaction_region?lang=en"));
    assert_eq!(Html::parse_document(&html).select(&sel("ol.waves li")).count(), 1);
    // The published survey's summary downloads work.
    let r = c
        .get(server.url("/results/transport-2026/export.xlsx"))
        .send()
        .expect("xlsx");
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().expect("bytes").to_vec();
    let wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx opens");
    assert_eq!(
        wb.sheet_names(),
        ["questions", "summary"],
        "no microdata sheet for the public"
    );
}
backend_tests!(unpublished_results_are_404_and_microdata_is_staff_only);

/// A question is never broken down by itself, by a variable derived from it, or by the weighting variable
/// that is itself: the summary says "not testable" with the reason (no categories, no F), the page says it
/// in both languages; every test that is published is a number; every suppressed figure says why.
fn a_question_is_never_broken_down_by_itself(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, _store) = seeded_all(&db);
    let c = client();
    let (st, json) = get(&c, &server.url("/api/v1/surveys/healthcare-2026/summary?lang=en"));
    assert_eq!(st, 200, "{json}");
    let summary: Value = serde_json::from_str(&json).expect("summary json");
    let mut seen = Vec::new();
    let mut tests = 0;
    for q in arr(&summary["questions"]) {
        let qid = q["id"].as_str().unwrap_or_default();
        for b in arr(&q["breakdowns"]) {
            let var = b["variable"].as_str().unwrap_or_default();
            let expected = match (qid, var) {
                (q, v) if q == v => Some("same_variable"),
                ("district", "area") | ("age", "age_group") => Some("derived_variable"),
                _ => None,
            };
            if let Some(why) = expected {
                assert_eq!(b["not_testable"].as_str(), Some(why), "{qid} by {var}: {b}");
                assert!(
                    b["test"].is_null() && arr(&b["categories"]).is_empty(),
                    "{qid} by {var}: {b}"
                );
                seen.push(format!("{qid}×{var}"));
            }
            if let Some(f) = b["test"]["f"].as_f64() {
                let p = b["test"]["p_value"].as_f64().unwrap_or(-1.0);
                assert!(
                    f.is_finite() && f >= 0.0 && (0.0..=1.0).contains(&p),
                    "{qid} by {var}: {b}"
                );
                tests += 1;
            }
            for cat in arr(&b["categories"]) {
                if cat["suppressed"].as_bool() == Some(true) {
                    assert!(cat["suppressed_reason"].is_string(), "{qid} by {var}: {cat}");
                }
                for o in arr(&cat["options"]) {
                    if o["suppressed"].as_bool() == Some(true) {
                        assert!(o["suppressed_reason"].is_string(), "{qid} by {var}: {o}");
                    }
                }
            }
        }
    }
    for case in ["sex×sex", "district×district", "district×area", "age×age_group"] {
        assert!(seen.iter().any(|s| s == case), "{case} in {seen:?}");
    }
    assert!(tests > 5, "{tests} tests published");
    for (lang, reason) in [
        ("en", "the question is the breakdown variable itself"),
        ("ru", "вопрос совпадает с переменной разбивки"),
    ] {
        let (st, html) = get(&c, &server.url(&format!("/results/healthcare-2026?by=sex&lang={lang}")));
        assert_eq!(st, 200);
        let doc = Html::parse_document(&html);
        let section = doc
            .select(&sel("section[data-question=\"sex\"] .breakdown p.test"))
            .next()
            .map(text)
            .unwrap_or_default();
        assert!(section.contains(reason), "{lang}: {section}");
        assert!(!section.contains("F ="), "{lang}: {section}");
    }
}

backend_tests!(a_question_is_never_broken_down_by_itself);

/// The intervals are named for how respondents were recruited: the example survey has a public link and no
/// `sample:`, so it is an opt-in sample with credibility intervals, a disclosed recruitment and weighting
/// assumption, and no "95 intervals in 100" claim; declared a probability sample it keeps the classical
/// wording. Both languages; the summary JSON says `sample` and `interval_name`.
fn intervals_are_named_for_how_respondents_were_recruited(backend: Backend) {
    let db = TestDb::new(&backend);
    let (server, store) = seeded_all(&db);
    let c = client();
    let url = |path: &str| server.url(path);
    let classical = [("en", "95 intervals in 100"), ("ru", "в 95 случаях из 100")];
    let opt_in = [
        (
            "en",
            "credibility intervals",
            "public link",
            "once weighted by Your sex, Age group",
        ),
        (
            "ru",
            "модельные интервалы",
            "открытая ссылка",
            "после взвешивания по переменным",
        ),
    ];
    let (_, json) = get(&c, &url("/api/v1/surveys/healthcare-2026/summary?lang=en"));
    let summary: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(summary["sample"], "opt_in");
    assert_eq!(summary["interval_name"], "credibility");
    for ((lang, credibility, recruitment, assumption), (_, claim)) in opt_in.iter().zip(&classical) {
        let (st, html) = get(&c, &url(&format!("/results/healthcare-2026/methodology?lang={lang}")));
        assert_eq!(st, 200);
        let doc = Html::parse_document(&html);
        let margin = doc.select(&sel("#margin")).next().map(text).unwrap_or_default();
        assert!(margin.contains(credibility), "{lang}: {margin}");
        assert!(margin.contains(recruitment), "{lang}: {margin}");
        assert!(margin.contains(assumption), "{lang}: {margin}");
        assert!(!margin.contains(claim), "{lang}: {margin}");
        let (_, page) = get(&c, &url(&format!("/results/healthcare-2026?lang={lang}")));
        let doc = Html::parse_document(&page);
        let note = doc.select(&sel(".margin-note")).next().map(text).unwrap_or_default();
        assert!(
            !note.contains("95% confidence") && !note.contains("с вероятностью 95%"),
            "{lang}: {note}"
        );
    }
    // The same survey declared a probability sample.
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/surveys/healthcare.yaml"));
    let yaml =
        std::fs::read_to_string(path)
            .expect("yaml")
            .replacen("\nlanguages:", "\nsample: probability\nlanguages:", 1);
    let p = opros::catalog::prepare_source(&yaml, "healthcare.yaml", path.parent(), None).expect("prepare");
    assert_eq!(p.definition.sample_kind(), opros::definition::SampleKind::Probability);
    opros::catalog::store_prepared(&store, &p).expect("second version");
    let (_, json) = get(&c, &url("/api/v1/surveys/healthcare-2026/summary?lang=en"));
    let summary: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(summary["sample"], "probability");
    assert_eq!(summary["interval_name"], "confidence");
    for ((lang, credibility, _, _), (_, claim)) in opt_in.iter().zip(&classical) {
        let (_, html) = get(&c, &url(&format!("/results/healthcare-2026/methodology?lang={lang}")));
        let doc = Html::parse_document(&html);
        let margin = doc.select(&sel("#margin")).next().map(text).unwrap_or_default();
        assert!(margin.contains(claim), "{lang}: {margin}");
        assert!(!margin.contains(credibility), "{lang}: {margin}");
    }
}

backend_tests!(intervals_are_named_for_how_respondents_were_recruited);

/// The cells of the summary that are suppressed, and the numbers they would show without suppression.
fn suppressed_cells(summary: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for q in arr(&summary["questions"]) {
        for b in arr(&q["breakdowns"]) {
            for c in arr(&b["categories"]) {
                if c["suppressed"].as_bool() == Some(true) {
                    out.push((
                        q["id"].as_str().unwrap_or("").to_owned(),
                        b["variable"].as_str().unwrap_or("").to_owned(),
                        c["label"].as_str().unwrap_or("").to_owned(),
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn suppressed_cells_never_leak() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let (server, store) = seeded_all(&db);
    let c = client();
    let slug = "healthcare-2026";
    let (_, json) = get(&c, &server.url(&format!("/api/v1/surveys/{slug}/summary?lang=en")));
    let summary: Value = serde_json::from_str(&json).expect("json");
    let hidden = suppressed_cells(&summary);
    assert!(
        hidden.iter().any(|(_, v, _)| v == "district"),
        "the rare district is suppressed: {hidden:?}"
    );
    // No number of a suppressed cell is in the JSON itself.
    for q in arr(&summary["questions"]) {
        for b in arr(&q["breakdowns"]) {
            for cat in arr(&b["categories"]) {
                if cat["suppressed"].as_bool() == Some(true) {
                    assert!(cat["base_n"].is_null());
                    for o in arr(&cat["options"]) {
                        assert!(o["share"].is_null() && o["n"].is_null() && o["ci_low"].is_null(), "{o}");
                    }
                }
            }
        }
    }
    // What the suppressed district's cells would show: recompute without suppression.
    let (_, v) = store.version(slug, None).expect("version");
    let mut def: opros::definition::Definition = serde_json::from_str(&v.definition).expect("def");
    let pop: Option<opros::weighting::Population> = v
        .population
        .as_deref()
        .map(|p| serde_json::from_str(p).expect("population"));
    let rows = store
        .complete_responses(&store.find_survey(slug).expect("survey").id)
        .expect("responses");
    let answers: Vec<opros::definition::Answers> = rows
        .iter()
        .map(|r| serde_json::from_str(&r.answers).expect("answers"))
        .collect();
    def.report.min_cell = 0;
    let open = opros::report::summarize(
        &opros::report::SummaryInput {
            definition: &def,
            population: pop.as_ref(),
            answers: &answers,
            language: "en",
        },
        &opros::report::ReportOptions::default(),
    )
    .expect("summary");
    let rare = "Suburban";
    let mut secrets = Vec::new();
    for q in &open.questions {
        for b in q.breakdowns.iter().filter(|b| b.variable == "district") {
            for cat in b.categories.iter().filter(|c| c.label == rare) {
                for o in &cat.estimates.options {
                    if let Some(s) = o.share {
                        secrets.push((q.id.clone(), o.code.clone(), format!("{:.1}", s * 100.0)));
                    }
                }
            }
        }
    }
    assert!(!secrets.is_empty());

    // HTML: the rare district's row in every crosstab carries no number.
    let (_, html) = get(&c, &server.url(&format!("/results/{slug}?by=district&lang=en")));
    let doc = Html::parse_document(&html);
    let mut rows_seen = 0;
    for row in doc.select(&sel("table.crosstab tbody tr")) {
        if row.select(&sel("th")).next().map(text).as_deref() == Some(rare) {
            let cells: String = row.select(&sel("td")).map(text).collect::<Vec<_>>().join(" ");
            assert!(
                !cells.chars().any(|ch| ch.is_ascii_digit()),
                "suppressed row shows numbers: {cells}"
            );
            assert!(cells.contains("too few respondents"), "the reason is given: {cells}");
            rows_seen += 1;
        }
    }
    assert!(rows_seen >= 5, "{rows_seen} crosstab rows of the rare district");

    // CSV: the rare district's lines have "—", the reason, and no numbers.
    let csv = get(&c, &server.url(&format!("/results/{slug}/export.csv?lang=en"))).1;
    assert!(csv.starts_with('\u{feff}'), "UTF-8 with BOM");
    let mut lines = 0;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    for rec in rdr.records() {
        let rec = rec.expect("csv record");
        if rec.get(3) == Some(rare) {
            assert_eq!(rec.get(6), Some("—"), "{rec:?}");
            for k in [7, 8, 9, 10] {
                assert_eq!(rec.get(k), Some(""), "column {k} empty: {rec:?}");
            }
            assert!(rec.get(12).unwrap_or("").starts_with("suppressed"));
            lines += 1;
        }
    }
    assert!(lines >= 5);

    // XLSX (read back with calamine): same in the summary sheet.
    let bytes = c
        .get(server.url(&format!("/results/{slug}/export.xlsx?lang=en")))
        .send()
        .expect("xlsx")
        .bytes()
        .expect("bytes")
        .to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx opens");
    let range = wb.worksheet_range("summary").expect("summary sheet");
    let mut xl = 0;
    for row in range.rows() {
        if row.get(3).map(|c| c.to_string()) == Some(rare.to_owned()) {
            assert_eq!(row.get(6).map(|c| c.to_string()), Some("—".to_owned()));
            for k in [7, 8, 9, 10] {
                assert!(row.get(k).is_none_or(|c| c.is_empty()), "{row:?}");
            }
            xl += 1;
        } else if row.get(2).map(|c| c.to_string()).as_deref() == Some("Part of the region") {
            continue;
        }
    }
    assert_eq!(xl, lines, "the workbook has the same suppressed lines as the CSV");
}
