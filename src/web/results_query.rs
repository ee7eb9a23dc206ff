//! `?filter=VAR:CODE[,…]&by=A&by2=B` on the results page and the summary API: a subgroup (domain
//! estimates of the whole design) and a one- or two-way breakdown chosen by the reader. Such a summary is
//! cached like the plain summary (one slot per query, see `SummaryCache::query`); a bad variable or code is a 400 that lists the valid choices.

use actix_web::HttpRequest;

use super::error::WebError;
use super::results::{query_param, summary_key, Results};
use super::State;
use crate::report::{self, domain, ReportOptions, SummaryInput};

/// The reader's choice of subgroup and breakdowns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultsQuery {
    pub filter: Vec<domain::FilterTerm>,
    pub by: Option<String>,
    pub by2: Option<String>,
}

impl ResultsQuery {
    /// Reads `filter`, `by` and `by2` from the query string (400 on a malformed filter).
    pub fn of(req: &HttpRequest) -> Result<ResultsQuery, WebError> {
        let filter = match query_param(req, "filter") {
            Some(f) => domain::parse_filter(&f)?,
            None => Vec::new(),
        };
        Ok(ResultsQuery {
            filter,
            by: query_param(req, "by"),
            by2: query_param(req, "by2"),
        })
    }

    /// Whether the default (cached) summary answers this query: no subgroup and no two-way breakdown.
    pub fn is_default(&self) -> bool {
        self.filter.is_empty() && self.by2.is_none()
    }

    /// The query as a cache slot name: the same subgroup and breakdowns give the same text.
    pub fn canonical(&self) -> String {
        let terms: Vec<String> = self
            .filter
            .iter()
            .map(|t| format!("{}:{}", t.variable, t.code))
            .collect();
        format!(
            "filter={}\u{1f}by={}\u{1f}by2={}",
            terms.join(","),
            self.by.as_deref().unwrap_or(""),
            self.by2.as_deref().unwrap_or("")
        )
    }

    /// The breakdown the page shows: `by`, or the cross `by*by2`.
    pub fn shown(&self) -> Option<String> {
        match (&self.by, &self.by2) {
            (Some(a), Some(b)) => Some(domain::cross_id(a, b)),
            (by, _) => by.clone(),
        }
    }
}

/// The summary of `slug` for `q` (subgroup, breakdowns), cached per query under the plain summary's key.
/// Unpublished results are 404 unless `staff`.
pub fn query_results(
    state: &State,
    slug: &str,
    lang: Option<&str>,
    staff: bool,
    q: &ResultsQuery,
) -> Result<Results, WebError> {
    let (survey, version) = state.definitions.current(&state.store, slug)?;
    if !survey.results_published && !staff {
        return Err(super::error_text::not_published(slug).into());
    }
    let def = &version.definition;
    let lang = lang
        .filter(|l| def.languages.iter().any(|x| x == l))
        .unwrap_or_else(|| def.default_language())
        .to_owned();
    let (key, reviews, stale) = summary_key(state, &survey, version.version, &lang)?;
    let opts = ReportOptions {
        by: q.by.clone().map(|b| vec![b]),
        by2: q.by2.clone(),
        filter: q.filter.clone(),
        ..ReportOptions::default()
    };
    let (st, s) = (state.clone(), slug.to_owned());
    let computed = state.summaries.query(&key, &q.canonical(), stale, move || {
        let loaded = report::load_for(&st.store, &st.definitions, &s, &opts)?;
        let summary = report::summarize(
            &SummaryInput {
                definition: &loaded.version.definition,
                population: loaded.version.population.as_ref(),
                answers: &loaded.answers,
                language: &lang,
            },
            &opts,
        )?;
        // Keyed by the count actually loaded, as plain summaries are.
        let key = (
            loaded.survey.id.clone(),
            loaded.version.version,
            (loaded.answers.len() as i64 + loaded.excluded.total as i64) ^ reviews,
            lang,
        );
        Ok((key, summary))
    })?;
    Ok(Results {
        survey,
        version,
        summary: computed.value,
        computed_at: computed.computed_at,
    })
}

/// The results page's address for the summary's subgroup and the breakdown `by` (a crossed breakdown
/// `a*b` becomes `by=a&by2=b`).
pub fn href(base: &str, filter: Option<&domain::FilterSummary>, by: Option<&str>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(f) = filter {
        let terms: Vec<String> = f.terms.iter().map(|t| format!("{}:{}", t.variable, t.code)).collect();
        pairs.push(("filter", terms.join(",")));
    }
    match by.map(|b| b.split_once(domain::CROSS)) {
        Some(Some((a, b))) => {
            pairs.push(("by", a.to_owned()));
            pairs.push(("by2", b.to_owned()));
        }
        Some(None) => pairs.push(("by", by.unwrap_or_default().to_owned())),
        None => {}
    }
    match serde_urlencoded::to_string(&pairs) {
        Ok(q) if !q.is_empty() => format!("{base}?{q}"),
        _ => base.to_owned(),
    }
}

/// "Subgroup: Sex: women; Age: 60+ (152 respondents)", when the summary is filtered.
pub fn subgroup_note(filter: Option<&domain::FilterSummary>, lang: &str) -> Option<String> {
    let f = filter?;
    let terms: Vec<String> = f
        .terms
        .iter()
        .map(|t| format!("{}: {}", t.variable_label, t.label))
        .collect();
    Some(crate::i18n::text_with(
        lang,
        "results-subgroup",
        &crate::i18n::Args::new()
            .str("terms", terms.join("; "))
            .num("n", f.n as f64),
    ))
}
