//! Cross-checks of a parsed definition. Every rule adds problems and carries on, so one run reports all
//! of them.

mod conditions;
mod missing;
mod rules;
mod variables;

use conditions::*;
pub use missing::{missing_texts, missing_translations};
use rules::*;
use variables::*;
pub(crate) use variables::{position, var_type};

use std::collections::{BTreeMap, BTreeSet};

use super::condition::{self, Condition, VarType};
use super::error::Problem;
use super::locate;
use super::model::{Definition, Derived, DerivedRule, Publish, Question, QuestionKind};
use super::texts::Texts;

/// Collects problems with their locations.
pub(crate) struct Ctx<'a> {
    pub def: &'a Definition,
    pub source: &'a str,
    pub file: &'a str,
    pub problems: Vec<Problem>,
}

impl<'a> Ctx<'a> {
    pub fn new(def: &'a Definition, source: &'a str, file: &'a str) -> Self {
        Ctx {
            def,
            source,
            file,
            problems: Vec::new(),
        }
    }

    fn question(&mut self, id: &str, message: impl Into<String>) {
        let line = locate::item(self.source, "pages", id);
        self.problems.push(Problem::new(self.file, line, Some(id), message));
    }

    fn item(&mut self, section: &str, id: &str, message: impl Into<String>) {
        let line = locate::item(self.source, section, id).or_else(|| locate::top_key(self.source, section));
        self.problems.push(Problem::new(self.file, line, None, message));
    }

    fn derived(&mut self, id: &str, message: impl Into<String>) {
        let line = locate::item(self.source, "derived", id);
        self.problems.push(Problem::new(self.file, line, Some(id), message));
    }

    fn top(&mut self, key: &str, message: impl Into<String>) {
        let line = locate::top_key(self.source, key);
        self.problems.push(Problem::new(self.file, line, None, message));
    }
}

/// Runs every rule; returns all problems (empty when the definition is fine).
pub(crate) fn validate(def: &Definition, source: &str, file: &str) -> Vec<Problem> {
    let mut cx = Ctx::new(def, source, file);
    check_header(&mut cx);
    check_texts(&mut cx);
    check_pages(&mut cx);
    check_questions(&mut cx);
    check_derived(&mut cx);
    check_conditions(&mut cx);
    check_quotas(&mut cx);
    check_weighting(&mut cx);
    check_design(&mut cx);
    check_report(&mut cx);
    cx.problems.extend(super::indices::check(def, source, file));
    if let Some(problem) = def.quality.as_ref().and_then(|q| q.problem()) {
        cx.top("quality", problem);
    }
    cx.problems
}

/// `[a-z0-9-]`, 1 to 64 characters.
pub fn valid_slug(slug: &str) -> bool {
    (1..=64).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Question, page and derived ids: a letter then letters, digits and `_` (they appear in conditions and as
/// CSV column names).
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id.len() <= 64
}

fn check_header(cx: &mut Ctx) {
    let def = cx.def;
    if !valid_slug(&def.slug) {
        cx.top(
            "slug",
            format!(
                "slug '{}' must be 1 to 64 characters of a-z, 0-9 and '-' (it becomes the address /s/{{slug}})",
                def.slug
            ),
        );
    }
    if def.topic.trim().is_empty() {
        cx.top("topic", "topic is empty (e.g. transport, healthcare, housing)");
    }
    if def.languages.is_empty() {
        cx.top(
            "languages",
            "languages is empty: list at least one, the default first (e.g. [ru, en])",
        );
    }
    let mut seen = BTreeSet::new();
    for lang in &def.languages {
        if !(2..=3).contains(&lang.len()) || !lang.chars().all(|c| c.is_ascii_lowercase()) {
            cx.top(
                "languages",
                format!("language '{lang}' is not a 2–3 letter code such as ru or en"),
            );
        }
        if !seen.insert(lang) {
            cx.top("languages", format!("language '{lang}' is listed twice"));
        }
    }
    if let (Some(o), Some(c)) = (def.opens, def.closes) {
        if o > c {
            cx.top("closes", format!("closes ({c}) is before opens ({o})"));
        }
    }
}

/// Where a text sits, for messages.
struct TextRef<'a> {
    question: Option<&'a str>,
    /// The page, for page titles.
    page: Option<&'a str>,
    what: String,
    texts: &'a Texts,
}

fn all_texts(def: &Definition) -> Vec<TextRef<'_>> {
    let mut out = Vec::new();
    let top = |what: &str, texts| TextRef {
        question: None,
        page: None,
        what: what.to_owned(),
        texts,
    };
    out.push(top("title", &def.title));
    if let Some(t) = &def.description {
        out.push(top("description", t));
    }
    if let Some(t) = &def.thank_you {
        out.push(top("thank_you", t));
    }
    if let Some(t) = &def.topic_label {
        out.push(top("topic_label", t));
    }
    for page in &def.pages {
        if let Some(t) = &page.title {
            out.push(TextRef {
                question: None,
                page: Some(&page.id),
                what: format!("title of page '{}'", page.id),
                texts: t,
            });
        }
        for q in &page.questions {
            question_texts(q, &mut out);
        }
    }
    for d in &def.derived {
        if let Some(t) = &d.label {
            out.push(TextRef {
                question: Some(&d.id),
                page: None,
                what: "label".into(),
                texts: t,
            });
        }
        if let DerivedRule::Bins(bins) = &d.rule {
            for b in bins {
                if let Some(t) = &b.label {
                    out.push(TextRef {
                        question: Some(&d.id),
                        page: None,
                        what: format!("label of bin '{}'", b.code),
                        texts: t,
                    });
                }
            }
        }
    }
    out
}

fn question_texts<'a>(q: &'a Question, out: &mut Vec<TextRef<'a>>) {
    let id = q.id.as_str();
    out.push(TextRef {
        question: Some(id),
        page: None,
        what: "text".into(),
        texts: &q.text,
    });
    if let Some(h) = &q.hint {
        out.push(TextRef {
            question: Some(id),
            page: None,
            what: "hint".into(),
            texts: h,
        });
    }
    for (what, texts) in q.kind.as_type().texts() {
        out.push(TextRef {
            question: Some(id),
            page: None,
            what,
            texts,
        });
    }
}

fn check_texts(cx: &mut Ctx) {
    let def = cx.def;
    let default = def.default_language();
    if def.languages.is_empty() {
        return;
    }
    for t in all_texts(def) {
        if t.texts.exact(default).is_none_or(|s| s.trim().is_empty()) {
            let msg = format!("{} has no text in the default language '{default}'", t.what);
            push_text_problem(cx, &t, msg);
        }
        for lang in t.texts.languages() {
            if !def.languages.iter().any(|l| l == lang) {
                let msg = format!(
                    "{} has a text in '{lang}', which is not in languages ({})",
                    t.what,
                    def.languages.join(", ")
                );
                push_text_problem(cx, &t, msg);
            }
        }
    }
}

fn push_text_problem(cx: &mut Ctx, t: &TextRef, msg: String) {
    match (t.question, t.page) {
        (Some(q), _) if cx.def.derived_variable(q).is_some() => cx.derived(q, msg),
        (Some(q), _) => cx.question(q, msg),
        (None, Some(page)) => {
            let line = locate::item(cx.source, "pages", page);
            cx.problems.push(Problem::new(cx.file, line, None, msg));
        }
        (None, None) => {
            let key = msg.split_whitespace().next().unwrap_or("title").to_owned();
            cx.top(&key, msg)
        }
    }
}

fn check_pages(cx: &mut Ctx) {
    let def = cx.def;
    if def.pages.is_empty() {
        cx.top("pages", "the survey has no pages");
    }
    let mut seen = BTreeSet::new();
    for page in &def.pages {
        let line = locate::item(cx.source, "pages", &page.id);
        if !valid_id(&page.id) {
            cx.problems.push(Problem::new(
                cx.file,
                line,
                None,
                format!(
                    "page id '{}' must start with a letter and contain only a-z, 0-9, _",
                    page.id
                ),
            ));
        }
        if !seen.insert(page.id.as_str()) {
            cx.problems.push(Problem::new(
                cx.file,
                line,
                None,
                format!("page id '{}' is used twice", page.id),
            ));
        }
        if page.questions.is_empty() {
            cx.problems.push(Problem::new(
                cx.file,
                line,
                None,
                format!("page '{}' has no questions", page.id),
            ));
        }
    }
    check_page_blocks(cx);
}

fn check_page_blocks(cx: &mut Ctx) {
    let def = cx.def;
    let mut used = BTreeSet::new();
    for block in &def.page_blocks {
        let mut indices = Vec::new();
        for id in block {
            match def.pages.iter().position(|p| &p.id == id) {
                Some(i) => indices.push(i),
                None => cx.top(
                    "page_blocks",
                    format!("page_blocks names page '{id}', which does not exist"),
                ),
            }
            if !used.insert(id.as_str()) {
                cx.top("page_blocks", format!("page '{id}' is in more than one page block"));
            }
        }
        if block.len() < 2 {
            cx.top("page_blocks", "a page block needs at least two pages to shuffle");
        }
        indices.sort_unstable();
        if indices.windows(2).any(|w| matches!(w, [a, b] if b - a != 1)) {
            cx.top(
                "page_blocks",
                format!(
                    "the pages of block [{}] must follow each other in the survey",
                    block.join(", ")
                ),
            );
        }
    }
}

fn check_questions(cx: &mut Ctx) {
    let def = cx.def;
    let mut seen = BTreeSet::new();
    for (_, q) in def.questions() {
        if !valid_id(&q.id) {
            cx.question(
                &q.id,
                "the id must start with a letter and contain only a-z, A-Z, 0-9 and _ (at most 64)",
            );
        }
        if !seen.insert(q.id.as_str()) {
            let line = locate::nth_item(cx.source, "pages", &q.id, 1);
            cx.problems.push(Problem::new(
                cx.file,
                line,
                Some(&q.id),
                format!("question id '{}' is used twice", q.id),
            ));
        }
        if let Some(t) = &q.track {
            if !valid_slug(t) && !valid_id(t) {
                cx.question(&q.id, format!("track '{t}' must be a-z, 0-9, '-' or '_'"));
            }
        }
        check_kind(cx, q);
    }
}

fn check_kind(cx: &mut Ctx, q: &Question) {
    let def = cx.def;
    q.kind
        .as_type()
        .check_definition(q, def, &mut |m| cx.question(&q.id, m));
}
