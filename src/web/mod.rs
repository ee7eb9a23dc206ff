//! HTTP surface: routes, shared state, server start-up.

mod admin;
mod admin_coding;
mod admin_model;
mod admin_monitor;
mod admin_preview;
mod admin_quality;
mod admin_upload;
mod admin_users;
pub mod auth;
mod chart_text;
mod chunked;
pub mod error;
pub mod error_text;
pub mod form;
mod form_channel;
mod form_notices;
pub mod form_render;
mod indicators;
mod lang;
pub mod pages;
mod public;
pub mod results;
mod results_export;
mod results_index;
mod results_methodology;
mod results_pages;
mod results_query;
mod results_quotes;
mod results_texts;
mod results_trends;
pub mod results_view;
mod view_format;
mod views;

use std::sync::Arc;

use actix_web::{middleware, web, App, HttpServer};

use crate::catalog::DefinitionCache;
use crate::config::Config;
use crate::store::Store;

pub use error::{ApiError, WebError};

/// State shared by all workers. Nothing here is per-process truth: the database is the only state, so
/// several instances can serve one PostgreSQL behind a load balancer.
pub struct AppState {
    pub store: Store,
    pub config: Config,
    pub definitions: DefinitionCache,
    /// Respondent forms: signing secret, the group-commit writer, per-IP rate limits.
    pub forms: form::Forms,
    /// Computed summaries, reused until new responses arrive.
    pub summaries: results::SummaryCache,
}

pub type State = web::Data<AppState>;

/// Registers every route; used by the server and by tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(public::index)))
        .service(web::resource("/healthz").route(web::get().to(public::healthz)))
        .service(web::resource("/static/{file:.*}").route(web::get().to(public::static_file)))
        .service(
            web::resource("/s/{slug}")
                .route(web::get().to(form::show))
                .route(web::post().to(form::submit)),
        )
        .service(web::resource("/api/v1/surveys").route(web::get().to(public::api_surveys)))
        .service(web::resource("/api/v1/surveys/{slug}/summary").route(web::get().to(results::api_summary)))
        .service(web::resource("/results/{slug}").route(web::get().to(results::results_page)))
        // Results for officials: lists, trends, methodology, downloads.
        .service(web::resource("/results").route(web::get().to(results_pages::results_index)))
        .service(
            web::resource("/results/{slug}/methodology").route(web::get().to(results_methodology::methodology_page)),
        )
        .service(web::resource("/results/{slug}/export.csv").route(web::get().to(results_export::export_csv)))
        .service(web::resource("/results/{slug}/export.xlsx").route(web::get().to(results_export::export_xlsx)))
        .service(web::resource("/results/{slug}/export.sav").route(web::get().to(results_export::export_sav)))
        .service(web::resource("/topics/{topic}").route(web::get().to(results_pages::topic_page)))
        .service(web::resource("/trends").route(web::get().to(results_trends::trends_index)))
        .service(web::resource("/trends/").route(web::get().to(results_trends::trends_index)))
        .service(web::resource("/trends/{track}").route(web::get().to(results_pages::trend_page)))
        // The risk calendar: indicators by district and wave, alerts.
        .service(web::resource("/indicators").route(web::get().to(indicators::calendar_page)))
        .service(web::resource("/indicators/feed.atom").route(web::get().to(indicators::feed)))
        .service(web::resource("/indicators/{id}").route(web::get().to(indicators::indicator_page)))
        .service(web::resource("/api/v1/indicators").route(web::get().to(indicators::api_calendar)))
        .service(web::resource("/api/v1/indicators/{id}").route(web::get().to(indicators::api_indicator)))
        // Staff sign-in and the workbench.
        .service(
            web::resource("/login")
                .route(web::get().to(auth::login_form))
                .route(web::post().to(auth::login)),
        )
        .service(web::resource("/logout").route(web::post().to(auth::logout)))
        .service(web::resource("/admin").route(web::get().to(admin::dashboard)))
        .service(
            web::resource("/admin/surveys/new")
                .route(web::get().to(admin::new_survey))
                .route(web::post().to(admin::upload)),
        )
        .service(
            web::resource("/admin/uploads/{id}")
                .route(web::get().to(admin_preview::upload_preview))
                .route(web::post().to(admin::upload_action)),
        )
        .service(web::resource("/admin/uploads/{id}/preview").route(web::post().to(admin_preview::upload_preview_post)))
        .service(web::resource("/admin/surveys/{slug}").route(web::get().to(admin::survey_detail)))
        .service(
            web::resource("/admin/surveys/{slug}/preview")
                .route(web::get().to(admin_preview::survey_preview))
                .route(web::post().to(admin_preview::survey_preview_post)),
        )
        .service(web::resource("/admin/surveys/{slug}/confirm").route(web::get().to(admin::confirm)))
        .service(web::resource("/admin/surveys/{slug}/status").route(web::post().to(admin::change_status)))
        .service(web::resource("/admin/surveys/{slug}/access").route(web::post().to(admin::change_access)))
        .service(web::resource("/admin/surveys/{slug}/monitor").route(web::get().to(admin_monitor::monitor)))
        .service(web::resource("/admin/surveys/{slug}/model").route(web::get().to(admin_model::model_page)))
        .service(
            web::resource("/admin/surveys/{slug}/quality")
                .route(web::get().to(admin_quality::quality_page))
                .route(web::post().to(admin_quality::quality_decide)),
        )
        .service(
            web::resource("/admin/surveys/{slug}/coding/{question}")
                .route(web::get().to(admin_coding::workbench))
                .route(web::post().to(admin_coding::post)),
        )
        .service(
            web::resource("/admin/populations")
                .route(web::get().to(admin_users::populations))
                .route(web::post().to(admin_users::populations_upload)),
        )
        .service(
            web::resource("/admin/users")
                .route(web::get().to(admin_users::users_list))
                .route(web::post().to(admin_users::users_add)),
        )
        .service(web::resource("/admin/users/{login}").route(web::post().to(admin_users::users_change)))
        .service(web::resource("/admin/audit").route(web::get().to(admin_users::audit_log)))
        // Any other address: a 404 page in the reader's language.
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, WebError> {
    Err(WebError::NotFound(String::new()))
}

/// Builds the app state from a config, opening the database (and seeding examples into a new one).
pub fn prepare_state(config: Config) -> Result<AppState, crate::catalog::CatalogError> {
    let store = Store::open(&config.database)?;
    if store.survey_count()? == 0 {
        let seeded = crate::catalog::seed_examples(&store)?;
        tracing::info!(
            count = seeded.len(),
            "new database: example surveys imported and opened"
        );
    }
    let forms = form::Forms::new(&store, &config)?;
    Ok(AppState {
        store,
        config,
        definitions: DefinitionCache::default(),
        forms,
        summaries: results::SummaryCache::default(),
    })
}

/// Runs the HTTP server on `config.bind` until it is stopped (SIGINT/SIGTERM stop accepting and drain
/// in-flight requests for up to 30 s).
pub async fn serve(state: AppState) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(&state.config.bind)?;
    tracing::info!(bind = %state.config.bind, "opros listening");
    let writer = state.forms.writer.clone();
    crate::indicator::worker::spawn(state.store.clone(), state.definitions.clone());
    let served = build_server(state, listener)?.await;
    // In-flight requests are finished by now; submissions of clients that went away may still be queued.
    if !writer.flush_blocking(std::time::Duration::from_secs(30)) {
        tracing::warn!("the response writer did not finish its queue before exit");
    }
    tracing::info!("stopped; every queued response is committed");
    served
}

/// Builds the server on an already bound listener (tests bind port 0 and read the address).
pub fn build_server(state: AppState, listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
    let workers = state.config.workers;
    let max_body = state.config.max_body_bytes;
    let state = web::Data::from(Arc::new(state));
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::FormConfig::default().limit(max_body))
            .app_data(web::PayloadConfig::default().limit(max_body))
            // Innermost, so that it rewrites error pages before they are compressed.
            .wrap(middleware::from_fn(lang::keep_language))
            .wrap(middleware::Compress::default())
            // Staff session (cookie `opros_staff`) looked up once per request that carries one.
            .wrap(middleware::from_fn(auth::load_staff))
            .wrap(
                middleware::DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add(("X-Frame-Options", "DENY"))
                    .add((
                        "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
                    )),
            )
            .configure(configure)
    })
    .shutdown_timeout(30);
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}

#[cfg(test)]
mod layering_tests {
    //! The HTTP layer is HTTP only: no database code and no statistics below `report`.

    use std::path::Path;

    fn web_sources() -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out
    }

    #[test]
    fn web_has_no_sql_and_no_statistics_imports() {
        for (path, text) in web_sources() {
            // Spelt in pieces so that this test does not find itself.
            for banned in [
                concat!("die", "sel"),
                concat!("sche", "ma::"),
                concat!("crate::", "weighting"),
                concat!("crate::", "stats"),
            ] {
                assert!(!text.contains(banned), "{path} uses `{banned}`");
            }
            assert!(text.lines().count() <= 600, "{path} has more than 600 lines");
        }
    }

    #[test]
    fn error_mappings_list_every_variant() {
        let (_, text) = web_sources()
            .into_iter()
            .find(|(p, _)| p.ends_with("error.rs"))
            .unwrap();
        assert!(
            !text.contains(concat!("_ ", "=>")),
            "web/error.rs matches with a wildcard arm"
        );
    }
}
