//! Staff accounts (`users`): the rows, and changes to them together with what a change ends (sessions,
//! per-survey result access) in one transaction. Who may do what, and which changes are refused, is
//! decided in `auth`; logins arrive here already normalized.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{result_access, sessions, users};
use super::{now, AnyConnection, Store, StoreError};

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

/// A change to one user, as `auth` decided it.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub role: Option<String>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    /// End every session of the user.
    pub end_sessions: bool,
    /// Drop the user's access to unpublished results of single surveys.
    pub drop_result_access: bool,
}

impl Store {
    /// Adds a user; `false` when the login is taken.
    pub fn insert_user(&self, row: &UserRow) -> Result<bool, StoreError> {
        match diesel::insert_into(users::table)
            .values(row)
            .execute(&mut *self.writer()?)
        {
            Ok(_) => Ok(true),
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Every user, by login.
    pub fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        Ok(users::table
            .order(users::login.asc())
            .select(UserRow::as_select())
            .load(&mut *self.reader()?)?)
    }

    /// The user with a (normalized) login.
    pub fn user_by_login(&self, login: &str) -> Result<Option<UserRow>, StoreError> {
        find(&mut *self.reader()?, login)
    }

    pub fn user_count(&self) -> Result<i64, StoreError> {
        Ok(users::table.count().get_result(&mut *self.reader()?)?)
    }

    /// Changes the user `login` in one transaction. `decide` sees the row as it is inside the transaction and
    /// the number of other enabled users with the role `counted_role` (the last admin must stay), and
    /// returns the change or refuses it (nothing is written then). Returns the changed row, `None` for an
    /// unknown login.
    pub fn update_user<E: From<StoreError>>(
        &self,
        login: &str,
        counted_role: &str,
        decide: impl FnOnce(&UserRow, i64) -> Result<UserUpdate, E>,
    ) -> Result<Option<UserRow>, E> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<Result<Option<UserRow>, E>, StoreError> {
            let Some(mut row) = find(c, login)? else {
                return Ok(Ok(None));
            };
            let others: i64 = users::table
                .filter(users::role.eq(counted_role))
                .filter(users::disabled.eq(false))
                .filter(users::id.ne(&row.id))
                .count()
                .get_result(c)?;
            let u = match decide(&row, others) {
                Ok(u) => u,
                Err(refused) => return Ok(Err(refused)),
            };
            let at = now();
            let this = users::table.filter(users::id.eq(row.id.clone()));
            if let Some(role) = u.role {
                diesel::update(this.clone())
                    .set((users::role.eq(&role), users::updated_at.eq(at)))
                    .execute(c)?;
                row.role = role;
            }
            if let Some(disabled) = u.disabled {
                diesel::update(this.clone())
                    .set((users::disabled.eq(disabled), users::updated_at.eq(at)))
                    .execute(c)?;
                row.disabled = disabled;
            }
            if let Some(hash) = u.password_hash {
                diesel::update(this)
                    .set((users::password_hash.eq(&hash), users::updated_at.eq(at)))
                    .execute(c)?;
                row.password_hash = hash;
            }
            if u.end_sessions {
                diesel::delete(sessions::table.filter(sessions::user_id.eq(&row.id))).execute(c)?;
            }
            if u.drop_result_access {
                diesel::delete(result_access::table.filter(result_access::user_id.eq(&row.id))).execute(c)?;
            }
            Ok(Ok(Some(row)))
        })?
    }
}

fn find(conn: &mut AnyConnection, login: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .filter(users::login.eq(login))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}
