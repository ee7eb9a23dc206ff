//! Snapshots (insta) of the charts' SVG and of a whole results page, so any change to what officials see
//! is reviewed. The page is made from a small survey with deterministic respondents (no database).

use std::sync::Arc;

use crate::results_support::{synth_answers, Profile};
use opros::catalog::LoadedVersion;
use opros::chart::{self, Change, DotInput, ShareInput, WaveInput};
use opros::report::{summarize, ReportOptions, SummaryInput};
use opros::store::SurveyRow;
use opros::web::pages;
use opros::web::results::Results;
use opros::web::results_view;

const SNAP: &str = r#"
slug: snap-2026
title: {ru: "Тестовый опрос", en: "Snapshot survey"}
topic: transport
languages: [ru, en]
opens: 2026-05-01
closes: 2026-05-31
pages:
  - id: p1
    questions:
      - id: sex
        type: single_choice
        text: {ru: "Ваш пол", en: "Your sex"}
        required: true
        options:
          - {code: m, label: {ru: "Мужской", en: "Male"}}
          - {code: f, label: {ru: "Женский", en: "Female"}}
      - id: district
        type: single_choice
        text: {ru: "Район", en: "District"}
        required: true
        options:
          - {code: d1, label: {ru: "Центр", en: "Centre"}}
          - {code: d2, label: {ru: "Север", en: "North"}}
          - {code: d3, label: {ru: "Посёлок <Лесной>", en: "Village <Forest> & Co"}}
      - id: sat
        type: scale
        track: sat_track
        text: {ru: "Насколько вы довольны транспортом?", en: "How satisfied are you with transport?"}
        required: true
        points:
          - {code: 1, label: {ru: "Совсем нет", en: "Not at all"}}
          - {code: 2, label: {ru: "Скорее нет", en: "Rather not"}}
          - {code: 3, label: {ru: "И да, и нет", en: "Neither"}}
          - {code: 4, label: {ru: "Скорее да", en: "Rather yes"}}
          - {code: 5, label: {ru: "Полностью", en: "Fully"}}
        hard_to_say: {code: dk, label: {ru: "Затрудняюсь ответить", en: "Hard to say"}}
      - id: mode
        type: multiple_choice
        text: {ru: "Чем вы пользуетесь?", en: "What do you use?"}
        options:
          - {code: bus, label: {ru: "Автобус", en: "Bus"}}
          - {code: tram, label: {ru: "Трамвай", en: "Tram"}}
      - id: minutes
        type: number
        text: {ru: "Сколько минут в пути?", en: "Minutes on the way?"}
        min: 0
        max: 120
        integer: true
report:
  breakdowns: [sex, district]
  min_cell: 10
"#;

fn results(lang: &str) -> Results {
    let p = opros::catalog::prepare_source(SNAP, "snap.yaml", None, None).expect("valid fixture");
    let def = p.definition;
    let answers = synth_answers(
        &def,
        90,
        7,
        Profile {
            tilt: 0.1,
            rare_district: 0.06,
        },
    );
    let summary = summarize(
        &SummaryInput {
            definition: &def,
            population: None,
            answers: &answers,
            language: lang,
        },
        &ReportOptions::default(),
    )
    .expect("summary");
    let at = chrono::NaiveDate::from_ymd_opt(2026, 6, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    Results {
        survey: SurveyRow {
            id: "s".into(),
            slug: def.slug.clone(),
            status: "closed".into(),
            results_published: true,
            current_version: 1,
            topic: def.topic.clone(),
            created_at: at,
            updated_at: at,
        },
        version: Arc::new(LoadedVersion {
            version: 1,
            definition: def,
            population: None,
        }),
        summary: Arc::new(summary),
        computed_at: at.and_utc(),
    }
}

#[test]
fn results_page_snapshot() {
    let r = results("en");
    assert!(
        r.summary.questions.iter().any(|q| q
            .breakdowns
            .iter()
            .any(|b| b.categories.iter().any(|c| c.estimates.suppressed))),
        "a suppressed cell is in the snapshot"
    );
    insta::assert_snapshot!(
        "results_page_en_by_district",
        results_view::render(&r, "en", Some("district"))
    );
    let r = results("ru");
    insta::assert_snapshot!("results_page_ru", results_view::render(&r, "ru", None));
}

#[test]
fn chart_svg_snapshots() {
    let s = |label: &str, p: f64, l: f64, h: f64| ShareInput {
        label: label.into(),
        share: Some(p),
        ci_low: Some(l),
        ci_high: Some(h),
        suppressed: false,
    };
    let bars = chart::share_bars(
        "q-demo-chart",
        "How satisfied are you?",
        "Shares with 95% intervals",
        &[
            s("Fully satisfied", 0.312, 0.268, 0.36),
            s("Rather satisfied", 0.405, 0.357, 0.455),
            s(
                "A label long enough to be cut in the chart because it goes on and on about the details",
                0.11,
                0.08,
                0.15,
            ),
            ShareInput {
                label: "Tiny group <&>".into(),
                share: None,
                ci_low: None,
                ci_high: None,
                suppressed: true,
            },
        ],
    );
    insta::assert_snapshot!("chart_bars", pages::render("results_chart_bars", &bars));

    let dots = chart::mean_dots(
        "q-demo-mean",
        "Mean",
        "Mean with its 95% interval",
        &[DotInput {
            label: "Mean".into(),
            value: Some(3.42),
            ci_low: Some(3.3),
            ci_high: Some(3.54),
            suppressed: false,
        }],
        (1.0, 5.0, &[1.0, 2.0, 3.0, 4.0, 5.0]),
        2,
    );
    insta::assert_snapshot!("chart_dots", pages::render("results_chart_dots", &dots));

    let w = |l: &str, v: f64| WaveInput {
        label: l.into(),
        value: Some(v),
        ci_low: Some(v - 0.04),
        ci_high: Some(v + 0.04),
    };
    let trend = chart::trend(
        "trend-demo",
        "Fully satisfied",
        "2026-02: 15.0%; 2026-03: 27.0%; 2026-09: 28.0%",
        &[w("2026-02", 0.15), w("2026-03", 0.27), w("2026-09", 0.28)],
        &[Some(Change::Up), Some(Change::NotSignificant)],
        (0.0, 0.4, &[0.0, 0.1, 0.2, 0.3, 0.4]),
        true,
    );
    insta::assert_snapshot!("chart_trend", pages::render("results_chart_trend", &trend));
}

#[test]
fn a_published_survey_without_responses_renders() {
    let p = opros::catalog::prepare_source(SNAP, "snap.yaml", None, None).expect("valid fixture");
    let def = p.definition;
    let summary = summarize(
        &SummaryInput {
            definition: &def,
            population: None,
            answers: &[],
            language: "en",
        },
        &ReportOptions::default(),
    )
    .expect("summary of nothing");
    let mut r = results("en");
    r.summary = Arc::new(summary);
    let html = results_view::render(&r, "en", Some("sex"));
    assert!(
        html.contains("Snapshot survey") && html.contains("class=\"n\">0<"),
        "{html}"
    );
    assert!(!html.contains("Page could not be rendered"));
}

/// Every suppressed figure says why, in the summary and in the summary tables (a row with "—" and the
/// reason, never a missing row), and no estimate is published as "not suppressed" without its numbers.
#[test]
fn every_suppressed_figure_has_a_reason() {
    use opros::report::{Estimates, QuestionType};
    let r = results("en");
    let mut suppressed = 0;
    let check = |e: &Estimates, kind: QuestionType, suppressed: &mut usize| {
        assert_eq!(e.suppressed, e.suppressed_reason.is_some(), "{e:?}");
        if e.suppressed {
            *suppressed += 1;
            assert!(e.base_n.is_none() && e.mean.is_none());
        } else if kind == QuestionType::Scale {
            assert!(
                e.mean.is_some() || e.mean_suppressed_reason.is_some(),
                "a scale's mean or its reason: {e:?}"
            );
        }
        for o in &e.options {
            assert_eq!(o.suppressed, o.suppressed_reason.is_some(), "{o:?}");
            assert_eq!(o.suppressed, o.share.is_none(), "{o:?}");
        }
    };
    for q in &r.summary.questions {
        check(&q.estimates, q.kind, &mut suppressed);
        for b in &q.breakdowns {
            for c in &b.categories {
                check(&c.estimates, q.kind, &mut suppressed);
            }
        }
    }
    assert!(suppressed > 0, "the fixture has suppressed cells");
    let rows = opros::export::summary_rows(&r.summary);
    let hidden: Vec<_> = rows.iter().filter(|row| row.value == "—").collect();
    assert!(!hidden.is_empty());
    for row in &hidden {
        match row.suppressed_reason.as_str() {
            "min_cell" => assert!(row.note.contains("fewer than 10"), "{row:?}"),
            // The rare district's neighbour, hidden so that the rare one cannot be recovered.
            "complementary" => assert!(row.note.contains("cannot be recovered"), "{row:?}"),
            other => panic!("unexpected reason {other}: {row:?}"),
        }
    }
    assert!(hidden.iter().any(|row| row.suppressed_reason == "complementary"));
    // Each suppressed breakdown category has its row (the rare district of every categorical question).
    let rare = rows
        .iter()
        .filter(|row| row.category.starts_with("Village") && row.suppressed_reason == "min_cell")
        .count();
    assert!(rare >= 3, "{rare} rows for the rare district");
    assert!(rows
        .iter()
        .all(|row| row.value == "—" || row.suppressed_reason.is_empty()));
}
