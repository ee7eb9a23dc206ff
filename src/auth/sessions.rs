//! Staff sessions, stored in the database by SHA-256 of a random 256-bit cookie token, so any app instance
//! can check a session another created, and a stolen database does not yield usable cookies.
//!
//! A session ends at the earlier of an absolute lifetime from login and an idle timeout from the last
//! request; `last_seen_at` is written at most once a minute so reading pages does not write on every request.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::schema::{sessions, users};
use super::users::{User, UserRow};
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
    let mut conn = store.writer()?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(&token)),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(at),
            sessions::last_seen_at.eq(at),
            sessions::expires_at.eq(expires),
        ))
        .execute(&mut *conn)?;
    // Expired sessions (anyone's) are removed at each login, so the table stays about one row per person
    // signed in; lookups never rely on it (they check `expires_at`).
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(at))).execute(&mut *conn)?;
    Ok((token, expires))
}

/// The live session of a cookie token, extending its idle expiry. `None` for unknown, expired or disabled.
pub fn lookup(store: &Store, token: &str, policy: SessionPolicy) -> Result<Option<Session>, AuthError> {
    if !is_token(token) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let at = now();
    let found: Option<(NaiveDateTime, NaiveDateTime, NaiveDateTime, UserRow)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(&hash))
        .select((
            sessions::created_at,
            sessions::last_seen_at,
            sessions::expires_at,
            UserRow::as_select(),
        ))
        .first(&mut *store.reader()?)
        .optional()?;
    let Some((created, last_seen, expires, user)) = found else {
        return Ok(None);
    };
    if expires <= at || user.disabled {
        return Ok(None);
    }
    let mut expires_at = expires;
    if at - last_seen >= Duration::minutes(1) {
        expires_at = (at + policy.idle).min(created + policy.absolute);
        let mut conn = store.writer()?;
        diesel::update(sessions::table.filter(sessions::token_hash.eq(&hash)))
            .set((sessions::last_seen_at.eq(at), sessions::expires_at.eq(expires_at)))
            .execute(&mut *conn)?;
    }
    let user = User::try_from(user)?;
    let result_access = if user.role == super::Role::Official {
        granted_slugs(store, &user.id)?
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
    let mut conn = store.writer()?;
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash(token)))).execute(&mut *conn)?;
    Ok(())
}

/// Makes every session of a user expire now (tests of expiry, and "sign out everywhere").
pub fn expire_all(store: &Store, login: &str) -> Result<usize, AuthError> {
    let user = super::users::find(store, login)?;
    let mut conn = store.writer()?;
    Ok(diesel::update(sessions::table.filter(sessions::user_id.eq(&user.id)))
        .set(sessions::expires_at.eq(now() - Duration::seconds(1)))
        .execute(&mut *conn)?)
}

/// Slugs of the surveys an official may read unpublished results of.
fn granted_slugs(store: &Store, user_id: &str) -> Result<Vec<String>, AuthError> {
    use super::schema::result_access;
    use crate::store::schema::surveys;
    let ids: Vec<String> = result_access::table
        .filter(result_access::user_id.eq(user_id))
        .select(result_access::survey_id)
        .load(&mut *store.reader()?)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(surveys::table
        .filter(surveys::id.eq_any(ids))
        .select(surveys::slug)
        .load(&mut *store.reader()?)?)
}
