//! The views of the risk calendar (`templates/indicators.hbs`) and of one indicator by district
//! (`templates/indicator.hbs`).

use serde::Serialize;

use crate::web::view_format::LangLink;

/// `GET /indicators`: the grid of districts × waves, the tile map, the alerts.
#[derive(Debug, Serialize)]
pub struct CalendarPage {
    pub lang: String,
    pub title: String,
    pub lang_links: Vec<LangLink>,
    pub region: String,
    pub thin: u64,
    pub indicators: Vec<IndicatorLink>,
    pub indicator: IndicatorHead,
    pub waves: Vec<WaveHead>,
    pub rows: Vec<DistrictRow>,
    pub map: Option<TileMap>,
    pub alerts: Vec<AlertLine>,
    pub failed: Vec<FailedDelivery>,
}

/// One grid cell as the templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub status: &'static str,
    pub status_key: String,
    pub value: Option<String>,
    pub interval: Option<String>,
    pub model_based: bool,
    pub source_key: String,
    pub n: u64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct IndicatorLink {
    pub href: String,
    pub page: String,
    pub title: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct IndicatorHead {
    pub id: String,
    pub title: String,
    pub page: String,
}

/// A wave's column head; `no_model` says why its small-area model was not fitted.
#[derive(Debug, Serialize)]
pub struct WaveHead {
    pub label: String,
    pub title: String,
    pub href: String,
    pub no_model: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DistrictRow {
    pub name: String,
    pub code: String,
    pub cells: Vec<CellView>,
}

/// The districts of one wave as squares at their grid places.
#[derive(Debug, Serialize)]
pub struct TileMap {
    pub width: u32,
    pub height: u32,
    pub wave: String,
    pub tiles: Vec<Tile>,
}

#[derive(Debug, Serialize)]
pub struct Tile {
    pub x: u32,
    pub y: u32,
    pub size: u32,
    pub cx: u32,
    pub cy: u32,
    pub code: String,
    pub name: String,
    /// The name as it fits on a tile (at most six characters).
    pub label: String,
    pub cell: CellView,
}

#[derive(Debug, Serialize)]
pub struct AlertLine {
    pub indicator: String,
    pub district: String,
    pub wave: String,
    pub value: String,
    pub interval: String,
    pub reasons: Vec<String>,
}

/// A webhook delivery that failed (staff only).
#[derive(Debug, Serialize)]
pub struct FailedDelivery {
    pub url: String,
    pub attempts: i32,
    pub error: String,
    /// Catalog key: given up, or still being retried.
    pub message: &'static str,
}

/// `GET /indicators/{id}`: each district's series.
#[derive(Debug, Serialize)]
pub struct IndicatorPage {
    pub lang: String,
    pub title: String,
    pub lang_links: Vec<LangLink>,
    pub thin: u64,
    pub has_waves: bool,
    pub districts: Vec<DistrictSeries>,
}

#[derive(Debug, Serialize)]
pub struct DistrictSeries {
    pub name: String,
    pub code: String,
    pub rows: Vec<DistrictWave>,
}

/// A district in one wave: the direct estimate, the model's, and the model's shrinkage factor.
#[derive(Debug, Serialize)]
pub struct DistrictWave {
    pub wave: String,
    pub n: u64,
    pub direct: Option<ValueCi>,
    pub model: Option<ValueCi>,
    pub gamma: Option<String>,
    pub cell: CellView,
}

/// A formatted estimate and its interval, shown on separate lines on phones.
#[derive(Debug, Serialize)]
pub struct ValueCi {
    pub value: String,
    pub ci: String,
}
