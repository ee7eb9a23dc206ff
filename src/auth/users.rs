//! Staff users: create, list, change role, disable. Logins never change (the audit log names people by
//! login); a disabled user cannot log in and their sessions end.

use chrono::NaiveDateTime;
use serde::Serialize;
use uuid::Uuid;

use super::{password, AuthError, Role};
use crate::store::users::{UserRow, UserUpdate};
use crate::store::{now, Store};

/// A user as shown (no password hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: String,
    pub login: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

impl TryFrom<UserRow> for User {
    type Error = AuthError;
    fn try_from(r: UserRow) -> Result<User, AuthError> {
        Ok(User {
            role: Role::parse(&r.role)?,
            id: r.id,
            login: r.login,
            disabled: r.disabled,
            created_at: r.created_at,
        })
    }
}

/// Logins: 2 to 64 characters from letters, digits, `.`, `_`, `-`, `@`; compared case-insensitively by
/// storing them lower-cased.
pub fn normalize_login(login: &str) -> Result<String, AuthError> {
    let l = login.trim().to_lowercase();
    let ok = (2..=64).contains(&l.chars().count())
        && l.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(l)
    } else {
        Err(AuthError::BadLogin(login.to_owned()))
    }
}

/// Creates a user. The password is checked for length and hashed with argon2id.
pub fn add(store: &Store, login: &str, role: Role, password: &str) -> Result<User, AuthError> {
    let login = normalize_login(login)?;
    password::check_new(password)?;
    let hash = password::hash(password)?;
    let at = now();
    let row = UserRow {
        id: Uuid::now_v7().to_string(),
        login: login.clone(),
        password_hash: hash,
        role: role.as_str().to_owned(),
        disabled: false,
        created_at: at,
        updated_at: at,
    };
    if !store.insert_user(&row)? {
        return Err(AuthError::LoginTaken(login));
    }
    User::try_from(row)
}

pub fn list(store: &Store) -> Result<Vec<User>, AuthError> {
    store.users()?.into_iter().map(User::try_from).collect()
}

/// The stored row of a login (any case), if any.
pub fn find_row(store: &Store, login: &str) -> Result<Option<UserRow>, AuthError> {
    let Ok(login) = normalize_login(login) else {
        return Ok(None);
    };
    Ok(store.user_by_login(&login)?)
}

pub fn find(store: &Store, login: &str) -> Result<User, AuthError> {
    find_row(store, login)?
        .ok_or_else(|| AuthError::UnknownUser(login.to_owned()))
        .and_then(User::try_from)
}

/// Applies the change `decide` returns for the row of `login` (as it is in the transaction) and the number
/// of other enabled admins.
fn change(
    store: &Store,
    login: &str,
    decide: impl FnOnce(&UserRow, i64) -> Result<UserUpdate, AuthError>,
) -> Result<User, AuthError> {
    let unknown = || AuthError::UnknownUser(login.to_owned());
    let normalized = normalize_login(login).map_err(|_| unknown())?;
    store
        .update_user(&normalized, Role::Admin.as_str(), decide)?
        .ok_or_else(unknown)
        .and_then(User::try_from)
}

/// Whether a change that takes `row` out of the enabled admins leaves none (nobody could manage users then).
fn is_last_admin(row: &UserRow, other_active_admins: i64) -> bool {
    row.role == Role::Admin.as_str() && !row.disabled && other_active_admins == 0
}

/// Changes a user's role. Refuses to demote the last enabled admin.
pub fn set_role(store: &Store, login: &str, role: Role) -> Result<User, AuthError> {
    change(store, login, |row, others| {
        if role != Role::Admin && is_last_admin(row, others) {
            return Err(AuthError::LastAdmin);
        }
        Ok(UserUpdate {
            role: Some(role.as_str().to_owned()),
            // Per-survey access only means something for officials.
            drop_result_access: role != Role::Official,
            ..UserUpdate::default()
        })
    })
}

/// Disables (or enables) a user; disabling ends their sessions at once. Refuses to disable the last
/// enabled admin.
pub fn set_disabled(store: &Store, login: &str, disabled: bool) -> Result<User, AuthError> {
    change(store, login, |row, others| {
        if disabled && is_last_admin(row, others) {
            return Err(AuthError::LastAdmin);
        }
        Ok(UserUpdate {
            disabled: Some(disabled),
            end_sessions: disabled,
            ..UserUpdate::default()
        })
    })
}

/// Sets a new password; the user's sessions end.
pub fn set_password(store: &Store, login: &str, new_password: &str) -> Result<User, AuthError> {
    password::check_new(new_password)?;
    let hash = password::hash(new_password)?;
    change(store, login, |_, _| {
        Ok(UserUpdate {
            password_hash: Some(hash),
            end_sessions: true,
            ..UserUpdate::default()
        })
    })
}

/// Whether any user exists (the server hints at `opros user add` when none does).
pub fn any(store: &Store) -> Result<bool, AuthError> {
    Ok(store.user_count()? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_normalized_and_checked() {
        assert_eq!(normalize_login(" Ivanova.A ").unwrap(), "ivanova.a");
        assert_eq!(normalize_login("анна").unwrap(), "анна");
        assert!(normalize_login("a").is_err());
        assert!(normalize_login("a b").is_err());
        assert!(normalize_login("x<script>").is_err());
        assert!(normalize_login(&"a".repeat(65)).is_err());
    }
}
