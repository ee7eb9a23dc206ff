//! View models: what the templates (`templates/form.hbs`, `templates/partials/q_*.hbs`) receive for a form
//! page. Everything here is plain data; handlebars escapes every value.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use super::condjs::{answer_json, expr_json};
use super::fields::Fields;
use super::messages::ui;
use super::parse::{answer_fields, expected_fields, input_id, FieldError};
use super::random::Orders;
use crate::definition::{AnswerOption, Answers, Definition, Question, QuestionKind};

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

fn label(o: &AnswerOption, lang: &str) -> String {
    o.label.get(lang).to_owned()
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
    expected_fields(q)
        .into_iter()
        .map(|name| {
            let typed = match &q.kind {
                QuestionKind::Text(_) | QuestionKind::Number(_) | QuestionKind::Date(_) | QuestionKind::Ranking(_) => {
                    true
                }
                // The page shows the running total of the boxes, so their values are part of its shape.
                QuestionKind::ConstantSum(_) => false,
                // The choice itself, or the text of its "other" option.
                QuestionKind::SingleChoice(_) | QuestionKind::MultipleChoice(_) => name != q.id,
                QuestionKind::Scale(_) | QuestionKind::Matrix(_) | QuestionKind::Info => false,
            };
            (name, typed)
        })
        .collect()
}

/// The view model of a page (see `templates/form.hbs`).
pub fn page_view(inp: &PageInput<'_>) -> Value {
    let def = inp.def;
    let lang = inp.lang;
    let Some(page) = def.pages.get(inp.page) else {
        return json!({});
    };
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
    let questions: Vec<Value> = shown
        .into_iter()
        .map(|(q, cond)| {
            question_view(
                q,
                lang,
                &values,
                errors_by_q.get(q.id.as_str()).copied(),
                inp.orders,
                cond,
            )
        })
        .collect();
    let summary: Vec<Value> = inp
        .errors
        .iter()
        .map(|e| {
            // The summary names the question, so that two "please answer" lines say which two questions.
            let question = e
                .question
                .as_deref()
                .and_then(|id| def.question(id))
                .map(|q| q.text.get(lang).to_owned());
            json!({
                "href": if e.target.is_empty() { String::new() } else { format!("#{}", e.target) },
                "question": question,
                "message": e.message(lang),
            })
        })
        .collect();
    let lang_links: Vec<Value> = def
        .languages
        .iter()
        .map(|l| {
            json!({"code": l, "name": language_name(l), "href": format!("/s/{}?lang={l}", inp.slug), "current": l == lang})
        })
        .collect();
    json!({
        "lang": lang,
        "title": def.title.get(lang),
        "description": if inp.progress.0 == 1 { def.description.as_ref().map(|d| d.get(lang).to_owned()) } else { None },
        "page_title": page.title.as_ref().map(|t| t.get(lang).to_owned()),
        "page_id": page.id,
        "progress": {"k": inp.progress.0, "n": inp.progress.1},
        "questions": questions,
        "errors": summary,
        "has_errors": !inp.errors.is_empty(),
        "csrf": inp.csrf,
        "shown": inp.shown,
        "action": format!("/s/{}", inp.slug),
        "is_last": inp.is_last,
        "can_go_back": inp.can_go_back,
        "resume_url": inp.resume_url,
        "ui": ui(lang),
        "lang_links": if lang_links.len() > 1 { Value::Array(lang_links) } else { Value::Null },
        "vars": serde_json::to_string(&js_vars).unwrap_or_else(|_| "{}".into()),
        "form_page": true,
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

fn option_view(q: &Question, i: usize, o: &AnswerOption, lang: &str, values: &Fields, name: &str) -> Value {
    json!({
        "code": o.code,
        "label": label(o, lang),
        "id": input_id(&q.id, Some(i)),
        "name": name,
        "checked": values.has_value(name, &o.code),
        "exclusive": o.exclusive,
    })
}

fn question_view(
    q: &Question,
    lang: &str,
    values: &Fields,
    error: Option<&FieldError>,
    orders: &Orders,
    cond: Option<String>,
) -> Value {
    let id = &q.id;
    let hint = q.hint.as_ref().map(|h| h.get(lang).to_owned());
    let err_msg = error.map(|e| e.message(lang));
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("hint-{id}"));
    }
    if err_msg.is_some() {
        described.push(format!("err-{id}"));
    }
    let mut v = json!({
        "id": id,
        "type": q.kind.name(),
        "text": q.text.get(lang),
        "hint": hint,
        "required": q.required,
        "error": err_msg,
        "invalid": error.is_some(),
        "describedby": if described.is_empty() { None } else { Some(described.join(" ")) },
        "cond": cond,
        "input_id": input_id(id, None),
        "name": id,
        "value": values.first(id).unwrap_or(""),
    });
    let extra = match &q.kind {
        QuestionKind::SingleChoice(c) => {
            choice_extra(q, &c.options, c.other.as_ref(), lang, values, orders, false, None)
        }
        QuestionKind::MultipleChoice(c) => choice_extra(
            q,
            &c.options,
            c.other.as_ref(),
            lang,
            values,
            orders,
            true,
            c.max_choices,
        ),
        QuestionKind::Scale(s) => {
            let points: Vec<Value> = s
                .points
                .iter()
                .enumerate()
                .map(|(i, o)| option_view(q, i, o, lang, values, id))
                .collect();
            let hts = s
                .hard_to_say
                .as_ref()
                .map(|o| option_view(q, s.points.len(), o, lang, values, id));
            json!({"points": points, "hts": hts, "npoints": s.points.len()})
        }
        QuestionKind::Matrix(m) => {
            let rows: Vec<Value> = Orders::arrange(orders.options.get(id), &m.rows, |r| r.code.as_str())
                .into_iter()
                .map(|(ri, row)| {
                    let name = format!("{id}.{}", row.code);
                    let cells: Vec<Value> = m
                        .points
                        .iter()
                        .chain(m.hard_to_say.iter())
                        .enumerate()
                        .map(|(pi, p)| {
                            json!({
                                "code": p.code, "label": label(p, lang), "name": name,
                                "id": format!("q-{id}-{ri}-{pi}"),
                                "checked": values.has_value(&name, &p.code),
                                "hts": pi >= m.points.len(),
                            })
                        })
                        .collect();
                    json!({"code": row.code, "label": label(row, lang), "name": name, "cells": cells, "id": format!("q-{id}-row-{ri}")})
                })
                .collect();
            let heads: Vec<Value> = m
                .points
                .iter()
                .chain(m.hard_to_say.iter())
                .map(|p| json!({"label": label(p, lang)}))
                .collect();
            json!({"rows": rows, "heads": heads})
        }
        QuestionKind::Number(n) => json!({
            "min": n.min, "max": n.max,
            "step": if n.integer { "1" } else { "any" },
            "inputmode": if n.integer && n.min.is_none_or(|m| m >= 0.0) { "numeric" } else { "decimal" },
            "unit": n.unit.as_ref().map(|u| u.get(lang).to_owned()),
        }),
        QuestionKind::Text(t) => json!({
            "long": t.long,
            "max_length": t.max_length.unwrap_or(super::parse::DEFAULT_TEXT_MAX),
            "counter": t.max_length.is_some(),
        }),
        QuestionKind::Date(d) => json!({
            "min": d.min.map(|x| x.format("%Y-%m-%d").to_string()),
            "max": d.max.map(|x| x.format("%Y-%m-%d").to_string()),
        }),
        QuestionKind::Ranking(r) => {
            let items: Vec<Value> = Orders::arrange(orders.options.get(id), &r.options, |o| o.code.as_str())
                .into_iter()
                .map(|(i, o)| {
                    let name = format!("{id}.{}", o.code);
                    json!({"code": o.code, "label": label(o, lang), "id": input_id(id, Some(i)), "name": name,
                           "value": values.first(&name).unwrap_or("")})
                })
                .collect();
            json!({"items": items, "n": r.options.len()})
        }
        QuestionKind::ConstantSum(c) => crate::question::constant_sum::view(q, c, lang, values, orders),
        QuestionKind::Info => json!({}),
    };
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    v
}

#[allow(clippy::too_many_arguments)]
fn choice_extra(
    q: &Question,
    options: &[AnswerOption],
    other: Option<&AnswerOption>,
    lang: &str,
    values: &Fields,
    orders: &Orders,
    multiple: bool,
    max_choices: Option<usize>,
) -> Value {
    let id = &q.id;
    let opts: Vec<Value> = Orders::arrange(orders.options.get(id), options, |o| o.code.as_str())
        .into_iter()
        .map(|(i, o)| option_view(q, i, o, lang, values, id))
        .collect();
    let other_name = format!("{id}.other");
    let other_v = other.map(|o| {
        let text = values.first(&other_name).unwrap_or("");
        json!({
            "code": o.code, "label": label(o, lang), "id": input_id(id, Some(options.len())),
            "name": id, "checked": values.has_value(id, &o.code) || !text.trim().is_empty(),
            "text_id": format!("q-{id}-other"), "text_name": other_name, "text_value": text,
        })
    });
    json!({"options": opts, "other": other_v, "multiple": multiple, "max_choices": max_choices})
}
