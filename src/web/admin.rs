//! The sociologist's workbench under `/admin`: the survey list, uploading a definition (errors with their
//! lines, nothing stored), the preview exactly as a respondent sees it (through the respondent form's own
//! view code; nothing stored), storing and opening, the lifecycle actions with a confirmation, and officials'
//! access to unpublished results. The fieldwork monitor is in `admin_monitor`, users, populations and the
//! audit log in `admin_users`.
//!
//! Every state-changing form carries the staff CSRF token (`web::auth`); every change goes to the audit log
//! (`catalog::workbench` writes it).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::admin_upload::read_fields;
use super::auth::{self, check_csrf, csrf_failed, csrf_token, require, see_other, staff_page, MAX_STAFF_BODY};
use super::error::WebError;
use super::{pages, State};
use crate::auth::{Role, Session};
use crate::catalog::workbench::{self, WorkbenchError};
use crate::catalog::CatalogError;
use crate::definition::{Answers, Definition};
use crate::form::fields::{self, Fields};
use crate::form::parse::{parse_page, prune, FieldError};
use crate::form::view::{page_view, PageInput};
use crate::form::{draw, Flow};
use crate::store::audit::{self, AuditFilter};
use crate::store::{Status, StoreError};

/// Maps workbench errors to pages.
pub fn werr(e: WorkbenchError) -> WebError {
    match e {
        WorkbenchError::Catalog(c) => c.into(),
        WorkbenchError::Auth(a) => a.into(),
        WorkbenchError::Refused(m) => WebError::Conflict(m),
        WorkbenchError::UnknownUpload => WebError::NotFound(e.to_string()),
    }
}

impl From<WorkbenchError> for WebError {
    fn from(e: WorkbenchError) -> Self {
        werr(e)
    }
}

/// Runs blocking work off the async threads.
pub async fn blk<T: Send + 'static>(f: impl FnOnce() -> Result<T, WebError> + Send + 'static) -> Result<T, WebError> {
    web::block(f).await?
}

macro_rules! staff {
    ($req:expr, $role:expr) => {
        match require(&$req, $role) {
            Ok(s) => s,
            Err(resp) => return Ok(resp),
        }
    };
}
pub(crate) use staff;

fn count(counts: &[(String, i64)], state: &str) -> i64 {
    counts.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n)
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Closes surveys past their `closes` date (idempotent, safe across instances), logging failures only.
pub fn auto_close(state: &State) {
    if let Err(e) = workbench::auto_close_due(&state.store, &state.definitions, today()) {
        tracing::warn!(error = %e, "automatic close check failed");
    }
}

/// `GET /admin`: the survey list.
pub async fn dashboard(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Official);
    let st = state.clone();
    let rows = blk(move || {
        auto_close(&st);
        let mut out = Vec::new();
        for row in st.store.list_surveys()? {
            let counts = st.store.response_counts(&row.id)?;
            let v = st.definitions.get(&st.store, &row, row.current_version)?;
            let d = &v.definition;
            out.push(json!({
                "slug": row.slug,
                "title": d.title.get(d.default_language()),
                "topic": row.topic,
                "status": row.status,
                "version": row.current_version,
                "complete": count(&counts, "complete"),
                "partial": count(&counts, "partial"),
                "screened_out": count(&counts, "screened_out"),
                "opens": d.opens.map(|x| x.to_string()),
                "closes": d.closes.map(|x| x.to_string()),
                "results_published": row.results_published,
            }));
        }
        Ok(out)
    })
    .await?;
    Ok(staff_page(
        StatusCode::OK,
        "admin",
        &json!({"title": "Workbench", "surveys": rows, "csrf": csrf_token(&state, &s)}),
        Some(&s),
    ))
}

/// `GET /admin/surveys/new`: upload or paste a definition.
pub async fn new_survey(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    Ok(upload_page(&state, &s, StatusCode::OK, "", &[]))
}

fn upload_page(state: &State, s: &Session, status: StatusCode, source: &str, problems: &[Value]) -> HttpResponse {
    staff_page(
        status,
        "admin_upload",
        &json!({
            "title": "New survey or version",
            "csrf": csrf_token(state, s),
            "source": source,
            "problems": problems,
            "problem_count": problems.len(),
        }),
        Some(s),
    )
}

/// `POST /admin/surveys/new`: validates; on problems shows them all (nothing stored), otherwise keeps the
/// upload for the preview.
pub async fn upload(req: HttpRequest, state: State, payload: web::Payload) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let f = read_fields(&req, payload, MAX_STAFF_BODY).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&s));
    }
    let pasted = f.first("definition").unwrap_or("").trim().to_owned();
    let (source, name) = if !pasted.is_empty() {
        (pasted, "pasted definition".to_owned())
    } else {
        let name = f
            .first("file.filename")
            .filter(|n| !n.trim().is_empty())
            .unwrap_or("uploaded file")
            .to_owned();
        if crate::catalog::is_spreadsheet(std::path::Path::new(&name)) {
            // An XLSForm: converted strictly; what cannot be converted is listed like validation problems.
            let bytes = f.file("file").unwrap_or_default();
            match crate::xlsform::convert(bytes, &name, &crate::xlsform::ConvertOptions::default()) {
                Ok(c) => (c.yaml, name),
                Err(e) => {
                    let p: Vec<Value> = e
                        .to_string()
                        .lines()
                        .map(|l| json!({"file": name, "line": null, "question": null, "message": l.trim()}))
                        .collect();
                    return Ok(upload_page(&state, &s, StatusCode::UNPROCESSABLE_ENTITY, "", &p));
                }
            }
        } else {
            (f.first("file").unwrap_or("").to_owned(), name)
        }
    };
    if source.trim().is_empty() {
        let p = [
            json!({"file": "", "line": null, "question": null, "message": "choose a YAML file or paste the definition"}),
        ];
        return Ok(upload_page(&state, &s, StatusCode::UNPROCESSABLE_ENTITY, "", &p));
    }
    let st = state.clone();
    let (src, nm, by) = (source.clone(), name.clone(), s.user.login.clone());
    let result = blk(move || match workbench::prepare(&st.store, &src, &nm) {
        Ok(p) => Ok(Ok(workbench::stage(&st.store, &p, &by)?)),
        Err(WorkbenchError::Catalog(CatalogError::Invalid(errs))) => Ok(Err(errs)),
        Err(e) => Err(e.into()),
    })
    .await?;
    match result {
        Ok(staged) => Ok(see_other(&format!("/admin/uploads/{}", staged.id))),
        Err(errs) => {
            let problems: Vec<Value> = errs
                .problems
                .iter()
                .map(|p| json!({"file": p.file, "line": p.line, "question": p.question, "message": p.message}))
                .collect();
            Ok(upload_page(
                &state,
                &s,
                StatusCode::UNPROCESSABLE_ENTITY,
                &source,
                &problems,
            ))
        }
    }
}

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
    let page = flow.page_at(pos).unwrap_or(0);
    let csrf = csrf_token(state, s);
    let mut view = page_view(&PageInput {
        def,
        slug: &def.slug,
        lang,
        page,
        orders: &orders,
        answers,
        submitted,
        errors,
        progress: flow.progress(pos, answers),
        is_last: flow.next_after(pos, answers).is_none(),
        can_go_back: flow.prev_before(pos, answers).is_some(),
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
    let Some(pos) = f.first(fields::PAGE).and_then(|p| flow.position_of(p)) else {
        return Ok(see_other(&of.base()));
    };
    let page = flow.page_at(pos).unwrap_or(0);
    if f.first(fields::NAV) == Some("back") {
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
    let parsed = parse_page(def, page, &prior, &sent);
    if !parsed.is_ok() {
        return Ok(render_preview(
            &state,
            &s,
            &of,
            &ctx,
            &lang,
            pos,
            &prior,
            Some(&sent),
            &parsed.errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let mut answers = prior.clone();
    for q in &def.pages[page].questions {
        answers.remove(&q.id);
    }
    answers.extend(parsed.answers);
    let answers = prune(def, &answers);
    match flow.next_after(pos, &answers) {
        Some(next) => Ok(render_preview(
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
        None => Ok(preview_end(&s, &of, &ctx, &lang, &answers, &csrf_token(&state, &s))),
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

/// `POST /admin/uploads/{id}`: `action` = `store` (as a draft, or as the new current version of an
/// existing survey), `store_open` (and open it), or `discard`.
pub async fn upload_action(
    req: HttpRequest,
    state: State,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let f = auth::read_form(payload, 64 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&s));
    }
    let id = id.into_inner();
    let action = f.first("action").unwrap_or("").to_owned();
    let st = state.clone();
    let by = s.user.login.clone();
    match action.as_str() {
        "store" | "store_open" => {
            let open = action == "store_open";
            let imported = blk(move || Ok(workbench::commit(&st.store, &st.definitions, &id, open, &by)?)).await?;
            // The respondent form on this instance shows the new version at once (others within a second).
            state.definitions.forget(&imported.slug);
            Ok(see_other(&format!("/admin/surveys/{}", imported.slug)))
        }
        "discard" => {
            blk(move || Ok(workbench::discard(&st.store, &id, &by)?)).await?;
            Ok(see_other("/admin"))
        }
        other => Err(WebError::BadRequest(format!(
            "unknown action '{other}': use store, store_open or discard"
        ))),
    }
}

/// The lifecycle actions and what the confirmation page says about them.
fn action_text(action: &str) -> Option<(&'static str, &'static str)> {
    Some(match action {
        "open" => (
            "Open the survey",
            "Respondents will be able to answer the current version from now on.",
        ),
        "close" => (
            "Close the survey",
            "No more answers will be accepted; respondents in the middle of the form cannot finish.",
        ),
        "publish_results" => (
            "Publish the results",
            "The summary becomes public at /results/… and in the API, for anyone.",
        ),
        "unpublish_results" => (
            "Unpublish the results",
            "The public results page and API stop showing the summary.",
        ),
        _ => return None,
    })
}

/// `GET /admin/surveys/{slug}`: one survey: versions, counts, actions, officials' access, its audit log.
pub async fn survey_detail(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let slug = slug.into_inner();
    let st = state.clone();
    let data = blk(move || {
        auto_close(&st);
        let (survey, v) = st.definitions.current(&st.store, &slug)?;
        let counts = st.store.response_counts(&survey.id)?;
        let versions: Vec<Value> = st
            .store
            .versions(&slug)?
            .into_iter()
            .rev()
            .map(|r| json!({"version": r.version, "created_at": r.created_at.format("%Y-%m-%d %H:%M").to_string(), "source_name": r.source_name, "current": r.version == survey.current_version}))
            .collect();
        let officials = workbench::officials_with_access(&st.store, &survey.id)?;
        let log = audit::list(&st.store, &AuditFilter { survey_slug: Some(slug.clone()), actor: None, limit: 20 }).map_err(WebError::from)?;
        let d = &v.definition;
        let status = survey.status()?;
        Ok(json!({
            "slug": survey.slug,
            "title": d.title.get(d.default_language()),
            "status": survey.status,
            "version": survey.current_version,
            "results_published": survey.results_published,
            "opens": d.opens.map(|x| x.to_string()),
            "closes": d.closes.map(|x| x.to_string()),
            "complete": count(&counts, "complete"),
            "partial": count(&counts, "partial"),
            "screened_out": count(&counts, "screened_out"),
            "can_open": status != Status::Open,
            "can_close": status == Status::Open,
            "versions": versions,
            "officials": officials,
            "audit": log,
        }))
    })
    .await?;
    let mut data = data;
    if let Some(o) = data.as_object_mut() {
        o.insert("csrf".into(), json!(csrf_token(&state, &s)));
        o.insert("title_page".into(), json!("Survey"));
    }
    let title = data["title"].clone();
    if let Some(o) = data.as_object_mut() {
        o.insert("page_title".into(), title);
    }
    Ok(staff_page(StatusCode::OK, "admin_survey", &data, Some(&s)))
}

/// `GET /admin/surveys/{slug}/confirm?action=…`: the confirmation page of a lifecycle action.
pub async fn confirm(req: HttpRequest, state: State, slug: web::Path<String>) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let slug = slug.into_inner();
    let action = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("action").cloned())
        .unwrap_or_default();
    let Some((heading, text)) = action_text(&action) else {
        return Err(WebError::BadRequest(format!(
            "unknown action '{action}': use open, close, publish_results or unpublish_results"
        )));
    };
    let st = state.clone();
    let sl = slug.clone();
    let survey = blk(move || Ok(st.store.find_survey(&sl)?)).await?;
    Ok(staff_page(
        StatusCode::OK,
        "admin_confirm",
        &json!({
            "title": heading, "heading": heading, "text": text, "slug": survey.slug, "action": action,
            "version": survey.current_version, "csrf": csrf_token(&state, &s),
        }),
        Some(&s),
    ))
}

/// `POST /admin/surveys/{slug}/status`: carries out a confirmed lifecycle action.
pub async fn change_status(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let f = auth::read_form(payload, 64 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&s));
    }
    if f.first("confirm") != Some("yes") {
        return Err(WebError::BadRequest(
            "the action was not confirmed: use the confirmation page".into(),
        ));
    }
    let slug = slug.into_inner();
    let action = f.first("action").unwrap_or("").to_owned();
    let st = state.clone();
    let by = s.user.login.clone();
    let sl = slug.clone();
    blk(move || {
        match action.as_str() {
            "open" => {
                workbench::open_survey(&st.store, &st.definitions, &sl, &by)?;
            }
            "close" => {
                workbench::close_survey(&st.store, &sl, &by)?;
            }
            "publish_results" => workbench::set_results_published(&st.store, &sl, true, &by)?,
            "unpublish_results" => workbench::set_results_published(&st.store, &sl, false, &by)?,
            other => return Err(WebError::BadRequest(format!("unknown action '{other}'"))),
        }
        Ok(())
    })
    .await?;
    // The respondent form on this instance follows at once (other instances within a second).
    state.definitions.forget(&slug);
    Ok(see_other(&format!("/admin/surveys/{slug}")))
}

/// `POST /admin/surveys/{slug}/access`: gives (`grant`) or takes (`revoke`) an official's access to the
/// survey's unpublished results.
pub async fn change_access(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let f = auth::read_form(payload, 64 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&s));
    }
    let slug = slug.into_inner();
    let login = f.first("login").unwrap_or("").trim().to_owned();
    let grant = match f.first("action") {
        Some("grant") => true,
        Some("revoke") => false,
        _ => return Err(WebError::BadRequest("unknown action: use grant or revoke".into())),
    };
    let st = state.clone();
    let by = s.user.login.clone();
    let sl = slug.clone();
    blk(move || {
        if grant {
            workbench::grant_results(&st.store, &login, &sl, &by)?;
        } else {
            workbench::revoke_results(&st.store, &login, &sl, &by)?;
        }
        Ok(())
    })
    .await?;
    // The respondent form on this instance follows at once (other instances within a second).
    state.definitions.forget(&slug);
    Ok(see_other(&format!("/admin/surveys/{slug}")))
}
