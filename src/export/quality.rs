//! The quality screening columns of the microdata (CSV and the XLSX sheet), present when
//! screening decides something (a review decision, or an exclusion rule in the definition) and some
//! complete response is flagged or reviewed (`report::screening`): `_quality_flags` (the flags, `;`
//! between them) and `_quality_decision` — `excluded` or `kept` by a sociologist, `excluded_by_rule` when
//! the definition excludes one of its flags, empty otherwise. Excluded responses stay in the microdata;
//! their weight cell is empty, as for every respondent left out of the estimates.

use crate::definition::Definition;
use crate::report::screening::{self, ReviewItem};
use crate::store::quality::{EXCLUDE, KEEP};
use crate::store::{ResponseRow, Store, StoreError};

pub const FLAGS_COLUMN: &str = "_quality_flags";
pub const DECISION_COLUMN: &str = "_quality_decision";

/// One row's two cells, and whether the response is left out of summaries.
pub type RowCells = ([String; 2], bool);

/// Per row: its [`RowCells`]. `None` when no response is flagged or reviewed, or when screening decides
/// nothing (no review decision and no exclusion rule in the definition): the columns are then left out.
pub(crate) fn cells(
    store: &Store,
    def: &Definition,
    survey_id: &str,
    rows: &[ResponseRow],
) -> Result<Option<Vec<RowCells>>, StoreError> {
    let reviews = store.reviews(survey_id)?;
    let settings = screening::settings(def);
    // Without a decision or an exclusion rule screening changes no estimate; the export then has no
    // screening columns (the flags are on the review page).
    if reviews.is_empty() && settings.exclude.is_empty() {
        return Ok(None);
    }
    let screened: Vec<_> = rows.iter().map(screening::screened).collect();
    let items = screening::combine(def, &settings, &screened, &reviews);
    if items.is_empty() {
        return Ok(None);
    }
    let by_id: std::collections::HashMap<&str, &ReviewItem> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    Ok(Some(
        rows.iter()
            .map(|r| match by_id.get(r.id.as_str()) {
                None => ([String::new(), String::new()], false),
                Some(i) => {
                    let flags = i.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(";");
                    let decision = match (i.decision.as_deref(), i.excluded) {
                        (Some(EXCLUDE), _) => "excluded",
                        (Some(KEEP), _) => "kept",
                        (_, true) => "excluded_by_rule",
                        _ => "",
                    };
                    ([flags, decision.to_owned()], i.excluded)
                }
            })
            .collect(),
    ))
}
