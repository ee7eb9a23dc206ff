//! Staff sessions, stored in the database (`store::sessions`) by SHA-256 of a random 256-bit cookie token,
//! so any app instance can check a session another created, and a stolen database does not yield usable
//! cookies.
//!
//! A session ends at the earlier of an absolute lifetime from login and an idle timeout from the last
//! request; `last_seen_at` is written at most once a minute so reading pages does not write on every request.

use chrono::{Duration, NaiveDateTime};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::users::User;
use super::AuthError;
use crate::form::tokens::hex;
use crate::store::{now, Store};

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// From login, whatever the activity.
    pub absolute: Duration,
    /// From the last request.
    pub idle: Duration,
}

impl Default for SessionPolicy {
    /// 12 hours absolute (a working day), 2 hours idle.
    fn default() -> Self {
        SessionPolicy {
            absolute: Duration::hours(12),
            idle: Duration::hours(2),
        }
    }
}

/// The signed-in staff member of a request.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub user: User,
    /// SHA-256 of the cookie token (the key of the session row).
    #[serde(skip)]
    pub token_hash: String,
    /// The cookie token itself: the staff CSRF token is derived from it.
    #[serde(skip)]
    pub token: String,
    pub expires_at: NaiveDateTime,
    /// The staff CSRF token of this session, filled in by the web layer (it holds the signing secret).
    #[serde(skip)]
    pub csrf: String,
    /// For officials: slugs of the surveys whose unpublished results they were given access to.
    #[serde(skip)]
    pub result_access: Vec<String>,
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new random session token: 256 bits, hex.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex(&b)
}

/// Whether `s` has the shape of a token we issue (checked before it reaches a query).
pub fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Starts a session for a user; returns the cookie token.
pub fn create(store: &Store, user_id: &str, policy: SessionPolicy) -> Result<(String, NaiveDateTime), AuthError> {
    let token = new_token();
    let at = now();
    let expires = at + policy.idle.min(policy.absolute);
    store.insert_session(&token_hash(&token), user_id, at, expires)?;
    // Expired sessions (anyone's) are removed at each login, so the table stays about one row per person
    // signed in; lookups never rely on it (they check `expires_at`).
    store.delete_sessions_expired_before(at)?;
    Ok((token, expires))
}

/// The live session of a cookie token, extending its idle expiry. `None` for unknown, expired or disabled.
pub fn lookup(store: &Store, token: &str, policy: SessionPolicy) -> Result<Option<Session>, AuthError> {
    if !is_token(token) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let at = now();
    let Some((times, user)) = store.session_with_user(&hash)? else {
        return Ok(None);
    };
    if times.expires_at <= at || user.disabled {
        return Ok(None);
    }
    let mut expires_at = times.expires_at;
    if at - times.last_seen_at >= Duration::minutes(1) {
        expires_at = (at + policy.idle).min(times.created_at + policy.absolute);
        store.touch_session(&hash, at, expires_at)?;
    }
    let user = User::try_from(user)?;
    let result_access = if user.role == super::Role::Official {
        store.result_access_slugs(&user.id)?
    } else {
        Vec::new()
    };
    Ok(Some(Session {
        user,
        token_hash: hash,
        token: token.to_owned(),
        expires_at,
        csrf: String::new(),
        result_access,
    }))
}

/// Ends a session (logout).
pub fn delete(store: &Store, token: &str) -> Result<(), AuthError> {
    Ok(store.delete_session(&token_hash(token))?)
}

/// Makes every session of a user expire now (tests of expiry, and "sign out everywhere").
pub fn expire_all(store: &Store, login: &str) -> Result<usize, AuthError> {
    let user = super::users::find(store, login)?;
    Ok(store.expire_sessions_of(&user.id, now() - Duration::seconds(1))?)
}
