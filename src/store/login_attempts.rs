//! Failed logins (`login_attempts`), one row per key tried (`user:NAME`, `ip:ADDR`), so that limits hold
//! across app instances. The keys and the limits are `auth::throttle`'s.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::login_attempts;
use super::{Store, StoreError};

impl Store {
    /// Failures of a key after `since`.
    pub fn login_failures_since(&self, key: &str, since: NaiveDateTime) -> Result<i64, StoreError> {
        Ok(login_attempts::table
            .filter(login_attempts::attempt_key.eq(key))
            .filter(login_attempts::at.gt(since))
            .count()
            .get_result(&mut *self.reader()?)?)
    }

    /// Records a failure at `at` for each key, and prunes the failures older than `keep_after`.
    pub fn add_login_failures(
        &self,
        keys: &[String],
        at: NaiveDateTime,
        keep_after: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<(), StoreError> {
            for k in keys {
                diesel::insert_into(login_attempts::table)
                    .values((
                        login_attempts::id.eq(Uuid::now_v7().to_string()),
                        login_attempts::attempt_key.eq(k),
                        login_attempts::at.eq(at),
                    ))
                    .execute(c)?;
            }
            diesel::delete(login_attempts::table.filter(login_attempts::at.lt(keep_after))).execute(c)?;
            Ok(())
        })
    }

    /// Forgets the failures of a key.
    pub fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        diesel::delete(login_attempts::table.filter(login_attempts::attempt_key.eq(key)))
            .execute(&mut *self.writer()?)?;
        Ok(())
    }
}
