//! The quality review page of the workbench (`GET/POST /admin/surveys/{slug}/quality`): the complete
//! responses with a quality flag or a decision (`report::screening`), and the sociologist's decision on
//! the selected ones — exclude from summaries or keep (reinstate) — with a reason. Every decision goes to
//! the audit log (`store::quality` writes both in one transaction).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::admin::{blk, staff};
use super::auth::{self, check_csrf, csrf_failed, csrf_token, require, see_other, staff_lang, staff_page};
use super::error::WebError;
use super::views::quality::{QualityPage, ReviewLine};
use super::State;
use crate::auth::Role;
use crate::i18n::{self, Args};
use crate::quality::Flag;
use crate::report::screening::{self, ReviewItem};
use crate::store::quality::{Decision, EXCLUDE, KEEP};

/// Longest reason kept with a decision.
const MAX_REASON: usize = 500;
/// Most responses decided in one request.
const MAX_SELECTED: usize = 10_000;

fn flag_label(lang: &str, f: Flag) -> String {
    i18n::text(lang, &format!("quality-flag-{}", f.as_str()))
}

fn item_view(lang: &str, i: &ReviewItem) -> ReviewLine {
    let state = match (i.decision.as_deref(), i.excluded) {
        (Some(EXCLUDE), _) => "quality-state-excluded",
        (Some(KEEP), _) => "quality-state-kept",
        (_, true) => "quality-state-auto",
        _ => "quality-state-open",
    };
    ReviewLine {
        id: i.id.clone(),
        short: i.id.chars().take(8).collect(),
        flags: i.flags.iter().map(|f| flag_label(lang, *f)).collect(),
        flag_codes: i.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(" "),
        evidence: i.evidence.join("; "),
        state: i18n::text(lang, state),
        excluded: i.excluded,
        reason: i.reason.clone(),
        decided_by: i.decided_by.clone(),
    }
}

/// `GET /admin/surveys/{slug}/quality`.
pub async fn quality_page(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let slug = slug.into_inner();
    let st = state.clone();
    let (title, slug, auto, items) = blk(move || {
        let (survey, v) = st.definitions.current(&st.store, &slug)?;
        let def = &v.definition;
        let items = screening::review_list(&st.store, def, &survey.id)?;
        let auto = screening::settings(def).exclude;
        Ok((
            def.title.get(def.default_language()).to_owned(),
            survey.slug,
            auto,
            items,
        ))
    })
    .await?;
    let auto = if auto.is_empty() {
        i18n::text(lang, "quality-auto-none")
    } else {
        auto.iter().map(|f| flag_label(lang, *f)).collect::<Vec<_>>().join(", ")
    };
    let flagged = items.iter().filter(|i| !i.flags.is_empty()).count();
    let excluded = items.iter().filter(|i| i.excluded).count();
    Ok(staff_page(
        &req,
        StatusCode::OK,
        "admin_quality",
        &QualityPage {
            title: i18n::text_with(lang, "quality-title", &Args::new().str("survey", title.clone())),
            survey_title: title,
            slug,
            auto,
            flagged,
            excluded,
            items: items.iter().map(|i| item_view(lang, i)).collect(),
            max_reason: MAX_REASON,
            csrf: csrf_token(&state, &s),
        },
        Some(&s),
    ))
}

/// `POST /admin/surveys/{slug}/quality`: `decision` = `exclude` | `keep`, a `reason`, and the selected
/// responses as repeated `id` fields.
pub async fn quality_decide(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req);
    let f = auth::read_form(&req, payload, 1024 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let decision = match f.first("decision") {
        Some(EXCLUDE) => EXCLUDE,
        Some(KEEP) => KEEP,
        _ => return Err(WebError::BadRequest(i18n::text(lang, "quality-error-decision"))),
    };
    let reason = f.first("reason").unwrap_or("").trim().to_owned();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(WebError::BadRequest(i18n::text_with(
            lang,
            "quality-error-reason",
            &Args::new().num("max", MAX_REASON as f64),
        )));
    }
    let ids: Vec<String> = f.non_empty("id").into_iter().map(str::to_owned).collect();
    if ids.is_empty() || ids.len() > MAX_SELECTED {
        return Err(WebError::BadRequest(i18n::text(lang, "quality-error-none-selected")));
    }
    let slug = slug.into_inner();
    let st = state.clone();
    let actor = s.user.login.clone();
    let sl = slug.clone();
    blk(move || {
        let survey = st.store.find_survey(&sl)?;
        let d = Decision {
            survey_id: &survey.id,
            survey_slug: &survey.slug,
            decision,
            reason: &reason,
            actor: &actor,
        };
        st.store.decide(&d, &ids)?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/admin/surveys/{slug}/quality")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::i18n;
    use crate::web::pages;

    #[test]
    fn the_review_page_renders_in_every_language_with_and_without_items() {
        for lang in i18n::LANGUAGES {
            for items in [
                json!([]),
                json!([{"id": "r1", "short": "r1", "flags": ["speeder"], "flag_codes": "speeders",
                "evidence": "5 s < 30 s", "state": "excluded", "excluded": true, "reason": "too fast", "decided_by": "anna"},
                {"id": "r2", "short": "r2", "flags": [], "flag_codes": "", "evidence": "", "state": "kept",
                "excluded": false, "reason": null, "decided_by": null}]),
            ] {
                let page = json!({
                    "lang": lang, "title": "Q", "survey_title": "S", "slug": "s", "auto": "none", "flagged": 1,
                    "excluded": 1, "items": items, "max_reason": 500, "csrf": "c",
                    "staff": {"login": "anna", "role": "sociologist", "is_admin": false, "is_sociologist": true, "csrf": "c"},
                });
                let html = pages::registry()
                    .render("admin_quality", &page)
                    .unwrap_or_else(|e| panic!("admin_quality in {lang}: {e}"));
                assert!(
                    html.contains("action=\"/admin/surveys/s/quality\"")
                        == items.as_array().is_some_and(|a| !a.is_empty())
                );
                assert!(html.contains("name=\"_csrf\"") || items.as_array().is_some_and(|a| a.is_empty()));
            }
        }
    }
}
