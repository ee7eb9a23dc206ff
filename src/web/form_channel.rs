//! Where respondents come from, over HTTP: the `?src=` code of the survey link is recorded once per new
//! respondent (an "open" of the first page, counted per channel) and kept in a per-survey cookie
//! `opros_c_{slug}` until the first page is sent, when it goes into the response's meta data with the
//! respondent's fingerprint (a keyed hash of address and browser, for duplicate screening). The code is
//! validated every time it is read (`form::channel`) and never echoed into a page.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{http::header, HttpRequest};

use super::State;
use crate::form::channel::{channel_code, is_code};
use crate::form::Meta;

fn cookie_name(slug: &str) -> String {
    format!("opros_c_{slug}")
}

fn src_param(req: &HttpRequest) -> Option<String> {
    req.query_string().split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "src").then(|| v.to_owned())
    })
}

/// `?src=CODE` to carry a valid code through a redirect (an invitation link), else nothing.
pub fn src_query(req: &HttpRequest) -> String {
    match src_param(req) {
        Some(code) if is_code(&code) => format!("?src={code}"),
        _ => String::new(),
    }
}

/// For a respondent seen for the first time (no channel cookie yet): the channel to count an open for and
/// the cookie that keeps it.
pub fn arrival(req: &HttpRequest, state: &State, slug: &str) -> Option<(String, Cookie<'static>)> {
    if req.cookie(&cookie_name(slug)).is_some() {
        return None;
    }
    let channel = channel_code(src_param(req).as_deref());
    let cookie = Cookie::build(cookie_name(slug), channel.clone())
        .path(format!("/s/{slug}"))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(time::Duration::days(30))
        .finish();
    Some((channel, cookie))
}

/// Records the channel and fingerprint in the meta data of a response about to be created.
pub fn stamp(meta: &mut Meta, req: &HttpRequest, state: &State, slug: &str) {
    let kept = req.cookie(&cookie_name(slug)).map(|c| c.value().to_owned());
    meta.channel = Some(channel_code(kept.as_deref()));
    let address = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    meta.fingerprint = Some(state.forms.signer.fingerprint(&address, agent));
}
