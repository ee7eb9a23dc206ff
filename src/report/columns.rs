//! Answers turned into columns (one value per respondent) for the statistics core.

use std::collections::HashMap;

use crate::definition::{derived, Answer, AnswerOption, Answers, Definition, Question, QuestionKind, Scale};

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
    /// Matrix rows, each a scale column.
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

/// The analysed respondents' answers, transposed once into one column per question (so estimating a
/// question reads its column without a lookup by question id per respondent).
pub struct Columns<'a> {
    def: &'a Definition,
    answers: &'a [&'a Answers],
    slot: HashMap<&'a str, usize>,
    by_question: Vec<Vec<Option<&'a Answer>>>,
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

impl<'a> Columns<'a> {
    pub fn new(def: &'a Definition, answers: &'a [&'a Answers]) -> Self {
        let slot: HashMap<&str, usize> = def
            .questions()
            .enumerate()
            .map(|(k, (_, q))| (q.id.as_str(), k))
            .collect();
        // Question ids in sorted order: each respondent's answers (a BTreeMap, also sorted) are matched by
        // one merge walk instead of a hash lookup per answer.
        let mut sorted: Vec<(&str, usize)> = slot.iter().map(|(id, k)| (*id, *k)).collect();
        sorted.sort_unstable();
        let mut by_question = vec![vec![None; answers.len()]; slot.len()];
        for (i, a) in answers.iter().enumerate() {
            let mut q = sorted.iter().peekable();
            for (id, answer) in a.iter() {
                while q.next_if(|(qid, _)| *qid < id.as_str()).is_some() {}
                if let Some((_, k)) = q.next_if(|(qid, _)| *qid == id.as_str()) {
                    by_question[*k][i] = Some(answer);
                }
            }
        }
        Columns {
            def,
            answers,
            slot,
            by_question,
        }
    }

    fn each<T>(&self, f: impl Fn(Option<&'a Answer>) -> Option<T>, id: &str) -> Vec<Option<T>> {
        match self.slot.get(id) {
            Some(&k) => self.by_question[k].iter().map(|a| f(*a)).collect(),
            None => (0..self.answers.len()).map(|_| None).collect(),
        }
    }

    pub fn question(&self, q: &Question, lang: &str) -> Column {
        let id = q.id.as_str();
        match &q.kind {
            QuestionKind::SingleChoice(c) => {
                let codes: Vec<Code> = c
                    .options
                    .iter()
                    .chain(c.other.iter())
                    .map(|o| code(o, lang, false))
                    .collect();
                let pos = positions(&codes);
                let values = self.each(|a| a.and_then(Answer::code).and_then(|c| pos.get(c)), id);
                Column::Categorical {
                    codes,
                    values,
                    numeric: None,
                }
            }
            QuestionKind::Scale(s) => {
                let column = self.each(|a| a.and_then(Answer::code), id);
                self.scale_column(s, lang, &column)
            }
            QuestionKind::Matrix(m) => {
                let scale = m.scale();
                let rows = m
                    .rows
                    .iter()
                    .map(|r| {
                        let column = self.each(
                            |a| match a {
                                Some(Answer::Matrix(cells)) => cells.get(&r.code).map(String::as_str),
                                _ => None,
                            },
                            id,
                        );
                        let col = self.scale_column(&scale, lang, &column);
                        (r.code.clone(), r.label.get(lang).to_owned(), col)
                    })
                    .collect();
                Column::Matrix(rows)
            }
            QuestionKind::MultipleChoice(c) => {
                let codes: Vec<Code> = c
                    .options
                    .iter()
                    .chain(c.other.iter())
                    .map(|o| code(o, lang, false))
                    .collect();
                let pos = positions(&codes);
                let mut chosen = vec![vec![None; self.answers.len()]; codes.len()];
                if let Some(&k) = self.slot.get(id) {
                    for (i, a) in self.by_question[k].iter().enumerate() {
                        if let Some(Answer::Choices { codes: picked, .. }) = a {
                            chosen.iter_mut().for_each(|c| c[i] = Some(false));
                            for p in picked {
                                if let Some(j) = pos.get(p.as_str()) {
                                    chosen[j][i] = Some(true);
                                }
                            }
                        }
                    }
                }
                Column::Multiple { codes, chosen }
            }
            QuestionKind::Ranking(r) => {
                let codes: Vec<Code> = r.options.iter().map(|o| code(o, lang, false)).collect();
                let pos = positions(&codes);
                let values = self.each(
                    |a| match a {
                        Some(Answer::Ranking(order)) => order.first().and_then(|c| pos.get(c.as_str())),
                        _ => None,
                    },
                    id,
                );
                Column::Categorical {
                    codes,
                    values,
                    numeric: None,
                }
            }
            QuestionKind::Number(_) => Column::Numeric(self.each(
                |a| match a {
                    Some(Answer::Number(x)) if x.is_finite() => Some(*x),
                    _ => None,
                },
                id,
            )),
            QuestionKind::Text(_) | QuestionKind::Date(_) | QuestionKind::Info => {
                Column::Answered(self.each(|a| a.map(|_| true), id))
            }
        }
    }

    /// A scale's answers (point codes per respondent) as categories and point values.
    fn scale_column(&self, s: &Scale, lang: &str, column: &[Option<&str>]) -> Column {
        let codes = scale_codes(s, lang);
        let pos = positions(&codes);
        let value: Vec<Option<f64>> = codes.iter().map(|c| s.value(&c.code)).collect();
        let mut values = Vec::with_capacity(column.len());
        let mut numeric = Vec::with_capacity(column.len());
        for c in column {
            values.push(c.and_then(|c| pos.get(c)));
            numeric.push(c.and_then(|c| pos.get(c)).and_then(|k| value[k]));
        }
        Column::Categorical {
            codes,
            values,
            numeric: Some(numeric),
        }
    }

    /// A breakdown variable's categories and each respondent's category index.
    pub fn breakdown(&self, var: &str, lang: &str) -> (Vec<Labelled>, Vec<Option<usize>>) {
        let cats = category_labels(self.def, var, lang);
        let pos: HashMap<&str, usize> = cats.iter().enumerate().map(|(k, c)| (c.code.as_str(), k)).collect();
        let values = self
            .answers
            .iter()
            .map(|a| derived::category(self.def, var, a).and_then(|c| pos.get(c.as_str()).copied()))
            .collect();
        (cats, values)
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
    let opts: Vec<&AnswerOption> = match &q.kind {
        QuestionKind::SingleChoice(c) => c.options.iter().chain(c.other.iter()).collect(),
        QuestionKind::Scale(s) => s.points.iter().chain(s.hard_to_say.iter()).collect(),
        _ => Vec::new(),
    };
    opts.into_iter()
        .find(|o| o.code == code)
        .map(|o| o.label.get(lang).to_owned())
}
