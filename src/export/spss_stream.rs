//! The SPSS file of a stored survey written as the responses are read. The dictionary comes first and
//! depends on the data in two ways: the case count in the header, and the width of each string variable
//! (the longest text). A first pass over the responses finds both, keeping only a number per string
//! variable; the second writes the dictionary and then each case as its response is read. Responses
//! stored after the first pass are left out (they come last in submission order), so the file is the
//! survey as it was when the export started; responses removed in between stop the export.

use std::collections::HashMap;
use std::io::Write;

use super::spss::{text_of, Layout};
use super::{sav, ExportError, Source};
use crate::store::Store;

/// Writes the `.sav` file of `source` to `out` (the same bytes as [`super::sav`] of [`super::load`]).
pub fn sav_streamed(store: &Store, source: &Source, out: &mut dyn Write) -> Result<(), ExportError> {
    if source.from_loaded() {
        let data = super::load(store, &crate::catalog::DefinitionCache::default(), &source.survey.slug)?;
        out.write_all(&super::spss::sav(&data)?)?;
        return Ok(());
    }
    let mut cases = 0usize;
    let mut id_width = 8usize;
    let mut longest: HashMap<(String, bool), usize> = HashMap::new();
    source.each_response(store, |r, answers, _| {
        cases += 1;
        id_width = id_width.max(r.id.len());
        for (id, a) in answers {
            for other in [false, true] {
                if let Some(t) = text_of(Some(a), other) {
                    let n = longest.entry((id.clone(), other)).or_insert(0);
                    *n = (*n).max(t.len());
                }
            }
        }
        Ok(())
    })?;
    let widths = |id: &str, other: bool| {
        let n = longest.get(&(id.to_owned(), other)).copied().unwrap_or(0);
        u16::try_from(n.clamp(8, 255)).unwrap_or(255)
    };
    let layout = Layout::new(source.definition(), id_width, &widths);
    let created = crate::store::now();
    out.write_all(&sav::dictionary(&layout.file, cases, created).map_err(ExportError::Sav)?)?;
    let segs = sav::case_segments(&layout.file);
    let mut written = 0usize;
    let mut buf = Vec::new();
    source.each_response(store, |r, answers, weight| {
        if written == cases {
            return Ok(());
        }
        written += 1;
        buf.clear();
        sav::write_case(
            &mut buf,
            &layout.file.variables,
            &segs,
            &layout.case(r, answers, weight),
        );
        out.write_all(&buf)?;
        Ok(())
    })?;
    if written < cases {
        return Err(ExportError::Changed(source.survey.slug.clone()));
    }
    Ok(())
}
