//! The survey catalogue: definitions from files or the workbench, validated and stored as immutable
//! versions, and the survey lifecycle.
//!
//! - here: reading and validating definitions (YAML, or XLSForm spreadsheets), importing them
//!   all-or-nothing, and seeding the example surveys;
//! - [`cache`]: parsed versions kept in memory, and recently read survey rows for the form;
//! - [`workbench`]: what staff do on `/admin` — staging uploads for preview, population files, opening,
//!   closing and publishing (each written to the audit log), automatic closing at the `closes` date, and
//!   officials' access to unpublished results.
//!
//! The SQL is in `store`; this module decides.

pub mod cache;
pub mod coding;
pub mod flight;
pub mod workbench;

use std::path::{Path, PathBuf};

use crate::definition::{self, Definition, DefinitionErrors, Problem};
use crate::store::{Imported, NewVersion, Store, StoreError};
use crate::weighting::Population;

pub use cache::{DefinitionCache, LoadedVersion, SURVEY_ROW_TTL};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(DefinitionErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    XlsForm(String),
    #[error("stored definition of '{slug}' version {version} cannot be read: {reason}")]
    Corrupt { slug: String, version: i32, reason: String },
}

/// A definition read from a file, validated, with its population resolved.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub definition: Definition,
    pub population: Option<Population>,
    pub source: String,
    pub source_name: String,
}

/// Refuses a prepared definition that lacks a text in one of its listed languages, listing every missing
/// text (file, line, question); the caller decides whether the sociologist accepted them. For a converted
/// XLSForm, lines (of the YAML text) are left out, and so is the title: XLSForm's `form_title` has no
/// per-language columns, so a form cannot give it in a second language.
pub fn refuse_missing_texts(p: &Prepared) -> Result<(), CatalogError> {
    let mut problems = definition::missing_texts(&p.definition, &p.source, &p.source_name);
    if is_spreadsheet(Path::new(&p.source_name)) {
        problems.retain(|pr| pr.question.is_some() || !pr.message.starts_with("title has no text"));
        problems.iter_mut().for_each(|pr| pr.line = None);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CatalogError::Invalid(DefinitionErrors { problems }))
    }
}

/// Reads and validates a definition file; a `weighting.population` path is resolved relative to the file
/// and checked against the definition. Every problem is reported, not just the first. Spreadsheets
/// (`.xlsx`, `.xls`, `.ods`) are XLSForms, converted first (strictly: anything unsupported is an error).
pub fn prepare_file(path: &Path) -> Result<Prepared, CatalogError> {
    prepare_file_with(path, false).map(|(p, _)| p)
}

/// Whether a file is an XLSForm spreadsheet (by extension).
pub fn is_spreadsheet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xls" | "xlsb" | "ods"))
}

/// As [`prepare_file`]; with `lenient`, an XLSForm's unsupported rows are left out and returned as notes.
pub fn prepare_file_with(path: &Path, lenient: bool) -> Result<(Prepared, Vec<String>), CatalogError> {
    let name = path.display().to_string();
    if !is_spreadsheet(path) {
        let source = read(path)?;
        return Ok((prepare_source(&source, &name, path.parent(), None)?, Vec::new()));
    }
    let bytes = std::fs::read(path).map_err(|source| CatalogError::Read {
        path: name.clone(),
        source,
    })?;
    let converted = crate::xlsform::convert(&bytes, &name, &crate::xlsform::ConvertOptions { lenient })
        .map_err(|e| CatalogError::XlsForm(e.to_string()))?;
    let notes = converted.unsupported.iter().map(ToString::to_string).collect();
    Ok((prepare_source(&converted.yaml, &name, path.parent(), None)?, notes))
}

/// Finds the text of a population file by the path written in a definition (embedded examples).
pub type PopulationLookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Validates a definition given as text. `base_dir` resolves a population path; `populations` supplies
/// already-known population files by their path as written in the definition (for embedded examples).
pub fn prepare_source(
    source: &str,
    source_name: &str,
    base_dir: Option<&Path>,
    populations: Option<&PopulationLookup<'_>>,
) -> Result<Prepared, CatalogError> {
    let definition = definition::parse_definition(source, source_name).map_err(CatalogError::Invalid)?;
    let population = match definition.weighting.as_ref().and_then(|w| w.population.clone()) {
        None => None,
        Some(rel) => {
            let (text, pop_name) = match populations.and_then(|f| f(&rel)) {
                Some(text) => (text, rel.clone()),
                None => read_population(source, source_name, base_dir, &rel)?,
            };
            let pop = definition::parse_population(&text, &pop_name).map_err(CatalogError::Invalid)?;
            let problems = definition::check_population(&definition, &pop);
            if !problems.is_empty() {
                return Err(CatalogError::Invalid(DefinitionErrors { problems }));
            }
            Some(pop)
        }
    };
    Ok(Prepared {
        definition,
        population,
        source: source.to_owned(),
        source_name: source_name.to_owned(),
    })
}

/// The text of the population file a definition read from a file names, and the name to report it by.
/// The same rule as the workbench's, plus the file system: first the path relative to the definition's
/// directory, then the population files shipped with Opros under the same `populations/FILE` key the
/// workbench uses (so `survey check` of a copied example finds `populations/example.yaml` wherever the
/// copy is). When neither has it, the error says both places it looked.
fn read_population(
    source: &str,
    source_name: &str,
    base_dir: Option<&Path>,
    rel: &str,
) -> Result<(String, String), CatalogError> {
    let p: PathBuf = base_dir.map(|d| d.join(rel)).unwrap_or_else(|| PathBuf::from(rel));
    if p.is_file() {
        return Ok((read(&p)?, p.display().to_string()));
    }
    let key = workbench::population_key(rel);
    if let Some(text) = workbench::example_population(&key) {
        return Ok((text, key));
    }
    let line = source.lines().position(|l| l.contains(rel)).map(|i| i + 1);
    Err(CatalogError::Invalid(DefinitionErrors {
        problems: vec![Problem::new(
            source_name,
            line,
            None,
            format!(
                "weighting.population '{rel}' was not found: looked for the file {} and among the population files shipped with Opros ({})",
                p.display(),
                workbench::example_population_keys().join(", ")
            ),
        )],
    }))
}

fn read(path: &Path) -> Result<String, CatalogError> {
    std::fs::read_to_string(path).map_err(|source| CatalogError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Stores a prepared definition as the next version of its survey.
pub fn store_prepared(store: &Store, p: &Prepared) -> Result<Imported, CatalogError> {
    let definition_json = serde_json::to_string(&p.definition).map_err(|e| CatalogError::Corrupt {
        slug: p.definition.slug.clone(),
        version: 0,
        reason: e.to_string(),
    })?;
    let population_json = match &p.population {
        Some(pop) => Some(serde_json::to_string(pop).map_err(|e| CatalogError::Corrupt {
            slug: p.definition.slug.clone(),
            version: 0,
            reason: e.to_string(),
        })?),
        None => None,
    };
    Ok(store.import_version(&NewVersion {
        slug: &p.definition.slug,
        topic: &p.definition.topic,
        definition_json: &definition_json,
        population_json: population_json.as_deref(),
        source: &p.source,
        source_name: &p.source_name,
    })?)
}

/// Imports several files all-or-nothing: every file is validated first, and nothing is stored unless all
/// are valid. Problems of all files are returned together.
pub fn import_files(store: &Store, paths: &[PathBuf]) -> Result<Vec<Imported>, CatalogError> {
    import_files_with(store, paths, false, true, &mut |_| {})
}

/// As [`import_files`]; `lenient` XLSForm conversion reports left-out rows through `note`. Unless
/// `allow_missing_texts`, a definition lacking a text in one of its listed languages is refused like an
/// invalid one (every missing text listed).
pub fn import_files_with(
    store: &Store,
    paths: &[PathBuf],
    lenient: bool,
    allow_missing_texts: bool,
    note: &mut dyn FnMut(&str),
) -> Result<Vec<Imported>, CatalogError> {
    let mut prepared = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let checked = prepare_file_with(path, lenient).and_then(|(p, notes)| {
            if !allow_missing_texts {
                refuse_missing_texts(&p)?;
            }
            Ok((p, notes))
        });
        match checked {
            Ok((p, notes)) => {
                notes.iter().for_each(|n| note(n));
                prepared.push(p)
            }
            Err(CatalogError::Invalid(errs)) => problems.extend(errs.problems),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(CatalogError::Invalid(DefinitionErrors { problems }));
    }
    prepared.iter().map(|p| store_prepared(store, p)).collect()
}

/// The example surveys embedded in the binary, so a new database gets them whatever the working directory.
#[derive(rust_embed::RustEmbed)]
#[folder = "surveys/"]
struct ExampleSurveys;

/// Imports and opens the embedded example surveys (done once, when the database has no surveys).
pub fn seed_examples(store: &Store) -> Result<Vec<Imported>, CatalogError> {
    let lookup = |rel: &str| -> Option<String> {
        ExampleSurveys::get(rel).and_then(|f| String::from_utf8(f.data.into_owned()).ok())
    };
    let mut files: Vec<String> = ExampleSurveys::iter()
        .map(|f| f.into_owned())
        .filter(|f| !f.contains('/') && (f.ends_with(".yaml") || f.ends_with(".yml")))
        .collect();
    files.sort();
    let mut prepared = Vec::new();
    for name in &files {
        let Some(text) = lookup(name) else { continue };
        prepared.push(prepare_source(&text, &format!("surveys/{name}"), None, Some(&lookup))?);
    }
    let mut done = Vec::new();
    for p in &prepared {
        let imported = store_prepared(store, p)?;
        store.set_status(&imported.slug, crate::store::Status::Open)?;
        done.push(imported);
    }
    Ok(done)
}
