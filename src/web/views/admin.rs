//! The views of the workbench pages: the survey list, uploading, a survey's page, the confirmation of a
//! lifecycle action (`admin*.hbs`), and the admins' pages for users, the audit log and population files.

use serde::Serialize;

use crate::auth::Role;
use crate::catalog::workbench::PopulationInfo;
use crate::definition::Problem;
use crate::store::audit::AuditEntry;

/// `admin.hbs`: the surveys.
#[derive(Debug, Serialize)]
pub struct SurveyList {
    pub title: String,
    pub surveys: Vec<ListedSurvey>,
    pub csrf: String,
}

#[derive(Debug, Serialize)]
pub struct ListedSurvey {
    pub slug: String,
    pub title: String,
    pub topic: String,
    pub status: String,
    pub status_label: String,
    pub version: i32,
    pub complete: i64,
    pub partial: i64,
    pub screened_out: i64,
    pub opens: Option<String>,
    pub closes: Option<String>,
    pub results_published: bool,
    /// The results page answers 404 to whoever may not see it: linked only for those who may.
    pub results_visible: bool,
}

/// `admin_upload.hbs`: the form, and the problems of a refused definition.
#[derive(Debug, Serialize)]
pub struct UploadPage<'a> {
    pub title: String,
    pub csrf: String,
    pub source: &'a str,
    pub problems: &'a [Problem],
    pub problem_count: usize,
    /// Some problem is a text missing in a listed language: the page offers to accept them.
    pub missing_texts: bool,
}

/// `admin_survey.hbs`: one survey.
#[derive(Debug, Serialize)]
pub struct SurveyPage {
    pub slug: String,
    pub title: String,
    pub page_title: String,
    pub title_page: String,
    pub status: String,
    pub status_label: String,
    pub version: i32,
    pub results_published: bool,
    pub opens: Option<String>,
    pub closes: Option<String>,
    pub complete: i64,
    pub partial: i64,
    pub screened_out: i64,
    pub can_open: bool,
    pub can_close: bool,
    pub versions: Vec<VersionLine>,
    pub officials: Vec<String>,
    pub audit: Vec<AuditEntry>,
    pub coded_questions: Vec<CodedQuestion>,
    pub csrf: String,
}

#[derive(Debug, Serialize)]
pub struct VersionLine {
    pub version: i32,
    pub created_at: String,
    pub source_name: String,
    pub current: bool,
}

/// An open question with a codebook, linked to its coding page.
#[derive(Debug, Serialize)]
pub struct CodedQuestion {
    pub id: String,
    pub text: String,
}

/// `admin_confirm.hbs`: a lifecycle action to confirm.
#[derive(Debug, Serialize)]
pub struct ConfirmPage {
    pub title: String,
    pub heading: String,
    pub text: String,
    pub slug: String,
    pub action: String,
    pub version: i32,
    pub csrf: String,
}

/// `admin_users.hbs`.
#[derive(Debug, Serialize)]
pub struct UsersPage {
    pub title: String,
    pub users: Vec<UserLine>,
    pub roles: Vec<RoleChoice>,
    pub csrf: String,
    pub error: Option<String>,
    pub min_password: usize,
}

#[derive(Debug, Serialize)]
pub struct UserLine {
    pub login: String,
    pub role: Role,
    pub role_label: String,
    pub disabled: bool,
    pub created_at: String,
    pub is_self: bool,
    pub roles: Vec<RoleChoice>,
}

/// A role in a choice list; `selected` only where a user's current role is marked.
#[derive(Debug, Serialize)]
pub struct RoleChoice {
    pub name: &'static str,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected: Option<bool>,
}

/// `admin_audit.hbs`: the newest entries, filtered.
#[derive(Debug, Serialize)]
pub struct AuditPage {
    pub title: String,
    pub entries: Vec<AuditLine>,
    pub survey: Option<String>,
    pub actor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AuditLine {
    pub at: String,
    pub at_iso: String,
    pub actor: String,
    /// The action in the reader's language.
    pub action: String,
    /// The action as stored (`survey.close`).
    pub action_code: String,
    pub survey: Option<String>,
    pub version: Option<i32>,
    pub detail: String,
}

/// `admin_populations.hbs`.
#[derive(Debug, Serialize)]
pub struct PopulationsPage<'a> {
    pub title: String,
    pub populations: Vec<PopulationLine<'a>>,
    pub problems: Vec<Problem>,
    pub error: Option<String>,
    pub csrf: String,
}

/// A population file with where it comes from, as staff read it.
#[derive(Debug, Serialize)]
pub struct PopulationLine<'a> {
    #[serde(flatten)]
    pub info: &'a PopulationInfo,
    pub origin_label: String,
}
