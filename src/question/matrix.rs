//! Matrix (`type: matrix`): rows rated on one shared scale.
//!
//! - Answer: [`Answer::Matrix`] (row code → point code); one form field per row, `q.row`.
//! - Coded slot: 1 byte (1: answered), then per row its point as a scale's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::scale::{check_points, Scale};
use super::{check_codes, distinct_codes, is_false, items, Described, Outcome, QuestionType};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{one, shorten};
use crate::form::random::Orders;
use crate::form::view::{TypeView, ViewContext};
use crate::store::codes::{width, SlotKind};
use crate::xlsform::{SettingsYaml, VarKind};

/// Rows rated on one scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    #[serde(default)]
    pub rows: Vec<AnswerOption>,
    #[serde(default)]
    pub points: Vec<AnswerOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_to_say: Option<AnswerOption>,
    /// Randomize the row order per respondent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub randomize: bool,
}

impl Matrix {
    /// The scale shared by all rows.
    pub fn scale(&self) -> Scale {
        Scale {
            points: self.points.clone(),
            hard_to_say: self.hard_to_say.clone(),
            balance: None,
        }
    }
}

impl QuestionType for Matrix {
    fn name(&self) -> &'static str {
        "matrix"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        self.rows
            .iter_mut()
            .chain(self.points.iter_mut())
            .chain(self.hard_to_say.as_mut())
            .collect()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Matrix(rows) = answer else {
            return None;
        };
        Some(check(self, rows))
    }

    fn fields(&self, q: &Question) -> Vec<String> {
        let id = &q.id;
        self.rows.iter().map(|r| format!("{id}.{}", r.code)).collect()
    }

    fn first_target(&self, q: &Question) -> String {
        format!("q-{}-0-0", q.id)
    }

    fn parse(&self, q: &Question, fields: &Fields) -> Outcome {
        parse(q, self, fields)
    }

    fn form_view<'a>(&'a self, q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(view(q, self, cx))
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_matrix"
    }

    fn typed_field(&self, _q: &Question, _name: &str) -> bool {
        false
    }

    fn slot_codes(&self) -> Vec<&str> {
        self.points
            .iter()
            .chain(self.hard_to_say.iter())
            .map(|o| o.code.as_str())
            .collect()
    }

    fn slot_kind(&self, codes: usize) -> Option<SlotKind> {
        Some(SlotKind::Matrix {
            rows: self.rows.len(),
            width: width(codes)?,
        })
    }

    fn csv_columns(&self, q: &Question) -> Vec<String> {
        let id = &q.id;
        self.rows.iter().map(|r| format!("{id}.{}", r.code)).collect()
    }

    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>) {
        for r in &self.rows {
            out.push(match answer {
                Some(Answer::Matrix(rows)) => rows.get(&r.code).cloned().unwrap_or_default(),
                _ => String::new(),
            });
        }
    }

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        let values = || self.points.iter().chain(self.hard_to_say.iter()).collect();
        self.rows
            .iter()
            .map(|r| super::columns::MicrodataColumn::item(r, values()))
            .collect()
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        self.rows
            .iter()
            .map(|r| {
                super::columns::SpssVariable::Coded(super::columns::Coded {
                    row: Some(r),
                    options: self.points.iter().collect(),
                    hard_to_say: self.hard_to_say.as_ref(),
                    ordered: true,
                })
            })
            .collect()
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::Matrix {
            rows: &self.rows,
            scale: self.scale(),
        }
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Matrix(cells) = answer else {
            return None;
        };
        slot.encode_matrix(&self.rows, cells, out)
    }

    #[cfg(test)]
    fn random_answer(&self, draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        let codes = self.slot_codes();
        let mut cells = BTreeMap::new();
        for r in &self.rows {
            if draw.chance(0.7) {
                cells.insert(r.code.clone(), draw.code(&codes));
            }
        }
        Some(Answer::Matrix(cells))
    }

    fn csv_fields(&self, _q: &Question, column: &str, value: &str, out: &mut Fields) {
        out.push(column.to_owned(), value);
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        if self.randomize {
            Some(&self.rows)
        } else {
            None
        }
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Matrix {
            rows: distinct_codes(&self.rows, None),
            codes: distinct_codes(&self.points, self.hard_to_say.as_ref()),
        }
    }

    fn summary_cost(&self) -> usize {
        3 * self.rows.len()
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        let mut out = items("row", self.rows.iter());
        out.extend(items("point", self.points.iter().chain(self.hard_to_say.iter())));
        out
    }

    fn check_definition(&self, _q: &Question, _def: &Definition, problem: &mut dyn FnMut(String)) {
        if self.rows.is_empty() {
            problem("matrix has no rows".into());
        }
        check_codes("row", self.rows.iter(), problem);
        check_points(&self.points, self.hard_to_say.as_ref(), problem);
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        y.flag("randomize", self.randomize);
        y.options("rows", &self.rows);
        y.options("points", &self.points);
        if let Some(o) = &self.hard_to_say {
            y.option("hard_to_say", o);
        }
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Info
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: self.points.iter().chain(self.hard_to_say.iter()).collect(),
            rows: self.rows.iter().collect(),
            note: String::new(),
        }
    }

    fn categories(&self) -> Vec<&AnswerOption> {
        Vec::new()
    }

    fn codebook(&self) -> Option<&crate::coding::Codebook> {
        None
    }

    fn open_text<'a>(&self, _answer: &'a Answer) -> Option<&'a str> {
        None
    }
}

fn check(m: &Matrix, rows: &BTreeMap<String, String>) -> Result<(), AnswerError> {
    if rows.is_empty() {
        return Err(AnswerError::Empty);
    }
    let scale = m.scale();
    for (row, code) in rows {
        if !m.rows.iter().any(|r| &r.code == row) {
            return Err(AnswerError::UnknownRow(row.clone()));
        }
        if !scale.codes().any(|c| c == code) {
            return Err(AnswerError::UnknownCode(code.clone()));
        }
    }
    Ok(())
}

fn parse(q: &Question, m: &Matrix, fields: &Fields) -> Outcome {
    let scale = m.scale();
    let mut rows = BTreeMap::new();
    let mut first_missing = None;
    for (i, row) in m.rows.iter().enumerate() {
        let target = format!("q-{}-{i}-0", q.id);
        match one(fields, &format!("{}.{}", q.id, row.code), &target)? {
            None => {
                first_missing.get_or_insert(target);
            }
            Some(code) if scale.codes().any(|c| c == code) => {
                rows.insert(row.code.clone(), code.to_owned());
            }
            Some(code) => return Err((target, Problem::UnknownOption(shorten(code)))),
        }
    }
    if rows.is_empty() {
        return Ok(None);
    }
    if let (true, Some(target)) = (q.required, first_missing) {
        return Err((target, Problem::MatrixIncomplete));
    }
    Ok(Some(Answer::Matrix(rows)))
}

/// The view of a matrix (`templates/partials/q_matrix.hbs`): the column heads (points, then "hard to
/// say"), and the rows in this respondent's order, each with a radio button per column.
#[derive(Serialize)]
struct MatrixView<'a> {
    rows: Vec<RowView<'a>>,
    heads: Vec<HeadView<'a>>,
}

#[derive(Serialize)]
struct RowView<'a> {
    code: &'a str,
    label: &'a str,
    name: String,
    cells: Vec<CellView<'a>>,
    id: String,
}

#[derive(Serialize)]
struct CellView<'a> {
    code: &'a str,
    label: &'a str,
    name: String,
    id: String,
    checked: bool,
    /// The "hard to say" column.
    hts: bool,
}

#[derive(Serialize)]
struct HeadView<'a> {
    label: &'a str,
}

fn view<'a>(q: &'a Question, m: &'a Matrix, cx: &ViewContext<'_>) -> MatrixView<'a> {
    let id = &q.id;
    let lang = cx.lang;
    let rows = Orders::arrange(cx.orders.options.get(id), &m.rows, |r| r.code.as_str())
        .into_iter()
        .map(|(ri, row)| {
            let name = format!("{id}.{}", row.code);
            let cells = m
                .points
                .iter()
                .chain(m.hard_to_say.iter())
                .enumerate()
                .map(|(pi, p)| CellView {
                    code: &p.code,
                    label: p.label.get(lang),
                    name: name.clone(),
                    id: format!("q-{id}-{ri}-{pi}"),
                    checked: cx.values.has_value(&name, &p.code),
                    hts: pi >= m.points.len(),
                })
                .collect();
            RowView {
                code: &row.code,
                label: row.label.get(lang),
                name,
                cells,
                id: format!("q-{id}-row-{ri}"),
            }
        })
        .collect();
    let heads = m
        .points
        .iter()
        .chain(m.hard_to_say.iter())
        .map(|p| HeadView {
            label: p.label.get(lang),
        })
        .collect();
    MatrixView { rows, heads }
}
