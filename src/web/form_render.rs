//! Rendered form pages, reused. Rendering a 30-question page with handlebars costs more than everything
//! else a page view does (≈ 4,700 pages/s on 2 cores with the template engine on every request, issue 8),
//! yet most page views differ only in three per-respondent values: the CSRF token, the signed time the page
//! was shown and the resume link. So a page is rendered once per *shape* (survey version, language, page,
//! the questions shown with their order, progress, … see [`page_shape`]) with random placeholders in
//! those three places, cut at the placeholders, and later page views splice the escaped values in.
//!
//! Pages that show the respondent's own input (answers to refill, values sent back with errors) have no
//! shape and are rendered in full every time. The placeholders are 128 random bits per process, so no
//! answer text can contain one. The cache holds at most [`MAX_PAGES`] shapes (per-respondent option
//! orders make many); when full it starts over, which costs one render per shape.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::form::tokens;
use crate::form::view::{page_shape, page_view, PageInput};

use super::pages;

/// Shapes kept at most.
pub const MAX_PAGES: usize = 4096;

/// A rendered page cut at the placeholders.
enum Piece {
    Text(String),
    /// Index into the three per-respondent values.
    Slot(usize),
}

pub struct PageCache {
    placeholders: [String; 3],
    pages: RwLock<HashMap<String, Arc<Vec<Piece>>>>,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            placeholders: [0, 1, 2].map(|i| format!("{}x{i}", tokens::new_token())),
            pages: RwLock::new(HashMap::new()),
        }
    }
}

impl PageCache {
    /// The form page of `inp` (the same HTML `pages::render("form", &page_view(inp))` gives). `scope`
    /// names the definition (survey id and version): shapes are only comparable within one.
    pub fn render(&self, scope: &str, inp: &PageInput<'_>) -> String {
        let Some(shape) = page_shape(inp) else {
            return pages::render("form", &page_view(inp));
        };
        let key = format!("{scope}\u{0}{shape}");
        let values = [inp.csrf, inp.shown, inp.resume_url];
        if let Some(p) = self.pages.read().ok().and_then(|m| m.get(&key).cloned()) {
            return splice(&p, values);
        }
        let blank = PageInput {
            csrf: &self.placeholders[0],
            shown: &self.placeholders[1],
            resume_url: &self.placeholders[2],
            ..*inp
        };
        let pieces = cut(&pages::render("form", &page_view(&blank)), &self.placeholders);
        let out = splice(&pieces, values);
        // A page without the CSRF placeholder is the template-error page: never kept.
        if pieces.iter().any(|p| matches!(p, Piece::Slot(0))) {
            if let Ok(mut m) = self.pages.write() {
                if m.len() >= MAX_PAGES {
                    m.clear();
                }
                m.insert(key, Arc::new(pieces));
            }
        }
        out
    }

    /// Number of shapes held (tests).
    pub fn len(&self) -> usize {
        self.pages.read().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Pages that are the same for every respondent (the thank-you page of a survey version in a language),
/// rendered once per key.
#[derive(Default)]
pub struct FixedPages {
    pages: RwLock<HashMap<String, String>>,
}

impl FixedPages {
    /// The page under `key`, rendered by `render` the first time. The key must name everything the page
    /// shows.
    pub fn get(&self, key: String, render: impl FnOnce() -> String) -> String {
        if let Some(p) = self.pages.read().ok().and_then(|m| m.get(&key).cloned()) {
            return p;
        }
        let page = render();
        if let Ok(mut m) = self.pages.write() {
            if m.len() >= MAX_PAGES {
                m.clear();
            }
            m.insert(key, page.clone());
        }
        page
    }
}

/// Cuts `html` at every occurrence of the placeholders.
fn cut(html: &str, placeholders: &[String; 3]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = html;
    loop {
        let next = placeholders
            .iter()
            .enumerate()
            .filter_map(|(i, p)| rest.find(p.as_str()).map(|at| (at, i, p.len())))
            .min();
        match next {
            Some((at, slot, len)) => {
                if at > 0 {
                    pieces.push(Piece::Text(rest[..at].to_owned()));
                }
                pieces.push(Piece::Slot(slot));
                rest = &rest[at + len..];
            }
            None => {
                if !rest.is_empty() {
                    pieces.push(Piece::Text(rest.to_owned()));
                }
                return pieces;
            }
        }
    }
}

/// Joins the pieces with the values HTML-escaped as handlebars escapes `{{value}}`.
fn splice(pieces: &[Piece], values: [&str; 3]) -> String {
    let escaped = values.map(handlebars::html_escape);
    let len: usize = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.len(),
            Piece::Slot(i) => escaped[*i].len(),
        })
        .sum();
    let mut out = String::with_capacity(len);
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Slot(i) => out.push_str(&escaped[*i]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::{parse_definition, Answer, Answers, Definition};
    use crate::form::{draw, Flow};

    fn defs() -> Vec<Definition> {
        [
            (include_str!("../../tests/fixtures/formtest.yaml"), "formtest.yaml"),
            (include_str!("../../surveys/healthcare.yaml"), "healthcare.yaml"),
        ]
        .iter()
        .map(|(src, name)| parse_definition(src, name).unwrap())
        .collect()
    }

    /// Renders every page of `def` for a respondent both ways; returns how many pages had a shape.
    fn compare(cache: &PageCache, def: &Definition, respondent: &str, answers: &Answers, lang: &str) -> usize {
        let orders = draw(def, respondent);
        let flow = Flow::new(def, &orders);
        let mut shaped = 0;
        for pos in 0..flow.order.len() {
            let page = flow.page_at(pos).unwrap();
            let csrf = format!("csrf-{respondent}");
            let shown = format!("{pos}.sig-{respondent}");
            let resume = format!("/s/{}?r={respondent}&x=\"<'`", def.slug);
            let inp = PageInput {
                def,
                slug: &def.slug,
                lang,
                page,
                orders: &orders,
                answers,
                submitted: None,
                errors: &[],
                progress: flow.progress(pos, answers),
                is_last: flow.next_after(pos, answers).is_none(),
                can_go_back: flow.prev_before(pos, answers).is_some(),
                csrf: &csrf,
                shown: &shown,
                resume_url: &resume,
            };
            let direct = pages::render("form", &page_view(&inp));
            assert!(direct.contains(&csrf), "the page shows its CSRF token");
            let scope = format!("{}\u{0}1", def.slug);
            // Twice: the second comes from the cache when the page has a shape.
            assert_eq!(
                cache.render(&scope, &inp),
                direct,
                "page {pos} of {} ({lang})",
                def.slug
            );
            assert_eq!(
                cache.render(&scope, &inp),
                direct,
                "page {pos} of {} ({lang}), cached",
                def.slug
            );
            shaped += usize::from(page_shape(&inp).is_some());
        }
        shaped
    }

    #[test]
    fn a_cached_page_is_the_page_rendered_in_full() {
        let cache = PageCache::default();
        for def in defs() {
            for lang in ["ru", "en"] {
                for r in 0..6 {
                    let respondent = format!("00000000-0000-4000-8000-00000000000{r}");
                    // A new respondent, then one whose earlier answers decide conditions on later pages.
                    assert!(compare(&cache, &def, &respondent, &Answers::new(), lang) > 0);
                    let mut answers = Answers::new();
                    answers.insert("sex".into(), Answer::choice(if r % 2 == 0 { "m" } else { "f" }));
                    answers.insert("visited".into(), Answer::choice("yes"));
                    compare(&cache, &def, &respondent, &answers, lang);
                }
            }
        }
        assert!(!cache.is_empty());
    }

    #[test]
    fn pages_showing_own_input_are_not_kept() {
        let cache = PageCache::default();
        let def = &defs()[0];
        let mut answers = Answers::new();
        answers.insert("sex".into(), Answer::choice("m"));
        let orders = draw(def, "r");
        let inp = PageInput {
            def,
            slug: &def.slug,
            lang: "en",
            page: 0,
            orders: &orders,
            answers: &answers,
            submitted: None,
            errors: &[],
            progress: (1, 4),
            is_last: false,
            can_go_back: false,
            csrf: "c",
            shown: "s",
            resume_url: "/s/formtest?r=r",
        };
        assert!(page_shape(&inp).is_none());
        let html = cache.render("formtest", &inp);
        assert!(html.contains("value=\"m\" checked"), "the answer is refilled");
        assert!(cache.is_empty());
    }

    #[test]
    fn placeholders_are_cut_and_spliced_escaped() {
        let ph = ["AAA".to_owned(), "BBB".to_owned(), "CCC".to_owned()];
        let pieces = cut("x AAA y CCC z AAA", &ph);
        assert_eq!(
            splice(&pieces, ["<1>", "2", "a=b&c"]),
            "x &lt;1&gt; y a&#x3D;b&amp;c z &lt;1&gt;"
        );
        assert_eq!(splice(&cut("", &ph), ["1", "2", "3"]), "");
    }
}
