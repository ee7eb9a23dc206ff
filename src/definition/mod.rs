//! Survey definitions: the sociologist's YAML format, parsed into a typed [`Definition`] and validated.
//!
//! Nothing here does I/O: callers read files and pass their text (and name, for messages).
//!
//! # Format
//! ```yaml
//! slug: transport-2026              # a-z, 0-9, '-'; 1..64 characters; the address /s/{slug}
//! title: {ru: "Общественный транспорт", en: "Public transport"}
//! description: {ru: ..., en: ...}   # optional
//! topic: transport                  # healthcare | transport | housing | utilities | ecology | economy | …
//! topic_label: {ru: Транспорт, en: Transport}   # optional: the topic's name on pages (else the built-in name)
//! languages: [ru, en]               # the first is the default; every text must have it
//! opens: 2026-01-10                 # optional
//! closes: 2026-12-31                # optional
//! anonymous: true                   # default true
//! invitation_only: false            # true: only people with an invitation link (`opros survey invite`) may answer
//! thank_you: {ru: ..., en: ...}     # optional
//! pages:
//!   - id: about_you
//!     title: {ru: ..., en: ...}     # optional
//!     randomize_questions: false    # shuffle this page's questions per respondent
//!     questions:
//!       - id: sex                   # a letter, then letters, digits, _
//!         type: single_choice
//!         text: {ru: "Ваш пол", en: "Your sex"}
//!         hint: {ru: ..., en: ...}  # optional
//!         required: true            # default false
//!         options:
//!           - {code: m, label: {ru: Мужской, en: Male}}
//!           - {code: f, label: {ru: Женский, en: Female}}
//!       - id: modes
//!         type: multiple_choice
//!         max_choices: 3            # optional, also min_choices
//!         randomize: true           # option order per respondent; `anchored: true` options stay put
//!         options: [..., {code: none, label: ..., anchored: true, exclusive: true}]
//!         other: {code: other, label: {ru: Другое, en: Other}}   # "other, specify" with a text box
//!         show_if: "uses_transport == 'yes' and age >= 18"
//!         track: transport_modes    # optional: the same question across surveys (trends)
//!       - id: satisfaction
//!         type: scale
//!         points: [{code: 1, label: ...}, ..., {code: 5, label: ...}]   # numeric codes (means)
//!         hard_to_say: {code: dk, label: {ru: "Затрудняюсь ответить", en: "Hard to say"}}
//!       - {id: aspects, type: matrix, rows: [{code: punctuality, label: ...}], points: [...]}
//!       - {id: age, type: number, min: 18, max: 110, integer: true, unit: {ru: лет, en: years}}
//!       - {id: comment, type: text, long: true, max_length: 1000}
//!       - {id: priorities, type: ranking, options: [...], rank_all: false}
//!       - {id: last_trip, type: date, min: 2020-01-01, max: 2026-12-31}
//!       - {id: intro_note, type: info, text: ...}
//! page_blocks:                      # optional: consecutive pages shown in random order
//!   - [p2, p3, p4]
//! derived:
//!   - {id: age_group, from: age, bins: [{code: "18-29", min: 18, max: 29}, {code: "60+", min: 60}]}
//!   - {id: area, from: district, groups: {centre: [d1, d2], periphery: [d3, d4, d5]}}
//! quotas:
//!   - {id: men_young_d1, when: "sex == 'm' and age_group == '18-29'", limit: 300}
//!   - {id: per_district, question: district, limit: 500}   # a cap per category
//! weighting:                        # crate::weighting::Scheme
//!   method: raking
//!   variables: [sex, age_group, district]
//!   population: populations/example.yaml   # relative to the definition's directory
//! design: {weight: pw, strata: stratum, psu: cluster, fpc: fpc}   # interviews only: import file columns
//! report:
//!   breakdowns: [sex, age_group, district]
//!   min_cell: 10                    # default 10
//!   publish: all                    # all | none | [question ids]
//! quality:                          # crate::quality::QualitySettings (all optional)
//!   speeder_fraction: 0.3           # speeder: total time < fraction × median, 0 < f < 1
//!   duplicate_hours: 24             # same answers and fingerprint within this window
//!   exclude: [speeders]             # flags left out of summaries without review (default none)
//! ```
//! Conditions (`show_if`, quota `when`) are described in [`condition`]; answers and their JSON form in
//! [`answer`]; derived variables in [`derived`]; population files in [`population`].
//!
//! # Using a definition
//! - [`parse_definition`] → [`Definition`] (JSON round trip gives an equal value: store it as JSON);
//!   [`parse_population`] and [`check_population`] for its population file ([`population_path`] finds it);
//! - [`Definition::questions`], [`Definition::question`], [`Definition::visible`] (evaluates `show_if`
//!   with derived variables), [`Definition::categories`] and [`derived::category`] (weighting, quotas,
//!   breakdowns), [`Definition::quota_keys`], [`Definition::text`] (text in a language with fallback);
//! - [`Question::check_answer`] checks one [`Answer`] against its question (codes, limits, lengths,
//!   dates); [`answer`] documents the JSON form of [`Answers`].
//!
//! # Rules checked (all problems are reported at once, with file, line and question)
//! slug syntax; languages; opens ≤ closes; texts in the default language (and only in listed languages);
//! unique page, question, derived, option, row and point codes; non-empty option lists; `max_choices` in
//! 1..=options; min ≤ max for numbers and dates; numeric scale codes; keys unknown for the question type;
//! `show_if` syntax, unknown references, references to later questions (or to shuffled ones), type errors;
//! derived `from`, bins and groups; quota `when`/`question`; weighting variables single-choice or derived;
//! report breakdowns and published ids; population categories against option codes ([`check_population`]).

pub mod answer;
pub mod condition;
pub mod derived;
pub mod error;
pub mod indices;
pub mod locate;
pub mod model;
pub mod population;
mod publish;
mod sample;
pub mod texts;
mod validate;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use serde_norway::Value;

pub use answer::{Answer, AnswerError, Answers};
pub use condition::{Condition, Expr};
pub use error::{DefinitionErrors, Problem};
pub use model::*;
pub use population::{check_population, parse_population};
pub use sample::SampleKind;
pub use texts::{OrderedMap, Texts};
pub use validate::{missing_texts, missing_translations, valid_id, valid_slug};

use crate::weighting::scheme::Scheme;

/// The top level of a definition, with the items kept as raw YAML so that each can be read on its own and
/// a mistake in one does not hide the others.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Skeleton {
    slug: String,
    title: Texts,
    #[serde(default)]
    description: Option<Texts>,
    topic: String,
    #[serde(default)]
    topic_label: Option<Texts>,
    languages: Vec<String>,
    #[serde(default)]
    opens: Option<NaiveDate>,
    #[serde(default)]
    closes: Option<NaiveDate>,
    #[serde(default = "yes")]
    anonymous: bool,
    #[serde(default)]
    invitation_only: bool,
    #[serde(default)]
    sample: Option<SampleKind>,
    #[serde(default)]
    thank_you: Option<Texts>,
    pages: Vec<PageSkeleton>,
    #[serde(default)]
    page_blocks: Vec<Vec<String>>,
    #[serde(default)]
    derived: Vec<Value>,
    #[serde(default)]
    quotas: Vec<Value>,
    #[serde(default)]
    indices: Vec<Value>,
    #[serde(default)]
    weighting: Option<Value>,
    #[serde(default)]
    design: Option<Value>,
    #[serde(default)]
    report: Option<Value>,
    #[serde(default)]
    quality: Option<Value>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageSkeleton {
    id: String,
    #[serde(default)]
    title: Option<Texts>,
    #[serde(default)]
    randomize_questions: bool,
    #[serde(default)]
    questions: Vec<Value>,
}

/// A problem from the YAML parser, with its line when it gives one.
pub(crate) fn yaml_error(e: &serde_norway::Error, file: &str) -> DefinitionErrors {
    let text = e.to_string();
    // serde_norway appends " at line L column C"; the line goes into the Problem instead.
    let message = match (e.location(), text.rfind(" at line ")) {
        (Some(_), Some(pos)) => text.get(..pos).unwrap_or(&text).to_owned(),
        _ => text.clone(),
    };
    let line = e.location().map(|l| l.line());
    DefinitionErrors {
        problems: vec![Problem::new(file, line, None, message)],
    }
}

/// Deepest `[`/`{` nesting accepted before the YAML parser sees the text. The YAML parser's own recursion
/// limit (128) rejects such documents anyway, but its scanner needs time quadratic in the flow depth first
/// (200 KB of `{a: ` took ~10 s), so a hostile upload is refused here in linear time.
pub const MAX_FLOW_DEPTH: usize = 128;

/// The line where unquoted flow brackets first nest deeper than [`MAX_FLOW_DEPTH`], if they do. Quotes
/// count only where a YAML quoted scalar can start (after a space, `[`, `{`, `,`, `:` or at a line start),
/// so an apostrophe inside a plain word ("don't") does not hide brackets; `#` comments are skipped.
fn too_deep_flow_nesting(source: &str) -> Option<usize> {
    let (mut depth, mut line, mut prev) = (0usize, 1usize, '\n');
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        let at_token_start = prev.is_whitespace() || matches!(prev, '[' | '{' | ',' | ':');
        match c {
            '\n' => line += 1,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(line);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            '#' if prev.is_whitespace() => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            '\'' | '"' if at_token_start => {
                // Skip the quoted scalar; '' and \" are escapes inside it.
                while let Some(q) = chars.next() {
                    match q {
                        '\n' => line += 1,
                        // An escaped character (a line break after `\` still counts as a line).
                        '\\' if c == '"' => line += usize::from(chars.next() == Some('\n')),
                        q if q == c => {
                            if c == '\'' && chars.peek() == Some(&'\'') {
                                chars.next();
                            } else {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// Parses and validates a definition. `file_name` is used in messages only.
///
/// Returns every problem found: a YAML syntax or top-level error stops early (nothing else can be read),
/// while problems inside questions, derived variables, quotas, weighting and report are all collected.
pub fn parse_definition(source: &str, file_name: &str) -> Result<Definition, DefinitionErrors> {
    if let Some(line) = too_deep_flow_nesting(source) {
        return Err(DefinitionErrors {
            problems: vec![Problem::new(
                file_name,
                Some(line),
                None,
                format!("brackets nested more than {MAX_FLOW_DEPTH} levels deep; a questionnaire never needs that"),
            )],
        });
    }
    let skeleton: Skeleton = serde_norway::from_str(source).map_err(|e| yaml_error(&e, file_name))?;
    let mut problems = Vec::new();
    let mut unreadable = Vec::new();
    let mut read = Reader {
        source,
        file: file_name,
        problems: &mut problems,
        unreadable: &mut unreadable,
    };
    let pages = skeleton
        .pages
        .into_iter()
        .map(|p| Page {
            questions: p
                .questions
                .into_iter()
                .filter_map(|q| read.question(q, &p.id))
                .collect(),
            id: p.id,
            title: p.title,
            randomize_questions: p.randomize_questions,
        })
        .collect();
    let derived = skeleton
        .derived
        .into_iter()
        .filter_map(|d| read.item(d, "derived"))
        .collect();
    let quotas = skeleton
        .quotas
        .into_iter()
        .filter_map(|q| read.item(q, "quotas"))
        .collect();
    let indices = skeleton
        .indices
        .into_iter()
        .filter_map(|i| read.item(i, "indices"))
        .collect();
    let weighting = skeleton.weighting.and_then(|w| read.block::<Scheme>(w, "weighting"));
    let design = skeleton.design.and_then(|d| read.block::<SamplingDesign>(d, "design"));
    let report = skeleton
        .report
        .and_then(|r| read.block::<Report>(r, "report"))
        .unwrap_or_default();
    let quality = skeleton
        .quality
        .and_then(|q| read.block::<crate::quality::QualitySettings>(q, "quality"));
    let mut def = Definition {
        slug: skeleton.slug,
        title: skeleton.title,
        description: skeleton.description,
        topic: skeleton.topic,
        topic_label: skeleton.topic_label,
        languages: skeleton.languages,
        opens: skeleton.opens,
        closes: skeleton.closes,
        anonymous: skeleton.anonymous,
        invitation_only: skeleton.invitation_only,
        sample: skeleton.sample,
        thank_you: skeleton.thank_you,
        pages,
        page_blocks: skeleton.page_blocks,
        derived,
        quotas,
        indices,
        weighting,
        design,
        report,
        quality,
    };
    let mut semantic = validate::validate(&def, source, file_name);
    // A question that could not be read is already reported; references to it are not new problems.
    semantic.retain(|p| {
        !unreadable.iter().any(|id| {
            p.message.contains(&format!("'{id}', which is not a question"))
                || p.message.contains(&format!("'{id}' is not a question"))
        })
    });
    problems.extend(semantic);
    normalize_texts(&mut def);
    error::into_result(def, problems)
}

/// Reads the raw items of a definition, collecting problems.
struct Reader<'a> {
    source: &'a str,
    file: &'a str,
    problems: &'a mut Vec<Problem>,
    /// Ids of items that could not be read (already reported).
    unreadable: &'a mut Vec<String>,
}

/// Keys every question may have.
const COMMON_KEYS: [&str; 7] = ["id", "type", "text", "hint", "required", "show_if", "track"];

/// Keys specific to each question type.
fn type_keys(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "single_choice" => &["options", "randomize", "other", "codebook"],
        "multiple_choice" => &[
            "options",
            "randomize",
            "other",
            "max_choices",
            "min_choices",
            "codebook",
        ],
        "scale" => &["points", "hard_to_say", "balance"],
        "matrix" => &["rows", "points", "hard_to_say", "randomize"],
        "number" => &["min", "max", "integer", "unit"],
        "text" => &["long", "max_length", "codebook"],
        "ranking" => &["options", "rank_all", "randomize"],
        "date" => &["min", "max"],
        "info" => &[],
        _ => return None,
    })
}

fn str_key<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

impl Reader<'_> {
    fn question(&mut self, raw: Value, page: &str) -> Option<Question> {
        let id = str_key(&raw, "id").map(str::to_owned);
        let line = match &id {
            Some(id) => locate::item(self.source, "pages", id),
            None => locate::item(self.source, "pages", page),
        };
        let Some(id) = id else {
            self.problems.push(Problem::new(
                self.file,
                line,
                None,
                format!("a question on page '{page}' has no id"),
            ));
            return None;
        };
        self.unknown_keys(&raw, &id, line);
        match serde_norway::from_value::<Question>(raw) {
            Ok(q) => Some(q),
            Err(e) => {
                self.problems.push(Problem::new(self.file, line, Some(&id), clean(&e)));
                self.unreadable.push(id);
                None
            }
        }
    }

    fn unknown_keys(&mut self, raw: &Value, id: &str, line: Option<usize>) {
        let (Some(map), Some(kind)) = (raw.as_mapping(), str_key(raw, "type")) else {
            return;
        };
        let Some(specific) = type_keys(kind) else {
            return; // the unknown type itself is reported by serde with the list of types
        };
        for key in map.keys() {
            let name = key.as_str().unwrap_or("?");
            if !COMMON_KEYS.contains(&name) && !specific.contains(&name) {
                let allowed: Vec<&str> = COMMON_KEYS.iter().chain(specific).copied().collect();
                self.problems.push(Problem::new(
                    self.file,
                    line,
                    Some(id),
                    format!(
                        "unknown key '{name}' for a {kind} question (allowed: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }

    /// A derived variable or quota.
    fn item<T: serde::de::DeserializeOwned>(&mut self, raw: Value, section: &str) -> Option<T> {
        let id = str_key(&raw, "id").unwrap_or("?").to_owned();
        match serde_norway::from_value::<T>(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = locate::item(self.source, section, &id).or_else(|| locate::top_key(self.source, section));
                let what = match section {
                    "derived" => "derived variable",
                    "indices" => "index",
                    _ => "quota",
                };
                self.problems.push(Problem::new(
                    self.file,
                    line,
                    None,
                    format!("{what} '{id}': {}", clean(&e)),
                ));
                self.unreadable.push(id);
                None
            }
        }
    }

    /// The weighting or report block.
    fn block<T: serde::de::DeserializeOwned>(&mut self, raw: Value, key: &str) -> Option<T> {
        match serde_norway::from_value::<T>(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = locate::top_key(self.source, key);
                self.problems
                    .push(Problem::new(self.file, line, None, format!("{key}: {}", clean(&e))));
                None
            }
        }
    }
}

/// A serde message without serde_norway's location suffix (values read from a tree have none anyway).
fn clean(e: &serde_norway::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(pos) if e.location().is_some() => text.get(..pos).unwrap_or(&text).to_owned(),
        _ => text,
    }
}

/// Puts the default language first in every text, so [`Texts::get`] falls back to it.
fn normalize_texts(def: &mut Definition) {
    let lang = def.default_language().to_owned();
    let fix = |t: &mut Texts| t.0.move_to_front(&lang);
    fix(&mut def.title);
    for t in [&mut def.description, &mut def.thank_you].into_iter().flatten() {
        fix(t);
    }
    for page in &mut def.pages {
        if let Some(t) = &mut page.title {
            fix(t);
        }
        for q in &mut page.questions {
            fix(&mut q.text);
            if let Some(h) = &mut q.hint {
                fix(h);
            }
            for o in options_mut(&mut q.kind) {
                fix(&mut o.label);
            }
            if let QuestionKind::Number(Number { unit: Some(u), .. }) = &mut q.kind {
                fix(u);
            }
        }
    }
    for d in &mut def.derived {
        if let Some(l) = &mut d.label {
            fix(l);
        }
        if let DerivedRule::Bins(bins) = &mut d.rule {
            for l in bins.iter_mut().filter_map(|b| b.label.as_mut()) {
                fix(l);
            }
        }
    }
}

/// Every option-like item of a question (options, other, points, hard to say, rows).
fn options_mut(kind: &mut QuestionKind) -> Vec<&mut AnswerOption> {
    kind.as_type_mut().map_or_else(Vec::new, |t| t.items_mut())
}

/// Where the population file of a definition is: `weighting.population` resolved against the directory
/// of the definition file (e.g. `surveys/transport.yaml` + `populations/example.yaml`).
pub fn population_path(def: &Definition, definition_file: &Path) -> Option<PathBuf> {
    let rel = def.weighting.as_ref()?.population.as_ref()?;
    let dir = definition_file.parent().unwrap_or_else(|| Path::new("."));
    Some(dir.join(rel))
}
