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
use actix_web::{web, HttpRequest, HttpResponse};

use super::error::WebError;
use super::results::{can_download_microdata, can_see_unpublished, page_lang, query_param, results_of};
use super::State;
use crate::export;

const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const SAV: &str = "application/x-spss-sav";

fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
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
        Err(WebError::Forbidden(
            "microdata (one row per respondent) can be downloaded by staff only; the summary tables are at the same address without ?data=microdata".into(),
        ))
    }
}

/// `GET /results/{slug}/export.csv`.
pub async fn export_csv(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let name = file_part(&slug);
    if wants_microdata(&req) {
        forbid_microdata(&req)?;
        let st = state.clone();
        let bytes = web::block(move || -> Result<Vec<u8>, WebError> {
            let data = export::load(&st.store, &st.definitions, &slug).map_err(WebError::from)?;
            let mut out = Vec::new();
            export::microdata_csv(&data, &mut out).map_err(WebError::from)?;
            Ok(out)
        })
        .await??;
        return Ok(download(bytes, CSV, &format!("{name}-microdata.csv")));
    }
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let st = state.clone();
    let bytes = web::block(move || -> Result<Vec<u8>, WebError> {
        let r = results_of(&st, &slug, Some(&lang), staff)?;
        let mut out = Vec::new();
        export::summary_csv(&r.summary, &mut out).map_err(WebError::from)?;
        Ok(out)
    })
    .await??;
    Ok(download(bytes, CSV, &format!("{name}-summary.csv")))
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
    let bytes = web::block(move || -> Result<Vec<u8>, WebError> {
        let r = results_of(&st, &slug, Some(&lang), staff)?;
        let data = if microdata {
            Some(export::load(&st.store, &st.definitions, &slug).map_err(WebError::from)?)
        } else {
            None
        };
        export::xlsx(&r.version.definition, &r.summary, data.as_ref()).map_err(WebError::from)
    })
    .await??;
    let what = if microdata { "microdata" } else { "summary" };
    Ok(download(bytes, XLSX, &format!("{name}-{what}.xlsx")))
}

/// `GET /results/{slug}/export.sav` (microdata: staff only).
pub async fn export_sav(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    forbid_microdata(&req)?;
    let slug = slug.into_inner();
    let name = file_part(&slug);
    let st = state.clone();
    let bytes = web::block(move || -> Result<Vec<u8>, WebError> {
        let data = export::load(&st.store, &st.definitions, &slug).map_err(WebError::from)?;
        export::sav(&data).map_err(WebError::from)
    })
    .await??;
    Ok(download(bytes, SAV, &format!("{name}.sav")))
}
