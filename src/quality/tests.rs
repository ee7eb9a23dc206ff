//! The screening rules on constructed data: every expected flag below was worked out by hand.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::*;
use crate::definition::parse_definition;

const DEF: &str = r#"slug: q
title: {en: "Quality"}
topic: test
languages: [en]
pages:
  - id: a
    questions:
      - id: grid
        type: matrix
        text: {en: "Rate"}
        rows:
          - {code: r1, label: {en: "1"}}
          - {code: r2, label: {en: "2"}}
          - {code: r3, label: {en: "3"}}
          - {code: r4, label: {en: "4"}}
          - {code: r5, label: {en: "5"}}
        points:
          - {code: 1, label: {en: "bad"}}
          - {code: 2, label: {en: "so-so"}}
          - {code: 3, label: {en: "good"}}
      - id: small
        type: matrix
        text: {en: "Rate"}
        rows:
          - {code: r1, label: {en: "1"}}
          - {code: r2, label: {en: "2"}}
        points:
          - {code: 1, label: {en: "bad"}}
          - {code: 2, label: {en: "good"}}
      - id: why
        type: text
        text: {en: "Why?"}
"#;

fn grid(points: &[&str]) -> Answer {
    Answer::Matrix(
        points
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("r{}", i + 1), (*p).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn at(minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 1)
        .and_then(|d| d.and_hms_opt(10, minute, 0))
        .expect("a valid time")
}

fn response(id: &str, secs: Option<f64>, answers: Vec<(&str, Answer)>) -> Screened {
    Screened {
        id: id.to_owned(),
        answers: answers.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        duration_seconds: secs,
        submitted_at: Some(at(0)),
        fingerprint: None,
    }
}

#[test]
fn speeders_are_below_the_fraction_of_the_median() {
    // Known times sorted: 20 30 100 110 120 130 200, median 110, cut 0.3 × 110 = 33 s.
    let d = [
        Some(120.0),
        Some(20.0),
        None,
        Some(100.0),
        Some(30.0),
        Some(130.0),
        Some(200.0),
        Some(110.0),
    ];
    let (median, fast) = speeders(&d, 0.3).expect("a median");
    assert_eq!(median, 110.0);
    assert_eq!(fast, vec![false, true, false, false, true, false, false, false]);
    // A per-survey fraction of 0.95: cut 104.5 s, so 100 s is a speeder too.
    let (_, fast) = speeders(&d, 0.95).expect("a median");
    assert_eq!(fast, vec![false, true, false, true, true, false, false, false]);
    // Exactly at the cut is not below it: times 10 and 30, median 20, cut 0.5 × 20 = 10.
    let (median, fast) = speeders(&[Some(10.0), Some(30.0)], 0.5).expect("a median");
    assert_eq!((median, fast), (20.0, vec![false, false]));
}

#[test]
fn speeders_need_a_known_positive_median() {
    assert_eq!(speeders(&[], 0.3), None);
    assert_eq!(speeders(&[None, None], 0.3), None);
    assert_eq!(speeders(&[Some(0.0), Some(0.0), Some(5.0)], 0.3), None);
    // One response is its own median and never below a fraction of itself.
    assert_eq!(speeders(&[Some(50.0)], 0.3), Some((50.0, vec![false])));
}

#[test]
fn straight_lining_needs_five_rows_all_answered_the_same() {
    assert_eq!(straight_lined(Some(&grid(&["2", "2", "2", "2", "2"])), 5), Some("2"));
    assert_eq!(straight_lined(Some(&grid(&["2", "2", "2", "2", "3"])), 5), None);
    // A row left blank: not every row has the same point.
    assert_eq!(straight_lined(Some(&grid(&["2", "2", "2", "2"])), 5), None);
    // Four rows are too few to tell.
    assert_eq!(straight_lined(Some(&grid(&["1", "1", "1", "1"])), 4), None);
    assert_eq!(straight_lined(None, 5), None);
    assert_eq!(straight_lined(Some(&Answer::Text("2".into())), 5), None);
}

#[test]
fn screening_flags_each_rule_with_its_evidence() {
    let def = parse_definition(DEF, "q.yaml").expect("the test definition");
    let rows = vec![
        response(
            "ok",
            Some(100.0),
            vec![
                ("grid", grid(&["1", "2", "3", "2", "1"])),
                ("why", Answer::Text("too far".into())),
            ],
        ),
        response("fast", Some(10.0), vec![("grid", grid(&["1", "2", "3", "3", "1"]))]),
        response(
            "liner",
            Some(90.0),
            vec![("grid", grid(&["3", "3", "3", "3", "3"])), ("small", grid(&["1", "1"]))],
        ),
        // Two rows of the same point in the small matrix only: not flagged.
        response("small", Some(110.0), vec![("small", grid(&["2", "2"]))]),
        response("noise", Some(120.0), vec![("why", Answer::Text("фывапр".into()))]),
    ];
    let flagged = screen(&def, &QualitySettings::default(), &rows);
    let got: Vec<(&str, Vec<Flag>)> = flagged.iter().map(|f| (f.id.as_str(), f.flags.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("fast", vec![Flag::Speeder]),
            ("liner", vec![Flag::StraightLining]),
            ("noise", vec![Flag::Gibberish]),
        ]
    );
    // Median of 10 90 100 110 120 is 100: the cut is 30 s.
    assert_eq!(flagged[0].evidence, vec!["10 s < 30 s"]);
    assert_eq!(flagged[1].evidence, vec!["grid: 3"]);
    assert_eq!(flagged[2].evidence, vec!["why"]);
}

#[test]
fn duplicates_share_answers_and_fingerprint_within_the_window() {
    let same = || vec![("why", Answer::Text("too far".into()))];
    let mut rows: Vec<Screened> = (0..5).map(|i| response(&format!("r{i}"), Some(60.0), same())).collect();
    rows[0].fingerprint = Some("fp-a".into());
    rows[0].submitted_at = Some(at(0));
    // Same answers, same fingerprint, 5 minutes later: a duplicate of r0.
    rows[1].fingerprint = Some("fp-a".into());
    rows[1].submitted_at = Some(at(5));
    // Another browser or network: not a duplicate.
    rows[2].fingerprint = Some("fp-b".into());
    rows[2].submitted_at = Some(at(6));
    // No fingerprint (imported): never a duplicate.
    rows[3].fingerprint = None;
    // Same fingerprint, other answers.
    rows[4] = response("r4", Some(60.0), vec![("why", Answer::Text("noise".into()))]);
    rows[4].fingerprint = Some("fp-a".into());
    assert_eq!(duplicates(&rows, 24.0), vec![(1, 0)]);
    // A window of 4 minutes is too short for 5 minutes apart.
    assert_eq!(duplicates(&rows, 4.0 / 60.0), vec![]);
    let def = parse_definition(DEF, "q.yaml").expect("the test definition");
    let flagged = screen(&def, &QualitySettings::default(), &rows);
    assert_eq!(flagged.len(), 1);
    assert_eq!(
        (flagged[0].id.as_str(), flagged[0].flags.as_slice()),
        ("r1", &[Flag::Duplicate][..])
    );
    assert_eq!(flagged[0].evidence, vec!["= r0"]);
}

/// The one-at-a-time finder flags what `duplicates` flags, for responses in submission order: r3 repeats
/// r0 (20 minutes before) and r1 (15 minutes before), so a 16-minute window catches it through r1 only.
#[test]
fn duplicate_finder_agrees_with_duplicates_in_submission_order() {
    let same = || vec![("why", Answer::Text("too far".into()))];
    let mut rows: Vec<Screened> = (0..5).map(|i| response(&format!("r{i}"), Some(60.0), same())).collect();
    for (r, (fp, minute)) in rows
        .iter_mut()
        .zip([("fp-a", 0), ("fp-a", 5), ("fp-b", 6), ("fp-a", 20), ("fp-b", 40)])
    {
        r.fingerprint = Some(fp.into());
        r.submitted_at = Some(at(minute));
    }
    rows[4].answers = [("why".to_owned(), Answer::Text("other".into()))].into_iter().collect();
    for hours in [1.0, 16.0 / 60.0, 14.0 / 60.0, 4.0 / 60.0] {
        let want: Vec<usize> = duplicates(&rows, hours).into_iter().map(|(i, _)| i).collect();
        let mut finder = DuplicateFinder::new(hours);
        let got: Vec<usize> = (0..rows.len()).filter(|&i| finder.is_duplicate(&rows[i])).collect();
        assert_eq!(got, want, "window of {hours} h");
    }
    let mut finder = DuplicateFinder::new(16.0 / 60.0);
    let flags: Vec<bool> = rows.iter().map(|r| finder.is_duplicate(r)).collect();
    assert_eq!(flags, [false, true, false, true, false]);
}

#[test]
fn settings_parse_with_defaults_and_refuse_nonsense() {
    assert!(
        serde_norway::from_str::<QualitySettings>("exclude: [speeder]").is_err(),
        "a flag name must be exact"
    );
    let s: QualitySettings = serde_norway::from_str("exclude: [speeders]\nspeeder_fraction: 0.4").expect("settings");
    assert_eq!((s.exclude.as_slice(), s.speeder_fraction), (&[Flag::Speeder][..], 0.4));
    assert_eq!(s.problem(), None);
    for bad in [0.0, 1.0, -0.2, f64::NAN] {
        let s = QualitySettings {
            speeder_fraction: bad,
            ..QualitySettings::default()
        };
        assert!(s.problem().is_some(), "{bad}");
    }
    let s = QualitySettings {
        duplicate_hours: 0.0,
        ..QualitySettings::default()
    };
    assert!(s.problem().is_some());
}

#[test]
fn a_bad_quality_block_is_reported_with_its_line() {
    // The block is the 33rd line: DEF has 32.
    let bad = format!("{DEF}quality: {{speeder_fraction: 1.5}}\n");
    let err = parse_definition(&bad, "q.yaml").expect_err("a fraction above 1");
    let text = err.to_string();
    assert!(
        text.contains("quality.speeder_fraction must be between 0 and 1"),
        "{text}"
    );
    assert!(text.contains("q.yaml:33"), "{text}");
    let bad = format!("{DEF}quality: {{exclude: [slow]}}\n");
    let text = parse_definition(&bad, "q.yaml")
        .expect_err("an unknown flag")
        .to_string();
    assert!(text.contains("quality:") && text.contains("slow"), "{text}");
    let good = format!("{DEF}quality: {{exclude: [duplicates], duplicate_hours: 2}}\n");
    let def = parse_definition(&good, "q.yaml").expect("a good block");
    let q = def.quality.expect("the block");
    assert_eq!((q.exclude.as_slice(), q.duplicate_hours), (&[Flag::Duplicate][..], 2.0));
}
