//! Public pages: the list of open surveys, health, static files, the survey API list.

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::json;

use super::error::{ApiError, WebError};
use super::view_format::{lang_links, LangLink};
use super::{lang, pages, State};
use crate::i18n;
use crate::store::Status;

/// A survey as listed publicly.
#[derive(Debug, Serialize)]
pub struct SurveySummary {
    pub slug: String,
    pub title: String,
    pub topic: String,
    pub status: String,
    pub version: i32,
    pub opens: Option<String>,
    pub closes: Option<String>,
    pub results_published: bool,
}

/// Open surveys (or all with `all`), titles in `lang`.
fn list_surveys(state: &State, lang: &str, all: bool) -> Result<Vec<SurveySummary>, WebError> {
    let mut out = Vec::new();
    for row in state.store.list_surveys()? {
        if !all && row.status()? != Status::Open {
            continue;
        }
        let v = state.definitions.get(&state.store, &row, row.current_version)?;
        let d = &v.definition;
        out.push(SurveySummary {
            title: d.title.get(lang).to_owned(),
            topic: row.topic.clone(),
            status: row.status.clone(),
            version: row.current_version,
            opens: d.opens.map(|d| d.to_string()),
            closes: d.closes.map(|d| d.to_string()),
            results_published: row.results_published,
            slug: row.slug,
        });
    }
    Ok(out)
}

/// A survey as the home page lists it.
#[derive(Debug, Serialize)]
struct ListedSurvey {
    href: String,
    title: String,
    topic: String,
    closes: Option<String>,
}

/// The home page's view.
#[derive(Debug, Serialize)]
struct IndexView {
    lang: String,
    title: String,
    heading: String,
    empty: String,
    closes_label: String,
    surveys: Vec<ListedSurvey>,
    results_label: String,
    trends_label: String,
    lang_links: Vec<LangLink>,
}

/// The open surveys with their topics' names and closing dates in `lang`.
fn listed_surveys(state: &State, lang: &str) -> Result<Vec<ListedSurvey>, WebError> {
    let mut out = Vec::new();
    for row in state.store.list_surveys()? {
        if row.status()? != Status::Open {
            continue;
        }
        let v = state.definitions.get(&state.store, &row, row.current_version)?;
        let d = &v.definition;
        out.push(ListedSurvey {
            href: format!("/s/{}", super::results_view::urlencode(&row.slug)),
            title: d.title.get(lang).to_owned(),
            topic: super::results_view::topic_name(d, lang),
            closes: d.closes.map(|c| i18n::numbers::date(lang, c)),
        });
    }
    Ok(out)
}

pub async fn index(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let lang = lang::site_lang(&req);
    let st = state.clone();
    let l = lang.clone();
    let surveys = web::block(move || listed_surveys(&st, &l)).await??;
    let view = IndexView {
        title: i18n::text(&lang, "index-title"),
        heading: i18n::text(&lang, "index-heading"),
        empty: i18n::text(&lang, "index-empty"),
        closes_label: i18n::text(&lang, "index-closes"),
        surveys,
        results_label: i18n::text(&lang, "results-home_results"),
        trends_label: i18n::text(&lang, "results-trends_link"),
        lang_links: lang_links("/", &lang),
        lang,
    };
    Ok(html(pages::render("index", &view)))
}

pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body)
}

pub async fn healthz(state: State) -> HttpResponse {
    let st = state.clone();
    match web::block(move || st.store.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"})),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(json!({"status": "degraded", "database": "unavailable"}))
        }
        Err(_) => HttpResponse::ServiceUnavailable().json(json!({"status": "degraded", "database": "unavailable"})),
    }
}

pub async fn static_file(path: web::Path<String>) -> HttpResponse {
    match pages::Static::get(path.as_str()) {
        Some(file) => HttpResponse::Ok()
            .content_type(file.metadata.mimetype())
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(file.data.into_owned()),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}

pub async fn api_surveys(req: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let lang = lang::choose(&req, &["ru".to_owned(), "en".to_owned()]);
    let st = state.clone();
    let surveys = web::block(move || list_surveys(&st, &lang, true))
        .await
        .map_err(WebError::from)??;
    Ok(HttpResponse::Ok().json(json!({ "surveys": surveys })))
}
