//! Interface language: `?lang=` (remembered in a cookie), then the cookie, then `Accept-Language`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse};

pub const LANG_COOKIE: &str = "opros_lang";

/// The language to show, among `available` (the survey's languages; the first is its default).
pub fn choose(req: &HttpRequest, available: &[String]) -> String {
    let ok = |l: &str| available.iter().any(|a| a == l);
    let from_query = query_lang(req).filter(|l| ok(l));
    let from_cookie = req.cookie(LANG_COOKIE).map(|c| c.value().to_owned()).filter(|l| ok(l));
    from_query
        .or(from_cookie)
        .or_else(|| accept_language(req).into_iter().find(|l| ok(l)))
        .or_else(|| available.first().cloned())
        .unwrap_or_else(|| "ru".to_owned())
}

/// `?lang=xx` if present.
pub fn query_lang(req: &HttpRequest) -> Option<String> {
    req.query_string().split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "lang" && v.len() <= 8 && v.chars().all(|c| c.is_ascii_alphabetic())).then(|| v.to_ascii_lowercase())
    })
}

/// The interface languages of pages that are not a survey's form (lists, results, the workbench, errors).
pub fn site_languages() -> Vec<String> {
    crate::i18n::LANGUAGES.iter().map(|l| (*l).to_owned()).collect()
}

/// The interface language of a page that is not a survey's form.
pub fn site_lang(req: &HttpRequest) -> String {
    choose(req, &site_languages())
}

/// The cookie that remembers a chosen language for a year, on every path.
pub fn cookie(lang: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(LANG_COOKIE, lang.to_owned())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::days(365))
        .finish()
}

/// Middleware: a language chosen with `?lang=` on any page is remembered in the cookie (so every later
/// page, link and redirect keeps it), and an error page made by `WebError` is written in the language of
/// the person who asked (the error itself does not know the request).
pub async fn keep_language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let chosen = query_lang(req.request()).filter(|l| crate::i18n::LANGUAGES.contains(&l.as_str()));
    let remembered = req.cookie(LANG_COOKIE).map(|c| c.value().to_owned());
    let page_lang = site_lang(req.request());
    let here = here(req.request());
    let secure = req.app_data::<super::State>().is_some_and(|s| s.config.secure_cookies);
    let res = next.call(req).await?.map_into_boxed_body();
    let error = res.response().extensions().get::<ErrorPage>().cloned();
    let mut res = match error {
        Some(error) => {
            let (req, old) = res.into_parts();
            let mut page = HttpResponse::build(old.status());
            for (name, value) in old.headers() {
                if ![header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING].contains(name) {
                    page.append_header((name.clone(), value.clone()));
                }
            }
            let message = error.1.as_ref().map_or_else(|| error.0.clone(), |l| l.text(&page_lang));
            let body = super::pages::error_page(old.status(), &message, &page_lang, &here);
            ServiceResponse::new(req, page.content_type("text/html; charset=utf-8").body(body))
        }
        None => res,
    };
    if let Some(lang) = chosen.filter(|l| remembered.as_deref() != Some(l.as_str())) {
        let already_set = res.response().cookies().any(|c| c.name() == LANG_COOKIE);
        if !already_set {
            if let Err(e) = res.response_mut().add_cookie(&cookie(&lang, secure)) {
                tracing::warn!(error = %e, "the language cookie could not be set");
            }
        }
    }
    Ok(res)
}

/// The message of an error page, put on the response by `WebError` so that `keep_language` can write the
/// page in the reader's language (a deeper layer's message with a catalog text is written again in it).
#[derive(Clone, Debug)]
pub struct ErrorPage(pub String, pub Option<super::error_text::Localized>);

/// The address of the request without its `lang` parameter, for the links that switch the language.
pub fn here(req: &HttpRequest) -> String {
    let query: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
        .collect();
    if query.is_empty() {
        req.path().to_owned()
    } else {
        format!("{}?{}", req.path(), query.join("&"))
    }
}

/// Primary language tags of `Accept-Language`, best first.
fn accept_language(req: &HttpRequest) -> Vec<String> {
    let Some(h) = req.headers().get("accept-language").and_then(|v| v.to_str().ok()) else {
        return Vec::new();
    };
    let mut tags: Vec<(f32, String)> = h
        .split(',')
        .filter_map(|part| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim().split('-').next()?.to_ascii_lowercase();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            (!tag.is_empty()).then_some((q, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    tags.into_iter().map(|(_, t)| t).collect()
}
