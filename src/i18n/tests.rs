//! The catalogs are complete and consistent: the same messages with the same arguments in every language,
//! every message a template or the code asks for exists, and Russian plurals follow CLDR.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

use super::{text, text_with, Args, FILES, LANGUAGES};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Message id → the names of the variables it uses, for one language's catalog files.
fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for file in FILES {
        let path = root().join("locales").join(lang).join(file);
        let source = read(&path);
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}: syntax errors {errors:?}", path.display()));
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_vars(p, &mut vars);
                }
                let previous = out.insert(m.id.name.to_owned(), vars);
                assert!(previous.is_none(), "{lang}: message `{}` defined twice", m.id.name);
            }
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, vars),
    }
}

fn inline_vars(e: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

#[test]
fn every_catalog_file_is_embedded() {
    for lang in LANGUAGES {
        let on_disk: BTreeSet<String> = std::fs::read_dir(root().join("locales").join(lang))
            .unwrap_or_else(|e| panic!("locales/{lang}: {e}"))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ftl"))
            .collect();
        let listed: BTreeSet<String> = FILES.iter().map(|f| (*f).to_owned()).collect();
        assert_eq!(on_disk, listed, "locales/{lang} and i18n::FILES differ");
    }
}

#[test]
fn every_message_exists_in_every_language_with_the_same_arguments() {
    let ru = messages("ru");
    let en = messages("en");
    let only_ru: Vec<_> = ru.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !ru.contains_key(*k)).collect();
    assert!(only_ru.is_empty(), "messages only in ru: {only_ru:?}");
    assert!(only_en.is_empty(), "messages only in en: {only_en:?}");
    for (id, vars) in &ru {
        assert_eq!(
            Some(vars),
            en.get(id),
            "message `{id}` takes different arguments in ru and en"
        );
    }
    assert!(ru.len() > 50, "the catalogs look empty: {} messages", ru.len());
}

/// Every `{{t "id"` of a template names a message of the catalogs.
#[test]
fn every_message_a_template_uses_exists() {
    let known = messages("ru");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root().join("templates"))
        .into_iter()
        .flatten()
        .flatten()
    {
        collect_template_ids(&entry.path(), &known, &mut missing);
    }
    assert!(missing.is_empty(), "templates use messages no catalog has: {missing:?}");
}

fn collect_template_ids(path: &Path, known: &BTreeMap<String, BTreeSet<String>>, missing: &mut Vec<String>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            collect_template_ids(&entry.path(), known, missing);
        }
        return;
    }
    let source = read(path);
    for (_, rest) in source.match_indices("{{t \"").map(|(i, _)| source.split_at(i + 5)) {
        let id: String = rest.chars().take_while(|c| *c != '"').collect();
        if !known.contains_key(&id) {
            missing.push(format!("{}: {id}", path.display()));
        }
    }
}

/// Every message the code asks for by a literal id (`text(lang, "id")`, `text_with(lang, "id", …)`,
/// `static_text(lang, "id")`) exists.
#[test]
fn every_message_the_code_uses_exists() {
    let known = messages("ru");
    let mut missing = Vec::new();
    let mut seen = 0;
    // This file asks for missing messages on purpose.
    let this_file = root().join(file!());
    for file in rust_files(&root().join("src")).into_iter().filter(|f| *f != this_file) {
        let source = read(&file);
        for call in ["text(", "text_with(", "static_text("] {
            for (i, _) in source.match_indices(call) {
                let Some(rest) = source.get(i + call.len()..) else {
                    continue;
                };
                // The literal ids among the call's first arguments: message ids always contain a '-',
                // language codes never do.
                let head: String = rest.chars().take(120).take_while(|c| *c != ')').collect();
                let literals = head.split('"').skip(1).step_by(2);
                for id in literals.filter(|id| is_message_id(id)) {
                    seen += 1;
                    if !known.contains_key(id) {
                        missing.push(format!("{}: {id}", file.display()));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "the code uses messages no catalog has: {missing:?}");
    assert!(
        seen > 10,
        "the scan found only {seen} message uses: is it still looking at the right calls?"
    );
}

fn is_message_id(s: &str) -> bool {
    s.contains('-')
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn russian_plurals_follow_cldr() {
    let fields = |n: usize| {
        text_with(
            "ru",
            "problem-unknown-fields",
            &Args::new().count("count", n).str("first", "x"),
        )
    };
    let expected = [
        (0, "0 полей не относятся"),
        (1, "1 поле не относится"),
        (2, "2 поля не относятся"),
        (5, "5 полей не относятся"),
        (11, "11 полей не относятся"),
        (21, "21 поле не относится"),
        (22, "22 поля не относятся"),
        (25, "25 полей не относятся"),
        (111, "111 полей не относятся"),
    ];
    for (n, start) in expected {
        let got = fields(n);
        assert!(got.starts_with(start), "{n}: {got}");
    }
}

#[test]
fn english_plurals_have_one_and_other() {
    let fields = |n: usize| {
        text_with(
            "en",
            "problem-unknown-fields",
            &Args::new().count("count", n).str("first", "x"),
        )
    };
    assert!(fields(1).starts_with("1 field does not"), "{}", fields(1));
    assert!(fields(2).starts_with("2 fields do not"), "{}", fields(2));
    assert!(fields(0).starts_with("0 fields do not"), "{}", fields(0));
}

#[test]
fn languages_without_a_catalog_read_english_and_arguments_are_not_isolated() {
    assert_eq!(text("de", "ui-next"), "Next");
    assert_eq!(text("ru", "ui-next"), "Далее");
    let got = text_with("ru", "problem-rank-duplicate", &Args::new().str("rank", "3"));
    assert_eq!(got, "Место 3 указано дважды.");
}

#[test]
fn an_unknown_message_shows_its_id() {
    assert_eq!(text("ru", "no-such-message"), "no-such-message");
}

#[test]
fn the_template_helper_escapes_and_needs_a_language() {
    let mut h = handlebars::Handlebars::new();
    h.set_strict_mode(true);
    h.register_helper("t", Box::new(super::TextHelper));
    let page = serde_json::json!({ "lang": "ru", "name": "<b>x</b>" });
    let out = h
        .render_template(r#"{{t "problem-unknown-field" name=name}}"#, &page)
        .expect("renders");
    assert_eq!(out, "Поле «&lt;b&gt;x&lt;/b&gt;» не относится к этой странице опроса.");
    let no_lang = serde_json::json!({ "name": "x" });
    assert!(h.render_template(r#"{{t "ui-next"}}"#, &no_lang).is_err());
    assert!(h.render_template(r#"{{t "no-such-message"}}"#, &page).is_err());
}

/// Tables of fixed words hold only the messages that need no arguments, so building them reports no
/// formatting error; the messages with arguments are formatted where they are used.
#[test]
fn tables_leave_out_messages_with_arguments() {
    let results = super::table("ru", "results-");
    assert!(results.get("base").is_some());
    assert!(results.get("min-cell-note").is_none(), "needs $min_cell");
    assert_eq!(super::static_text("ru", "ui-next"), "Далее");
    assert_eq!(super::static_text("ru", "problem-too-long"), "", "needs $len and $max");
}

/// Every action the code writes to the audit log reads in words in both languages: the dotted action
/// codes (`survey.close`, `coding.bulk`…) and the sign-in pair.
#[test]
fn every_audit_action_has_a_text() {
    const PREFIXES: [&str; 7] = [
        "user.",
        "upload.",
        "population.",
        "survey.",
        "results.",
        "response.",
        "coding.",
    ];
    let mut actions: BTreeSet<String> = ["login".to_owned(), "logout".to_owned()].into();
    for file in rust_files(&root().join("src")) {
        let source = read(&file);
        for literal in source.split('"').skip(1).step_by(2) {
            let is_code =
                literal.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.') && !literal.ends_with(".ftl");
            if is_code
                && PREFIXES
                    .iter()
                    .any(|p| literal.starts_with(p) && literal.len() > p.len())
            {
                actions.insert(literal.to_owned());
            }
        }
    }
    assert!(actions.len() > 20, "the scan found the audit actions: {actions:?}");
    for lang in ["ru", "en"] {
        let known = messages(lang);
        let missing: Vec<&String> = actions
            .iter()
            .filter(|a| !known.contains_key(&format!("admin-audit-action-{}", a.replace('.', "-"))))
            .collect();
        assert!(missing.is_empty(), "audit actions without a {lang} text: {missing:?}");
    }
}
