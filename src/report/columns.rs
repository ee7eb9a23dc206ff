//! Answers turned into columns (one value per respondent) for the statistics core.

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
    Multiple { codes: Vec<Code>, chosen: Vec<Vec<Option<bool>>> },
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

/// The analysed respondents' answers.
pub struct Columns<'a> {
    def: &'a Definition,
    answers: &'a [&'a Answers],
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

fn index_of(codes: &[Code], c: &str) -> Option<usize> {
    codes.iter().position(|k| k.code == c)
}

impl<'a> Columns<'a> {
    pub fn new(def: &'a Definition, answers: &'a [&'a Answers]) -> Self {
        Columns { def, answers }
    }

    fn each<T>(&self, f: impl Fn(Option<&Answer>) -> Option<T>, id: &str) -> Vec<Option<T>> {
        self.answers.iter().map(|a| f(a.get(id))).collect()
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
                let values = self.each(|a| a.and_then(Answer::code).and_then(|c| index_of(&codes, c)), id);
                Column::Categorical { codes, values, numeric: None }
            }
            QuestionKind::Scale(s) => self.scale_column(s, lang, |a: &Answers| a.get(id).and_then(Answer::code).map(str::to_owned)),
            QuestionKind::Matrix(m) => {
                let scale = m.scale();
                let rows = m
                    .rows
                    .iter()
                    .map(|r| {
                        let row = r.code.clone();
                        let col = self.scale_column(&scale, lang, |a: &Answers| match a.get(id) {
                            Some(Answer::Matrix(cells)) => cells.get(&row).cloned(),
                            _ => None,
                        });
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
                let chosen = codes
                    .iter()
                    .map(|k| {
                        self.each(
                            |a| match a {
                                Some(Answer::Choices { codes, .. }) => Some(codes.iter().any(|c| *c == k.code)),
                                _ => None,
                            },
                            id,
                        )
                    })
                    .collect();
                Column::Multiple { codes, chosen }
            }
            QuestionKind::Ranking(r) => {
                let codes: Vec<Code> = r.options.iter().map(|o| code(o, lang, false)).collect();
                let values = self.each(
                    |a| match a {
                        Some(Answer::Ranking(order)) => order.first().and_then(|c| index_of(&codes, c)),
                        _ => None,
                    },
                    id,
                );
                Column::Categorical { codes, values, numeric: None }
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

    fn scale_column(&self, s: &Scale, lang: &str, get: impl Fn(&Answers) -> Option<String>) -> Column {
        let codes = scale_codes(s, lang);
        let mut values = Vec::with_capacity(self.answers.len());
        let mut numeric = Vec::with_capacity(self.answers.len());
        for a in self.answers {
            let c = get(a);
            values.push(c.as_deref().and_then(|c| index_of(&codes, c)));
            numeric.push(c.as_deref().and_then(|c| s.value(c)));
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
        let values = self
            .answers
            .iter()
            .map(|a| derived::category(self.def, var, a).and_then(|c| cats.iter().position(|k| k.code == c)))
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
    opts.into_iter().find(|o| o.code == code).map(|o| o.label.get(lang).to_owned())
}
