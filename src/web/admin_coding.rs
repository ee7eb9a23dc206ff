//! The coding workbench (`/admin/surveys/{slug}/coding/{question}`): one open answer at a time with the
//! codebook's codes as checkboxes (keys 1–9, 0 in `static/coding.js`; plain forms without JavaScript),
//! suggested codes with their confidence, search by word stems with a preview and "apply to all", the
//! blind second round (`?round=2`), disagreements to resolve, agreement (κ per code, α), quotes shown
//! exactly as they will be published, and the codebook as YAML for a new version.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::admin::{blk, staff};
use super::auth::{check_csrf, csrf_failed, csrf_token, read_form, require, see_other, staff_lang, staff_page};
use super::error::WebError;
use super::views::coding::{
    AgreementView, CodeAgreementView, CodeBox, CodeState, CodeUse, CodingPage, CurrentAnswer, Disagreement, Found,
    PublishedQuote, Search, Suggestion,
};
use super::State;
use crate::auth::Role;
use crate::catalog::coding::{self, Bench, CodingError, OpenAnswer};
use crate::coding::{mask, Masked, ModelCache, Stems, Undefined};
use crate::i18n::{self, Args};

/// Suggestions shown per answer.
const SUGGESTIONS: usize = 3;
/// Matches of a search listed in the preview.
const PREVIEW: usize = 200;

#[derive(Debug, Deserialize, Default)]
pub struct Query {
    /// The answer shown (a response id); default: the first one left to code.
    at: Option<String>,
    /// A search in the answers.
    q: Option<String>,
    /// `2`: the blind second round.
    round: Option<u8>,
}

/// This process's suggestion models. Keyed by the coded answers themselves (see [`ModelCache`]), so a
/// model is never stale, whichever instance stored the last decision.
fn models() -> &'static ModelCache {
    static MODELS: std::sync::OnceLock<ModelCache> = std::sync::OnceLock::new();
    MODELS.get_or_init(ModelCache::default)
}

/// A coding error in the coder's language, with its status.
fn coding_error(lang: &str, e: CodingError) -> WebError {
    use crate::coding::AssignError;
    let msg = |id: &str, args: Args| i18n::text_with(lang, id, &args);
    match e {
        CodingError::Catalog(c) => c.into(),
        CodingError::UnknownQuestion(q) => {
            WebError::NotFound(msg("coding-error-unknown-question", Args::new().str("question", q)))
        }
        CodingError::NoCodebook(q) => {
            WebError::NotFound(msg("coding-error-no-codebook", Args::new().str("question", q)))
        }
        CodingError::UnknownAnswer(_) => WebError::NotFound(msg("coding-error-unknown-answer", Args::new())),
        CodingError::Assign(AssignError::Unknown(c)) => {
            WebError::Unprocessable(msg("coding-error-unknown-code", Args::new().str("code", c)))
        }
        CodingError::Assign(AssignError::Retired(c)) => {
            WebError::Unprocessable(msg("coding-error-retired-code", Args::new().str("code", c)))
        }
        CodingError::EmptySearch => WebError::BadRequest(msg("coding-error-empty-search", Args::new())),
        CodingError::BadCodebook(m) => {
            WebError::Unprocessable(msg("coding-error-bad-codebook", Args::new().str("problems", m)))
        }
        CodingError::DropsCodesInUse(m) => {
            WebError::Conflict(msg("coding-error-drops-codes", Args::new().str("codes", m)))
        }
        CodingError::SameCoder => WebError::Conflict(msg("coding-error-same-coder", Args::new())),
    }
}

/// The placeholders of masked details, in the survey's language.
pub fn placeholder(lang: &str) -> impl Fn(Masked) -> String + '_ {
    move |m| {
        let id = match m {
            Masked::Email => "coding-mask-email",
            Masked::Link => "coding-mask-link",
            Masked::Number => "coding-mask-number",
        };
        i18n::text(lang, id)
    }
}

fn coefficient(v: &Result<f64, Undefined>, lang: &str) -> String {
    match v {
        Ok(x) => format!("{x:.3}"),
        Err(Undefined::NoPairs) => i18n::text(lang, "coding-undefined-no-pairs"),
        Err(Undefined::NoVariation) => i18n::text(lang, "coding-undefined-no-variation"),
    }
}

/// Which answers the round goes through: all (round 1) or the second-coding sample (round 2).
fn in_round(a: &OpenAnswer, second: bool) -> bool {
    !second || a.double
}

fn is_done(a: &OpenAnswer, second: bool) -> bool {
    if second {
        a.second.is_some()
    } else {
        a.first.is_some()
    }
}

fn code_boxes(bench: &Bench, checked: &[String], lang: &str) -> Vec<CodeBox> {
    bench
        .codebook
        .active()
        .enumerate()
        .map(|(i, c)| {
            let key = match i {
                0..=8 => Some((i + 1).to_string()),
                9 => Some("0".to_owned()),
                _ => None,
            };
            CodeBox {
                code: c.code.clone(),
                label: c.label.get(lang).to_owned(),
                description: c.description.as_ref().map(|d| d.get(lang).to_owned()),
                key,
                checked: checked.contains(&c.code),
            }
        })
        .collect()
}

fn label(bench: &Bench, code: &str, lang: &str) -> String {
    bench
        .codebook
        .code(code)
        .map_or_else(|| code.to_owned(), |c| c.label.get(lang).to_owned())
}

fn labels(bench: &Bench, codes: &[String], lang: &str) -> String {
    codes
        .iter()
        .map(|c| label(bench, c, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

fn page_data(bench: &Bench, query: &Query, lang: &str, staff_lang: &str) -> Result<CodingPage, CodingError> {
    let second = query.round == Some(2);
    let round: Vec<&OpenAnswer> = bench.answers.iter().filter(|a| in_round(a, second)).collect();
    let pos = match &query.at {
        Some(id) => round.iter().position(|a| &a.response_id == id),
        None => round.iter().position(|a| !is_done(a, second)),
    };
    let current = pos.map(|p| round[p]);
    let link = |a: &OpenAnswer| {
        let r = if second { "&round=2" } else { "" };
        format!("?at={}{r}", a.response_id)
    };
    let stems = Stems::default();
    let mut suggestions = Vec::new();
    if let (Some(a), false) = (current, second) {
        let coded: Vec<(&str, Vec<String>)> = bench
            .answers
            .iter()
            .filter_map(|x| Some((x.text.as_str(), x.first.as_ref()?.code_list())))
            .filter(|(_, c)| !c.is_empty())
            .collect();
        let model = models().model(
            &bench.survey.id,
            &bench.question,
            coded.iter().map(|(t, c)| (*t, c.as_slice())),
        );
        suggestions = model
            .suggest(&a.text, SUGGESTIONS)
            .into_iter()
            .filter(|s| bench.codebook.active().any(|c| c.code == s.code))
            .map(|s| Suggestion {
                label: label(bench, &s.code, staff_lang),
                percent: format!("{:.0}", s.confidence * 100.0),
                code: s.code,
            })
            .collect();
    }
    let checked = current
        .and_then(|a| {
            if second {
                a.second.as_ref()
            } else {
                a.resolved.as_ref().or(a.first.as_ref())
            }
        })
        .map(|r| r.code_list())
        .unwrap_or_default();
    let search = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => {
            let found = bench.search(&stems, q)?;
            let rows: Vec<Found> = found
                .iter()
                .take(PREVIEW)
                .map(|a| Found {
                    text: a.text.clone(),
                    link: link(a),
                    codes: a.first.as_ref().map(|r| labels(bench, &r.code_list(), staff_lang)),
                })
                .collect();
            Some(Search {
                q: q.to_owned(),
                count: found.len(),
                rows,
                more: found.len() > PREVIEW,
            })
        }
        None => None,
    };
    let disagreements: Vec<Disagreement> = if second {
        Vec::new()
    } else {
        bench
            .disagreements()
            .iter()
            .map(|a| {
                let first = a.first.as_ref().map(|r| r.code_list()).unwrap_or_default();
                let second = a.second.as_ref().map(|r| r.code_list()).unwrap_or_default();
                Disagreement {
                    response_id: a.response_id.clone(),
                    text: a.text.clone(),
                    first: labels(bench, &first, staff_lang),
                    first_coder: a.first.as_ref().map(|r| r.coder.clone()),
                    second: labels(bench, &second, staff_lang),
                    second_coder: a.second.as_ref().map(|r| r.coder.clone()),
                    boxes: code_boxes(bench, &first, staff_lang),
                }
            })
            .collect()
    };
    let agreement = bench.agreement();
    let progress = bench.progress();
    let yaml = serde_norway::to_string(&bench.codebook).unwrap_or_default();
    let def = &bench.version.definition;
    let question_text = def
        .question(&bench.question)
        .map(|q| q.text.get(staff_lang).to_owned())
        .unwrap_or_default();
    let percent = if progress.total == 0 {
        0.0
    } else {
        progress.coded as f64 * 100.0 / progress.total as f64
    };
    Ok(CodingPage {
        title: i18n::text_with(
            staff_lang,
            "coding-title",
            &Args::new().str("question", bench.question.clone()),
        ),
        csrf: String::new(),
        slug: bench.survey.slug.clone(),
        question: bench.question.clone(),
        question_text,
        survey_title: def.title.get(staff_lang).to_owned(),
        second,
        progress,
        percent: format!("{percent:.0}"),
        current: current.map(|a| CurrentAnswer {
            response_id: a.response_id.clone(),
            text: a.text.clone(),
            position: pos.map_or(0, |p| p + 1),
            of: round.len(),
            coder: if second {
                None
            } else {
                a.first.as_ref().map(|r| r.coder.clone())
            },
            coded_at: if second {
                None
            } else {
                a.first
                    .as_ref()
                    .map(|r| r.coded_at.format("%Y-%m-%d %H:%M").to_string())
            },
            masked: mask(&a.text, placeholder(lang)),
        }),
        prev: pos.and_then(|p| p.checked_sub(1)).map(|p| link(round[p])),
        next: pos.and_then(|p| round.get(p + 1)).map(|a| link(a)),
        boxes: code_boxes(bench, &checked, staff_lang),
        suggestions,
        q: query.q.clone().unwrap_or_default(),
        search,
        disagreements,
        agreement: AgreementView {
            answers: agreement.answers,
            alpha: coefficient(&agreement.alpha, staff_lang),
            codes: agreement
                .codes
                .iter()
                .map(|c| CodeAgreementView {
                    label: label(bench, &c.code, staff_lang),
                    first: c.first,
                    second: c.second,
                    kappa: coefficient(&c.kappa, staff_lang),
                    alpha: coefficient(&c.alpha, staff_lang),
                })
                .collect(),
        },
        all_codes: bench
            .codebook
            .codes
            .iter()
            .map(|c| CodeState {
                code: c.code.clone(),
                label: c.label.get(staff_lang).to_owned(),
                retired: c.retired,
            })
            .collect(),
        codebook_yaml: yaml,
        codebook_version: bench.codebook_version,
        in_use: bench
            .codes_in_use()
            .into_iter()
            .map(|(c, n)| CodeUse {
                label: label(bench, &c, staff_lang),
                code: c,
                n,
            })
            .collect(),
        quotes: Vec::new(),
    })
}

/// `GET /admin/surveys/{slug}/coding/{question}`.
pub async fn workbench(
    req: HttpRequest,
    state: State,
    path: web::Path<(String, String)>,
    query: web::Query<Query>,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let staff_lang = staff_lang(&req).to_owned();
    let (slug, question) = path.into_inner();
    let st = state.clone();
    let sl = staff_lang.clone();
    let query = query.into_inner();
    let mut data = blk(move || {
        let bench = coding::open(&st.store, &st.definitions, &slug, &question).map_err(|e| coding_error(&sl, e))?;
        let lang = bench.version.definition.default_language().to_owned();
        let data = page_data(&bench, &query, &lang, &sl).map_err(|e| coding_error(&sl, e))?;
        let quotes = st.store.quotes(&bench.survey.id, Some(&bench.question))?;
        let quotes: Vec<PublishedQuote> = quotes
            .into_iter()
            .map(|q| PublishedQuote {
                code: label(&bench, &q.code, &sl),
                response_id: q.response_id,
                masked: q.masked,
                by: q.published_by,
            })
            .collect();
        Ok(CodingPage { quotes, ..data })
    })
    .await?;
    data.csrf = csrf_token(&state, &s);
    Ok(staff_page(&req, StatusCode::OK, "admin_coding", &data, Some(&s)))
}

/// `POST /admin/surveys/{slug}/coding/{question}`: `action` = `code`, `bulk`, `resolve`, `quote`,
/// `unquote` or `codebook`.
pub async fn post(
    req: HttpRequest,
    state: State,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req).to_owned();
    let f = read_form(&req, payload, 256 * 1024).await?;
    if !check_csrf(&state, &s, &f) {
        return Ok(csrf_failed(&req, &s));
    }
    let (slug, question) = path.into_inner();
    let by = s.user.login.clone();
    let action = f.first("action").unwrap_or("").to_owned();
    let response = f.first("response").unwrap_or("").to_owned();
    let second = f.first("round") == Some("2");
    let given: Vec<String> = f.all("code").to_vec();
    let q = f.first("q").unwrap_or("").trim().to_owned();
    let yaml = f.first("codebook").unwrap_or("").to_owned();
    let st = state.clone();
    let (sl, qu) = (slug.clone(), question.clone());
    let l = lang.clone();
    let (back, survey_id) = blk(move || {
        let bench = coding::open(&st.store, &st.definitions, &sl, &qu).map_err(|e| coding_error(&l, e))?;
        let codes = coding::codes_from(&bench.codebook, given.iter().map(String::as_str));
        let round = if second { "&round=2" } else { "" };
        let result = match action.as_str() {
            "code" => bench.code(&st.store, &response, &codes, second, &by).map(|()| {
                // On to the next answer of the round left to code.
                let rest = bench
                    .answers
                    .iter()
                    .skip_while(|a| a.response_id != response)
                    .skip(1)
                    .find(|a| in_round(a, second) && !is_done(a, second));
                rest.map_or_else(
                    || format!("?at={response}{round}"),
                    |a| format!("?at={}{round}", a.response_id),
                )
            }),
            "bulk" => {
                let code = codes.first().cloned().unwrap_or_default();
                bench
                    .apply_to_matching(&st.store, &Stems::default(), &q, &code, &by)
                    .map(|n| {
                        tracing::info!(question = %qu, n, "bulk coding rule applied");
                        format!("?q={}", urlencode(&q))
                    })
            }
            "resolve" => bench.resolve(&st.store, &response, &codes, &by).map(|()| String::new()),
            "quote" => {
                let code = codes.first().cloned().unwrap_or_default();
                let lang = bench.version.definition.default_language().to_owned();
                bench
                    .publish_quote(&st.store, &response, &code, placeholder(&lang), &by)
                    .map(|_| format!("?at={response}"))
            }
            "unquote" => bench.withdraw_quote(&st.store, &response, &by).map(|_| String::new()),
            "codebook" => bench.save_codebook(&st.store, &yaml, &by).map(|_| String::new()),
            _ => return Err(WebError::BadRequest(i18n::text(&l, "coding-error-action"))),
        };
        result
            .map(|b| (b, bench.survey.id.clone()))
            .map_err(|e| coding_error(&l, e))
    })
    .await?;
    state.summaries.forget(&survey_id);
    Ok(see_other(&format!("/admin/surveys/{slug}/coding/{question}{back}")))
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
