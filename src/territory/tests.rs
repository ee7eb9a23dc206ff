use super::*;

#[test]
fn the_illustrative_region_parses_with_twenty_districts_on_distinct_tiles() {
    let t = parse_territories(EXAMPLE, "example-region.yaml").expect("the example is valid");
    assert_eq!(t.districts.len(), 20);
    assert_eq!(t.index("d5"), Some(4));
    assert_eq!(t.covariates.len(), 3);
    let names = vec!["urban_share".to_owned()];
    assert_eq!(t.covariate_row(0, &names), vec![0.98]);
    assert_eq!(t.grid_size(), (4, 6));
}

const BAD: &str = "name: r
title: {ru: \"Р\"}
covariates:
  urban: {ru: \"Город\"}
districts:
  - code: a
    name: {ru: \"А\"}
    population: 100
    tile: [0, 0]
    covariates: {urban: 0.5}
  - code: b
    name: {ru: \"Б\"}
    population: -5
    tile: [0, 0]
    covariates: {rural: 0.5}
  - code: a
    name: {ru: \"А2\"}
    population: 10
    tile: [0, 1]
    covariates: {urban: 0.2}
";

#[test]
fn every_problem_is_listed_with_its_line() {
    let e = parse_territories(BAD, "t.yaml").expect_err("the file has mistakes");
    let lines: Vec<String> = e.problems().iter().map(ToString::to_string).collect();
    assert!(
        e.mentions("t.yaml:11: district 'b': population must be a positive number"),
        "{lines:?}"
    );
    assert!(
        e.mentions("t.yaml:11: district 'b': tile [0, 0] is already taken by district 'a'"),
        "{lines:?}"
    );
    assert!(
        e.mentions("t.yaml:11: district 'b' does not give covariate 'urban'"),
        "{lines:?}"
    );
    assert!(
        e.mentions("t.yaml:11: district 'b': covariate 'rural' is not declared"),
        "{lines:?}"
    );
    assert!(e.mentions("t.yaml:16: district code 'a' is used twice"), "{lines:?}");
    assert_eq!(e.len(), 5, "{lines:?}");
}

#[test]
fn a_yaml_error_gives_its_line() {
    let e = parse_territories(
        "name: r\ntitle: {ru: x}\ndistricts:\n  - code: a\n    tile: [0, zero]\n",
        "t.yaml",
    )
    .expect_err("bad yaml");
    assert!(e.problems()[0].line.is_some(), "{e}");
}
