//! The definition parser: any text as a survey YAML file. Must return a definition or a list of problems,
//! never panic or hang; whatever parses must survive the JSON round trip it is stored through
//! (`survey_versions.definition`) unchanged, and every page must accept an empty submission.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opros::definition::{parse_definition, Answers, Definition};
use opros::form::{parse_page, Fields};

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(def) = parse_definition(source, "fuzz.yaml") else {
        return;
    };
    let json = serde_json::to_string(&def).expect("a parsed definition serializes");
    let back: Definition = serde_json::from_str(&json).expect("the stored JSON reads back");
    assert_eq!(back, def, "JSON round trip changed the definition");
    for page in 0..def.pages.len() {
        let _ = parse_page(&def, page, &Answers::default(), &Fields::default());
    }
});
