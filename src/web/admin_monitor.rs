//! The fieldwork monitor page (`GET /admin/surveys/{slug}/monitor`): the figures of `report::monitor`,
//! with the per-day bar chart and the drop-off bars laid out for the template.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::admin::{blk, staff};
use super::auth::{require, staff_lang, staff_page, status_label};
use super::error::WebError;
use super::views::monitor::{DayBar, DayChart, MonitorPage, PageBar};
use super::State;
use crate::auth::Role;
use crate::i18n::{self, Args};
use crate::report::monitor::Day;
use crate::report::outcomes;

/// Bars of the per-day chart: completed per day, scaled to the busiest day.
fn chart(lang: &str, days: &[Day]) -> DayChart {
    const W: f64 = 640.0;
    const H: f64 = 160.0;
    let shown = &days[days.len().saturating_sub(90)..];
    let max = shown
        .iter()
        .map(|d| d.started.max(d.completed))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = W / shown.len().max(1) as f64;
    let bars: Vec<DayBar> = shown
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let hs = d.started as f64 / max * H;
            let hc = d.completed as f64 / max * H;
            DayBar {
                x: format!("{:.1}", i as f64 * slot + slot * 0.1),
                w: format!("{:.1}", (slot * 0.8).max(1.0)),
                ys: format!("{:.1}", H - hs),
                hs: format!("{:.1}", hs),
                yc: format!("{:.1}", H - hc),
                hc: format!("{:.1}", hc),
                title: i18n::text_with(
                    lang,
                    "admin-monitor-bar-title",
                    &Args::new()
                        .str("date", i18n::numbers::date(lang, d.date))
                        .str("started", d.started.to_string())
                        .str("completed", d.completed.to_string()),
                ),
            }
        })
        .collect();
    DayChart {
        width: W,
        height: H,
        bars,
        max: max as u64,
        first: shown.first().map(|d| i18n::numbers::date(lang, d.date)),
        last: shown.last().map(|d| i18n::numbers::date(lang, d.date)),
    }
}

/// `GET /admin/surveys/{slug}/monitor`.
pub async fn monitor(
    req: HttpRequest,
    state: State,
    slug: actix_web::web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let s = staff!(req, Role::Sociologist);
    let staff_lang = staff_lang(&req);
    let slug = slug.into_inner();
    let st = state.clone();
    let (title, status, m, lang) = blk(move || {
        super::admin::auto_close(&st);
        let (survey, v) = st.definitions.current(&st.store, &slug)?;
        // The survey's texts in the staff language when the survey has it, else in its default language.
        let lang = if v.definition.languages.iter().any(|l| l == staff_lang) {
            staff_lang.to_owned()
        } else {
            v.definition.default_language().to_owned()
        };
        let (m, o) = outcomes::load_with_monitor(&st.store, &v.definition, v.population.as_ref(), &survey.id, &lang)?;
        Ok((
            v.definition.title.get(&lang).to_owned(),
            (survey.slug, survey.status),
            (m, o),
            lang,
        ))
    })
    .await?;
    let (m, o) = m;
    // The bar is the page's drop-off rate against the highest one (so 0 % and 6.2 % differ at a glance),
    // with the rate written beside it.
    let max_drop = m
        .pages
        .iter()
        .filter_map(|p| p.drop_rate)
        .filter(|r| r.is_finite())
        .fold(0.0_f64, f64::max);
    let pages: Vec<PageBar<'_>> = m
        .pages
        .iter()
        .map(|p| {
            let rate = p.drop_rate.filter(|r| r.is_finite()).unwrap_or(0.0);
            let width = if max_drop > 0.0 { rate / max_drop * 110.0 } else { 0.0 };
            PageBar {
                p,
                bar: format!("{width:.1}"),
                label_x: format!("{:.1}", width + 4.0),
                label: i18n::numbers::percent(staff_lang, p.drop_rate),
            }
        })
        .collect();
    let page_title = i18n::text_with(
        staff_lang,
        "admin-monitor-title",
        &Args::new().str("survey", title.clone()),
    );
    Ok(staff_page(
        &req,
        StatusCode::OK,
        "admin_monitor",
        &MonitorPage {
            title: page_title,
            survey_title: title,
            slug: status.0,
            status_label: status_label(staff_lang, &status.1),
            status: status.1,
            lang_data: lang,
            m: &m,
            invitation_only: o.invited.is_some(),
            o: &o,
            pages,
            chart: chart(staff_lang, &m.days),
            median_minutes: m
                .median_duration_seconds
                .map(|s| format!("{}:{:02}", (s / 60.0).floor() as i64, (s % 60.0).round() as i64)),
        },
        Some(&s),
    ))
}
