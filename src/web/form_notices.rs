//! The respondent form's notice pages: not open yet or closed, already answered or screened out, thanks,
//! an invitation needed, and the other refusals a respondent can act on.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde_json::json;

use super::error::WebError;
use super::{pages, State};
use crate::catalog::LoadedVersion;
use crate::definition::Definition;
use crate::form::messages::{ui, ui_text};
use crate::store::responses::SCREENED_OUT;
use crate::store::{Status, SurveyRow};

/// Whether the survey takes answers today, or the page to show instead.
pub(super) enum Availability {
    Open,
    NotYet(Option<chrono::NaiveDate>),
    Closed,
}

pub(super) fn availability(survey: &SurveyRow, def: &Definition) -> Result<Availability, WebError> {
    let today = chrono::Utc::now().date_naive();
    Ok(match survey.status()? {
        Status::Draft => Availability::NotYet(def.opens),
        Status::Closed => Availability::Closed,
        Status::Open => match (def.opens, def.closes) {
            (Some(o), _) if today < o => Availability::NotYet(Some(o)),
            (_, Some(c)) if today > c => Availability::Closed,
            _ => Availability::Open,
        },
    })
}

/// A page with a heading, a text and an optional link (closed, already answered, 403, …).
pub(super) fn notice(
    status: StatusCode,
    lang: &str,
    title: &str,
    heading: &str,
    text: &str,
    link: Option<(&str, &str)>,
) -> HttpResponse {
    let u = ui(lang);
    let body = pages::render(
        "notice",
        &json!({
            "lang": lang, "title": title, "heading": heading, "text": text,
            "link": link.map(|(href, label)| json!({"href": href, "label": label})),
            "back_to_list": u["back_to_list"],
        }),
    );
    html(status, body)
}

pub(super) fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponseBuilder::new(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

pub(super) fn ui_str(lang: &str, key: &str) -> String {
    ui_text(lang, key).to_owned()
}

pub(super) fn availability_page(status: StatusCode, a: &Availability, lang: &str, title: &str) -> Option<HttpResponse> {
    match a {
        Availability::Open => None,
        Availability::NotYet(date) => {
            let text = match date {
                Some(d) => format!(
                    "{} {}. {}",
                    ui_str(lang, "not_open_text"),
                    d.format(if lang == "ru" { "%d.%m.%Y" } else { "%Y-%m-%d" }),
                    ui_str(lang, "not_open_soon")
                ),
                None => ui_str(lang, "not_open_soon"),
            };
            Some(notice(
                status,
                lang,
                title,
                &ui_str(lang, "not_open_heading"),
                &text,
                None,
            ))
        }
        Availability::Closed => Some(notice(
            status,
            lang,
            title,
            &ui_str(lang, "closed_heading"),
            &ui_str(lang, "closed_text"),
            None,
        )),
    }
}

pub(super) fn done_page(state_name: &str, lang: &str, title: &str) -> HttpResponse {
    if state_name == SCREENED_OUT {
        notice(
            StatusCode::OK,
            lang,
            title,
            &ui_str(lang, "screened_heading"),
            &ui_str(lang, "screened_text"),
            None,
        )
    } else {
        notice(
            StatusCode::OK,
            lang,
            title,
            &ui_str(lang, "already_heading"),
            &ui_str(lang, "already_text"),
            None,
        )
    }
}

/// The thank-you page; the same for every respondent of a survey version in a language, so rendered once.
pub(super) fn thanks_page(state: &State, survey: &SurveyRow, version: &LoadedVersion, lang: &str) -> HttpResponse {
    let def = &version.definition;
    let key = format!(
        "{}\u{0}{}\u{0}{lang}\u{0}{}",
        survey.id, version.version, survey.results_published
    );
    let body = state.forms.fixed.get(key, || {
        let u = ui(lang);
        let text = def
            .thank_you
            .as_ref()
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_else(|| ui_str(lang, "thanks_default"));
        pages::render(
            "thanks",
            &json!({
                "lang": lang,
                "title": def.title.get(lang),
                "heading": u["thanks_heading"],
                "text": text,
                "results": survey.results_published.then(|| format!("/results/{}", survey.slug)),
                "ui": u,
            }),
        )
    });
    html(StatusCode::OK, body)
}

/// The page for someone without a valid invitation to an invitation-only survey.
pub(super) fn invitation_required(lang: &str, title: &str) -> HttpResponse {
    notice(
        StatusCode::FORBIDDEN,
        lang,
        title,
        &ui_str(lang, "invitation_heading"),
        &ui_str(lang, "invitation_text"),
        None,
    )
}

/// The writer found the survey no longer open (closed meanwhile, perhaps on another instance): this
/// instance stops using its cached row, and the respondent sees the closed page.
pub(super) fn closed_on_write(state: &State, slug: &str, lang: &str, title: &str) -> HttpResponse {
    state.definitions.forget(slug);
    notice(
        StatusCode::FORBIDDEN,
        lang,
        title,
        &ui_str(lang, "closed_heading"),
        &ui_str(lang, "closed_text"),
        None,
    )
}
