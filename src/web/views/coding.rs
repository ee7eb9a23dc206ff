//! The view of the coding workbench of an open question (`templates/admin_coding.hbs`).

use serde::Serialize;

use crate::catalog::coding::Progress;

#[derive(Debug, Serialize)]
pub struct CodingPage {
    pub title: String,
    pub csrf: String,
    pub slug: String,
    pub question: String,
    pub question_text: String,
    pub survey_title: String,
    /// The blind second round.
    pub second: bool,
    pub progress: Progress,
    pub percent: String,
    pub current: Option<CurrentAnswer>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub boxes: Vec<CodeBox>,
    pub suggestions: Vec<Suggestion>,
    pub q: String,
    pub search: Option<Search>,
    pub disagreements: Vec<Disagreement>,
    pub agreement: AgreementView,
    pub all_codes: Vec<CodeState>,
    pub codebook_yaml: String,
    pub codebook_version: Option<i32>,
    pub in_use: Vec<CodeUse>,
    pub quotes: Vec<PublishedQuote>,
}

/// The answer being coded.
#[derive(Debug, Serialize)]
pub struct CurrentAnswer {
    pub response_id: String,
    pub text: String,
    pub position: usize,
    pub of: usize,
    pub coder: Option<String>,
    pub coded_at: Option<String>,
    pub masked: String,
}

/// A code's check box, with its keyboard key (1–9, 0).
#[derive(Debug, Serialize)]
pub struct CodeBox {
    pub code: String,
    pub label: String,
    pub description: Option<String>,
    pub key: Option<String>,
    pub checked: bool,
}

/// A code the model suggests, with its confidence in percent.
#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub code: String,
    pub label: String,
    pub percent: String,
}

/// Answers found by a word search, for coding them at once.
#[derive(Debug, Serialize)]
pub struct Search {
    pub q: String,
    pub count: usize,
    pub rows: Vec<Found>,
    pub more: bool,
}

#[derive(Debug, Serialize)]
pub struct Found {
    pub text: String,
    pub link: String,
    pub codes: Option<String>,
}

/// An answer the two coders coded differently, to resolve.
#[derive(Debug, Serialize)]
pub struct Disagreement {
    pub response_id: String,
    pub text: String,
    pub first: String,
    pub first_coder: Option<String>,
    pub second: String,
    pub second_coder: Option<String>,
    pub boxes: Vec<CodeBox>,
}

/// Agreement of the two coders, overall and per code.
#[derive(Debug, Serialize)]
pub struct AgreementView {
    pub answers: usize,
    pub alpha: String,
    pub codes: Vec<CodeAgreementView>,
}

#[derive(Debug, Serialize)]
pub struct CodeAgreementView {
    pub label: String,
    pub first: usize,
    pub second: usize,
    pub kappa: String,
    pub alpha: String,
}

/// A code of the codebook, retired or not.
#[derive(Debug, Serialize)]
pub struct CodeState {
    pub code: String,
    pub label: String,
    pub retired: bool,
}

#[derive(Debug, Serialize)]
pub struct CodeUse {
    pub label: String,
    pub code: String,
    pub n: usize,
}

/// A published quote with who published it.
#[derive(Debug, Serialize)]
pub struct PublishedQuote {
    pub response_id: String,
    pub code: String,
    pub masked: String,
    pub by: String,
}
