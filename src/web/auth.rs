//! Staff sign-in over HTTP: the session middleware, `/login`, `/logout`, role checks and the staff CSRF
//! token.
//!
//! - Session cookie `opros_staff`: a random 256-bit token, `HttpOnly`, `SameSite=Lax`, `Secure` when
//!   `OPROS_SECURE_COOKIES` is on, path `/`; the database keeps SHA-256 of it (see `auth::sessions`), so
//!   any instance can check it.
//! - CSRF: the same scheme as the respondent forms (`form::tokens::Signer`): every staff POST carries
//!   `_csrf` = HMAC(secret, "csrf" ‖ "staff:" ‖ session token). The login form, which has no session yet,
//!   binds its token to a random pre-login cookie `opros_login` instead.
//! - Login: one message for an unknown login, a wrong password and a disabled account; failures are
//!   throttled per account and per client IP in the database (`auth::throttle`).

use actix_web::body::MessageBody;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde_json::json;

use super::error::WebError;
use super::{pages, State};
use crate::auth::{password, sessions, throttle, users, AuthError, LoginLimits, Role, Session, SessionPolicy};
use crate::form::fields::{self, Fields};
use crate::form::tokens;
use crate::store::audit::{self, AuditEvent};

pub const SESSION_COOKIE: &str = "opros_staff";
pub const LOGIN_COOKIE: &str = "opros_login";
/// Largest staff form body (a pasted survey definition is tens of kilobytes).
pub const MAX_STAFF_BODY: usize = 2 * 1024 * 1024;

/// Middleware: when the request carries a staff session cookie, looks the session up once and puts it in
/// the request extensions for handlers (and `can_see_unpublished`). Requests without the cookie (all
/// respondents) pay nothing.
pub async fn load_staff(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let token = req
        .cookie(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| sessions::is_token(t));
    if let (Some(token), Some(state)) = (token, req.app_data::<State>().cloned()) {
        match web::block(move || sessions::lookup(&state.store, &token, SessionPolicy::default())).await {
            Ok(Ok(Some(mut session))) => {
                if let Some(state) = req.app_data::<State>() {
                    session.csrf = csrf_token(state, &session);
                }
                req.extensions_mut().insert(session);
            }
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "staff session lookup failed"),
            Err(e) => tracing::warn!(error = %e, "staff session lookup failed"),
        }
    }
    next.call(req).await
}

/// The signed-in staff member, if any.
pub fn current(req: &HttpRequest) -> Option<Session> {
    req.extensions().get::<Session>().cloned()
}

/// Whether the request may read unpublished results: sociologists and admins always; officials when the
/// route's `{slug}` is a survey they were given access to (loaded with the session, no query here).
pub fn can_see_unpublished(req: &HttpRequest) -> bool {
    match current(req) {
        None => false,
        Some(s) if s.user.role >= Role::Sociologist => true,
        Some(s) => req
            .match_info()
            .get("slug")
            .is_some_and(|slug| s.result_access.iter().any(|g| g == slug)),
    }
}

/// Whether the request comes from staff who may read the unpublished results of the survey `survey_id`:
/// sociologists and admins always, officials when given access to that survey (`catalog::workbench`).
pub fn may_see_unpublished(state: &State, req: &HttpRequest, survey_id: &str) -> Result<bool, WebError> {
    let Some(s) = current(req) else {
        return Ok(false);
    };
    if s.user.role >= Role::Sociologist {
        return Ok(true);
    }
    crate::catalog::workbench::has_result_access(&state.store, &s.user.id, survey_id).map_err(WebError::from)
}

/// The session of a staff member with at least `role`; otherwise the response to send: a redirect to the
/// login page for anonymous visitors, 403 for staff without the role.
#[allow(clippy::result_large_err)]
pub fn require(req: &HttpRequest, role: Role) -> Result<Session, HttpResponse> {
    match current(req) {
        None => {
            let next = if req.method() == actix_web::http::Method::GET {
                format!("?next={}", urlencode(&path_and_query(req)))
            } else {
                String::new()
            };
            Err(see_other(&format!("/login{next}")))
        }
        Some(s) if s.user.role >= role => Ok(s),
        Some(s) => Err(staff_page(
            StatusCode::FORBIDDEN,
            "admin_message",
            &json!({
                "title": "Not allowed",
                "heading": "Not allowed",
                "text": format!("Your role ({}) does not allow this page: it needs {} or higher. Ask an admin if you need it.", s.user.role, role),
            }),
            Some(&s),
        )),
    }
}

fn path_and_query(req: &HttpRequest) -> String {
    match req.uri().query() {
        Some(q) => format!("{}?{q}", req.path()),
        None => req.path().to_owned(),
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The staff CSRF token of a session.
pub fn csrf_token(state: &State, s: &Session) -> String {
    state.forms.signer.csrf(&format!("staff:{}", s.token))
}

/// Checks the `_csrf` field of a staff form against the session.
pub fn check_csrf(state: &State, s: &Session, f: &Fields) -> bool {
    state
        .forms
        .signer
        .check_csrf(&format!("staff:{}", s.token), f.first(fields::CSRF).unwrap_or(""))
}

/// The page shown when a staff form's CSRF token is missing or wrong.
pub fn csrf_failed(s: &Session) -> HttpResponse {
    staff_page(
        StatusCode::FORBIDDEN,
        "admin_message",
        &json!({
            "title": "Form expired",
            "heading": "This form has expired",
            "text": "The form was not sent from this session (it is too old, or it came from another site). Go back, reload the page and send it again.",
        }),
        Some(s),
    )
}

pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_owned()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// Renders a staff page: adds the navigation (who is signed in, their links, the logout form) to `data`.
pub fn staff_page(status: StatusCode, template: &str, data: &serde_json::Value, s: Option<&Session>) -> HttpResponse {
    let mut data = data.clone();
    if let (Some(obj), Some(s)) = (data.as_object_mut(), s) {
        obj.insert(
            "staff".into(),
            json!({
                "login": s.user.login,
                "role": s.user.role,
                "is_admin": s.user.role >= Role::Admin,
                "is_sociologist": s.user.role >= Role::Sociologist,
                "csrf": s.csrf,
            }),
        );
        obj.entry("lang").or_insert(json!("en"));
    }
    HttpResponseBuilder::new(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(pages::render(template, &data))
}

/// Reads a urlencoded staff form body (bounded).
pub async fn read_form(payload: web::Payload, limit: usize) -> Result<Fields, WebError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(b)) => Ok(Fields::from_urlencoded(&b)),
        Ok(Err(_)) => Err(WebError::BadRequest(
            "the form data could not be read; please send it again".into(),
        )),
        Err(_) => Err(WebError::TooLarge(format!(
            "the form is larger than {} KiB",
            limit / 1024
        ))),
    }
}

fn cookie(state: &State, name: &str, value: &str, max_age: Option<time::Duration>) -> Cookie<'static> {
    let mut b = Cookie::build(name.to_owned(), value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies);
    if let Some(a) = max_age {
        b = b.max_age(a);
    }
    b.finish()
}

fn removal(state: &State, name: &str) -> Cookie<'static> {
    let mut c = cookie(state, name, "", None);
    c.make_removal();
    c
}

/// Where to go after login: only local workbench paths (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/admin") && !n.contains("//") && !n.contains('\\') => n.to_owned(),
        Some(n) if n.starts_with("/results/") && !n.contains("//") && !n.contains('\\') => n.to_owned(),
        _ => "/admin".to_owned(),
    }
}

fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get(name).cloned())
}

fn login_page(
    state: &State,
    status: StatusCode,
    login_token: &str,
    next: &str,
    login: &str,
    error: Option<&str>,
) -> HttpResponse {
    staff_page(
        status,
        "login",
        &json!({
            "lang": "en",
            "title": "Staff sign-in",
            "csrf": state.forms.signer.csrf(&format!("login:{login_token}")),
            "next": next,
            "login": login,
            "error": error,
        }),
        None,
    )
}

/// `GET /login`.
pub async fn login_form(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let next = safe_next(query_param(&req, "next").as_deref());
    if current(&req).is_some() {
        return Ok(see_other(&next));
    }
    let existing = req
        .cookie(LOGIN_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| tokens::is_token(t));
    let token = existing.clone().unwrap_or_else(tokens::new_token);
    let mut resp = login_page(&state, StatusCode::OK, &token, &next, "", None);
    if existing.is_none() {
        let _ = resp.add_cookie(&cookie(&state, LOGIN_COOKIE, &token, Some(time::Duration::hours(12))));
    }
    Ok(resp)
}

const BAD_CREDENTIALS: &str = "Wrong login or password.";

/// `POST /login`.
pub async fn login(req: HttpRequest, state: State, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let f = read_form(payload, 16 * 1024).await?;
    let login = f.first("login").unwrap_or("").trim().to_owned();
    let pw = f.first("password").unwrap_or("").to_owned();
    let next = safe_next(f.first("next"));
    let Some(login_token) = req
        .cookie(LOGIN_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| tokens::is_token(t))
    else {
        return Ok(login_expired(&state));
    };
    if !state
        .forms
        .signer
        .check_csrf(&format!("login:{login_token}"), f.first(fields::CSRF).unwrap_or(""))
    {
        return Ok(login_expired(&state));
    }
    let ip = req.peer_addr().map(|a| a.ip().to_string());
    let limits = LoginLimits::default();
    let st = state.clone();
    let (l2, ip2) = (login.clone(), ip.clone());
    let outcome = web::block(move || attempt(&st, &l2, &pw, ip2.as_deref(), &limits)).await??;
    match outcome {
        Attempt::Throttled => {
            let mut r = login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &login_token,
                &next,
                &login,
                Some("Too many failed sign-in attempts. Wait 15 minutes and try again, or ask an admin."),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("900"));
            Ok(r)
        }
        Attempt::Failed => Ok(login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &login_token,
            &next,
            &login,
            Some(BAD_CREDENTIALS),
        )),
        Attempt::Ok { token } => {
            let mut r = see_other(&next);
            let _ = r.add_cookie(&cookie(&state, SESSION_COOKIE, &token, Some(time::Duration::hours(12))));
            let _ = r.add_cookie(&removal(&state, LOGIN_COOKIE));
            Ok(r)
        }
    }
}

fn login_expired(state: &State) -> HttpResponse {
    let token = tokens::new_token();
    let mut r = login_page(
        state,
        StatusCode::FORBIDDEN,
        &token,
        "/admin",
        "",
        Some("The sign-in form expired or did not come from this site. Please sign in again."),
    );
    let _ = r.add_cookie(&cookie(state, LOGIN_COOKIE, &token, Some(time::Duration::hours(12))));
    r
}

enum Attempt {
    Ok { token: String },
    Failed,
    Throttled,
}

/// Checks limits, then the password (an unknown or disabled login costs the same hashing time and gets the
/// same answer as a wrong password), then starts a session.
fn attempt(state: &State, login: &str, pw: &str, ip: Option<&str>, limits: &LoginLimits) -> Result<Attempt, WebError> {
    let store = &state.store;
    if !throttle::allowed(store, login, ip, limits)? {
        return Ok(Attempt::Throttled);
    }
    let row = users::find_row(store, login)?;
    let ok = match &row {
        Some(u) => password::verify(pw, &u.password_hash) && !u.disabled,
        None => {
            password::verify_dummy(pw);
            false
        }
    };
    let Some(user) = row.filter(|_| ok) else {
        throttle::record_failure(store, login, ip, limits)?;
        return Ok(Attempt::Failed);
    };
    throttle::clear_account(store, login)?;
    let (token, _) = sessions::create(store, &user.id, SessionPolicy::default())?;
    audit::record(
        store,
        &AuditEvent {
            actor: &user.login,
            action: "login",
            detail: ip.map(|i| format!("from {i}")).unwrap_or_default(),
            ..Default::default()
        },
    )?;
    Ok(Attempt::Ok { token })
}

/// `POST /logout`.
pub async fn logout(req: HttpRequest, state: State, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let Some(s) = current(&req) else {
        return Ok(see_other("/login"));
    };
    let f = read_form(payload, 16 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&s));
    }
    let st = state.clone();
    let s2 = s.clone();
    web::block(move || -> Result<(), AuthError> {
        sessions::delete(&st.store, &s2.token)?;
        Ok(audit::record(
            &st.store,
            &AuditEvent {
                actor: &s2.user.login,
                action: "logout",
                ..Default::default()
            },
        )?)
    })
    .await??;
    let mut r = see_other("/login");
    let _ = r.add_cookie(&removal(&state, SESSION_COOKIE));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin/surveys/x")), "/admin/surveys/x");
        assert_eq!(safe_next(Some("https://evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example/admin")), "/admin");
        assert_eq!(safe_next(Some("/admin//evil.example")), "/admin");
        assert_eq!(safe_next(Some("/results/transport")), "/results/transport");
        assert_eq!(safe_next(None), "/admin");
    }

    #[test]
    fn urlencode_keeps_paths_readable() {
        assert_eq!(urlencode("/admin/x?page=2&a=b c"), "/admin/x%3Fpage%3D2%26a%3Db%20c");
    }
}
