//! The view of the quality review page (`templates/admin_quality.hbs`).

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct QualityPage {
    pub title: String,
    pub survey_title: String,
    pub slug: String,
    /// The flags that exclude a response without review.
    pub auto: String,
    pub flagged: usize,
    pub excluded: usize,
    pub items: Vec<ReviewLine>,
    pub max_reason: usize,
    pub csrf: String,
}

/// A flagged or decided response.
#[derive(Debug, Serialize)]
pub struct ReviewLine {
    pub id: String,
    pub short: String,
    pub flags: Vec<String>,
    pub flag_codes: String,
    pub evidence: String,
    pub state: String,
    pub excluded: bool,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
}
