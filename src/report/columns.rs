//! Answers turned into columns (one value per respondent) for the statistics core.

use std::collections::HashMap;

use crate::definition::{Answer, AnswerOption, Definition, Question, Scale};
use crate::question::columns::SummaryColumn;
use crate::question::constant_sum;
use crate::store::codes::{self, Slot, SlotKind};

use super::coded_text::{CodedCount, Codings};
use super::responses::{Row, Subset, View};
use super::Labelled;

/// An option as reported.
#[derive(Debug, Clone)]
pub struct Code {
    pub code: String,
    pub label: String,
    pub hard_to_say: bool,
}

/// One question's answers as a column.
pub enum Column {
    /// Category index per respondent; `numeric` holds scale point values ("hard to say" = None).
    Categorical {
        codes: Vec<Code>,
        values: Vec<Option<usize>>,
        numeric: Option<Vec<Option<f64>>>,
    },
    /// Per option: chosen / not chosen / not answered.
    Multiple {
        codes: Vec<Code>,
        chosen: Vec<Vec<Option<bool>>>,
    },
    Numeric(Vec<Option<f64>>),
    /// Only whether the question was answered (text, date).
    Answered(Vec<Option<bool>>),
    /// Matrix rows, each a scale column; or constant-sum options, each a number column of its points.
    Matrix(Vec<(String, String, Column)>),
}

impl Column {
    /// Respondents with an answer in this column.
    pub fn answered(&self) -> u64 {
        let n = match self {
            Column::Categorical { values, .. } => values.iter().filter(|v| v.is_some()).count(),
            Column::Multiple { chosen, .. } => chosen.first().map_or(0, |c| c.iter().filter(|v| v.is_some()).count()),
            Column::Numeric(y) => y.iter().filter(|v| v.is_some()).count(),
            Column::Answered(a) => a.iter().filter(|v| v.is_some()).count(),
            Column::Matrix(rows) => rows.first().map_or(0, |(_, _, c)| c.answered() as usize),
        };
        n as u64
    }
}

/// The analysed respondents' answers, one column per question on demand. Coded responses are read
/// through per-version tables (slot value → current category); responses read from JSON were transposed
/// once (so a column reads its answers without a lookup by question id per respondent).
pub struct Columns<'a> {
    view: &'a View<'a>,
    rows: Subset<'a>,
    slot: HashMap<&'a str, usize>,
    json: Vec<Vec<Option<&'a Answer>>>,
    /// The subgroup (per analysed respondent) when the summary is filtered: answers and categories of
    /// respondents outside it read as missing, which makes every estimate a domain estimate.
    domain: Option<Vec<bool>>,
    codings: Option<&'a Codings>,
}

fn code(o: &AnswerOption, lang: &str, hard_to_say: bool) -> Code {
    Code {
        code: o.code.clone(),
        label: o.label.get(lang).to_owned(),
        hard_to_say,
    }
}

fn scale_codes(s: &Scale, lang: &str) -> Vec<Code> {
    s.points
        .iter()
        .map(|p| code(p, lang, false))
        .chain(s.hard_to_say.iter().map(|h| code(h, lang, true)))
        .collect()
}

/// Finds a code's position; option lists are short, so a scan beats hashing.
struct Positions<'c>(Vec<&'c str>);

impl Positions<'_> {
    fn get(&self, code: &str) -> Option<usize> {
        self.0.iter().position(|c| *c == code)
    }
}

fn positions<'c>(codes: &'c [Code]) -> Positions<'c> {
    Positions(codes.iter().map(|c| c.code.as_str()).collect())
}

/// A slot and what each of its values reads as.
type Table<'s, 'd, T> = (&'s Slot<'d>, Vec<Option<T>>);

/// Per coded version: the slot of one question and what each of its values reads as.
struct Tables<'s, 'd, T> {
    per_version: Vec<Option<Table<'s, 'd, T>>>,
}

impl<T: Copy> Tables<'_, '_, T> {
    fn read(&self, v: usize, row: &[u8]) -> Option<T> {
        let (slot, table) = self.per_version[v].as_ref()?;
        table.get(slot.value(row)).copied().flatten()
    }
}

/// What the code of each value of a single-choice/scale slot (`kind` Code) or of a ranking slot's first
/// option (`kind` Ranking) reads as, by `map`.
pub(crate) fn slot_table<T>(slot: &Slot<'_>, map: impl Fn(&str) -> Option<T>) -> Vec<Option<T>> {
    let skip = match slot.kind {
        SlotKind::Code { .. } => 1,
        SlotKind::Ranking { .. } => 2,
        _ => return Vec::new(),
    };
    (0..skip)
        .map(|_| None)
        .chain(codes::option_codes(slot.question).into_iter().map(map))
        .collect()
}

impl<'a> Columns<'a> {
    pub fn new(view: &'a View<'a>, rows: Subset<'a>) -> Self {
        let slot: HashMap<&str, usize> = view
            .def
            .questions()
            .enumerate()
            .map(|(k, (_, q))| (q.id.as_str(), k))
            .collect();
        let json = if view.has_json() {
            view.json_by_question()
        } else {
            Vec::new()
        };
        Columns {
            view,
            rows,
            slot,
            json,
            domain: None,
            codings: None,
        }
    }

    /// Number of analysed respondents.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Restricts every column read from now on to the respondents `inside` (see `domain`).
    pub fn restrict(&mut self, inside: Vec<bool>) {
        self.domain = Some(inside);
    }

    /// Missing outside the subgroup.
    fn masked<T>(&self, mut values: Vec<Option<T>>) -> Vec<Option<T>> {
        if let Some(inside) = &self.domain {
            for (v, keep) in values.iter_mut().zip(inside) {
                if !keep {
                    *v = None;
                }
            }
        }
        values
    }

    /// Reads coded open answers from `codings` (see `coded_text`).
    pub fn with_codings(mut self, codings: Option<&'a Codings>) -> Self {
        self.codings = codings;
        self
    }

    /// A question coded as a whole (a text question; see `open_text_is_answer`), as the column of its
    /// codes, with its counts.
    pub fn coded_text(&self, q: &Question, lang: &str) -> Option<(Column, CodedCount)> {
        if !q.kind.as_type().open_text_is_answer() {
            return None;
        }
        let codings = self.codings?;
        let Column::Answered(answered) = self.question(q, lang) else {
            return None;
        };
        codings.column(&q.id, q.kind.codebook(), &self.rows, &answered, lang)
    }

    /// A choice question's coded "other, specify" texts, as the column of their codes, with their counts
    /// (the base is the respondents who wrote an "other" text). Coded answers are read with their JSON
    /// answers (`report::load`), which keep the text.
    pub fn coded_other(&self, q: &Question, lang: &str) -> Option<(Column, CodedCount)> {
        if q.kind.as_type().open_text_is_answer() {
            return None;
        }
        let book = q.kind.codebook()?;
        let codings = self.codings?;
        let kind = &q.kind;
        let answered = self.each(&q.id, |a| a.and_then(|a| kind.open_text(a)).map(|_| true), |_, _| None);
        codings.column(&q.id, Some(book), &self.rows, &answered, lang)
    }

    /// One value per analysed respondent: `json` of the answer to question `id` for responses read from
    /// JSON, `coded(version, row)` for coded ones.
    fn each<T>(
        &self,
        id: &str,
        json: impl Fn(Option<&'a Answer>) -> Option<T>,
        coded: impl Fn(usize, &[u8]) -> Option<T>,
    ) -> Vec<Option<T>> {
        let k = self.slot.get(id).copied();
        let values = self
            .view
            .rows(self.rows)
            .map(|r| match r {
                Row::Json(j, _) => json(k.and_then(|k| self.json[k][j])),
                Row::Coded(v, row) => coded(v, row),
            })
            .collect();
        self.masked(values)
    }

    /// Per coded version, the slot of question `id` when it is of a kind `accept`s.
    fn slots(&self, id: &str, accept: impl Fn(&Slot<'_>) -> bool) -> Vec<Option<&'a Slot<'a>>> {
        self.view
            .coded
            .iter()
            .map(|c| c.slot(id).filter(|s| accept(s)))
            .collect()
    }

    /// Tables of the single-choice and scale slots of `id` (whose answers have a code, `Answer::code`),
    /// or of its ranking slots (`ranking`), mapped by `map`.
    fn tables<T>(&self, id: &str, ranking: bool, map: impl Fn(&str) -> Option<T>) -> Tables<'a, 'a, T> {
        let per_version = self
            .slots(id, |s| match s.kind {
                SlotKind::Code { .. } => !ranking,
                SlotKind::Ranking { .. } => ranking,
                _ => false,
            })
            .into_iter()
            .map(|s| s.map(|s| (s, slot_table(s, &map))))
            .collect();
        Tables { per_version }
    }

    pub fn question(&self, q: &Question, lang: &str) -> Column {
        let id = q.id.as_str();
        let codes_of =
            |options: &[&AnswerOption]| -> Vec<Code> { options.iter().map(|o| code(o, lang, false)).collect() };
        match q.kind.as_type().summary_column() {
            SummaryColumn::Categories(options) => {
                let codes = codes_of(&options);
                let pos = positions(&codes);
                let tables = self.tables(id, false, |c| pos.get(c));
                let values = self.each(
                    id,
                    |a| a.and_then(Answer::code).and_then(|c| pos.get(c)),
                    |v, row| tables.read(v, row),
                );
                Column::Categorical {
                    codes,
                    values,
                    numeric: None,
                }
            }
            SummaryColumn::Scale(s) => {
                let codes = scale_codes(s, lang);
                let pos = positions(&codes);
                let tables = self.tables(id, false, |c| pos.get(c));
                let values = self.each(
                    id,
                    |a| a.and_then(Answer::code).and_then(|c| pos.get(c)),
                    |v, row| tables.read(v, row),
                );
                scale_column(s, codes, values)
            }
            SummaryColumn::Matrix { rows, scale } => {
                let rows = rows
                    .iter()
                    .map(|r| {
                        let codes = scale_codes(&scale, lang);
                        let values = self.matrix_row(id, &r.code, &codes);
                        let col = scale_column(&scale, codes, values);
                        (r.code.clone(), r.label.get(lang).to_owned(), col)
                    })
                    .collect();
                Column::Matrix(rows)
            }
            SummaryColumn::Multiple(options) => {
                let codes = codes_of(&options);
                let chosen = self.multiple(id, &codes);
                Column::Multiple { codes, chosen }
            }
            SummaryColumn::FirstRanked(options) => {
                let codes: Vec<Code> = options.iter().map(|o| code(o, lang, false)).collect();
                let pos = positions(&codes);
                let tables = self.tables(id, true, |c| pos.get(c));
                let values = self.each(
                    id,
                    |a| match a {
                        Some(Answer::Ranking(order)) => order.first().and_then(|c| pos.get(c.as_str())),
                        _ => None,
                    },
                    |v, row| tables.read(v, row),
                );
                Column::Categorical {
                    codes,
                    values,
                    numeric: None,
                }
            }
            SummaryColumn::Number => {
                let slots = self.slots(id, |s| s.kind == SlotKind::Number);
                Column::Numeric(self.each(
                    id,
                    |a| match a {
                        Some(Answer::Number(x)) if x.is_finite() => Some(*x),
                        _ => None,
                    },
                    |v, row| slots[v].and_then(|s| s.number(row)).filter(|x| x.is_finite()),
                ))
            }
            SummaryColumn::Points(options) => {
                let slots = self.slots(id, |s| matches!(s.kind, SlotKind::Points { .. }));
                let options = options.iter().map(|o| {
                    let points = self.each(
                        id,
                        |a| constant_sum::answer_points(a, &o.code),
                        |v, row| slots[v].and_then(|s| constant_sum::coded_points(s, row, &o.code)),
                    );
                    (o.code.clone(), o.label.get(lang).to_owned(), Column::Numeric(points))
                });
                Column::Matrix(options.collect())
            }
            SummaryColumn::Answered => {
                // Any answer counts, whatever its kind (as for JSON answers).
                let slots = self.slots(id, |_| true);
                Column::Answered(self.each(
                    id,
                    |a| a.map(|_| true),
                    |v, row| slots[v].is_some_and(|s| s.answered(row)).then_some(true),
                ))
            }
        }
    }

    /// A matrix row's point per respondent (as a position in `codes`).
    fn matrix_row(&self, id: &str, row_code: &str, codes: &[Code]) -> Vec<Option<usize>> {
        let pos = positions(codes);
        // Per version: the slot, the row's place in that version's matrix, and each point value's position.
        let tables: Vec<Option<(Table<'_, '_, usize>, usize)>> = self
            .slots(id, |s| matches!(s.kind, SlotKind::Matrix { .. }))
            .into_iter()
            .map(|s| {
                let s = s?;
                let SummaryColumn::Matrix { rows, .. } = s.question.kind.as_type().summary_column() else {
                    return None;
                };
                let r = rows.iter().position(|r| r.code == row_code)?;
                let table = std::iter::once(None)
                    .chain(codes::option_codes(s.question).into_iter().map(|c| pos.get(c)))
                    .collect();
                Some(((s, table), r))
            })
            .collect();
        self.each(
            id,
            |a| match a {
                Some(Answer::Matrix(cells)) => cells.get(row_code).and_then(|c| pos.get(c)),
                _ => None,
            },
            |v, row| {
                let ((s, table), r) = tables[v].as_ref()?;
                table.get(s.matrix_cell(row, *r)).copied().flatten()
            },
        )
    }

    /// Per option of a multiple-choice question: chosen / not chosen / not answered, per respondent.
    fn multiple(&self, id: &str, codes: &[Code]) -> Vec<Vec<Option<bool>>> {
        let pos = positions(codes);
        let n = self.rows.len();
        let mut chosen = vec![vec![None; n]; codes.len()];
        // Per version: the slot and where each of its options is among `codes`.
        let maps: Vec<Option<Table<'_, '_, usize>>> = self
            .slots(id, |s| matches!(s.kind, SlotKind::Choices { .. }))
            .into_iter()
            .map(|s| {
                s.map(|s| {
                    (
                        s,
                        codes::option_codes(s.question)
                            .into_iter()
                            .map(|c| pos.get(c))
                            .collect(),
                    )
                })
            })
            .collect();
        let k = self.slot.get(id).copied();
        for (p, r) in self.view.rows(self.rows).enumerate() {
            match r {
                Row::Json(j, _) => {
                    if let Some(Answer::Choices { codes: picked, .. }) = k.and_then(|k| self.json[k][j]) {
                        chosen.iter_mut().for_each(|c| c[p] = Some(false));
                        for c in picked {
                            if let Some(x) = pos.get(c.as_str()) {
                                chosen[x][p] = Some(true);
                            }
                        }
                    }
                }
                Row::Coded(v, row) => {
                    let Some((s, map)) = &maps[v] else { continue };
                    if !s.answered(row) {
                        continue;
                    }
                    chosen.iter_mut().for_each(|c| c[p] = Some(false));
                    for (o, x) in map.iter().enumerate() {
                        if let Some(x) = x {
                            if s.chosen(row, o) {
                                chosen[*x][p] = Some(true);
                            }
                        }
                    }
                }
            }
        }
        chosen.into_iter().map(|c| self.masked(c)).collect()
    }

    /// A breakdown variable's categories and each respondent's category index (missing outside the
    /// subgroup).
    pub fn breakdown(&self, var: &str, lang: &str) -> (Vec<Labelled>, Vec<Option<usize>>) {
        let (cats, values) = self.breakdown_unmasked(var, lang);
        (cats, self.masked(values))
    }

    /// [`Self::breakdown`] over all analysed respondents, subgroup or not.
    pub fn breakdown_unmasked(&self, var: &str, lang: &str) -> (Vec<Labelled>, Vec<Option<usize>>) {
        if super::channel::is_channel(self.view.def, var) {
            return super::channel::breakdown(self.view.channels, self.rows);
        }
        let cats = category_labels(self.view.def, var, lang);
        let pos: HashMap<&str, usize> = cats.iter().enumerate().map(|(k, c)| (c.code.as_str(), k)).collect();
        let column = self.view.variable(var, self.rows);
        let level: Vec<Option<usize>> = column.levels.iter().map(|l| pos.get(l.as_str()).copied()).collect();
        let values = column
            .codes
            .iter()
            .map(|&c| level.get(c as usize).copied().flatten())
            .collect();
        (cats, values)
    }
}

/// A scale's answers (positions in `codes` per respondent) as categories and point values.
fn scale_column(s: &Scale, codes: Vec<Code>, values: Vec<Option<usize>>) -> Column {
    let value: Vec<Option<f64>> = codes.iter().map(|c| s.value(&c.code)).collect();
    let numeric = values.iter().map(|k| k.and_then(|k| value[k])).collect();
    Column::Categorical {
        codes,
        values,
        numeric: Some(numeric),
    }
}

/// Categories of a breakdown variable with labels in `lang` (the code when there is no label).
pub fn category_labels(def: &Definition, var: &str, lang: &str) -> Vec<Labelled> {
    let codes = def.categories(var).unwrap_or_default();
    codes
        .into_iter()
        .map(|c| {
            let label = label_of(def, var, &c, lang).unwrap_or_else(|| c.clone());
            Labelled { code: c, label }
        })
        .collect()
}

fn label_of(def: &Definition, var: &str, code: &str, lang: &str) -> Option<String> {
    if let Some(d) = def.derived_variable(var) {
        if let crate::definition::DerivedRule::Bins(bins) = &d.rule {
            return bins
                .iter()
                .find(|b| b.code == code)
                .and_then(|b| b.label.as_ref().map(|l| l.get(lang).to_owned()));
        }
        return None;
    }
    let q = def.question(var)?;
    let opts: Vec<&AnswerOption> = q.kind.as_type().categories();
    opts.into_iter()
        .find(|o| o.code == code)
        .map(|o| o.label.get(lang).to_owned())
}
