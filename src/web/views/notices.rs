//! The views of the respondent's notice pages (`notice.hbs`, `thanks.hbs`) and of the error page
//! (`error.hbs`).

use serde::Serialize;

use crate::web::results_texts::Texts;
use crate::web::view_format::LangLink;

/// A heading, a text and an optional link (closed, already answered, 403, …).
#[derive(Debug, Serialize)]
pub struct NoticePage<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub heading: &'a str,
    pub text: &'a str,
    pub link: Option<Link<'a>>,
    pub back_to_list: String,
}

#[derive(Debug, Serialize)]
pub struct Link<'a> {
    pub href: &'a str,
    pub label: &'a str,
}

/// The thank-you page.
#[derive(Debug, Serialize)]
pub struct ThanksPage<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub heading: String,
    pub text: String,
    /// The survey's published results.
    pub results: Option<String>,
    /// The fixed words of the form pages.
    pub ui: Texts,
}

/// An error page: its status, what it means for the reader, and the error's own message when it is
/// written in the reader's language.
#[derive(Debug, Serialize)]
pub struct ErrorPage<'a> {
    pub title: String,
    pub status: u16,
    pub explanation: Option<String>,
    pub message: Option<&'a str>,
    pub lang: &'a str,
    pub lang_links: Vec<LangLink>,
}
