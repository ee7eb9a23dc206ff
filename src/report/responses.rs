//! A survey's complete responses as summaries read them: the coded rows (`store::codes`) of each
//! definition version, plus responses read from their JSON (rows stored without codes), in load order.
//!
//! Summaries always use the current definition: [`View`] reads each row through its own version's
//! layout and maps it onto the current questions by id, exactly as the JSON answers of that row would
//! be read (`columns`, `variables`; questions absent from a version are unanswered there).

use std::collections::HashMap;
use std::sync::Arc;

use crate::catalog::LoadedVersion;
use crate::definition::{Answer, Answers, Definition, DesignValues};
use crate::store::codes::{Layout, Slot};

/// Complete responses loaded for a summary (see [`crate::report::load`]).
#[derive(Default)]
pub struct Responses {
    /// Versions with coded rows, and their rows back to back (`Layout::len` bytes each).
    pub(super) versions: Vec<(Arc<LoadedVersion>, Vec<u8>)>,
    rows: Vec<RowRef>,
    /// Responses without (usable) codes.
    pub(super) json: Vec<Answers>,
    /// Sampling-design values per response, in response order (loaded for surveys with a `design:`).
    pub(super) design: Option<Vec<Option<DesignValues>>>,
    /// Codes given to open answers, per response (loaded for surveys with codebooks).
    pub(super) codings: Option<super::coded_text::Codings>,
    /// Each response's channel, in response order (pushed by the loader for every response).
    pub(super) channels: Option<super::channel::Channels>,
}

/// Where a respondent's answers are: row `index` of coded version `version`, or `json[index]`.
#[derive(Debug, Clone, Copy)]
struct RowRef {
    version: u32,
    index: u32,
}

const JSON_ROW: u32 = u32::MAX;

impl Responses {
    /// Number of responses.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Appends a coded response of `version`; `codes` must fit the version's layout.
    pub(crate) fn push_coded(&mut self, version: &Arc<LoadedVersion>, codes: &[u8]) {
        let v = match self.versions.iter().position(|(l, _)| l.version == version.version) {
            Some(v) => v,
            None => {
                self.versions.push((version.clone(), Vec::new()));
                self.versions.len() - 1
            }
        };
        let data = &mut self.versions[v].1;
        let index = if codes.is_empty() { 0 } else { data.len() / codes.len() };
        data.extend_from_slice(codes);
        self.rows.push(RowRef {
            version: v as u32,
            index: index as u32,
        });
    }

    /// Appends a response read from its JSON.
    pub(crate) fn push_json(&mut self, answers: Answers) {
        self.rows.push(RowRef {
            version: JSON_ROW,
            index: self.json.len() as u32,
        });
        self.json.push(answers);
    }

    /// Records the channel of the response pushed last (see `report::channel`).
    pub(crate) fn push_channel(&mut self, stored: Option<&str>) {
        self.channels.get_or_insert_with(Default::default).push(stored);
    }

    /// Whether another response fits the row index space.
    pub(crate) fn has_room(&self) -> bool {
        self.rows.len() < JSON_ROW as usize
    }
}

/// Anything a summary can be computed from: stored responses, or answers in memory.
pub trait AnswerSource {
    /// The responses read against `def`, the definition summarized.
    #[doc(hidden)]
    fn view<'a>(&'a self, def: &'a Definition) -> View<'a>;

    /// Each respondent's sampling-design values (imported interviews), when they were loaded.
    fn design_values(&self) -> Option<&[Option<DesignValues>]> {
        None
    }

    /// The codes given to open answers, when they were loaded (see `report::coded_text`).
    fn codings(&self) -> Option<&super::coded_text::Codings> {
        None
    }
}

impl AnswerSource for [Answers] {
    fn view<'a>(&'a self, def: &'a Definition) -> View<'a> {
        View {
            def,
            n: self.len(),
            rows: None,
            coded: Vec::new(),
            json: self,
            channels: None,
        }
    }
}

impl<const N: usize> AnswerSource for [Answers; N] {
    fn view<'a>(&'a self, def: &'a Definition) -> View<'a> {
        self.as_slice().view(def)
    }
}

impl AnswerSource for Vec<Answers> {
    fn view<'a>(&'a self, def: &'a Definition) -> View<'a> {
        self.as_slice().view(def)
    }
}

impl AnswerSource for Responses {
    fn design_values(&self) -> Option<&[Option<DesignValues>]> {
        self.design.as_deref()
    }

    fn codings(&self) -> Option<&super::coded_text::Codings> {
        self.codings.as_ref()
    }

    fn view<'a>(&'a self, def: &'a Definition) -> View<'a> {
        let coded = self
            .versions
            .iter()
            .map(|(v, data)| {
                // Rows are only pushed for versions with a layout (see `load`); an empty layout reads as
                // "every question unanswered" should that ever not hold.
                let layout = Layout::of(&v.definition).unwrap_or(Layout {
                    slots: Vec::new(),
                    len: 1,
                });
                let by_id = layout
                    .slots
                    .iter()
                    .enumerate()
                    .map(|(k, s)| (s.question.id.as_str(), k))
                    .collect();
                CodedVersion { layout, data, by_id }
            })
            .collect();
        View {
            def,
            n: self.rows.len(),
            rows: Some(&self.rows),
            coded,
            json: &self.json,
            channels: self.channels.as_ref(),
        }
    }
}

/// Coded rows of one version.
pub struct CodedVersion<'a> {
    layout: Layout<'a>,
    data: &'a [u8],
    by_id: HashMap<&'a str, usize>,
}

impl<'a> CodedVersion<'a> {
    /// The slot of question `id` in this version, if it has that question.
    pub(crate) fn slot(&self, id: &str) -> Option<&Slot<'a>> {
        self.by_id.get(id).map(|&k| &self.layout.slots[k])
    }

    fn row(&self, index: u32) -> &'a [u8] {
        let len = self.layout.len;
        let at = index as usize * len;
        self.data.get(at..at + len).unwrap_or(&[])
    }
}

/// Responses read against the summarized definition.
#[doc(hidden)]
pub struct View<'a> {
    pub(crate) def: &'a Definition,
    n: usize,
    /// `None`: response `i` is `json[i]`.
    rows: Option<&'a [RowRef]>,
    pub(crate) coded: Vec<CodedVersion<'a>>,
    json: &'a [Answers],
    /// Each response's channel, when loaded from the store.
    pub(crate) channels: Option<&'a super::channel::Channels>,
}

/// One response: its place in the JSON list and its answers, or its coded row with the index of its
/// version in [`View::coded`].
pub(crate) enum Row<'r> {
    Json(usize, &'r Answers),
    Coded(usize, &'r [u8]),
}

impl<'a> View<'a> {
    pub(crate) fn len(&self) -> usize {
        self.n
    }

    pub(crate) fn row(&self, i: usize) -> Row<'a> {
        match self.rows {
            None => Row::Json(i, &self.json[i]),
            Some(rows) => {
                let r = rows[i];
                if r.version == JSON_ROW {
                    Row::Json(r.index as usize, &self.json[r.index as usize])
                } else {
                    let v = r.version as usize;
                    Row::Coded(v, self.coded[v].row(r.index))
                }
            }
        }
    }

    /// Whether any response is read from JSON.
    pub(crate) fn has_json(&self) -> bool {
        !self.json.is_empty()
    }

    /// Per JSON response (by its place in the JSON list), its answer to each question of the current
    /// definition: transposed once, so a column reads its answers without a lookup by question id.
    pub(crate) fn json_by_question(&self) -> Vec<Vec<Option<&'a Answer>>> {
        let ids: Vec<&str> = self.def.questions().map(|(_, q)| q.id.as_str()).collect();
        let mut sorted: Vec<(&str, usize)> = ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
        sorted.sort_unstable();
        let mut by_question = vec![vec![None; self.json.len()]; ids.len()];
        // Answers are a BTreeMap (sorted by id): one merge walk per respondent.
        for (i, a) in self.json.iter().enumerate() {
            let mut q = sorted.iter().peekable();
            for (id, answer) in a.iter() {
                while q.next_if(|(qid, _)| *qid < id.as_str()).is_some() {}
                if let Some((_, k)) = q.next_if(|(qid, _)| *qid == id.as_str()) {
                    by_question[*k][i] = Some(answer);
                }
            }
        }
        by_question
    }
}

/// The respondents a computation reads: all, or a subset (in order).
#[derive(Clone, Copy)]
pub(crate) enum Subset<'k> {
    All(usize),
    Only(&'k [usize]),
}

impl<'k> Subset<'k> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Subset::All(n) => *n,
            Subset::Only(k) => k.len(),
        }
    }

    pub(crate) fn iter(&self) -> SubsetIter<'k> {
        match *self {
            Subset::All(n) => SubsetIter::All(0..n),
            Subset::Only(k) => SubsetIter::Only(k.iter()),
        }
    }
}

/// The respondents of a [`Subset`], in order.
pub(crate) enum SubsetIter<'k> {
    All(std::ops::Range<usize>),
    Only(std::slice::Iter<'k, usize>),
}

impl Iterator for SubsetIter<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            SubsetIter::All(r) => r.next(),
            SubsetIter::Only(k) => k.next().copied(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            SubsetIter::All(r) => r.size_hint(),
            SubsetIter::Only(k) => k.size_hint(),
        }
    }
}

impl ExactSizeIterator for SubsetIter<'_> {}

/// The responses of a subset, in order.
pub(crate) enum Rows<'v, 'a> {
    /// All responses, coded rows of one version back to back (the usual case): read straight through.
    Contiguous(std::slice::ChunksExact<'a, u8>),
    Any(&'v View<'a>, SubsetIter<'v>),
}

impl<'a> Iterator for Rows<'_, 'a> {
    type Item = Row<'a>;

    #[inline]
    fn next(&mut self) -> Option<Row<'a>> {
        match self {
            Rows::Contiguous(c) => c.next().map(|r| Row::Coded(0, r)),
            Rows::Any(view, it) => it.next().map(|i| view.row(i)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Rows::Contiguous(c) => c.size_hint(),
            Rows::Any(_, it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for Rows<'_, '_> {}

impl<'a> View<'a> {
    /// The responses of `subset`, in order.
    pub(crate) fn rows<'v>(&'v self, subset: Subset<'v>) -> Rows<'v, 'a> {
        if let (Subset::All(n), Some(rows), [only]) = (subset, self.rows, self.coded.as_slice()) {
            // One coded version and no JSON: row i is the i-th slice of the version's data.
            let len = only.layout.len;
            if self.json.is_empty() && rows.len() == n && only.data.len() == n * len && len > 0 {
                return Rows::Contiguous(only.data.chunks_exact(len));
            }
        }
        Rows::Any(self, subset.iter())
    }
}
