//! Ranking (`type: ranking`): the options put in order, all of them when `rank_all`, otherwise the first
//! few (at least one).
//!
//! - Answer: [`Answer::Ranking`] (codes, first ranked first); one form field per option, `q.code`, holding
//!   its rank.
//! - Coded slot: 0 unanswered, 1 nothing ranked, `2 + k` option `k` ranked first.

use serde::{Deserialize, Serialize};

use super::answers::cell;
use super::{check_codes, distinct_codes, is_false, items, Described, Outcome, QuestionType};
use crate::definition::answer::{known, no_duplicates};
use crate::definition::condition::VarType;
use crate::definition::{Answer, AnswerError, AnswerOption, Definition, Question, Texts};
use crate::form::fields::Fields;
use crate::form::messages::Problem;
use crate::form::parse::{input_id, one};
use crate::form::view::{ItemBox, TypeView, ViewContext};
use crate::store::codes::{width, SlotKind};
use crate::xlsform::{SettingsYaml, VarKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    #[serde(default)]
    pub options: Vec<AnswerOption>,
    /// Every option must be ranked (otherwise a prefix, at least one, is enough).
    #[serde(default, skip_serializing_if = "is_false")]
    pub rank_all: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub randomize: bool,
}

impl QuestionType for Ranking {
    fn name(&self) -> &'static str {
        "ranking"
    }

    fn choices(&self) -> Vec<&AnswerOption> {
        self.options.iter().collect()
    }

    fn items_mut(&mut self) -> Vec<&mut AnswerOption> {
        self.options.iter_mut().collect()
    }

    fn check(&self, answer: &Answer) -> Option<Result<(), AnswerError>> {
        let Answer::Ranking(codes) = answer else {
            return None;
        };
        Some(check(self, codes))
    }

    fn fields(&self, q: &Question) -> Vec<String> {
        let id = &q.id;
        self.options.iter().map(|o| format!("{id}.{}", o.code)).collect()
    }

    fn first_target(&self, q: &Question) -> String {
        input_id(&q.id, Some(0))
    }

    fn parse(&self, q: &Question, fields: &Fields) -> Outcome {
        parse(q, self, fields)
    }

    fn form_view<'a>(&'a self, q: &'a Question, cx: &ViewContext<'_>) -> TypeView<'a> {
        Box::new(RankingView {
            items: ItemBox::boxes(q, &self.options, cx),
            n: self.options.len(),
        })
    }

    fn form_partial(&self) -> &'static str {
        "partials/q_ranking"
    }

    fn typed_field(&self, _q: &Question, _name: &str) -> bool {
        true
    }

    fn slot_codes(&self) -> Vec<&str> {
        self.options.iter().map(|o| o.code.as_str()).collect()
    }

    fn slot_kind(&self, codes: usize) -> Option<SlotKind> {
        Some(SlotKind::Ranking { width: width(codes)? })
    }

    fn csv_columns(&self, q: &Question) -> Vec<String> {
        vec![q.id.clone()]
    }

    fn csv_cells(&self, answer: Option<&Answer>, out: &mut Vec<String>) {
        out.push(answer.map(cell).unwrap_or_default());
    }

    fn microdata_columns(&self) -> Vec<super::columns::MicrodataColumn<'_>> {
        use super::columns::{MicrodataColumn, ValuesNote};
        vec![MicrodataColumn::question(self.choices()).noted(ValuesNote::RankedCodes)]
    }

    fn spss_variables(&self) -> Vec<super::columns::SpssVariable<'_>> {
        self.options.iter().map(super::columns::SpssVariable::Rank).collect()
    }

    fn summary_column(&self) -> super::columns::SummaryColumn<'_> {
        super::columns::SummaryColumn::FirstRanked(&self.options)
    }

    fn open_text_is_answer(&self) -> bool {
        false
    }

    fn encode_slot(&self, slot: &crate::store::codes::Slot<'_>, answer: &Answer, out: &mut [u8]) -> Option<()> {
        let Answer::Ranking(order) = answer else {
            return None;
        };
        slot.encode_ranking(order, out)
    }

    #[cfg(test)]
    fn random_answer(&self, draw: &mut super::draw::Draw<'_>) -> Option<Answer> {
        use rand::Rng;
        let mut order: Vec<String> = self.slot_codes().into_iter().map(str::to_owned).collect();
        let (n, shift) = (order.len(), draw.rng.random_range(0..order.len()));
        order.rotate_left(shift);
        order.truncate(draw.rng.random_range(0..=n));
        Some(Answer::Ranking(order))
    }

    fn csv_fields(&self, q: &Question, column: &str, value: &str, out: &mut Fields) {
        if column != q.id {
            out.push(column.to_owned(), value);
            return;
        }
        for (k, code) in value.split(';').map(str::trim).filter(|c| !c.is_empty()).enumerate() {
            // A code ranked twice shows up as an unknown field or a duplicate rank.
            let name = format!("{column}.{code}");
            if out.all(&name).is_empty() {
                out.push(name, (k + 1).to_string());
            } else {
                out.push(name, "0");
            }
        }
    }

    fn randomized_items(&self) -> Option<&[AnswerOption]> {
        if self.randomize {
            Some(&self.options)
        } else {
            None
        }
    }

    fn condition_type(&self, _id: &str) -> VarType {
        VarType::Multi {
            codes: distinct_codes(&self.options, None),
        }
    }

    fn summary_cost(&self) -> usize {
        1
    }

    fn texts(&self) -> Vec<(String, &Texts)> {
        items("option", self.options.iter())
    }

    fn check_definition(&self, _q: &Question, _def: &Definition, problem: &mut dyn FnMut(String)) {
        if self.options.len() < 2 {
            problem("ranking needs at least two options".into());
        }
        check_codes("option", self.options.iter(), problem);
    }

    fn write_yaml(&self, y: &mut SettingsYaml) {
        y.flag("rank_all", self.rank_all);
        y.flag("randomize", self.randomize);
        y.options("options", &self.options);
    }

    fn xlsform_var(&self) -> VarKind {
        VarKind::Multi {
            codes: self.options.iter().map(|o| o.code.clone()).collect(),
        }
    }

    fn described(&self, _def: &Definition, _lang: &str) -> Described<'_> {
        Described {
            options: self.options.iter().collect(),
            rows: Vec::new(),
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

fn check(r: &Ranking, codes: &[String]) -> Result<(), AnswerError> {
    if codes.is_empty() {
        return Err(AnswerError::Empty);
    }
    if let Some(bad) = codes.iter().find(|x| !known(&r.options, None, x)) {
        return Err(AnswerError::UnknownCode(bad.clone()));
    }
    no_duplicates(codes)?;
    if r.rank_all && codes.len() != r.options.len() {
        return Err(AnswerError::RankAll);
    }
    Ok(())
}

fn parse(q: &Question, r: &Ranking, fields: &Fields) -> Outcome {
    let n = r.options.len();
    let mut ranked: Vec<(u32, usize)> = Vec::new();
    for (i, o) in r.options.iter().enumerate() {
        let target = input_id(&q.id, Some(i));
        let Some(raw) = one(fields, &format!("{}.{}", q.id, o.code), &target)? else {
            continue;
        };
        let k: u32 = raw.parse().map_err(|_| (target.clone(), Problem::RankNotNumber))?;
        if k == 0 || k as usize > n {
            return Err((target, Problem::RankOutOfRange(n)));
        }
        if ranked.iter().any(|(j, _)| *j == k) {
            return Err((target, Problem::RankDuplicate(k)));
        }
        ranked.push((k, i));
    }
    if ranked.is_empty() {
        return Ok(None);
    }
    if r.rank_all && ranked.len() != n {
        return Err((input_id(&q.id, Some(0)), Problem::RankAll));
    }
    ranked.sort_unstable();
    Ok(Some(Answer::Ranking(
        ranked.into_iter().map(|(_, i)| r.options[i].code.clone()).collect(),
    )))
}

/// The view of a ranking (`templates/partials/q_ranking.hbs`): a rank box per option, in this
/// respondent's order.
#[derive(Serialize)]
struct RankingView<'a> {
    items: Vec<ItemBox<'a>>,
    n: usize,
}
