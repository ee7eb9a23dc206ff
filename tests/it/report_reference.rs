//! The whole report path — answers → weighting (raking) → calibrated estimates → summary — against R
//! `survey` on a synthetic poll (tests/reference/report/make_reference.R).

use std::collections::HashMap;

use opros::definition::{parse_definition, Answer, Answers};
use opros::report::{summarize, QuestionSummary, ReportOptions, SummaryInput};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/report");

fn expected() -> HashMap<(String, String), f64> {
    let mut r = csv::Reader::from_path(format!("{DIR}/expected.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            ((rec[0].to_owned(), rec[1].to_owned()), rec[2].parse().unwrap())
        })
        .collect()
}

fn answers() -> Vec<Answers> {
    let mut r = csv::Reader::from_path(format!("{DIR}/poll.csv")).unwrap();
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let mut a = Answers::new();
        let mut put = |id: &str, v: &str, f: &dyn Fn(&str) -> Answer| {
            if !v.is_empty() {
                a.insert(id.to_owned(), f(v));
            }
        };
        put("sex", &rec[1], &|v| Answer::choice(v));
        put("age", &rec[2], &|v| Answer::Number(v.parse().unwrap()));
        put("district", &rec[3], &|v| Answer::choice(v));
        put("mode", &rec[4], &|v| Answer::choice(v));
        put("satisfaction", &rec[5], &|v| Answer::Scale(v.to_owned()));
        put("minutes", &rec[6], &|v| Answer::Number(v.parse().unwrap()));
        out.push(a);
    }
    out
}

fn close(got: Option<f64>, want: f64, rel: f64, what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: no value"));
    let tol = rel * want.abs().max(1e-12);
    assert!((got - want).abs() <= tol, "{what}: got {got}, R says {want}");
}

fn question<'a>(qs: &'a [QuestionSummary], id: &str) -> &'a QuestionSummary {
    qs.iter().find(|q| q.id == id).unwrap()
}

#[test]
fn raked_summary_matches_r_survey() {
    let source = std::fs::read_to_string(format!("{DIR}/poll.yaml")).unwrap();
    let def = parse_definition(&source, "poll.yaml").unwrap();
    let data = answers();
    let exp = expected();
    // Every row R wrote must be read by a comparison (checked at the end).
    let used = std::cell::RefCell::new(std::collections::HashSet::new());
    let get = |what: &str, key: &str| {
        let k = (what.to_owned(), key.to_owned());
        let v = *exp.get(&k).unwrap_or_else(|| panic!("R wrote no {what} {key}"));
        used.borrow_mut().insert(k);
        v
    };
    let s = summarize(
        &SummaryInput {
            definition: &def,
            population: None,
            answers: &data,
            language: "en",
        },
        &ReportOptions {
            all_questions: true,
            ..ReportOptions::default()
        },
    )
    .unwrap();
    let w = s.weighting.as_ref().expect("weighted");
    assert!(w.converged);
    assert_eq!(s.n, 600);

    for (qid, codes) in [
        ("mode", &["bus", "tram", "car", "walk"][..]),
        ("satisfaction", &["1", "2", "3", "4", "5", "dk"][..]),
    ] {
        let q = question(&s.questions, qid);
        for code in codes {
            let o = q.estimates.options.iter().find(|o| o.code == *code).unwrap();
            let key = format!("{qid} {code}");
            close(o.share, get("share", &key), 1e-9, &format!("share {key}"));
            close(o.se, get("se", &key), 1e-6, &format!("se {key}"));
            close(o.ci_low, get("ci_low", &key), 1e-6, &format!("ci_low {key}"));
            close(o.ci_high, get("ci_high", &key), 1e-6, &format!("ci_high {key}"));
        }
    }
    let sat = question(&s.questions, "satisfaction");
    close(
        sat.estimates.mean,
        get("mean", "satisfaction"),
        1e-9,
        "scale mean without hard-to-say",
    );
    close(sat.estimates.se, get("mean_se", "satisfaction"), 1e-6, "scale mean se");
    close(
        sat.estimates.ci_low,
        get("mean_ci_low", "satisfaction"),
        1e-6,
        "scale mean ci_low",
    );
    close(
        sat.estimates.ci_high,
        get("mean_ci_high", "satisfaction"),
        1e-6,
        "scale mean ci_high",
    );

    let minutes = question(&s.questions, "minutes");
    close(minutes.estimates.mean, get("mean", "minutes"), 1e-9, "mean minutes");
    close(minutes.estimates.se, get("mean_se", "minutes"), 1e-6, "se minutes");
    close(
        minutes.estimates.median,
        get("median", "minutes"),
        1e-9,
        "median minutes",
    );
    close(
        minutes.estimates.median_ci_low,
        get("median_ci_low", "minutes"),
        1e-9,
        "median ci_low",
    );
    close(
        minutes.estimates.median_ci_high,
        get("median_ci_high", "minutes"),
        1e-9,
        "median ci_high",
    );

    let mode = question(&s.questions, "mode");
    let by_sex = mode.breakdowns.iter().find(|b| b.variable == "sex").unwrap();
    for sex in ["m", "f"] {
        let cat = by_sex.categories.iter().find(|c| c.code == sex).unwrap();
        for code in ["bus", "car"] {
            let o = cat.estimates.options.iter().find(|o| o.code == code).unwrap();
            let key = format!("{sex} {code}");
            close(o.share, get("by_sex_share", &key), 1e-9, &format!("by sex share {key}"));
            close(o.se, get("by_sex_se", &key), 1e-6, &format!("by sex se {key}"));
        }
    }
    let sat_by_sex = sat.breakdowns.iter().find(|b| b.variable == "sex").unwrap();
    let t = sat_by_sex.test.expect("Rao–Scott test");
    close(Some(t.f), get("chisq_f", "satisfaction sex"), 1e-6, "Rao–Scott F");
    close(Some(t.ndf), get("chisq_ndf", "satisfaction sex"), 1e-6, "Rao–Scott ndf");
    close(Some(t.ddf), get("chisq_ddf", "satisfaction sex"), 1e-6, "Rao–Scott ddf");
    close(
        Some(t.p_value),
        get("chisq_p", "satisfaction sex"),
        1e-6,
        "Rao–Scott p-value",
    );

    // R's weight of every respondent (raking), in the order of poll.csv.
    let (weights, failure) = opros::report::final_weights(&def, None, &data, None);
    assert!(failure.is_none(), "{failure:?}");
    assert_eq!(weights.len(), 600);
    for (i, w) in weights.iter().enumerate() {
        let key = (i + 1).to_string();
        close(
            Some(*w),
            get("weight", &key),
            1e-9,
            &format!("weight of respondent {key}"),
        );
    }
    let used = used.borrow();
    let mut unused: Vec<_> = exp.keys().filter(|k| !used.contains(*k)).collect();
    unused.sort();
    assert!(unused.is_empty(), "rows of expected.csv no comparison read: {unused:?}");
}

#[test]
fn small_cells_carry_no_numbers_in_json() {
    let source = std::fs::read_to_string(format!("{DIR}/poll.yaml"))
        .unwrap()
        .replace("min_cell: 1", "min_cell: 250");
    let def = parse_definition(&source, "poll.yaml").unwrap();
    let data = answers();
    let s = summarize(
        &SummaryInput {
            definition: &def,
            population: None,
            answers: &data,
            language: "ru",
        },
        &ReportOptions::default(),
    )
    .unwrap();
    let json = serde_json::to_value(&s).unwrap();
    let q = json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "mode")
        .unwrap();
    assert_eq!(q["suppressed"], false, "the whole question has 560+ answers");
    let by_sex = &q["breakdowns"][0]["categories"];
    let men = by_sex.as_array().unwrap().iter().find(|c| c["code"] == "m").unwrap();
    assert_eq!(men["suppressed"], true, "about 200 men answered: below 250");
    assert!(men["base_n"].is_null());
    for o in men["options"].as_array().unwrap() {
        assert_eq!(o["suppressed"], true);
        for field in ["n", "share", "se", "ci_low", "ci_high"] {
            assert!(o[field].is_null(), "suppressed cell leaks {field}: {o}");
        }
    }
}

#[test]
fn no_responses_gives_an_empty_but_valid_summary() {
    let source = std::fs::read_to_string(format!("{DIR}/poll.yaml")).unwrap();
    let def = parse_definition(&source, "poll.yaml").unwrap();
    let s = summarize(
        &SummaryInput {
            definition: &def,
            population: None,
            answers: &[],
            language: "en",
        },
        &ReportOptions::default(),
    )
    .unwrap();
    assert_eq!(s.n, 0);
    assert!(s.questions.iter().all(|q| q.estimates.suppressed));
    serde_json::to_string(&s).unwrap();
}

#[test]
fn weighting_failure_is_reported_not_hidden() {
    // A target category (district d3) nobody in the sample has: weighting cannot work; the summary says so.
    let source = std::fs::read_to_string(format!("{DIR}/poll.yaml")).unwrap();
    let def = parse_definition(&source, "poll.yaml").unwrap();
    let data: Vec<Answers> = answers()
        .into_iter()
        .filter(|a| a.get("district").and_then(Answer::code) != Some("d3"))
        .collect();
    let s = summarize(
        &SummaryInput {
            definition: &def,
            population: None,
            answers: &data,
            language: "en",
        },
        &ReportOptions::default(),
    )
    .unwrap();
    assert!(!s.weighted);
    let err = s.weighting_error.expect("error explained");
    assert!(err.contains("d3"), "{err}");
}

/// The sex question broken down by sex: no categories, no F, "not testable" with the reason in the JSON
/// and in the CLI text.
#[test]
fn a_question_by_itself_is_not_testable_in_json_and_text() {
    let source = std::fs::read_to_string(format!("{DIR}/poll.yaml")).unwrap();
    let def = parse_definition(&source, "poll.yaml").unwrap();
    let data = answers();
    let s = summarize(
        &SummaryInput {
            definition: &def,
            population: None,
            answers: &data,
            language: "en",
        },
        &ReportOptions {
            by: Some(vec!["sex".to_owned()]),
            all_questions: true,
            ..ReportOptions::default()
        },
    )
    .unwrap();
    let by_sex = &question(&s.questions, "sex").breakdowns[0];
    assert_eq!(by_sex.not_testable, Some(opros::stats::NotTestable::SameVariable));
    assert!(by_sex.test.is_none() && by_sex.categories.is_empty());
    let json = serde_json::to_value(by_sex).unwrap();
    assert_eq!(json["not_testable"], "same_variable");
    assert!(json["test"].is_null());
    let text = opros::report::render_text(&s);
    assert!(text.contains("by sex: not testable (same_variable)"), "{text}");
    // Another question by sex keeps its test.
    assert!(question(&s.questions, "satisfaction").breakdowns[0].test.is_some());
}
