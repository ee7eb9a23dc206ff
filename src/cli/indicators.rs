//! `opros indicators`: the risk calendar from the command line.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::catalog::DefinitionCache;
use crate::indicator::calendar::{Source, Status};
use crate::indicator::waves::{build, load_setup, Calendar};
use crate::indicator::webhooks::{self, WebhookConfig};
use crate::store::Store;

/// `opros indicators`.
#[derive(Args, Debug)]
pub struct IndicatorsArgs {
    /// Print the whole calendar as JSON (the same as GET /api/v1/indicators).
    #[arg(long)]
    pub json: bool,
    /// Territories file (default: the illustrative region shipped with Opros).
    #[arg(long, env = "OPROS_TERRITORIES")]
    pub territories: Option<PathBuf>,
    /// Indicators file (default: the illustrative indicators shipped with Opros).
    #[arg(long, env = "OPROS_INDICATORS")]
    pub indicators: Option<PathBuf>,
    /// Language of names in the text output.
    #[arg(long, default_value = "ru")]
    pub lang: String,
}

pub fn run(store: &Store, args: IndicatorsArgs) -> Result<(), CliError> {
    let cache = DefinitionCache::default();
    let other = |e: crate::indicator::waves::IndicatorError| CliError::Other(e.to_string());
    let setup = load_setup(store, &cache, args.territories.as_deref(), args.indicators.as_deref()).map_err(other)?;
    let calendar = build(store, &cache, &setup, true).map_err(other)?;
    let hooks = WebhookConfig::from_env().map_err(CliError::Other)?;
    let now = chrono::Utc::now().naive_utc();
    let new = webhooks::record(store, &calendar, &hooks, now)?;
    let (delivered, failed) = webhooks::deliver_due_named(store, &hooks, now, Some(&calendar))?;
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "{new} new alerts; webhooks: {delivered} delivered, {failed} failed attempts"
    )?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &*calendar).map_err(|e| CliError::Other(e.to_string()))?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &calendar, &args.lang)?;
    }
    Ok(())
}

/// The latest wave of every indicator, one line per district.
fn print_text(out: &mut dyn Write, c: &Calendar, lang: &str) -> std::io::Result<()> {
    writeln!(out, "{}", c.region_title.get(lang))?;
    for ind in &c.indicators {
        writeln!(out, "\n{} ({})", ind.title.get(lang), ind.id)?;
        let Some(wave) = ind.waves.last() else {
            writeln!(out, "  no survey asks '{}' yet", ind.track)?;
            continue;
        };
        writeln!(
            out,
            "  wave {} ({}), {} waves in all",
            wave.label,
            wave.survey,
            ind.waves.len()
        )?;
        if let Some(reason) = &wave.model.reason {
            writeln!(out, "  no small-area model: {reason}")?;
        }
        for (d, cell) in c.districts.iter().zip(&wave.cells) {
            let status = match cell.status {
                Status::NoData => "no data",
                Status::Fine => "fine",
                Status::Watch => "WATCH",
                Status::Alert => "ALERT",
            };
            let value = cell.headline.map_or_else(
                || "—".to_owned(),
                |h| format!("{:.3} [{:.3}; {:.3}]", h.value, h.ci_low, h.ci_high),
            );
            let source = match cell.source {
                Some(Source::Direct) => "direct",
                Some(Source::DirectThin) => "direct, thin sample",
                Some(Source::Eblup) => "model (EBLUP)",
                Some(Source::Synthetic) => "model (synthetic: no respondents)",
                None => "",
            };
            writeln!(
                out,
                "  {:<6} {:<20} n={:<5} {:<8} {value} {source}",
                d.code,
                d.name.get(lang),
                cell.n,
                status
            )?;
        }
    }
    Ok(())
}
