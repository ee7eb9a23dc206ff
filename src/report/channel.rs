//! The channel a respondent came from (`?src=` on the survey link, see `form::channel`) as a breakdown
//! variable: `by = channel` breaks every question down by channel like any categorical variable, with the
//! same suppression and Rao–Scott test. Its categories are the channels of the analysed responses (codes in
//! order, `other` last), its labels the codes themselves. A question or derived variable of the definition
//! named `channel` takes precedence; responses not read from the store (answers in memory) have no channel.

use std::collections::HashMap;

use crate::definition::Definition;
use crate::form::channel::{channel_code, OTHER};

use super::domain;
use super::responses::Subset;
use super::{Labelled, ReportError, ReportOptions};

/// The id of the channel breakdown.
pub const CHANNEL: &str = "channel";

/// Each loaded response's channel, interned.
#[derive(Default)]
pub struct Channels {
    levels: Vec<String>,
    index: HashMap<String, u32>,
    codes: Vec<u32>,
}

impl Channels {
    /// Appends the next response's channel as stored; a missing or invalid code is `other`.
    pub(crate) fn push(&mut self, stored: Option<&str>) {
        let code = channel_code(stored);
        let k = match self.index.get(&code) {
            Some(&k) => k,
            None => {
                let k = self.levels.len() as u32;
                self.levels.push(code.clone());
                self.index.insert(code, k);
                k
            }
        };
        self.codes.push(k);
    }
}

/// Whether `var` is the channel breakdown for `def` (no variable of the definition has that id).
pub(crate) fn is_channel(def: &Definition, var: &str) -> bool {
    var == CHANNEL && def.categories(var).is_none()
}

/// Whether a summary with `opts` breaks down by the channel (its `by`, or the definition's breakdowns
/// without one, its `by2` or a filter variable), so that the responses' channels must be loaded.
pub(crate) fn wanted(def: &Definition, opts: &ReportOptions) -> bool {
    let by = opts.by.as_deref().unwrap_or(&def.report.breakdowns);
    by.iter()
        .chain(&opts.by2)
        .chain(opts.filter.iter().map(|t| &t.variable))
        .any(|v| is_channel(def, v))
}

/// Checks a breakdown variable of a summary: the channel or a variable of the definition; the valid
/// choices listed when it is neither include the channel.
pub(crate) fn check_breakdown(def: &Definition, var: &str) -> Result<(), ReportError> {
    if is_channel(def, var) {
        return Ok(());
    }
    domain::check_breakdown(def, var).map_err(|e| match e {
        ReportError::UnknownBreakdown(v, valid) if def.categories(CHANNEL).is_none() => {
            let valid = if valid.is_empty() {
                CHANNEL.to_owned()
            } else {
                format!("{valid}, {CHANNEL}")
            };
            ReportError::UnknownBreakdown(v, valid)
        }
        e => e,
    })
}

/// The channel breakdown of `rows`: the channels present among them and each respondent's category
/// (missing for every respondent when no channels were loaded).
pub(crate) fn breakdown(channels: Option<&Channels>, rows: Subset<'_>) -> (Vec<Labelled>, Vec<Option<usize>>) {
    let Some(ch) = channels.filter(|c| !c.codes.is_empty()) else {
        return (Vec::new(), vec![None; rows.len()]);
    };
    let mut present = vec![false; ch.levels.len()];
    for i in rows.iter() {
        if let Some(&c) = ch.codes.get(i) {
            present[c as usize] = true;
        }
    }
    let mut order: Vec<usize> = (0..ch.levels.len()).filter(|&k| present[k]).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&ch.levels[a], &ch.levels[b]);
        (a == OTHER, a).cmp(&(b == OTHER, b))
    });
    let mut pos = vec![None; ch.levels.len()];
    for (j, &k) in order.iter().enumerate() {
        pos[k] = Some(j);
    }
    let cats = order
        .iter()
        .map(|&k| Labelled {
            code: ch.levels[k].clone(),
            label: ch.levels[k].clone(),
        })
        .collect();
    let values = rows
        .iter()
        .map(|i| ch.codes.get(i).and_then(|&c| pos[c as usize]))
        .collect();
    (cats, values)
}

/// The channel breakdown's name in `lang`.
pub(crate) fn label(lang: &str) -> String {
    crate::i18n::text(lang, "results-channel-variable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_the_channels_present_with_other_last() {
        let mut ch = Channels::default();
        for s in [Some("vk"), None, Some("<b>"), Some("tg"), Some("vk"), Some("ab")] {
            ch.push(s);
        }
        let (cats, v) = breakdown(Some(&ch), Subset::All(6));
        let codes: Vec<&str> = cats.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["ab", "tg", "vk", "other"]);
        assert_eq!(v, vec![Some(2), Some(3), Some(3), Some(1), Some(2), Some(0)]);
        // Only the channels of the analysed respondents are categories.
        let (cats, v) = breakdown(Some(&ch), Subset::Only(&[0, 4]));
        assert_eq!(cats.len(), 1);
        assert_eq!(v, vec![Some(0), Some(0)]);
        let (cats, v) = breakdown(None, Subset::All(2));
        assert!(cats.is_empty());
        assert_eq!(v, vec![None, None]);
    }

    const DEF: &str = r#"slug: ch
title: {en: "Channels"}
topic: test
languages: [en]
pages:
  - id: a
    questions:
      - {id: sex, type: single_choice, text: {en: "Sex"}, options: [{code: m, label: {en: "M"}}, {code: f, label: {en: "F"}}]}
report:
  breakdowns: [sex]
"#;

    #[test]
    fn channels_are_wanted_only_by_a_summary_broken_down_by_channel() {
        let def = crate::definition::parse_definition(DEF, "ch.yaml").unwrap_or_else(|e| panic!("{e:?}"));
        let opts = |by: Option<&[&str]>, by2: Option<&str>| ReportOptions {
            by: by.map(|b| b.iter().map(|v| v.to_string()).collect()),
            by2: by2.map(str::to_owned),
            ..ReportOptions::default()
        };
        assert!(!wanted(&def, &ReportOptions::default()));
        assert!(!wanted(&def, &opts(Some(&["sex"]), None)));
        assert!(!wanted(&def, &opts(Some(&[]), None)));
        assert!(wanted(&def, &opts(Some(&["channel"]), None)));
        assert!(wanted(&def, &opts(Some(&["sex", "channel"]), None)));
        assert!(wanted(&def, &opts(Some(&["sex"]), Some("channel"))));
        // Without `by`, the definition's breakdowns decide.
        let mut by_channel = def.clone();
        by_channel.report.breakdowns = vec![CHANNEL.to_owned()];
        assert!(wanted(&by_channel, &ReportOptions::default()));
        // A variable of the definition named `channel` is not the channel breakdown.
        let own = DEF.replace("id: sex", "id: channel").replace("[sex]", "[channel]");
        let own = crate::definition::parse_definition(&own, "own.yaml").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!wanted(&own, &ReportOptions::default()));
        assert!(!wanted(&own, &opts(Some(&["channel"]), None)));
    }
}
