//! Walking the `survey` sheet row by row and building the Opros questionnaire, with a report of every
//! part that cannot be converted.

use std::collections::{BTreeMap, BTreeSet};

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

    fn settings(&mut self) {
        let settings = self.book.settings.as_ref();
        let value = |keys: &[&str]| -> Option<(String, usize)> {
            let s = settings?;
            let col = s.column(keys)?;
            let row = s.rows.first()?;
            let v = row.cell(Some(col));
            (!v.is_empty()).then(|| (v.to_owned(), row.number))
        };
        let stem = file_stem(self.file);
        let form_title = value(&["form_title"]).map(|(v, _)| v);
        let form_id = value(&["form_id", "id_string"]).map(|(v, _)| v);
        self.style_pages = value(&["style"]).is_some_and(|(v, _)| v.split_whitespace().any(|w| w == "pages"));
        if let Some((topic, _)) = value(&["topic"]) {
            self.topic = topic;
        }
        self.slug = [form_id.as_deref(), Some(stem.as_str())]
            .into_iter()
            .flatten()
            .map(slug)
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| "imported-form".to_owned());
        self.languages(value(&["default_language"]));
        let title = form_title.unwrap_or(stem);
        self.title = Texts::from_pairs([(self.default_lang(), title.as_str())]);
    }

    fn default_lang(&self) -> &str {
        self.languages.first().map_or("ru", String::as_str)
    }

    /// Languages from the `label::…`/`hint::…` columns of the survey and choices sheets.
    fn languages(&mut self, default: Option<(String, usize)>) {
        let mut found: Vec<String> = Vec::new();
        let mut plain = false;
        let mut bad: Vec<(String, usize, String)> = Vec::new();
        for sheet in [Some(&self.book.survey), self.book.choices.as_ref()]
            .into_iter()
            .flatten()
        {
            for col in &sheet.columns {
                let (base, lang) = col.split();
                if !matches!(base, "label" | "hint") {
                    continue;
                }
                match lang {
                    None => plain = true,
                    Some(written) => match langs::code(written) {
                        Some(code) if !found.contains(&code) => found.push(code),
                        Some(_) => {}
                        None => bad.push((sheet.name.clone(), sheet.header_row, col.header.clone())),
                    },
                }
            }
        }
        for (sheet, row, header) in bad {
            self.report(
                &sheet,
                row,
                &header,
                format!("the language of '{header}' is not known"),
                "write its two-letter code in parentheses, e.g. label::Russian (ru)".to_owned(),
            );
        }
        let mut chosen = default.as_ref().and_then(|(d, _)| langs::code(d));
        if let (Some((written, row)), None) = (&default, &chosen) {
            let (written, row) = (written.clone(), *row);
            self.report(
                "settings",
                row,
                "default_language",
                format!("the default language '{written}' is not known"),
                "write its two-letter code, e.g. ru or Russian (ru)".to_owned(),
            );
        }
        if chosen.as_ref().is_some_and(|c| !plain && !found.contains(c)) {
            let (written, row) = default.clone().unwrap_or_default();
            let first = found.first().cloned().unwrap_or_else(|| "ru".to_owned());
            self.report(
                "settings",
                row,
                "default_language",
                format!("the default language '{written}' has no label column"),
                format!(
                    "add label::… ({}) columns, or name one of the languages of the form; '{first}' is used",
                    chosen.clone().unwrap_or_default()
                ),
            );
            chosen = None;
        }
        let default = chosen
            .or_else(|| found.first().cloned())
            .unwrap_or_else(|| langs::guess(self.plain_texts().iter().map(String::as_str)).to_owned());
        let mut all = vec![default.clone()];
        all.extend(found.into_iter().filter(|c| *c != default));
        self.plain_lang = default;
        self.languages = all;
    }

    /// Every text of the plain `label` columns (to guess their language).
    fn plain_texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sheet in [Some(&self.book.survey), self.book.choices.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Some(col) = sheet.column(&["label"]) {
                out.extend(sheet.rows.iter().map(|r| r.cell(Some(col)).to_owned()));
            }
        }
        out
    }

    /// The texts of a row in `base` (`label` or `hint`) in every language, default first; `None` when
    /// there is none. A missing default-language text is reported and filled from another language.
    fn texts(&mut self, sheet: &Sheet, row: &Row, base: &str) -> Option<Texts> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut plain = None;
        for (i, col) in sheet.columns.iter().enumerate() {
            let (b, lang) = col.split();
            let text = row.cell(Some(i));
            if b != base || text.is_empty() {
                continue;
            }
            match lang.map(langs::code) {
                None => plain = Some(text.to_owned()),
                Some(Some(code)) if !pairs.iter().any(|(l, _)| *l == code) => pairs.push((code, text.to_owned())),
                Some(_) => {}
            }
        }
        if let Some(text) = plain {
            if !pairs.iter().any(|(l, _)| *l == self.plain_lang) {
                pairs.push((self.plain_lang.clone(), text));
            }
        }
        if pairs.is_empty() {
            return None;
        }
        let default = self.default_lang().to_owned();
        if !pairs.iter().any(|(l, _)| *l == default) {
            let column = sheet
                .columns
                .iter()
                .find(|c| c.split().0 == base && c.split().1.and_then(langs::code).as_deref() == Some(&default))
                .map_or_else(|| base.to_owned(), |c| c.header.clone());
            let (from, text) = pairs.first().cloned().unwrap_or_default();
            self.report(
                &sheet.name,
                row.number,
                &column,
                format!("the {base} has no text in the default language '{default}'"),
                format!("every text needs the default language; the '{from}' text is used"),
            );
            pairs.insert(0, (default.clone(), text));
        }
        let ordered = self
            .languages
            .iter()
            .filter_map(|l| pairs.iter().find(|(p, _)| p == l))
            .map(|(l, t)| (l.as_str(), t.as_str()));
        Some(Texts::from_pairs(ordered))
    }

    // -----------------------------------------------------------------------------------------------------
    // Choices

    fn choices(&mut self) {
        let Some(sheet) = self.book.choices.as_ref() else {
            return;
        };
        let list_col = sheet.column(&["list_name", "list name"]);
        let name_col = sheet.column(&["name"]);
        for row in &sheet.rows {
            let list = row.cell(list_col).to_owned();
            if list.is_empty() {
                continue;
            }
            self.media_columns(sheet, row);
            let name = row.cell(name_col).to_owned();
            if name.is_empty() {
                let col = sheet.header(&["name"]);
                self.report(
                    "choices",
                    row.number,
                    &col,
                    "the choice has no name".into(),
                    "the name is the code stored in the answers; every choice needs one".into(),
                );
                continue;
            }
            if name.contains(';') || name.contains(char::is_whitespace) {
                let col = sheet.header(&["name"]);
                self.report(
                    "choices",
                    row.number,
                    &col,
                    format!("the choice name '{name}' contains a space or ';'"),
                    "Opros codes are stored in CSV files, where ';' separates several choices".into(),
                );
                continue;
            }
            let label = self
                .texts(sheet, row, "label")
                .unwrap_or_else(|| Texts::from_pairs([(self.default_lang(), name.as_str())]));
            let attrs = sheet
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !matches!(c.split().0, "list_name" | "list name" | "name" | "label"))
                .map(|(i, c)| (c.key.clone(), row.cell(Some(i)).to_owned()))
                .collect();
            let choice = Choice {
                row: row.number,
                option: AnswerOption {
                    code: name.clone(),
                    label,
                    anchored: false,
                    exclusive: false,
                },
                attrs,
            };
            let entry = self.lists.entry(list.clone()).or_default();
            if let Some(first) = entry.iter().find(|c| c.option.code == name) {
                let first = first.row;
                let col = sheet.header(&["name"]);
                self.report(
                    "choices",
                    row.number,
                    &col,
                    format!("list '{list}' has the choice '{name}' twice (also row {first})"),
                    "each code of a question must be unique".into(),
                );
                continue;
            }
            entry.push(choice);
        }
    }

    /// Media columns (`image`, `media::audio::English (en)`, …) with content.
    fn media_columns(&mut self, sheet: &Sheet, row: &Row) {
        for (i, col) in sheet.columns.iter().enumerate() {
            let base = col.split().0;
            let media =
                matches!(base, "image" | "audio" | "video" | "big-image" | "media") || base.starts_with("media::");
            if media && !row.cell(Some(i)).is_empty() {
                let (sheet_name, header) = (sheet.name.clone(), col.header.clone());
                self.report(
                    &sheet_name,
                    row.number,
                    &header,
                    format!("the media file '{}' is not supported", row.cell(Some(i))),
                    "images, audio and video in labels are not part of Opros".into(),
                );
            }
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // The survey sheet

    fn walk(&mut self) {
        let survey = &self.book.survey;
        self.prescan();
        let mut skip_until: Option<usize> = None;
        for (index, row) in survey.rows.iter().enumerate() {
            if skip_until.is_some_and(|end| index <= end) {
                continue;
            }
            let ty = normalized_type(row.cell(self.cols.kind));
            let words: Vec<&str> = ty.split_whitespace().collect();
            match words.first().copied().unwrap_or("") {
                "" => self.typeless(row),
                "begin_group" => self.begin_group(row),
                "end_group" => self.end_group(row),
                "begin_repeat" => skip_until = Some(self.repeat(index, row)),
                "end_repeat" => self.report_type(row, "'end_repeat' has no begin_repeat", "remove the row"),
                "calculate" => self.calculate(row),
                "start" | "end" | "today" => {} // Opros records when each response starts and ends.
                _ => self.question(row, &words),
            }
        }
        for frame in std::mem::take(&mut self.groups) {
            let col = self.book.survey.header(&["type"]);
            self.report(
                "survey",
                frame.row,
                &col,
                format!("group '{}' has no end_group", frame.name),
                "add an end_group row where the group ends; it is taken to end with the form".into(),
            );
        }
    }

    /// Records the row of every name (for messages about references).
    fn prescan(&mut self) {
        let mut repeat_depth = 0usize;
        for row in &self.book.survey.rows {
            let ty = normalized_type(row.cell(self.cols.kind));
            match ty.split_whitespace().next().unwrap_or("") {
                "begin_repeat" => repeat_depth += 1,
                "end_repeat" => repeat_depth = repeat_depth.saturating_sub(1),
                _ => {}
            }
            let name = row.cell(self.cols.name);
            if !name.is_empty() {
                self.names.entry(name.to_owned()).or_insert(NameInfo {
                    row: row.number,
                    in_repeat: repeat_depth > 0 && !ty.starts_with("begin_repeat"),
                });
            }
        }
    }

    fn report_type(&mut self, row: &Row, what: &str, why: &str) {
        let col = self.book.survey.header(&["type"]);
        self.report("survey", row.number, &col, what.to_owned(), why.to_owned());
    }

    fn typeless(&mut self, row: &Row) {
        let has_name = !row.cell(self.cols.name).is_empty();
        if has_name {
            self.report_type(
                row,
                "the row has a name but no type",
                "write the question type, e.g. text or select_one list",
            );
        }
    }

    /// Skips a repeat group; returns the index of its last row.
    fn repeat(&mut self, index: usize, row: &Row) -> usize {
        let rows = &self.book.survey.rows;
        let mut depth = 0usize;
        let mut end = rows.len().saturating_sub(1);
        for (i, r) in rows.iter().enumerate().skip(index) {
            match normalized_type(r.cell(self.cols.kind)).split_whitespace().next() {
                Some("begin_repeat") => depth += 1,
                Some("end_repeat") => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inside = end.saturating_sub(index + 1);
        let name = row.cell(self.cols.name).to_owned();
        self.report_type(
            row,
            &format!("the repeat group '{name}' is not supported"),
            &format!(
                "repeat groups (the same questions once per household member, visit, …) cannot be expressed in \
                 an Opros definition; its {inside} row{} are skipped",
                if inside == 1 { "" } else { "s" }
            ),
        );
        end
    }

    /// An Opros id for an XLSForm name: `-` and `.` become `_`, a leading digit or `_` gets a `q`.
    fn id_for(&mut self, row: &Row) -> Option<String> {
        let name = row.cell(self.cols.name).to_owned();
        let col = self.book.survey.header(&["name"]);
        if name.is_empty() {
            self.report(
                "survey",
                row.number,
                &col,
                "the row has no name".into(),
                "every question needs a name: it is the column of its answers".into(),
            );
            return None;
        }
        let mut id = name.replace(['-', '.'], "_");
        if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
            id.insert(0, 'q');
        }
        if !valid_id(&id) {
            self.report(
                "survey",
                row.number,
                &col,
                format!("the name '{name}' cannot be an Opros id"),
                "Opros ids are Latin letters, digits and _ (at most 64 characters)".into(),
            );
            return None;
        }
        if !self.used_ids.insert(id.clone()) {
            self.report(
                "survey",
                row.number,
                &col,
                format!("the name '{name}' is used twice"),
                format!("each question needs its own name (as an Opros id: '{id}')"),
            );
            return None;
        }
        Some(id)
    }

    fn begin_group(&mut self, row: &Row) {
        let name = row.cell(self.cols.name).to_owned();
        let appearance = row.cell(self.cols.appearance).to_owned();
        let field_list = appearance
            .split_whitespace()
            .any(|a| matches!(a, "field-list" | "table-list"));
        let title = self.texts(&self.book.survey, row, "label");
        let cond = self.own_condition(row, &name);
        self.check_columns(row, &["appearance"]);
        let in_page = self.groups.iter().any(|g| g.page.is_some());
        let page = if field_list && !in_page {
            self.open = None;
            Some(self.new_page(&name, title.clone()))
        } else {
            if !in_page {
                self.open = None;
            }
            None
        };
        self.groups.push(Frame {
            name,
            row: row.number,
            title,
            cond,
            page,
            runs: 0,
        });
    }

    fn end_group(&mut self, row: &Row) {
        if self.groups.pop().is_none() {
            self.report_type(row, "'end_group' has no begin_group", "remove the row");
        }
        if !self.groups.iter().any(|g| g.page.is_some()) {
            self.open = None;
        }
    }

    fn new_page(&mut self, wanted: &str, title: Option<Texts>) -> usize {
        let mut base = wanted.replace(['-', '.'], "_");
        if !valid_id(&base) {
            base = format!("page{}", self.pages.len() + 1);
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.page_ids.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.pages.push(PageOut {
            id,
            title,
            questions: Vec::new(),
        });
        self.pages.len() - 1
    }

    /// Puts a question on its page (see the module docs of `xlsform` for the rules).
    fn place(&mut self, q: Question, row: usize) {
        let page = match self.groups.iter().find_map(|g| g.page) {
            Some(p) => p,
            None => match self.open.filter(|_| !self.style_pages) {
                Some(p) => p,
                None => {
                    let (wanted, title) = match self.groups.last_mut() {
                        Some(g) => {
                            g.runs += 1;
                            let wanted = match g.runs {
                                1 => g.name.clone(),
                                n => format!("{}_{n}", g.name),
                            };
                            (wanted, g.title.clone())
                        }
                        None => (String::new(), None),
                    };
                    let p = self.new_page(&wanted, title);
                    self.open = Some(p);
                    p
                }
            },
        };
        if let Some(p) = self.pages.get_mut(page) {
            p.questions.push((q, row));
        }
    }

    /// Translates the `relevant` of a row (reported when it cannot be converted).
    fn own_condition(&mut self, row: &Row, name: &str) -> Option<String> {
        let source = row.cell(self.cols.relevant).to_owned();
        if source.is_empty() {
            return None;
        }
        let result = xpath::parse(&source)
            .map_err(|why| Fail {
                what: format!("'{source}' cannot be read"),
                why,
            })
            .and_then(|e| translate::condition(&e, &self.scope(name, row.number)));
        match result {
            Ok(c) => Some(c),
            Err(f) => {
                self.survey_report(row.number, &["relevant"], f);
                None
            }
        }
    }

    fn scope<'s>(&'s self, name: &'s str, row: usize) -> Scope<'s, 'a> {
        Scope {
            b: self,
            current: name,
            row,
        }
    }

    /// Reports non-empty columns the importer does not read (`skip`: columns read for this row type).
    fn check_columns(&mut self, row: &Row, skip: &[&str]) {
        let sheet = &self.book.survey;
        let mut found = Vec::new();
        for (i, col) in sheet.columns.iter().enumerate() {
            let value = row.cell(Some(i));
            let base = col.split().0;
            if value.is_empty()
                || HANDLED.contains(&base)
                || WORDED_BY_OPROS.contains(&base)
                || skip.contains(&base)
                || base.starts_with('$')
                || base == "hxl"
            {
                continue;
            }
            let why = match base {
                "default" => "Opros questions start unanswered; a default answer is not part of Opros",
                "read_only" if matches!(value.to_lowercase().as_str(), "no" | "false" | "0" | "false()") => continue,
                "read_only" => "read-only questions are not part of Opros",
                "guidance_hint" => "Opros shows one hint per question; the guidance hint is not shown",
                "trigger" => "Opros has no triggers that recalculate answers",
                "repeat_count" => "repeat groups are not part of Opros",
                "image" | "audio" | "video" | "big-image" | "media" => {
                    "images, audio and video in labels are not part of Opros"
                }
                b if b.starts_with("media::") => "images, audio and video in labels are not part of Opros",
                b if b.starts_with("bind::") || b.starts_with("body::") || b.starts_with("instance::") => {
                    "extra ODK attributes have no Opros equivalent"
                }
                _ => "Opros does not know this column",
            };
            found.push((
                col.header.clone(),
                format!("'{value}' in column '{}' is not supported", col.header),
                why.to_owned(),
            ));
        }
        for (column, what, why) in found {
            self.report("survey", row.number, &column, what, why);
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Questions

    fn question(&mut self, row: &Row, words: &[&str]) {
        let kind_word = words.first().copied().unwrap_or("");
        if let Some(why) = unsupported_type(kind_word) {
            self.report_type(row, &format!("'{kind_word}' is not supported"), why);
            return;
        }
        let Some(id) = self.id_for(row) else { return };
        let name = row.cell(self.cols.name).to_owned();
        let appearance: Vec<String> = row
            .cell(self.cols.appearance)
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let params = self.parameters(row);
        let Some(mut kind) = self.kind(row, words, &appearance, &params) else {
            self.used_ids.remove(&id);
            return;
        };
        if let Some(why) = too_few_options(&kind) {
            self.report_type(row, &format!("question '{name}' has too few choices"), why);
            self.used_ids.remove(&id);
            return;
        }
        self.appearance(row, kind_word, &appearance);
        self.constraint(row, &mut kind);
        let text = match self.texts(&self.book.survey, row, "label") {
            Some(t) => t,
            None => {
                let col = self.book.survey.header(&["label"]);
                self.report(
                    "survey",
                    row.number,
                    &col,
                    format!("question '{name}' has no label"),
                    "a question needs a text to show; its name is used".into(),
                );
                Texts::from_pairs([(self.default_lang(), name.as_str())])
            }
        };
        self.piping(row, &text);
        let hint = self.texts(&self.book.survey, row, "hint");
        let required = !matches!(kind, QuestionKind::Info) && self.required(row);
        let mut conds: Vec<String> = self.groups.iter().filter_map(|g| g.cond.clone()).collect();
        conds.extend(self.own_condition(row, &name));
        self.check_columns(row, &[]);
        let var = Var {
            id: id.clone(),
            kind: VarKind::of(&kind),
        };
        let q = Question {
            id,
            kind,
            text,
            hint,
            required,
            show_if: translate::all_of(&conds).map(|c| Condition::new(&c)),
            track: None,
        };
        match self.pending_split.take() {
            Some(split) => {
                self.used_ids.remove(&q.id);
                self.place_split(q, &conds, split, &name, row.number);
            }
            None => {
                self.known.insert(name, var);
                self.place(q, row.number);
            }
        }
    }

    /// `${name}` inside a label: Opros texts do not show earlier answers.
    fn piping(&mut self, row: &Row, text: &Texts) {
        let piped = text
            .languages()
            .find(|l| text.exact(l).is_some_and(|t| t.contains("${")));
        if let Some(lang) = piped {
            let col = self
                .book
                .survey
                .columns
                .iter()
                .find(|c| {
                    c.split().0 == "label" && c.split().1.and_then(langs::code).as_deref().is_none_or(|l| l == lang)
                })
                .map_or_else(|| "label".to_owned(), |c| c.header.clone());
            self.report(
                "survey",
                row.number,
                &col,
                "an answer inserted into the label (${…}) is not supported".into(),
                "Opros texts are fixed; the reference is shown as written".into(),
            );
        }
    }

    /// The `parameters` column as `key=value` pairs.
    fn parameters(&mut self, row: &Row) -> BTreeMap<String, String> {
        let raw = row.cell(self.cols.parameters).to_owned();
        let mut out = BTreeMap::new();
        for part in raw.split(|c: char| c.is_whitespace() || c == ';' || c == ',') {
            if part.is_empty() {
                continue;
            }
            match part.split_once('=') {
                Some((k, v)) => {
                    out.insert(k.trim().to_lowercase(), v.trim().to_owned());
                }
                None => self.survey_report(
                    row.number,
                    &["parameters"],
                    Fail {
                        what: format!("the parameter '{part}' cannot be read"),
                        why: "parameters are written key=value, e.g. randomize=true".into(),
                    },
                ),
            }
        }
        out
    }

    fn param_problem(&mut self, row: &Row, key: &str, why: &str) {
        self.survey_report(
            row.number,
            &["parameters"],
            Fail {
                what: format!("the parameter '{key}' is not supported"),
                why: why.to_owned(),
            },
        );
    }

    /// The question type and its settings.
    fn kind(
        &mut self,
        row: &Row,
        words: &[&str],
        appearance: &[String],
        params: &BTreeMap<String, String>,
    ) -> Option<QuestionKind> {
        let first = words.first().copied().unwrap_or("");
        let known_params: &[&str] = match first {
            "select_one" | "select_multiple" | "rank" => &["randomize", "seed"],
            "range" => &["start", "end", "step"],
            _ => &[],
        };
        for key in params.keys() {
            if !known_params.contains(&key.as_str()) {
                let key = key.clone();
                self.param_problem(
                    row,
                    &key,
                    &format!("'{first}' questions have no parameter '{key}' in Opros"),
                );
            }
        }
        Some(match first {
            "select_one" | "select_multiple" | "rank" => self.select(row, words, appearance, params)?,
            "integer" | "int" => QuestionKind::Number(Number {
                min: None,
                max: None,
                integer: true,
                unit: None,
            }),
            "decimal" => QuestionKind::Number(Number {
                min: None,
                max: None,
                integer: false,
                unit: None,
            }),
            "range" => self.range(row, params),
            "text" | "string" => QuestionKind::Text(Text {
                long: appearance.iter().any(|a| a == "multiline"),
                max_length: None,
            }),
            "date" => QuestionKind::Date(DateQuestion { min: None, max: None }),
            "note" => QuestionKind::Info,
            other => {
                self.report_type(
                    row,
                    &format!("'{other}' is not supported"),
                    "it is not an XLSForm question type that Opros knows",
                );
                return None;
            }
        })
    }

    fn range(&mut self, row: &Row, params: &BTreeMap<String, String>) -> QuestionKind {
        let mut get = |key: &str, default: f64| -> f64 {
            match params.get(key).map(|v| v.parse::<f64>()) {
                None => default,
                Some(Ok(v)) if v.is_finite() => v,
                Some(_) => {
                    self.param_problem(row, key, "its value is not a number; the XLSForm default is used");
                    default
                }
            }
        };
        // pyxform's defaults: start=1, end=10, step=1.
        let (start, end, step) = (get("start", 1.0), get("end", 10.0), get("step", 1.0));
        let whole = |x: f64| x.fract() == 0.0;
        if step != 1.0 {
            self.param_problem(
                row,
                "step",
                &format!(
                    "Opros numbers have a least and a greatest value but no step; step={} is not enforced",
                    super::sheet::number_text(step)
                ),
            );
        }
        QuestionKind::Number(Number {
            min: Some(start.min(end)),
            max: Some(start.max(end)),
            integer: whole(start) && whole(end) && whole(step),
            unit: None,
        })
    }

    fn select(
        &mut self,
        row: &Row,
        words: &[&str],
        appearance: &[String],
        params: &BTreeMap<String, String>,
    ) -> Option<QuestionKind> {
        let first = words.first().copied().unwrap_or("");
        // KoBoToolbox's own layout keeps the list in a column of its own.
        let list_column = row.cell(self.book.survey.column(&["select_from_list_name"])).to_owned();
        let Some(list) = words
            .get(1)
            .copied()
            .or(Some(list_column.as_str()).filter(|l| !l.is_empty()))
        else {
            self.report_type(
                row,
                &format!("'{first}' has no list name"),
                &format!("write the list of choices after the type, e.g. {first} yes_no"),
            );
            return None;
        };
        let mut or_other = false;
        for extra in words.iter().skip(2) {
            if extra.eq_ignore_ascii_case("or_other") {
                or_other = true;
            } else {
                self.report_type(
                    row,
                    &format!("'{extra}' after the list name is not supported"),
                    "only or_other may follow the list name",
                );
            }
        }
        let Some(choices) = self.lists.get(list).cloned() else {
            let why = match self.book.choices {
                None => "the workbook has no choices sheet".to_owned(),
                Some(_) => format!("the choices sheet has no list_name '{list}'"),
            };
            self.report_type(row, &format!("the list '{list}' does not exist"), &why);
            return None;
        };
        let mut options: Vec<AnswerOption> = choices.iter().map(|c| c.option.clone()).collect();
        if let Some(filtered) = self.filter(row, &choices) {
            options = filtered;
        }
        let randomize = match params.get("randomize").map(|v| v.to_lowercase()) {
            None => false,
            Some(v) if matches!(v.as_str(), "true" | "yes" | "1" | "true()") => true,
            Some(v) if matches!(v.as_str(), "false" | "no" | "0" | "false()") => false,
            Some(v) => {
                self.param_problem(row, "randomize", &format!("randomize is true or false, not '{v}'"));
                false
            }
        };
        if params.contains_key("seed") {
            self.param_problem(row, "seed", "Opros shuffles options per respondent without a seed");
        }
        let other = if or_other {
            if options.iter().any(|o| o.code == "other") {
                self.report_type(
                    row,
                    &format!("list '{list}' already has a choice 'other'"),
                    "or_other adds its own 'other' choice; remove one of them",
                );
                None
            } else {
                let label = Texts::from_pairs(self.languages.iter().map(|l| (l.as_str(), langs::other_label(l))));
                Some(AnswerOption {
                    code: "other".into(),
                    label,
                    anchored: false,
                    exclusive: false,
                })
            }
        } else {
            None
        };
        Some(match first {
            "select_one" => {
                let numeric = options.len() >= 2
                    && options
                        .iter()
                        .all(|o| o.code.trim().parse::<f64>().is_ok_and(f64::is_finite));
                if appearance.iter().any(|a| a == "likert") && numeric && other.is_none() && !randomize {
                    QuestionKind::Scale(Scale {
                        points: options,
                        hard_to_say: None,
                    })
                } else {
                    QuestionKind::SingleChoice(SingleChoice {
                        options,
                        randomize,
                        other,
                    })
                }
            }
            "select_multiple" => QuestionKind::MultipleChoice(MultipleChoice {
                options,
                randomize,
                other,
                max_choices: None,
                min_choices: None,
            }),
            _ => {
                if other.is_some() {
                    self.report_type(
                        row,
                        "'or_other' on a rank question is not supported",
                        "Opros rankings have no 'other' option",
                    );
                }
                // ODK's rank widget orders every item.
                QuestionKind::Ranking(Ranking {
                    options,
                    rank_all: true,
                    randomize,
                })
            }
        })
    }

    /// A `choice_filter` that compares a column of the choices sheet with a fixed value keeps the matching
    /// choices. One that compares it with an earlier single choice (`district = ${region}`, cascading
    /// selects) keeps all choices here and leaves a [`Split`] for [`Builder::question`]. Any other filter is
    /// reported (Opros options do not change with earlier answers).
    fn filter(&mut self, row: &Row, choices: &[Choice]) -> Option<Vec<AnswerOption>> {
        let source = row.cell(self.cols.choice_filter).to_owned();
        if source.is_empty() {
            return None;
        }
        let parsed = xpath::parse(&source).ok();
        if let Some((column, op, value)) = parsed.as_ref().and_then(filter_test) {
            let kept = choices
                .iter()
                .filter(|c| {
                    let v = c.attrs.get(&column).map_or("", String::as_str);
                    (v == value) == (op == XOp::Eq)
                })
                .map(|c| c.option.clone())
                .collect();
            return Some(kept);
        }
        let name = row.cell(self.cols.name).to_owned();
        let result = match parsed.as_ref().and_then(cascade_test) {
            Some((column, parent)) => self
                .split_plan(row, &name, &column, &parent, choices)
                .map_err(|f| Fail {
                    what: format!("the choice filter '{source}' is not supported"),
                    why: f.why,
                }),
            None => Err(Fail {
                what: format!("the choice filter '{source}' is not supported"),
                why: "Opros options do not change with earlier answers; a filter on a fixed value \
                      (region = 'north') or on one earlier select_one (district = ${region}) can be converted"
                    .into(),
            }),
        };
        match result {
            Ok(split) => self.pending_split = Some(split),
            Err(f) => self.survey_report(row.number, &["choice_filter"], f),
        }
        None
    }

    fn split_plan(&self, row: &Row, name: &str, column: &str, parent: &str, choices: &[Choice]) -> Result<Split, Fail> {
        let parent = self.scope(name, row.number).lookup(parent)?;
        if !matches!(parent.kind, VarKind::Choice { .. }) {
            return translate::fail(
                "",
                format!(
                    "options are split by the answer of an earlier select_one; ${{{}}} is not one",
                    parent.id
                ),
            );
        }
        if !choices.iter().any(|c| c.attrs.contains_key(column)) {
            return translate::fail("", format!("the choices sheet has no column '{column}'"));
        }
        Ok(Split {
            parent,
            column: column.to_owned(),
            choices: choices.to_vec(),
        })
    }

    /// Places one copy of a question per answer of the parent of its cascading filter, each with the
    /// matching options and shown when the parent has that answer. Ids: `{id}_{code}`.
    fn place_split(&mut self, q: Question, conds: &[String], split: Split, name: &str, row: usize) {
        let VarKind::Choice { codes, .. } = &split.parent.kind else {
            return;
        };
        for code in codes {
            let options: Vec<AnswerOption> = split
                .choices
                .iter()
                .filter(|c| c.attrs.get(&split.column).is_some_and(|v| v == code))
                .map(|c| c.option.clone())
                .collect();
            if options.is_empty() {
                continue;
            }
            let mut id = format!("{}_{}", q.id, code.replace(['-', '.'], "_"));
            if !valid_id(&id) || self.used_ids.contains(&id) {
                id = format!("{}_{}", q.id, self.used_ids.len());
            }
            let mut part = q.clone();
            set_options(&mut part.kind, options);
            let problem = match too_few_options(&part.kind) {
                Some(why) => Some(why.to_owned()),
                None if !valid_id(&id) => Some(format!("'{id}' is too long for an Opros id")),
                None => None,
            };
            if let Some(why) = problem {
                let col = self.book.survey.header(&["choice_filter"]);
                self.report(
                    "survey",
                    row,
                    &col,
                    format!("the part of '{name}' for {} = '{code}' is left out", split.parent.id),
                    why,
                );
                continue;
            }
            self.used_ids.insert(id.clone());
            part.id = id;
            let mut all = conds.to_vec();
            all.push(format!("{} == {}", split.parent.id, translate::quote(code)));
            part.show_if = translate::all_of(&all).map(|c| Condition::new(&c));
            self.place(part, row);
        }
        self.split.insert(name.to_owned(), split.parent.id);
    }

    fn appearance(&mut self, row: &Row, kind: &str, appearance: &[String]) {
        for a in appearance {
            let why = match (kind, a.as_str()) {
                ("text", "multiline") | ("select_one", "likert") => continue,
                (_, a) if is_cosmetic(a) => continue,
                ("date", "month-year" | "year") => {
                    "Opros asks for a full date; a month or a year alone is not part of Opros"
                }
                (_, "ethiopian" | "coptic" | "islamic" | "bikram-sambat" | "myanmar" | "persian") => {
                    "Opros dates use the Gregorian calendar"
                }
                (_, a) if a.starts_with("search(") => {
                    "it reads choices from an attached CSV file; Opros forms have no attached files"
                }
                (_, "signature" | "draw" | "annotate") => "drawings are not part of Opros",
                (_, "counter") => "Opros has no counter widget; the question is an ordinary number",
                _ => "Opros has no such display",
            };
            self.survey_report(
                row.number,
                &["appearance"],
                Fail {
                    what: format!("the appearance '{a}' is not supported"),
                    why: why.to_owned(),
                },
            );
        }
    }

    fn required(&mut self, row: &Row) -> bool {
        let v = row.cell(self.cols.required).to_lowercase();
        match v.as_str() {
            "" | "no" | "false" | "0" | "false()" => false,
            "yes" | "true" | "1" | "true()" => true,
            _ => {
                let raw = row.cell(self.cols.required).to_owned();
                self.survey_report(
                    row.number,
                    &["required"],
                    Fail {
                        what: format!("'{raw}' is not supported"),
                        why: "Opros questions are required or not; a condition for requiring an answer is not part of \
                          Opros (use relevant to show the question only when it applies)"
                            .into(),
                    },
                );
                false
            }
        }
    }

    fn constraint(&mut self, row: &Row, kind: &mut QuestionKind) {
        let source = row.cell(self.cols.constraint).to_owned();
        if source.is_empty() {
            return;
        }
        let fails = match xpath::parse(&source) {
            Ok(e) => translate::constraint(&e, kind),
            Err(why) => vec![Fail {
                what: format!("'{source}' cannot be read"),
                why,
            }],
        };
        for f in fails {
            self.survey_report(row.number, &["constraint"], f);
        }
        let empty = match kind {
            QuestionKind::Number(n) => n.min.zip(n.max).is_some_and(|(a, b)| a > b),
            QuestionKind::Date(d) => d.min.zip(d.max).is_some_and(|(a, b)| a > b),
            QuestionKind::MultipleChoice(m) => {
                let n = m.options.len() + usize::from(m.other.is_some());
                m.max_choices.is_some_and(|x| x == 0 || x > n)
                    || m.min_choices.is_some_and(|x| x > m.max_choices.unwrap_or(n))
            }
            _ => false,
        };
        if empty {
            self.survey_report(row.number, &["constraint"], Fail {
                what: format!("'{source}' allows no answer"),
                why: "its limits contradict each other (or the range parameters, or the number of choices); they are dropped".into(),
            });
            clear_limits(kind);
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Calculations

    fn calculate(&mut self, row: &Row) {
        let name = row.cell(self.cols.name).to_owned();
        let source = row.cell(self.cols.calculation).to_owned();
        let parsed = xpath::parse(&source).map_err(|why| Fail {
            what: format!("'{source}' cannot be read"),
            why,
        });
        let result = parsed.and_then(|e| translate::derived(&e, &self.scope(&name, row.number)));
        let parts = match result {
            Ok(p) => p,
            Err(f) => {
                self.survey_report(row.number, &["calculation"], f);
                return;
            }
        };
        let Some(id) = self.id_for(row) else { return };
        let label = self.texts(&self.book.survey, row, "label");
        let derived = Derived {
            id: id.clone(),
            from: parts.from,
            label,
            rule: parts.rule,
        };
        self.known.insert(
            name,
            Var {
                id,
                kind: VarKind::Choice {
                    codes: derived.codes().into_iter().map(str::to_owned).collect(),
                    scale: false,
                },
            },
        );
        self.derived.push((derived, row.number));
    }
}

/// pyxform accepts `select one`, `begin group` and the like: one spelling for each.
fn normalized_type(raw: &str) -> String {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let lower = |i: usize| words.get(i).map(|w| w.to_lowercase()).unwrap_or_default();
    let (head, rest) = match (lower(0).as_str(), lower(1).as_str()) {
        ("select", "one") => ("select_one".to_owned(), 2),
        ("select", "multiple") => ("select_multiple".to_owned(), 2),
        ("select_all_that_apply", _) => ("select_multiple".to_owned(), 1),
        ("begin", "group") => ("begin_group".to_owned(), 2),
        ("end", "group") => ("end_group".to_owned(), 2),
        ("begin", "repeat") => ("begin_repeat".to_owned(), 2),
        ("end", "repeat") => ("end_repeat".to_owned(), 2),
        (w, _) => (w.to_owned(), 1),
    };
    // List names keep their case: they are matched against the choices sheet as written.
    std::iter::once(head)
        .chain(words.iter().skip(rest).map(|w| (*w).to_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a question type is outside Opros, when it is.
fn unsupported_type(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "geopoint" | "geotrace" | "geoshape" | "start-geopoint" | "background-geopoint" => {
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
        .strip_prefix("columns-")
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

    #[test]
    fn type_spellings() {
        assert_eq!(
            normalized_type("Select One  Yes_No or_other"),
            "select_one Yes_No or_other"
        );
        assert_eq!(normalized_type("begin group"), "begin_group");
        assert_eq!(
            normalized_type("select_all_that_apply fruits"),
            "select_multiple fruits"
        );
    }
}
