//! Walking the `survey` sheet row by row and building the Opros questionnaire, with a report of every
//! part that cannot be converted.

mod question;
mod rules;
mod select;
mod settings;
mod walk;

use std::collections::{BTreeMap, BTreeSet};

use super::aliases::question_type as normalized_type;
use super::error::Unsupported;
use super::langs;
use super::sheet::{Row, Sheet, Workbook};
use super::translate::{self, Fail, Lookup, Var, VarKind};
use super::xpath::{self, XExpr, XOp};
use crate::definition::condition::VarType;
use crate::definition::{
    valid_id, AnswerOption, Condition, DateQuestion, Derived, MultipleChoice, Number, Question, QuestionKind, Ranking,
    Scale, SingleChoice, Text, Texts,
};

/// The converted questionnaire, before it is written as YAML.
pub(crate) struct Form {
    pub slug: String,
    pub title: Texts,
    pub topic: String,
    pub languages: Vec<String>,
    pub pages: Vec<PageOut>,
    pub derived: Vec<(Derived, usize)>,
}

pub(crate) struct PageOut {
    pub id: String,
    pub title: Option<Texts>,
    /// Each question with its survey row.
    pub questions: Vec<(Question, usize)>,
}

/// Converts the sheets; `problems` receives every part that could not be converted.
pub(crate) fn build(book: &Workbook, file: &str, problems: &mut Vec<Unsupported>) -> Form {
    let mut b = Builder::new(book, file);
    b.settings();
    b.choices();
    b.walk();
    problems.append(&mut b.problems);
    let pages = b.pages.into_iter().filter(|p| !p.questions.is_empty()).collect();
    Form {
        slug: b.slug,
        title: b.title,
        topic: b.topic,
        languages: b.languages,
        pages,
        derived: b.derived,
    }
}

/// Column indices of the survey sheet.
struct Cols {
    kind: Option<usize>,
    name: Option<usize>,
    required: Option<usize>,
    relevant: Option<usize>,
    constraint: Option<usize>,
    appearance: Option<usize>,
    parameters: Option<usize>,
    choice_filter: Option<usize>,
    calculation: Option<usize>,
}

impl Cols {
    fn of(s: &Sheet) -> Cols {
        Cols {
            kind: s.column(&["type"]),
            name: s.column(&["name"]),
            required: s.column(&["required"]),
            relevant: s.column(&["relevant"]),
            constraint: s.column(&["constraint"]),
            appearance: s.column(&["appearance"]),
            parameters: s.column(&["parameters"]),
            choice_filter: s.column(&["choice_filter"]),
            calculation: s.column(&["calculation"]),
        }
    }
}

/// Survey columns read by the importer (other non-empty columns are reported).
const HANDLED: [&str; 12] = [
    "select_from_list_name",
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "parameters",
    "choice_filter",
    "calculation",
];

/// Columns that only concern ODK's transport or tools, with no effect on what is asked: `compact_tag`
/// (compact submissions), `hxl` (humanitarian exchange tags), `rows` (the height of a text box, read for
/// text questions), and every `sms_…` column (SMS submissions).
const IGNORED: [&str; 3] = ["compact_tag", "hxl", "rows"];

/// Columns that carry messages Opros words itself (its own texts for required answers and limits).
const WORDED_BY_OPROS: [&str; 2] = ["required_message", "constraint_message"];

/// A choice of a list, ready to become an option.
#[derive(Clone)]
struct Choice {
    row: usize,
    option: AnswerOption,
    /// Other columns of the choices sheet (for `choice_filter`), by normalized header.
    attrs: BTreeMap<String, String>,
}

/// What a name of the survey sheet is, for messages about references.
#[derive(Clone)]
struct NameInfo {
    row: usize,
    in_repeat: bool,
}

/// An open group.
struct Frame {
    name: String,
    row: usize,
    title: Option<Texts>,
    /// Its own condition, translated (`None` when it has none or it could not be converted).
    cond: Option<String>,
    /// The page this group is (a field-list group that is not inside another one).
    page: Option<usize>,
    /// How many run pages it has opened (for their ids).
    runs: usize,
}

struct Builder<'a> {
    book: &'a Workbook,
    file: &'a str,
    cols: Cols,
    /// The languages of the form, the default first.
    languages: Vec<String>,
    /// The language of the plain `label`/`hint` columns.
    plain_lang: String,
    lists: BTreeMap<String, Vec<Choice>>,
    style_pages: bool,
    /// The `allow_choice_duplicates` setting: a list may repeat a choice name (cascading lists where the
    /// same name belongs to several parents); only the options of one question must differ.
    allow_duplicates: bool,
    slug: String,
    title: Texts,
    topic: String,
    problems: Vec<Unsupported>,
    pages: Vec<PageOut>,
    /// The page receiving questions outside field-list groups, while the run lasts.
    open: Option<usize>,
    groups: Vec<Frame>,
    derived: Vec<(Derived, usize)>,
    /// Imported variables by XLSForm name.
    known: BTreeMap<String, Var>,
    names: BTreeMap<String, NameInfo>,
    used_ids: BTreeSet<String>,
    page_ids: BTreeSet<String>,
    /// The cascading filter of the question being built (see [`Builder::filter`]).
    pending_split: Option<Split>,
    /// Questions split by a cascading filter: XLSForm name → the parent's id.
    split: BTreeMap<String, String>,
}

/// A question whose options depend on an earlier single choice: one copy per answer of `parent`.
struct Split {
    parent: Var,
    /// The choices-sheet column compared with the parent's answer.
    column: String,
    choices: Vec<Choice>,
}

impl<'a> Builder<'a> {
    fn new(book: &'a Workbook, file: &'a str) -> Self {
        Builder {
            book,
            file,
            cols: Cols::of(&book.survey),
            languages: Vec::new(),
            plain_lang: String::new(),
            lists: BTreeMap::new(),
            style_pages: false,
            allow_duplicates: false,
            slug: String::new(),
            title: Texts::default(),
            topic: "other".to_owned(),
            problems: Vec::new(),
            pages: Vec::new(),
            open: None,
            groups: Vec::new(),
            derived: Vec::new(),
            known: BTreeMap::new(),
            names: BTreeMap::new(),
            used_ids: BTreeSet::new(),
            page_ids: BTreeSet::new(),
            pending_split: None,
            split: BTreeMap::new(),
        }
    }

    fn report(&mut self, sheet: &str, row: usize, column: &str, what: String, why: String) {
        self.problems.push(Unsupported {
            file: self.file.to_owned(),
            sheet: sheet.to_owned(),
            row,
            column: column.to_owned(),
            what,
            why,
        });
    }

    fn survey_report(&mut self, row: usize, keys: &[&str], fail: Fail) {
        let column = self.book.survey.header(keys);
        self.report("survey", row, &column, fail.what, fail.why);
    }

    // -----------------------------------------------------------------------------------------------------
    // Settings and languages
}

/// Why a question type is outside Opros, when it is.
fn unsupported_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "geopoint" | "geotrace" | "geoshape" | "start-geopoint" | "background-geopoint" | "osm" => {
            "location questions are not part of Opros"
        }
        "image" | "audio" | "video" | "file" | "background-audio" | "audit" => {
            "photos, recordings and file uploads are not part of Opros"
        }
        "barcode" => "Opros forms run in a browser and do not scan codes",
        "time" | "datetime" | "datetime_local" => "Opros has date questions but no time of day",
        "deviceid" | "subscriberid" | "simserial" | "phonenumber" | "username" | "email" => {
            "Opros does not collect device or personal identifiers"
        }
        "acknowledge" | "trigger" => "Opros has no acknowledge question; use a single choice with one option",
        "hidden" | "xml-external" | "csv-external" => "Opros has no hidden values or attached data files",
        "select_one_from_file" | "select_multiple_from_file" => {
            "the choices come from an attached file; put them in the choices sheet"
        }
        "select_one_external" => {
            "its choices are in the external_choices sheet, which ODK sends as an attached file; put them in the \
             choices sheet"
        }
        "include" => "a form that includes another form's file is not part of Opros; copy its rows into this sheet",
        "begin_rank" | "begin_score" | "begin_kobomatrix" | "end_rank" | "end_score" | "end_kobomatrix" => {
            "KoBoToolbox-only groups are not part of XLSForm; export the form from KoBoToolbox as XLSForm"
        }
        _ => return None,
    })
}

/// Appearances that only change the look of a question, with no Opros counterpart needed.
fn is_cosmetic(a: &str) -> bool {
    matches!(
        a,
        "minimal"
            | "horizontal"
            | "horizontal-compact"
            | "compact"
            | "quick"
            | "quickcompact"
            | "columns"
            | "columns-pack"
            | "no-buttons"
            | "label"
            | "list-nolabel"
            | "list"
            | "autocomplete"
            | "autocomplete_chars"
            | "no-calendar"
            | "thousands-sep"
            | "vertical"
            | "field-list"
            | "table-list"
            | "numbers"
            | "rating"
            | "picker"
            | "hidden-answer"
    ) || a
        .strip_prefix("compact-")
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        || a.strip_prefix("columns-")
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        || a.strip_prefix('w')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn clear_limits(kind: &mut QuestionKind) {
    match kind {
        QuestionKind::Number(n) => {
            n.min = None;
            n.max = None;
        }
        QuestionKind::Date(d) => {
            d.min = None;
            d.max = None;
        }
        QuestionKind::MultipleChoice(m) => {
            m.min_choices = None;
            m.max_choices = None;
        }
        _ => {}
    }
}

/// `column = ${parent}` (either side) in a choice filter: the column and the parent's name.
fn cascade_test(e: &XExpr) -> Option<(String, String)> {
    let XExpr::Cmp(XOp::Eq, l, r) = e else {
        return None;
    };
    match (l.as_ref(), r.as_ref()) {
        (XExpr::Path(col), XExpr::Ref(p)) | (XExpr::Ref(p), XExpr::Path(col)) => Some((col.to_lowercase(), p.clone())),
        _ => None,
    }
}

/// Why a choice question cannot be asked with the options it has, if it cannot.
fn too_few_options(kind: &QuestionKind) -> Option<&'static str> {
    match kind {
        QuestionKind::SingleChoice(c) if c.options.is_empty() => {
            Some("it has no choices to offer (after its choice_filter)")
        }
        QuestionKind::MultipleChoice(c) if c.options.is_empty() => {
            Some("it has no choices to offer (after its choice_filter)")
        }
        QuestionKind::Ranking(r) if r.options.len() < 2 => Some("a ranking needs at least two choices"),
        _ => None,
    }
}

fn set_options(kind: &mut QuestionKind, options: Vec<AnswerOption>) {
    match kind {
        QuestionKind::SingleChoice(c) => c.options = options,
        QuestionKind::MultipleChoice(c) => c.options = options,
        QuestionKind::Ranking(r) => r.options = options,
        QuestionKind::Scale(s) => s.points = options,
        _ => {}
    }
}

/// `column = 'value'` (or `!=`, either side) in a choice filter.
fn filter_test(e: &XExpr) -> Option<(String, XOp, String)> {
    let XExpr::Cmp(op @ (XOp::Eq | XOp::Ne), l, r) = e else {
        return None;
    };
    let value = |x: &XExpr| match x {
        XExpr::Str(s) => Some(s.clone()),
        XExpr::Num(n) => Some(super::sheet::number_text(*n)),
        _ => None,
    };
    match (l.as_ref(), r.as_ref()) {
        (XExpr::Path(col), v) | (v, XExpr::Path(col)) => Some((col.to_lowercase(), *op, value(v)?)),
        _ => None,
    }
}

/// A slug from a form id or file name: lower case, runs of other characters as one `-`, at most 64.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(64).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `forms/Household survey.xlsx` → `Household survey`.
fn file_stem(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => name.to_owned(),
    }
}

/// Resolves references of one row's expression.
struct Scope<'s, 'a> {
    b: &'s Builder<'a>,
    current: &'s str,
    row: usize,
}

impl Lookup for Scope<'_, '_> {
    fn lookup(&self, name: &str) -> Result<Var, Fail> {
        if name == self.current {
            return translate::fail(
                format!("${{{name}}} refers to the question itself"),
                "a question cannot depend on its own answer here",
            );
        }
        if let Some(v) = self.b.known.get(name) {
            return Ok(v.clone());
        }
        // pyxform names the text box of `or_other` `{name}_other`; in Opros it belongs to the question.
        let other_of = name
            .strip_suffix("_other")
            .and_then(|base| self.b.known.get(base).map(|v| (base, v)));
        if let Some((base, v)) = other_of {
            if let VarKind::Choice { codes, .. } | VarKind::Multi { codes } = &v.kind {
                if codes.iter().any(|c| c == "other") && !self.b.names.contains_key(name) {
                    return translate::fail(
                        format!("${{{name}}} is the 'other, specify' text of ${{{base}}}"),
                        "in Opros that text belongs to the question; conditions can test selected(${…}, 'other') \
                         but not the text",
                    );
                }
            }
        }
        if let Some(parent) = self.b.split.get(name) {
            return translate::fail(
                format!("${{{name}}} was split into one question per answer of {parent}"),
                format!(
                    "its choice_filter makes its options depend on an earlier answer; each part is its own Opros \
                 question ({name}_…), so write this condition in the YAML"
                ),
            );
        }
        match self.b.names.get(name) {
            None => translate::fail(
                format!("${{{name}}} is not a question of this form"),
                "check the name in the name column",
            ),
            Some(info) if info.row >= self.row => translate::fail(
                format!("${{{name}}} comes later (row {})", info.row),
                "Opros conditions may only refer to earlier questions",
            ),
            Some(info) if info.in_repeat => translate::fail(
                format!("${{{name}}} is inside a repeat group (row {})", info.row),
                "repeat groups are not imported",
            ),
            Some(info) => translate::fail(
                format!("${{{name}}} (row {}) was not imported", info.row),
                format!("see the message about row {}", info.row),
            ),
        }
    }

    fn var_type(&self, id: &str) -> Option<VarType> {
        self.b.known.values().find(|v| v.id == id).map(|v| v.kind.var_type())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_stems() {
        assert_eq!(slug("Household_Survey 2026!"), "household-survey-2026");
        assert_eq!(slug("__x__"), "x");
        assert_eq!(slug("Опрос"), "");
        assert_eq!(file_stem("dir/My form.xlsx"), "My form");
        assert_eq!(file_stem("form"), "form");
    }
}
