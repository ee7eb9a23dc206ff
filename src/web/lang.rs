//! Interface language: `?lang=` (remembered in a cookie), then the cookie, then `Accept-Language`.

use actix_web::HttpRequest;

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
