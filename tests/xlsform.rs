//! XLSForm import: converted forms against hand-written YAML twins, the translation of `relevant` and
//! `constraint`, the message of each unsupported construct, and unreadable input.
//!
//! The workbooks are built at test time from the `.txt` sources in tests/fixtures/xlsform/ (see
//! generate.rs there); the committed `.xlsx` files are checked to match them.

#[path = "fixtures/xlsform/generate.rs"]
mod generate;

use std::path::PathBuf;

use opros::definition::{parse_definition, Answer, Answers, Definition};
use opros::xlsform::{convert, ConvertOptions, Converted, Unsupported, XlsFormError};

const STRICT: ConvertOptions = ConvertOptions { lenient: false };
const LENIENT: ConvertOptions = ConvertOptions { lenient: true };

/// The fixtures folder, found from this file's path (which works in the real crate and in a scratch
/// crate that points at this file).
fn fixtures() -> PathBuf {
    let here = PathBuf::from(file!());
    here.parent()
        .map(|p| p.join("fixtures/xlsform"))
        .unwrap_or_default()
}

fn twin(yaml: &str, name: &str) -> Definition {
    parse_definition(yaml, name).unwrap_or_else(|e| panic!("the twin {name} is invalid:\n{e}"))
}

fn strict(source: &str, file: &str) -> Converted {
    convert(&generate::xlsx(source), file, &STRICT)
        .unwrap_or_else(|e| panic!("{file} should convert:\n{e}"))
}

fn lines(items: &[Unsupported]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Twins

#[test]
fn every_mapped_type_converts_to_its_yaml_twin() {
    let converted = strict(include_str!("fixtures/xlsform/types.txt"), "types.xlsx");
    let expected = twin(include_str!("fixtures/xlsform/types.yaml"), "types.yaml");
    assert!(converted.unsupported.is_empty());
    assert_eq!(
        converted.definition, expected,
        "converted YAML:\n{}",
        converted.yaml
    );
    // The YAML handed to the user parses to the same definition (it is what `survey convert` prints).
    assert_eq!(twin(&converted.yaml, "converted.yaml"), expected);
}
