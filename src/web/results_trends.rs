//! `GET /trends`: the index of tracked questions — every question a definition marks with `track:` that
//! published results ask, with its latest value and a link to its trend page.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::error::WebError;
use super::results::{can_see_unpublished, page_lang};
use super::results_pages::{visible_surveys, waves_of, Wave};
use super::results_view::{lang_links, texts, urlencode};
use super::{pages, public, State};
use crate::i18n;

/// One tracked question as the index lists it.
#[derive(Debug, Serialize)]
struct TrackedQuestion {
    question: String,
    href: String,
    /// "Mean (1–5): 3,45" or "Satisfied: 43,2%"; empty when the latest wave has no publishable figure.
    latest: String,
    /// The latest wave: its month and survey.
    wave: String,
    wave_title: String,
    wave_href: String,
    waves: String,
}

#[derive(Debug, Serialize)]
struct TrendsIndex {
    lang: String,
    title: String,
    intro: String,
    empty: String,
    results_label: String,
    tracks: Vec<TrackedQuestion>,
    lang_links: Vec<super::view_format::LangLink>,
}

/// The tracked questions of the surveys the request may see, in the order they first appear (newest
/// survey first).
fn tracks(state: &State, staff: bool) -> Result<Vec<String>, WebError> {
    let mut out: Vec<String> = Vec::new();
    for (_, v) in visible_surveys(state, staff, None)? {
        let questions = v.definition.questions().map(|(_, q)| &q.track);
        for t in questions.chain(v.definition.indices.iter().map(|i| &i.track)).flatten() {
            if !out.contains(t) {
                out.push(t.clone());
            }
        }
    }
    Ok(out)
}

/// The latest figure of a wave: the mean of a scale, else the most chosen answer's share.
fn latest_value(w: &Wave, lang: &str) -> String {
    let e = &w.question.estimates;
    if e.suppressed {
        return String::new();
    }
    let tx = texts(lang);
    if let (Some(m), Some((lo, hi, _))) = (e.mean, &w.scale) {
        return format!(
            "{} ({}–{}): {}",
            tx.get("mean"),
            lo,
            hi,
            i18n::numbers::decimal(lang, m, 2)
        );
    }
    e.options
        .iter()
        .filter(|o| !o.hard_to_say && !o.suppressed)
        .filter_map(|o| o.share.map(|s| (o, s)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(o, s)| format!("{}: {}", o.label, i18n::numbers::percent(lang, Some(s))))
        .unwrap_or_default()
}

fn index_view(state: &State, lang: &str, staff: bool) -> Result<TrendsIndex, WebError> {
    let mut out = Vec::new();
    for track in tracks(state, staff)? {
        let waves = waves_of(state, &track, lang, staff)?;
        let Some(last) = waves.last() else { continue };
        out.push(TrackedQuestion {
            question: last.question.text.clone(),
            href: format!("/trends/{}", urlencode(&track)),
            latest: latest_value(last, lang),
            wave: last.label.clone(),
            wave_title: last.title.clone(),
            wave_href: last.href.clone(),
            waves: i18n::text_with(lang, "trends-waves", &i18n::Args::new().count("count", waves.len())),
        });
    }
    Ok(TrendsIndex {
        lang: lang.to_owned(),
        title: i18n::text(lang, "trends-title"),
        intro: i18n::text(lang, "trends-intro"),
        empty: i18n::text(lang, "trends-empty"),
        results_label: texts(lang).get("published_only").to_owned(),
        tracks: out,
        lang_links: lang_links("/trends", lang),
    })
}

/// `GET /trends` (and `/trends/`): every tracked question with its latest value.
pub async fn trends_index(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let (st, l) = (state.clone(), lang.clone());
    let view = web::block(move || index_view(&st, &l, staff)).await??;
    Ok(public::html(pages::render("trends", &view)))
}
