//! What a question type tells the summary and the exports about its columns: small descriptions the
//! report (`report::columns`), the SPSS file (`export::spss`) and the XLSX `questions` sheet and number
//! cells (`export::xlsx`, `export::microdata`) build from. Reading answers, statistics and file formats
//! stay in those layers; only what differs from type to type is described here.

use crate::definition::AnswerOption;

use super::scale::Scale;

/// How the summary reads a question as a column (see `report::columns::Column`).
#[derive(Debug)]
pub enum SummaryColumn<'a> {
    /// One category per respondent, the answer's code (`Answer::code`) among these options.
    Categories(Vec<&'a AnswerOption>),
    /// A scale's points then "hard to say", as categories with the points' values.
    Scale(&'a Scale),
    /// One scale column per row.
    Matrix { rows: &'a [AnswerOption], scale: Scale },
    /// Per option: chosen or not.
    Multiple(Vec<&'a AnswerOption>),
    /// The option ranked first, as a category among these options.
    FirstRanked(&'a [AnswerOption]),
    /// A number.
    Number,
    /// One number column per option, its points.
    Points(&'a [AnswerOption]),
    /// Only whether the question was answered, whatever the answer.
    Answered,
}

/// One variable of a question in the SPSS file, in file order (see `export::spss`).
#[derive(Debug)]
pub enum SpssVariable<'a> {
    /// A numeric variable coded by option.
    Coded(Coded<'a>),
    /// `{id}.{code}`: 1 when the option is among the chosen, 0 when not.
    Chosen(&'a AnswerOption),
    /// `{id}.{code}`: the option's rank, 0 when not ranked.
    Rank(&'a AnswerOption),
    /// The number answered.
    Number { decimals: u8 },
    /// `{id}.{code}`: a constant-sum option's points.
    Points(&'a AnswerOption),
    /// The text answered.
    Text,
    /// `{id}.other`: the "other, specify" text.
    OtherText,
    /// The date answered.
    Date,
}

/// A numeric SPSS variable coded by option, valued by the answer's code (`row: None`, named by the
/// question) or by the point of a matrix row (named `{id}.{row}`); "hard to say" is user-missing.
#[derive(Debug)]
pub struct Coded<'a> {
    pub row: Option<&'a AnswerOption>,
    pub options: Vec<&'a AnswerOption>,
    pub hard_to_say: Option<&'a AnswerOption>,
    /// Scale points (ordinal measure) rather than choices (nominal).
    pub ordered: bool,
}

/// Which column of a question a microdata column is.
#[derive(Debug)]
pub enum MicrodataName<'a> {
    /// The question's own column, named by its id.
    Question,
    /// `{id}.{code}` of a matrix row or a constant-sum option, described as "question — item".
    Item(&'a AnswerOption),
    /// `{id}.other`, the "other, specify" text.
    Other,
}

/// What the value list of a column notes about its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValuesNote {
    None,
    /// Chosen codes separated by `;`.
    Codes,
    /// Codes by rank separated by `;`.
    RankedCodes,
}

/// One microdata column of a question (the CSV columns of [`super::QuestionType::csv_columns`]), as the
/// XLSX `questions` sheet lists it and the microdata writes its cells.
#[derive(Debug)]
pub struct MicrodataColumn<'a> {
    pub name: MicrodataName<'a>,
    pub note: ValuesNote,
    /// The codes the cells hold, with their labels.
    pub values: Vec<&'a AnswerOption>,
    /// The cells are numbers (written as numbers in XLSX, with a decimal comma in `excel-ru` CSV).
    pub number: bool,
}

impl<'a> MicrodataColumn<'a> {
    /// The question's own column with the codes `values`.
    pub fn question(values: Vec<&'a AnswerOption>) -> Self {
        MicrodataColumn {
            name: MicrodataName::Question,
            note: ValuesNote::None,
            values,
            number: false,
        }
    }

    /// The `{id}.{code}` column of `item`, with the codes `values`.
    pub fn item(item: &'a AnswerOption, values: Vec<&'a AnswerOption>) -> Self {
        MicrodataColumn {
            name: MicrodataName::Item(item),
            ..Self::question(values)
        }
    }

    /// The `{id}.other` text column.
    pub fn other() -> Self {
        MicrodataColumn {
            name: MicrodataName::Other,
            ..Self::question(Vec::new())
        }
    }

    /// The same column with a note on its values.
    pub fn noted(self, note: ValuesNote) -> Self {
        MicrodataColumn { note, ..self }
    }

    /// The same column holding numbers.
    pub fn numbers(self) -> Self {
        MicrodataColumn { number: true, ..self }
    }

    /// The column's name in the microdata of question `id`.
    pub fn column_name(&self, id: &str) -> String {
        match self.name {
            MicrodataName::Question => id.to_owned(),
            MicrodataName::Item(o) => format!("{id}.{}", o.code),
            MicrodataName::Other => format!("{id}.other"),
        }
    }
}

/// The "other" column of a choice question that has an "other" option.
pub(super) fn other_column<'a>(other: Option<&AnswerOption>) -> Option<MicrodataColumn<'a>> {
    other.map(|_| MicrodataColumn::other())
}
