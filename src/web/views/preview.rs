//! The views of the staff preview: its bar above the respondent form (`admin_preview_bar.hbs`), the form
//! page itself with the preview's own address, and the end page (`admin_preview_end.hbs`).

use serde::Serialize;

/// What the preview bar says about an upload not stored yet: which survey it becomes a version of.
#[derive(Debug, Clone, Serialize)]
pub struct UploadFacts {
    pub id: String,
    pub source_name: String,
    pub uploaded_by: String,
    pub existing_status: Option<String>,
    pub existing_status_label: Option<String>,
    pub next_version: i32,
    pub is_new: bool,
    pub live_now: bool,
    pub missing_translations: Vec<String>,
}

/// The bar above the previewed form.
#[derive(Debug, Serialize)]
pub struct PreviewBar<'a> {
    pub lang: &'static str,
    pub label: &'a str,
    pub upload: Option<&'a UploadFacts>,
    pub csrf: &'a str,
    pub restart: String,
    pub back: String,
}

/// The respondent form's own view, posting to the preview and switching languages within it.
#[derive(Debug, Serialize)]
pub struct PreviewForm<'a, T: Serialize> {
    #[serde(flatten)]
    pub form: &'a T,
    pub action: String,
    /// The survey's languages, when it has more than one.
    pub lang_links: Option<Vec<FormLangLink>>,
}

#[derive(Debug, Serialize)]
pub struct FormLangLink {
    pub code: String,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// What respondents see after the last page, with the answers given.
#[derive(Debug, Serialize)]
pub struct PreviewEnd<'a> {
    pub title: String,
    pub label: &'a str,
    pub thank_you: Option<String>,
    pub answers: Vec<GivenAnswer>,
    pub upload: Option<&'a UploadFacts>,
    pub csrf: &'a str,
    pub restart: String,
}

#[derive(Debug, Serialize)]
pub struct GivenAnswer {
    pub id: String,
    pub text: String,
    pub answer: String,
}
