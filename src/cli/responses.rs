//! `opros survey invite`, `opros responses import` and `opros responses export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};

use super::progress::Progress;
use super::CliError;
use crate::catalog::DefinitionCache;
use crate::export::Dialect;
use crate::form::csvio::{read_import, ImportItem, ImportProblem};
use crate::form::tokens;
use crate::form::Meta;
use crate::store::responses::COMPLETE;
use crate::store::{now, ResponseRow, Store, StoreError};

#[derive(Subcommand, Debug)]
pub enum ResponsesCommand {
    /// Import answers collected elsewhere (e.g. phone interviews) from CSV: one row per respondent, columns
    /// named by question id, choice cells by option code, multiple choice and ranking as `a;b;c`, matrix
    /// rows as columns `question.row`. Every row is validated like a web submission; all-or-nothing.
    Import { slug: String, file: PathBuf },
    /// Export complete responses (one row per response, option codes, a header of question ids).
    Export {
        slug: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// CSV dialect: `standard` (`,` and decimal points) or `excel-ru` (`;` and decimal commas, what
        /// Excel in the Russian locale opens directly). Both are UTF-8 with a byte-order mark.
        #[arg(long, default_value = "standard")]
        dialect: Dialect,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    /// SPSS system file (written by `crate::export`).
    Sav,
}

pub fn run(store: &Store, cmd: ResponsesCommand) -> Result<(), CliError> {
    match cmd {
        ResponsesCommand::Import { slug, file } => import(store, &slug, &file),
        ResponsesCommand::Export {
            slug,
            format,
            out,
            dialect,
        } => {
            if format != ExportFormat::Csv && out.is_none() {
                return Err(CliError::Other(
                    "XLSX and SAV exports are binary files: give --out FILE".into(),
                ));
            }
            if format != ExportFormat::Csv && dialect != Dialect::Standard {
                return Err(CliError::Other("--dialect applies to CSV exports only".into()));
            }
            match out {
                Some(path) => {
                    let f = std::fs::File::create(&path)
                        .map_err(|e| CliError::Other(format!("cannot create {}: {e}", path.display())))?;
                    let mut w = std::io::BufWriter::new(f);
                    if format == ExportFormat::Xlsx {
                        crate::export::write_microdata_xlsx(store, &slug, &mut w)
                            .map_err(|e| CliError::Other(e.to_string()))?;
                    } else {
                        export_any(store, &slug, format, dialect, &mut w)?;
                    }
                    w.flush()?;
                    Ok(())
                }
                None => {
                    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                    export_any(store, &slug, format, dialect, &mut w)?;
                    w.flush()?;
                    Ok(())
                }
            }
        }
    }
}

/// `survey invite SLUG --count N`: stores N fresh tokens (as hashes) and prints the tokens, or links when a
/// base URL is given.
pub fn invite(
    store: &Store,
    slug: &str,
    count: usize,
    base_url: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if count == 0 || count > 1_000_000 {
        return Err(CliError::Other("--count must be between 1 and 1000000".into()));
    }
    let survey = store.find_survey(slug)?;
    let tokens: Vec<String> = (0..count).map(|_| tokens::new_token()).collect();
    let hashes: Vec<String> = tokens.iter().map(|t| tokens::key_hash(t)).collect();
    store.add_invitations(&survey.id, &hashes)?;
    for t in &tokens {
        match base_url {
            Some(base) => writeln!(out, "{}/s/{slug}?t={t}", base.trim_end_matches('/'))?,
            None => writeln!(out, "{t}")?,
        }
    }
    Ok(())
}

/// Problems listed in full before the rest are only counted.
const PROBLEMS_SHOWN: usize = 100;

/// An import that found problems (nothing is stored).
struct Rejected {
    shown: Vec<ImportProblem>,
    more: usize,
}

impl Rejected {
    fn message(&self, file: &Path) -> String {
        let total = self.shown.len() + self.more;
        let mut msg = format!(
            "{}: {total} problem{} found, nothing imported:\n",
            file.display(),
            if total == 1 { "" } else { "s" }
        );
        for p in &self.shown {
            msg.push_str(&format!("  {}:{}\n", file.display(), p));
        }
        if self.more > 0 {
            msg.push_str(&format!("  … and {} more\n", self.more));
        }
        msg.trim_end().to_owned()
    }
}

/// Why an import stopped.
enum ImportFailure {
    Store(StoreError),
    Rejected(Rejected),
}

impl From<StoreError> for ImportFailure {
    fn from(e: StoreError) -> Self {
        ImportFailure::Store(e)
    }
}

/// Rows handed at a time from the thread that reads and validates the file to the one that stores them.
const ROWS_PER_HANDOFF: usize = 512;
/// Hand-offs waiting to be stored at most: the reading thread waits beyond (memory stays flat).
const HANDOFFS_QUEUED: usize = 4;

/// Rows ready to store, each with its quota cells.
type Handoff = Vec<(ResponseRow, Vec<String>)>;

/// The storing side stopped taking rows (it failed; its error is the one reported).
struct StoppedStoring;

/// `responses import`: the file is read, validated and stored row by row in one transaction (memory does
/// not grow with the file); a problem anywhere rolls everything back, and every problem is listed (the
/// first [`PROBLEMS_SHOWN`], then a count). One thread reads, validates and codes the rows while another
/// inserts them.
fn import(store: &Store, slug: &str, file: &Path) -> Result<(), CliError> {
    let cache = DefinitionCache::default();
    let (survey, loaded) = cache.current(store, slug)?;
    let reader =
        std::fs::File::open(file).map_err(|e| CliError::Other(format!("cannot read {}: {e}", file.display())))?;
    let size = reader.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = Progress::bytes(size, "importing");
    let input = progress.reader(std::io::BufReader::with_capacity(1 << 16, reader));
    let source = Meta {
        source: Some(format!(
            "import:{}",
            file.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        )),
        ..Meta::default()
    };
    let imported = std::thread::scope(|scope| {
        let (handoffs, received) = std::sync::mpsc::sync_channel::<Handoff>(HANDOFFS_QUEUED);
        let survey_id = survey.id.as_str();
        let reading = scope.spawn(move || read_rows(&loaded, survey_id, &source, input, &handoffs));
        // `received` moves in: when storing fails, it is dropped and the reading thread stops.
        store.import_streaming(move |sink| -> Result<(), ImportFailure> {
            for handoff in received {
                for (row, quota_keys) in handoff {
                    sink.push(row, quota_keys)?;
                }
            }
            match reading.join() {
                Ok(Ok(rejected)) if rejected.shown.is_empty() => Ok(()),
                Ok(Ok(rejected)) => Err(ImportFailure::Rejected(rejected)),
                // The storing side stops only by returning before this; never commit a file read in part.
                Ok(Err(StoppedStoring)) => Err(ImportFailure::Store(StoreError::Corrupt(
                    "the file was not read to its end".into(),
                ))),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    });
    progress.finish();
    match imported {
        Ok(((), n)) => {
            println!("{slug}: {n} responses imported from {}", file.display());
            Ok(())
        }
        Err(ImportFailure::Rejected(r)) => Err(CliError::Other(r.message(file))),
        Err(ImportFailure::Store(e)) => Err(e.into()),
    }
}

/// Reads and validates the import file, handing the rows to store in batches to `handoffs` until a first
/// problem (then the rest is only checked); returns the problems found.
fn read_rows(
    loaded: &crate::catalog::LoadedVersion,
    survey_id: &str,
    source: &Meta,
    input: impl std::io::Read,
    handoffs: &std::sync::mpsc::SyncSender<Handoff>,
) -> Result<Rejected, StoppedStoring> {
    let def = &loaded.definition;
    let at = now();
    // Computed once for the whole file: the coded layout of the version, the metadata of rows without
    // design values.
    let layout = crate::store::codes::Layout::of(def);
    let plain_meta = source.to_json();
    let mut rejected = Rejected {
        shown: Vec::new(),
        more: 0,
    };
    let mut batch: Handoff = Vec::with_capacity(ROWS_PER_HANDOFF);
    read_import(def, input, "en", |item| -> Result<(), StoppedStoring> {
        match item {
            ImportItem::Problem(p) if rejected.shown.len() < PROBLEMS_SHOWN => rejected.shown.push(p),
            ImportItem::Problem(_) => rejected.more += 1,
            // After a problem, rows are only checked: nothing will be stored.
            ImportItem::Row(_) if !rejected.shown.is_empty() => {}
            ImportItem::Row(r) => {
                let quota_keys = def.quota_keys(&r.answers);
                let meta = match r.design {
                    None => plain_meta.clone(),
                    design => Meta {
                        design,
                        ..source.clone()
                    }
                    .to_json(),
                };
                let row = ResponseRow {
                    id: tokens::random_response_id(),
                    survey_id: survey_id.to_owned(),
                    version: loaded.version,
                    // A random key: imported respondents cannot come back through the web form.
                    respondent_key: tokens::key_hash(&tokens::new_token()),
                    state: COMPLETE.to_owned(),
                    language: def.default_language().to_owned(),
                    page_reached: def.page_count() as i32,
                    answers: serde_json::to_string(&r.answers).unwrap_or_else(|_| "{}".into()),
                    meta,
                    started_at: at,
                    updated_at: at,
                    submitted_at: Some(at),
                    duration_seconds: None,
                    codes: layout.as_ref().and_then(|l| l.encode(&r.answers)),
                };
                batch.push((row, quota_keys));
                if batch.len() >= ROWS_PER_HANDOFF {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(ROWS_PER_HANDOFF));
                    handoffs.send(full).map_err(|_| StoppedStoring)?;
                }
            }
        }
        Ok(())
    })?;
    if rejected.shown.is_empty() && !batch.is_empty() {
        handoffs.send(batch).map_err(|_| StoppedStoring)?;
    }
    Ok(rejected)
}

/// Microdata in any export format (`crate::export`: CSV, XLSX workbook, SPSS `.sav`).
fn export_any(
    store: &Store,
    slug: &str,
    format: ExportFormat,
    dialect: Dialect,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let format = match format {
        ExportFormat::Csv => crate::export::Format::Csv,
        ExportFormat::Xlsx => crate::export::Format::Xlsx,
        ExportFormat::Sav => crate::export::Format::Sav,
    };
    crate::export::write_microdata_in(store, slug, format, dialect, out).map_err(|e| CliError::Other(e.to_string()))
}
