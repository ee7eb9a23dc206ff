//! The sociologist's workbench behind `/admin` and the `survey` verbs: definitions staged for preview,
//! population files, survey lifecycle changes (each written to the audit log), automatic closing at the
//! `closes` date, and officials' access to unpublished results. The rules live here; the rows in `store`
//! (`staged`, `populations`, `result_access`, `audit`).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use uuid::Uuid;

use super::{CatalogError, DefinitionCache, Prepared};
use crate::auth::{self, AuthError, Role};
use crate::definition::{self, DefinitionErrors, Problem};
use crate::store::audit::{self, AuditEvent};
use crate::store::{now, Imported, Status, Store, StoreError, SurveyRow};

pub use crate::store::staged::Staged;

#[derive(Debug, thiserror::Error)]
pub enum WorkbenchError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("{0}")]
    Refused(Refusal),
    #[error("this upload no longer exists (it was stored or discarded); upload the definition again")]
    UnknownUpload,
}

/// Why the workbench refused an action: each a message staff can act on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Refusal {
    #[error(
        "'{slug}' closed on {closed} (its `closes` date); store a new version with a later `closes` date to extend fieldwork"
    )]
    ClosedOn { slug: String, closed: chrono::NaiveDate },
    #[error("file name '{0}': use letters, digits, '.', '_' or '-', ending in .yaml")]
    PopulationFileName(String),
    #[error(
        "'{login}' is {role}: access to unpublished results is given to officials only (other roles see them anyway)"
    )]
    NotOfficial { login: String, role: String },
}

impl From<StoreError> for WorkbenchError {
    fn from(e: StoreError) -> Self {
        WorkbenchError::Catalog(CatalogError::Store(e))
    }
}

/// The example population files shipped in the binary (the example surveys use them).
#[derive(rust_embed::RustEmbed)]
#[folder = "surveys/populations/"]
struct ExamplePopulations;

/// The text of a population file shipped in the binary, by its key (`populations/FILE`).
pub(crate) fn example_population(key: &str) -> Option<String> {
    let file = key.strip_prefix("populations/")?;
    ExamplePopulations::get(file).and_then(|f| String::from_utf8(f.data.into_owned()).ok())
}

/// The keys of the population files shipped in the binary.
pub(crate) fn example_population_keys() -> Vec<String> {
    ExamplePopulations::iter().map(|f| format!("populations/{f}")).collect()
}

/// A population file known to the workbench.
#[derive(Debug, Clone, Serialize)]
pub struct PopulationInfo {
    /// The path definitions use (`populations/NAME.yaml`).
    pub path: String,
    pub name: String,
    pub title: Option<String>,
    pub source_note: Option<String>,
    pub total: Option<f64>,
    pub variables: Vec<String>,
    /// `uploaded` or `example`.
    pub origin: &'static str,
    pub uploaded_by: Option<String>,
    pub uploaded_at: Option<NaiveDateTime>,
    /// Survey versions whose weighting uses it (`slug v3`).
    pub used_by: Vec<String>,
}

/// The population files by path: uploaded ones win over the examples of the same path.
pub fn population_sources(store: &Store) -> Result<BTreeMap<String, String>, WorkbenchError> {
    let mut out = BTreeMap::new();
    for f in ExamplePopulations::iter() {
        if let Some(file) = ExamplePopulations::get(&f) {
            if let Ok(text) = String::from_utf8(file.data.into_owned()) {
                out.insert(format!("populations/{f}"), text);
            }
        }
    }
    out.extend(store.populations()?.into_iter().map(|p| (p.path, p.source)));
    Ok(out)
}

/// The key a definition's `weighting.population` path is looked up by: `populations/FILE` whatever
/// directories precede the file name (definitions are written next to a `populations/` folder).
pub fn population_key(path: &str) -> String {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    format!("populations/{file}")
}

/// Validates a definition given as text, resolving its population among the known population files only
/// (never the server's file system). Every problem is reported.
pub fn prepare(store: &Store, source: &str, source_name: &str) -> Result<Prepared, WorkbenchError> {
    let def = definition::parse_definition(source, source_name).map_err(CatalogError::Invalid)?;
    let known = population_sources(store)?;
    if let Some(path) = def.weighting.as_ref().and_then(|w| w.population.clone()) {
        if !known.contains_key(&population_key(&path)) {
            let line = source.lines().position(|l| l.contains(&path)).map(|i| i + 1);
            return Err(CatalogError::Invalid(DefinitionErrors {
                problems: vec![Problem::new(
                    source_name,
                    line,
                    None,
                    format!(
                        "weighting.population '{path}' is not a known population file: upload it on the Populations page first (known: {})",
                        known.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )],
            })
            .into());
        }
    }
    let lookup = |rel: &str| known.get(&population_key(rel)).cloned();
    Ok(super::prepare_source(source, source_name, None, Some(&lookup))?)
}

/// Keeps a validated upload for preview; returns its id.
pub fn stage(store: &Store, p: &Prepared, by: &str) -> Result<Staged, WorkbenchError> {
    let row = Staged {
        id: Uuid::now_v7().to_string(),
        slug: p.definition.slug.clone(),
        source: p.source.clone(),
        source_name: p.source_name.clone(),
        created_by: by.to_owned(),
        created_at: now(),
    };
    store.insert_staged(&row)?;
    // Uploads nobody confirmed within a week are dropped.
    store.delete_staged_before(now() - chrono::Duration::days(7))?;
    Ok(row)
}

pub fn staged(store: &Store, id: &str) -> Result<Staged, WorkbenchError> {
    store.staged(id)?.ok_or(WorkbenchError::UnknownUpload)
}

pub fn discard(store: &Store, id: &str, actor: &str) -> Result<(), WorkbenchError> {
    let s = staged(store, id)?;
    store.delete_staged(
        id,
        &AuditEvent {
            actor,
            action: "upload.discard",
            survey_slug: Some(&s.slug),
            detail: s.source_name,
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Stores a staged upload as the next version of its survey (validating it again: populations may have
/// changed since), optionally opening it; the upload is then removed.
pub fn commit(
    store: &Store,
    cache: &DefinitionCache,
    id: &str,
    open: bool,
    actor: &str,
) -> Result<Imported, WorkbenchError> {
    let s = staged(store, id)?;
    let prepared = prepare(store, &s.source, &s.source_name)?;
    let imported = super::store_prepared(store, &prepared)?;
    store.delete_staged(
        id,
        &AuditEvent {
            actor,
            action: if imported.created_survey {
                "survey.create"
            } else {
                "survey.new_version"
            },
            survey_slug: Some(&imported.slug),
            survey_version: Some(imported.version),
            detail: s.source_name.clone(),
        },
    )?;
    if open {
        open_survey(store, cache, &imported.slug, actor)?;
    }
    Ok(imported)
}

/// Opens (or reopens) a survey. Refused once its `closes` date has passed: it would close again at once;
/// a new version with a later date is the way to extend fieldwork.
pub fn open_survey(
    store: &Store,
    cache: &DefinitionCache,
    slug: &str,
    actor: &str,
) -> Result<SurveyRow, WorkbenchError> {
    let (_, v) = cache.current(store, slug)?;
    let today = chrono::Utc::now().date_naive();
    if let Some(c) = v.definition.closes.filter(|c| *c < today) {
        return Err(WorkbenchError::Refused(Refusal::ClosedOn {
            slug: slug.to_owned(),
            closed: c,
        }));
    }
    change_status(store, slug, Status::Open, actor, "survey.open")
}

pub fn close_survey(store: &Store, slug: &str, actor: &str) -> Result<SurveyRow, WorkbenchError> {
    change_status(store, slug, Status::Closed, actor, "survey.close")
}

fn change_status(
    store: &Store,
    slug: &str,
    to: Status,
    actor: &str,
    action: &str,
) -> Result<SurveyRow, WorkbenchError> {
    let row = store.set_status(slug, to)?;
    audit::record(
        store,
        &AuditEvent {
            actor,
            action,
            survey_slug: Some(slug),
            survey_version: Some(row.current_version),
            ..Default::default()
        },
    )?;
    Ok(row)
}

pub fn set_results_published(store: &Store, slug: &str, published: bool, actor: &str) -> Result<(), WorkbenchError> {
    let survey = store.find_survey(slug)?;
    store.set_results_published(slug, published)?;
    audit::record(
        store,
        &AuditEvent {
            actor,
            action: if published {
                "results.publish"
            } else {
                "results.unpublish"
            },
            survey_slug: Some(slug),
            survey_version: Some(survey.current_version),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Closes every open survey whose current version's `closes` date is before `today`. Safe with any number
/// of instances doing it at once: the status changes with a conditional update (`… WHERE status = 'open'`),
/// and only the instance whose update changed the row writes the audit entry. Returns the surveys closed.
pub fn auto_close_due(store: &Store, cache: &DefinitionCache, today: NaiveDate) -> Result<Vec<String>, WorkbenchError> {
    let mut closed = Vec::new();
    for s in store.surveys_with_status(Status::Open)? {
        let v = cache.get(store, &s, s.current_version)?;
        let Some(closes) = v.definition.closes.filter(|c| *c < today) else {
            continue;
        };
        let event = AuditEvent {
            actor: audit::SYSTEM,
            action: "survey.auto_close",
            survey_slug: Some(&s.slug),
            survey_version: Some(s.current_version),
            detail: format!("closes date {closes} has passed"),
        };
        if store.close_if_open(&s.id, &event)? {
            closed.push(s.slug.clone());
        }
    }
    Ok(closed)
}

/// Validates and stores (or replaces) a population file under `populations/FILE`.
pub fn upload_population(
    store: &Store,
    file_name: &str,
    source: &str,
    actor: &str,
) -> Result<PopulationInfo, WorkbenchError> {
    let key = population_key(file_name.trim());
    let ok_name = key.len() > "populations/".len()
        && key["populations/".len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && (key.ends_with(".yaml") || key.ends_with(".yml"));
    if !ok_name {
        return Err(WorkbenchError::Refused(Refusal::PopulationFileName(
            file_name.to_owned(),
        )));
    }
    let pop = definition::parse_population(source, &key).map_err(CatalogError::Invalid)?;
    store.replace_population(
        &key,
        &pop.name,
        source,
        actor,
        &AuditEvent {
            actor,
            action: "population.upload",
            detail: format!("{key} ({})", pop.name),
            ..Default::default()
        },
    )?;
    Ok(info_of(&key, &pop, "uploaded", Some(actor.to_owned()), Some(now())))
}

fn info_of(
    path: &str,
    pop: &crate::weighting::Population,
    origin: &'static str,
    by: Option<String>,
    at: Option<NaiveDateTime>,
) -> PopulationInfo {
    let mut variables: Vec<String> = pop.targets.margins.keys().cloned().collect();
    for c in &pop.targets.cells {
        for v in c.categories.keys() {
            if !variables.contains(v) {
                variables.push(v.clone());
            }
        }
    }
    PopulationInfo {
        path: path.to_owned(),
        name: pop.name.clone(),
        title: pop.title.get("ru").or_else(|| pop.title.values().next()).cloned(),
        source_note: pop.source.clone(),
        total: pop.targets.total,
        variables,
        origin,
        uploaded_by: by,
        uploaded_at: at,
        used_by: Vec::new(),
    }
}

/// Every known population file, with the survey versions that use it.
pub fn list_populations(store: &Store) -> Result<Vec<PopulationInfo>, WorkbenchError> {
    let uploaded = store.populations()?;
    let mut out: BTreeMap<String, PopulationInfo> = BTreeMap::new();
    for (path, text) in population_sources(store)? {
        let Ok(pop) = definition::parse_population(&text, &path) else {
            continue;
        };
        let up = uploaded.iter().find(|u| u.path == path);
        let info = match up {
            Some(u) => info_of(&path, &pop, "uploaded", Some(u.uploaded_by.clone()), Some(u.created_at)),
            None => info_of(&path, &pop, "example", None, None),
        };
        out.insert(path, info);
    }
    // Which versions use which population: the path written in their definition.
    for (slug, version, def_json) in store.weighted_versions()? {
        let Ok(def) = serde_json::from_str::<definition::Definition>(&def_json) else {
            continue;
        };
        let Some(path) = def.weighting.and_then(|w| w.population) else {
            continue;
        };
        if let Some(info) = out.get_mut(&population_key(&path)) {
            info.used_by.push(format!("{slug} v{version}"));
        }
    }
    Ok(out.into_values().collect())
}

/// Gives an official access to a survey's unpublished results.
pub fn grant_results(store: &Store, login: &str, slug: &str, actor: &str) -> Result<(), WorkbenchError> {
    let user = auth::users::find(store, login)?;
    if user.role != Role::Official {
        return Err(WorkbenchError::Refused(Refusal::NotOfficial {
            login: user.login,
            role: user.role.to_string(),
        }));
    }
    let survey = store.find_survey(slug)?;
    store.grant_result_access(
        &user.id,
        &survey.id,
        &AuditEvent {
            actor,
            action: "results.grant",
            survey_slug: Some(slug),
            detail: user.login.clone(),
            ..Default::default()
        },
    )?;
    Ok(())
}

pub fn revoke_results(store: &Store, login: &str, slug: &str, actor: &str) -> Result<(), WorkbenchError> {
    let user = auth::users::find(store, login)?;
    let survey = store.find_survey(slug)?;
    store.revoke_result_access(
        &user.id,
        &survey.id,
        &AuditEvent {
            actor,
            action: "results.revoke",
            survey_slug: Some(slug),
            detail: user.login.clone(),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Logins of the officials with access to a survey's unpublished results.
pub fn officials_with_access(store: &Store, survey_id: &str) -> Result<Vec<String>, WorkbenchError> {
    Ok(store.result_access_logins(survey_id)?)
}

/// Whether a user was given access to a survey's unpublished results.
pub fn has_result_access(store: &Store, user_id: &str, survey_id: &str) -> Result<bool, WorkbenchError> {
    Ok(store.has_result_access(user_id, survey_id)?)
}
