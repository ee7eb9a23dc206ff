//! `opros weight --data FILE.csv --scheme FILE.yaml [--id COLUMN] [--out FILE.csv] [--json]
//! [--dialect standard|excel-ru]`: weights any respondent file (e.g. a telephone survey) with the weighting
//! engine.
//!
//! - The data file is CSV with a header row; the id column (`id` unless `--id`), every variable named in the
//!   scheme's `variables`, and the scheme's `base_weight` column (if set) must be present. Other columns are
//!   ignored. An empty (or blank) cell of a weighting variable is a missing value.
//! - The scheme is YAML (README, "Weighting scheme"); `population:` is read relative to the scheme file's
//!   directory. Exactly one of `population:` and `targets:` must be given; a population file is validated
//!   and every problem is reported at once.
//! - Output: CSV `id,weight`, one row per input row, in input order, to `--out` or stdout. A respondent left
//!   out for a missing weighting variable (`missing: exclude`) gets an **empty** weight cell, so it cannot be
//!   mistaken for a weighted respondent; the count is in the diagnostics (`n_excluded`).
//!   Weights are printed with the shortest decimal form that reads back to the same number.
//! - Diagnostics go to stderr: a readable table, or with `--json` one JSON object (the serialized
//!   [`Diagnostics`], fields `method`, `iterations`, `converged`, `max_gap`, `deff`, `effective_n`,
//!   `weight_min`, `weight_max`, … and `variables[].categories[]` with `sample_share`, `weighted_share`,
//!   `target_share`).
//!
//! - `--dialect excel-ru` reads and writes what Excel in the Russian locale does: `;` between cells and
//!   decimal commas (in the starting weights read and the weights written); its output starts with a UTF-8
//!   byte-order mark like every other `excel-ru` CSV. A byte-order mark at the start of the input is
//!   skipped in either dialect.
//!
//! The output file is only created once weighting has succeeded, so an error never leaves half a file.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::export::Dialect;
use crate::weighting::{
    self, Category, Diagnostics, Population, Sample, Scheme, StartingWeights, Targets, WeightingError,
};

/// Command-line options of `opros weight`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeightFileOptions {
    /// Respondent file (CSV with header).
    pub data: PathBuf,
    /// Weighting scheme (YAML).
    pub scheme: PathBuf,
    /// Id column; `id` when None.
    pub id: Option<String>,
    /// Output CSV; stdout when None.
    pub out: Option<PathBuf>,
    /// Diagnostics as one JSON object instead of text.
    pub json: bool,
    /// Separator and decimal mark of the data file and of the output.
    pub dialect: Dialect,
}

/// Why `opros weight` failed; every message names the file (and line) concerned.
#[derive(Debug, Error)]
pub enum WeightFileError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot read the CSV: {message}")]
    Csv { path: String, message: String },
    #[error("{path}: the column `{column}` is missing (columns: {available})")]
    MissingColumn {
        path: String,
        column: String,
        available: String,
    },
    #[error("{path}, line {line}: the starting weight `{value}` in column `{column}` is not a positive number")]
    BadWeight {
        path: String,
        line: u64,
        column: String,
        value: String,
    },
    #[error("{path}: not a valid weighting scheme: {message}")]
    Scheme { path: String, message: String },
    #[error("{path}: not a valid population file:\n{}", .problems.join("\n"))]
    Population { path: String, problems: Vec<String> },
    #[error("{path}: weighting failed: {source}")]
    Weighting {
        path: String,
        #[source]
        source: WeightingError,
    },
    #[error("cannot write the output: {0}")]
    Output(#[source] std::io::Error),
}

/// Runs `opros weight`: reads, weights, writes `id,weight` (stdout or `--out`) and diagnostics (stderr).
pub fn run(opts: &WeightFileOptions, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), WeightFileError> {
    let (scheme, targets) = read_scheme(&opts.scheme)?;
    let id_column = opts.id.as_deref().unwrap_or("id");
    let data = read_data(&opts.data, id_column, &scheme, opts.dialect)?;
    let weighted = weighting::weight(&data.sample, &scheme, &targets).map_err(|source| WeightFileError::Weighting {
        path: opts.data.display().to_string(),
        source,
    })?;
    match &opts.out {
        Some(path) => {
            let file = File::create(path).map_err(|source| WeightFileError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let mut w = BufWriter::new(file);
            write_weights(&mut w, &data, &weighted.weights, &weighted.model, opts.dialect)
                .map_err(WeightFileError::Output)?;
            w.flush().map_err(WeightFileError::Output)?;
        }
        None => {
            let mut w = BufWriter::new(stdout);
            write_weights(&mut w, &data, &weighted.weights, &weighted.model, opts.dialect)
                .map_err(WeightFileError::Output)?;
            w.flush().map_err(WeightFileError::Output)?;
        }
    }
    let d = &weighted.diagnostics;
    if opts.json {
        serde_json::to_writer(&mut *stderr, d).map_err(|e| WeightFileError::Output(e.into()))?;
        writeln!(stderr).map_err(WeightFileError::Output)?;
    } else {
        write_text_diagnostics(stderr, d).map_err(WeightFileError::Output)?;
    }
    Ok(())
}

/// Reads the scheme and its targets (inline, or the population file relative to the scheme's directory).
pub fn read_scheme(path: &Path) -> Result<(Scheme, Targets), WeightFileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| WeightFileError::Io {
        path: shown.clone(),
        source,
    })?;
    let scheme: Scheme = serde_norway::from_str(&text).map_err(|e| WeightFileError::Scheme {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let targets = match (&scheme.population, &scheme.targets) {
        (Some(_), Some(_)) => {
            return Err(WeightFileError::Scheme {
                path: shown,
                message: "give either `population:` (a file) or `targets:` (inline), not both".into(),
            })
        }
        (None, None) => {
            return Err(WeightFileError::Scheme {
                path: shown,
                message: "the scheme needs `population:` (a population file) or inline `targets:`".into(),
            })
        }
        (None, Some(t)) => t.clone(),
        (Some(file), None) => {
            let dir = path.parent().unwrap_or_else(|| Path::new(""));
            read_population(&dir.join(file))?.targets
        }
    };
    Ok((scheme, targets))
}

/// Reads and validates a population file.
pub fn read_population(path: &Path) -> Result<Population, WeightFileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| WeightFileError::Io {
        path: shown.clone(),
        source,
    })?;
    let population: Population = serde_norway::from_str(&text).map_err(|e| WeightFileError::Population {
        path: shown.clone(),
        problems: vec![e.to_string()],
    })?;
    let problems = weighting::validate_population(&population);
    if !problems.is_empty() {
        return Err(WeightFileError::Population {
            path: shown,
            problems: problems.iter().map(|p| p.to_string()).collect(),
        });
    }
    Ok(population)
}

/// The respondent file as the engine needs it, plus the ids for the output (one buffer, no per-row
/// allocation).
struct Data {
    sample: Sample,
    ids: Vec<u8>,
    id_ends: Vec<usize>,
}

/// Interns category labels of one column as codes.
#[derive(Default)]
struct Column {
    index: HashMap<Vec<u8>, u32, BuildHasherDefault<Fnv>>,
    levels: Vec<Category>,
    codes: Vec<u32>,
}

/// FNV-1a: labels are a few bytes long, where SipHash's set-up dominates; a local file needs no
/// protection against hash flooding.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl Column {
    fn push(&mut self, raw: &[u8]) -> Result<(), String> {
        let value = raw.trim_ascii();
        if value.is_empty() {
            self.codes.push(weighting::MISSING);
            return Ok(());
        }
        if let Some(&c) = self.index.get(value) {
            self.codes.push(c);
            return Ok(());
        }
        let label = std::str::from_utf8(value).map_err(|_| "a value is not valid UTF-8 text".to_owned())?;
        let c = self.levels.len() as u32;
        self.index.insert(value.to_vec(), c);
        self.levels.push(Category(label.to_owned()));
        self.codes.push(c);
        Ok(())
    }
}

fn read_data(path: &Path, id_column: &str, scheme: &Scheme, dialect: Dialect) -> Result<Data, WeightFileError> {
    let shown = path.display().to_string();
    let csv_err = |e: csv::Error| WeightFileError::Csv {
        path: shown.clone(),
        message: e.to_string(),
    };
    let file = File::open(path).map_err(|source| WeightFileError::Io {
        path: shown.clone(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter())
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let headers = reader.byte_headers().map_err(csv_err)?.clone();
    let header_name = |i: usize, h: &'_ [u8]| -> Vec<u8> {
        let h = if i == 0 {
            h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
        } else {
            h
        };
        h.trim_ascii().to_vec()
    };
    let find = |name: &str| {
        headers
            .iter()
            .enumerate()
            .position(|(i, h)| header_name(i, h) == name.as_bytes())
            .ok_or_else(|| WeightFileError::MissingColumn {
                path: shown.clone(),
                column: name.to_owned(),
                available: headers
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).into_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    };
    let id_pos = find(id_column)?;
    let var_pos = scheme
        .variables
        .iter()
        .map(|v| find(v))
        .collect::<Result<Vec<_>, _>>()?;
    let weight_pos = scheme.base_weight.as_deref().map(find).transpose()?;
    let mut columns: Vec<Column> = scheme.variables.iter().map(|_| Column::default()).collect();
    let mut base = Vec::new();
    let mut ids = Vec::new();
    let mut id_ends = Vec::new();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(csv_err)? {
        let line = record.position().map_or(0, |p| p.line());
        ids.extend_from_slice(record.get(id_pos).unwrap_or_default());
        id_ends.push(ids.len());
        for (col, &pos) in columns.iter_mut().zip(&var_pos) {
            col.push(record.get(pos).unwrap_or_default())
                .map_err(|m| WeightFileError::Csv {
                    path: shown.clone(),
                    message: format!("line {line}: {m}"),
                })?;
        }
        if let (Some(pos), Some(column)) = (weight_pos, scheme.base_weight.as_deref()) {
            let raw = record.get(pos).unwrap_or_default();
            let parsed = std::str::from_utf8(raw.trim_ascii())
                .ok()
                .and_then(|s| parse_number(s, dialect));
            match parsed {
                Some(w) if w.is_finite() && w > 0.0 => base.push(w),
                _ => {
                    return Err(WeightFileError::BadWeight {
                        path: shown.clone(),
                        line,
                        column: column.to_owned(),
                        value: String::from_utf8_lossy(raw).into_owned(),
                    })
                }
            }
        }
    }
    let mut sample = Sample::new(id_ends.len());
    let engine_err = |source| WeightFileError::Weighting {
        path: shown.clone(),
        source,
    };
    for (name, col) in scheme.variables.iter().zip(columns) {
        sample
            .add_coded_variable(name, col.levels, col.codes)
            .map_err(engine_err)?;
    }
    if weight_pos.is_some() {
        sample.set_base_weights(base).map_err(engine_err)?;
    }
    Ok(Data { sample, ids, id_ends })
}

/// A starting weight as written in the dialect (`excel-ru`: a decimal comma; a decimal point is also read,
/// as Excel leaves a number it did not recognize as typed).
fn parse_number(text: &str, dialect: Dialect) -> Option<f64> {
    match dialect {
        Dialect::Standard => text.parse().ok(),
        Dialect::ExcelRu => text.replace(',', ".").parse().ok(),
    }
}

/// Writes `id,weight` rows (`id;weight` with decimal commas in `excel-ru`, after a byte-order mark).
/// Weights print as the shortest decimal that reads back to the same number; with equal starting weights
/// and no trimming every cell has one weight, formatted once.
fn write_weights(
    out: &mut dyn Write,
    data: &Data,
    weights: &[f64],
    model: &weighting::CalibrationModel,
    dialect: Dialect,
) -> std::io::Result<()> {
    let per_cell = matches!(model.starting_weights, StartingWeights::Equal(_)) && !model.trimmed;
    let mut cell_text: Vec<Option<String>> = vec![None; model.cells.len()];
    let separator = dialect.delimiter();
    if dialect == Dialect::ExcelRu {
        out.write_all("\u{feff}".as_bytes())?;
    }
    out.write_all(&[b"id".as_slice(), &[separator], b"weight\n"].concat())?;
    let mut start = 0;
    let mut number = String::new();
    for (i, (&end, &weight)) in data.id_ends.iter().zip(weights).enumerate() {
        write_csv_field(out, &data.ids[start..end], separator)?;
        out.write_all(&[separator])?;
        start = end;
        match model.cell(i) {
            None => {}
            Some(k) if per_cell => {
                let text = cell_text[k].get_or_insert_with(|| dialect.number(&weight.to_string()));
                out.write_all(text.as_bytes())?;
            }
            Some(_) => {
                use std::fmt::Write as _;
                number.clear();
                let _ = write!(number, "{weight}");
                if dialect == Dialect::ExcelRu {
                    number = number.replace('.', ",");
                }
                out.write_all(number.as_bytes())?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A CSV field, quoted (with doubled quotes) only when it needs to be.
fn write_csv_field(out: &mut dyn Write, field: &[u8], separator: u8) -> std::io::Result<()> {
    let needs_quotes = field
        .iter()
        .any(|&b| b == separator || matches!(b, b',' | b'"' | b'\n' | b'\r'))
        || field.first().is_some_and(|b| b.is_ascii_whitespace())
        || field.last().is_some_and(|b| b.is_ascii_whitespace());
    if !needs_quotes {
        return out.write_all(field);
    }
    out.write_all(b"\"")?;
    for part in field.split_inclusive(|&b| b == b'"') {
        out.write_all(part)?;
        if part.last() == Some(&b'"') {
            out.write_all(b"\"")?;
        }
    }
    out.write_all(b"\"")
}

fn write_text_diagnostics(out: &mut dyn Write, d: &Diagnostics) -> std::io::Result<()> {
    writeln!(
        out,
        "weighting: {}, {} iteration(s), {} (largest remaining gap {:.2e}{})",
        d.method.as_str(),
        d.iterations,
        if d.converged { "converged" } else { "NOT converged" },
        d.max_gap,
        d.max_gap_at.as_deref().map(|a| format!(" at {a}")).unwrap_or_default()
    )?;
    writeln!(
        out,
        "respondents: {} weighted in {} cells, {} excluded for a missing weighting variable",
        d.n, d.n_cells, d.n_excluded
    )?;
    writeln!(
        out,
        "weights: min {:.4}, max {:.4}, mean {:.4}, CV {:.3}; design effect {:.3}, effective sample size {:.1}",
        d.weight_min, d.weight_max, d.weight_mean, d.weight_cv, d.deff, d.effective_n
    )?;
    if let Some(t) = &d.trim {
        writeln!(
            out,
            "trimming to [{:.4}, {:.4}]: {} weight(s) were outside, {} round(s)",
            t.lower, t.upper, t.n_trimmed, t.rounds
        )?;
    }
    if let Some(gap) = d.max_gap_after_trim {
        writeln!(
            out,
            "after trimming the weighted margins are up to {:.2}% (relative) away from their targets",
            100.0 * gap
        )?;
    }
    for note in &d.notes {
        writeln!(out, "note: {note}")?;
    }
    writeln!(
        out,
        "{:<16} {:<16} {:>8} {:>9} {:>11} {:>9}",
        "variable", "category", "n", "sample %", "weighted %", "target %"
    )?;
    for v in &d.variables {
        for c in &v.categories {
            writeln!(
                out,
                "{:<16} {:<16} {:>8} {:>9.2} {:>11.2} {:>9.2}",
                v.name,
                c.category.0,
                c.n,
                100.0 * c.sample_share,
                100.0 * c.weighted_share,
                100.0 * c.target_share
            )?;
        }
    }
    Ok(())
}
