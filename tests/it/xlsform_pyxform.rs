//! XLSForm import of the example forms of pyxform's own test suite (tests/fixtures/pyxform, BSD-licensed,
//! credited in its README.md): forms as people wrote them, with the legacy spellings pyxform still accepts.
//!
//! Per form: whether it converts with `--lenient`, which survey rows became questions, and which parts
//! were left out and why (an insta snapshot per form, reviewed by hand). Across forms: no part is left out
//! because of a spelling pyxform accepts. Twins: the forms that use other spellings convert to the
//! hand-written YAML in tests/fixtures/pyxform/twins/, and so does tests/fixtures/xlsform/aliases.txt,
//! which gathers the spellings the example forms do not use.

use std::path::PathBuf;

use opros::definition::{parse_definition, Definition};

use crate::xlsform::generate;
use opros::xlsform::{convert, ConvertOptions, Converted, XlsFormError};

const STRICT: ConvertOptions = ConvertOptions { lenient: false };
const LENIENT: ConvertOptions = ConvertOptions { lenient: true };

/// The 24 forms, as pyxform names them (`bad_calc.xlsx` is in both of its folders with the same bytes; it
/// is kept once).
const FORMS: [&str; 24] = [
    "bug_example_xls/ODKValidateWarnings.xlsx",
    "bug_example_xls/UCL_Biomass_Plot_Form.xlsx",
    "bug_example_xls/duplicate_columns.xlsx",
    "bug_example_xls/xl_date_ambiguous.xlsx",
    "bug_example_xls/xl_date_ambiguous_v1.xlsx",
    "example_xls/attribute_columns_test.xlsx",
    "example_xls/bad_calc.xlsx",
    "example_xls/case_insensitivity.xlsx",
    "example_xls/choice_filter_test.xlsx",
    "example_xls/extra_columns.xlsx",
    "example_xls/extra_sheet_names.xlsx",
    "example_xls/field-list.xlsx",
    "example_xls/flat_xlsform_test.xlsx",
    "example_xls/group.xlsx",
    "example_xls/include.xlsx",
    "example_xls/include_json.xlsx",
    "example_xls/loop.xlsx",
    "example_xls/or_other.xlsx",
    "example_xls/pull_data.xlsx",
    "example_xls/specify_other.xlsx",
    "example_xls/survey_no_name.xlsx",
    "example_xls/text_and_integer.xlsx",
    "example_xls/xlsform_spec_test.xlsx",
    "example_xls/yes_or_no_question.xlsx",
];

/// The three forms with no question Opros can represent, and the start of the reason given.
const NOTHING_TO_IMPORT: [(&str, &str); 3] = [
    // Its only row is a calculation that is not an expression at all.
    (
        "example_xls/bad_calc.xlsx",
        "example_xls/bad_calc.xlsx: the survey sheet has no question that Opros can import",
    ),
    // Its only row includes another form's file.
    (
        "example_xls/include_json.xlsx",
        "example_xls/include_json.xlsx: the survey sheet has no question that Opros can import",
    ),
    // Its one sheet is called Sheet1.
    (
        "example_xls/survey_no_name.xlsx",
        "example_xls/survey_no_name.xlsx: there is no sheet named 'survey' (the sheets are: Sheet1)",
    ),
];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pyxform")
}

fn read(form: &str) -> Vec<u8> {
    std::fs::read(dir().join(form)).unwrap_or_else(|e| panic!("{form}: {e}"))
}

fn lenient(form: &str) -> Result<Converted, XlsFormError> {
    convert(&read(form), form, &LENIENT)
}

fn twin(yaml: &str, name: &str) -> Definition {
    parse_definition(yaml, name).unwrap_or_else(|e| panic!("the twin {name} is invalid:\n{e}"))
}

/// What a conversion gave, for a snapshot: each page with its questions and their survey rows, the
/// derived variables, and what was left out (row, column, what and why).
fn outline(form: &str, result: &Result<Converted, XlsFormError>) -> String {
    let converted = match result {
        Ok(c) => c,
        Err(e) => return format!("not converted: {e}\n"),
    };
    let mut out = String::new();
    let yaml = &converted.yaml;
    for page in &converted.definition.pages {
        out.push_str(&format!("page {}:\n", page.id));
        for q in &page.questions {
            out.push_str(&format!("  {} ({}) {}\n", q.id, q.kind.name(), row_of(yaml, &q.id)));
        }
    }
    for d in &converted.definition.derived {
        out.push_str(&format!("derived {}\n", d.id));
    }
    out.push_str("left out:\n");
    for item in &converted.unsupported {
        let line = item.to_string();
        out.push_str(&format!(
            "  {}\n",
            line.strip_prefix(&format!("{form}: ")).unwrap_or(&line)
        ));
    }
    out
}

/// The survey row of a question, from the `# row N` comment the importer writes after its id.
fn row_of(yaml: &str, id: &str) -> String {
    let plain = format!("- id: {id}  # ");
    let quoted = format!("- id: \"{id}\"  # ");
    yaml.lines()
        .map(str::trim_start)
        .find_map(|l| l.strip_prefix(&plain).or_else(|| l.strip_prefix(&quoted)))
        .unwrap_or("(no row)")
        .to_owned()
}

// ---------------------------------------------------------------------------------------------------------
// Every form

#[test]
fn twenty_one_of_the_24_forms_convert_leniently() {
    let mut converted = Vec::new();
    for form in FORMS {
        match lenient(form) {
            Ok(c) => {
                assert!(!c.definition.pages.is_empty(), "{form} converted to no page");
                converted.push(form);
            }
            Err(e) => {
                let expected = NOTHING_TO_IMPORT
                    .iter()
                    .find(|(f, _)| *f == form)
                    .unwrap_or_else(|| panic!("{form} should convert leniently:\n{e}"));
                assert!(e.to_string().starts_with(expected.1), "{form}: {e}");
            }
        }
    }
    assert_eq!(converted.len(), 21, "{converted:?}");
}

/// Messages that would mean a spelling was not understood: an unknown column or type, a language column
/// read as no language, a select read with a list called `from`.
#[test]
fn nothing_is_left_out_for_a_spelling_pyxform_accepts() {
    // The reasons given for an unknown column, an unknown type, an unknown language, words after a list
    // name and a missing list.
    let spelling_problems = [
        "Opros does not know this column",
        "it is not an XLSForm question type that Opros knows",
        "write its two-letter code",
        "only or_other may follow the list name",
        "the choices sheet has no list_name",
    ];
    for form in FORMS {
        let Ok(c) = lenient(form) else { continue };
        for item in &c.unsupported {
            let line = item.to_string();
            for p in spelling_problems {
                assert!(!item.why.contains(p), "{line}");
            }
            // A question without a label is one whose only text is a picture (left out as media).
            if item.what.contains("has no label") {
                let media = c
                    .unsupported
                    .iter()
                    .any(|m| m.sheet == item.sheet && m.row == item.row && m.why.contains("images, audio and video"));
                assert!(media, "{line}");
            }
        }
    }
}

/// The strict mode converts the forms that hold only what Opros represents, and lists every problem of
/// the others.
#[test]
fn strict_mode_converts_the_clean_forms_and_lists_the_rest() {
    let clean = [
        "example_xls/extra_columns.xlsx",
        "example_xls/extra_sheet_names.xlsx",
        "example_xls/field-list.xlsx",
        "example_xls/text_and_integer.xlsx",
        "example_xls/yes_or_no_question.xlsx",
        "example_xls/specify_other.xlsx",
    ];
    for form in FORMS {
        let strict = convert(&read(form), form, &STRICT);
        if clean.contains(&form) {
            let c = strict.unwrap_or_else(|e| panic!("{form} should convert strictly:\n{e}"));
            assert!(c.unsupported.is_empty());
        } else if let Ok(lenient) = lenient(form) {
            match strict {
                Err(XlsFormError::Unsupported(items)) => assert_eq!(items, lenient.unsupported, "{form}"),
                other => panic!("{form}: strict conversion should list what lenient leaves out, got {other:?}"),
            }
        }
    }
}

#[test]
fn each_form_keeps_and_leaves_out_what_it_should() {
    for form in FORMS {
        let name = form.replace(['/', '.', '-'], "_");
        insta::assert_snapshot!(format!("pyxform_{name}"), outline(form, &lenient(form)));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Twins

fn assert_twin(form: &str, yaml: &str) {
    let converted = lenient(form).unwrap_or_else(|e| panic!("{form} should convert leniently:\n{e}"));
    let expected = twin(yaml, form);
    assert_eq!(converted.definition, expected, "converted YAML:\n{}", converted.yaml);
}

#[test]
fn one_colon_language_columns_convert_to_their_twins() {
    assert_twin(
        "example_xls/text_and_integer.xlsx",
        include_str!("../fixtures/pyxform/twins/text_and_integer.yaml"),
    );
    assert_twin(
        "example_xls/group.xlsx",
        include_str!("../fixtures/pyxform/twins/group.yaml"),
    );
    assert_twin(
        "example_xls/include.xlsx",
        include_str!("../fixtures/pyxform/twins/include.yaml"),
    );
    assert_twin(
        "bug_example_xls/ODKValidateWarnings.xlsx",
        include_str!("../fixtures/pyxform/twins/ODKValidateWarnings.yaml"),
    );
}

#[test]
fn legacy_select_spellings_convert_to_their_twins() {
    assert_twin(
        "example_xls/yes_or_no_question.xlsx",
        include_str!("../fixtures/pyxform/twins/yes_or_no_question.yaml"),
    );
    assert_twin(
        "example_xls/specify_other.xlsx",
        include_str!("../fixtures/pyxform/twins/specify_other.yaml"),
    );
    assert_twin(
        "example_xls/loop.xlsx",
        include_str!("../fixtures/pyxform/twins/loop.yaml"),
    );
}

/// The spellings the example forms do not use: legacy types, column and settings aliases, one-colon
/// language columns named in Russian and English without a code.
#[test]
fn every_other_spelling_converts_to_its_twin() {
    let bytes = generate::xlsx(include_str!("../fixtures/xlsform/aliases.txt"));
    let converted =
        convert(&bytes, "aliases.xlsx", &STRICT).unwrap_or_else(|e| panic!("aliases.xlsx should convert:\n{e}"));
    let expected = twin(include_str!("../fixtures/xlsform/aliases.yaml"), "aliases.yaml");
    assert_eq!(converted.definition, expected, "converted YAML:\n{}", converted.yaml);
}

/// Refusals name the type as written when it is another spelling of one Opros cannot represent.
#[test]
fn a_refused_legacy_type_is_named_as_written() {
    let c = lenient("example_xls/group.xlsx").unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<String> = c.unsupported.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "example_xls/group.xlsx: sheet survey, row 4, column type: 'phone number' (phonenumber) is not supported \
          (Opros does not collect device or personal identifiers)"
        ]
    );
}

/// With `allow_choice_duplicates` a list may repeat a name (choice_filter_test.xlsx splits its counties by
/// state, and `king` is in both); one question offering the same code twice is still reported.
#[test]
fn allowed_choice_duplicates_must_still_differ_within_a_question() {
    let source = "[survey]\ntype | name | label\nselect_one c | q | Q\n\
                  [choices]\nlist_name | name | label\nc | a | A\nc | a | A again\nc | b | B\n\
                  [settings]\nallow_choice_duplicates\nyes\n";
    let bytes = generate::xlsx(source);
    let Err(XlsFormError::Unsupported(items)) = convert(&bytes, "dup.xlsx", &STRICT) else {
        panic!("a question offering a code twice should be refused")
    };
    let lines: Vec<String> = items.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "dup.xlsx: sheet survey, row 2, column type: the choice 'a' is offered twice in the list 'c' \
          (allow_choice_duplicates lets a list repeat a name, but one question needs distinct codes; the first \
          is kept)"
        ]
    );
    let c = convert(&bytes, "dup.xlsx", &LENIENT).unwrap_or_else(|e| panic!("{e}"));
    let expected = twin(
        "slug: dup\ntitle: {en: dup}\ntopic: other\nlanguages: [en]\npages:\n  - id: page1\n    questions:\n      \
         - id: q\n        type: single_choice\n        text: {en: Q}\n        options:\n          \
         - {code: a, label: {en: A}}\n          - {code: b, label: {en: B}}\n",
        "dup.yaml",
    );
    assert_eq!(c.definition, expected, "{}", c.yaml);

    // Split by an earlier answer, each part offers each code once: nothing is left out.
    let c = lenient("example_xls/choice_filter_test.xlsx").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        c.unsupported.iter().all(|u| !u.what.contains("twice")),
        "{:?}",
        c.unsupported
    );
}
