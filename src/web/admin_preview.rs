//! The staff preview of a survey (`/admin/uploads/{id}` for an upload not stored yet,
//! `/admin/surveys/{slug}/preview` for the current version): the respondent form exactly as a respondent
//! sees it — rendered by the form's own view code, stepping through `form::step` as respondents do — with
//! a preview bar above it. Nothing is stored: the answers so far travel in a hidden field.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::admin::{blk, staff};
use super::auth::{
    self, check_csrf, csrf_failed, csrf_token, require, see_other, staff_lang, staff_page, status_label, MAX_STAFF_BODY,
};
use super::error::WebError;
use super::views::preview::{FormLangLink, GivenAnswer, PreviewBar, PreviewEnd, PreviewForm, UploadFacts};
use super::{pages, State};
use crate::auth::{Role, Session};
use crate::catalog::workbench;
use crate::definition::{Answers, Definition};
use crate::form::fields::Fields;
use crate::form::parse::{prune, FieldError};
use crate::form::step::{self, Taken};
use crate::form::view::{page_view, PageInput};
use crate::form::{draw, Flow};
use crate::i18n::{self, Args};
use crate::question::answers::answer_text;
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
    upload: Option<UploadFacts>,
    version_label: String,
}

/// The preview's definition and what the bar says about it, in the staff language `lang`.
fn load_preview(state: &State, of: &PreviewOf, lang: &str) -> Result<PreviewContext, WebError> {
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
            let missing_translations = crate::definition::missing_translations(&prepared.definition);
            Ok(PreviewContext {
                def: prepared.definition,
                version_label: i18n::text_with(
                    lang,
                    "admin-preview-label-upload",
                    &Args::new()
                        .str("slug", staged.slug.clone())
                        .str("version", next_version.to_string()),
                ),
                upload: Some(UploadFacts {
                    id: staged.id,
                    source_name: staged.source_name,
                    uploaded_by: staged.created_by,
                    existing_status: existing.as_ref().map(|e| e.status.clone()),
                    existing_status_label: existing.as_ref().map(|e| status_label(lang, &e.status)),
                    next_version,
                    is_new: existing.is_none(),
                    live_now: existing.as_ref().is_some_and(|e| e.status == Status::Open.as_str()),
                    missing_translations,
                }),
            })
        }
        PreviewOf::Version(slug) => {
            let (survey, v) = state.definitions.current(&state.store, slug)?;
            Ok(PreviewContext {
                def: v.definition.clone(),
                version_label: i18n::text_with(
                    lang,
                    "admin-preview-label-version",
                    &Args::new()
                        .str("slug", survey.slug.clone())
                        .str("version", v.version.to_string())
                        .str("status", status_label(lang, &survey.status)),
                ),
                upload: None,
            })
        }
    }
}

/// The preview's form language: one chosen on the site (`?lang=`, or the remembered choice) when the survey
/// has it, else the survey's default — the browser's `Accept-Language` is not asked, so a preview shows
/// the default language unless staff choose another.
fn preview_lang(req: &HttpRequest, def: &Definition) -> String {
    let chosen =
        super::lang::query_lang(req).or_else(|| req.cookie(super::lang::LANG_COOKIE).map(|c| c.value().to_owned()));
    chosen
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
    req: &HttpRequest,
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
    let view = page_view(&PageInput {
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
    let links: Vec<FormLangLink> = def
        .languages
        .iter()
        .map(|l| FormLangLink {
            code: l.clone(),
            name: l.clone(),
            href: format!("{}?lang={l}", of.base()),
            current: l == lang,
        })
        .collect();
    let html = pages::render(
        "form",
        &PreviewForm {
            form: &view,
            action: format!("{}?lang={lang}", of.post_url()),
            lang_links: (links.len() > 1).then_some(links),
        },
    );
    let bar = pages::render(
        "admin_preview_bar",
        &PreviewBar {
            lang: staff_lang(req),
            label: &ctx.version_label,
            upload: ctx.upload.as_ref(),
            csrf: &csrf,
            restart: of.base(),
            back: match of {
                PreviewOf::Version(slug) => format!("/admin/surveys/{slug}"),
                PreviewOf::Upload(_) => "/admin".to_owned(),
            },
        },
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
    req: &HttpRequest,
    s: &Session,
    of: &PreviewOf,
    ctx: &PreviewContext,
    lang: &str,
    answers: &Answers,
    csrf: &str,
) -> HttpResponse {
    let staff_lang = staff_lang(req);
    let def = &ctx.def;
    let rows: Vec<GivenAnswer> = def
        .questions()
        .filter_map(|(_, q)| {
            answers.get(&q.id).map(|a| GivenAnswer {
                id: q.id.clone(),
                text: def.text(&q.text, lang).to_owned(),
                answer: answer_text(def, q, a, lang),
            })
        })
        .collect();
    staff_page(
        req,
        StatusCode::OK,
        "admin_preview_end",
        &PreviewEnd {
            title: i18n::text(staff_lang, "admin-preview-title"),
            label: &ctx.version_label,
            thank_you: def.thank_you.as_ref().map(|t| t.get(lang).to_owned()),
            answers: rows,
            upload: ctx.upload.as_ref(),
            csrf,
            restart: of.base(),
        },
        Some(s),
    )
}

/// `GET /admin/uploads/{id}` and `GET /admin/surveys/{slug}/preview`: the first page.
async fn preview_get(req: HttpRequest, state: State, of: PreviewOf) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let st = state.clone();
    let of2 = of.clone();
    let staff_lang = staff_lang(&req);
    let ctx = blk(move || load_preview(&st, &of2, staff_lang)).await?;
    let lang = preview_lang(&req, &ctx.def);
    let orders = draw(&ctx.def, PREVIEW_RESPONDENT);
    let flow = Flow::new(&ctx.def, &orders);
    let answers = Answers::new();
    let pos = flow.next_from(0, &answers).unwrap_or(0);
    Ok(render_preview(
        &req,
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
    let f = auth::read_form(&req, payload, MAX_STAFF_BODY).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let st = state.clone();
    let of2 = of.clone();
    let staff_lang = staff_lang(&req);
    let ctx = blk(move || load_preview(&st, &of2, staff_lang)).await?;
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
            &req,
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
            &req,
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
            &req,
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
        Ok(Taken { answers, next: None }) => Ok(preview_end(
            &req,
            &s,
            &of,
            &ctx,
            &lang,
            &answers,
            &csrf_token(&state, &s),
        )),
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
