//! XLSForm import: converted forms against hand-written YAML twins, the translation of `relevant` and
//! `constraint`, the message of each unsupported construct, and unreadable input.
//!
//! The workbooks are built at test time from the `.txt` sources in tests/fixtures/xlsform/ (see
//! generate.rs there); the committed `.xlsx` files are checked to match them.

#[path = "../fixtures/xlsform/generate.rs"]
pub(crate) mod generate;

use std::path::PathBuf;

use opros::definition::{parse_definition, Answer, Answers, Definition};
use opros::xlsform::{convert, ConvertOptions, Converted, Unsupported, XlsFormError};

const STRICT: ConvertOptions = ConvertOptions { lenient: false };
const LENIENT: ConvertOptions = ConvertOptions { lenient: true };

/// The fixtures folder, found from this file's path (which works in the real crate and in a scratch
/// crate that points at this file).
fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlsform")
}

fn twin(yaml: &str, name: &str) -> Definition {
    parse_definition(yaml, name).unwrap_or_else(|e| panic!("the twin {name} is invalid:\n{e}"))
}

fn strict(source: &str, file: &str) -> Converted {
    convert(&generate::xlsx(source), file, &STRICT).unwrap_or_else(|e| panic!("{file} should convert:\n{e}"))
}

fn lines(items: &[Unsupported]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Twins

#[test]
fn every_mapped_type_converts_to_its_yaml_twin() {
    let converted = strict(include_str!("../fixtures/xlsform/types.txt"), "types.xlsx");
    let expected = twin(include_str!("../fixtures/xlsform/types.yaml"), "types.yaml");
    assert!(converted.unsupported.is_empty());
    assert_eq!(converted.definition, expected, "converted YAML:\n{}", converted.yaml);
    // The YAML handed to the user parses to the same definition (it is what `survey convert` prints).
    assert_eq!(twin(&converted.yaml, "converted.yaml"), expected);
}

/// A workbook laid out as KoBoToolbox exports it, written by another program (openpyxl: inline strings,
/// boolean cells, `$kuid` columns, metadata rows).
#[test]
fn a_kobotoolbox_export_converts_to_its_yaml_twin() {
    let bytes = std::fs::read(fixtures().join("kobo_export.xlsx")).unwrap_or_else(|e| panic!("kobo_export.xlsx: {e}"));
    let converted = convert(&bytes, "kobo_export.xlsx", &STRICT)
        .unwrap_or_else(|e| panic!("kobo_export.xlsx should convert:\n{e}"));
    let expected = twin(include_str!("../fixtures/xlsform/kobo_export.yaml"), "kobo_export.yaml");
    assert_eq!(converted.definition, expected, "converted YAML:\n{}", converted.yaml);
}

#[test]
fn strict_mode_fails_listing_every_unsupported_construct() {
    let bytes = generate::xlsx(include_str!("../fixtures/xlsform/unsupported.txt"));
    let Err(XlsFormError::Unsupported(items)) = convert(&bytes, "unsupported.xlsx", &STRICT) else {
        panic!("strict conversion should fail with the list of unsupported rows")
    };
    assert_eq!(lines(&items), expected_unsupported());
    // The error message lists them all, one per line.
    let message = XlsFormError::Unsupported(items).to_string();
    assert!(
        message.starts_with("34 parts of the form cannot be converted"),
        "{message}"
    );
    for line in expected_unsupported() {
        assert!(message.contains(&format!("\n  {line}")), "{line}");
    }
}

#[test]
fn lenient_mode_imports_the_rest_and_lists_what_it_left_out() {
    let bytes = generate::xlsx(include_str!("../fixtures/xlsform/unsupported.txt"));
    let converted = convert(&bytes, "unsupported.xlsx", &LENIENT)
        .unwrap_or_else(|e| panic!("lenient conversion should succeed:\n{e}"));
    assert_eq!(lines(&converted.unsupported), expected_unsupported());
    // The YAML lists them too, as comments for whoever edits it.
    for line in expected_unsupported() {
        assert!(converted.yaml.contains(&format!("\n#   {line}\n")), "{line}");
    }
    let expected = twin(
        include_str!("../fixtures/xlsform/unsupported_lenient.yaml"),
        "unsupported_lenient.yaml",
    );
    assert_eq!(converted.definition, expected, "converted YAML:\n{}", converted.yaml);
}

/// One line per unsupported construct of unsupported.txt, in sheet order (settings and header problems,
/// then the choices sheet, then the survey sheet row by row).
fn expected_unsupported() -> Vec<String> {
    [
        "sheet survey, row 1, column hint::Klingon: the language of 'hint::Klingon' is not known (write its two-letter code in parentheses, e.g. label::Russian (ru))",
        "sheet choices, row 4, column name: list 'yn' has the choice 'no' twice (also row 3) (each code of a question must be unique)",
        "sheet choices, row 7, column name: the choice has no name (the name is the code stored in the answers; every choice needs one)",
        "sheet choices, row 8, column image: the media file 'harbour.png' is not supported (images, audio and video in labels are not part of Opros)",
        "sheet survey, row 3, column type: 'geopoint' is not supported (location questions are not part of Opros)",
        "sheet survey, row 4, column type: 'image' is not supported (photos, recordings and file uploads are not part of Opros)",
        "sheet survey, row 5, column type: 'audio' is not supported (photos, recordings and file uploads are not part of Opros)",
        "sheet survey, row 6, column type: 'barcode' is not supported (Opros forms run in a browser and do not scan codes)",
        "sheet survey, row 7, column type: 'time' is not supported (Opros has date questions but no time of day)",
        "sheet survey, row 8, column type: 'deviceid' is not supported (Opros does not collect device or personal identifiers)",
        "sheet survey, row 9, column type: the repeat group 'members' is not supported (repeat groups (the same questions once per household member, visit, …) cannot be expressed in an Opros definition; its 2 rows are skipped)",
        "sheet survey, row 14, column constraint: '. > ${hh_size}' is not supported (Opros limits are fixed values; a limit that depends on another answer (${hh_size}) is not supported)",
        "sheet survey, row 15, column relevant: 'pulldata()' is not supported (it reads values from a CSV file attached to the form; Opros forms have no attached files)",
        "sheet survey, row 16, column relevant: 'once()' is not supported (it freezes a calculated value; Opros has no calculated answers)",
        "sheet survey, row 17, column relevant: 'jr:choice-name()' is not supported (it gives the label of an option; Opros conditions compare option codes)",
        "sheet survey, row 18, column calculation: '${age} * 2' is not supported (a calculation becomes a derived variable when it is if(condition, 'code', …) on one whole-number question (bins) or one select_one (groups))",
        "sheet survey, row 19, column relevant: ${zzz} is not a question of this form (check the name in the name column)",
        "sheet survey, row 20, column relevant: ${member_age} is inside a repeat group (row 11) (repeat groups are not imported)",
        "sheet survey, row 21, column appearance: the appearance 'month-year' is not supported (Opros asks for a full date; a month or a year alone is not part of Opros)",
        "sheet survey, row 22, column required: '${age} > 60' is not supported (Opros questions are required or not; a condition for requiring an answer is not part of Opros (use relevant to show the question only when it applies))",
        "sheet survey, row 23, column type: 'select_one_from_file' is not supported (the choices come from an attached file; put them in the choices sheet)",
        "sheet survey, row 24, column default: 'yes' in column 'default' is not supported (Opros questions start unanswered; a default answer is not part of Opros)",
        "sheet survey, row 25, column choice_filter: the choice filter 'starts-with(name, 'd')' is not supported (Opros options do not change with earlier answers; a filter on a fixed value (region = 'north') or on one earlier select_one (district = ${region}) can be converted)",
        "sheet survey, row 26, column constraint: '. > 0' is not supported (Opros limits include their bounds: write >= or <= (strict limits are converted for whole numbers only))",
        "sheet survey, row 27, column label: an answer inserted into the label (${…}) is not supported (Opros texts are fixed; the reference is shown as written)",
        "sheet survey, row 28, column parameters: the parameter 'step' is not supported (Opros numbers have a least and a greatest value but no step; step=0.5 is not enforced)",
        "sheet survey, row 29, column parameters: the parameter 'seed' is not supported (Opros shuffles options per respondent without a seed)",
        "sheet survey, row 30, column type: 'foo' is not supported (it is not an XLSForm question type that Opros knows)",
        "sheet survey, row 31, column name: the name 'full_name' is used twice (each question needs its own name (as an Opros id: 'full_name'))",
        "sheet survey, row 32, column type: the list 'nolist' does not exist (the choices sheet has no list_name 'nolist')",
        "sheet survey, row 33, column relevant: 'selected(${smoker}, 'maybe')' is not supported ('maybe' is not a choice of ${smoker} (choices: yes, no))",
        "sheet survey, row 34, column media::image: 'logo.png' in column 'media::image' is not supported (images, audio and video in labels are not part of Opros)",
        "sheet survey, row 35, column constraint: '. <= today()' is not supported (conditions and limits on the current date or time are not part of Opros)",
        "sheet survey, row 36, column constraint: 'regex(., '^.+@.+$')' is not supported (Opros has no pattern checks for texts)",
    ]
    .iter()
    .map(|l| format!("unsupported.xlsx: {l}"))
    .collect()
}

#[test]
fn unsupported_items_display_with_file_sheet_row_and_column() {
    let item = Unsupported {
        file: "survey.xlsx".into(),
        sheet: "survey".into(),
        row: 14,
        column: "type".into(),
        what: "'geopoint' is not supported".into(),
        why: "location questions are not part of Opros".into(),
    };
    assert_eq!(
        item.to_string(),
        "survey.xlsx: sheet survey, row 14, column type: 'geopoint' is not supported (location questions are not part of Opros)"
    );
}

// ---------------------------------------------------------------------------------------------------------
// relevant → show_if

/// A form with questions of every kind an expression may use, then `target` with `relevant`.
fn with_relevant(relevant: &str) -> Result<Converted, XlsFormError> {
    let relevant = relevant.replace('|', "\\|");
    let source = format!(
        "[survey]
type | name | label | relevant
select_one sex | sex | Sex
select_multiple modes | modes | Modes
integer | age | Age
integer | kids | Children
text | name | Name
date | visit | Visit
select_one rating | rating | Rating
note | info | A note
text | target | Target | {relevant}
[choices]
list_name | name | label
sex | m | Male
sex | f | Female
sex | x | Other
modes | a | Bus
modes | b | Tram
modes | c | Metro
rating | 1 | Bad
rating | 2 | Poor
rating | 3 | Fair
rating | 4 | Good
rating | 5 | Great
rating | dk | Hard to say
"
    );
    convert(&generate::xlsx(&source), "relevant.xlsx", &STRICT)
}

fn show_if(relevant: &str) -> String {
    let converted = with_relevant(relevant).unwrap_or_else(|e| panic!("{relevant}:\n{e}"));
    converted
        .definition
        .question("target")
        .and_then(|q| q.show_if.as_ref())
        .map(|c| c.source().to_owned())
        .unwrap_or_default()
}

#[test]
fn relevant_expressions_become_show_if_conditions() {
    let cases = [
        ("${sex} = 'm'", "sex == 'm'"),
        ("${sex}='m'", "sex == 'm'"),
        ("${sex} != 'm'", "not (sex == 'm')"),
        ("${age} >= 18 and ${age} < 65", "age >= 18 and age < 65"),
        ("${age} > '17'", "age > 17"),
        ("18 <= ${age}", "age >= 18"),
        ("${age} != 30", "not (age == 30)"),
        ("${age} = -1", "age == -1"),
        (
            "${sex} = 'f' or (${age} > 60 and selected(${modes}, 'a'))",
            "sex == 'f' or (age > 60 and selected(modes, 'a'))",
        ),
        (
            "(${sex} = 'f' or ${age} > 60) and ${kids} > 0",
            "(sex == 'f' or age > 60) and kids > 0",
        ),
        ("not(${sex} = 'm')", "not (sex == 'm')"),
        ("not(selected(${modes}, 'a'))", "not (selected(modes, 'a'))"),
        ("selected(${sex}, 'f')", "sex == 'f'"),
        ("selected(${modes}, 'b')", "selected(modes, 'b')"),
        ("count-selected(${modes}) > 1", "count(modes) > 1"),
        ("${modes} = 'a'", "selected(modes, 'a') and count(modes) == 1"),
        (
            "${modes} = 'a c'",
            "selected(modes, 'a') and selected(modes, 'c') and count(modes) == 2",
        ),
        ("${modes} != 'b'", "not (selected(modes, 'b') and count(modes) == 1)"),
        ("${modes} != ''", "answered(modes)"),
        ("${name} = ''", "not answered(name)"),
        ("string-length(${name}) > 0", "answered(name)"),
        ("string-length(${name}) = 0", "not answered(name)"),
        ("${name} = \"Ann\"", "name == 'Ann'"),
        ("${name} = \"O'Brien\"", "name == 'O\\'Brien'"),
        ("${visit} >= date('2024-01-01')", "visit >= '2024-01-01'"),
        ("${visit} < '2024-06-01'", "visit < '2024-06-01'"),
        ("${rating} > 3", "rating in ['4', '5']"),
        ("${rating} <= 1", "rating in ['1']"),
        ("${rating} = 2", "rating == '2'"),
        ("${kids} < ${age}", "kids < age"),
        ("${kids} != ${age}", "not (kids == age)"),
    ];
    for (xpath, expected) in cases {
        assert_eq!(show_if(xpath), expected, "relevant: {xpath}");
    }
}

/// The `what (why)` part of the single unsupported item of a conversion.
fn refusal(relevant: &str) -> String {
    match with_relevant(relevant) {
        Err(XlsFormError::Unsupported(items)) => {
            assert_eq!(items.len(), 1, "{relevant}: {items:?}");
            let item = &items[0];
            assert_eq!(
                (item.sheet.as_str(), item.row, item.column.as_str()),
                ("survey", 10, "relevant")
            );
            format!("{} ({})", item.what, item.why)
        }
        other => panic!("{relevant} should be refused, got {other:?}"),
    }
}

#[test]
fn relevant_expressions_outside_the_subset_are_refused_with_a_reason() {
    let cases = [
        (
            "${age} + 1 > 18",
            "'${age} + 1' is not supported (Opros conditions have no arithmetic",
        ),
        ("${sex}", "'${sex}' alone is not supported (compare it with a value"),
        ("${target} = 'x'", "${target} refers to the question itself"),
        ("${nope} = 'x'", "${nope} is not a question of this form"),
        ("${sex} = 'q'", "('q' is not a choice of ${sex} (choices: m, f, x))"),
        ("${age} = 'old'", "(it compares a number question with a text)"),
        (
            "${sex} > 'a'",
            "(an order comparison with a text is always false in XLSForm)",
        ),
        ("true()", "'true()' is not supported (a condition that is always true"),
        ("${modes} > 2", "(a select_multiple answer is a list"),
        ("${info} = 'x'", "(a note has no answer)"),
        ("${sex} = ", "'${sex} =' cannot be read (the expression ends too early)"),
        ("today() > date('2020-01-01')", "'today()' is not supported"),
        (
            "string-length(${name}) > 5",
            "Opros conditions cannot measure the length of a text",
        ),
        (
            "/data/age > 5",
            "'/data/age' is not supported (refer to questions as ${name}",
        ),
        ("1 = 1", "(it compares two fixed values"),
        (
            "${sex} = ${name}",
            "two questions only when both are numbers or both dates",
        ),
    ];
    for (xpath, expected) in cases {
        let got = refusal(xpath);
        assert!(got.contains(expected), "relevant {xpath}: got {got}");
    }
}

#[test]
fn the_other_specify_text_of_or_other_is_named_in_messages() {
    let source = "[survey]
type | name | label | relevant
select_one yn or_other | q | Q
text | t | T | ${q_other} = 'x'
[choices]
list_name | name | label
yn | yes | Yes
";
    let Err(XlsFormError::Unsupported(items)) = convert(&generate::xlsx(source), "o.xlsx", &STRICT) else {
        panic!("should fail")
    };
    assert_eq!(
        lines(&items),
        ["o.xlsx: sheet survey, row 3, column relevant: ${q_other} is the 'other, specify' text of ${q} (in Opros that text belongs to the question; conditions can test selected(${…}, 'other') but not the text)"]
    );
}

#[test]
fn a_reference_to_a_later_question_names_its_row() {
    let source = "[survey]
type | name | label | relevant
text | first | First | ${second} = 'x'
text | second | Second
";
    let Err(XlsFormError::Unsupported(items)) = convert(&generate::xlsx(source), "later.xlsx", &STRICT) else {
        panic!("should fail")
    };
    assert_eq!(
        lines(&items),
        ["later.xlsx: sheet survey, row 2, column relevant: ${second} comes later (row 3) (Opros conditions may only refer to earlier questions)"]
    );
}

// ---------------------------------------------------------------------------------------------------------
// Semantics: a converted relevant shows a question exactly when ODK would

mod semantics {
    use super::*;
    use proptest::prelude::*;

    /// An answer set for sex (select_one m/f/x), modes (select_multiple a/b/c), age, name.
    #[derive(Debug, Clone)]
    pub struct Resp {
        sex: Option<&'static str>,
        modes: Vec<&'static str>,
        age: Option<i32>,
        name: Option<&'static str>,
    }

    impl Resp {
        /// The value of `${q}` in XPath: the text ODK stores, `''` when unanswered.
        fn xpath_value(&self, q: &str) -> String {
            match q {
                "sex" => self.sex.unwrap_or("").to_owned(),
                "modes" => self.modes.join(" "),
                "age" => self.age.map(|a| a.to_string()).unwrap_or_default(),
                _ => self.name.unwrap_or("").to_owned(),
            }
        }

        fn answers(&self) -> Answers {
            let mut a = Answers::new();
            if let Some(s) = self.sex {
                a.insert("sex".into(), Answer::choice(s));
            }
            if !self.modes.is_empty() {
                a.insert("modes".into(), Answer::choices(&self.modes));
            }
            if let Some(x) = self.age {
                a.insert("age".into(), Answer::Number(f64::from(x)));
            }
            if let Some(n) = self.name {
                a.insert("name".into(), Answer::Text(n.to_owned()));
            }
            a
        }
    }

    /// A relevant expression with its own evaluation under XPath 1.0 rules (§3.4: a string compared with a
    /// number is converted with number(), '' giving NaN; `!=` with NaN is true, every order comparison with
    /// NaN false).
    #[derive(Debug, Clone)]
    pub enum X {
        StrEq(&'static str, &'static str, bool),
        NumCmp(&'static str, i32, bool),
        Selected(&'static str, &'static str),
        CountCmp(&'static str, i32),
        LenPositive(bool),
        Not(Box<X>),
        And(Box<X>, Box<X>),
        Or(Box<X>, Box<X>),
    }

    fn num(s: &str) -> f64 {
        s.trim().parse().unwrap_or(f64::NAN)
    }

    fn cmp(op: &str, a: f64, b: f64) -> bool {
        match op {
            "=" => a == b,
            "!=" => a != b,
            "<" => a < b,
            "<=" => a <= b,
            ">" => a > b,
            _ => a >= b,
        }
    }

    impl X {
        pub fn xpath(&self) -> String {
            match self {
                X::StrEq(q, v, eq) => format!("${{{q}}} {} '{v}'", if *eq { "=" } else { "!=" }),
                X::NumCmp(op, n, flipped) if *flipped => {
                    let op = match *op {
                        "<" => ">",
                        "<=" => ">=",
                        ">" => "<",
                        ">=" => "<=",
                        o => o,
                    };
                    format!("{n} {op} ${{age}}")
                }
                X::NumCmp(op, n, _) => format!("${{age}} {op} {n}"),
                X::Selected(q, c) => format!("selected(${{{q}}}, '{c}')"),
                X::CountCmp(op, n) => format!("count-selected(${{modes}}) {op} {n}"),
                X::LenPositive(true) => "string-length(${name}) > 0".into(),
                X::LenPositive(false) => "string-length(${name}) = 0".into(),
                X::Not(e) => format!("not({})", e.xpath()),
                X::And(a, b) => format!("({}) and ({})", a.xpath(), b.xpath()),
                X::Or(a, b) => format!("({}) or ({})", a.xpath(), b.xpath()),
            }
        }

        pub fn eval(&self, r: &Resp) -> bool {
            match self {
                X::StrEq(q, v, eq) => (r.xpath_value(q) == *v) == *eq,
                X::NumCmp(op, n, _) => cmp(op, num(&r.xpath_value("age")), f64::from(*n)),
                X::Selected(q, c) => r.xpath_value(q).split(' ').any(|x| x == *c),
                X::CountCmp(op, n) => {
                    let v = r.xpath_value("modes");
                    let count = v.split_whitespace().count() as f64;
                    cmp(op, count, f64::from(*n))
                }
                X::LenPositive(positive) => r.xpath_value("name").is_empty() != *positive,
                X::Not(e) => !e.eval(r),
                X::And(a, b) => a.eval(r) && b.eval(r),
                X::Or(a, b) => a.eval(r) || b.eval(r),
            }
        }
    }

    fn op() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="])
    }

    fn atom() -> impl Strategy<Value = X> {
        prop_oneof![
            (prop::sample::select(vec!["m", "f", "x", ""]), any::<bool>()).prop_map(|(v, eq)| X::StrEq("sex", v, eq)),
            (prop::sample::select(vec!["a", "b", "c", ""]), any::<bool>()).prop_map(|(v, eq)| X::StrEq("modes", v, eq)),
            (prop::sample::select(vec!["hi", ""]), any::<bool>()).prop_map(|(v, eq)| X::StrEq("name", v, eq)),
            (op(), 0..100i32, any::<bool>()).prop_map(|(o, n, f)| X::NumCmp(o, n, f)),
            prop::sample::select(vec!["a", "b", "c"]).prop_map(|c| X::Selected("modes", c)),
            prop::sample::select(vec!["m", "f"]).prop_map(|c| X::Selected("sex", c)),
            (op(), 0..4i32).prop_map(|(o, n)| X::CountCmp(o, n)),
            any::<bool>().prop_map(X::LenPositive),
        ]
    }

    fn expr() -> impl Strategy<Value = X> {
        atom().prop_recursive(3, 12, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| X::Not(Box::new(e))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| X::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| X::Or(Box::new(a), Box::new(b))),
            ]
        })
    }

    fn resp() -> impl Strategy<Value = Resp> {
        (
            prop::option::of(prop::sample::select(vec!["m", "f", "x"])),
            prop::sample::subsequence(vec!["a", "b", "c"], 0..=3),
            prop::option::of(0..100i32),
            prop::option::of(prop::sample::select(vec!["hi", "ho"])),
        )
            .prop_map(|(sex, modes, age, name)| Resp { sex, modes, age, name })
    }

    fn form(relevant: &str) -> Definition {
        let source = format!(
            "[survey]
type | name | label | relevant
select_one sex | sex | Sex
select_multiple modes | modes | Modes
integer | age | Age
text | name | Name
text | target | Target | {relevant}
[choices]
list_name | name | label
sex | m | Male
sex | f | Female
sex | x | Other
modes | a | Bus
modes | b | Tram
modes | c | Metro
"
        );
        convert(&generate::xlsx(&source), "semantics.xlsx", &STRICT)
            .unwrap_or_else(|e| panic!("{relevant}:\n{e}"))
            .definition
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: crate::common::proptest_regressions!("xlsform"),
            ..ProptestConfig::with_cases(200)
        })]

        #[test]
        fn converted_relevant_agrees_with_xpath(e in expr(), resps in prop::collection::vec(resp(), 12)) {
            let def = form(&e.xpath());
            for r in &resps {
                prop_assert_eq!(
                    def.visible("target", &r.answers()),
                    e.eval(r),
                    "relevant {} as show_if {:?} for {:?}",
                    e.xpath(),
                    def.question("target").and_then(|q| q.show_if.as_ref()).map(|c| c.source().to_owned()),
                    r
                );
            }
        }

        /// Arbitrary text in the relevant column never panics: it converts or is reported.
        #[test]
        fn any_relevant_text_is_converted_or_reported(text in "[ -~]{0,40}") {
            let cleaned = text.replace('|', " ");
            match with_relevant(&cleaned) {
                Ok(_) | Err(XlsFormError::Unsupported(_)) => {}
                Err(other) => prop_assert!(false, "{cleaned}: {other}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// constraint → limits

fn constrained(ty: &str, constraint: &str, extra: &str) -> Result<Converted, XlsFormError> {
    let source = format!(
        "[survey]
type | name | label | constraint | parameters
{ty} | q | Question | {constraint} | {extra}
[choices]
list_name | name | label
m | a | A
m | b | B
m | c | C
m | none | None of these
"
    );
    convert(&generate::xlsx(&source), "constraint.xlsx", &STRICT)
}

fn kind_yaml(ty: &str, constraint: &str, extra: &str) -> serde_json::Value {
    let converted = constrained(ty, constraint, extra).unwrap_or_else(|e| panic!("{ty} {constraint}:\n{e}"));
    let q = converted.definition.question("q").cloned();
    let mut v = serde_json::to_value(q).unwrap_or_default();
    // Keep only the limits.
    if let Some(map) = v.as_object_mut() {
        map.retain(|k, _| ["min", "max", "integer", "max_length", "min_choices", "max_choices"].contains(&k.as_str()));
    }
    v
}

#[test]
fn supported_constraints_become_limits() {
    use serde_json::json;
    let cases = [
        (
            "integer",
            ". >= 18 and . <= 99",
            "",
            json!({"min": 18.0, "max": 99.0, "integer": true}),
        ),
        (
            "integer",
            ". > 17 and . < 100",
            "",
            json!({"min": 18.0, "max": 99.0, "integer": true}),
        ),
        ("integer", "18 <= .", "", json!({"min": 18.0, "integer": true})),
        ("integer", ". >= 1.5", "", json!({"min": 2.0, "integer": true})),
        ("decimal", ". >= 0.5 and . <= 2.5", "", json!({"min": 0.5, "max": 2.5})),
        ("decimal", ". = 3", "", json!({"min": 3.0, "max": 3.0})),
        (
            "range",
            ". >= 2",
            "start=0 end=10",
            json!({"min": 2.0, "max": 10.0, "integer": true}),
        ),
        (
            "range",
            "",
            "start=10 end=0",
            json!({"min": 0.0, "max": 10.0, "integer": true}),
        ),
        ("range", "", "", json!({"min": 1.0, "max": 10.0, "integer": true})),
        ("text", "string-length(.) <= 200", "", json!({"max_length": 200})),
        ("text", "string-length(.) < 200", "", json!({"max_length": 199})),
        (
            "select_multiple m",
            "count-selected(.) >= 2 and count-selected(.) <= 3",
            "",
            json!({"min_choices": 2, "max_choices": 3}),
        ),
        (
            "select_multiple m",
            "count-selected(.) < 3",
            "",
            json!({"max_choices": 2}),
        ),
    ];
    for (ty, constraint, extra, expected) in cases {
        assert_eq!(kind_yaml(ty, constraint, extra), expected, "{ty}: {constraint} {extra}");
    }
}

#[test]
fn date_limits_and_exclusive_options() {
    let d = constrained("date", ". > date('2020-01-01') and . < '2021-01-01'", "").unwrap_or_else(|e| panic!("{e}"));
    let Some(opros::definition::QuestionKind::Date(date)) = d.definition.question("q").map(|q| q.kind.clone()) else {
        panic!("a date question")
    };
    assert_eq!(date.min.map(|d| d.to_string()).as_deref(), Some("2020-01-02"));
    assert_eq!(date.max.map(|d| d.to_string()).as_deref(), Some("2020-12-31"));

    for pattern in [
        "not(selected(., 'none') and count-selected(.) > 1)",
        "not(count-selected(.) >= 2 and selected(., 'none'))",
    ] {
        let c = constrained("select_multiple m", pattern, "").unwrap_or_else(|e| panic!("{e}"));
        let q = c.definition.question("q").cloned();
        let exclusive: Vec<String> = q
            .map(|q| {
                q.options()
                    .iter()
                    .filter(|o| o.exclusive)
                    .map(|o| o.code.clone())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(exclusive, ["none"], "{pattern}");
        // And it behaves so: "none" cannot be combined with another choice.
        let question = c.definition.question("q").cloned();
        let check = question.map(|q| q.check_answer(&Answer::choices(&["a", "none"])));
        assert!(matches!(check, Some(Err(opros::definition::AnswerError::Exclusive(_)))));
    }
}

#[test]
fn unsupported_constraints_are_refused_with_a_reason() {
    let cases = [
        ("integer", ". >= 10 and . <= 5", "'. >= 10 and . <= 5' allows no answer"),
        (
            "text",
            "string-length(.) >= 3",
            "Opros limits only the greatest length of a text",
        ),
        (
            "integer",
            ". >= 18 or . = 0",
            "Opros limits cannot be combined with 'or'",
        ),
        (
            "select_one m",
            ". != 'a'",
            "Opros can check limits of the answer itself",
        ),
        ("decimal", ". < 10", "Opros limits include their bounds"),
        ("integer", ". != 5", "Opros limits are a least and a greatest value"),
        ("date", ". >= ${x}", "a limit that depends on another answer (${x})"),
        (
            "select_multiple m",
            "not(selected(., 'zzz') and count-selected(.) > 1)",
            "'zzz' is not an option",
        ),
        ("integer", ". >=", "cannot be read"),
    ];
    for (ty, constraint, expected) in cases {
        match constrained(ty, constraint, "") {
            Err(XlsFormError::Unsupported(items)) => {
                let text = lines(&items).join("\n");
                assert!(text.contains(expected), "{ty}: {constraint}: {text}");
                assert!(items.iter().all(|i| i.row == 2 && i.column == "constraint"), "{text}");
            }
            other => panic!("{ty}: {constraint} should be refused, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Pages, languages, names

#[test]
fn pages_follow_groups_and_the_pages_style() {
    let body = "[survey]
type | name | label | appearance
text | a | A
text | b | B
begin_group | g | Group
text | c | C
begin_group | inner | Inner
text | d | D
end_group
text | e | E
end_group
begin_group | fl | Field list | field-list
text | f | F
begin_group | nested | Nested
text | g2 | G2
end_group
end_group
text | h | H
";
    let page_ids = |source: &str| -> Vec<(String, Vec<String>)> {
        strict(source, "pages.xlsx")
            .definition
            .pages
            .iter()
            .map(|p| (p.id.clone(), p.questions.iter().map(|q| q.id.clone()).collect()))
            .collect()
    };
    let owned = |v: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
        v.iter()
            .map(|(p, qs)| ((*p).to_owned(), qs.iter().map(|q| (*q).to_owned()).collect()))
            .collect()
    };
    assert_eq!(
        page_ids(body),
        owned(&[
            ("page1", &["a", "b"]),
            ("g", &["c"]),
            ("inner", &["d"]),
            ("g_2", &["e"]),
            ("fl", &["f", "g2"]),
            ("page6", &["h"]),
        ])
    );
    let paged = format!("{body}[settings]\nform_id | style\npaged | pages\n");
    assert_eq!(
        page_ids(&paged),
        owned(&[
            ("page1", &["a"]),
            ("page2", &["b"]),
            ("g", &["c"]),
            ("inner", &["d"]),
            ("g_2", &["e"]),
            ("fl", &["f", "g2"]),
            ("page7", &["h"]),
        ])
    );
}

#[test]
fn group_titles_and_relevant_apply_to_their_questions() {
    let source = "[survey]
type | name | label::English (en) | label::Russian (ru) | relevant | appearance
integer | age | Age | Возраст
begin_group | adults | Adults | Взрослые | ${age} >= 18 | field-list
select_one yn | works | Do you work? | Вы работаете?
text | job | Job | Работа | ${works} = 'yes'
end_group
[choices]
list_name | name | label::English (en) | label::Russian (ru)
yn | yes | Yes | Да
yn | no | No | Нет
[settings]
form_title | default_language
Work | Russian (ru)
";
    let def = strict(source, "groups.xlsx").definition;
    assert_eq!(def.languages, ["ru", "en"]);
    let page = &def.pages[1];
    assert_eq!(page.id, "adults");
    assert_eq!(page.title.as_ref().map(|t| t.get("ru")), Some("Взрослые"));
    let conds: Vec<String> = page
        .questions
        .iter()
        .map(|q| q.show_if.as_ref().map(|c| c.source().to_owned()).unwrap_or_default())
        .collect();
    assert_eq!(conds, ["age >= 18", "age >= 18 and works == 'yes'"]);
    assert_eq!(def.title.get("ru"), "Work");
}

#[test]
fn languages_come_from_columns_settings_or_the_texts() {
    // Plain labels in Cyrillic are Russian; without settings the slug and title come from the file name.
    let plain = "[survey]
type | name | label | hint
text | city | Город | Где вы живёте?
";
    let def = strict(plain, "Опрос города 2026.xlsx").definition;
    assert_eq!(def.languages, ["ru"]);
    assert_eq!(def.slug, "2026");
    assert_eq!(def.title.get("ru"), "Опрос города 2026");
    let def = strict(plain, "City poll.xlsx").definition;
    assert_eq!(def.slug, "city-poll");
    let english = "[survey]
type | name | label
text | city | City
";
    assert_eq!(strict(english, "c.xlsx").definition.languages, ["en"]);

    // Bare codes and language names; the default from settings even when its column comes second.
    let named = "[survey]
type | name | label::en | label::Russian
text | city | City | Город
[settings]
default_language
ru
";
    let def = strict(named, "c.xlsx").definition;
    assert_eq!(def.languages, ["ru", "en"]);
    let q = def.question("city").map(|q| q.text.clone()).unwrap_or_default();
    assert_eq!((q.get("ru"), q.get("en")), ("Город", "City"));

    // A text missing in the default language is reported (and filled from another in lenient mode).
    let missing = "[survey]
type | name | label::Russian (ru) | label::English (en)
text | city | Город | City
text | street | | Street
";
    let bytes = generate::xlsx(missing);
    let Err(XlsFormError::Unsupported(items)) = convert(&bytes, "m.xlsx", &STRICT) else {
        panic!("should be reported")
    };
    assert_eq!(
        lines(&items),
        ["m.xlsx: sheet survey, row 3, column label::Russian (ru): the label has no text in the default language 'ru' (every text needs the default language; the 'en' text is used)"]
    );
    let def = convert(&bytes, "m.xlsx", &LENIENT)
        .unwrap_or_else(|e| panic!("{e}"))
        .definition;
    let street = def.question("street").map(|q| q.text.clone()).unwrap_or_default();
    assert_eq!((street.get("ru"), street.get("en")), ("Street", "Street"));
}

#[test]
fn names_become_ids_and_cells_are_read_as_typed() {
    // Header not in A1, blank rows: row numbers are still those of the spreadsheet.
    let source = "[survey] @B3
type | name | label | required
~
integer | 1st-visit | First visit | 1
select_one n | q.2 | Second | TRUE
text | возраст | Age
[choices]
list_name | name | label
n | 1 | One
n | 2.5 | Two and a half
";
    let bytes = generate::xlsx(source);
    let Err(XlsFormError::Unsupported(items)) = convert(&bytes, "names.xlsx", &STRICT) else {
        panic!("the Cyrillic name should be reported")
    };
    assert_eq!(
        lines(&items),
        ["names.xlsx: sheet survey, row 7, column name: the name 'возраст' cannot be an Opros id (Opros ids are Latin letters, digits and _ (at most 64 characters))"]
    );
    let def = convert(&bytes, "names.xlsx", &LENIENT)
        .unwrap_or_else(|e| panic!("{e}"))
        .definition;
    let ids: Vec<(&str, bool)> = def.questions().map(|(_, q)| (q.id.as_str(), q.required)).collect();
    assert_eq!(ids, [("q1st_visit", true), ("q_2", true)]);
    let codes: Vec<String> = def
        .question("q_2")
        .map(|q| q.options().iter().map(|o| o.code.clone()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["1", "2.5"]);
}

// ---------------------------------------------------------------------------------------------------------
// Calculations

#[test]
fn calculations_that_bin_or_group_become_derived_variables() {
    let source = "[survey]
type | name | label | calculation
integer | age | Age
select_one d | district | District
calculate | band | | if(${age} >= 60, 'old', if(${age} >= 30 and ${age} <= 59, 'mid', ''))
calculate | zone | | if(${district} != 'd3', 'inner', 'outer')
calculate | zone2 | | if(${zone} = 'inner', 'in', 'out')
text | ask | Ask | 
[choices]
list_name | name | label
d | d1 | One
d | d2 | Two
d | d3 | Three
";
    let def = strict(source, "calc.xlsx").definition;
    let json = serde_json::to_value(&def.derived).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!([
            {"id": "band", "from": "age", "bins": [{"code": "mid", "min": 30.0, "max": 59.0}, {"code": "old", "min": 60.0}]},
            {"id": "zone", "from": "district", "groups": {"inner": ["d1", "d2"], "outer": ["d3"]}},
            {"id": "zone2", "from": "zone", "groups": {"in": ["inner"], "out": ["outer"]}},
        ])
    );
    // Derived values as Opros computes them.
    let mut a = Answers::new();
    a.insert("age".into(), Answer::Number(45.0));
    a.insert("district".into(), Answer::choice("d3"));
    let cat = |v: &str, a: &Answers| opros::definition::derived::category(&def, v, a);
    assert_eq!(
        (cat("band", &a), cat("zone", &a), cat("zone2", &a)),
        (Some("mid".into()), Some("outer".into()), Some("out".into()))
    );
    // Below 30 falls in no bin: the last value of the chain was ''.
    a.insert("age".into(), Answer::Number(20.0));
    assert_eq!(cat("band", &a), None);

    let refused = "[survey]
type | name | label | calculation
decimal | income | Income
calculate | rich | | if(${income} > 1000, 'rich', 'not')
calculate | split | | if(${income} > 1 or ${income} < 0, 'a', 'b')
";
    let Err(XlsFormError::Unsupported(items)) = convert(&generate::xlsx(refused), "c.xlsx", &STRICT) else {
        panic!("should be refused")
    };
    assert!(lines(&items)[0].contains("bins are converted for whole-number (integer) questions only"));
    let non_interval = "[survey]
type | name | label | calculation
integer | n | N
calculate | split | | if(${n} > 10 or ${n} < 0, 'outside', 'inside')
";
    let Err(XlsFormError::Unsupported(items)) = convert(&generate::xlsx(non_interval), "c.xlsx", &STRICT) else {
        panic!("should be refused")
    };
    assert_eq!(
        lines(&items),
        ["c.xlsx: sheet survey, row 3, column calculation: 'if(${n} > 10 or ${n} < 0, 'outside', 'inside')' is not supported ('outside' covers values that are not one interval; an Opros bin is one interval)"]
    );
}

#[test]
fn a_cascading_choice_filter_splits_the_question_by_the_earlier_answer() {
    let source = "[survey]
type | name | label | relevant | choice_filter
select_one region | region | Region
select_one district | district | District | ${region} != 'r3' | region = ${region}
text | why | Why? | ${district} = 'd1'
select_one district | other_filter | Other | | town = ${region}
select_one district | by_text | By text | | region = ${why}
[choices]
list_name | name | label | region
region | r1 | North
region | r2 | South
region | r3 | East
district | d1 | Harbour | r1
district | d2 | Hills | r1
district | d3 | Plains | r2
";
    let bytes = generate::xlsx(source);
    let Err(XlsFormError::Unsupported(items)) = convert(&bytes, "cascade.xlsx", &STRICT) else {
        panic!("should list the problems")
    };
    assert_eq!(
        lines(&items),
        [
            "cascade.xlsx: sheet survey, row 4, column relevant: ${district} was split into one question per answer of region (its choice_filter makes its options depend on an earlier answer; each part is its own Opros question (district_…), so write this condition in the YAML)",
            "cascade.xlsx: sheet survey, row 5, column choice_filter: the choice filter 'town = ${region}' is not supported (the choices sheet has no column 'town')",
            "cascade.xlsx: sheet survey, row 6, column choice_filter: the choice filter 'region = ${why}' is not supported (options are split by the answer of an earlier select_one; ${why} is not one)",
        ]
    );
    let def = convert(&bytes, "cascade.xlsx", &LENIENT)
        .unwrap_or_else(|e| panic!("{e}"))
        .definition;
    let parts: Vec<(String, Vec<String>, String)> = def
        .questions()
        .filter(|(_, q)| q.id.starts_with("district"))
        .map(|(_, q)| {
            (
                q.id.clone(),
                q.options().iter().map(|o| o.code.clone()).collect(),
                q.show_if.as_ref().map(|c| c.source().to_owned()).unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        (
            "district_r1",
            vec!["d1", "d2"],
            "not (region == 'r3') and region == 'r1'",
        ),
        ("district_r2", vec!["d3"], "not (region == 'r3') and region == 'r2'"),
    ];
    assert_eq!(parts.len(), expected.len());
    for ((id, codes, cond), (e_id, e_codes, e_cond)) in parts.iter().zip(expected) {
        assert_eq!(
            (id.as_str(), codes.clone(), cond.as_str()),
            (e_id, e_codes.iter().map(|c| c.to_string()).collect::<Vec<_>>(), e_cond)
        );
    }
    // A respondent from r1 sees the first part only.
    let mut a = Answers::new();
    a.insert("region".into(), Answer::choice("r1"));
    assert!(def.visible("district_r1", &a) && !def.visible("district_r2", &a));
}

#[test]
fn choice_questions_need_choices() {
    let source = "[survey]
type | name | label | choice_filter | select_from_list_name
rank one | r | Rank
select_one two | s | Pick | kind = 'nothing'
select_multiple | m | Pick several | | two
[choices]
list_name | name | label | kind
one | a | A
two | b | B | x
two | c | C | y
";
    let bytes = generate::xlsx(source);
    let Err(XlsFormError::Unsupported(items)) = convert(&bytes, "few.xlsx", &STRICT) else {
        panic!("should be reported")
    };
    assert_eq!(
        lines(&items),
        [
            "few.xlsx: sheet survey, row 2, column type: question 'r' has too few choices (a ranking needs at least two choices)",
            "few.xlsx: sheet survey, row 3, column type: question 's' has too few choices (it has no choices to offer (after its choice_filter))",
        ]
    );
    // The list name may also come from KoBoToolbox's select_from_list_name column.
    let def = convert(&bytes, "few.xlsx", &LENIENT)
        .unwrap_or_else(|e| panic!("{e}"))
        .definition;
    let codes: Vec<String> = def
        .question("m")
        .map(|q| q.options().iter().map(|o| o.code.clone()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["b", "c"]);
}

mod random_forms {
    use super::*;
    use proptest::prelude::*;

    fn pick(items: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        prop::sample::select(items)
    }

    /// One survey row: type, name, label, relevant, constraint, appearance, calculation.
    fn row() -> impl Strategy<Value = String> {
        (
            pick(&[
                "text",
                "integer",
                "decimal",
                "date",
                "note",
                "select_one yn",
                "select_multiple yn",
                "rank abc",
                "range",
                "calculate",
                "begin_group",
                "end_group",
                "geopoint",
                "begin_repeat",
                "end_repeat",
                "select_one yn or_other",
                "select_one sc",
                "select_one abc",
            ]),
            pick(&["a", "b", "c", "d", "e", "f", "a"]),
            pick(&["", "L", "Л"]),
            pick(&[
                "",
                "${a} = 'yes'",
                "${b} > 3",
                "selected(${c}, 'no')",
                "${d} != ''",
                "count-selected(${e}) >= 1",
                "${zz} = 1",
                "not(${a} = 'no') or ${f} < 2",
                "${f} = 'a'",
            ]),
            pick(&[
                "",
                ". >= 1",
                ". > 1 and . < 10",
                "string-length(.) <= 5",
                "count-selected(.) <= 1",
                ". <= date('2020-01-01')",
                ". >= 5 and . <= 1",
            ]),
            pick(&["", "field-list", "multiline", "likert", "minimal", "month-year"]),
            pick(&[
                "",
                "if(${b} < 10, 'lo', 'hi')",
                "if(${a} = 'yes', 'y', 'n')",
                "${b} * 2",
            ]),
        )
            .prop_map(|(t, n, l, r, c, a, calc)| format!("{t} | {n} | {l} | {r} | {c} | {a} | {calc}"))
    }

    fn form(rows: &[String]) -> String {
        format!(
            "[survey]
type | name | label | relevant | constraint | appearance | calculation
{}
[choices]
list_name | name | label
yn | yes | Yes
yn | no | No
abc | a | A
abc | b | B
abc | c | C
sc | 1 | One
sc | 2 | Two
sc | 3 | Three
",
            rows.join("\n")
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: crate::common::proptest_regressions!("xlsform"),
            ..ProptestConfig::with_cases(150)
        })]

        /// Whatever the rows, a lenient conversion yields a valid definition (or says there is no question),
        /// and strict mode succeeds exactly when nothing was left out, with the same definition.
        #[test]
        fn any_form_converts_leniently_into_a_valid_definition(rows in prop::collection::vec(row(), 1..14)) {
            let bytes = generate::xlsx(&form(&rows));
            match convert(&bytes, "random.xlsx", &LENIENT) {
                Ok(lenient) => {
                    prop_assert_eq!(&twin(&lenient.yaml, "random.yaml"), &lenient.definition);
                    match convert(&bytes, "random.xlsx", &STRICT) {
                        Ok(strict) => {
                            prop_assert!(lenient.unsupported.is_empty());
                            prop_assert_eq!(strict.definition, lenient.definition);
                        }
                        Err(XlsFormError::Unsupported(items)) => {
                            prop_assert_eq!(items, lenient.unsupported);
                        }
                        Err(other) => prop_assert!(false, "strict: {}", other),
                    }
                }
                Err(XlsFormError::NotAnXlsForm { message, .. }) => {
                    prop_assert!(message.contains("no question"), "{}", message);
                }
                Err(other) => prop_assert!(false, "{}\n{}", other, form(&rows)),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Unreadable input

#[test]
fn input_that_is_not_an_xlsform_gives_a_plain_error() {
    let err = |bytes: &[u8]| convert(bytes, "upload.xlsx", &LENIENT).err().map(|e| e.to_string());
    for junk in [&b""[..], b"not a spreadsheet", b"PK\x03\x04broken zip"] {
        let message = err(junk).unwrap_or_default();
        assert!(
            message.starts_with("upload.xlsx: cannot read the workbook ("),
            "{message}"
        );
    }
    // A damaged workbook: cut in half.
    let good = generate::xlsx(include_str!("../fixtures/xlsform/types.txt"));
    let half = good.get(..good.len() / 2).unwrap_or_default();
    assert!(err(half).unwrap_or_default().contains("cannot read the workbook"));

    let no_survey = generate::xlsx("[Sheet1]\na | b\n1 | 2\n");
    assert_eq!(
        err(&no_survey).as_deref(),
        Some("upload.xlsx: there is no sheet named 'survey' (the sheets are: Sheet1); an XLSForm has the sheets survey, choices and settings")
    );
    let no_type = generate::xlsx("[survey]\nquestion | label\nq | Q\n");
    assert_eq!(
        err(&no_type).as_deref(),
        Some("upload.xlsx: the survey sheet needs the columns 'type' and 'name' in its first row")
    );
    let empty = generate::xlsx("[survey]\ntype | name | label\nstart | start\n");
    assert_eq!(
        err(&empty).as_deref(),
        Some("upload.xlsx: the survey sheet has no question that Opros can import")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        failure_persistence: crate::common::proptest_regressions!("xlsform"),
        ..proptest::prelude::ProptestConfig::with_cases(64)
    })]

    /// Damaged uploads are refused with an error, never a panic.
    #[test]
    fn damaged_workbooks_give_an_error(
        flips in proptest::collection::vec((0usize..100_000, proptest::prelude::any::<u8>()), 1..8),
        cut in 0usize..100_000,
    ) {
        let mut bytes = generate::xlsx(include_str!("../fixtures/xlsform/types.txt"));
        let n = bytes.len();
        for (at, value) in flips {
            if let Some(b) = bytes.get_mut(at % n) {
                *b = value;
            }
        }
        bytes.truncate(n - cut % (n / 4));
        // Any outcome but a panic: a damaged byte inside a label may still convert.
        let _ = convert(&bytes, "damaged.xlsx", &LENIENT);
    }
}

#[test]
fn sheet_names_are_matched_without_case() {
    let source = "[ Survey ]\ntype | name | label\ntext | q | Q\n[CHOICES]\nlist_name | name | label\n";
    assert_eq!(strict(source, "s.xlsx").definition.questions().count(), 1);
}

// ---------------------------------------------------------------------------------------------------------
// Committed workbooks

const FIXTURES: [&str; 3] = ["aliases", "types", "unsupported"];

fn source_of(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(format!("{name}.txt"))).unwrap_or_else(|e| panic!("{name}.txt: {e}"))
}

#[test]
fn committed_workbooks_match_their_sources() {
    for name in FIXTURES {
        let path = fixtures().join(format!("{name}.xlsx"));
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let fresh = generate::xlsx(&source_of(name));
        let file = format!("{name}.xlsx");
        let a = convert(&committed, &file, &LENIENT).map(|c| (c.definition, c.unsupported));
        let b = convert(&fresh, &file, &LENIENT).map(|c| (c.definition, c.unsupported));
        assert_eq!(a, b, "{name}.xlsx is stale: cargo run --example xlsform_fixtures");
    }
}
