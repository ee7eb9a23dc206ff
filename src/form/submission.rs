//! What a sent page writes: the stored [`Submission`] of a response — its answers as JSON and, when it
//! completes the response, coded for summaries — with the quota cells the answers count towards.

use chrono::NaiveDateTime;

use super::flow::Meta;
use crate::definition::{Answers, Definition};
use crate::store::codes;
use crate::store::responses::{QuotaCell, Submission};

/// Who sends pages of which survey version: what every submission of one request shares.
#[derive(Debug, Clone)]
pub struct PageWrite<'a> {
    pub survey_id: &'a str,
    /// The definition of the version answered, and its number.
    pub definition: &'a Definition,
    pub version: i32,
    /// The stored response's id, or the id a new response is inserted with.
    pub response_id: &'a str,
    /// SHA-256 of the respondent token.
    pub key_hash: &'a str,
    /// When the stored response started; `None` when nothing is stored yet.
    pub stored_start: Option<NaiveDateTime>,
    pub language: &'a str,
    /// When the page was shown (milliseconds since the epoch, from the signed form field).
    pub shown_at: Option<i64>,
}

impl PageWrite<'_> {
    /// The submission for the writer, as of `now`: every answer of the response so far, the form's meta
    /// data, the furthest page reached, whether the page sent was the last (the response is complete), and
    /// the quota cells of the answers ([`quota_cells`]; none for a step back).
    pub fn submission(
        &self,
        answers: &Answers,
        meta: &Meta,
        page_reached: i32,
        complete: bool,
        quotas: Vec<QuotaCell>,
        now: NaiveDateTime,
    ) -> Submission {
        // The first page was shown when the response started; a stored response knows its start.
        let started_at = match self.stored_start {
            Some(t) => t,
            None => self
                .shown_at
                .and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| t.naive_utc())
                .filter(|t| *t <= now)
                .unwrap_or(now),
        };
        let duration = complete.then(|| (now - started_at).num_milliseconds() as f64 / 1000.0);
        Submission {
            survey_id: self.survey_id.to_owned(),
            response_id: self.response_id.to_owned(),
            version: self.version,
            key_hash: self.key_hash.to_owned(),
            language: self.language.to_owned(),
            answers_json: serde_json::to_string(answers).unwrap_or_else(|_| "{}".into()),
            // Summaries read complete responses only.
            codes: complete.then(|| codes::encode(self.definition, answers)).flatten(),
            meta_json: meta.to_json(),
            page_reached,
            started_at,
            complete,
            duration_seconds: duration,
            quotas,
            invited: meta.invited,
            fresh: self.stored_start.is_none(),
        }
    }
}

/// The quota cells of a response with their limits.
pub fn quota_cells(def: &Definition, answers: &Answers) -> Vec<QuotaCell> {
    def.quota_keys(answers)
        .into_iter()
        .filter_map(|key| {
            let id = key.split('=').next().unwrap_or(&key);
            def.quotas.iter().find(|q| q.id == id).map(|q| QuotaCell {
                key: key.clone(),
                limit: q.limit,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse_definition;

    const DEF: &str = r#"slug: sub
title: {en: "Submission"}
topic: test
languages: [en]
pages:
  - id: a
    questions:
      - id: pets
        type: single_choice
        text: {en: "Pets?"}
        options:
          - {code: y, label: {en: "Yes"}}
          - {code: n, label: {en: "No"}}
"#;

    #[test]
    fn a_new_response_starts_when_its_first_page_was_shown_and_only_a_complete_one_is_coded() {
        let def = parse_definition(DEF, "sub.yaml").unwrap();
        let now = chrono::DateTime::from_timestamp_millis(1_800_000_000_000)
            .unwrap()
            .naive_utc();
        let write = PageWrite {
            survey_id: "s",
            definition: &def,
            version: 1,
            response_id: "r",
            key_hash: "k",
            stored_start: None,
            language: "en",
            shown_at: Some(1_800_000_000_000 - 90_000),
        };
        let answers: Answers = serde_json::from_value(serde_json::json!({"pets": "y"})).unwrap();
        let meta = Meta::default();
        let partial = write.submission(&answers, &meta, 1, false, Vec::new(), now);
        assert!(partial.fresh && partial.codes.is_none() && partial.duration_seconds.is_none());
        assert_eq!((now - partial.started_at).num_seconds(), 90);
        let done = write.submission(&answers, &meta, 1, true, Vec::new(), now);
        assert!(done.codes.is_some(), "summaries read codes of complete responses");
        assert_eq!(done.duration_seconds, Some(90.0));
        // A page shown "in the future" (a clock ahead) starts the response now.
        let ahead = PageWrite {
            shown_at: Some(1_800_000_000_000 + 5_000),
            ..write
        };
        assert_eq!(
            ahead.submission(&answers, &meta, 1, false, Vec::new(), now).started_at,
            now
        );
    }
}
