//! The views of the pages across surveys: the results list, a topic, a tracked question's trend
//! (`templates/results_list.hbs`, `topic.hbs`, `trend.hbs`).

use serde::Serialize;

use crate::chart::TrendChart;
use crate::web::results_texts::Texts;
use crate::web::view_format::LangLink;

/// The list of published results (`/results`) or one topic's (`/topics/{topic}`).
#[derive(Debug, Clone, Serialize)]
pub struct ResultsList {
    pub lang: String,
    pub title: String,
    pub heading: String,
    pub t: Texts,
    pub years: Vec<Year>,
    pub lang_links: Vec<LangLink>,
}

/// The surveys of one year.
#[derive(Debug, Clone, Serialize)]
pub struct Year {
    pub year: i32,
    pub surveys: Vec<ListedResults>,
}

/// A survey in the list with its headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct ListedResults {
    pub slug: String,
    pub href: String,
    pub title: String,
    pub topic_label: String,
    pub topic_href: String,
    pub dates: String,
    pub n: usize,
    pub effective_n: Option<String>,
    pub headline: Option<Headline>,
}

/// A survey's headline: a mean or the most chosen answer's share, with its interval.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub question: String,
    pub label: String,
    pub share: String,
    pub interval: String,
}

/// A tracked question over the waves that asked it.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPage {
    pub lang: String,
    pub title: String,
    pub track: String,
    pub question: String,
    pub t: Texts,
    pub waves: Vec<WaveLink>,
    pub series: Vec<Series>,
    pub method: String,
    pub lang_links: Vec<LangLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaveLink {
    pub label: String,
    pub title: String,
    pub href: String,
    pub n: usize,
}

/// One series (the mean, or one option's share) over the waves: its chart and table.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub label: String,
    pub chart: TrendChart,
    pub rows: Vec<SeriesRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesRow {
    pub wave: String,
    pub title: String,
    pub href: String,
    pub value: String,
    pub interval: String,
    pub change: Option<ChangeNote>,
}

/// The change from the previous wave, and whether it is significant.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeNote {
    pub class: &'static str,
    pub text: String,
}
