use std::collections::HashSet;

use super::*;
use crate::territory::{parse_territories, EXAMPLE as REGION};

fn region() -> Territories {
    parse_territories(REGION, "example-region.yaml").expect("valid example")
}

#[test]
fn the_example_indicators_parse_against_the_example_region() {
    let tracks: HashSet<String> = ["life_satisfaction_region".to_owned()].into();
    let f = parse_indicators(EXAMPLE, "indicators.yaml", &region(), Some(&tracks)).expect("valid example");
    assert_eq!(f.indicators.len(), 3);
    assert_eq!(f.district_variable, "district");
    let share = f.get("life_dissatisfied").expect("defined");
    assert_eq!(
        share.statistic,
        Statistic::Share {
            codes: vec!["1".into(), "2".into()]
        }
    );
    assert_eq!(share.worse, Worse::Higher);
    assert_eq!(f.get("life_balance").map(|i| i.covariates.len()), Some(0));
}

const BAD: &str = "district_map:
  centre: d1
  outskirts: d99
indicators:
  - id: a
    title: {ru: \"А\"}
    track: nobody_asks
    statistic: share
    codes: [\"1\"]
    worse: higher
    watch: 0.5
    alert: 0.4
  - id: b
    title: {ru: \"Б\"}
    track: life_satisfaction_region
    statistic: mean
    worse: lower
    watch: 3.0
    alert: 3.5
    covariates: [altitude]
  - id: a
    title: {ru: \"А2\"}
    track: life_satisfaction_region
    statistic: balance
    positive: [\"5\"]
    negative: []
    worse: lower
";

#[test]
fn every_problem_is_listed_with_file_and_line() {
    let tracks: HashSet<String> = ["life_satisfaction_region".to_owned()].into();
    let e = parse_indicators(BAD, "ind.yaml", &region(), Some(&tracks)).expect_err("mistakes");
    let all: Vec<String> = e.problems().iter().map(ToString::to_string).collect();
    assert!(
        e.mentions("ind.yaml:3: district_map: 'outskirts' → 'd99': unknown district 'd99'"),
        "{all:?}"
    );
    assert!(
        e.mentions("ind.yaml:5: indicator 'a': no survey asks the tracked question 'nobody_asks'"),
        "{all:?}"
    );
    assert!(
        e.mentions("ind.yaml:5: indicator 'a': thresholds in the wrong order"),
        "{all:?}"
    );
    assert!(
        e.mentions("ind.yaml:13: indicator 'b': thresholds in the wrong order"),
        "{all:?}"
    );
    assert!(
        e.mentions("ind.yaml:13: indicator 'b': covariate 'altitude' is not declared"),
        "{all:?}"
    );
    assert!(
        e.mentions("ind.yaml:21: indicator 'a': the id is used twice"),
        "{all:?}"
    );
    assert!(
        e.mentions("ind.yaml:21: indicator 'a': a balance needs `positive` and `negative` codes"),
        "{all:?}"
    );
    assert_eq!(e.len(), 7, "{all:?}");
}

#[test]
fn without_known_tracks_the_tracked_question_is_not_checked() {
    let text = BAD
        .replace("alert: 0.4", "alert: 0.6")
        .replace("alert: 3.5", "alert: 2.5");
    let e = parse_indicators(&text, "ind.yaml", &region(), None).expect_err("other mistakes remain");
    assert!(!e.mentions("no survey asks"), "{e}");
    assert!(!e.mentions("wrong order"), "{e}");
}
