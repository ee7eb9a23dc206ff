//! Downloads of a survey's results:
//! - `GET /results/{slug}/export.csv` — the summary tables as shown on the page (suppression applied);
//! - `GET /results/{slug}/export.xlsx` — a workbook with the questions (texts, value labels) and the
//!   summary tables;
//! - `?data=microdata` on either, and `GET /results/{slug}/export.sav` — microdata (one row per response,
//!   with the weight): staff only ([`can_download_microdata`]), 403 for everyone else.
//!
//! Summary downloads follow the results' publication status exactly as the page does (404 when not
//! published, unless [`can_see_unpublished`]).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};

use super::error::WebError;
use super::results::{can_download_microdata, can_see_unpublished, page_lang, query_param, results_of};
use super::State;
use crate::export;

const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const SAV: &str = "application/x-spss-sav";

/// A response that is a file to save, not to show.
fn attachment(content_type: &str, filename: &str) -> HttpResponseBuilder {
    let mut b = HttpResponse::Ok();
    b.content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    b
}

fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> HttpResponse {
    attachment(content_type, filename).body(bytes)
}

/// A file name part from a slug (slugs are `[a-z0-9-]`; anything else is replaced).
fn file_part(slug: &str) -> String {
    slug.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect()
}

fn wants_microdata(req: &HttpRequest) -> bool {
    query_param(req, "data").as_deref() == Some("microdata")
}

fn forbid_microdata(req: &HttpRequest) -> Result<(), WebError> {
    if can_download_microdata(req) {
        Ok(())
    } else {
        Err(super::error_text::microdata_forbidden().into())
    }
}

/// The `?dialect=` of a CSV download (`standard` when absent; an unknown name is a 400).
fn dialect(req: &HttpRequest) -> Result<export::Dialect, WebError> {
    Ok(query_param(req, "dialect")
        .map(|d| d.parse())
        .transpose()?
        .unwrap_or_default())
}

/// `GET /results/{slug}/export.csv[?data=microdata][&dialect=excel-ru]`. Microdata is sent in chunks
/// while it is written (see [`super::chunked`]); the summary is small and sent whole.
pub async fn export_csv(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let name = file_part(&slug);
    let dialect = dialect(&req)?;
    if wants_microdata(&req) {
        forbid_microdata(&req)?;
        // Unknown surveys are answered 404 before the download starts.
        let st = state.clone();
        let s = slug.clone();
        web::block(move || st.definitions.current(&st.store, &s).map(drop)).await??;
        let body = stream(state.clone(), slug, move |st, source, out| {
            export::microdata_csv_streamed(&st.store, source, dialect, out)
        });
        return Ok(attachment(CSV, &format!("{name}-microdata.csv")).streaming(body));
    }
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let st = state.clone();
    let bytes = web::block(move || -> Result<Vec<u8>, WebError> {
        let r = results_of(&st, &slug, Some(&lang), staff)?;
        let mut out = Vec::new();
        export::summary_csv_in(&r.summary, dialect, &mut out).map_err(WebError::from)?;
        Ok(out)
    })
    .await??;
    Ok(download(bytes, CSV, &format!("{name}-summary.csv")))
}

/// Starts writing a microdata export of `slug` on a blocking thread and returns the body that sends it
/// in chunks as it is written. A client that goes away stops the export; a failure cuts the connection
/// (logged), so the client never gets a file that looks complete.
fn stream(
    state: State,
    slug: String,
    write: impl FnOnce(&State, &export::Source, &mut super::chunked::ChunkWriter) -> Result<(), export::ExportError>
        + Send
        + 'static,
) -> super::chunked::ChunkStream {
    let (mut out, body) = super::chunked::channel();
    tokio::task::spawn_blocking(move || {
        let written = export::Source::open(&state.store, &state.definitions, &slug)
            .and_then(|source| write(&state, &source, &mut out));
        match written {
            Ok(()) => {
                let _ = out.finish();
            }
            Err(e) if e.is_broken_pipe() => {
                tracing::info!(slug = %slug, "microdata download stopped: the client went away");
            }
            Err(e) => {
                tracing::error!(slug = %slug, error = %e, "microdata download failed");
                out.fail(e.to_string());
            }
        }
    });
    body
}

/// `GET /results/{slug}/export.xlsx`.
pub async fn export_xlsx(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let name = file_part(&slug);
    let microdata = wants_microdata(&req);
    if microdata {
        forbid_microdata(&req)?;
    }
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req) || microdata;
    let st = state.clone();
    let s = slug.clone();
    let r = web::block(move || results_of(&st, &s, Some(&lang), staff)).await??;
    if microdata {
        // The summary sheet is the page's (cached) summary; the microdata sheet is written as the
        // responses are read and the workbook sent as it is zipped.
        let summary = r.summary.clone();
        let body = stream(state.clone(), slug, move |st, source, out| {
            export::xlsx_streamed(&st.store, source, &summary, out)
        });
        return Ok(attachment(XLSX, &format!("{name}-microdata.xlsx")).streaming(body));
    }
    let bytes = web::block(move || export::xlsx(&r.version.definition, &r.summary, None))
        .await?
        .map_err(WebError::from)?;
    Ok(download(bytes, XLSX, &format!("{name}-summary.xlsx")))
}

/// `GET /results/{slug}/export.sav` (microdata: staff only), sent in chunks as it is written.
pub async fn export_sav(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    forbid_microdata(&req)?;
    let slug = slug.into_inner();
    let name = file_part(&slug);
    let st = state.clone();
    let s = slug.clone();
    web::block(move || st.definitions.current(&st.store, &s).map(drop)).await??;
    let body = stream(state.clone(), slug, |st, source, out| {
        export::sav_streamed(&st.store, source, out)
    });
    Ok(attachment(SAV, &format!("{name}.sav")).streaming(body))
}
