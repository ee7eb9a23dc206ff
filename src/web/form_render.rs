//! Rendered form pages, reused. Rendering a 30-question page with handlebars costs more than everything
//! else a page view does (≈ 4,700 pages/s on 2 cores with the template engine on every request),
//! yet most page views differ only in three per-respondent values: the CSRF token, the signed time the page
//! was shown and the resume link. So a page is rendered once per *shape* (survey version, language, page,
//! the questions shown with their order, progress, … see [`page_shape`]) with random placeholders in
//! those three places, cut at the placeholders, and later page views splice the escaped values in.
//!
//! A page sent back with errors shows what the respondent sent: its shape also holds the choices they
//! made, blank texts and every error message (`form::view::refill_shape`), and the texts they typed are
//! cut out as more placeholders, so the same mistake on the same page (a required question left empty)
//! is rendered once too (measured with the load example: full re-renders of those pages were a third of the HTTP workers' CPU
//! in the load example). Pages that refill stored answers (coming back to a page) are rendered in full.
//! The placeholders start with 128 random bits per process, so no answer text can contain one. The cache
//! holds at most [`MAX_PAGES`] shapes (per-respondent option orders make many); when full it starts
//! over, which costs one render per shape.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::form::tokens;
use crate::form::view::{page_shape, page_view, refill_shape, PageInput};

use super::pages;

/// Shapes kept at most.
pub const MAX_PAGES: usize = 4096;

/// Slots of the three signed values; the texts of a page sent back with input follow them.
const SIGNED: usize = 3;

/// A rendered page cut at the placeholders.
enum Piece {
    Text(String),
    /// Index into the per-view values: the three signed values, then the respondent's texts.
    Slot(usize),
}

pub struct PageCache {
    /// Random start of every placeholder (`{base}p{slot}z`).
    base: String,
    pages: RwLock<HashMap<String, Arc<Vec<Piece>>>>,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            base: tokens::new_token(),
            pages: RwLock::new(HashMap::new()),
        }
    }
}

impl PageCache {
    /// The form page of `inp` (the same HTML `pages::render("form", &page_view(inp))` gives). `scope`
    /// names the definition (survey id and version): shapes are only comparable within one.
    pub fn render(&self, scope: &str, inp: &PageInput<'_>) -> String {
        if let Some(shape) = page_shape(inp) {
            return self.cached(format!("{scope}\u{0}{shape}"), inp, &[]);
        }
        // A page sent back with the respondent's input (errors): the same, with their texts cut out.
        if let Some(refill) = refill_shape(inp, |i| self.placeholder(SIGNED + i)) {
            let with_slots = PageInput {
                submitted: Some(&refill.fields),
                ..*inp
            };
            return self.cached(format!("{scope}\u{0}\u{5}{}", refill.key), &with_slots, &refill.texts);
        }
        pages::render("form", &page_view(inp))
    }

    fn placeholder(&self, slot: usize) -> String {
        format!("{}p{slot}z", self.base)
    }

    /// The page of `key` with the signed values of `inp` and `texts` spliced in; rendered (from `inp`,
    /// whose texts are already placeholders) and kept when missing.
    fn cached(&self, key: String, inp: &PageInput<'_>, texts: &[String]) -> String {
        let mut values = vec![inp.csrf, inp.shown, inp.resume_url];
        values.extend(texts.iter().map(String::as_str));
        if let Some(p) = self.pages.read().ok().and_then(|m| m.get(&key).cloned()) {
            return splice(&p, &values);
        }
        let signed = [0, 1, 2].map(|i| self.placeholder(i));
        let blank = PageInput {
            csrf: &signed[0],
            shown: &signed[1],
            resume_url: &signed[2],
            ..*inp
        };
        let pieces = cut(&pages::render("form", &page_view(&blank)), &self.base, values.len());
        let out = splice(&pieces, &values);
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

/// Cuts `html` at every placeholder `{base}p{slot}z` with `slot < slots`. `base` is 128 random bits per
/// process, so no text of the page or the respondent's contains it by chance.
fn cut(html: &str, base: &str, slots: usize) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(base) {
        let after = &rest[at + base.len()..];
        let slot = after
            .strip_prefix('p')
            .and_then(|a| a.split_once('z'))
            .and_then(|(digits, _)| digits.parse::<usize>().ok().map(|n| (n, digits.len())))
            .filter(|(n, _)| *n < slots);
        let Some((slot, digits)) = slot else {
            // Not one of ours (cannot happen in practice): keep it as text.
            let end = at + base.len();
            pieces.push(Piece::Text(rest[..end].to_owned()));
            rest = &rest[end..];
            continue;
        };
        if at > 0 {
            pieces.push(Piece::Text(rest[..at].to_owned()));
        }
        pieces.push(Piece::Slot(slot));
        rest = &after[1 + digits + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    pieces
}

/// Joins the pieces with the values HTML-escaped as handlebars escapes `{{value}}`.
fn splice(pieces: &[Piece], values: &[&str]) -> String {
    let escaped: Vec<String> = values.iter().map(|v| handlebars::html_escape(v)).collect();
    let len: usize = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.len(),
            Piece::Slot(i) => escaped.get(*i).map_or(0, String::len),
        })
        .sum();
    let mut out = String::with_capacity(len);
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Slot(i) => out.push_str(escaped.get(*i).map_or("", String::as_str)),
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

    /// Values a respondent may send for a question: its codes, and text of every kind (blank, markup,
    /// numbers, dates, handlebars syntax, a placeholder-like string).
    fn sample_values(q: &crate::definition::Question) -> Vec<String> {
        use crate::definition::QuestionKind as K;
        let mut codes: Vec<String> = match &q.kind {
            K::SingleChoice(c) => c.options.iter().map(|o| o.code.clone()).collect(),
            K::MultipleChoice(c) => c.options.iter().map(|o| o.code.clone()).collect(),
            K::Scale(s) => s
                .points
                .iter()
                .chain(s.hard_to_say.iter())
                .map(|o| o.code.clone())
                .collect(),
            K::Matrix(m) => m
                .points
                .iter()
                .chain(m.hard_to_say.iter())
                .map(|o| o.code.clone())
                .collect(),
            K::Ranking(r) => (1..=r.options.len() + 1).map(|n| n.to_string()).collect(),
            _ => Vec::new(),
        };
        let texts = [
            "",
            "   ",
            "Мурка",
            "<b>\"x\" & 'y'</b>",
            "42",
            "17.5",
            "-3",
            "1e400",
            "abc",
            "2021-02-30",
            "2020-01-01",
            "{{csrf}}",
            "p0z",
        ];
        codes.extend(texts.iter().map(|t| t.to_string()));
        codes
    }

    /// Sends random fields for every page of the definitions and compares the page sent back (with the
    /// errors `parse_page` finds) from the cache with the page rendered in full, twice.
    #[test]
    fn a_page_sent_back_with_input_is_the_page_rendered_in_full() {
        use crate::form::parse::{expected_fields, parse_page};
        use crate::form::Fields;
        use rand::{Rng, SeedableRng};
        let cache = PageCache::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let mut kept = 0;
        for def in defs() {
            let orders = draw(&def, "respondent");
            let flow = Flow::new(&def, &orders);
            for pos in 0..flow.order.len() {
                let page = flow.page_at(pos).unwrap();
                for round in 0..40 {
                    let mut pairs: Vec<(String, String)> = Vec::new();
                    for q in &def.pages[page].questions {
                        let values = sample_values(q);
                        for name in expected_fields(q) {
                            // Mostly one value, sometimes none or two; the first rounds send nothing at all.
                            let n = if round < 2 {
                                0
                            } else {
                                [0, 1, 1, 1, 2][rng.random_range(0..5)]
                            };
                            for _ in 0..n {
                                pairs.push((name.clone(), values[rng.random_range(0..values.len())].clone()));
                            }
                        }
                    }
                    if round % 7 == 3 {
                        pairs.push(("unknown_field".into(), "<x>".into()));
                    }
                    let fields = Fields::from_pairs(pairs);
                    let answers = Answers::new();
                    let errors = parse_page(&def, page, &answers, &fields).errors;
                    let lang = if round % 2 == 0 { "ru" } else { "en" };
                    let csrf = format!("csrf-{round}");
                    let inp = PageInput {
                        def: &def,
                        slug: &def.slug,
                        lang,
                        page,
                        orders: &orders,
                        answers: &answers,
                        submitted: Some(&fields),
                        errors: &errors,
                        progress: flow.progress(pos, &answers),
                        is_last: flow.next_after(pos, &answers).is_none(),
                        can_go_back: flow.prev_before(pos, &answers).is_some(),
                        csrf: &csrf,
                        shown: "shown&<",
                        resume_url: "/s/x?r=\"'",
                    };
                    let direct = pages::render("form", &page_view(&inp));
                    let scope = format!("{}\u{0}1", def.slug);
                    let before = cache.len();
                    assert_eq!(
                        cache.render(&scope, &inp),
                        direct,
                        "page {pos} of {} round {round}",
                        def.slug
                    );
                    assert_eq!(
                        cache.render(&scope, &inp),
                        direct,
                        "page {pos} of {} round {round}, again",
                        def.slug
                    );
                    kept += cache.len() - before;
                }
            }
        }
        assert!(kept > 0, "pages sent back with input are kept");
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
        let base = "B4SE";
        let pieces = cut("x B4SEp0z y B4SEp2z z B4SEp0zB4SEp11z B4SEp9z B4SEq", base, 12);
        let values = ["<1>", "2", "a=b&c", "", "", "", "", "", "", "9", "", "eleven"];
        assert_eq!(
            splice(&pieces, &values),
            "x &lt;1&gt; y a&#x3D;b&amp;c z &lt;1&gt;eleven 9 B4SEq"
        );
        // A slot beyond the values given stays text.
        assert_eq!(splice(&cut("B4SEp3z", base, 3), &["a", "b", "c"]), "B4SEp3z");
        assert_eq!(splice(&cut("", base, 3), &["1", "2", "3"]), "");
    }
}
