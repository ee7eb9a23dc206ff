//! Microdata as a table of text cells: the columns of [`crate::form::csvio`] (response facts, then one or more
//! columns per question) plus the weight. Shared by the CSV and the XLSX `microdata` sheet.

use std::io::Write;

use super::{ExportData, ExportError};
use crate::form::csvio::{export_cells, export_header, META_COLUMNS};

/// The weight column. It starts with `_` like the other facts about a response, so an exported file
/// imports again (`opros responses import` ignores `_` columns) and it can never clash with a question id
/// (ids start with a letter). SPSS names cannot start with `_`: the `.sav` export calls it `weight`.
pub const WEIGHT_COLUMN: &str = "_weight";

/// The header and the cell texts of every complete response. The weight column is present when the
/// definition has a weighting scheme (an unweighted survey's weights would all be 1); an excluded
/// respondent's weight cell is empty.
pub(crate) fn table(data: &ExportData) -> (Vec<String>, Vec<Vec<String>>) {
    let def = &data.version.definition;
    let weighted = data.weights.scheme;
    let mut header = export_header(def);
    if weighted {
        header.push(WEIGHT_COLUMN.to_owned());
    }
    let coded = coded_columns(def);
    header.extend(coded.iter().map(|(q, c)| format!("{q}__{c}")));
    let rows = data
        .rows
        .iter()
        .zip(&data.answers)
        .zip(&data.weights.values)
        .map(|((r, answers), w)| {
            let mut record = vec![
                r.id.clone(),
                r.submitted_at
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default(),
                r.version.to_string(),
                r.language.clone(),
                r.duration_seconds.map(|d| format!("{d:.1}")).unwrap_or_default(),
            ];
            debug_assert_eq!(record.len(), META_COLUMNS.len());
            record.extend(export_cells(def, answers));
            if weighted {
                record.push(w.map(format_weight).unwrap_or_default());
            }
            let given = data.codings.get(&r.id);
            record.extend(coded.iter().map(|(q, c)| {
                let codes = given
                    .and_then(|g| g.iter().find(|(x, _)| x == q))
                    .map(|(_, codes)| codes);
                match codes {
                    Some(codes) => u8::from(codes.split(';').any(|x| x == c)).to_string(),
                    None => String::new(),
                }
            }));
            record
        })
        .collect();
    (header, rows)
}

/// The 0/1 columns of coded open questions, last: `{question}__{code}` for every code of the definition's
/// codebook (1: the answer has the code, 0: coded without it, empty: not coded or not answered).
fn coded_columns(def: &crate::definition::Definition) -> Vec<(String, String)> {
    def.questions()
        .filter_map(|(_, q)| match &q.kind {
            crate::definition::QuestionKind::Text(t) => t.codebook.as_ref().map(|b| (q, b)),
            _ => None,
        })
        .flat_map(|(q, b)| b.codes.iter().map(move |c| (q.id.clone(), c.code.clone())))
        .collect()
}

/// A weight with enough digits to reproduce every published estimate (10 significant digits).
pub(crate) fn format_weight(w: f64) -> String {
    let s = format!("{w:.10}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Writes the microdata CSV: UTF-8 with a byte-order mark (so Excel reads Cyrillic correctly), the header
/// of question ids, one row per complete response in submission order.
pub fn microdata_csv(data: &ExportData, out: &mut dyn Write) -> Result<(), ExportError> {
    out.write_all("\u{feff}".as_bytes())?;
    let (header, rows) = table(data);
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::format_weight;

    #[test]
    fn weights_keep_ten_decimals_without_trailing_zeros() {
        assert_eq!(format_weight(1.0), "1");
        assert_eq!(format_weight(0.123456789012), "0.123456789");
        assert_eq!(format_weight(2.5), "2.5");
    }
}
