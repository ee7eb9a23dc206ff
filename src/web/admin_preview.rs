//! The staff preview of a survey (`/admin/uploads/{id}` for an upload not stored yet,
//! `/admin/surveys/{slug}/preview` for the current version): the respondent form exactly as a respondent
//! sees it — rendered by the form's own view code, stepping through `form::step` as respondents do — with
//! a preview bar above it. Nothing is stored: the answers so far travel in a hidden field.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::admin::{blk, staff};
use super::auth::{self, check_csrf, csrf_failed, csrf_token, require, see_other, staff_page, MAX_STAFF_BODY};
use super::error::WebError;
use super::{pages, State};
use crate::auth::{Role, Session};
use crate::catalog::workbench;
use crate::definition::{Answers, Definition};
use crate::form::fields::Fields;
use crate::form::parse::{prune, FieldError};
use crate::form::step::{self, Taken};
use crate::form::view::{page_view, PageInput};
use crate::form::{draw, Flow};
use crate::store::{Status, StoreError};

/// Where a preview's definition comes from.
#[derive(Clone)]
enum PreviewOf {
    Upload(String),
    Version(String),
}

impl PreviewOf {
    fn base(&self) -> String {
        match self {
            PreviewOf::Upload(id) => format!("/admin/uploads/{id}"),
            PreviewOf::Version(slug) => format!("/admin/surveys/{slug}/preview"),
        }
    }

    fn post_url(&self) -> String {
        match self {
            PreviewOf::Upload(id) => format!("/admin/uploads/{id}/preview"),
            PreviewOf::Version(slug) => format!("/admin/surveys/{slug}/preview"),
        }
    }
}

/// What the preview bar says about the definition.
struct PreviewContext {
    def: Definition,
    /// For an upload: the survey it would become a version of, and that version's number.
    upload: Option<Value>,
    version_label: String,
}

fn load_preview(state: &State, of: &PreviewOf) -> Result<PreviewContext, WebError> {
    match of {
        PreviewOf::Upload(id) => {
            let staged = workbench::staged(&state.store, id)?;
            let prepared = workbench::prepare(&state.store, &staged.source, &staged.source_name)?;
            let existing = match state.store.find_survey(&staged.slug) {
                Ok(sv) => Some(sv),
                Err(StoreError::UnknownSurvey(_)) => None,
                Err(e) => return Err(e.into()),
            };
            let next_version = existing.as_ref().map_or(1, |e| e.current_version + 1);
            Ok(PreviewContext {
                def: prepared.definition,
                version_label: format!("{} version {next_version} (not stored yet)", staged.slug),
                upload: Some(json!({
                    "id": staged.id,
                    "source_name": staged.source_name,
                    "uploaded_by": staged.created_by,
                    "existing_status": existing.as_ref().map(|e| e.status.clone()),
                    "next_version": next_version,
                    "is_new": existing.is_none(),
                    "live_now": existing.as_ref().is_some_and(|e| e.status == Status::Open.as_str()),
                })),
            })
        }
        PreviewOf::Version(slug) => {
            let (survey, v) = state.definitions.current(&state.store, slug)?;
            Ok(PreviewContext {
                def: v.definition.clone(),
                version_label: format!("{} version {} ({})", survey.slug, v.version, survey.status),
                upload: None,
            })
        }
    }
}

fn preview_lang(req: &HttpRequest, def: &Definition) -> String {
    let asked = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("lang").cloned());
    asked
        .filter(|l| def.languages.iter().any(|x| x == l))
        .unwrap_or_else(|| def.default_language().to_owned())
}

/// Hidden field carrying the preview's answers from page to page (JSON), instead of a stored response.
const PREVIEW_ANSWERS: &str = "_preview_answers";

/// The randomization a preview uses: that of a fixed respondent, so pages stay put while clicking through.
const PREVIEW_RESPONDENT: &str = "00000000-0000-0000-0000-000000000000";

/// One page of the respondent form, rendered by the respondent form's own code, with the preview bar
/// added above it and the answers so far carried in a hidden field (nothing is stored).
#[allow(clippy::too_many_arguments)]
fn render_preview(
    state: &State,
    s: &Session,
    of: &PreviewOf,
    ctx: &PreviewContext,
    lang: &str,
    pos: usize,
    answers: &Answers,
    submitted: Option<&Fields>,
    errors: &[FieldError],
    status: StatusCode,
) -> HttpResponse {
    let def = &ctx.def;
    let orders = draw(def, PREVIEW_RESPONDENT);
    let flow = Flow::new(def, &orders);
    let at = step::place(&flow, pos, answers);
    let csrf = csrf_token(state, s);
    let mut view = page_view(&PageInput {
        def,
        slug: &def.slug,
        lang,
        page: at.page,
        orders: &orders,
        answers,
        submitted,
        errors,
        progress: at.progress,
        is_last: at.is_last,
        can_go_back: at.can_go_back,
        csrf: &csrf,
        shown: "",
        resume_url: "#",
    });
    if let Some(obj) = view.as_object_mut() {
        obj.insert("action".into(), json!(format!("{}?lang={lang}", of.post_url())));
        let links: Vec<Value> = def
            .languages
            .iter()
            .map(|l| json!({"code": l, "name": l, "href": format!("{}?lang={l}", of.base()), "current": l == lang}))
            .collect();
        obj.insert(
            "lang_links".into(),
            if links.len() > 1 {
                Value::Array(links)
            } else {
                Value::Null
            },
        );
    }
    let html = pages::render("form", &view);
    let bar = pages::render(
        "admin_preview_bar",
        &json!({
            "label": ctx.version_label,
            "upload": ctx.upload,
            "csrf": csrf,
            "restart": of.base(),
            "back": match of { PreviewOf::Version(slug) => format!("/admin/surveys/{slug}"), PreviewOf::Upload(_) => "/admin".to_owned() },
        }),
    );
    let carried = format!(
        "<input type=\"hidden\" name=\"{PREVIEW_ANSWERS}\" value=\"{}\">\n</form>",
        handlebars::html_escape(&serde_json::to_string(answers).unwrap_or_else(|_| "{}".into()))
    );
    // The respondent form is the page's only form until the bar (with its own forms) is added.
    let html =
        html.replacen("</form>", &carried, 1)
            .replacen("<main id=\"main\">", &format!("<main id=\"main\">\n{bar}"), 1);
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(html)
}

/// The end of a preview: what respondents see after the last page, with the answers given.
fn preview_end(
    s: &Session,
    of: &PreviewOf,
    ctx: &PreviewContext,
    lang: &str,
    answers: &Answers,
    csrf: &str,
) -> HttpResponse {
    let def = &ctx.def;
    let rows: Vec<Value> = def
        .questions()
        .filter_map(|(_, q)| {
            answers
                .get(&q.id)
                .map(|a| json!({"id": q.id, "answer": serde_json::to_string(a).unwrap_or_default()}))
        })
        .collect();
    staff_page(
        StatusCode::OK,
        "admin_preview_end",
        &json!({
            "title": "Preview finished",
            "label": ctx.version_label,
            "thank_you": def.thank_you.as_ref().map(|t| t.get(lang).to_owned()),
            "answers": rows,
            "upload": ctx.upload,
            "csrf": csrf,
            "restart": of.base(),
        }),
        Some(s),
    )
}

/// `GET /admin/uploads/{id}` and `GET /admin/surveys/{slug}/preview`: the first page.
async fn preview_get(req: HttpRequest, state: State, of: PreviewOf) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let st = state.clone();
    let of2 = of.clone();
    let ctx = blk(move || load_preview(&st, &of2)).await?;
    let lang = preview_lang(&req, &ctx.def);
    let orders = draw(&ctx.def, PREVIEW_RESPONDENT);
    let flow = Flow::new(&ctx.def, &orders);
    let answers = Answers::new();
    let pos = flow.next_from(0, &answers).unwrap_or(0);
    Ok(render_preview(
        &state,
        &s,
        &of,
        &ctx,
        &lang,
        pos,
        &answers,
        None,
        &[],
        StatusCode::OK,
    ))
}

/// `POST …/preview`: one page sent in the preview — checked exactly as for a respondent, then the next
/// page (or the end). Nothing is stored.
async fn preview_post(
    req: HttpRequest,
    state: State,
    of: PreviewOf,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let f = auth::read_form(payload, MAX_STAFF_BODY).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&s));
    }
    let st = state.clone();
    let of2 = of.clone();
    let ctx = blk(move || load_preview(&st, &of2)).await?;
    let def = &ctx.def;
    let lang = preview_lang(&req, def);
    let prior: Answers = f
        .first(PREVIEW_ANSWERS)
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let prior = prune(def, &prior);
    let orders = draw(def, PREVIEW_RESPONDENT);
    let flow = Flow::new(def, &orders);
    let Some(pos) = step::sent_position(&flow, &f) else {
        return Ok(see_other(&of.base()));
    };
    if step::wants_back(&f) {
        let prev = flow.prev_before(pos, &prior).unwrap_or(pos);
        return Ok(render_preview(
            &state,
            &s,
            &of,
            &ctx,
            &lang,
            prev,
            &prior,
            None,
            &[],
            StatusCode::OK,
        ));
    }
    // The carried answers are the preview's own field, not the respondent's.
    let sent = Fields::from_pairs(
        f.names()
            .filter(|n| *n != PREVIEW_ANSWERS)
            .flat_map(|n| f.all(n).iter().map(move |v| (n.to_owned(), v.clone())))
            .collect::<Vec<_>>(),
    );
    match step::take_page(&flow, pos, &prior, &sent) {
        Err(errors) => Ok(render_preview(
            &state,
            &s,
            &of,
            &ctx,
            &lang,
            pos,
            &prior,
            Some(&sent),
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Ok(Taken {
            answers,
            next: Some(next),
        }) => Ok(render_preview(
            &state,
            &s,
            &of,
            &ctx,
            &lang,
            next,
            &answers,
            None,
            &[],
            StatusCode::OK,
        )),
        Ok(Taken { answers, next: None }) => Ok(preview_end(&s, &of, &ctx, &lang, &answers, &csrf_token(&state, &s))),
    }
}

pub async fn upload_preview(req: HttpRequest, state: State, id: web::Path<String>) -> Result<HttpResponse, WebError> {
    preview_get(req, state, PreviewOf::Upload(id.into_inner())).await
}

pub async fn upload_preview_post(
    req: HttpRequest,
    state: State,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    preview_post(req, state, PreviewOf::Upload(id.into_inner()), payload).await
}

pub async fn survey_preview(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    preview_get(req, state, PreviewOf::Version(slug.into_inner())).await
}

pub async fn survey_preview_post(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    preview_post(req, state, PreviewOf::Version(slug.into_inner()), payload).await
}
