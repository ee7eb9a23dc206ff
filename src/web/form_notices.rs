//! The respondent form's notice pages: not open yet or closed, already answered or screened out, thanks,
//! an invitation needed, and the other refusals a respondent can act on.

use super::error::WebError;
use super::results_texts::Texts;
use super::views::notices::{Link, NoticePage, ThanksPage};
use super::{pages, State};
use crate::catalog::LoadedVersion;
use crate::definition::Definition;
use crate::form::messages::{ui, ui_text};
use crate::store::responses::SCREENED_OUT;
use crate::store::{Status, SurveyRow};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, HttpResponseBuilder};

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
    let body = pages::render(
        "notice",
        &NoticePage {
            lang,
            title,
            heading,
            text,
            link: link.map(|(href, label)| Link { href, label }),
            back_to_list: ui_str(lang, "back_to_list"),
        },
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

/// The heading and text of a thank-you page with the survey's own text. A text that thanks the respondent
/// itself ("Спасибо за участие! Итоги…") gives its first sentence as the heading, so that the page does
/// not thank twice; any other text goes under the usual heading.
fn thanks_texts(heading: &str, own: &str) -> (String, String) {
    let thanks_word = heading
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(['!', '.']);
    let thanks_itself = !thanks_word.is_empty() && own.to_lowercase().starts_with(&thanks_word.to_lowercase());
    if !thanks_itself {
        return (heading.to_owned(), own.to_owned());
    }
    match own.find(['!', '.']) {
        Some(end) => (own[..=end].trim().to_owned(), own[end + 1..].trim().to_owned()),
        None => (own.trim().to_owned(), String::new()),
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
        let u = Texts::from(ui(lang));
        let own = def.thank_you.as_ref().map(|t| t.get(lang));
        let (heading, text) = match own {
            Some(own) => thanks_texts(u.get("thanks_heading"), own),
            None => (ui_str(lang, "thanks_heading"), ui_str(lang, "thanks_default")),
        };
        pages::render(
            "thanks",
            &ThanksPage {
                lang,
                title: def.title.get(lang),
                heading,
                text,
                results: survey.results_published.then(|| format!("/results/{}", survey.slug)),
                ui: u,
            },
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

#[cfg(test)]
mod tests {
    use super::thanks_texts;

    #[test]
    fn a_text_that_thanks_itself_is_not_thanked_twice() {
        assert_eq!(
            thanks_texts("Спасибо!", "Спасибо за участие! Итоги будут опубликованы."),
            ("Спасибо за участие!".to_owned(), "Итоги будут опубликованы.".to_owned())
        );
        assert_eq!(
            thanks_texts("Thank you!", "Thank you! Your answers help."),
            ("Thank you!".to_owned(), "Your answers help.".to_owned())
        );
        assert_eq!(
            thanks_texts("Спасибо!", "Итоги будут опубликованы."),
            ("Спасибо!".to_owned(), "Итоги будут опубликованы.".to_owned())
        );
        assert_eq!(
            thanks_texts("Спасибо!", "Спасибо"),
            ("Спасибо".to_owned(), String::new())
        );
    }
}
