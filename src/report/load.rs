//! Reading a survey's complete responses from the store for a summary.
//!
//! Coded responses (`store::codes`, written next to the JSON answers) are read as they are: a version
//! number and a few dozen bytes per response, kept back to back per version. Responses without codes
//! (stored before codes existed) are read from their JSON and coded here against their version, or kept
//! as answers when they do not fit it. Should any stored codes not fit their version (another format, a
//! version that cannot be read), the whole survey is read from JSON instead: codes are only a faster
//! copy of the answers.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::catalog::{CatalogError, DefinitionCache, LoadedVersion};
use crate::definition::Answers;
use crate::store::codes::{Layout, FORMAT};
use crate::store::{CodedResponse, Store, SurveyRow};

use super::coded_text::Codings;
use super::responses::Responses;
use super::ReportOptions;

#[derive(Debug, thiserror::Error)]
pub enum ReportLoadError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("response {id} of '{slug}' has unreadable answers: {reason}")]
    BadAnswers { slug: String, id: String, reason: String },
    #[error("'{0}' has more complete responses than a summary can hold")]
    TooMany(String),
}

/// A survey with its current definition and its complete responses (all versions; the current definition
/// says what is summarized, questions absent from older versions count as unanswered).
pub struct LoadedSurvey {
    pub survey: SurveyRow,
    pub version: Arc<LoadedVersion>,
    pub answers: Responses,
    /// Complete responses left out by quality screening (`report::screening`), counted by reason.
    pub excluded: super::screening::Excluded,
}

/// The survey's responses as a summary with the default options needs them (see [`load_for`]).
pub fn load(store: &Store, cache: &DefinitionCache, slug: &str) -> Result<LoadedSurvey, ReportLoadError> {
    load_for(store, cache, slug, &ReportOptions::default())
}

/// The survey's responses as a summary with `opts` needs them: each response's channel is read only when
/// the summary breaks down by it ([`super::channel::wanted`]); without it every row's meta data is left
/// unread, and a channel breakdown of what was loaded would find no channels.
pub fn load_for(
    store: &Store,
    cache: &DefinitionCache,
    slug: &str,
    opts: &ReportOptions,
) -> Result<LoadedSurvey, ReportLoadError> {
    let (survey, version) = cache.current(store, slug)?;
    let exclusions = super::screening::exclusions(store, &version.definition, &survey.id)?;
    let skip = &exclusions.ids;
    let channel = super::channel::wanted(&version.definition, opts);
    let coded: Vec<&str> = coded_questions(&version.definition);
    let answers = if !coded.is_empty() {
        load_with_codings(
            store,
            &survey,
            version.definition.design.is_some(),
            &coded,
            skip,
            channel,
        )?
    } else if version.definition.design.is_some() {
        load_with_design(store, &survey, skip, channel)?
    } else if !exclusions.is_empty() {
        // Coded rows carry no id; a survey with excluded responses is read with ids.
        load_json(store, &survey, skip, channel)?
    } else {
        match load_coded(store, cache, &survey, channel)? {
            Some(r) => r,
            None => load_json(store, &survey, skip, channel)?,
        }
    };
    Ok(LoadedSurvey {
        survey,
        version,
        answers,
        excluded: exclusions.excluded,
    })
}

/// A version as loading needs it: the definition and its coded row length (`None`: no layout).
type KnownVersion = Option<(Arc<LoadedVersion>, Option<usize>)>;

/// The responses through their codes; `None` when some stored codes do not fit their version.
fn load_coded(
    store: &Store,
    cache: &DefinitionCache,
    survey: &SurveyRow,
    channel: bool,
) -> Result<Option<Responses>, ReportLoadError> {
    let mut responses = Responses::default();
    let mut versions: HashMap<i32, KnownVersion> = HashMap::new();
    let mut misfit = false;
    store.each_complete_coded(&survey.id, channel, |r: CodedResponse| -> Result<(), ReportLoadError> {
        if misfit {
            return Ok(());
        }
        if !responses.has_room() {
            return Err(ReportLoadError::TooMany(survey.slug.clone()));
        }
        // A version whose definition cannot be read leaves its rows to the JSON reading.
        let known = versions.entry(r.version).or_insert_with(|| {
            let v = cache.get(store, survey, r.version).ok()?;
            let len = Layout::of(&v.definition).map(|l| l.len);
            Some((v, len))
        });
        let stored = r.channel;
        match (r.codes, r.fallback, known.as_ref()) {
            (Some(codes), _, Some((v, Some(len)))) if codes.len() == *len && codes.first() == Some(&FORMAT) => {
                responses.push_coded(v, &codes);
                if channel {
                    responses.push_channel(stored.as_deref());
                }
            }
            (None, Some((id, json)), known) => {
                let answers = parse(&survey.slug, &id, &json)?;
                let coded = known.and_then(|(v, _)| Some((v, Layout::of(&v.definition)?.encode(&answers)?)));
                match coded {
                    Some((v, codes)) => responses.push_coded(v, &codes),
                    None => responses.push_json(answers),
                }
                if channel {
                    responses.push_channel(stored.as_deref());
                }
            }
            _ => misfit = true,
        }
        Ok(())
    })?;
    Ok((!misfit).then_some(responses))
}

/// Every response from its JSON answers, but those in `skip`.
fn load_json(
    store: &Store,
    survey: &SurveyRow,
    skip: &HashSet<String>,
    channel: bool,
) -> Result<Responses, ReportLoadError> {
    let mut responses = Responses::default();
    let rows: Vec<(String, String, Option<String>)> = if channel {
        store.complete_answers_with_channel(&survey.id)?
    } else {
        let rows = store.complete_answers(&survey.id)?;
        rows.into_iter().map(|(id, json)| (id, json, None)).collect()
    };
    for (id, json, stored) in rows {
        if skip.contains(&id) {
            continue;
        }
        if !responses.has_room() {
            return Err(ReportLoadError::TooMany(survey.slug.clone()));
        }
        responses.push_json(parse(&survey.slug, &id, &json)?);
        if channel {
            responses.push_channel(stored.as_deref());
        }
    }
    Ok(responses)
}

/// Every response from its JSON answers, with the sampling-design values kept in its meta data. Surveys
/// with a `design:` are interviews entered by `responses import` (thousands, not millions), so the plain
/// reading is fast enough; answers and design values come from the same rows, so they cannot misalign.
fn load_with_design(
    store: &Store,
    survey: &SurveyRow,
    skip: &HashSet<String>,
    channel: bool,
) -> Result<Responses, ReportLoadError> {
    let mut responses = Responses::default();
    let mut design = Vec::new();
    for row in store.complete_responses(&survey.id)? {
        if skip.contains(&row.id) {
            continue;
        }
        if !responses.has_room() {
            return Err(ReportLoadError::TooMany(survey.slug.clone()));
        }
        responses.push_json(parse(&survey.slug, &row.id, &row.answers)?);
        let meta = crate::form::Meta::parse(&row.meta);
        if channel {
            responses.push_channel(meta.channel.as_deref());
        }
        design.push(meta.design);
    }
    responses.design = Some(design);
    Ok(responses)
}

/// Questions with a codebook in the definition (text questions, choice questions coding their "other").
fn coded_questions(def: &crate::definition::Definition) -> Vec<&str> {
    def.questions()
        .filter(|(_, q)| q.kind.codebook().is_some())
        .map(|(_, q)| q.id.as_str())
        .collect()
}

/// Every response from its JSON answers with the codes given to its open answers (and its sampling-design
/// values when the survey has a design). Coded surveys are read by response id, so that each coding meets
/// its respondent; open answers are coded by hand, so such surveys have thousands of responses, not millions.
fn load_with_codings(
    store: &Store,
    survey: &SurveyRow,
    with_design: bool,
    questions: &[&str],
    skip: &HashSet<String>,
    channel: bool,
) -> Result<Responses, ReportLoadError> {
    let mut responses = Responses::default();
    let mut design = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in store.complete_responses(&survey.id)? {
        if skip.contains(&row.id) {
            continue;
        }
        if !responses.has_room() {
            return Err(ReportLoadError::TooMany(survey.slug.clone()));
        }
        responses.push_json(parse(&survey.slug, &row.id, &row.answers)?);
        let meta = crate::form::Meta::parse(&row.meta);
        if channel {
            responses.push_channel(meta.channel.as_deref());
        }
        if with_design {
            design.push(meta.design);
        }
        index.insert(row.id, index.len());
    }
    let mut codings = Codings::new(index.len());
    for (response, question, codes) in store.final_codings(&survey.id)? {
        if let Some(&i) = index.get(&response) {
            codings.set(&question, i, crate::store::coding::split_codes(&codes));
        }
    }
    for q in questions {
        if let Some((_, json)) = store.latest_codebook(&survey.id, q)? {
            let book = serde_json::from_str(&json).map_err(|e| ReportLoadError::BadAnswers {
                slug: survey.slug.clone(),
                id: format!("codebook of {q}"),
                reason: e.to_string(),
            })?;
            codings.set_codebook(q, book);
        }
    }
    responses.codings = Some(codings);
    if with_design {
        responses.design = Some(design);
    }
    Ok(responses)
}

fn parse(slug: &str, id: &str, json: &str) -> Result<Answers, ReportLoadError> {
    serde_json::from_str(json).map_err(|e| ReportLoadError::BadAnswers {
        slug: slug.to_owned(),
        id: id.to_owned(),
        reason: e.to_string(),
    })
}
