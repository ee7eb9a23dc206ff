//! Page rendering: handlebars templates and static files embedded in the binary (it runs from any
//! directory). Handlebars escapes every `{{value}}`; templates never use triple braces for user data.

use std::sync::OnceLock;

use actix_web::http::StatusCode;
use handlebars::Handlebars;
use serde::Serialize;

use super::views::notices::ErrorPage;

#[derive(rust_embed::RustEmbed)]
#[folder = "templates/"]
struct Templates;

#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
pub struct Static;

/// The template registry, built once. Templates are part of the binary, so a failure here is a build bug,
/// caught by every page test.
pub fn registry() -> &'static Handlebars<'static> {
    static REG: OnceLock<Handlebars<'static>> = OnceLock::new();
    REG.get_or_init(|| {
        let mut h = Handlebars::new();
        // Strict: a template that names a field the view lacks fails (the page tests catch it) instead of
        // rendering an empty text. Handlebars then also refuses `#each`/`#with` over an empty or absent
        // value unless the block has an `{{else}}`, so every such block has one (checked below).
        h.set_strict_mode(true);
        if let Err(e) = h.register_embed_templates_with_extension::<Templates>(".hbs") {
            tracing::error!(error = %e, "template registration failed");
        }
        h.register_helper("t", Box::new(crate::i18n::TextHelper));
        h.register_helper("eq", Box::new(eq_helper));
        let number = |scale, decimals, suffix| NumberHelper {
            scale,
            decimals,
            suffix,
        };
        h.register_helper("pct", Box::new(number(100.0, 1, "%")));
        h.register_helper("fmt1", Box::new(number(1.0, 1, "")));
        h.register_helper("fmt2", Box::new(number(1.0, 2, "")));
        h
    })
}

handlebars::handlebars_helper!(eq_helper: |a: Json, b: Json| a == b);

/// `{{pct x}}`, `{{fmt1 x}}`, `{{fmt2 x}}`: a number scaled and rounded, with the decimal separator of the
/// page's language (its top-level `lang`; a page without one gets a point); "—" when absent.
struct NumberHelper {
    scale: f64,
    decimals: usize,
    suffix: &'static str,
}

impl handlebars::HelperDef for NumberHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
    ) -> Result<handlebars::ScopedJson<'rc>, handlebars::RenderError> {
        let x = h.param(0).map_or(&serde_json::Value::Null, |p| p.value());
        let lang = ctx
            .data()
            .get("lang")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("en");
        Ok(handlebars::ScopedJson::Derived(serde_json::Value::String(fmt_num(
            x,
            lang,
            self.scale,
            self.decimals,
            self.suffix,
        ))))
    }
}

/// A number scaled and rounded for display in `lang`; "—" when absent.
fn fmt_num(x: &serde_json::Value, lang: &str, scale: f64, decimals: usize, suffix: &str) -> String {
    match x.as_f64() {
        Some(v) => format!("{}{suffix}", crate::i18n::numbers::decimal(lang, v * scale, decimals)),
        None => "—".to_owned(),
    }
}

/// Renders a template; on a template error logs it and returns a plain escaped message.
pub fn render<T: Serialize>(name: &str, data: &T) -> String {
    registry().render(name, data).unwrap_or_else(|e| {
        tracing::error!(template = name, error = %e, "render failed");
        "<!doctype html><title>Error</title><p>Page could not be rendered.</p>".to_owned()
    })
}

/// An error page in `lang` (at `here`, the address its language links keep) with its status, what it means for the reader, and the error's own message
/// when it is written in the reader's language (handlers word their messages in the page language, and
/// deeper layers' messages with a catalog text are written in it by `lang::keep_language`; any other English
/// detail is shown only on English pages, the explanation standing for it).
pub fn error_page(status: StatusCode, message: &str, lang: &str, here: &str) -> String {
    let lang = crate::i18n::catalog_lang(lang);
    let explanation_id = format!("error-text-{}", status.as_u16());
    let explanation = crate::i18n::has(lang, &explanation_id).then(|| crate::i18n::text(lang, &explanation_id));
    let detail = (!message.is_empty() && written_in(lang, message)).then_some(message);
    render(
        "error",
        &ErrorPage {
            title: crate::i18n::text(lang, error_title(status)),
            status: status.as_u16(),
            explanation,
            message: detail,
            lang,
            lang_links: super::view_format::lang_links(here, lang),
        },
    )
}

/// Whether `text` is in `lang`: Russian text has Cyrillic letters; English is the fallback of everything.
fn written_in(lang: &str, text: &str) -> bool {
    match lang {
        "ru" => text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')),
        _ => true,
    }
}

/// The message id of an error page's title: one per status a `WebError` can have, a general one otherwise.
fn error_title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "error-title-400",
        403 => "error-title-403",
        404 => "error-title-404",
        409 => "error-title-409",
        413 => "error-title-413",
        422 => "error-title-422",
        429 => "error-title-429",
        500 => "error-title-500",
        503 => "error-title-503",
        _ => "error-title-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English titles are the statuses' standard reason phrases, as the pages always showed them.
    #[test]
    fn error_titles_exist_and_english_ones_are_the_reason_phrases() {
        for code in [400, 403, 404, 409, 413, 422, 429, 500, 503] {
            let status = StatusCode::from_u16(code).unwrap();
            let id = error_title(status);
            assert_ne!(id, "error-title-other", "{code}");
            assert_eq!(
                Some(crate::i18n::text("en", id).as_str()),
                status.canonical_reason(),
                "{code}"
            );
            assert!(crate::i18n::has("ru", id), "{code}");
        }
        assert_eq!(crate::i18n::text("en", error_title(StatusCode::IM_A_TEAPOT)), "Error");
    }
}

#[cfg(test)]
mod strict_tests {
    /// Every `{{#each}}` and `{{#with}}` block has an `{{else}}`: in strict mode handlebars refuses to
    /// render one over an empty list or an absent value without it.
    #[test]
    fn every_each_and_with_block_has_an_else() {
        let mut missing = Vec::new();
        for name in super::Templates::iter() {
            let Some(file) = super::Templates::get(&name) else {
                continue;
            };
            let text = String::from_utf8_lossy(&file.data).into_owned();
            missing.extend(blocks_without_else(&text).into_iter().map(|b| format!("{name}: {b}")));
        }
        assert!(missing.is_empty(), "blocks without {{{{else}}}}: {missing:?}");
    }

    /// The `#each`/`#with` blocks of a template that have no `{{else}}` of their own.
    fn blocks_without_else(text: &str) -> Vec<String> {
        let mut stack: Vec<(String, bool)> = Vec::new();
        let mut missing = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else { break };
            let tag = &rest[start + 2..start + len];
            rest = &rest[start + len + 2..];
            if let Some(open) = tag.strip_prefix('#') {
                let name = open.trim_start_matches('>').split_whitespace().next().unwrap_or("");
                stack.push((name.to_owned(), false));
            } else if let Some(close) = tag.strip_prefix('/') {
                if let Some((name, has_else)) = stack.pop() {
                    if (name == "each" || name == "with") && !has_else {
                        missing.push(format!("{{{{#{name}}}}} closed by {{{{/{close}}}}}"));
                    }
                }
            } else if tag == "else" {
                if let Some(top) = stack.last_mut() {
                    top.1 = true;
                }
            }
        }
        missing
    }

    #[test]
    fn the_else_check_sees_nested_blocks() {
        let found = blocks_without_else("{{#each a}}{{#if b}}x{{else}}y{{/if}}{{/each}}{{#with c}}{{else}}{{/with}}");
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
