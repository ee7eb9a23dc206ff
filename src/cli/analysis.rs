//! `opros report` and `opros weight`: the statistics from the command line.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::catalog::DefinitionCache;
use crate::report::{self, ReportOptions, SummaryInput};
use crate::stats::CiMethod;
use crate::store::Store;
use crate::weight_file::{self, WeightFileOptions};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    Logit,
    Beta,
    Wilson,
}

impl From<MethodArg> for CiMethod {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Logit => CiMethod::Logit,
            MethodArg::Beta => CiMethod::Beta,
            MethodArg::Wilson => CiMethod::Wilson,
        }
    }
}

/// `opros report SLUG`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    pub slug: String,
    /// Print the summary as JSON (the same as GET /api/v1/surveys/{slug}/summary).
    #[arg(long)]
    pub json: bool,
    /// Breakdown variables (default: the definition's `report.breakdowns`).
    #[arg(long, num_args = 1..)]
    pub by: Vec<String>,
    /// Cross every breakdown variable with this one (two-way breakdown cells `a*b`).
    #[arg(long)]
    pub by2: Option<String>,
    /// Restrict the estimates to a subgroup (domain estimates of the whole design): VAR:CODE[,VAR:CODE…];
    /// several codes of one variable are alternatives, different variables must all match.
    #[arg(long)]
    pub filter: Option<String>,
    /// Confidence interval method for shares.
    #[arg(long, value_enum, default_value = "logit")]
    pub method: MethodArg,
    /// Ignore the definition's weighting.
    #[arg(long)]
    pub unweighted: bool,
    /// Language of labels (default: the survey's first language).
    #[arg(long)]
    pub lang: Option<String>,
    /// Include questions not marked for publication.
    #[arg(long)]
    pub all: bool,
}

pub fn run_report(store: &Store, args: ReportArgs) -> Result<(), CliError> {
    let filter = report::domain::parse_filter(args.filter.as_deref().unwrap_or(""));
    let opts = ReportOptions {
        by: (!args.by.is_empty()).then_some(args.by),
        method: args.method.into(),
        weighted: !args.unweighted,
        all_questions: args.all,
        filter: filter.as_ref().cloned().unwrap_or_default(),
        by2: args.by2,
    };
    // The options say what to load (the channel only for a channel breakdown).
    let loaded = report::load_for(store, &DefinitionCache::default(), &args.slug, &opts)
        .map_err(|e| CliError::Other(e.to_string()))?;
    // A survey that does not exist is reported before a filter that does not parse.
    filter.map_err(|e| CliError::Other(e.to_string()))?;
    let def = &loaded.version.definition;
    let lang = args.lang.unwrap_or_else(|| def.default_language().to_owned());
    let mut summary = report::summarize(
        &SummaryInput {
            definition: def,
            population: loaded.version.population.as_ref(),
            answers: &loaded.answers,
            language: &lang,
        },
        &opts,
    )
    .map_err(|e| CliError::Other(e.to_string()))?;
    summary.excluded = Some(loaded.excluded.clone());
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary).map_err(|e| CliError::Other(e.to_string()))?;
        writeln!(out)?;
    } else {
        out.write_all(report::render_text(&summary).as_bytes())?;
    }
    Ok(())
}

/// `opros weight --data FILE.csv --scheme FILE.yaml`.
#[derive(Args, Debug)]
pub struct WeightArgs {
    /// Respondent file (CSV with a header row).
    #[arg(long)]
    pub data: PathBuf,
    /// Weighting scheme (YAML, see README "Weighting scheme").
    #[arg(long)]
    pub scheme: PathBuf,
    /// Respondent id column.
    #[arg(long)]
    pub id: Option<String>,
    /// Write `id,weight` here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Diagnostics as one JSON object on stderr.
    #[arg(long)]
    pub json: bool,
    /// CSV dialect of the data file and the output: `standard` (`,` and decimal points) or `excel-ru` (`;`
    /// and decimal commas, what Excel in the Russian locale writes and opens directly).
    #[arg(long, default_value = "standard")]
    pub dialect: crate::export::Dialect,
}

pub fn run_weight(args: WeightArgs) -> Result<(), CliError> {
    let opts = WeightFileOptions {
        data: args.data,
        scheme: args.scheme,
        id: args.id,
        out: args.out,
        json: args.json,
        dialect: args.dialect,
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    weight_file::run(&opts, &mut stdout, &mut stderr).map_err(|e| CliError::Other(e.to_string()))
}
