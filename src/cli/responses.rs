//! `opros survey invite`, `opros responses import` and `opros responses export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};

use super::CliError;
use crate::catalog::DefinitionCache;
use crate::form::csvio::parse_import;
use crate::form::tokens;
use crate::form::Meta;
use crate::store::responses::COMPLETE;
use crate::store::{now, ResponseRow, Store};

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
        ResponsesCommand::Export { slug, format, out } => {
            if format != ExportFormat::Csv && out.is_none() {
                return Err(CliError::Other(
                    "XLSX and SAV exports are binary files: give --out FILE".into(),
                ));
            }
            match out {
                Some(path) => {
                    let f = std::fs::File::create(&path)
                        .map_err(|e| CliError::Other(format!("cannot create {}: {e}", path.display())))?;
                    let mut w = std::io::BufWriter::new(f);
                    export_any(store, &slug, format, &mut w)?;
                    w.flush()?;
                    Ok(())
                }
                None => export_csv(store, &slug, &mut std::io::stdout().lock()),
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

fn import(store: &Store, slug: &str, file: &Path) -> Result<(), CliError> {
    let cache = DefinitionCache::default();
    let (survey, loaded) = cache.current(store, slug)?;
    let def = &loaded.definition;
    let reader =
        std::fs::File::open(file).map_err(|e| CliError::Other(format!("cannot read {}: {e}", file.display())))?;
    let rows = parse_import(def, std::io::BufReader::new(reader), "en").map_err(|problems| {
        let mut msg = format!(
            "{}: {} problem{} found, nothing imported:\n",
            file.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        for p in &problems {
            msg.push_str(&format!("  {}:{}\n", file.display(), p));
        }
        CliError::Other(msg.trim_end().to_owned())
    })?;
    let at = now();
    let source = Meta {
        source: Some(format!(
            "import:{}",
            file.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        )),
        ..Meta::default()
    };
    let stored: Vec<(ResponseRow, Vec<String>)> = rows
        .iter()
        .map(|r| {
            let quota_keys = def.quota_keys(&r.answers);
            let meta = Meta {
                design: r.design.clone(),
                ..source.clone()
            };
            let row = ResponseRow {
                id: tokens::random_response_id(),
                survey_id: survey.id.clone(),
                version: loaded.version,
                // A random key: imported respondents cannot come back through the web form.
                respondent_key: tokens::key_hash(&tokens::new_token()),
                state: COMPLETE.to_owned(),
                language: def.default_language().to_owned(),
                page_reached: def.page_count() as i32,
                answers: serde_json::to_string(&r.answers).unwrap_or_else(|_| "{}".into()),
                meta: meta.to_json(),
                started_at: at,
                updated_at: at,
                submitted_at: Some(at),
                duration_seconds: None,
                codes: crate::store::codes::encode(def, &r.answers),
            };
            (row, quota_keys)
        })
        .collect();
    let n = store.import_responses(&stored)?;
    println!("{slug}: {n} responses imported from {}", file.display());
    Ok(())
}

/// Writes complete responses as CSV (UTF-8 with a BOM, so spreadsheet programs read Cyrillic correctly), with
/// the `_weight` column when the survey is weighted (written by `crate::export`).
pub fn export_csv(store: &Store, slug: &str, out: &mut dyn Write) -> Result<(), CliError> {
    export_any(store, slug, ExportFormat::Csv, out)
}

/// Microdata in any export format (`crate::export`: CSV, XLSX workbook, SPSS `.sav`).
fn export_any(store: &Store, slug: &str, format: ExportFormat, out: &mut dyn Write) -> Result<(), CliError> {
    let format = match format {
        ExportFormat::Csv => crate::export::Format::Csv,
        ExportFormat::Xlsx => crate::export::Format::Xlsx,
        ExportFormat::Sav => crate::export::Format::Sav,
    };
    crate::export::write_microdata(store, slug, format, out).map_err(|e| CliError::Other(e.to_string()))
}
