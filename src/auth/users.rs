//! Staff users: create, list, change role, disable. Logins never change (the audit log names people by
//! login); a disabled user cannot log in and their sessions end.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use super::schema::{result_access, sessions, users};
use super::{password, AuthError, Role};
use crate::store::{now, AnyConnection, Store};

/// A user as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub login: String,
    pub password_hash: String,
    pub role: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

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
    let mut conn = store.writer()?;
    match diesel::insert_into(users::table).values(&row).execute(&mut *conn) {
        Ok(_) => User::try_from(row),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(AuthError::LoginTaken(login))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn list(store: &Store) -> Result<Vec<User>, AuthError> {
    let rows: Vec<UserRow> = users::table
        .order(users::login.asc())
        .select(UserRow::as_select())
        .load(&mut *store.reader()?)?;
    rows.into_iter().map(User::try_from).collect()
}

/// The stored row of a login (any case), if any.
pub fn find_row(conn: &mut AnyConnection, login: &str) -> Result<Option<UserRow>, AuthError> {
    let Ok(login) = normalize_login(login) else {
        return Ok(None);
    };
    Ok(users::table
        .filter(users::login.eq(login))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(store: &Store, login: &str) -> Result<User, AuthError> {
    find_row(&mut *store.reader()?, login)?
        .ok_or_else(|| AuthError::UnknownUser(login.to_owned()))
        .and_then(User::try_from)
}

/// Number of enabled admins other than `except`.
fn other_active_admins(conn: &mut AnyConnection, except: &str) -> Result<i64, AuthError> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(except))
        .count()
        .get_result(conn)?)
}

/// Changes a user's role. Refuses to demote the last enabled admin (nobody could manage users then).
pub fn set_role(store: &Store, login: &str, role: Role) -> Result<User, AuthError> {
    let mut conn = store.writer()?;
    conn.write_transaction(|c| {
        let row = find_row(c, login)?.ok_or_else(|| AuthError::UnknownUser(login.to_owned()))?;
        if row.role == Role::Admin.as_str()
            && role != Role::Admin
            && !row.disabled
            && other_active_admins(c, &row.id)? == 0
        {
            return Err(AuthError::LastAdmin);
        }
        diesel::update(users::table.filter(users::id.eq(&row.id)))
            .set((users::role.eq(role.as_str()), users::updated_at.eq(now())))
            .execute(c)?;
        if role != Role::Official {
            // Per-survey access only means something for officials.
            diesel::delete(result_access::table.filter(result_access::user_id.eq(&row.id))).execute(c)?;
        }
        User::try_from(UserRow {
            role: role.as_str().to_owned(),
            ..row
        })
    })
}

/// Disables (or enables) a user; disabling ends their sessions at once.
pub fn set_disabled(store: &Store, login: &str, disabled: bool) -> Result<User, AuthError> {
    let mut conn = store.writer()?;
    conn.write_transaction(|c| {
        let row = find_row(c, login)?.ok_or_else(|| AuthError::UnknownUser(login.to_owned()))?;
        if disabled && row.role == Role::Admin.as_str() && !row.disabled && other_active_admins(c, &row.id)? == 0 {
            return Err(AuthError::LastAdmin);
        }
        diesel::update(users::table.filter(users::id.eq(&row.id)))
            .set((users::disabled.eq(disabled), users::updated_at.eq(now())))
            .execute(c)?;
        if disabled {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(&row.id))).execute(c)?;
        }
        User::try_from(UserRow { disabled, ..row })
    })
}

/// Sets a new password; the user's other sessions end.
pub fn set_password(store: &Store, login: &str, new_password: &str) -> Result<User, AuthError> {
    password::check_new(new_password)?;
    let hash = password::hash(new_password)?;
    let mut conn = store.writer()?;
    conn.write_transaction(|c| {
        let row = find_row(c, login)?.ok_or_else(|| AuthError::UnknownUser(login.to_owned()))?;
        diesel::update(users::table.filter(users::id.eq(&row.id)))
            .set((users::password_hash.eq(&hash), users::updated_at.eq(now())))
            .execute(c)?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(&row.id))).execute(c)?;
        User::try_from(row)
    })
}

/// Whether any user exists (the server hints at `opros user add` when none does).
pub fn any(store: &Store) -> Result<bool, AuthError> {
    let n: i64 = users::table.count().get_result(&mut *store.reader()?)?;
    Ok(n > 0)
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
