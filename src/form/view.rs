//! View models: what the templates (`templates/form.hbs`, `templates/partials/q_*.hbs`) receive for a form
//! page. Everything here is plain data; handlebars escapes every value.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::condjs::{answer_json, expr_json};
use super::fields::Fields;
use super::messages::ui;
use super::parse::{answer_fields, expected_fields, input_id, FieldError};
use super::random::Orders;
use crate::definition::{AnswerOption, Answers, Definition, Question};

/// Everything needed to render one page.
#[derive(Clone, Copy)]
pub struct PageInput<'a> {
    pub def: &'a Definition,
    pub slug: &'a str,
    pub lang: &'a str,
    /// Index into `def.pages`.
    pub page: usize,
    pub orders: &'a Orders,
    /// Answers of the whole response so far (this page's refill comes from them unless `submitted`).
    pub answers: &'a Answers,
    /// What was just sent, when the page comes back with errors.
    pub submitted: Option<&'a Fields>,
    pub errors: &'a [FieldError],
    pub progress: (usize, usize),
    pub is_last: bool,
    pub can_go_back: bool,
    pub csrf: &'a str,
    pub shown: &'a str,
    pub resume_url: &'a str,
}

/// The questions of a page in this respondent's order.
pub fn page_questions<'d>(def: &'d Definition, page: usize, orders: &Orders) -> Vec<&'d Question> {
    let Some(p) = def.pages.get(page) else {
        return Vec::new();
    };
    Orders::arrange(orders.questions.get(&p.id), &p.questions, |q| q.id.as_str())
        .into_iter()
        .map(|(_, q)| q)
        .collect()
}

/// The questions a page shows to this respondent, in order, each with its client-side condition (a
/// condition that depends on an answer on the same page, as JSON for `static/form.js`), and the earlier
/// answers those conditions read.
struct Plan<'d> {
    questions: Vec<(&'d Question, Option<String>)>,
    js_vars: BTreeMap<String, Value>,
}

/// Which questions of the page are shown: a condition on earlier pages only is decided here; one on this
/// page is left to the script (and decided again on submit).
fn plan<'d>(inp: &PageInput<'d>, page: &'d crate::definition::Page) -> Plan<'d> {
    let def = inp.def;
    let local: HashSet<&str> = page.questions.iter().map(|q| q.id.as_str()).collect();
    // Answers from other pages decide conditions that do not depend on this page.
    let mut prior: Answers = inp.answers.clone();
    for id in &local {
        prior.remove(*id);
    }
    let mut js_vars: BTreeMap<String, Value> = BTreeMap::new();
    let mut full_prior: Option<Answers> = None;
    let mut questions = Vec::new();
    for q in page_questions(def, inp.page, inp.orders) {
        let cond = match &q.show_if {
            None => None,
            Some(c) => match c.expr() {
                None => continue,
                Some(expr) => {
                    let vars = expr.variables();
                    let depends_here = vars.iter().any(|v| is_local(def, &local, &v.question));
                    if !depends_here {
                        if !def.holds(c, &prior) {
                            continue;
                        }
                        None
                    } else if vars
                        .iter()
                        .any(|v| def.derived_variable(&v.question).is_some() && is_local(def, &local, &v.question))
                    {
                        // A derived variable computed from this page: the script cannot compute it, so the
                        // question stays shown and the server decides on submit.
                        None
                    } else {
                        let full =
                            full_prior.get_or_insert_with(|| crate::definition::derived::with_derived(def, &prior));
                        for v in &vars {
                            if !local.contains(v.question.as_str()) {
                                if let Some(a) = full.get(&v.question) {
                                    js_vars.insert(v.question.clone(), answer_json(a));
                                }
                            }
                        }
                        Some(expr_json(expr).to_string())
                    }
                }
            },
        };
        questions.push((q, cond));
    }
    Plan { questions, js_vars }
}

/// What a page looks like apart from the three per-respondent signed values (`csrf`, `shown`,
/// `resume_url`), as a string, or None when it also shows the respondent's own input (answers to refill,
/// values sent back with errors). Two inputs of one definition with the same shape render the same page
/// up to those three values, so a rendered page can be reused (`web::form_render`). Everything
/// [`page_view`] reads is either here or fixed by the definition and the language.
pub fn page_shape(inp: &PageInput<'_>) -> Option<String> {
    let page = inp.def.pages.get(inp.page)?;
    if inp.submitted.is_some()
        || !inp.errors.is_empty()
        || page.questions.iter().any(|q| inp.answers.contains_key(&q.id))
    {
        return None;
    }
    Some(shape_key(inp, page))
}

/// Everything of a page's look but the respondent's input and the three signed values.
fn shape_key(inp: &PageInput<'_>, page: &crate::definition::Page) -> String {
    let plan = plan(inp, page);
    let mut key = format!(
        "{}\u{1}{}\u{1}{}\u{1}{}/{}\u{1}{}{}\u{1}",
        inp.slug, inp.lang, inp.page, inp.progress.0, inp.progress.1, inp.is_last as u8, inp.can_go_back as u8
    );
    for (q, _) in &plan.questions {
        key.push_str(&q.id);
        if let Some(order) = inp.orders.options.get(&q.id) {
            key.push('\u{2}');
            key.push_str(&order.join("\u{2}"));
        }
        key.push('\u{1}');
    }
    key.push_str(&serde_json::to_string(&plan.js_vars).unwrap_or_default());
    key
}

/// Longest [`Refill::key`] kept: choices and messages are part of the key, and junk sent as a choice must
/// not fill the page cache with large keys.
const MAX_REFILL_KEY: usize = 4096;

/// A page sent back with what the respondent sent (and its errors), split for the page cache: the text
/// they typed is cut out (`texts`, replaced in `fields` by the placeholders `slot(i)` gives), and
/// everything else the page shows (the shape of [`page_shape`], the choices made, blank or whitespace-only
/// texts, every error message) is in `key`. Two inputs with the same key render the same page up to the
/// signed values and the texts; [`page_view`] of the input with `fields` as `submitted` renders it.
pub struct Refill {
    pub key: String,
    pub fields: Fields,
    pub texts: Vec<String>,
}

/// See [`Refill`]; None when the page does not come back with input, or the key would be too long.
pub fn refill_shape(inp: &PageInput<'_>, slot: impl Fn(usize) -> String) -> Option<Refill> {
    let submitted = inp.submitted?;
    let page = inp.def.pages.get(inp.page)?;
    let mut key = shape_key(inp, page);
    key.push('\u{3}');
    for e in inp.errors {
        let message = e.message(inp.lang);
        for part in [e.question.as_deref().unwrap_or(""), &e.target, &message] {
            key.push_str(part);
            key.push('\u{2}');
        }
        key.push('\u{1}');
    }
    key.push('\u{3}');
    let mut fields = Fields::default();
    let mut texts = Vec::new();
    for q in &page.questions {
        for (name, typed) in refill_names(q) {
            let sent = submitted.all(&name);
            // The view reads only the first value of a typed field; a blank one is part of the shape, since
            // the view tells blank from filled (an "other" text checks its option).
            let typed_text = sent.first().filter(|v| typed && !v.trim().is_empty());
            let kept = match typed_text {
                Some(text) => {
                    let placeholder = slot(texts.len());
                    texts.push(text.clone());
                    fields.push(name.clone(), placeholder);
                    key.push_str(&name);
                    key.push('\u{4}');
                    continue;
                }
                None if typed => &sent[..sent.len().min(1)],
                None => sent,
            };
            for v in kept {
                fields.push(name.clone(), v.clone());
                key.push_str(&name);
                key.push('\u{2}');
                key.push_str(v);
                key.push('\u{1}');
            }
        }
    }
    (key.len() <= MAX_REFILL_KEY).then_some(Refill { key, fields, texts })
}

/// The fields a question's view reads (those it may send), each with whether it holds text the respondent
/// typed (or a choice).
fn refill_names(q: &Question) -> Vec<(String, bool)> {
    let kind = q.kind.as_type();
    expected_fields(q)
        .into_iter()
        .map(|name| {
            let typed = kind.typed_field(q, &name);
            (name, typed)
        })
        .collect()
}

/// The view model of a page (see `templates/form.hbs`).
#[derive(Serialize)]
pub struct FormPage<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    /// The survey's description, on its first page only.
    pub description: Option<&'a str>,
    pub page_title: Option<&'a str>,
    pub page_id: &'a str,
    pub progress: Progress,
    pub questions: Vec<QuestionView<'a>>,
    /// The error summary above the questions.
    pub errors: Vec<ErrorLine<'a>>,
    pub has_errors: bool,
    pub csrf: &'a str,
    pub shown: &'a str,
    pub action: String,
    pub is_last: bool,
    pub can_go_back: bool,
    pub resume_url: &'a str,
    /// The fixed words of the form pages, by key.
    pub ui: Value,
    /// The survey's languages, when it has more than one.
    pub lang_links: Option<Vec<LangLink<'a>>>,
    /// The earlier answers the page's client-side conditions read, as JSON for `static/form.js`.
    pub vars: String,
    pub form_page: bool,
}

/// "Page k of n".
#[derive(Serialize)]
pub struct Progress {
    pub k: usize,
    pub n: usize,
}

/// One line of the error summary: the question it is about, linked to the input to correct.
#[derive(Serialize)]
pub struct ErrorLine<'a> {
    pub href: String,
    pub question: Option<&'a str>,
    pub message: String,
}

#[derive(Serialize)]
pub struct LangLink<'a> {
    pub code: &'a str,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// The view of one question (`templates/partials/question.hbs`): what every question has, and its type's
/// own part (`templates/partials/q_<type>.hbs`) from `QuestionType::form_view`.
#[derive(Serialize)]
pub struct QuestionView<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The partial that draws the type's inputs (`templates/partials/question.hbs` renders it).
    pub partial: &'static str,
    pub text: &'a str,
    pub hint: Option<&'a str>,
    pub required: bool,
    pub error: Option<String>,
    pub invalid: bool,
    /// The ids of the hint and the error, for `aria-describedby`.
    pub describedby: Option<String>,
    /// The client-side condition (JSON for `static/form.js`), when it depends on this page.
    pub cond: Option<String>,
    pub input_id: String,
    pub name: &'a str,
    pub value: String,
    /// The type's own fields, flattened in beside the common ones.
    #[serde(flatten)]
    pub own: TypeView<'a>,
}

/// A question type's own part of a question's view: a `#[derive(Serialize)]` struct of the type's module
/// whose fields are those its template reads, erased so that the question view needs no enum of every
/// type. It must serialize as a struct (or map) whose fields do not repeat those of [`QuestionView`].
pub type TypeView<'a> = Box<dyn erased_serde::Serialize + 'a>;

/// What a question type's view reads besides its question and settings.
pub struct ViewContext<'a> {
    pub lang: &'a str,
    /// The values to show: a stored answer's fields, or what was just sent.
    pub values: &'a Fields,
    /// This respondent's orders of options and rows.
    pub orders: &'a Orders,
}

/// A radio button or check box of an option (choices, scale points), named by the question's field.
#[derive(Serialize)]
pub struct OptionView<'a> {
    pub code: &'a str,
    pub label: &'a str,
    pub id: String,
    pub name: &'a str,
    pub checked: bool,
    pub exclusive: bool,
}

impl<'a> OptionView<'a> {
    /// Option `o`, at place `i` of the question's options in the definition.
    pub fn new(q: &'a Question, i: usize, o: &'a AnswerOption, cx: &ViewContext<'_>) -> Self {
        OptionView {
            code: &o.code,
            label: o.label.get(cx.lang),
            id: input_id(&q.id, Some(i)),
            name: &q.id,
            checked: cx.values.has_value(&q.id, &o.code),
            exclusive: o.exclusive,
        }
    }
}

/// A text box per option (a ranking's ranks, a constant sum's points): field `q.code`, input id by the
/// option's place in the definition.
#[derive(Serialize)]
pub struct ItemBox<'a> {
    pub code: &'a str,
    pub label: &'a str,
    pub id: String,
    pub name: String,
    pub value: String,
}

impl<'a> ItemBox<'a> {
    /// The boxes of `options` in this respondent's order.
    pub fn boxes(q: &Question, options: &'a [AnswerOption], cx: &ViewContext<'_>) -> Vec<Self> {
        Orders::arrange(cx.orders.options.get(&q.id), options, |o| o.code.as_str())
            .into_iter()
            .map(|(i, o)| {
                let name = format!("{}.{}", q.id, o.code);
                ItemBox {
                    code: &o.code,
                    label: o.label.get(cx.lang),
                    id: input_id(&q.id, Some(i)),
                    value: cx.values.first(&name).unwrap_or("").to_owned(),
                    name,
                }
            })
            .collect()
    }
}

/// The view model of a page (see `templates/form.hbs`); `None` when `inp.page` is not a page of the
/// definition (rendering `None` gives the template-error page, as for any view the template cannot read).
pub fn page_view<'a>(inp: &PageInput<'a>) -> Option<FormPage<'a>> {
    let def = inp.def;
    let lang = inp.lang;
    let page = def.pages.get(inp.page)?;
    let values = match inp.submitted {
        Some(f) => f.clone(),
        None => {
            let mut f = Fields::default();
            for q in &page.questions {
                if let Some(a) = inp.answers.get(&q.id) {
                    answer_fields(q, a, &mut f);
                }
            }
            f
        }
    };
    let errors_by_q: BTreeMap<&str, &FieldError> = inp
        .errors
        .iter()
        .filter_map(|e| e.question.as_deref().map(|q| (q, e)))
        .rev()
        .collect();
    let Plan {
        questions: shown,
        js_vars,
    } = plan(inp, page);
    let cx = ViewContext {
        lang,
        values: &values,
        orders: inp.orders,
    };
    let questions: Vec<QuestionView<'a>> = shown
        .into_iter()
        .map(|(q, cond)| question_view(q, &cx, errors_by_q.get(q.id.as_str()).copied(), cond))
        .collect();
    let errors: Vec<ErrorLine<'a>> = inp
        .errors
        .iter()
        .map(|e| ErrorLine {
            href: if e.target.is_empty() {
                String::new()
            } else {
                format!("#{}", e.target)
            },
            // The summary names the question, so that two "please answer" lines say which two questions.
            question: e
                .question
                .as_deref()
                .and_then(|id| def.question(id))
                .map(|q| q.text.get(lang)),
            message: e.message(lang),
        })
        .collect();
    let lang_links: Vec<LangLink<'a>> = def
        .languages
        .iter()
        .map(|l| LangLink {
            code: l,
            name: language_name(l),
            href: format!("/s/{}?lang={l}", inp.slug),
            current: l == lang,
        })
        .collect();
    Some(FormPage {
        lang,
        title: def.title.get(lang),
        description: if inp.progress.0 == 1 {
            def.description.as_ref().map(|d| d.get(lang))
        } else {
            None
        },
        page_title: page.title.as_ref().map(|t| t.get(lang)),
        page_id: &page.id,
        progress: Progress {
            k: inp.progress.0,
            n: inp.progress.1,
        },
        questions,
        errors,
        has_errors: !inp.errors.is_empty(),
        csrf: inp.csrf,
        shown: inp.shown,
        action: format!("/s/{}", inp.slug),
        is_last: inp.is_last,
        can_go_back: inp.can_go_back,
        resume_url: inp.resume_url,
        ui: ui(lang),
        lang_links: (lang_links.len() > 1).then_some(lang_links),
        vars: serde_json::to_string(&js_vars).unwrap_or_else(|_| "{}".into()),
        form_page: true,
    })
}

/// Whether a condition variable is answered on this page (directly or through a derived variable).
fn is_local(def: &Definition, local: &HashSet<&str>, var: &str) -> bool {
    if local.contains(var) {
        return true;
    }
    match def.derived_variable(var) {
        Some(d) => {
            local.contains(d.from.as_str())
                || def
                    .derived_variable(&d.from)
                    .is_some_and(|d2| local.contains(d2.from.as_str()))
        }
        None => false,
    }
}

/// Display name of a language code in that language.
pub fn language_name(code: &str) -> String {
    match code {
        "ru" => "Русский",
        "en" => "English",
        "tt" => "Татарча",
        "ba" => "Башҡортса",
        "uk" => "Українська",
        "kk" => "Қазақша",
        "de" => "Deutsch",
        "fr" => "Français",
        other => other,
    }
    .to_owned()
}

fn question_view<'a>(
    q: &'a Question,
    cx: &ViewContext<'_>,
    error: Option<&FieldError>,
    cond: Option<String>,
) -> QuestionView<'a> {
    let id = &q.id;
    let hint = q.hint.as_ref().map(|h| h.get(cx.lang));
    let err_msg = error.map(|e| e.message(cx.lang));
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("hint-{id}"));
    }
    if err_msg.is_some() {
        described.push(format!("err-{id}"));
    }
    let kind = q.kind.as_type();
    QuestionView {
        id,
        kind: kind.name(),
        partial: kind.form_partial(),
        text: q.text.get(cx.lang),
        hint,
        required: q.required,
        error: err_msg,
        invalid: error.is_some(),
        describedby: if described.is_empty() {
            None
        } else {
            Some(described.join(" "))
        },
        cond,
        input_id: input_id(id, None),
        name: id,
        value: cx.values.first(id).unwrap_or("").to_owned(),
        own: kind.form_view(q, cx),
    }
}
