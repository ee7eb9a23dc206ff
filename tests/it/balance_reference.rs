//! The balance of opinions (% top − % bottom) of a scale, overall and by breakdown, and a design-based
//! regression, on the calibrated (raked) poll of `tests/reference/report`, against R `survey`
//! (`tests/reference/balance/make_reference.R`): the balance as a mean of +1/−1/0 and as a contrast of the
//! shares (`svycontrast`, covariances included) agree, and ours matches both (estimates 1e-9 relative,
//! SEs 1e-6); the model's coefficients to 1e-8, SEs to 1e-6.

use std::collections::HashMap;

use opros::definition::{parse_definition, Answer, Answers};
use opros::report::model::{fit, ModelSpec};
use opros::report::{summarize, ReportOptions, SummaryInput};
use opros::stats::Family;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference");

fn expected() -> HashMap<(String, String), f64> {
    let mut r = csv::Reader::from_path(format!("{DIR}/balance/expected.csv")).expect("expected.csv");
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            ((rec[0].to_owned(), rec[1].to_owned()), rec[2].parse().expect("number"))
        })
        .collect()
}

fn answers() -> Vec<Answers> {
    let mut r = csv::Reader::from_path(format!("{DIR}/report/poll.csv")).expect("poll.csv");
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.expect("row");
        let mut a = Answers::new();
        let mut put = |id: &str, v: &str, f: &dyn Fn(&str) -> Answer| {
            if !v.is_empty() {
                a.insert(id.to_owned(), f(v));
            }
        };
        put("sex", &rec[1], &|v| Answer::choice(v));
        put("age", &rec[2], &|v| Answer::Number(v.parse().expect("age")));
        put("district", &rec[3], &|v| Answer::choice(v));
        put("mode", &rec[4], &|v| Answer::choice(v));
        put("satisfaction", &rec[5], &|v| Answer::Scale(v.to_owned()));
        put("minutes", &rec[6], &|v| Answer::Number(v.parse().expect("minutes")));
        out.push(a);
    }
    out
}

fn close(got: Option<f64>, want: f64, rel: f64, what: &str) {
    let got = got.unwrap_or_else(|| panic!("{what}: no value"));
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got}, R says {want}"
    );
}

#[test]
fn balance_and_model_on_a_calibrated_poll_match_r_survey() {
    let source = std::fs::read_to_string(format!("{DIR}/balance/poll.yaml")).expect("poll.yaml");
    let def = parse_definition(&source, "poll.yaml").expect("definition");
    let data = answers();
    let exp = expected();
    let get = |what: &str, key: &str| exp[&(what.to_owned(), key.to_owned())];
    let input = SummaryInput {
        definition: &def,
        population: None,
        answers: &data[..],
        language: "en",
    };
    let s = summarize(
        &input,
        &ReportOptions {
            all_questions: true,
            ..ReportOptions::default()
        },
    )
    .expect("summary");
    assert!(s.weighting.as_ref().is_some_and(|w| w.converged));
    let q = s
        .questions
        .iter()
        .find(|q| q.id == "satisfaction")
        .expect("satisfaction");
    let b = q.balance.as_ref().expect("balance");
    assert_eq!(b.top, ["4", "5"]);
    // R's two routes agree; ours matches them.
    close(
        Some(get("contrast", "all")),
        get("balance", "all"),
        1e-12,
        "R mean vs contrast",
    );
    close(
        Some(get("contrast_se", "all")),
        get("balance_se", "all"),
        1e-9,
        "R mean vs contrast SE",
    );
    close(b.estimates.mean, get("balance", "all"), 1e-9, "balance");
    close(b.estimates.se, get("balance_se", "all"), 1e-6, "balance se");
    // The balance is the difference of the published top and bottom shares.
    let share = |code: &str| {
        q.estimates
            .options
            .iter()
            .find(|o| o.code == code)
            .and_then(|o| o.share)
            .unwrap_or(0.0)
    };
    let diff = share("4") + share("5") - share("1") - share("2");
    close(b.estimates.mean, diff, 1e-12, "balance = shares top − bottom");
    let by_sex = b.breakdowns.iter().find(|x| x.variable == "sex").expect("by sex");
    for code in ["m", "f"] {
        let c = by_sex.categories.iter().find(|c| c.code == code).expect("category");
        close(c.estimates.mean, get("balance", code), 1e-9, &format!("balance {code}"));
        close(
            c.estimates.se,
            get("balance_se", code),
            1e-6,
            &format!("balance se {code}"),
        );
    }

    let m = fit(
        &input,
        &ModelSpec {
            y: "minutes".into(),
            x: vec!["sex".into(), "age".into()],
            family: Family::Linear,
            filter: Vec::new(),
            weighted: true,
        },
    )
    .expect("model");
    assert_eq!(m.df, get("df", ""));
    for (ours, r) in [("(Intercept)", "(Intercept)"), ("sex=f", "sexf"), ("age", "age")] {
        let t = m
            .terms
            .iter()
            .find(|t| t.name == ours)
            .unwrap_or_else(|| panic!("term {ours}"));
        close(Some(t.coefficient.estimate), get("estimate", r), 1e-8, ours);
        close(Some(t.coefficient.se), get("se", r), 1e-6, ours);
    }
}

#[test]
fn a_balance_must_name_points_of_the_scale() {
    let source = std::fs::read_to_string(format!("{DIR}/balance/poll.yaml")).expect("poll.yaml");
    let bad = source.replace(
        "balance: {top: [4, 5], bottom: [1, 2]}",
        "balance: {top: [4, 9], bottom: [4]}",
    );
    let err = parse_definition(&bad, "poll.yaml").expect_err("refused").to_string();
    assert!(err.contains("balance point '9' is not a point of the scale"), "{err}");
    assert!(err.contains("balance point '4' is listed twice"), "{err}");
}
