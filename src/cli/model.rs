//! `opros model SLUG --y Y --x A+B [--family logistic] [--json]`: design-based regression from the
//! command line (see `report::model`).

use std::io::Write;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::catalog::DefinitionCache;
use crate::report::{self, model, SummaryInput};
use crate::stats::Family;
use crate::store::Store;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FamilyArg {
    /// Linear model (R `svyglm`, gaussian family).
    Linear,
    /// Logistic model of a 0/1 outcome (`--y q=code`; R `svyglm`, quasibinomial family).
    Logistic,
}

/// `opros model SLUG`.
#[derive(Args, Debug)]
pub struct ModelArgs {
    pub slug: String,
    /// Outcome: a number or scale question, or `q=code` (the 0/1 indicator of a category).
    #[arg(long)]
    pub y: String,
    /// Predictors joined by `+`: numbers and scales enter as numbers, single-choice questions and derived
    /// variables as factors (first code as reference), `q=code` as a 0/1 indicator.
    #[arg(long)]
    pub x: String,
    #[arg(long, value_enum, default_value = "linear")]
    pub family: FamilyArg,
    /// Fit on a subgroup only (domain of the whole design): VAR:CODE[,VAR:CODE…].
    #[arg(long)]
    pub filter: Option<String>,
    /// Ignore the definition's weighting.
    #[arg(long)]
    pub unweighted: bool,
    /// Language of labels (default: the survey's first language).
    #[arg(long)]
    pub lang: Option<String>,
    /// Print the model as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run_model(store: &Store, args: ModelArgs) -> Result<(), CliError> {
    let other = |e: &dyn std::fmt::Display| CliError::Other(e.to_string());
    let loaded = report::load(store, &DefinitionCache::default(), &args.slug).map_err(|e| other(&e))?;
    let def = &loaded.version.definition;
    let lang = args.lang.unwrap_or_else(|| def.default_language().to_owned());
    let spec = model::ModelSpec {
        y: args.y.trim().to_owned(),
        x: args
            .x
            .split('+')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        family: match args.family {
            FamilyArg::Linear => Family::Linear,
            FamilyArg::Logistic => Family::Logistic,
        },
        filter: report::domain::parse_filter(args.filter.as_deref().unwrap_or("")).map_err(|e| other(&e))?,
        weighted: !args.unweighted,
    };
    let input = SummaryInput {
        definition: def,
        population: loaded.version.population.as_ref(),
        answers: &loaded.answers,
        language: &lang,
    };
    let fitted = model::fit(&input, &spec).map_err(|e| other(&e))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &fitted).map_err(|e| other(&e))?;
        writeln!(out)?;
    } else {
        out.write_all(model::render_model(&fitted).as_bytes())?;
    }
    Ok(())
}
