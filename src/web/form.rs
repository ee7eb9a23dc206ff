//! The respondent form over HTTP: `GET /s/{slug}` shows the page the respondent is on, `POST /s/{slug}`
//! takes one page. Pure logic lives in [`crate::form`]; responses are written by the group-commit writer.
//!
//! Who is who: a per-survey cookie `opros_r_{slug}` holds the respondent token (random, or an invitation
//! token from `?t=`); the database keeps only its SHA-256. The same cookie is the resume cookie, and
//! `?r=TOKEN` (the resume link on every page) restores it on another device. CSRF: every POST carries
//! `_csrf` = HMAC(secret, token); the secret is shared by all instances (OPROS_SECRET or the database), so
//! nothing lives in process memory except the per-IP rate-limit counters.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};

use super::error::WebError;
use super::form_channel;
use super::form_notices::{
    availability, availability_page, closed_on_write, done_page, html, invitation_required, notice, thanks_page, ui_str,
};
use super::form_render::{FixedPages, PageCache};
use super::{lang, State};
use crate::catalog::LoadedVersion;
use crate::config::Config;
use crate::definition::{Answers, Definition, QuestionKind};
use crate::form::fields::{self, Fields};
use crate::form::parse::FieldError;
use crate::form::step::{self, Taken};
use crate::form::submission::{quota_cells, PageWrite};
use crate::form::tokens::{self, Signer};
use crate::form::view::PageInput;
use crate::form::{draw, Flow, Meta, Problem};
use crate::store::lookups::Lookups;
use crate::store::responses::{Outcome, PARTIAL, SCREENED_OUT};
use crate::store::writer::Writer;
use crate::store::{ResponseRow, Store, StoreError, SurveyRow};

/// Cookie lifetime of the respondent token: long enough to come back to a long survey.
const RESPONDENT_COOKIE_DAYS: i64 = 180;

/// Form machinery shared by the workers of one process.
pub struct Forms {
    pub signer: Signer,
    pub writer: Writer,
    /// Grouped respondent lookups (PostgreSQL only; SQLite looks up in place).
    lookups: Option<Lookups>,
    limiter: RateLimiter,
    /// Rendered pages by shape (`web::form_render`).
    pub pages: PageCache,
    /// Thank-you pages by survey version and language.
    pub(super) fixed: FixedPages,
}

impl Forms {
    /// Signing secret from `OPROS_SECRET`, else the one stored in the database (the same for every
    /// instance); starts this process's writer thread.
    pub fn new(store: &Store, config: &Config) -> Result<Forms, StoreError> {
        let secret = match &config.secret {
            Some(s) => s.clone(),
            None => store.form_secret()?,
        };
        Ok(Forms {
            signer: Signer::new(secret.as_bytes()),
            writer: Writer::start(store.clone()),
            lookups: (!store.is_sqlite()).then(|| Lookups::start(store.clone())),
            limiter: RateLimiter::new(config.rate_limit_per_minute),
            pages: PageCache::default(),
            fixed: FixedPages::default(),
        })
    }
}

/// Fixed one-minute windows per client IP (in process: acceptable for rate limiting only).
struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request; false when the IP is over its limit for the current minute.
    fn allow(&self, ip: Option<IpAddr>) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let Some(ip) = ip else { return true };
        let now = Instant::now();
        let Ok(mut map) = self.windows.lock() else { return true };
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = map.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}

fn cookie_name(slug: &str) -> String {
    format!("opros_r_{slug}")
}

fn respondent_cookie(state: &State, slug: &str, token: &str) -> Cookie<'static> {
    Cookie::build(cookie_name(slug), token.to_owned())
        .path(format!("/s/{slug}"))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(time::Duration::days(RESPONDENT_COOKIE_DAYS))
        .finish()
}

fn lang_cookie(state: &State, lang: &str) -> Cookie<'static> {
    lang::cookie(lang, state.config.secure_cookies)
}

fn token_from_cookie(req: &HttpRequest, slug: &str) -> Option<String> {
    req.cookie(&cookie_name(slug))
        .map(|c| c.value().to_owned())
        .filter(|t| tokens::is_token(t))
}

fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    req.query_string().split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn blocking<T: Send + 'static, E: Into<WebError> + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, WebError> {
    web::block(f).await?.map_err(Into::into)
}

/// The survey row and its current version: a row read in the last second is reused (no database access);
/// whether the survey is still open is checked again by the writer on submit (`store::writer`).
async fn current_survey(state: &State, slug: &str) -> Result<(SurveyRow, Arc<LoadedVersion>), WebError> {
    if let Some(hit) = state.definitions.recent(slug) {
        return Ok(hit);
    }
    let st = state.clone();
    let slug = slug.to_owned();
    blocking(move || st.definitions.current(&st.store, &slug)).await
}

fn redirect(to: &str) -> HttpResponseBuilder {
    let mut b = HttpResponse::SeeOther();
    b.insert_header((header::LOCATION, to.to_owned()))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    b
}

/// The version a respondent answers: the one their response started on, else the current one.
async fn load_version(
    state: &State,
    survey: &SurveyRow,
    response: Option<&ResponseRow>,
    current: Arc<LoadedVersion>,
) -> Result<Arc<LoadedVersion>, WebError> {
    match response {
        Some(r) if r.version != current.version => {
            let st = state.clone();
            let survey = survey.clone();
            let v = r.version;
            blocking(move || st.definitions.get(&st.store, &survey, v)).await
        }
        _ => Ok(current),
    }
}

fn parse_answers(row: Option<&ResponseRow>) -> Answers {
    row.and_then(|r| serde_json::from_str(&r.answers).ok())
        .unwrap_or_default()
}

/// The respondent's stored meta, with random orders drawn for a new one.
fn meta_of(def: &Definition, who: &Respondent) -> Meta {
    let mut meta = who.row.as_ref().map(|r| Meta::parse(&r.meta)).unwrap_or_default();
    if meta.order.pages.is_empty() {
        meta.order = draw(def, &who.order_seed);
    }
    meta
}

struct Respondent {
    token: String,
    key_hash: String,
    /// The stored response's id, or the time-ordered id a new response is inserted with.
    response_id: String,
    /// Seed of the random orders: the stored response's id, or one derived from the token (the same on
    /// every view of the first page).
    order_seed: String,
    row: Option<ResponseRow>,
    /// No response yet, and the token is an invitation to this survey.
    invited: bool,
}

impl Respondent {
    /// Someone with no stored response yet.
    fn new(survey_id: &str, token: String) -> Respondent {
        Respondent::without_response(survey_id, tokens::key_hash(&token), token)
    }

    fn without_response(survey_id: &str, key_hash: String, token: String) -> Respondent {
        Respondent {
            key_hash,
            response_id: tokens::random_response_id(),
            order_seed: tokens::order_seed(survey_id, &token),
            token,
            row: None,
            invited: false,
        }
    }
}

/// The respondent of a token: their stored response, or whether the token is an invitation (one database
/// round).
async fn find_respondent(state: &State, survey: &SurveyRow, token: String) -> Result<Respondent, WebError> {
    let key_hash = tokens::key_hash(&token);
    // A SQLite read is in process, takes microseconds and, in WAL mode, never waits for the writer: it runs
    // on the worker, saving two thread hand-offs per request (profiled under the load example). PostgreSQL reads are network
    // round trips: they are grouped with the other requests' lookups into one statement.
    let (row, invited) = match &state.forms.lookups {
        Some(lookups) => lookups.find(survey.id.clone(), key_hash.clone()).await?,
        None => state.store.find_respondent(&survey.id, &key_hash)?,
    };
    Ok(match row {
        Some(r) => Respondent {
            token,
            key_hash,
            response_id: r.id.clone(),
            order_seed: r.id.clone(),
            row: Some(r),
            invited,
        },
        None => Respondent {
            invited,
            ..Respondent::without_response(&survey.id, key_hash, token)
        },
    })
}

/// `GET /s/{slug}`.
pub async fn show(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let (survey, current) = current_survey(&state, &slug).await?;
    let lang = lang::choose(&req, &current.definition.languages);
    let lang_set = lang::query_lang(&req).is_some_and(|l| l == lang);
    let title = current.definition.title.get(&lang).to_owned();

    // An invitation or resume link: keep the token in the cookie and come back without it in the URL.
    let invitation = query_param(&req, "t").filter(|t| !t.is_empty());
    let resume = query_param(&req, "r").filter(|t| !t.is_empty());
    if let Some(tok) = invitation.clone().or(resume) {
        let valid = tokens::is_token(&tok)
            && (invitation.is_none() || {
                let st = state.clone();
                let (sid, h) = (survey.id.clone(), tokens::key_hash(&tok));
                blocking(move || st.store.invitation_exists(&sid, &h)).await?
            });
        if !valid {
            return Ok(notice(
                StatusCode::FORBIDDEN,
                &lang,
                &title,
                &ui_str(&lang, "invitation_heading"),
                &ui_str(&lang, "invitation_text"),
                None,
            ));
        }
        let mut b = redirect(&format!("/s/{slug}{}", form_channel::src_query(&req)));
        b.cookie(respondent_cookie(&state, &slug, &tok));
        if lang_set {
            b.cookie(lang_cookie(&state, &lang));
        }
        return Ok(b.finish());
    }

    let avail = availability(&survey, &current.definition)?;
    if let Some(page) = availability_page(StatusCode::OK, &avail, &lang, &title) {
        return Ok(page);
    }
    let (token, new_cookie) = match token_from_cookie(&req, &slug) {
        Some(t) => (t, false),
        None => (tokens::new_token(), true),
    };
    let who = if new_cookie {
        Respondent::new(&survey.id, token)
    } else {
        find_respondent(&state, &survey, token).await?
    };
    if let Some(r) = &who.row {
        if r.state != PARTIAL {
            return Ok(done_page(&r.state, &lang, &title));
        }
    }
    if current.definition.invitation_only && who.row.is_none() && !who.invited {
        return Ok(invitation_required(&lang, &title));
    }
    let version = load_version(&state, &survey, who.row.as_ref(), current).await?;
    let def = &version.definition;
    let answers = parse_answers(who.row.as_ref());
    let meta = meta_of(def, &who);
    let flow = Flow::new(def, &meta.order);
    let pos = flow.current(&meta, &answers).unwrap_or(0);
    let mut resp = render_page(
        &state,
        &survey,
        &version,
        &lang,
        &who,
        &meta,
        &answers,
        pos,
        None,
        &[],
        StatusCode::OK,
    );
    if new_cookie {
        let _ = resp.add_cookie(&respondent_cookie(&state, &slug, &who.token));
    }
    if let Some((channel, cookie)) = who
        .row
        .is_none()
        .then(|| form_channel::arrival(&req, &state, &slug))
        .flatten()
    {
        state.forms.writer.count_open(&survey.id, &channel);
        let _ = resp.add_cookie(&cookie);
    }
    if lang_set {
        let _ = resp.add_cookie(&lang_cookie(&state, &lang));
    }
    Ok(resp)
}

#[allow(clippy::too_many_arguments)]
fn render_page(
    state: &State,
    survey: &SurveyRow,
    version: &LoadedVersion,
    lang: &str,
    who: &Respondent,
    meta: &Meta,
    answers: &Answers,
    pos: usize,
    submitted: Option<&Fields>,
    errors: &[FieldError],
    status: StatusCode,
) -> HttpResponse {
    let def = &version.definition;
    let flow = Flow::new(def, &meta.order);
    let at = step::place(&flow, pos, answers);
    let csrf = state.forms.signer.csrf(&who.token);
    let shown = state.forms.signer.shown(&who.token, now_ms());
    let resume_url = format!("/s/{}?r={}", survey.slug, who.token);
    let input = PageInput {
        def,
        slug: &survey.slug,
        lang,
        page: at.page,
        orders: &meta.order,
        answers,
        submitted,
        errors,
        progress: at.progress,
        is_last: at.is_last,
        can_go_back: at.can_go_back,
        csrf: &csrf,
        shown: &shown,
        resume_url: &resume_url,
    };
    let scope = format!("{}\u{0}{}", survey.id, version.version);
    html(status, state.forms.pages.render(&scope, &input))
}

/// `POST /s/{slug}`.
pub async fn submit(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let fallback_lang = lang::choose(&req, &["ru".to_owned(), "en".to_owned()]);
    if !state.forms.limiter.allow(req.peer_addr().map(|a| a.ip())) {
        let mut r = notice(
            StatusCode::TOO_MANY_REQUESTS,
            &fallback_lang,
            "429",
            &ui_str(&fallback_lang, "rate_heading"),
            &ui_str(&fallback_lang, "rate_text"),
            Some((&format!("/s/{slug}"), &ui_str(&fallback_lang, "continue"))),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return Ok(r);
    }
    let body = match payload.to_bytes_limited(state.config.max_body_bytes).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            return Err(WebError::BadRequest(
                "the form data could not be read; please send the page again".into(),
            ))
        }
        Err(_) => {
            return Ok(notice(
                StatusCode::PAYLOAD_TOO_LARGE,
                &fallback_lang,
                "413",
                &ui_str(&fallback_lang, "too_large_heading"),
                &ui_str(&fallback_lang, "too_large_text"),
                Some((&format!("/s/{slug}"), &ui_str(&fallback_lang, "continue"))),
            ))
        }
    };
    if !Fields::is_utf8_urlencoded(&body) {
        return Err(WebError::BadRequest(
            "the form data is not valid UTF-8 text; please reload the page and send it again".into(),
        ));
    }
    let fields = Fields::from_urlencoded(&body);

    let (survey, current) = current_survey(&state, &slug).await?;
    let lang = lang::choose(&req, &current.definition.languages);
    let title = current.definition.title.get(&lang).to_owned();
    let avail = availability(&survey, &current.definition)?;
    if let Some(page) = availability_page(StatusCode::FORBIDDEN, &avail, &lang, &title) {
        return Ok(page);
    }
    let continue_link = format!("/s/{slug}");
    let csrf_fail = || {
        notice(
            StatusCode::FORBIDDEN,
            &lang,
            &title,
            &ui_str(&lang, "csrf_heading"),
            &ui_str(&lang, "csrf_text"),
            Some((&continue_link, &ui_str(&lang, "continue"))),
        )
    };
    let Some(token) = token_from_cookie(&req, &slug) else {
        return Ok(csrf_fail());
    };
    let sent_csrf = fields.first(fields::CSRF).unwrap_or("");
    if !state.forms.signer.check_csrf(&token, sent_csrf) {
        return Ok(csrf_fail());
    }
    if fields.first(fields::HONEYPOT).is_some_and(|v| !v.trim().is_empty()) {
        return Ok(notice(
            StatusCode::BAD_REQUEST,
            &lang,
            &title,
            &ui_str(&lang, "rejected_heading"),
            &ui_str(&lang, "rejected_text"),
            Some((&continue_link, &ui_str(&lang, "continue"))),
        ));
    }

    let who = find_respondent(&state, &survey, token).await?;
    if let Some(r) = &who.row {
        if r.state != PARTIAL {
            return Ok(done_page(&r.state, &lang, &title));
        }
    }
    let version = load_version(&state, &survey, who.row.as_ref(), current).await?;
    let def = &version.definition;
    let prior = parse_answers(who.row.as_ref());
    let mut meta = meta_of(def, &who);
    let flow = Flow::new(def, &meta.order);
    let current_pos = flow.current(&meta, &prior).unwrap_or(0);
    // The page sent must be the current one or one shown before it (a page sent again from history).
    let pos = match step::sent_position(&flow, &fields) {
        Some(p) if p <= current_pos && flow.next_from(p, &prior) == Some(p) => p,
        _ => return Ok(redirect(&continue_link).finish()),
    };
    let page = flow.page_at(pos).unwrap_or(0);
    let shown_at = fields
        .first(fields::SHOWN)
        .and_then(|s| state.forms.signer.check_shown(&who.token, s));
    if who.row.is_none() {
        meta.invited = who.invited;
        form_channel::stamp(&mut meta, &req, &state, &slug);
        if def.invitation_only && !who.invited {
            return Ok(invitation_required(&lang, &title));
        }
    }
    let write = PageWrite {
        survey_id: &survey.id,
        definition: def,
        version: version.version,
        response_id: &who.response_id,
        key_hash: &who.key_hash,
        stored_start: who.row.as_ref().map(|r| r.started_at),
        language: &lang,
        shown_at,
    };

    if step::wants_back(&fields) {
        let Some(prev) = flow.prev_before(pos, &prior) else {
            return Ok(redirect(&continue_link).finish());
        };
        meta.at = flow.page_at(prev).map(|i| def.pages[i].id.clone());
        if who.row.is_some() {
            let sub = write.submission(
                &prior,
                &meta,
                prior_reached(&who),
                false,
                Vec::new(),
                crate::store::now(),
            );
            if state.forms.writer.submit(sub).await? == Outcome::Closed {
                return Ok(closed_on_write(&state, &slug, &lang, &title));
            }
        }
        return Ok(redirect(&continue_link).finish());
    }

    let min_ms = (state.config.min_page_seconds * 1000.0) as i64;
    // A page of notes only (an introduction) may be read in a second.
    let answerable = def
        .pages
        .get(page)
        .is_some_and(|p| p.questions.iter().any(|q| !matches!(q.kind, QuestionKind::Info)));
    let too_fast = min_ms > 0 && answerable && shown_at.is_none_or(|t| now_ms() - t < min_ms);
    let taken = if too_fast {
        Err(vec![FieldError {
            question: None,
            target: String::new(),
            problem: Problem::TooFast,
        }])
    } else {
        step::take_page(&flow, pos, &prior, &fields)
    };
    let Taken { answers, next } = match taken {
        Ok(t) => t,
        Err(errors) => {
            return Ok(render_page(
                &state,
                &survey,
                &version,
                &lang,
                &who,
                &meta,
                &prior,
                pos,
                Some(&fields),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    };
    meta.at = next.and_then(|n| flow.page_at(n)).map(|i| def.pages[i].id.clone());
    let reached = prior_reached(&who).max(next.map_or(pos, |n| n) as i32 + 1);
    let complete = next.is_none();
    let quotas = quota_cells(def, &answers);
    let sub = write.submission(&answers, &meta, reached, complete, quotas, crate::store::now());
    match state.forms.writer.submit(sub).await? {
        Outcome::Saved => Ok(redirect(&continue_link).finish()),
        Outcome::Completed => Ok(thanks_page(&state, &survey, &version, &lang)),
        Outcome::ScreenedOut => Ok(done_page(SCREENED_OUT, &lang, &title)),
        Outcome::AlreadyDone(s) => Ok(done_page(&s, &lang, &title)),
        Outcome::Closed => Ok(closed_on_write(&state, &slug, &lang, &title)),
    }
}

fn prior_reached(who: &Respondent) -> i32 {
    who.row.as_ref().map_or(0, |r| r.page_reached)
}
