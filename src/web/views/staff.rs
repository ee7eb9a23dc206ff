//! The views of the staff pages common to the workbench: the frame every staff page gets (language,
//! language links, who is signed in), messages, and the sign-in page.

use serde::Serialize;

use crate::web::view_format::LangLink;

/// A staff page's own view with what every staff page has.
#[derive(Debug, Serialize)]
pub struct StaffPage<'a, T: Serialize> {
    #[serde(flatten)]
    pub page: &'a T,
    pub lang: &'static str,
    pub lang_links: Vec<LangLink>,
    /// The signed-in member (absent on the sign-in page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffNav>,
}

/// Who is signed in, for the navigation and the logout form.
#[derive(Debug, Serialize)]
pub struct StaffNav {
    pub login: String,
    pub role: String,
    pub is_admin: bool,
    pub is_sociologist: bool,
    pub csrf: String,
}

/// A message page (`admin_message`): not allowed, form expired, done.
#[derive(Debug, Serialize)]
pub struct Message {
    pub title: String,
    pub heading: String,
    pub text: String,
}

/// The sign-in page.
#[derive(Debug, Serialize)]
pub struct LoginView {
    pub title: String,
    pub csrf: String,
    pub next: String,
    pub login: String,
    pub error: Option<String>,
}
