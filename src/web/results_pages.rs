//! Results across surveys:
//! - `GET /results`: every published survey, newest first, grouped by year, with its headline figure;
//! - `GET /topics/{topic}`: the same for one topic;
//! - `GET /trends/{track}`: a tracked question over the surveys that asked it.
//!
//! The methodology page of a survey is in `results_methodology`.
//!
//! Trends: each wave's estimates are those of its own results page. For a scale the first chart is the
//! mean (1..k, "hard to say" excluded); then, as small multiples, the share of every option. Whether a
//! change between waves is significant is decided by `report::trend`.

use std::sync::Arc;

use super::error::WebError;
use super::results::{can_see_unpublished, page_lang, results_of, Results};
use super::results_view::{self as view, field_dates, lang_links, pct, pct_interval, texts, topic_label, urlencode};
use super::views::across::{
    ChangeNote, Headline, ListedResults, ResultsList, Series, SeriesRow, TrendPage, WaveLink, Year,
};
use super::{pages, public, State};
use crate::catalog::LoadedVersion;
use crate::chart::{self, WaveInput};
use crate::definition::{Definition, QuestionKind};
use crate::report::trend::{self, Point};
use crate::report::{QuestionSummary, QuestionType};
use crate::store::SurveyRow;
use actix_web::{web, HttpRequest, HttpResponse};

/// Surveys whose results the request may see, newest first (by opening date, else import date).
pub(super) fn visible_surveys(
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
fn headline(r: &Results) -> Option<Headline> {
    let def = &r.version.definition;
    let lang = r.summary.language.as_str();
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
                .find(|q| q.kind == QuestionType::Scale && q.estimates.mean.is_some())
        })
        .or_else(|| qs.iter().filter(usable).find(|q| !trait_vars.contains(&q.id.as_str())))?;
    if let (Some(m), Some((lo, hi, _))) = (q.estimates.mean, scale_range(def, &q.id)) {
        return Some(Headline {
            question: q.text.clone(),
            label: format!("{} ({}–{})", texts(&r.summary.language).get("mean"), lo, hi),
            share: view::num(lang, Some(m), 2),
            interval: view::num_interval(lang, q.estimates.ci_low, q.estimates.ci_high, 2),
        });
    }
    let top = q
        .estimates
        .options
        .iter()
        .filter(|o| !o.hard_to_say && !o.suppressed)
        .filter_map(|o| o.share.map(|s| (o, s)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    Some(Headline {
        question: q.text.clone(),
        label: top.label.clone(),
        share: pct(lang, top.share),
        interval: pct_interval(lang, top.ci_low, top.ci_high),
    })
}

/// The calendar view of the given surveys: by year, newest first.
fn calendar(state: &State, lang: &str, staff: bool, topic: Option<&str>) -> Result<Vec<Year>, WebError> {
    let mut years: Vec<(i32, Vec<ListedResults>)> = Vec::new();
    for (row, v) in visible_surveys(state, staff, topic)? {
        let r = results_of(state, &row.slug, Some(lang), staff)?;
        let year = chrono::Datelike::year(&survey_date(&row, &v.definition));
        let item = ListedResults {
            href: format!("/results/{}", urlencode(&row.slug)),
            title: r.summary.title.clone(),
            topic_label: view::topic_name(&v.definition, lang),
            topic_href: format!("/topics/{}", urlencode(&row.topic)),
            dates: field_dates(&v.definition, lang),
            n: r.summary.n,
            effective_n: r.summary.effective_n.map(|e| format!("{e:.0}")),
            headline: headline(&r),
            slug: row.slug,
        };
        match years.last_mut() {
            Some((y, items)) if *y == year => items.push(item),
            _ => years.push((year, vec![item])),
        }
    }
    Ok(years
        .into_iter()
        .map(|(year, surveys)| Year { year, surveys })
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
        &ResultsList {
            title: tx.get("results").to_owned(),
            heading: tx.get("results").to_owned(),
            t: tx,
            years,
            lang_links: lang_links("/results", &lang),
            lang,
        },
    );
    Ok(public::html(body))
}

/// `GET /topics/{topic}`: the published results of one topic.
pub async fn topic_page(req: HttpRequest, state: State, topic: web::Path<String>) -> Result<HttpResponse, WebError> {
    let topic = topic.into_inner();
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let (st, l, tp) = (state.clone(), lang.clone(), topic.clone());
    let (years, label) =
        web::block(move || Ok::<_, WebError>((calendar(&st, &l, staff, Some(&tp))?, topic_title(&st, &tp, &l)?)))
            .await??;
    if years.is_empty() {
        return Err(WebError::NotFound(format!(
            "no published results on the topic '{topic}'"
        )));
    }
    let body = pages::render(
        "topic",
        &ResultsList {
            title: label.clone(),
            heading: label,
            t: texts(&lang),
            years,
            lang_links: lang_links(&format!("/topics/{}", urlencode(&topic)), &lang),
            lang,
        },
    );
    Ok(public::html(body))
}

/// A topic's name in `lang`, from a definition that names it, else the built-in name or the code.
fn topic_title(state: &State, topic: &str, lang: &str) -> Result<String, WebError> {
    for row in state.store.list_surveys()?.into_iter().filter(|r| r.topic == topic) {
        let v = state.definitions.get(&state.store, &row, row.current_version)?;
        if v.definition
            .topic_label
            .as_ref()
            .is_some_and(|t| t.exact(lang).is_some())
        {
            return Ok(view::topic_name(&v.definition, lang));
        }
    }
    Ok(topic_label(topic, lang))
}

/// One wave of a tracked question.
pub(super) struct Wave {
    pub label: String,
    pub title: String,
    pub href: String,
    pub n: usize,
    pub question: QuestionSummary,
    pub scale: Option<(f64, f64, Vec<f64>)>,
}

pub(super) fn waves_of(state: &State, track: &str, lang: &str, staff: bool) -> Result<Vec<Wave>, WebError> {
    let mut out = Vec::new();
    let mut surveys = visible_surveys(state, staff, None)?;
    surveys.reverse(); // oldest first
    for (row, v) in surveys {
        let def = &v.definition;
        let tracked = |t: &Option<String>| t.as_deref() == Some(track);
        if !def.questions().any(|(_, q)| tracked(&q.track)) && !def.indices.iter().any(|i| tracked(&i.track)) {
            continue;
        }
        let r = results_of(state, &row.slug, Some(lang), staff)?;
        let Some(q) = r.summary.questions.iter().find(|q| q.track.as_deref() == Some(track)) else {
            continue;
        };
        let date = survey_date(&row, def);
        out.push(Wave {
            label: crate::i18n::numbers::month(lang, date),
            title: r.summary.title.clone(),
            href: format!("/results/{}", urlencode(&row.slug)),
            n: r.summary.n,
            scale: scale_range(def, &q.id).or_else(|| super::results_index::index_axis(q)),
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

/// A change with its sign: "+2,5" / "−0,10".
fn signed(lang: &str, v: f64, decimals: usize) -> String {
    crate::i18n::numbers::with_separator(lang, &format!("{v:+.decimals$}"))
}

/// The chart's mark for a change between waves.
fn chart_change(c: trend::Change) -> chart::Change {
    match c {
        trend::Change::Up => chart::Change::Up,
        trend::Change::Down => chart::Change::Down,
        trend::Change::NotSignificant => chart::Change::NotSignificant,
    }
}

/// One series (the mean, or one option's share) over the waves: its chart and table.
fn series(
    id: &str,
    label: &str,
    waves: &[Wave],
    points: &[Option<Point>],
    percent: bool,
    axis: (f64, f64, Vec<f64>),
    lang: &str,
) -> Series {
    let tx = &texts(lang);
    let changes = trend::changes(points);
    let inputs: Vec<WaveInput> = waves
        .iter()
        .zip(points)
        .map(|(w, p)| WaveInput {
            label: w.label.clone(),
            value: p.map(|p| p.value),
            ci_low: p.and_then(|p| p.ci_low),
            ci_high: p.and_then(|p| p.ci_high),
        })
        .collect();
    let fmt = |v: f64| {
        if percent {
            pct(lang, Some(v))
        } else {
            view::num(lang, Some(v), 2)
        }
    };
    let desc = inputs
        .iter()
        .map(|w| format!("{}: {}", w.label, w.value.map_or_else(|| "—".to_owned(), fmt)))
        .collect::<Vec<_>>()
        .join("; ");
    let chart = super::chart_text::trend(
        chart::trend(
            id,
            label,
            &desc,
            &inputs,
            &changes
                .iter()
                .map(|c| c.map(|s| chart_change(s.change)))
                .collect::<Vec<_>>(),
            (axis.0, axis.1, &axis.2),
            percent,
        ),
        lang,
    );
    let rows: Vec<SeriesRow> = waves
        .iter()
        .zip(points)
        .enumerate()
        .map(|(i, (w, p))| {
            let ch = i.checked_sub(1).and_then(|k| changes.get(k).copied().flatten());
            let change = ch.map(
                |trend::Step {
                     change: k,
                     diff,
                     p_value,
                 }| {
                    let amount = if percent {
                        format!("{} {}", signed(lang, diff * 100.0, 1), tx.get("pp"))
                    } else {
                        signed(lang, diff, 2)
                    };
                    let (class, word) = match k {
                        trend::Change::Up => ("up", tx.get("significant_up")),
                        trend::Change::Down => ("down", tx.get("significant_down")),
                        trend::Change::NotSignificant => ("ns", tx.get("not_significant")),
                    };
                    ChangeNote {
                        class,
                        text: format!("{amount}: {word} (p = {})", view::num(lang, Some(p_value), 3)),
                    }
                },
            );
            SeriesRow {
                wave: w.label.clone(),
                title: w.title.clone(),
                href: w.href.clone(),
                value: p.map_or_else(|| "—".to_owned(), |p| fmt(p.value)),
                interval: p.map_or_else(String::new, |p| {
                    if percent {
                        pct_interval(lang, p.ci_low, p.ci_high)
                    } else {
                        view::num_interval(lang, p.ci_low, p.ci_high, 2)
                    }
                }),
                change,
            }
        })
        .collect();
    Series {
        label: label.to_owned(),
        chart,
        rows,
    }
}

fn trend_view(waves: &[Wave], track: &str, lang: &str) -> TrendPage {
    let tx = texts(lang);
    let last = &waves[waves.len() - 1].question;
    let mut all_series = Vec::new();
    let tid = view::dom_id("trend", track);
    if let Some(axis) = waves.iter().rev().find_map(|w| w.scale.clone()) {
        let points: Vec<Option<Point>> = waves.iter().map(|w| trend::mean_point(&w.question.estimates)).collect();
        all_series.push(series(
            &format!("{tid}-mean"),
            tx.get("mean"),
            waves,
            &points,
            false,
            axis,
            lang,
        ));
    }
    if waves.iter().any(|w| w.question.balance.is_some()) {
        // The balance of opinions (% top − % bottom), from −100 to +100 percentage points.
        let points: Vec<Option<Point>> = waves
            .iter()
            .map(|w| {
                w.question
                    .balance
                    .as_ref()
                    .and_then(|b| trend::mean_point(&b.estimates))
            })
            .collect();
        let axis = (-1.0, 1.0, vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
        let label = crate::i18n::text(lang, "results-balance");
        all_series.push(series(
            &format!("{tid}-balance"),
            &label,
            waves,
            &points,
            true,
            axis,
            lang,
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
                        .and_then(trend::option_point)
                })
                .collect()
        })
        .collect();
    let max = option_points
        .iter()
        .flatten()
        .flatten()
        .filter_map(|p| p.ci_high.or(Some(p.value)))
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
            lang,
        ));
    }
    TrendPage {
        lang: lang.to_owned(),
        title: last.text.clone(),
        track: track.to_owned(),
        question: last.text.clone(),
        t: tx,
        waves: waves
            .iter()
            .map(|w| WaveLink {
                label: w.label.clone(),
                title: w.title.clone(),
                href: w.href.clone(),
                n: w.n,
            })
            .collect(),
        series: all_series,
        method: crate::i18n::text(lang, "results-trend-method"),
        lang_links: lang_links(&format!("/trends/{}", urlencode(track)), lang),
    }
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
