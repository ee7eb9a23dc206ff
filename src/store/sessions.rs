//! Staff sessions (`sessions`), by SHA-256 of the cookie token: the database never sees the token itself.
//! Lifetimes and when to extend them are decided in `auth::sessions`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{sessions, users};
use super::users::UserRow;
use super::{Store, StoreError};

/// The times of a stored session.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct SessionTimes {
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl Store {
    /// Stores a new session.
    pub fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        at: NaiveDateTime,
        expires_at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash),
                sessions::user_id.eq(user_id),
                sessions::created_at.eq(at),
                sessions::last_seen_at.eq(at),
                sessions::expires_at.eq(expires_at),
            ))
            .execute(&mut *self.writer()?)?;
        Ok(())
    }

    /// Removes every session (anyone's) that expired before `at`.
    pub fn delete_sessions_expired_before(&self, at: NaiveDateTime) -> Result<usize, StoreError> {
        Ok(diesel::delete(sessions::table.filter(sessions::expires_at.lt(at))).execute(&mut *self.writer()?)?)
    }

    /// A session with its user, whatever its expiry.
    pub fn session_with_user(&self, token_hash: &str) -> Result<Option<(SessionTimes, UserRow)>, StoreError> {
        Ok(sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .select((
                (sessions::created_at, sessions::last_seen_at, sessions::expires_at),
                UserRow::as_select(),
            ))
            .first(&mut *self.reader()?)
            .optional()?)
    }

    /// Records a request of a session and its new expiry.
    pub fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: NaiveDateTime,
        expires_at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash)))
            .set((
                sessions::last_seen_at.eq(last_seen_at),
                sessions::expires_at.eq(expires_at),
            ))
            .execute(&mut *self.writer()?)?;
        Ok(())
    }

    pub fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(&mut *self.writer()?)?;
        Ok(())
    }

    /// Sets the expiry of every session of a user; returns how many there were.
    pub fn expire_sessions_of(&self, user_id: &str, expires_at: NaiveDateTime) -> Result<usize, StoreError> {
        Ok(diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)))
            .set(sessions::expires_at.eq(expires_at))
            .execute(&mut *self.writer()?)?)
    }
}
