//! A survey's microdata as an SPSS system file: variable names = question ids, variable labels = question
//! texts, value labels = option labels, the `weight` variable set as the file's weight, user-missing codes.
//!
//! Coding (what a sociologist finds in SPSS):
//! - single choice, scale, matrix row: one numeric variable; the value is the option code when every code
//!   of the question is a whole number (scale points 1..5), otherwise the option's position 1..k in the
//!   questionnaire; "other, specify" text in a string variable `id.other`;
//! - "hard to say" of a scale or matrix: 99 (or 999, 9999 when 99 is a point), declared user-missing, so
//!   SPSS leaves it out of means as the results page does;
//! - multiple choice: one 0/1 variable per option `id.code` (1 = chosen);
//! - ranking: one variable per option `id.code` holding its rank (1 = most important, 0 = not ranked);
//! - constant sum: one numeric variable per option `id.code` holding its points;
//! - number: numeric; text: string (at most 255 bytes); date: SPSS `DATE11`;
//! - −1 = not asked (the question was hidden by its condition), −2 = asked but not answered: both
//!   user-missing with value labels; numbers, texts and dates use system-missing / blank instead, since −1
//!   may be a valid number;
//! - `weight`: the final weight ([`super::respondent_weights`]), system-missing for respondents left out
//!   of weighting (SPSS then leaves them out, as the summary does); 1 for an unweighted survey;
//! - coded open answers: one 0/1 variable per code after `weight` (see `spss_codes`).

use std::collections::HashSet;

use super::sav::{self, format, Measure, SavFile, Value, VarType, Variable};
pub use super::spss_codes::sav_file;
use super::{ExportData, ExportError};
use crate::definition::{Answer, AnswerOption, Answers, Definition, Question};
use crate::i18n;
use crate::question::columns::{Coded, SpssVariable};

pub(super) const NOT_ASKED: f64 = -1.0;
pub(super) const NO_ANSWER: f64 = -2.0;

struct Texts {
    not_asked: &'static str,
    no_answer: &'static str,
    chosen: &'static str,
    not_chosen: &'static str,
    not_ranked: &'static str,
    weight: &'static str,
}

fn texts(lang: &str) -> Texts {
    let t = |id| i18n::static_text(lang, id);
    Texts {
        not_asked: t("export-spss-not-asked"),
        no_answer: t("export-spss-no-answer"),
        chosen: t("export-spss-chosen"),
        not_chosen: t("export-spss-not-chosen"),
        not_ranked: t("export-spss-not-ranked"),
        weight: t("export-spss-weight"),
    }
}

/// How one column is filled from a respondent's answers.
enum Fill<'a> {
    /// Category code → value, of the answer's code or of a matrix row's point (`row`).
    Coded {
        q: &'a Question,
        codes: Vec<(String, f64)>,
        row: Option<String>,
    },
    Chosen {
        q: &'a Question,
        code: String,
    },
    Rank {
        q: &'a Question,
        code: String,
    },
    Number(&'a Question),
    /// A constant-sum option's points.
    Points {
        q: &'a Question,
        code: String,
    },
    Text {
        q: &'a Question,
        other: bool,
    },
    Date(&'a Question),
    ResponseId,
    Submitted,
    Version,
    Language,
    Weight,
}

/// The value of each code: the codes themselves when all are whole numbers, else positions 1..k.
fn code_values(codes: &[&AnswerOption]) -> Vec<(String, f64)> {
    let numbers: Option<Vec<f64>> = codes
        .iter()
        .map(|o| o.code.trim().parse::<i32>().ok().map(f64::from))
        .collect();
    let distinct = numbers.as_ref().is_some_and(|n| {
        let mut s = n.clone();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s.len() == n.len() && s.iter().all(|v| *v >= 0.0)
    });
    codes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let v = match (&numbers, distinct) {
                (Some(n), true) => n[i],
                _ => (i + 1) as f64,
            };
            (o.code.clone(), v)
        })
        .collect()
}

/// The "hard to say" value: 99, or 999, 9999 when taken.
fn hard_to_say_value(taken: &[(String, f64)]) -> f64 {
    [99.0, 999.0, 9999.0, 99999.0]
        .into_iter()
        .find(|v| taken.iter().all(|(_, t)| t != v))
        .unwrap_or(-9.0)
}

struct Builder<'a> {
    def: &'a Definition,
    lang: &'a str,
    t: Texts,
    names: HashSet<String>,
    vars: Vec<Variable>,
    fills: Vec<Fill<'a>>,
}

impl<'a> Builder<'a> {
    /// A unique valid SPSS name from `wanted`.
    fn name(&mut self, wanted: &str) -> String {
        super::spss_codes::unique_name(wanted, &mut self.names)
    }

    fn push(&mut self, name: &str, label: String, ty: VarType, measure: Measure, fill: Fill<'a>) -> usize {
        let name = self.name(name);
        self.vars.push(Variable {
            name,
            label,
            ty,
            value_labels: Vec::new(),
            missing: Vec::new(),
            measure,
        });
        self.fills.push(fill);
        self.vars.len() - 1
    }

    fn label(&self, t: &crate::definition::Texts) -> String {
        self.def.text(t, self.lang).to_owned()
    }

    fn missing_labels(&self) -> Vec<(f64, String)> {
        vec![
            (NOT_ASKED, self.t.not_asked.to_owned()),
            (NO_ANSWER, self.t.no_answer.to_owned()),
        ]
    }

    /// A numeric variable coded by option (single choice, scale, matrix row): the question's own, or
    /// `{id}.{row}` of a matrix row.
    fn coded(&mut self, q: &'a Question, text: &str, var: Coded<'a>) {
        let Coded {
            row,
            options,
            hard_to_say,
            ordered,
        } = var;
        let (name, label) = match row {
            None => (q.id.clone(), text.to_owned()),
            Some(r) => (
                format!("{}.{}", q.id, r.code),
                format!("{text} — {}", self.label(&r.label)),
            ),
        };
        let mut codes = code_values(&options);
        let mut value_labels: Vec<(f64, String)> = options
            .iter()
            .zip(&codes)
            .map(|(o, (_, v))| (*v, self.label(&o.label)))
            .collect();
        let mut missing = vec![NOT_ASKED, NO_ANSWER];
        if let Some(h) = hard_to_say {
            let v = hard_to_say_value(&codes);
            codes.push((h.code.clone(), v));
            value_labels.push((v, self.label(&h.label)));
            missing.push(v);
        }
        value_labels.extend(self.missing_labels());
        let width = 8;
        // Choices are categories; scale points (and matrix rows on a scale) are ordered.
        let measure = if ordered { Measure::Ordinal } else { Measure::Nominal };
        let k = self.push(
            &name,
            label,
            VarType::Numeric {
                kind: format::F,
                width,
                decimals: 0,
            },
            measure,
            Fill::Coded {
                q,
                codes,
                row: row.map(|r| r.code.clone()),
            },
        );
        self.vars[k].value_labels = value_labels;
        self.vars[k].missing = missing;
    }

    fn flag(&mut self, fill: Fill<'a>, name: &str, label: String, labels: Vec<(f64, String)>, measure: Measure) {
        let k = self.push(
            name,
            label,
            VarType::Numeric {
                kind: format::F,
                width: 8,
                decimals: 0,
            },
            measure,
            fill,
        );
        let mut l = labels;
        l.extend(self.missing_labels());
        self.vars[k].value_labels = l;
        self.vars[k].missing = vec![NOT_ASKED, NO_ANSWER];
    }

    fn question(&mut self, q: &'a Question, string_widths: &dyn Fn(&str, bool) -> u16) {
        let text = self.label(&q.text);
        let id = q.id.as_str();
        let item = |b: &Self, o: &AnswerOption| (format!("{id}.{}", o.code), format!("{text} — {}", b.label(&o.label)));
        for var in q.kind.as_type().spss_variables() {
            match var {
                SpssVariable::Coded(c) => self.coded(q, &text, c),
                SpssVariable::Chosen(o) => {
                    let labels = vec![(0.0, self.t.not_chosen.to_owned()), (1.0, self.t.chosen.to_owned())];
                    let (name, label) = item(self, o);
                    let code = o.code.clone();
                    self.flag(Fill::Chosen { q, code }, &name, label, labels, Measure::Nominal);
                }
                SpssVariable::Rank(o) => {
                    let labels = vec![(0.0, self.t.not_ranked.to_owned())];
                    let (name, label) = item(self, o);
                    let code = o.code.clone();
                    self.flag(Fill::Rank { q, code }, &name, label, labels, Measure::Ordinal);
                }
                SpssVariable::Number { decimals } => {
                    let ty = VarType::Numeric {
                        kind: format::F,
                        width: 10,
                        decimals,
                    };
                    self.push(id, text.clone(), ty, Measure::Scale, Fill::Number(q));
                }
                SpssVariable::Points(o) => {
                    let (name, label) = item(self, o);
                    let ty = VarType::Numeric {
                        kind: format::F,
                        width: 10,
                        decimals: 0,
                    };
                    let code = o.code.clone();
                    self.push(&name, label, ty, Measure::Scale, Fill::Points { q, code });
                }
                SpssVariable::Text => {
                    let ty = VarType::String {
                        width: string_widths(id, false),
                    };
                    self.push(id, text.clone(), ty, Measure::Nominal, Fill::Text { q, other: false });
                }
                SpssVariable::OtherText => {
                    let ty = VarType::String {
                        width: string_widths(id, true),
                    };
                    let fill = Fill::Text { q, other: true };
                    self.push(&format!("{id}.other"), text.clone(), ty, Measure::Nominal, fill);
                }
                SpssVariable::Date => {
                    let ty = VarType::Numeric {
                        kind: format::DATE,
                        width: 11,
                        decimals: 0,
                    };
                    self.push(id, text.clone(), ty, Measure::Scale, Fill::Date(q));
                }
            }
        }
    }
}

/// The text of a string column in one response.
pub(super) fn text_of(a: Option<&Answer>, other: bool) -> Option<&str> {
    match (a, other) {
        (Some(Answer::Text(t)), false) => Some(t),
        (
            Some(
                Answer::Choice {
                    other_text: Some(t), ..
                }
                | Answer::Choices {
                    other_text: Some(t), ..
                },
            ),
            true,
        ) => Some(t),
        _ => None,
    }
}

/// Missing code of a question without an answer: not asked (hidden) or not answered.
pub(super) fn absent(def: &Definition, q: &Question, answers: &Answers) -> f64 {
    if def.visible(&q.id, answers) {
        NO_ANSWER
    } else {
        NOT_ASKED
    }
}

fn cell(
    def: &Definition,
    fill: &Fill<'_>,
    answers: &Answers,
    data: (&crate::store::ResponseRow, Option<f64>),
) -> Value {
    let (row, weight) = data;
    match fill {
        Fill::Coded { q, codes, row } => {
            let code = match (row, answers.get(&q.id)) {
                (None, Some(a)) => a.code().map(str::to_owned),
                (Some(r), Some(Answer::Matrix(rows))) => rows.get(r).cloned(),
                _ => None,
            };
            match code.and_then(|c| codes.iter().find(|(k, _)| *k == c).map(|(_, v)| *v)) {
                Some(v) => Value::Number(v),
                None => Value::Number(absent(def, q, answers)),
            }
        }
        Fill::Chosen { q, code } => match answers.get(&q.id) {
            Some(Answer::Choices { codes, .. }) => {
                Value::Number(if codes.iter().any(|c| c == code) { 1.0 } else { 0.0 })
            }
            _ => Value::Number(absent(def, q, answers)),
        },
        Fill::Rank { q, code } => match answers.get(&q.id) {
            Some(Answer::Ranking(order)) => {
                Value::Number(order.iter().position(|c| c == code).map_or(0.0, |p| (p + 1) as f64))
            }
            _ => Value::Number(absent(def, q, answers)),
        },
        Fill::Number(q) => match answers.get(&q.id) {
            Some(Answer::Number(x)) => Value::Number(*x),
            _ => Value::Missing,
        },
        Fill::Points { q, code } => {
            crate::question::constant_sum::answer_points(answers.get(&q.id), code).map_or(Value::Missing, Value::Number)
        }
        Fill::Text { q, other } => {
            text_of(answers.get(&q.id), *other).map_or(Value::Missing, |t| Value::Text(t.to_owned()))
        }
        Fill::Date(q) => match answers.get(&q.id) {
            Some(Answer::Date(d)) => d
                .and_hms_opt(0, 0, 0)
                .map_or(Value::Missing, |t| Value::Number(sav::spss_seconds(t))),
            _ => Value::Missing,
        },
        Fill::ResponseId => Value::Text(row.id.clone()),
        Fill::Submitted => row
            .submitted_at
            .map_or(Value::Missing, |t| Value::Number(sav::spss_seconds(t))),
        Fill::Version => Value::Number(f64::from(row.version)),
        Fill::Language => Value::Text(row.language.clone()),
        Fill::Weight => weight.map_or(Value::Missing, Value::Number),
    }
}

/// The variables of a survey's SPSS file (without cases) and how each is filled from a response.
pub(super) struct Layout<'a> {
    def: &'a Definition,
    pub(super) file: SavFile,
    fills: Vec<Fill<'a>>,
}

impl<'a> Layout<'a> {
    /// `id_width`: the longest response id; `string_widths(question id, other)`: the longest text of a
    /// string variable in bytes (both clamped to 8..=255).
    pub(super) fn new(def: &'a Definition, id_width: usize, string_widths: &dyn Fn(&str, bool) -> u16) -> Layout<'a> {
        let lang = def.default_language();
        let mut b = Builder {
            def,
            lang,
            t: texts(lang),
            names: HashSet::new(),
            vars: Vec::new(),
            fills: Vec::new(),
        };
        let id_width = id_width.clamp(8, 255);
        b.push(
            "response_id",
            "response id".into(),
            VarType::String {
                width: u16::try_from(id_width).unwrap_or(255),
            },
            Measure::Nominal,
            Fill::ResponseId,
        );
        b.push(
            "submitted_at",
            "submitted (UTC)".into(),
            VarType::Numeric {
                kind: format::DATETIME,
                width: 20,
                decimals: 0,
            },
            Measure::Scale,
            Fill::Submitted,
        );
        b.push(
            "version",
            "questionnaire version".into(),
            VarType::Numeric {
                kind: format::F,
                width: 4,
                decimals: 0,
            },
            Measure::Nominal,
            Fill::Version,
        );
        b.push(
            "language",
            "language".into(),
            VarType::String { width: 8 },
            Measure::Nominal,
            Fill::Language,
        );
        for (_, q) in def.questions() {
            b.question(q, string_widths);
        }
        let label = b.t.weight.to_owned();
        let weight = b.push(
            "weight",
            label,
            VarType::Numeric {
                kind: format::F,
                width: 12,
                decimals: 6,
            },
            Measure::Scale,
            Fill::Weight,
        );
        Layout {
            def,
            file: SavFile {
                label: def.text(&def.title, lang).to_owned(),
                variables: b.vars,
                weight: Some(weight),
                cases: Vec::new(),
            },
            fills: b.fills,
        }
    }

    /// One response as a case.
    pub(super) fn case(&self, row: &crate::store::ResponseRow, answers: &Answers, weight: Option<f64>) -> Vec<Value> {
        self.fills
            .iter()
            .map(|f| cell(self.def, f, answers, (row, weight)))
            .collect()
    }
}

/// The `.sav` bytes of a survey's microdata.
pub fn sav(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    sav::write(&sav_file(data), crate::store::now()).map_err(ExportError::Sav)
}
