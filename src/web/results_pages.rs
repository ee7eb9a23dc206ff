//! Results across surveys and about one survey's method:
//! - `GET /results`: every published survey, newest first, grouped by year, with its headline figure;
//! - `GET /topics/{topic}`: the same for one topic;
//! - `GET /trends/{track}`: a tracked question over the surveys that asked it;
//! - `GET /results/{slug}/methodology`: the questionnaire as asked (all versions), the weighting targets
//!   and diagnostics, and what the margin of error means.
//!
//! Trends. Each wave's estimates are those of its own results page (its own weighting). For a scale the
//! first chart is the mean (1..k, "hard to say" excluded); then, as small multiples, the share of every
//! option (the same shares as on the results pages, "hard to say" included in the base). Every change
//! between consecutive waves is tested as a difference of independent estimates,
//! z = (p₂ − p₁)/√(SE₁² + SE₂²) (`stats::difference_of_independent`, the SEs are the design-based ones of
//! each survey), and marked significant when the two-sided p < 0.05. Why each option rather than a "top-2
//! box": the summary publishes each option's share with its design-based SE, so the trend shows exactly
//! the published numbers; a combined share would need the covariance of two options, which the summary
//! does not carry, and "top-2" means nothing for a single-choice question.

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::error::WebError;
use super::results::{can_see_unpublished, page_lang, results_of, Results};
use super::results_view::{
    self as view, dict, field_dates, lang_links, pct, pct_interval, texts, topic_label, urlencode, variable_label,
};
use super::{pages, public, State};
use crate::catalog::LoadedVersion;
use crate::chart::{self, Change, WaveInput};
use crate::definition::{AnswerOption, Definition, DerivedRule, Question, QuestionKind};
use crate::report::{OptionEstimate, QuestionSummary, LEVEL};
use crate::store::SurveyRow;

/// Surveys whose results the request may see, newest first (by opening date, else import date).
fn visible_surveys(
    state: &State,
    staff: bool,
    topic: Option<&str>,
) -> Result<Vec<(SurveyRow, Arc<LoadedVersion>)>, WebError> {
    let mut out = Vec::new();
    for row in state.store.list_surveys()? {
        if !(row.results_published || staff) || topic.is_some_and(|t| t != row.topic) {
            continue;
        }
        let v = state.definitions.get(&state.store, &row, row.current_version)?;
        out.push((row, v));
    }
    out.sort_by_key(|(row, v)| std::cmp::Reverse(survey_date(row, &v.definition)));
    Ok(out)
}

/// The date a survey is filed under: its opening date, else when it was imported.
fn survey_date(row: &SurveyRow, def: &Definition) -> chrono::NaiveDate {
    def.opens.unwrap_or_else(|| row.created_at.date())
}

/// The headline of a survey: its first substantive question — a tracked one, else the first scale, else the
/// first choice question that is not a respondent characteristic (weighting or breakdown variable) — as
/// its mean (scales) or its most chosen answer.
fn headline(r: &Results) -> Option<Value> {
    let def = &r.version.definition;
    let trait_vars: Vec<&str> = r
        .summary
        .breakdowns
        .iter()
        .map(|b| b.id.as_str())
        .chain(
            def.weighting
                .iter()
                .flat_map(|w| w.variables.iter().map(String::as_str)),
        )
        .collect();
    let usable = |q: &&QuestionSummary| {
        !q.estimates.suppressed && q.estimates.options.iter().any(|o| !o.hard_to_say && o.share.is_some())
    };
    let qs = &r.summary.questions;
    let q = qs
        .iter()
        .filter(usable)
        .find(|q| q.track.is_some())
        .or_else(|| {
            qs.iter()
                .filter(usable)
                .find(|q| q.kind == "scale" && q.estimates.mean.is_some())
        })
        .or_else(|| qs.iter().filter(usable).find(|q| !trait_vars.contains(&q.id.as_str())))?;
    if let (Some(m), Some((lo, hi, _))) = (q.estimates.mean, scale_range(def, &q.id)) {
        return Some(json!({
            "question": q.text,
            "label": format!("{} ({}–{})", texts(&r.summary.language)["mean"].as_str().unwrap_or("mean"), lo, hi),
            "share": format!("{m:.2}"),
            "interval": match (q.estimates.ci_low, q.estimates.ci_high) {
                (Some(l), Some(h)) => format!("{l:.2}–{h:.2}"),
                _ => String::new(),
            },
        }));
    }
    let top = q
        .estimates
        .options
        .iter()
        .filter(|o| !o.hard_to_say && !o.suppressed)
        .filter_map(|o| o.share.map(|s| (o, s)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    Some(json!({
        "question": q.text,
        "label": top.label,
        "share": pct(top.share),
        "interval": pct_interval(top.ci_low, top.ci_high),
    }))
}

/// The calendar view of the given surveys: by year, newest first.
fn calendar(state: &State, lang: &str, staff: bool, topic: Option<&str>) -> Result<Vec<Value>, WebError> {
    let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
    for (row, v) in visible_surveys(state, staff, topic)? {
        let r = results_of(state, &row.slug, Some(lang), staff)?;
        let year = chrono::Datelike::year(&survey_date(&row, &v.definition));
        let item = json!({
            "slug": row.slug,
            "href": format!("/results/{}", urlencode(&row.slug)),
            "title": r.summary.title,
            "topic_label": topic_label(&row.topic, lang),
            "topic_href": format!("/topics/{}", urlencode(&row.topic)),
            "dates": field_dates(&v.definition),
            "n": r.summary.n,
            "effective_n": r.summary.effective_n.map(|e| format!("{e:.0}")),
            "headline": headline(&r),
        });
        match years.last_mut() {
            Some((y, items)) if *y == year => items.push(item),
            _ => years.push((year, vec![item])),
        }
    }
    Ok(years
        .into_iter()
        .map(|(year, surveys)| json!({"year": year, "surveys": surveys}))
        .collect())
}

/// `GET /results`: all published results, newest first, by year.
pub async fn results_index(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let (st, l) = (state.clone(), lang.clone());
    let years = web::block(move || calendar(&st, &l, staff, None)).await??;
    let tx = texts(&lang);
    let body = pages::render(
        "results_list",
        &json!({
            "lang": lang,
            "title": tx["results"],
            "heading": tx["results"],
            "t": tx,
            "years": years,
            "lang_links": lang_links("/results", &lang),
        }),
    );
    Ok(public::html(body))
}

/// `GET /topics/{topic}`: the published results of one topic.
pub async fn topic_page(req: HttpRequest, state: State, topic: web::Path<String>) -> Result<HttpResponse, WebError> {
    let topic = topic.into_inner();
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let (st, l, tp) = (state.clone(), lang.clone(), topic.clone());
    let years = web::block(move || calendar(&st, &l, staff, Some(&tp))).await??;
    if years.is_empty() {
        return Err(WebError::NotFound(format!(
            "no published results on the topic '{topic}'"
        )));
    }
    let tx = texts(&lang);
    let label = topic_label(&topic, &lang);
    let body = pages::render(
        "topic",
        &json!({
            "lang": lang,
            "title": label,
            "heading": label,
            "t": tx,
            "years": years,
            "lang_links": lang_links(&format!("/topics/{}", urlencode(&topic)), &lang),
        }),
    );
    Ok(public::html(body))
}

/// One wave of a tracked question.
struct Wave {
    label: String,
    title: String,
    href: String,
    n: usize,
    question: QuestionSummary,
    scale: Option<(f64, f64, Vec<f64>)>,
}

fn waves_of(state: &State, track: &str, lang: &str, staff: bool) -> Result<Vec<Wave>, WebError> {
    let mut out = Vec::new();
    let mut surveys = visible_surveys(state, staff, None)?;
    surveys.reverse(); // oldest first
    for (row, v) in surveys {
        let def = &v.definition;
        if !def.questions().any(|(_, q)| q.track.as_deref() == Some(track)) {
            continue;
        }
        let r = results_of(state, &row.slug, Some(lang), staff)?;
        let Some(q) = r.summary.questions.iter().find(|q| q.track.as_deref() == Some(track)) else {
            continue;
        };
        let date = survey_date(&row, def);
        out.push(Wave {
            label: date.format("%Y-%m").to_string(),
            title: r.summary.title.clone(),
            href: format!("/results/{}", urlencode(&row.slug)),
            n: r.summary.n,
            scale: scale_range(def, &q.id),
            question: q.clone(),
        });
    }
    Ok(out)
}

fn scale_range(def: &Definition, qid: &str) -> Option<(f64, f64, Vec<f64>)> {
    match &def.question(qid)?.kind {
        QuestionKind::Scale(s) => {
            let v: Vec<f64> = s.points.iter().filter_map(|p| s.value(&p.code)).collect();
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (min.is_finite() && max > min).then_some((min, max, v))
        }
        _ => None,
    }
}

/// A value of one wave: estimate, SE and interval (None when suppressed or absent).
#[derive(Clone, Copy)]
struct Point {
    value: f64,
    se: f64,
    lo: Option<f64>,
    hi: Option<f64>,
}

/// The change from `a` to `b` by the difference of independent estimates at the 95% level.
fn change(a: Option<Point>, b: Option<Point>) -> Option<(Change, f64, f64)> {
    let (a, b) = (a?, b?);
    let d = crate::stats::difference_of_independent(b.value, b.se, a.value, a.se, LEVEL).ok()?;
    let c = if d.p_value < 1.0 - LEVEL {
        if d.diff > 0.0 {
            Change::Up
        } else {
            Change::Down
        }
    } else {
        Change::NotSignificant
    };
    Some((c, d.diff, d.p_value))
}

fn option_point(o: &OptionEstimate) -> Option<Point> {
    if o.suppressed {
        return None;
    }
    Some(Point {
        value: o.share?,
        se: o.se?,
        lo: o.ci_low,
        hi: o.ci_high,
    })
}

/// One series (the mean, or one option's share) over the waves: its chart and table.
fn series(
    id: &str,
    label: &str,
    waves: &[Wave],
    points: &[Option<Point>],
    percent: bool,
    axis: (f64, f64, Vec<f64>),
    tx: &Value,
) -> Value {
    let changes: Vec<Option<(Change, f64, f64)>> =
        (1..points.len()).map(|i| change(points[i - 1], points[i])).collect();
    let inputs: Vec<WaveInput> = waves
        .iter()
        .zip(points)
        .map(|(w, p)| WaveInput {
            label: w.label.clone(),
            value: p.map(|p| p.value),
            ci_low: p.and_then(|p| p.lo),
            ci_high: p.and_then(|p| p.hi),
        })
        .collect();
    let fmt = |v: f64| {
        if percent {
            pct(Some(v))
        } else {
            format!("{v:.2}")
        }
    };
    let desc = inputs
        .iter()
        .map(|w| format!("{}: {}", w.label, w.value.map_or_else(|| "—".to_owned(), fmt)))
        .collect::<Vec<_>>()
        .join("; ");
    let chart = chart::trend(
        id,
        label,
        &desc,
        &inputs,
        &changes.iter().map(|c| c.map(|(k, _, _)| k)).collect::<Vec<_>>(),
        (axis.0, axis.1, &axis.2),
        percent,
    );
    let rows: Vec<Value> = waves
        .iter()
        .zip(points)
        .enumerate()
        .map(|(i, (w, p))| {
            let ch = if i == 0 { None } else { changes[i - 1] };
            let change = ch.map(|(k, diff, p_value)| {
                let amount = if percent {
                    format!("{:+.1} {}", diff * 100.0, tx["pp"].as_str().unwrap_or("pp"))
                } else {
                    format!("{diff:+.2}")
                };
                let (class, word) = match k {
                    Change::Up => ("up", tx["significant_up"].as_str().unwrap_or("")),
                    Change::Down => ("down", tx["significant_down"].as_str().unwrap_or("")),
                    Change::NotSignificant => ("ns", tx["not_significant"].as_str().unwrap_or("")),
                };
                json!({"class": class, "text": format!("{amount}: {word} (p = {p_value:.3})")})
            });
            json!({
                "wave": w.label,
                "title": w.title,
                "href": w.href,
                "value": p.map_or_else(|| "—".to_owned(), |p| fmt(p.value)),
                "interval": p.map_or_else(String::new, |p| if percent { pct_interval(p.lo, p.hi) } else {
                    match (p.lo, p.hi) { (Some(l), Some(h)) => format!("{l:.2}–{h:.2}"), _ => String::new() }
                }),
                "change": change,
            })
        })
        .collect();
    json!({"label": label, "chart": chart, "rows": rows})
}

fn trend_view(waves: &[Wave], track: &str, lang: &str) -> Value {
    let tx = texts(lang);
    let last = &waves[waves.len() - 1].question;
    let mut all_series = Vec::new();
    let tid = view::dom_id("trend", track);
    if let Some(axis) = waves.iter().rev().find_map(|w| w.scale.clone()) {
        let points: Vec<Option<Point>> = waves
            .iter()
            .map(|w| {
                let e = &w.question.estimates;
                (!e.suppressed).then_some(()).and_then(|_| {
                    Some(Point {
                        value: e.mean?,
                        se: e.se?,
                        lo: e.ci_low,
                        hi: e.ci_high,
                    })
                })
            })
            .collect();
        all_series.push(series(
            &format!("{tid}-mean"),
            tx["mean"].as_str().unwrap_or("Mean"),
            waves,
            &points,
            false,
            axis,
            &tx,
        ));
    }
    // Options in the order of the latest wave, then any only older waves had.
    let mut codes: Vec<(String, String)> = Vec::new();
    for w in waves.iter().rev() {
        for o in &w.question.estimates.options {
            if !codes.iter().any(|(c, _)| *c == o.code) {
                codes.push((o.code.clone(), o.label.clone()));
            }
        }
    }
    let option_points: Vec<Vec<Option<Point>>> = codes
        .iter()
        .map(|(code, _)| {
            waves
                .iter()
                .map(|w| {
                    w.question
                        .estimates
                        .options
                        .iter()
                        .find(|o| o.code == *code)
                        .and_then(option_point)
                })
                .collect()
        })
        .collect();
    let max = option_points
        .iter()
        .flatten()
        .flatten()
        .filter_map(|p| p.hi.or(Some(p.value)))
        .fold(0.0_f64, f64::max);
    let share_max = [0.2, 0.4, 0.6, 0.8].into_iter().find(|m| max <= *m).unwrap_or(1.0);
    let ticks = chart::share_ticks(share_max);
    for ((code, label), points) in codes.iter().zip(&option_points) {
        all_series.push(series(
            &view::dom_id(&format!("{tid}-o"), code),
            label,
            waves,
            points,
            true,
            (0.0, share_max, ticks.clone()),
            &tx,
        ));
    }
    let ru = lang == "ru";
    json!({
        "lang": lang,
        "title": last.text,
        "track": track,
        "question": last.text,
        "t": tx,
        "waves": waves.iter().map(|w| json!({"label": w.label, "title": w.title, "href": w.href, "n": w.n})).collect::<Vec<_>>(),
        "series": all_series,
        "method": if ru {
            "Каждая волна взвешена отдельно. Изменение между соседними волнами проверяется как разность независимых оценок: z = (p₂ − p₁) / √(SE₁² + SE₂²); значимым считается изменение при p < 0,05 (сплошная линия), незначимое показано пунктиром. Доли — как на страницах результатов, среднее — по шкале без «затрудняюсь ответить»."
        } else {
            "Each wave is weighted on its own. The change between consecutive waves is tested as a difference of independent estimates: z = (p₂ − p₁) / √(SE₁² + SE₂²); a change with p < 0.05 is significant (solid line), others are dashed. Shares are those of the results pages; the mean is on the scale without “hard to say”."
        },
        "lang_links": lang_links(&format!("/trends/{}", urlencode(track)), lang),
    })
}

/// `GET /trends/{track}`: a tracked question over the surveys that asked it.
pub async fn trend_page(req: HttpRequest, state: State, track: web::Path<String>) -> Result<HttpResponse, WebError> {
    let track = track.into_inner();
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let (st, l, tr) = (state.clone(), lang.clone(), track.clone());
    let waves = web::block(move || waves_of(&st, &tr, &l, staff)).await??;
    if waves.is_empty() {
        return Err(WebError::NotFound(format!(
            "no published results ask the tracked question '{track}'"
        )));
    }
    Ok(public::html(pages::render("trend", &trend_view(&waves, &track, &lang))))
}

/// Label of a category of a weighting variable (a bin's or option's label, else the code).
fn category_label(def: &Definition, var: &str, code: &str, lang: &str) -> String {
    if let Some(d) = def.derived_variable(var) {
        if let DerivedRule::Bins(bins) = &d.rule {
            if let Some(l) = bins.iter().find(|b| b.code == code).and_then(|b| b.label.as_ref()) {
                return def.text(l, lang).to_owned();
            }
        }
        return code.to_owned();
    }
    let opts: Vec<&AnswerOption> = match def.question(var).map(|q| &q.kind) {
        Some(QuestionKind::SingleChoice(c)) => c.options.iter().chain(c.other.iter()).collect(),
        Some(QuestionKind::Scale(s)) => s.points.iter().chain(s.hard_to_say.iter()).collect(),
        _ => Vec::new(),
    };
    opts.into_iter()
        .find(|o| o.code == code)
        .map_or_else(|| code.to_owned(), |o| def.text(&o.label, lang).to_owned())
}

fn question_view(def: &Definition, q: &Question, lang: &str) -> Value {
    let label = |o: &AnswerOption| json!({"code": o.code, "label": def.text(&o.label, lang)});
    let (options, rows, extra): (Vec<Value>, Vec<Value>, String) = match &q.kind {
        QuestionKind::SingleChoice(c) => (
            c.options.iter().chain(c.other.iter()).map(label).collect(),
            vec![],
            String::new(),
        ),
        QuestionKind::MultipleChoice(c) => (
            c.options.iter().chain(c.other.iter()).map(label).collect(),
            vec![],
            c.max_choices.map_or_else(String::new, |m| format!("max {m}")),
        ),
        QuestionKind::Scale(s) => (
            s.points.iter().chain(s.hard_to_say.iter()).map(label).collect(),
            vec![],
            String::new(),
        ),
        QuestionKind::Matrix(m) => (
            m.points.iter().chain(m.hard_to_say.iter()).map(label).collect(),
            m.rows.iter().map(label).collect(),
            String::new(),
        ),
        QuestionKind::Ranking(r) => (r.options.iter().map(label).collect(), vec![], String::new()),
        QuestionKind::Number(n) => (
            vec![],
            vec![],
            format!(
                "{}{}{}",
                n.min.map_or_else(String::new, |v| format!("min {v} ")),
                n.max.map_or_else(String::new, |v| format!("max {v} ")),
                n.unit
                    .as_ref()
                    .map_or_else(String::new, |u| def.text(u, lang).to_owned())
            ),
        ),
        QuestionKind::Text(t) => (
            vec![],
            vec![],
            t.max_length.map_or_else(String::new, |m| format!("≤ {m}")),
        ),
        QuestionKind::ConstantSum(c) => (
            c.options.iter().map(label).collect(),
            vec![],
            crate::question::constant_sum::note(c),
        ),
        QuestionKind::Date(_) | QuestionKind::Info => (vec![], vec![], String::new()),
    };
    json!({
        "id": q.id,
        "type": q.kind.name(),
        "info": matches!(q.kind, QuestionKind::Info),
        "text": def.text(&q.text, lang),
        "hint": q.hint.as_ref().map(|h| def.text(h, lang)),
        "required": q.required,
        "show_if": q.show_if.as_ref().and_then(|c| serde_json::to_value(c).ok()),
        "track": q.track,
        "options": options,
        "rows": rows,
        "extra": extra,
    })
}

fn methodology_view(state: &State, r: &Results, lang: &str) -> Result<Value, WebError> {
    let s = &*r.summary;
    let def = &r.version.definition;
    let ru = lang == "ru";
    let mut versions = Vec::new();
    for n in (1..=r.survey.current_version).rev() {
        let v = state.definitions.get(&state.store, &r.survey, n)?;
        let d = &v.definition;
        let pages: Vec<Value> = d
            .pages
            .iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "title": p.title.as_ref().map(|t| d.text(t, lang)),
                    "questions": p.questions.iter().map(|q| question_view(d, q, lang)).collect::<Vec<_>>(),
                })
            })
            .collect();
        versions.push(json!({"version": n, "current": n == r.survey.current_version, "title": d.text(&d.title, lang), "pages": pages}));
    }
    let weighting = s.weighting.as_ref().map(|w| {
        let variables: Vec<Value> = w
            .variables
            .iter()
            .map(|v| {
                json!({
                    "name": v.name,
                    "label": variable_label(def, &v.name, lang),
                    "categories": v.categories.iter().map(|c| json!({
                        "label": category_label(def, &v.name, &c.category.0, lang),
                        "n": c.n,
                        "sample": pct(Some(c.sample_share)),
                        "weighted": pct(Some(c.weighted_share)),
                        "target": pct(Some(c.target_share)),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "method": w.method.as_str(),
            "iterations": w.iterations,
            "converged": w.converged,
            "max_gap": format!("{:.4}%", w.max_gap * 100.0),
            "deff": format!("{:.3}", w.deff),
            "effective_n": format!("{:.0}", w.effective_n),
            "weight_min": format!("{:.3}", w.weight_min),
            "weight_max": format!("{:.3}", w.weight_max),
            "weight_mean": format!("{:.3}", w.weight_mean),
            "weight_cv": format!("{:.3}", w.weight_cv),
            "n": w.n,
            "n_excluded": w.n_excluded,
            "trim": w.trim.as_ref().map(|t| json!({"lower": format!("{:.3}", t.lower), "upper": format!("{:.3}", t.upper), "n_trimmed": t.n_trimmed})),
            "notes": w.notes,
            "variables": variables,
        })
    });
    let population = r.version.population.as_ref().map(|p| {
        json!({
            "title": p.title.get(lang).or_else(|| p.title.values().next()).cloned().unwrap_or_else(|| p.name.clone()),
            "source": p.source,
        })
    });
    // Margin of error of a share among all respondents: 1.96 · √(p(1 − p)/n_eff).
    let moe = |p: f64| {
        s.effective_n
            .filter(|n| *n > 0.0)
            .map(|n| 1.959964 * (p * (1.0 - p) / n).sqrt() * 100.0)
    };
    let margin = match (moe(0.5), moe(0.2)) {
        (Some(m50), Some(m20)) => {
            if ru {
                format!(
                    "Предел погрешности — половина ширины 95% интервала. При эффективном размере выборки {:.0} он составляет около ±{m50:.1} п.п. для доли 50% и ±{m20:.1} п.п. для доли 20% среди всех опрошенных; в подгруппах он больше, потому что ответивших меньше. Если бы опрос повторили много раз тем же способом, в 95 случаях из 100 интервал накрыл бы долю среди всего населения. Интервалы учитывают взвешивание (дизайн-эффект {:.2}), но не ошибки, не связанные с выборкой: формулировки вопросов, отказы от участия, неточные ответы.",
                    s.effective_n.unwrap_or(0.0),
                    s.weighting.as_ref().map_or(1.0, |w| w.deff)
                )
            } else {
                format!(
                    "The margin of error is half the width of the 95% interval. With an effective sample size of {:.0} it is about ±{m50:.1} percentage points for a share of 50% and ±{m20:.1} points for a share of 20% among all respondents; it is larger in subgroups, which have fewer respondents. If the survey were repeated many times in the same way, 95 intervals in 100 would contain the share in the whole population. The intervals account for weighting (design effect {:.2}) but not for errors other than sampling: question wording, non-response, inaccurate answers.",
                    s.effective_n.unwrap_or(0.0),
                    s.weighting.as_ref().map_or(1.0, |w| w.deff)
                )
            }
        }
        _ => String::new(),
    };
    let base = format!("/results/{}", urlencode(&s.slug));
    Ok(json!({
        "lang": lang,
        "title": s.title,
        "t": texts(lang),
        "m": methodology_texts(lang),
        "suppression": methodology_texts(lang)["suppression"].as_str().unwrap_or("").replace("{n}", &s.min_cell.to_string()),
        "survey": {
            "title": s.title,
            "slug": s.slug,
            "href": base,
            "dates": field_dates(def),
            "n": s.n,
            "n_analysed": s.n_analysed,
            "effective_n": s.effective_n.map(|v| format!("{v:.0}")),
            "min_cell": s.min_cell,
            "weighting_note": view::weighting_note(s, def, r.version.population.as_ref(), lang),
            "weighting_error": s.weighting_error,
            "scheme_variables": def.weighting.as_ref().map(|w| w.variables.iter().map(|v| variable_label(def, v, lang)).collect::<Vec<_>>()),
        },
        "population": population,
        "weighting": weighting,
        "margin": margin,
        "versions": versions,
        "lang_links": lang_links(&format!("{base}/methodology"), lang),
    }))
}

fn methodology_texts(lang: &str) -> Value {
    if lang == "ru" {
        dict(&[
            ("heading", "Методика"),
            ("questionnaire", "Анкета"),
            ("version", "Версия"),
            ("current", "текущая"),
            ("required", "обязательный"),
            ("shown_if", "задаётся, если"),
            ("weighting", "Взвешивание"),
            ("population", "Генеральная совокупность"),
            ("source", "Источник"),
            ("diagnostics", "Выборка и население до и после взвешивания"),
            ("category", "Категория"),
            ("n", "Опрошено"),
            ("sample", "Доля в выборке (до)"),
            ("weighted", "После взвешивания"),
            ("target", "Доля в населении"),
            ("method", "Метод"),
            ("iterations", "Итераций"),
            ("converged", "Сошлось"),
            ("max_gap", "Наибольшее расхождение с целевыми долями"),
            ("deff", "Дизайн-эффект взвешивания (Киш)"),
            ("effective_n", "Эффективный размер выборки"),
            ("weights", "Веса: мин / макс / среднее / коэф. вариации"),
            ("trim", "Обрезка весов"),
            ("excluded", "Исключено из взвешивания"),
            ("margin", "Что означает погрешность"),
            (
                "suppression",
                "Ячейки, где меньше {n} ответивших, не публикуются и показаны «—».",
            ),
            ("back", "К результатам"),
            ("unweighted", "Опрос не взвешивается."),
        ])
    } else {
        dict(&[
            ("heading", "Methodology"),
            ("questionnaire", "Questionnaire"),
            ("version", "Version"),
            ("current", "current"),
            ("required", "required"),
            ("shown_if", "asked if"),
            ("weighting", "Weighting"),
            ("population", "Population"),
            ("source", "Source"),
            ("diagnostics", "Sample and population before and after weighting"),
            ("category", "Category"),
            ("n", "Respondents"),
            ("sample", "Sample share (before)"),
            ("weighted", "After weighting"),
            ("target", "Population share"),
            ("method", "Method"),
            ("iterations", "Iterations"),
            ("converged", "Converged"),
            ("max_gap", "Largest remaining gap to the targets"),
            ("deff", "Design effect due to weighting (Kish)"),
            ("effective_n", "Effective sample size"),
            ("weights", "Weights: min / max / mean / coefficient of variation"),
            ("trim", "Weight trimming"),
            ("excluded", "Left out of weighting"),
            ("margin", "What the margin of error means"),
            (
                "suppression",
                "Cells with fewer than {n} respondents are not published and shown as “—”.",
            ),
            ("back", "Back to the results"),
            ("unweighted", "This survey is not weighted."),
        ])
    }
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
