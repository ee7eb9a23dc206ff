//! The README's examples stay true: its definition example imports, its weighting scheme parses.

use opros::catalog;

fn yaml_block_after(heading: &str) -> String {
    let readme = include_str!("../../README.md");
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no '{heading}'"));
    let body = &readme[start..];
    let open = body.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let close = body[open..].find("```").expect("closed block") + open;
    body[open..close].to_owned()
}

#[test]
fn readme_definition_example_is_valid() {
    let text = yaml_block_after("## Survey definitions");
    let surveys = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys");
    let p = catalog::prepare_source(&text, "README.md", Some(&surveys), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(p.population.is_some());
}

#[test]
fn readme_weighting_scheme_parses() {
    let text = yaml_block_after("## Weighting scheme");
    let scheme: opros::weighting::Scheme = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scheme.variables, ["sex", "age_group", "district"]);
    assert_eq!(scheme.bounds, Some((0.3, 3.0)));
}
