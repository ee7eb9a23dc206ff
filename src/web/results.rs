//! Published results: the summary cache, who may see what, the summary JSON API and the results page.
//!
//! A summary is computed once per (survey, version, number of complete responses, language) and reused
//! until new responses arrive, so reading results never recomputes per request. The cache is a per-process
//! memo of a pure function of database state: instances behind a load balancer stay consistent because
//! each key includes the response count it was computed from.
//!
//! Access: results whose survey is not `results_published` are 404 for the public; staff will see them
//! through [`can_see_unpublished`]. Microdata exports are staff-only ([`can_download_microdata`]).

use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::{ApiError, WebError};
use super::results_query::{query_results, ResultsQuery};
use super::{lang, public, results_view, State};
use crate::catalog::flight::Flights;
use crate::catalog::LoadedVersion;
use crate::report::{self, ReportOptions, Summary, SummaryInput};
use crate::store::{Status, SurveyRow};

/// Whether this request may see results that are not published (pages, summary API, summary exports):
/// the one check every results route asks (`web::auth::can_see_unpublished`): sociologists and admins;
/// officials for the surveys (route segment `{slug}`) a sociologist gave them access to.
pub fn can_see_unpublished(req: &HttpRequest) -> bool {
    super::auth::can_see_unpublished(req)
}

/// Whether this request may download microdata (one row per response): sociologists and admins
/// (officials never get microdata). The CLI (`opros responses export`) is the other staff route.
pub fn can_download_microdata(req: &HttpRequest) -> bool {
    super::auth::current(req).is_some_and(|s| s.user.role >= crate::auth::Role::Sociologist)
}

/// Key: survey id, version, complete responses, language.
pub(super) type Key = (String, i32, i64, String);

/// Computed summaries: one computation per survey and language however many requests ask at once, and
/// during open fieldwork the last summary served while a fresh one is computed (see
/// [`crate::catalog::flight`] and `OPROS_SUMMARY_STALE_SECONDS`). A clone shares the cache.
#[derive(Default, Clone)]
pub struct SummaryCache {
    flights: Arc<Flights<Key, Summary>>,
    /// Summaries of a subgroup or a two-way breakdown (`?filter=`, `?by2=`): the same single flight and
    /// key, one slot per survey, language and query; at most [`MAX_QUERY_SLOTS`] slots are kept.
    queries: Arc<Flights<Key, Summary>>,
}

/// Most subgroup/breakdown summaries kept per process (each is a summary's size: kilobytes to a few MB).
pub const MAX_QUERY_SLOTS: usize = 256;

impl SummaryCache {
    /// Summaries computed by this process so far (each request that found none cached and computed one).
    pub fn computations(&self) -> u64 {
        self.flights.computations() + self.queries.computations()
    }

    /// Drops a survey's summaries (its open answers were coded: the count of responses did not change, the
    /// numbers did). Other app instances recompute when their own cache entry is replaced.
    pub fn forget(&self, survey_id: &str) {
        self.flights.forget(&format!("{survey_id}\u{1f}"));
        self.queries.forget(&format!("{survey_id}\u{1f}"));
    }

    /// The summary for `query` (a canonical text of the subgroup and breakdowns) under `key`, computed by
    /// `compute` unless cached or being computed.
    pub(super) fn query(
        &self,
        key: &Key,
        query: &str,
        stale: Option<Duration>,
        compute: impl FnOnce() -> Result<(Key, Summary), WebError> + Send + 'static,
    ) -> Result<crate::catalog::flight::Computed<Key, Summary>, WebError> {
        self.queries.trim(MAX_QUERY_SLOTS);
        let slot = format!("{}\u{1f}{}", cache_slot(key), query);
        self.queries.get(&slot, key, stale, compute)
    }
}

/// One slot per survey and language (an old count's summary is replaced, never accumulated).
fn cache_slot(key: &Key) -> String {
    format!("{}\u{1f}{}", key.0, key.3)
}

/// A survey's results as shown: its row, current definition and summary.
pub struct Results {
    pub survey: SurveyRow,
    pub version: Arc<LoadedVersion>,
    pub summary: Arc<Summary>,
    /// When the summary was computed (during open fieldwork it may be a little older than the newest
    /// responses).
    pub computed_at: DateTime<Utc>,
}

/// The summary of `slug` in `lang` (or the survey's default language). Unpublished results are 404 unless
/// `staff`.
pub fn results_of(state: &State, slug: &str, lang: Option<&str>, staff: bool) -> Result<Results, WebError> {
    let (survey, version) = state.definitions.current(&state.store, slug)?;
    if !survey.results_published && !staff {
        return Err(super::error_text::not_published(slug).into());
    }
    let def = &version.definition;
    let lang = lang
        .filter(|l| def.languages.iter().any(|x| x == l))
        .unwrap_or_else(|| def.default_language())
        .to_owned();
    let (key, reviews, stale) = summary_key(state, &survey, version.version, &lang)?;
    let st = state.clone();
    let s = slug.to_owned();
    let computed = state
        .summaries
        .flights
        .get(&cache_slot(&key), &key, stale, move || compute(&st, &s, lang, reviews))?;
    Ok(Results {
        survey,
        version,
        summary: computed.value,
        computed_at: computed.computed_at,
    })
}

/// The cache key of a survey's summaries in `lang` (the number of complete responses and the review stamp
/// included), the review stamp, and how stale a cached summary may be served (open fieldwork only).
pub(super) fn summary_key(
    state: &State,
    survey: &SurveyRow,
    version: i32,
    lang: &str,
) -> Result<(Key, i64, Option<Duration>), WebError> {
    let complete = state
        .store
        .response_counts(&survey.id)?
        .into_iter()
        .find(|(s, _)| s == "complete")
        .map_or(0, |(_, n)| n);
    // Decisions of quality review change a summary without changing the number of complete responses.
    let reviews = state.store.review_stamp(&survey.id)?.wrapping_shl(32);
    // So do coding decisions, which another app instance may have stored.
    let reviews = reviews ^ state.store.coding_stamp(&survey.id)?;
    let key: Key = (survey.id.clone(), version, complete ^ reviews, lang.to_owned());
    let stale = match survey.status() {
        Ok(Status::Open) => state.config.summary_stale_seconds.map(Duration::from_secs),
        _ => None,
    };
    Ok((key, reviews, stale))
}

/// Loads the responses and computes the summary; returns it with the key it was computed for.
fn compute(state: &State, slug: &str, lang: String, reviews: i64) -> Result<(Key, Summary), WebError> {
    let loaded = report::load(&state.store, &state.definitions, slug)?;
    let mut summary = report::summarize(
        &SummaryInput {
            definition: &loaded.version.definition,
            population: loaded.version.population.as_ref(),
            answers: &loaded.answers,
            language: &lang,
        },
        &ReportOptions::default(),
    )?;
    summary.excluded = Some(loaded.excluded.clone());
    // Keyed by the count actually loaded, so a response arriving in between is not cached under the old
    // count.
    let key: Key = (
        loaded.survey.id.clone(),
        loaded.version.version,
        (loaded.answers.len() as i64 + loaded.excluded.total as i64) ^ reviews,
        lang,
    );
    Ok((key, summary))
}

/// The summary API's answer: the summary's fields and when it was computed.
#[derive(Serialize)]
struct SummaryJson<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    /// RFC 3339, UTC.
    computed_at: String,
}

pub async fn api_summary(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let lang = lang::query_lang(&req);
    let staff = can_see_unpublished(&req);
    let q = ResultsQuery::of(&req)?;
    let st = state.clone();
    let r = web::block(move || match q.is_default() && q.by.is_none() {
        true => results_of(&st, &slug, lang.as_deref(), staff),
        false => query_results(&st, &slug, lang.as_deref(), staff, &q),
    })
    .await
    .map_err(WebError::from)??;
    Ok(HttpResponse::Ok().json(SummaryJson {
        summary: &r.summary,
        computed_at: r.computed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }))
}

/// The `?by=` breakdown variable, if any (validated against the summary by the view).
pub(crate) fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).ok()?;
    pairs
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 64)
}

/// The interface language of results pages (ru/en), as on the rest of the site.
pub(crate) fn page_lang(req: &HttpRequest) -> String {
    lang::choose(req, &["ru".to_owned(), "en".to_owned()])
}

/// `GET /results/{slug}[?by=variable][&by2=variable][&filter=VAR:CODE,…]`: the results page.
pub async fn results_page(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let lang = page_lang(&req);
    let q = ResultsQuery::of(&req)?;
    let by = q.shown();
    let staff = can_see_unpublished(&req);
    let st = state.clone();
    let (s, l) = (slug.clone(), lang.clone());
    let (r, quotes) = web::block(move || -> Result<_, WebError> {
        let r = if q.is_default() {
            let r = results_of(&st, &s, Some(&l), staff)?;
            // a breakdown the default summary has not: computed for this request (400 when unknown)
            match q
                .by
                .as_ref()
                .is_none_or(|b| r.summary.breakdowns.iter().any(|v| &v.id == b))
            {
                true => r,
                false => query_results(&st, &s, Some(&l), staff, &q)?,
            }
        } else {
            query_results(&st, &s, Some(&l), staff, &q)?
        };
        let quotes = st.store.quotes(&r.survey.id, None)?;
        Ok((r, quotes))
    })
    .await??;
    let mut view = results_view::view(&r, &lang, by.as_deref());
    super::results_quotes::add(&mut view, &quotes);
    Ok(public::html(super::pages::render("results", &view)))
}
