//! Staff accounts, as policy: roles, argon2id password hashes, login names, how long sessions last and
//! when logins are throttled, and which account changes are refused (the last admin stays). The rows
//! live in the database through `store` (so several app instances on one PostgreSQL share them); changes
//! are recorded in the audit log (`store::audit`).
//!
//! Roles, from most to least powerful:
//! - `admin`: everything, including user management and the audit log;
//! - `sociologist`: create, edit, open, close and publish surveys; microdata and unpublished results;
//! - `official`: published results, and unpublished results of surveys they were given access to; no
//!   microdata.
//!
//! Everything here that reads or writes is blocking (the store is); web handlers call it through
//! `web::block`.

pub mod password;
pub mod sessions;
pub mod throttle;
pub mod users;

use serde::Serialize;

use crate::store::StoreError;

pub use sessions::{Session, SessionPolicy};
pub use throttle::LoginLimits;
pub use users::User;

/// What a staff member may do. Ordered: a higher role may do everything a lower one may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Official,
    Sociologist,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Sociologist, Role::Official];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Official => "official",
            Role::Sociologist => "sociologist",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role, AuthError> {
        match s.trim() {
            "official" => Ok(Role::Official),
            "sociologist" => Ok(Role::Sociologist),
            "admin" => Ok(Role::Admin),
            other => Err(AuthError::BadRole(other.to_owned())),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("unknown role '{0}': use admin, sociologist or official")]
    BadRole(String),
    #[error("invalid login '{0}': use 2 to 64 letters, digits, '.', '_', '-' or '@'")]
    BadLogin(String),
    #[error("the password is too short: use at least {min} characters", min = password::MIN_LENGTH)]
    WeakPassword,
    #[error("the password is too long: use at most {max} characters", max = password::MAX_LENGTH)]
    LongPassword,
    #[error("a user with login '{0}' already exists")]
    LoginTaken(String),
    #[error("no user with login '{0}'")]
    UnknownUser(String),
    #[error("this would leave no active admin: make another user admin first")]
    LastAdmin,
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
