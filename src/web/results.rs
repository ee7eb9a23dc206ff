//! Published results: the summary JSON API and the public results page.
//!
//! A summary is computed once per (survey, version, number of complete responses, language, options) and
//! reused until new responses arrive, so reading results never recomputes per request. The cache is a
//! per-process memo of a pure function of database state: instances behind a load balancer stay
//! consistent because each key includes the response count it was computed from.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::error::{ApiError, WebError};
use super::{lang, pages, public, State};
use crate::report::{self, ReportOptions, Summary, SummaryInput};

/// Key: survey id, version, complete responses, language.
type Key = (String, i32, i64, String);

#[derive(Default)]
pub struct SummaryCache {
    inner: Mutex<HashMap<String, (Key, Arc<Summary>)>>,
}

impl SummaryCache {
    fn get(&self, key: &Key) -> Option<Arc<Summary>> {
        let map = self.inner.lock().ok()?;
        map.get(&key.0).filter(|(k, _)| k == key).map(|(_, s)| s.clone())
    }

    fn put(&self, key: Key, s: Arc<Summary>) {
        if let Ok(mut map) = self.inner.lock() {
            map.insert(key.0.clone(), (key, s));
        }
    }
}

/// The published summary of `slug` in `lang` (404 unless its results are published).
fn published_summary(state: &State, slug: &str, lang: Option<String>) -> Result<Arc<Summary>, WebError> {
    let (survey, version) = state.definitions.current(&state.store, slug)?;
    if !survey.results_published {
        return Err(WebError::NotFound(format!("the results of '{slug}' are not published")));
    }
    let def = &version.definition;
    let lang = lang
        .filter(|l| def.languages.iter().any(|x| x == l))
        .unwrap_or_else(|| def.default_language().to_owned());
    let complete = state
        .store
        .response_counts(&survey.id)?
        .into_iter()
        .find(|(s, _)| s == "complete")
        .map_or(0, |(_, n)| n);
    let key: Key = (survey.id.clone(), version.version, complete, lang.clone());
    if let Some(s) = state.summaries.get(&key) {
        return Ok(s);
    }
    let loaded = report::load(&state.store, &state.definitions, slug).map_err(|e| WebError::Internal(e.to_string()))?;
    let summary = report::summarize(
        &SummaryInput {
            definition: &loaded.version.definition,
            population: loaded.version.population.as_ref(),
            answers: &loaded.answers,
            language: &lang,
        },
        &ReportOptions::default(),
    )
    .map_err(|e| WebError::Internal(e.to_string()))?;
    // Key by the count actually loaded, so a response arriving in between is not cached under the old count.
    let key: Key = (survey.id, version.version, loaded.answers.len() as i64, lang);
    let summary = Arc::new(summary);
    state.summaries.put(key, summary.clone());
    Ok(summary)
}

pub async fn api_summary(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let lang = lang::query_lang(&req);
    let st = state.clone();
    let summary = web::block(move || published_summary(&st, &slug, lang))
        .await
        .map_err(WebError::from)??;
    Ok(HttpResponse::Ok().json(&*summary))
}

pub async fn results_page(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let lang = lang::choose(&req, &["ru".to_owned(), "en".to_owned()]);
    let st = state.clone();
    let (s, l) = (slug.clone(), lang.clone());
    let summary = web::block(move || published_summary(&st, &s, Some(l))).await??;
    let ru = lang == "ru";
    let body = pages::render(
        "results",
        &json!({
            "lang": lang,
            "title": summary.title,
            "summary": &*summary,
            "lang_links": public::lang_links(&format!("/results/{slug}"), &lang),
            "t": {
                "respondents": if ru { "Респондентов" } else { "Respondents" },
                "effective_n": if ru { "Эффективный размер выборки" } else { "Effective sample size" },
                "base": if ru { "База" } else { "Base" },
                "share": if ru { "Доля" } else { "Share" },
                "interval": if ru { "95% интервал" } else { "95% interval" },
                "mean": if ru { "Среднее" } else { "Mean" },
                "median": if ru { "Медиана" } else { "Median" },
                "suppressed": if ru { "— слишком мало ответов для публикации" } else { "— too few answers to publish" },
                "weighted": if ru { "Данные взвешены" } else { "Weighted" },
                "unweighted": if ru { "Данные не взвешены" } else { "Unweighted" },
            },
        }),
    );
    Ok(public::html(body))
}
