//! Regenerates the committed XLSForm workbooks of the tests, `tests/fixtures/xlsform/NAME.xlsx`, from their
//! readable sources `NAME.txt` (format in `tests/fixtures/xlsform/generate.rs`):
//!
//! ```sh
//! cargo run --example xlsform_fixtures
//! ```
//!
//! The test `xlsform::committed_workbooks_match_their_sources` fails when a workbook is stale. This is a tool,
//! not a test: as a test it would rewrite files that other tests read at the same time.

use std::error::Error;
use std::path::Path;

#[path = "../tests/fixtures/xlsform/generate.rs"]
mod generate;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlsform");
    let mut sources: Vec<_> = std::fs::read_dir(&dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    sources.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    sources.sort();
    for source in sources {
        let text = std::fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let workbook = source.with_extension("xlsx");
        std::fs::write(&workbook, generate::xlsx(&text)).map_err(|e| format!("{}: {e}", workbook.display()))?;
        eprintln!("wrote {}", workbook.display());
    }
    Ok(())
}
