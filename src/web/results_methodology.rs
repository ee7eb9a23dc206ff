//! `GET /results/{slug}/methodology`: the questionnaire as asked (all versions), the weighting targets and
//! diagnostics, and what the margin of error means.

use super::error::WebError;
use super::results::{can_see_unpublished, page_lang, results_of, Results};
use super::results_texts::Texts;
use super::results_view::{self as view, field_dates, lang_links, pct, texts, urlencode, variable_label};
use super::views::methodology::{
    CodeLabel, MethodologyPage, PageView, PopulationView, QuestionAsked, SurveyFacts, TrimView, VersionView,
    WeightingCategory, WeightingVariable, WeightingView,
};
use super::{pages, public, State};
use crate::definition::{AnswerOption, Definition, Question, QuestionKind};
use crate::i18n::{self, Args};
use crate::report::category_label;
use actix_web::{web, HttpRequest, HttpResponse};

fn question_view(def: &Definition, q: &Question, lang: &str) -> QuestionAsked {
    let label = |o: &AnswerOption| CodeLabel {
        code: o.code.clone(),
        label: def.text(&o.label, lang).to_owned(),
    };
    let described = q.kind.as_type().described(def, lang);
    QuestionAsked {
        id: q.id.clone(),
        kind: i18n::text(lang, &format!("methodology-type-{}", q.kind.name())),
        info: matches!(q.kind, QuestionKind::Info),
        text: def.text(&q.text, lang).to_owned(),
        hint: q.hint.as_ref().map(|h| def.text(h, lang).to_owned()),
        required: q.required,
        show_if: q.show_if.clone(),
        track: q.track.clone(),
        options: described.options.into_iter().map(label).collect(),
        rows: described.rows.into_iter().map(label).collect(),
        extra: described.note,
    }
}

fn methodology_view(state: &State, r: &Results, lang: &str) -> Result<MethodologyPage, WebError> {
    let s = &*r.summary;
    let def = &r.version.definition;
    let dec = |v: f64, decimals: usize| i18n::numbers::decimal(lang, v, decimals);
    let mut versions = Vec::new();
    for n in (1..=r.survey.current_version).rev() {
        let v = state.definitions.get(&state.store, &r.survey, n)?;
        let d = &v.definition;
        let pages: Vec<PageView> = d
            .pages
            .iter()
            .map(|p| PageView {
                id: p.id.clone(),
                title: p.title.as_ref().map(|t| d.text(t, lang).to_owned()),
                questions: p.questions.iter().map(|q| question_view(d, q, lang)).collect(),
            })
            .collect();
        versions.push(VersionView {
            version: n,
            current: n == r.survey.current_version,
            title: d.text(&d.title, lang).to_owned(),
            pages,
        });
    }
    let weighting = s.weighting.as_ref().map(|w| {
        let variables: Vec<WeightingVariable> = w
            .variables
            .iter()
            .map(|v| WeightingVariable {
                name: v.name.clone(),
                label: variable_label(def, &v.name, lang),
                categories: v
                    .categories
                    .iter()
                    .map(|c| WeightingCategory {
                        label: category_label(def, &v.name, &c.category.0, lang),
                        n: c.n,
                        sample: pct(lang, Some(c.sample_share)),
                        weighted: pct(lang, Some(c.weighted_share)),
                        target: pct(lang, Some(c.target_share)),
                    })
                    .collect(),
            })
            .collect();
        WeightingView {
            method: i18n::text(lang, &format!("methodology-method-{}", w.method.as_str())),
            iterations: w.iterations,
            converged: i18n::text(
                lang,
                if w.converged {
                    "methodology-yes"
                } else {
                    "methodology-no"
                },
            ),
            max_gap: format!("{}%", dec(w.max_gap * 100.0, 4)),
            deff: dec(w.deff, 3),
            effective_n: format!("{:.0}", w.effective_n),
            weight_min: dec(w.weight_min, 3),
            weight_max: dec(w.weight_max, 3),
            weight_mean: dec(w.weight_mean, 3),
            weight_cv: dec(w.weight_cv, 3),
            n: w.n,
            n_excluded: w.n_excluded,
            trim: w.trim.as_ref().map(|t| TrimView {
                lower: dec(t.lower, 3),
                upper: dec(t.upper, 3),
                n_trimmed: t.n_trimmed,
            }),
            notes: w.notes.clone(),
            variables,
        }
    });
    let population = r.version.population.as_ref().map(|p| PopulationView {
        title: p
            .title
            .get(lang)
            .or_else(|| p.title.values().next())
            .cloned()
            .unwrap_or_else(|| p.name.clone()),
        source: p.source.clone(),
    });
    // Margin of error of a share among all respondents: 1.96 · √(p(1 − p)/n_eff).
    let moe = |p: f64| {
        s.effective_n
            .filter(|n| *n > 0.0)
            .map(|n| 1.959964 * (p * (1.0 - p) / n).sqrt() * 100.0)
    };
    let margin = match (moe(0.5), moe(0.2)) {
        (Some(m50), Some(m20)) => {
            let args = Args::new()
                .str("effective_n", format!("{:.0}", s.effective_n.unwrap_or(0.0)))
                .str("m50", dec(m50, 1))
                .str("m20", dec(m20, 1))
                .str("deff", dec(s.weighting.as_ref().map_or(1.0, |w| w.deff), 2));
            if s.sample.is_probability() {
                i18n::text_with(lang, "methodology-margin-text", &args)
            } else {
                i18n::text_with(lang, "methodology-margin-text-credibility", &args)
            }
        }
        _ => String::new(),
    };
    let base = format!("/results/{}", urlencode(&s.slug));
    Ok(MethodologyPage {
        lang: lang.to_owned(),
        title: s.title.clone(),
        t: texts(lang),
        m: Texts::catalog(lang, "methodology-"),
        suppression: i18n::text_with(
            lang,
            "methodology-suppression",
            &Args::new().num("min_cell", f64::from(s.min_cell)),
        ),
        survey: SurveyFacts {
            title: s.title.clone(),
            slug: s.slug.clone(),
            href: base.clone(),
            dates: field_dates(def, lang),
            n: s.n,
            n_analysed: s.n_analysed,
            effective_n: s.effective_n.map(|v| format!("{v:.0}")),
            min_cell: s.min_cell,
            weighting_note: view::weighting_note(s, def, r.version.population.as_ref(), lang),
            weighting_error: s.weighting_error.clone(),
            design_weighted: def.design.as_ref().is_some_and(|d| d.weight.is_some()),
            scheme_variables: def
                .weighting
                .as_ref()
                .map(|w| w.variables.iter().map(|v| variable_label(def, v, lang)).collect()),
        },
        population,
        weighting,
        margin,
        recruitment: recruitment(s, def, lang),
        screening: screening_text(s, lang),
        versions,
        indices: super::results_index::methodology_indices(&s.questions, lang),
        lang_links: lang_links(&format!("{base}/methodology"), lang),
    })
}

/// How respondents were recruited and, for samples other than probability samples, what the intervals
/// assume: that weighting by the scheme's variables removes the differences between respondents and the
/// population (AAPOR guidance on opt-in samples).
fn recruitment(s: &crate::report::Summary, def: &crate::definition::Definition, lang: &str) -> String {
    let how = i18n::text(lang, &format!("methodology-recruitment-{}", s.sample.name()));
    if s.sample.is_probability() {
        return how;
    }
    let variables: Vec<String> = def
        .weighting
        .as_ref()
        .map(|w| w.variables.iter().map(|v| variable_label(def, v, lang)).collect())
        .unwrap_or_default();
    let assumption = if variables.is_empty() || s.weighting.is_none() {
        i18n::text(lang, "methodology-assumption-unweighted")
    } else {
        i18n::text_with(
            lang,
            "methodology-assumption-weighted",
            &Args::new().str("variables", variables.join(", ")),
        )
    };
    format!("{how} {assumption}")
}

/// How many complete responses quality screening left out of the estimates, and why.
fn screening_text(s: &crate::report::Summary, lang: &str) -> String {
    let Some(x) = s.excluded.as_ref().filter(|x| x.total > 0) else {
        return i18n::text(lang, "quality-methodology-none");
    };
    let reviewed = x.reviewed.iter().map(|r| {
        let args = Args::new().str("reason", r.reason.clone()).num("count", r.n as f64);
        i18n::text_with(lang, "quality-methodology-reviewed", &args)
    });
    let automatic = x.automatic.iter().map(|r| {
        let flag = i18n::text(lang, &format!("quality-flag-{}", r.reason));
        let args = Args::new().str("flag", flag).num("count", r.n as f64);
        i18n::text_with(lang, "quality-methodology-automatic", &args)
    });
    let reasons = automatic.chain(reviewed).collect::<Vec<_>>().join("; ");
    let args = Args::new().num("total", x.total as f64).str("reasons", reasons);
    i18n::text_with(lang, "quality-methodology-excluded", &args)
}

/// `GET /results/{slug}/methodology`.
pub async fn methodology_page(
    req: HttpRequest,
    state: State,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let (st, l) = (state.clone(), lang.clone());
    let v = web::block(move || {
        let r = results_of(&st, &slug, Some(&l), staff)?;
        methodology_view(&st, &r, &l)
    })
    .await??;
    Ok(public::html(pages::render("methodology", &v)))
}
