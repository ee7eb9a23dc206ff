//! How long the risk calendar takes at the scale of a regional centre: three years of 84 surveys a year
//! (252 waves), 20 districts, 10 indicators — 2,520 Fay–Herriot fits and 50,400 cells.
//!
//! Synthetic direct estimates (district shares with binomial SEs; five districts thin, three without
//! respondents) go through `indicator::calendar::compute`, the same code as the server's. The direct
//! estimates themselves come from each survey's summary machinery, which `examples/load` and the summary
//! benchmark measure; this measures the calendar on top of them. Goal: under 2 s.
//!
//! Run: `cargo run --release --example calendar_scale` (peak memory: `/usr/bin/time -f %M ...`).

use std::time::Instant;

use opros::definition::Texts;
use opros::indicator::calendar::{compute, WaveInput};
use opros::indicator::{Indicator, Statistic, Worse};
use opros::report::district::DistrictDirect;
use opros::territory::{parse_territories, EXAMPLE};

/// A small deterministic generator (no dependency needed for synthetic inputs).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let territories = match parse_territories(EXAMPLE, "example-region.yaml") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let districts = territories.districts.len();
    let indicators: Vec<Indicator> = (0..10)
        .map(|k| Indicator {
            id: format!("indicator_{k}"),
            title: Texts::from_pairs([("ru", "Показатель")]),
            track: format!("track_{k}"),
            statistic: Statistic::Share {
                codes: vec!["1".into()],
            },
            worse: Worse::Higher,
            watch: Some(0.35),
            alert: Some(0.45),
            covariates: vec!["urban_share".into(), "unemployment".into()],
        })
        .collect();
    let mut rng = Lcg(2026);
    let waves: Vec<Vec<WaveInput>> = indicators
        .iter()
        .map(|_| {
            (0..252)
                .map(|w| {
                    let direct = (0..districts)
                        .map(|d| {
                            let n: u64 = match d {
                                0..=11 => 150 + (rng.next() * 300.0) as u64,
                                12..=16 => 10 + (rng.next() * 40.0) as u64,
                                _ => return None,
                            };
                            let urban = territories.districts[d].covariates["urban_share"];
                            let p = (0.2 + 0.2 * (1.0 - urban) + 0.1 * (rng.next() - 0.5)).clamp(0.02, 0.98);
                            Some(DistrictDirect {
                                n,
                                estimate: Some(p),
                                se: Some((p * (1.0 - p) / n as f64).sqrt()),
                            })
                        })
                        .collect();
                    WaveInput {
                        survey: format!("survey-{w}"),
                        label: format!("{}-{:02}", 2024 + w / 84, 1 + (w % 84) / 7),
                        title: format!("Survey {w}"),
                        direct,
                    }
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    let calendars: Vec<_> = indicators
        .iter()
        .zip(&waves)
        .map(|(ind, w)| compute(ind, &territories, 100, w))
        .collect();
    let elapsed = started.elapsed();
    let cells: usize = calendars.iter().flat_map(|c| &c.waves).map(|w| w.cells.len()).sum();
    let fitted = calendars
        .iter()
        .flat_map(|c| &c.waves)
        .filter(|w| w.model.fitted)
        .count();
    // Baseline of the same run: writing the computed calendar as JSON, which the API does on every request
    // (the computation itself is done once and then served from the cache).
    let started = Instant::now();
    let json = match serde_json::to_vec(&calendars) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("cannot write the calendar as JSON: {e}");
            std::process::exit(1);
        }
    };
    let written = started.elapsed();
    println!(
        "calendar: {} indicators × 252 waves × {districts} districts = {cells} cells, {fitted} of {} models fitted, in {:.3} s (goal < 2 s)",
        indicators.len(),
        indicators.len() * 252,
        elapsed.as_secs_f64()
    );
    println!(
        "baseline: its JSON ({:.1} MB) written in {:.3} s; computing takes {:.1}× that",
        json.len() as f64 / 1e6,
        written.as_secs_f64(),
        elapsed.as_secs_f64() / written.as_secs_f64().max(1e-9)
    );
}
