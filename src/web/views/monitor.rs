//! The view of the fieldwork monitor (`templates/admin_monitor.hbs`): the figures of `report::monitor` and
//! `report::outcomes` as they are, with the per-day chart and the drop-off bars laid out.

use serde::Serialize;

use crate::report::monitor::{Monitor, PageDrop};
use crate::report::outcomes::Outcomes;

#[derive(Debug, Serialize)]
pub struct MonitorPage<'a> {
    pub title: String,
    pub survey_title: String,
    pub slug: String,
    pub status_label: String,
    pub status: String,
    /// The language of the survey's own texts.
    pub lang_data: String,
    pub m: &'a Monitor,
    pub invitation_only: bool,
    pub o: &'a Outcomes,
    pub pages: Vec<PageBar<'a>>,
    pub chart: DayChart,
    pub median_minutes: Option<String>,
}

/// A page's drop-off with its bar.
#[derive(Debug, Serialize)]
pub struct PageBar<'a> {
    pub p: &'a PageDrop,
    pub bar: String,
    pub label_x: String,
    pub label: String,
}

/// Started and completed interviews per day.
#[derive(Debug, Serialize)]
pub struct DayChart {
    pub width: f64,
    pub height: f64,
    pub bars: Vec<DayBar>,
    pub max: u64,
    pub first: Option<String>,
    pub last: Option<String>,
}

/// A day's two bars (started, completed), in SVG units.
#[derive(Debug, Serialize)]
pub struct DayBar {
    pub x: String,
    pub w: String,
    pub ys: String,
    pub hs: String,
    pub yc: String,
    pub hc: String,
    pub title: String,
}
