//! Command line (`opros`): the server and the sociologist's verbs. Errors go to stderr with a non-zero exit.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analysis;
mod indicators;
mod model;
mod progress;
mod responses;
mod users;

use crate::catalog::{self, workbench, CatalogError};
use crate::config::{Config, ConfigError};
use crate::store::{Store, StoreError};

#[derive(Parser, Debug)]
#[command(
    name = "opros",
    version,
    about = "Opros: online sociology surveys — forms, weighting, summaries"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default when no command is given).
    Serve,
    /// Manage survey definitions.
    #[command(subcommand)]
    Survey(SurveyCommand),
    /// Import and export responses.
    #[command(subcommand)]
    Responses(responses::ResponsesCommand),
    /// Summary of a survey's complete responses: weighted shares, means, intervals, breakdowns.
    Report(analysis::ReportArgs),
    /// Design-based linear or logistic regression of a survey's answers (R `svyglm`).
    Model(model::ModelArgs),
    /// The risk calendar: regional indicators by district and wave, with alerts.
    Indicators(indicators::IndicatorsArgs),
    /// Weight any respondent file by a scheme; prints `id,weight` and diagnostics (stderr).
    Weight(analysis::WeightArgs),
    /// Staff accounts (admin, sociologist, official) for the workbench under /admin.
    #[command(subcommand)]
    User(users::UserCommand),
}

#[derive(Subcommand, Debug)]
pub enum SurveyCommand {
    /// Validate and store definitions (YAML). All-or-nothing: nothing is stored if any file has a problem.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// XLSForms: import what can be converted and list the rest (default: refuse the whole form).
        #[arg(long)]
        lenient: bool,
        /// Accept definitions that lack a text in one of their listed languages (readers of that language
        /// then see the default language's text there); by default they are refused, every missing text
        /// listed.
        #[arg(long)]
        allow_missing_texts: bool,
    },
    /// Convert an XLSForm (.xlsx) to an Opros YAML definition on stdout.
    Convert {
        file: PathBuf,
        /// Convert what can be converted and list the rest on stderr.
        #[arg(long)]
        lenient: bool,
    },
    /// Validate definitions without storing them.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Accept missing texts in a listed language (warned about) instead of failing on them.
        #[arg(long)]
        allow_missing_texts: bool,
    },
    /// List surveys with status, version and responses.
    List,
    /// Print a survey's definition (YAML as imported).
    Show {
        slug: String,
        #[arg(long)]
        version: Option<i32>,
    },
    /// Open a survey for responses.
    Publish {
        slug: String,
        /// Publish the survey's results instead (the public results page and summary API).
        #[arg(long)]
        results: bool,
    },
    /// Close a survey: no more responses.
    Close { slug: String },
    /// Hide a survey's published results again.
    UnpublishResults { slug: String },
    /// Create invitation tokens (each usable once, for closed panels); prints one per line.
    Invite {
        slug: String,
        #[arg(long)]
        count: usize,
        /// Print whole links with this base (e.g. https://opros.example.org) instead of bare tokens.
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPROS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Survey(cmd) => survey(config, cmd),
        Command::Responses(cmd) => responses::run(&Store::open(&config.database)?, cmd),
        Command::Report(args) => analysis::run_report(&Store::open(&config.database)?, args),
        Command::Model(args) => model::run_model(&Store::open(&config.database)?, args),
        Command::Indicators(args) => indicators::run(&Store::open(&config.database)?, args),
        Command::Weight(args) => analysis::run_weight(args),
        Command::User(cmd) => users::run(&Store::open(&config.database)?, cmd, &mut std::io::stdout().lock()),
    }
}

fn serve(config: Config) -> Result<(), CliError> {
    tracing::info!(database = %config.database.redacted(), "opening database");
    let state = crate::web::prepare_state(config)?;
    actix_web::rt::System::new().block_on(crate::web::serve(state))?;
    Ok(())
}

fn survey(config: Config, cmd: SurveyCommand) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    if let SurveyCommand::Convert { file, lenient } = &cmd {
        return convert(file, *lenient, &mut out);
    }
    if let SurveyCommand::Check {
        files,
        allow_missing_texts,
    } = &cmd
    {
        return check(files, *allow_missing_texts, &mut out);
    }
    let store = Store::open(&config.database)?;
    match cmd {
        SurveyCommand::Import {
            files,
            lenient,
            allow_missing_texts,
        } => {
            let mut err = std::io::stderr();
            let mut note = |n: &str| {
                let _ = writeln!(err, "left out: {n}");
            };
            for i in catalog::import_files_with(&store, &files, lenient, allow_missing_texts, &mut note)
                .map_err(missing_texts_hint)?
            {
                let what = if i.created_survey { "new survey" } else { "new version" };
                audit(
                    &store,
                    if i.created_survey {
                        "survey.create"
                    } else {
                        "survey.new_version"
                    },
                    &i.slug,
                    Some(i.version),
                )?;
                writeln!(out, "{}: {what}, version {}", i.slug, i.version)?;
            }
        }
        SurveyCommand::List => {
            writeln!(
                out,
                "{:<32} {:<8} {:>7} {:>9} {:>8} {:<9}",
                "slug", "status", "version", "complete", "partial", "results"
            )?;
            for s in store.list_surveys()? {
                let counts = store.response_counts(&s.id)?;
                let count = |k: &str| counts.iter().find(|(s, _)| s == k).map(|(_, n)| *n).unwrap_or(0);
                writeln!(
                    out,
                    "{:<32} {:<8} {:>7} {:>9} {:>8} {:<9}",
                    s.slug,
                    s.status,
                    s.current_version,
                    count("complete"),
                    count("partial"),
                    if s.results_published { "published" } else { "-" }
                )?;
            }
        }
        SurveyCommand::Show { slug, version } => {
            let (_, v) = store.version(&slug, version)?;
            writeln!(out, "# {} version {} ({})", slug, v.version, v.source_name)?;
            out.write_all(v.source.as_bytes())?;
        }
        SurveyCommand::Publish { slug, results } => {
            if results {
                workbench::set_results_published(&store, &slug, true, CLI_ACTOR).map_err(other)?;
                writeln!(out, "{slug}: results published")?;
            } else {
                workbench::open_survey(&store, &catalog::DefinitionCache::default(), &slug, CLI_ACTOR)
                    .map_err(other)?;
                writeln!(out, "{slug}: open")?;
            }
        }
        SurveyCommand::Close { slug } => {
            workbench::close_survey(&store, &slug, CLI_ACTOR).map_err(other)?;
            writeln!(out, "{slug}: closed")?;
        }
        SurveyCommand::Invite { slug, count, url } => {
            responses::invite(&store, &slug, count, url.as_deref(), &mut out)?;
        }
        SurveyCommand::UnpublishResults { slug } => {
            workbench::set_results_published(&store, &slug, false, CLI_ACTOR).map_err(other)?;
            writeln!(out, "{slug}: results unpublished")?;
        }
        SurveyCommand::Check { .. } | SurveyCommand::Convert { .. } => {}
    }
    Ok(())
}

/// Who the audit log names for changes made from the command line.
const CLI_ACTOR: &str = "cli";

/// `survey check`: each file validated; texts missing in a listed language fail the check (all of them
/// listed, across every file) unless accepted, when they are warnings.
fn check(files: &[PathBuf], allow_missing_texts: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let mut missing = Vec::new();
    for f in files {
        let p = catalog::prepare_file(f)?;
        if !allow_missing_texts {
            if let Err(CatalogError::Invalid(errs)) = catalog::refuse_missing_texts(&p) {
                missing.extend(errs.problems);
                continue;
            }
        }
        writeln!(
            out,
            "{}: ok ({} questions)",
            f.display(),
            p.definition.questions().count()
        )?;
        // Accepted: the default language's text stands in, but readers of that language see it.
        for w in crate::definition::missing_translations(&p.definition) {
            writeln!(out, "{}: warning: {w}", f.display())?;
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing_texts_hint(CatalogError::Invalid(
            crate::definition::DefinitionErrors { problems: missing },
        )))
    }
}

/// Adds how to accept missing texts to a refusal that lists them.
fn missing_texts_hint(e: CatalogError) -> CliError {
    match e {
        CatalogError::Invalid(errs) if errs.mentions(" has no text in '") => CliError::Other(format!(
            "{errs}(to accept texts missing in a listed language, pass --allow-missing-texts: readers of that \
             language then see the default language's text)"
        )),
        e => e.into(),
    }
}

fn other(e: impl std::fmt::Display) -> CliError {
    CliError::Other(e.to_string())
}

/// Records a command-line change in the audit log (as the workbench does for its own).
fn audit(store: &Store, action: &str, slug: &str, version: Option<i32>) -> Result<(), CliError> {
    crate::store::audit::record(
        store,
        &crate::store::audit::AuditEvent {
            actor: CLI_ACTOR,
            action,
            survey_slug: Some(slug),
            survey_version: version,
            ..Default::default()
        },
    )
    .map_err(other)
}

/// `opros survey convert FILE.xlsx`: the XLSForm as Opros YAML on stdout; left-out rows on stderr.
fn convert(file: &std::path::Path, lenient: bool, out: &mut dyn Write) -> Result<(), CliError> {
    let bytes = std::fs::read(file).map_err(|e| CliError::Other(format!("cannot read {}: {e}", file.display())))?;
    let name = file.display().to_string();
    let converted = crate::xlsform::convert(&bytes, &name, &crate::xlsform::ConvertOptions { lenient })
        .map_err(|e| CliError::Other(e.to_string()))?;
    let mut err = std::io::stderr();
    for u in &converted.unsupported {
        writeln!(err, "left out: {u}")?;
    }
    out.write_all(converted.yaml.as_bytes())?;
    Ok(())
}
