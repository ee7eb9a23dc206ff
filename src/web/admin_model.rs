//! `GET /admin/surveys/{slug}/model?y=Y&x=A+B&family=linear|logistic[&filter=VAR:CODE]`: the workbench's
//! design-based regression (`report::model`, the same fit as `opros model --json`), a plain GET form that
//! works without JavaScript and the coefficients table. Bad input (an unknown variable or code, an unknown
//! family, a model that cannot be estimated) is answered 400 with the form, the message and the valid
//! choices.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::admin::{blk, staff};
use super::auth::{require, staff_lang, staff_page};
use super::error::WebError;
use super::State;
use crate::auth::Role;
use crate::i18n::{self, numbers, Args};
use crate::report::model::{self, Family, ModelError, ModelReport, ModelSpec};
use crate::report::{self, SummaryInput};

/// The form's fields (all optional: without `y` the page shows the empty form).
#[derive(Debug, Deserialize)]
pub struct ModelQuery {
    y: Option<String>,
    x: Option<String>,
    family: Option<String>,
    filter: Option<String>,
}

#[derive(Debug, Serialize)]
struct ModelPage {
    title: String,
    slug: String,
    y: String,
    x: String,
    filter: String,
    logistic: bool,
    choices: String,
    error: Option<String>,
    model: Option<ModelView>,
}

#[derive(Debug, Serialize)]
struct ModelView {
    heading: String,
    logistic: bool,
    terms: Vec<TermView>,
    tests: Vec<String>,
}

#[derive(Debug, Serialize)]
struct TermView {
    name: String,
    label: String,
    reference: Option<String>,
    estimate: String,
    se: String,
    t_value: String,
    p: String,
    interval: String,
    odds_ratio: Option<String>,
}

fn family(raw: Option<&str>) -> Result<Family, String> {
    match raw.map(str::trim).unwrap_or("") {
        "" | "linear" => Ok(Family::Linear),
        "logistic" => Ok(Family::Logistic),
        other => Err(other.to_owned()),
    }
}

/// A model error in the staff member's language, with the valid choices where there are some.
fn error_text(lang: &str, e: &ModelError) -> String {
    let one = |id: &str, name: &str| i18n::text_with(lang, id, &Args::new().str("name", name.to_owned()));
    match e {
        ModelError::UnknownVariable { name, valid } => i18n::text_with(
            lang,
            "model-error-unknown",
            &Args::new().str("name", name.clone()).str("valid", valid.clone()),
        ),
        ModelError::Unsupported { name, kind } => i18n::text_with(
            lang,
            "model-error-unsupported",
            &Args::new().str("name", name.clone()).str("kind", kind.to_string()),
        ),
        ModelError::CategoricalOutcome(name) => one("model-error-categorical", name),
        ModelError::Repeated(name) => one("model-error-repeated", name),
        ModelError::NoPredictors => i18n::text(lang, "model-error-no-predictors"),
        ModelError::NotEstimable(why) => one("model-error-not-estimable", why),
        ModelError::Report(e) => one("model-error-other", &e.to_string()),
    }
}

fn model_view(lang: &str, r: &ModelReport) -> ModelView {
    let dec = |v: f64, d: usize| numbers::decimal(lang, v, d);
    let logistic = r.family == Family::Logistic;
    let heading_id = if logistic {
        "model-heading-logistic"
    } else {
        "model-heading-linear"
    };
    let heading = i18n::text_with(
        lang,
        heading_id,
        &Args::new()
            .str("outcome", r.outcome_label.clone())
            .num("n", r.n as f64)
            .str("df", dec(r.df, 0)),
    );
    let terms = r
        .terms
        .iter()
        .map(|t| {
            let c = &t.coefficient;
            TermView {
                name: t.name.clone(),
                label: t.label.clone(),
                reference: t.reference.clone(),
                estimate: dec(c.estimate, 4),
                se: dec(c.se, 4),
                t_value: dec(c.t, 3),
                p: dec(c.p_value, 4),
                interval: format!("{}; {}", dec(c.ci_low, 4), dec(c.ci_high, 4)),
                odds_ratio: match (c.odds_ratio, c.or_ci_low, c.or_ci_high) {
                    (Some(o), Some(l), Some(h)) => Some(format!("{} ({}; {})", dec(o, 3), dec(l, 3), dec(h, 3))),
                    _ => None,
                },
            }
        })
        .collect();
    let tests = r
        .tests
        .iter()
        .map(|t| match &t.test {
            Some(w) => i18n::text_with(
                lang,
                "model-wald",
                &Args::new()
                    .str("variable", t.variable.clone())
                    .str("f", dec(w.f, 3))
                    .str("ndf", dec(w.ndf, 0))
                    .str("ddf", dec(w.ddf, 0))
                    .str("p", dec(w.p_value, 4)),
            ),
            None => i18n::text_with(
                lang,
                "model-wald-singular",
                &Args::new().str("variable", t.variable.clone()),
            ),
        })
        .collect();
    ModelView {
        heading,
        logistic,
        terms,
        tests,
    }
}

/// `GET /admin/surveys/{slug}/model`.
pub async fn model_page(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
    query: web::Query<ModelQuery>,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let lang = staff_lang(&req).to_owned();
    let q = query.into_inner();
    let slug = slug.into_inner();
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let (y, x, filter) = (text(&q.y), text(&q.x), text(&q.filter));
    let family = family(q.family.as_deref());
    let asked = !y.is_empty() || !x.is_empty();
    let st = state.clone();
    let (l, yy, xx, ff) = (lang.clone(), y.clone(), x.clone(), filter.clone());
    let fam = family.clone().unwrap_or(Family::Linear);
    let fit_it = asked && family.is_ok();
    let (title, slug, choices, fitted) = blk(move || {
        let (survey, v) = st.definitions.current(&st.store, &slug)?;
        let def = &v.definition;
        let title = def.title.get(&l).to_owned();
        let choices = model::model_choices(def);
        if !fit_it {
            return Ok((title, survey.slug, choices, None));
        }
        let loaded = report::load(&st.store, &st.definitions, &survey.slug)?;
        let def = &loaded.version.definition;
        let filter = match report::domain::parse_filter(&ff) {
            Ok(f) => f,
            Err(e) => return Ok((title, survey.slug, choices, Some(Err(ModelError::Report(e))))),
        };
        let spec = ModelSpec {
            y: yy,
            x: xx
                .split('+')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            family: fam,
            filter,
            weighted: true,
        };
        let language = if def.languages.contains(&l) {
            l.clone()
        } else {
            def.default_language().to_owned()
        };
        let input = SummaryInput {
            definition: def,
            population: loaded.version.population.as_ref(),
            answers: &loaded.answers,
            language: &language,
        };
        Ok((title, survey.slug, choices, Some(model::fit(&input, &spec))))
    })
    .await?;
    let (error, model) = match (&family, fitted) {
        (Err(bad), _) => (
            Some(i18n::text_with(
                &lang,
                "model-error-family",
                &Args::new().str("name", bad.clone()),
            )),
            None,
        ),
        (Ok(_), Some(Err(e))) => (Some(error_text(&lang, &e)), None),
        (Ok(_), Some(Ok(r))) => (None, Some(model_view(&lang, &r))),
        (Ok(_), None) => (None, None),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = ModelPage {
        title,
        slug,
        y,
        x,
        filter,
        logistic: family == Ok(Family::Logistic),
        choices,
        error,
        model,
    };
    let data = serde_json::to_value(&page).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(staff_page(&req, status, "admin_model", &data, Some(&s)))
}
