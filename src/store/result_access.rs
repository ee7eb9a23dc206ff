//! Officials' access to the unpublished results of single surveys (`result_access`). Who may be given
//! access is decided in `catalog::workbench`; grants and revocations are written with their audit entry.

use diesel::prelude::*;

use super::audit::{record_on, AuditEvent};
use super::schema::{result_access, surveys, users};
use super::{now, Store, StoreError};

impl Store {
    /// Gives a user access to a survey's unpublished results (again, if already given).
    pub fn grant_result_access(
        &self,
        user_id: &str,
        survey_id: &str,
        audit: &AuditEvent<'_>,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<(), StoreError> {
            diesel::delete(
                result_access::table
                    .filter(result_access::user_id.eq(user_id))
                    .filter(result_access::survey_id.eq(survey_id)),
            )
            .execute(c)?;
            diesel::insert_into(result_access::table)
                .values((
                    result_access::user_id.eq(user_id),
                    result_access::survey_id.eq(survey_id),
                    result_access::created_at.eq(now()),
                ))
                .execute(c)?;
            record_on(c, audit)
        })
    }

    pub fn revoke_result_access(
        &self,
        user_id: &str,
        survey_id: &str,
        audit: &AuditEvent<'_>,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        conn.write_transaction(|c| -> Result<(), StoreError> {
            diesel::delete(
                result_access::table
                    .filter(result_access::user_id.eq(user_id))
                    .filter(result_access::survey_id.eq(survey_id)),
            )
            .execute(c)?;
            record_on(c, audit)
        })
    }

    /// Logins of the users with access to a survey's unpublished results, in order.
    pub fn result_access_logins(&self, survey_id: &str) -> Result<Vec<String>, StoreError> {
        let ids: Vec<String> = result_access::table
            .filter(result_access::survey_id.eq(survey_id))
            .select(result_access::user_id)
            .load(&mut *self.reader()?)?;
        Ok(users::table
            .filter(users::id.eq_any(ids))
            .order(users::login.asc())
            .select(users::login)
            .load(&mut *self.reader()?)?)
    }

    pub fn has_result_access(&self, user_id: &str, survey_id: &str) -> Result<bool, StoreError> {
        let n: i64 = result_access::table
            .filter(result_access::user_id.eq(user_id))
            .filter(result_access::survey_id.eq(survey_id))
            .count()
            .get_result(&mut *self.reader()?)?;
        Ok(n > 0)
    }

    /// Slugs of the surveys whose unpublished results a user was given access to.
    pub fn result_access_slugs(&self, user_id: &str) -> Result<Vec<String>, StoreError> {
        let ids: Vec<String> = result_access::table
            .filter(result_access::user_id.eq(user_id))
            .select(result_access::survey_id)
            .load(&mut *self.reader()?)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(surveys::table
            .filter(surveys::id.eq_any(ids))
            .select(surveys::slug)
            .load(&mut *self.reader()?)?)
    }
}
