//! The risk calendar for officials: `GET /indicators` (grid of districts × waves, tile map, alerts),
//! `GET /indicators/{id}` (each district's series), `GET /indicators/feed.atom` (alerts), and the JSON API
//! `GET /api/v1/indicators`, `GET /api/v1/indicators/{id}`. Staff see every survey; the public only surveys
//! whose results are published.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::error::{ApiError, WebError};
use super::public;
use super::results::{can_see_unpublished, page_lang, query_param};
use super::results_view::{lang_links, urlencode};
use super::views::indicators::{
    AlertLine, CalendarPage, CellView, DistrictRow, DistrictSeries, DistrictWave, FailedDelivery, IndicatorHead,
    IndicatorLink, IndicatorPage, Tile, TileMap, ValueCi, WaveHead,
};
use super::{pages, State};
use crate::indicator::calendar::{Cell, Source, Status};
use crate::indicator::waves::{build_cached, load_setup, Calendar, DistrictInfo, IndicatorView};
use crate::indicator::Statistic;
use std::sync::Arc;

/// The header saying whether the calendar was served from the cache (`hit`) or computed (`miss`).
pub const CACHE_HEADER: &str = "X-Opros-Calendar-Cache";

/// The calendar the reader may see, and whether it came from the cache.
fn calendar_cached(state: &State, staff: bool) -> Result<(Arc<Calendar>, bool), WebError> {
    let territories = std::env::var_os("OPROS_TERRITORIES").map(std::path::PathBuf::from);
    let indicators = std::env::var_os("OPROS_INDICATORS").map(std::path::PathBuf::from);
    let setup = load_setup(
        &state.store,
        &state.definitions,
        territories.as_deref(),
        indicators.as_deref(),
    )?;
    // Alerts are recorded (and queued for webhooks) by the alerts task and `opros indicators`, not here.
    Ok(build_cached(&state.store, &state.definitions, &setup, staff)?)
}

/// The calendar the reader may see.
fn calendar(state: &State, staff: bool) -> Result<Arc<Calendar>, WebError> {
    calendar_cached(state, staff).map(|(c, _)| c)
}

async fn calendar_for(req: &HttpRequest, state: &State) -> Result<(Arc<Calendar>, &'static str), WebError> {
    let staff = can_see_unpublished(req);
    let st = state.clone();
    let (c, hit) = web::block(move || calendar_cached(&st, staff)).await??;
    Ok((c, if hit { "hit" } else { "miss" }))
}

/// `GET /api/v1/indicators`: the whole calendar (the same as `opros indicators --json`).
pub async fn api_calendar(req: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let (c, cache) = calendar_for(&req, &state).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_HEADER, cache)).json(&*c))
}

/// `GET /api/v1/indicators/{id}`: one indicator with the districts.
pub async fn api_indicator(req: HttpRequest, state: State, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (c, cache) = calendar_for(&req, &state).await?;
    let ind = find(&c, &id)?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_HEADER, cache))
        .json(OneIndicator {
            districts: &c.districts,
            indicator: ind,
            thin_below: c.thin_below,
        }))
}

/// The body of `GET /api/v1/indicators/{id}` (its keys in alphabetical order, as the API has always written them).
#[derive(Serialize)]
struct OneIndicator<'a> {
    districts: &'a [DistrictInfo],
    indicator: &'a IndicatorView,
    thin_below: u64,
}

fn find<'a>(c: &'a Calendar, id: &str) -> Result<&'a IndicatorView, WebError> {
    c.indicators
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| WebError::NotFound(format!("no indicator '{id}'")))
}

/// A value in the indicator's units: shares and balances as percentages, means with two decimals.
/// Interval ends are cut to the statistic's possible range (a normal-approximation interval of a small
/// share can reach below 0%).
fn fmt(statistic: &Statistic, v: f64) -> String {
    match statistic {
        Statistic::Mean => format!("{v:.2}"),
        Statistic::Share { .. } => format!("{:.1}%", v.clamp(0.0, 1.0) * 100.0),
        Statistic::Balance { .. } => format!("{:.1}%", v.clamp(-1.0, 1.0) * 100.0),
    }
}

fn status_key(s: Status) -> &'static str {
    match s {
        Status::NoData => "no_data",
        Status::Fine => "fine",
        Status::Watch => "watch",
        Status::Alert => "alert",
    }
}

fn source_key(s: Option<Source>) -> &'static str {
    match s {
        Some(Source::Direct) | None => "direct",
        Some(Source::DirectThin) => "direct_thin",
        Some(Source::Eblup) => "eblup",
        Some(Source::Synthetic) => "synthetic",
    }
}

/// One grid cell as the template shows it.
fn cell_view(ind: &IndicatorView, c: &Cell) -> CellView {
    let status = status_key(c.status);
    let reasons: Vec<String> = c
        .reasons
        .iter()
        .map(|r| format!("indicators-reason-{}", r.name()))
        .collect();
    CellView {
        status,
        status_key: format!("indicators-status-{status}"),
        value: c.headline.map(|h| fmt(&ind.statistic, h.value)),
        interval: c
            .headline
            .map(|h| format!("{} – {}", fmt(&ind.statistic, h.ci_low), fmt(&ind.statistic, h.ci_high))),
        model_based: matches!(c.source, Some(Source::Eblup | Source::Synthetic)),
        source_key: format!("indicators-source-{}", source_key(c.source)),
        n: c.n,
        reasons,
    }
}

/// The wave shown on the map: `?wave=LABEL` when it exists, else the latest.
fn chosen_wave(ind: &IndicatorView, wanted: Option<&str>) -> Option<usize> {
    wanted
        .and_then(|w| ind.waves.iter().position(|x| x.label == w || x.survey == w))
        .or_else(|| ind.waves.len().checked_sub(1))
}

/// A district's name as it fits on a tile: at most six characters, shortened with a full stop.
fn tile_label(name: &str) -> String {
    if name.chars().count() <= 6 {
        name.to_owned()
    } else {
        let short: String = name.chars().take(5).collect();
        format!("{}.", short.trim_end())
    }
}

/// The tile map of one wave: a square per district at its grid place.
fn tile_map(c: &Calendar, ind: &IndicatorView, wave: usize, lang: &str) -> TileMap {
    const SIZE: u32 = 56;
    const GAP: u32 = 4;
    let (rows, cols) = c
        .districts
        .iter()
        .fold((0, 0), |(r, k), d| (r.max(d.row + 1), k.max(d.column + 1)));
    let tiles: Vec<Tile> = c
        .districts
        .iter()
        .zip(&ind.waves[wave].cells)
        .map(|(d, cell)| Tile {
            x: d.column * (SIZE + GAP),
            y: d.row * (SIZE + GAP),
            size: SIZE,
            cx: d.column * (SIZE + GAP) + SIZE / 2,
            cy: d.row * (SIZE + GAP) + SIZE / 2 + 5,
            code: d.code.clone(),
            name: d.name.get(lang).to_owned(),
            label: tile_label(d.name.get(lang)),
            cell: cell_view(ind, cell),
        })
        .collect();
    TileMap {
        width: cols * (SIZE + GAP),
        height: rows * (SIZE + GAP),
        wave: ind.waves[wave].label.clone(),
        tiles,
    }
}

fn indicator_links(c: &Calendar, current: &str, lang: &str) -> Vec<IndicatorLink> {
    c.indicators
        .iter()
        .map(|i| IndicatorLink {
            href: format!("/indicators?indicator={}", urlencode(&i.id)),
            page: format!("/indicators/{}", urlencode(&i.id)),
            title: i.title.get(lang).to_owned(),
            current: i.id == current,
        })
        .collect()
}

/// `GET /indicators[?indicator=ID&wave=LABEL]`: the calendar page.
pub async fn calendar_page(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let lang = page_lang(&req);
    let staff = can_see_unpublished(&req);
    let (c, cache) = calendar_for(&req, &state).await?;
    let wanted = query_param(&req, "indicator");
    let ind = match wanted.as_deref() {
        Some(id) => find(&c, id)?,
        None => c
            .indicators
            .first()
            .ok_or_else(|| WebError::NotFound("no indicators are defined".into()))?,
    };
    let wave = chosen_wave(ind, query_param(&req, "wave").as_deref());
    let st = state.clone();
    let (alerts, deliveries) = web::block(move || -> Result<_, WebError> {
        let alerts = st.store.alerts(50)?;
        let deliveries = if staff { st.store.deliveries()? } else { Vec::new() };
        Ok((alerts, deliveries))
    })
    .await??;
    let visible_surveys: Vec<&str> = c
        .indicators
        .iter()
        .flat_map(|i| i.waves.iter().map(|w| w.survey.as_str()))
        .collect();
    let name_of = |code: &str| {
        c.districts
            .iter()
            .find(|d| d.code == code)
            .map_or(code.to_owned(), |d| d.name.get(&lang).to_owned())
    };
    let alert_views: Vec<AlertLine> = alerts
        .iter()
        .filter(|a| visible_surveys.contains(&a.survey.as_str()))
        .filter_map(|a| {
            let i = c.indicators.iter().find(|i| i.id == a.indicator)?;
            Some(AlertLine {
                indicator: i.title.get(&lang).to_owned(),
                district: name_of(&a.district),
                wave: a.wave.clone(),
                value: fmt(&i.statistic, a.value),
                interval: format!("{} – {}", fmt(&i.statistic, a.ci_low), fmt(&i.statistic, a.ci_high)),
                reasons: a.reasons.split(',').map(|r| format!("indicators-reason-{r}")).collect(),
            })
        })
        .collect();
    // Deliveries that gave up, and those still failing (retried with backoff until their last attempt).
    let failed: Vec<FailedDelivery> = deliveries
        .iter()
        .filter(|d| d.state == "failed" || (d.state == "pending" && d.last_error.is_some()))
        .map(|d| FailedDelivery {
            url: d.url.clone(),
            attempts: d.attempts,
            error: d.last_error.clone().unwrap_or_default(),
            message: if d.state == "failed" {
                "indicators-webhook-failed"
            } else {
                "indicators-webhook-retrying"
            },
        })
        .collect();
    let rows: Vec<DistrictRow> = c
        .districts
        .iter()
        .enumerate()
        .map(|(k, d)| DistrictRow {
            name: d.name.get(&lang).to_owned(),
            code: d.code.clone(),
            cells: ind.waves.iter().map(|w| cell_view(ind, &w.cells[k])).collect(),
        })
        .collect();
    let waves: Vec<WaveHead> = ind
        .waves
        .iter()
        .map(|w| WaveHead {
            label: w.label.clone(),
            title: w.title.clone(),
            href: format!(
                "/indicators?indicator={}&wave={}",
                urlencode(&ind.id),
                urlencode(&w.label)
            ),
            no_model: w.model.reason.clone(),
        })
        .collect();
    let page = CalendarPage {
        title: crate::i18n::text(&lang, "indicators-title"),
        lang_links: lang_links(&format!("/indicators?indicator={}", urlencode(&ind.id)), &lang),
        region: c.region_title.get(&lang).to_owned(),
        thin: c.thin_below,
        indicators: indicator_links(&c, &ind.id, &lang),
        indicator: IndicatorHead {
            id: ind.id.clone(),
            title: ind.title.get(&lang).to_owned(),
            page: format!("/indicators/{}", urlencode(&ind.id)),
        },
        waves,
        rows,
        map: wave.map(|w| tile_map(&c, ind, w, &lang)),
        alerts: alert_views,
        failed,
        lang,
    };
    let mut response = public::html(pages::render("indicators", &page));
    response.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-opros-calendar-cache"),
        actix_web::http::header::HeaderValue::from_static(cache),
    );
    Ok(response)
}

/// `GET /indicators/{id}`: each district's series of one indicator.
pub async fn indicator_page(req: HttpRequest, state: State, id: web::Path<String>) -> Result<HttpResponse, WebError> {
    let lang = page_lang(&req);
    let (c, _) = calendar_for(&req, &state).await?;
    let ind = find(&c, &id)?;
    let f = |v: f64| fmt(&ind.statistic, v);
    let districts: Vec<DistrictSeries> = c
        .districts
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let rows: Vec<DistrictWave> = ind
                .waves
                .iter()
                .map(|w| {
                    let cell = &w.cells[k];
                    DistrictWave {
                        wave: w.label.clone(),
                        n: cell.n,
                        direct: cell.direct.map(|v| ValueCi {
                            value: f(v.value),
                            ci: if v.se > 0.0 {
                                format!("{} – {}", f(v.ci_low), f(v.ci_high))
                            } else {
                                crate::i18n::text(&lang, "indicators-reason-zero_variance")
                            },
                        }),
                        model: cell.model.map(|m| ValueCi {
                            value: f(m.value.value),
                            ci: format!("{} – {}", f(m.value.ci_low), f(m.value.ci_high)),
                        }),
                        gamma: cell.model.and_then(|m| m.gamma).map(|g| format!("{g:.2}")),
                        cell: cell_view(ind, cell),
                    }
                })
                .collect();
            DistrictSeries {
                name: d.name.get(&lang).to_owned(),
                code: d.code.clone(),
                rows,
            }
        })
        .collect();
    let page = IndicatorPage {
        title: ind.title.get(&lang).to_owned(),
        lang_links: lang_links(&format!("/indicators/{}", urlencode(&ind.id)), &lang),
        thin: c.thin_below,
        has_waves: !ind.waves.is_empty(),
        districts,
        lang,
    };
    Ok(public::html(pages::render("indicator", &page)))
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /indicators/feed.atom`: alerts of published surveys, newest first.
pub async fn feed(req: HttpRequest, state: State) -> Result<HttpResponse, WebError> {
    let lang = page_lang(&req);
    let st = state.clone();
    let (c, alerts) =
        web::block(move || -> Result<_, WebError> { Ok((calendar(&st, false)?, st.store.alerts(100)?)) }).await??;
    let visible: Vec<&str> = c
        .indicators
        .iter()
        .flat_map(|i| i.waves.iter().map(|w| w.survey.as_str()))
        .collect();
    let updated = alerts.first().map_or_else(
        || "1970-01-01T00:00:00Z".to_owned(),
        |a| format!("{}Z", a.created_at.format("%Y-%m-%dT%H:%M:%S")),
    );
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{}</title>\n<id>urn:opros:indicators:{}</id>\n<updated>{updated}</updated>\n<link rel=\"alternate\" href=\"/indicators\"/>\n",
        xml(&crate::i18n::text(&lang, "indicators-alerts")),
        xml(&c.region)
    );
    for a in alerts.iter().filter(|a| visible.contains(&a.survey.as_str())) {
        let Some(ind) = c.indicators.iter().find(|i| i.id == a.indicator) else {
            continue;
        };
        let district = c
            .districts
            .iter()
            .find(|d| d.code == a.district)
            .map_or(a.district.as_str(), |d| d.name.get(&lang));
        let reasons: Vec<String> = a
            .reasons
            .split(',')
            .map(|r| crate::i18n::text(&lang, &format!("indicators-reason-{r}")))
            .collect();
        out.push_str(&format!(
            "<entry>\n<id>urn:uuid:{}</id>\n<title>{} — {}, {}</title>\n<updated>{}Z</updated>\n<link href=\"/indicators?indicator={}\"/>\n<summary>{} ({} – {}): {}</summary>\n</entry>\n",
            xml(&a.id),
            xml(ind.title.get(&lang)),
            xml(district),
            xml(&a.wave),
            a.created_at.format("%Y-%m-%dT%H:%M:%S"),
            xml(&urlencode(&ind.id)),
            xml(&fmt(&ind.statistic, a.value)),
            xml(&fmt(&ind.statistic, a.ci_low)),
            xml(&fmt(&ind.statistic, a.ci_high)),
            xml(&reasons.join("; ")),
        ));
    }
    out.push_str("</feed>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(out))
}
