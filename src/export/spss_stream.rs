//! The SPSS file of a stored survey written as the responses are read. The dictionary comes first and
//! depends on the data in two ways: the case count in the header, and the width of each string variable
//! (the longest text). A first pass over the responses finds both, keeping only a number per string
//! variable; the second writes the dictionary and then each case as its response is read. Responses
//! stored after the first pass are left out (they come last in submission order), so the file is the
//! survey as it was when the export started; responses removed in between stop the export.
//!
//! The code variables of coded open questions and the screening variables come after the weight, filled
//! from [`super::side`] as the CSV's columns; the first pass also finds the longest screening cells (the
//! widths of their string variables).

use std::collections::HashMap;
use std::io::Write;

use super::side::Side;
use super::spss::{text_of, Layout};
use super::spss_codes::CodeColumns;
use super::{sav, spss_quality, ExportError, Source};
use crate::store::Store;

/// Writes the `.sav` file of `source` to `out` (the same bytes as [`super::sav`] of [`super::load`]).
pub fn sav_streamed(store: &Store, source: &Source, out: &mut dyn Write) -> Result<(), ExportError> {
    let def = source.definition();
    let side = source.side();
    let screening = side.and_then(Side::screening);
    let mut cases = 0usize;
    let mut id_width = 8usize;
    let mut longest: HashMap<(String, bool), usize> = HashMap::new();
    let mut longest_screening = [0usize; 2];
    source.each_response(store, |r, answers, _| {
        cases += 1;
        id_width = id_width.max(r.id.len());
        if let Some(s) = screening {
            let (cells, _) = s.cells(&r.id, r.duration_seconds, answers);
            for (n, c) in longest_screening.iter_mut().zip(&cells) {
                *n = (*n).max(c.len());
            }
        }
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
    let mut layout = Layout::new(def, id_width, &widths);
    let no_books = HashMap::new();
    let coded = super::microdata::coded_questions(def, side.map_or(&no_books, Side::codebooks));
    let codes = CodeColumns::add(def, &coded, &mut layout.file.variables);
    if screening.is_some() {
        spss_quality::add_variables(&mut layout.file, def.default_language(), longest_screening);
    }
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
        let screened = screening.map(|s| s.cells(&r.id, r.duration_seconds, answers));
        // A response left out by screening has no weight, in an unweighted survey too (SPSS then leaves
        // it out, as the summary does).
        let weight = weight.filter(|_| !screened.as_ref().is_some_and(|(_, out)| *out));
        let mut case = layout.case(r, answers, weight);
        case.extend(codes.cells(def, answers, side.and_then(|s| s.codings(&r.id))));
        if let Some((cells, _)) = &screened {
            case.extend(spss_quality::values(cells));
        }
        sav::write_case(&mut buf, &layout.file.variables, &segs, &case);
        out.write_all(&buf)?;
        Ok(())
    })?;
    if written < cases {
        return Err(ExportError::Changed(source.survey.slug.clone()));
    }
    Ok(())
}
