//! Login throttling, stored in the database (`store::login_attempts`) so that limits hold across app
//! instances: every failed login adds a row for the login tried (`user:NAME`, whether or not it exists)
//! and one for the client (`ip:ADDR`). A login is refused while either key has `max` failures within
//! `window`; a success clears the account's failures. Old rows are pruned as new ones arrive.

use chrono::Duration;

use super::AuthError;
use crate::store::{now, Store};

#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub window: Duration,
    /// Failures per account (login tried) within the window.
    pub per_account: i64,
    /// Failures per client IP within the window.
    pub per_ip: i64,
}

impl Default for LoginLimits {
    /// 5 failures per account and 20 per IP in 15 minutes (OWASP Authentication Cheat Sheet: lock out
    /// for a period after a few failures; the IP limit slows spraying one password over many accounts).
    fn default() -> Self {
        LoginLimits {
            window: Duration::minutes(15),
            per_account: 5,
            per_ip: 20,
        }
    }
}

pub fn account_key(login: &str) -> String {
    format!("user:{}", login.trim().to_lowercase())
}

pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

fn failures(store: &Store, key: &str, limits: &LoginLimits) -> Result<i64, AuthError> {
    Ok(store.login_failures_since(key, now() - limits.window)?)
}

/// Whether a login for `login` from `ip` may be tried now.
pub fn allowed(store: &Store, login: &str, ip: Option<&str>, limits: &LoginLimits) -> Result<bool, AuthError> {
    if failures(store, &account_key(login), limits)? >= limits.per_account {
        return Ok(false);
    }
    match ip {
        Some(ip) => Ok(failures(store, &ip_key(ip), limits)? < limits.per_ip),
        None => Ok(true),
    }
}

/// Records a failed login; failures older than the window are pruned.
pub fn record_failure(store: &Store, login: &str, ip: Option<&str>, limits: &LoginLimits) -> Result<(), AuthError> {
    let at = now();
    let mut keys = vec![account_key(login)];
    keys.extend(ip.map(ip_key));
    Ok(store.add_login_failures(&keys, at, at - limits.window)?)
}

/// Clears an account's failures after a successful login.
pub fn clear_account(store: &Store, login: &str) -> Result<(), AuthError> {
    Ok(store.clear_login_failures(&account_key(login))?)
}
