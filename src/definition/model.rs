//! The typed survey definition: what [`crate::definition::parse_definition`] returns and what the database
//! stores as JSON (a JSON round trip gives an equal value).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::answer::Answers;
use super::condition::Condition;
pub use super::publish::Publish;
use super::texts::{OrderedMap, Texts};
pub use crate::question::date::DateQuestion;
pub use crate::question::matrix::Matrix;
pub use crate::question::multiple_choice::MultipleChoice;
pub use crate::question::number::Number;
pub use crate::question::ranking::Ranking;
pub use crate::question::scale::Scale;
pub use crate::question::single_choice::SingleChoice;
pub use crate::question::text::Text;
pub use crate::question::QuestionKind;
use crate::weighting::scheme::Scheme;

fn is_false(b: &bool) -> bool {
    !*b
}

fn yes() -> bool {
    true
}

/// Deserializes an option code written as text or as a number (`code: 1` and `code: "1"` are the same).
pub(crate) fn code<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::weighting::scheme::scalar_to_string(d)
}

/// A whole questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// URL name: `[a-z0-9-]`, 1 to 64 characters.
    pub slug: String,
    pub title: Texts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Texts>,
    /// Subject area: healthcare, transport, housing, utilities, ecology, economy, or any other word.
    pub topic: String,
    /// The topic's name as pages show it, per language (`topic_label: {ru: …, en: …}`); without it pages
    /// use the built-in name of a known topic, else the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_label: Option<Texts>,
    /// Languages of the texts; the first is the default, which every text must have.
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<NaiveDate>,
    /// No respondent identity is kept (default true).
    #[serde(default = "yes")]
    pub anonymous: bool,
    /// Only respondents with an invitation token (`?t=…`, `opros survey invite`) may answer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub invitation_only: bool,
    /// How respondents were recruited (`sample: probability | invited | opt_in`); when absent,
    /// [`Definition::sample_kind`] decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<super::sample::SampleKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thank_you: Option<Texts>,
    pub pages: Vec<Page>,
    /// Sets of consecutive pages whose order is randomized per respondent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page_blocks: Vec<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<Derived>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas: Vec<Quota>,
    /// Composite scores of several items, summarized like number questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indices: Vec<super::indices::Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighting: Option<Scheme>,
    /// The sampling design of responses collected by interviewers and entered with `responses import`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<SamplingDesign>,
    #[serde(default)]
    pub report: Report,
    /// Response quality screening (speeder threshold, duplicate window, flags excluded without review).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<crate::quality::QualitySettings>,
}

/// One page of the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Texts>,
    /// Shuffle this page's questions per respondent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub randomize_questions: bool,
    pub questions: Vec<Question>,
}

/// One question; what is specific to its type is in `kind` (YAML key `type`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    #[serde(flatten)]
    pub kind: QuestionKind,
    pub text: Texts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Texts>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Shown only when this condition holds (see [`crate::definition::condition`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    /// Name that links the same question across surveys, for trends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
}

/// An answer option (also a scale point, a matrix row, "other" and "hard to say").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    /// Stable code stored in responses; text or number in YAML, kept as text.
    #[serde(deserialize_with = "code")]
    pub code: String,
    pub label: Texts,
    /// Keeps its place when the options are randomized (e.g. "none of these").
    #[serde(default, skip_serializing_if = "is_false")]
    pub anchored: bool,
    /// Multiple choice: choosing it excludes every other option (e.g. "none of these").
    #[serde(default, skip_serializing_if = "is_false")]
    pub exclusive: bool,
}

/// The top (positive) and bottom (negative) points of a scale's balance of opinions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceCodes {
    pub top: Vec<GroupCode>,
    pub bottom: Vec<GroupCode>,
}

/// A variable computed from an answer, for weighting, quotas, conditions and report breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Derived {
    pub id: String,
    /// The question it is computed from.
    pub from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Texts>,
    #[serde(flatten)]
    pub rule: DerivedRule,
}

/// How a derived variable is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DerivedRule {
    /// Binning a number: the first bin with `min <= value <= max` (both inclusive, either may be open).
    Bins(Vec<Bin>),
    /// Grouping option codes: `{centre: [d1, d2], periphery: [d3]}`, in report order.
    Groups(OrderedMap<Vec<GroupCode>>),
}

/// An option code in a group list (text or number in YAML).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GroupCode(#[serde(deserialize_with = "code")] pub String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bin {
    #[serde(deserialize_with = "code")]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Texts>,
}

impl Derived {
    /// The categories in report order.
    pub fn codes(&self) -> Vec<&str> {
        match &self.rule {
            DerivedRule::Bins(bins) => bins.iter().map(|b| b.code.as_str()).collect(),
            DerivedRule::Groups(groups) => groups.keys().collect(),
        }
    }
}

/// A quota: stop accepting complete responses of a kind once `limit` is reached.
///
/// Either `when` (one cell defined by a condition) or `question` (a separate cap for each category of a
/// single-choice question or derived variable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub limit: u64,
}

/// The sampling design of a face-to-face or telephone survey: which columns of the `responses import` file
/// carry each respondent's design weight, stratum, first-stage cluster (PSU) and finite population
/// correction. Summaries then estimate as R `svydesign(ids = ~psu, strata = ~strata, fpc = ~fpc,
/// weights = ~weight)`; a weighting scheme starts from the design weights.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingDesign {
    /// Design weight (inverse selection probability), a positive number; absent: 1 each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// Stratum of the respondent (any text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strata: Option<String>,
    /// First-stage cluster (any text, unique within its stratum); absent: each respondent is a PSU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psu: Option<String>,
    /// Finite population correction, constant within a stratum, as R reads it: a number above 1 is the
    /// stratum's population size (of PSUs, when clustered), a number in (0, 1] its sampling fraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpc: Option<String>,
}

impl SamplingDesign {
    /// The named columns: (design key, column name).
    pub fn columns(&self) -> Vec<(&'static str, &str)> {
        [
            ("weight", &self.weight),
            ("strata", &self.strata),
            ("psu", &self.psu),
            ("fpc", &self.fpc),
        ]
        .into_iter()
        .filter_map(|(k, c)| c.as_deref().map(|c| (k, c)))
        .collect()
    }
}

/// One respondent's values of the design columns (kept in the response's meta data).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DesignValues {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stratum: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpc: Option<f64>,
}

/// What is published and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Default breakdown variables (single-choice questions or derived variables).
    #[serde(default)]
    pub breakdowns: Vec<String>,
    /// Cells with fewer respondents are shown as "—" (default 10).
    #[serde(default = "default_min_cell")]
    pub min_cell: u32,
    #[serde(default)]
    pub publish: Publish,
}

fn default_min_cell() -> u32 {
    10
}

impl Default for Report {
    fn default() -> Self {
        Report {
            breakdowns: Vec::new(),
            min_cell: default_min_cell(),
            publish: Publish::All,
        }
    }
}

impl Definition {
    /// Every question in form order, with the index of its page.
    pub fn questions(&self) -> impl Iterator<Item = (usize, &Question)> {
        self.pages
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.questions.iter().map(move |q| (i, q)))
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().map(|(_, q)| q).find(|q| q.id == id)
    }

    /// The page index of a question.
    pub fn page_of(&self, id: &str) -> Option<usize> {
        self.questions().find(|(_, q)| q.id == id).map(|(i, _)| i)
    }

    /// How respondents were recruited: the definition's `sample:`, else `invited` for invitation-only
    /// surveys and `opt_in` for everything else (a public web link lets anyone answer). A probability sample
    /// is never assumed: a definition must say `sample: probability`.
    pub fn sample_kind(&self) -> super::sample::SampleKind {
        use super::sample::SampleKind;
        self.sample.unwrap_or(if self.invitation_only {
            SampleKind::Invited
        } else {
            SampleKind::OptIn
        })
    }

    pub fn derived_variable(&self, id: &str) -> Option<&Derived> {
        self.derived.iter().find(|d| d.id == id)
    }

    /// The first of `languages` (`ru` when the list is empty, which validation rejects).
    pub fn default_language(&self) -> &str {
        self.languages.first().map_or("ru", String::as_str)
    }

    /// A text of this survey in `lang`, falling back to the survey's default language.
    pub fn text<'a>(&self, texts: &'a Texts, lang: &str) -> &'a str {
        texts.get_or(lang, self.default_language())
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Whether the question is shown given the answers so far: true without `show_if`, false for an
    /// unknown id. Derived variables used in the condition are computed from `answers`, which should hold
    /// only answers to visible questions (see [`Definition::drop_hidden`]).
    pub fn visible(&self, question_id: &str, answers: &Answers) -> bool {
        match self.question(question_id) {
            None => false,
            Some(q) => match &q.show_if {
                None => true,
                Some(cond) => self.holds(cond, answers),
            },
        }
    }

    /// The answers without those of hidden questions (and of unknown ids), deciding visibility in form
    /// order on what is kept so far — so a stale answer to a hidden question cannot make a later question
    /// visible (cascading `show_if`). Use before storing, or before [`Definition::visible`].
    pub fn drop_hidden(&self, answers: &Answers) -> Answers {
        let mut kept = Answers::new();
        for (_, q) in self.questions() {
            if let Some(a) = answers.get(&q.id) {
                if q.show_if.as_ref().is_none_or(|c| self.holds(c, &kept)) {
                    kept.insert(q.id.clone(), a.clone());
                }
            }
        }
        kept
    }

    /// Evaluates a condition of this definition (a `show_if` or a quota `when`), with derived variables
    /// computed from `answers`.
    pub fn holds(&self, cond: &Condition, answers: &Answers) -> bool {
        let expr = match cond.expr() {
            Some(e) => e,
            None => return false,
        };
        if self.derived.is_empty() {
            return super::condition::eval(expr, answers);
        }
        let full = super::derived::with_derived(self, answers);
        super::condition::eval(expr, &full)
    }

    /// Categories of a variable usable for weighting, quotas and breakdowns: option codes of a
    /// single-choice question (with "other" last), point codes of a scale (with "hard to say"), or the codes
    /// of a derived variable. `None` for other questions and unknown ids.
    pub fn categories(&self, variable: &str) -> Option<Vec<String>> {
        if let Some(d) = self.derived_variable(variable) {
            return Some(d.codes().into_iter().map(str::to_owned).collect());
        }
        match &self.question(variable)?.kind {
            QuestionKind::SingleChoice(c) => {
                Some(c.options.iter().chain(c.other.iter()).map(|o| o.code.clone()).collect())
            }
            QuestionKind::Scale(s) => Some(s.codes().map(str::to_owned).collect()),
            _ => None,
        }
    }

    /// The quota keys a complete response counts towards: the id of each `when` quota whose condition
    /// holds, and `id=category` for each `question` quota whose variable has a value.
    pub fn quota_keys(&self, answers: &Answers) -> Vec<String> {
        if self.quotas.is_empty() {
            return Vec::new();
        }
        let full = super::derived::with_derived(self, answers);
        let mut keys = Vec::new();
        for quota in &self.quotas {
            if let Some(cond) = &quota.when {
                if cond.expr().is_some_and(|e| super::condition::eval(e, &full)) {
                    keys.push(quota.id.clone());
                }
            } else if let Some(var) = &quota.question {
                if let Some(cat) = super::derived::category(self, var, answers) {
                    keys.push(format!("{}={cat}", quota.id));
                }
            }
        }
        keys
    }
}
