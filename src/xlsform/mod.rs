//! XLSForm import: questionnaires from KoBoToolbox, ODK and SurveyCTO as Opros definitions.
//!
//! [`convert`] reads a workbook (`.xlsx`, also `.xls`, `.xlsb`, `.ods`) with its `survey`, `choices` and
//! `settings` sheets, writes the equivalent Opros YAML and runs it through
//! [`crate::definition::parse_definition`], so a converted form passes exactly the checks of a hand-written
//! one. Nothing is silently dropped: every part Opros cannot express is an [`Unsupported`] item naming the
//! sheet, the row (1-based, as the spreadsheet shows it), the column, what and why. In strict mode any
//! such item fails the conversion with the full list; in lenient mode the rest is converted and the list
//! is returned alongside (a dropped `relevant` leaves the question always shown, a dropped `constraint`
//! leaves the answer unchecked, a dropped question or calculation is absent).
//!
//! # Mapping
//! | XLSForm | Opros |
//! |---|---|
//! | `select_one L` / `select_multiple L` (`select one`, `select_all_that_apply`; `L` may also be in KoBoToolbox's `select_from_list_name` column) | `single_choice` / `multiple_choice`, options from list `L` of the choices sheet |
//! | `select_one L` with appearance `likert` and numeric choice names | `scale` |
//! | `… or_other` | `other` (code `other`, label "Другое"/"Other"/…); its text belongs to the question, so `${name_other}` cannot be referred to |
//! | `rank L` | `ranking` with `rank_all: true` (ODK's widget orders every item) |
//! | `integer` / `decimal` | `number` (`integer: true` / decimal) |
//! | `range` with `start`/`end`/`step` (defaults 1, 10, 1) | `number` with `min`/`max`; whole when all three are |
//! | `text` (appearance `multiline` → `long: true`) / `date` / `note` | `text` / `date` / `info` |
//! | `calculate` of the form `if(${age} < 30, 'young', if(…))` on a whole-number question | derived variable with `bins` |
//! | `calculate` `if(${district} = 'd1' or selected(${district}, 'd2'), 'centre', 'periphery')` | derived variable with `groups` |
//! | `label`, `hint`, `label::Russian (ru)`, `hint::English (en)` | texts per language |
//! | `required` `yes`/`true`/`1` | `required: true` |
//! | `relevant` (also of enclosing groups, joined with `and`) | `show_if` (the subset is described in the `translate` module) |
//! | `constraint`: `. >= 18 and . <= 99`, `string-length(.) <= 200`, `count-selected(.) <= 3`, `not(selected(., 'none') and count-selected(.) > 1)` | `min`/`max`, `max_length`, `max_choices`/`min_choices`, `exclusive: true` |
//! | `parameters` `randomize=true` | `randomize: true` |
//! | `choice_filter` comparing a choices column with a fixed value (`region = 'north'`) | only the matching options |
//! | `choice_filter` `region = ${region}` on an earlier select_one (cascading selects) | one question per answer of `region`, id `{name}_{code}`, with its options and `show_if: region == 'code'` |
//! | settings `form_id` / `form_title` / `default_language` / `style` | `slug` (lower case, `-` for other characters) / `title` / first of `languages` / see pages |
//! | settings `allow_choice_duplicates` | a list may repeat a choice name; one question offering a code twice keeps the first and reports the rest |
//!
//! `constraint_message` and `required_message` are not carried over: Opros words its own messages for
//! limits and required answers, in the respondent's language. The `start`, `end` and `today` metadata rows
//! are skipped: Opros records when each response starts and ends. Purely visual appearances (`minimal`,
//! `horizontal`, `columns`, `w2`, …) have no counterpart and are ignored; others are reported. Settings
//! other than those above (`version`, `instance_name`, `submission_url`, …) concern ODK servers and are
//! ignored. An Opros extension: a `topic` column in settings sets the topic (default `other`).
//!
//! **Calculations.** An `if` chain takes its first matching branch; each code gets the values of its
//! condition minus those of earlier branches, the last value (`''` for none) the rest. Bins are converted
//! for whole-number questions only (with decimals `<` has no inclusive bound), and each code must cover one
//! interval. One difference from ODK: an unanswered source gives no category, where ODK would take the last
//! branch.
//!
//! **Cascading selects.** Opros options do not change with earlier answers, so a question filtered by an
//! earlier answer becomes several questions, one per answer that leaves any option; its answers are then in
//! several columns (`district_r1`, `district_r2`, …). Conditions that refer to the original name are
//! reported, since they would have to name the parts.
//!
//! **Names.** A name becomes the question id with `-` and `.` turned into `_` and a `q` in front of a leading
//! digit or `_`; names that still are not ids (non-Latin letters) are reported.
//!
//! **Other spellings.** Every spelling pyxform accepts for a type, a column or a setting is read as the one
//! it stands for (`select one from yes_no or specify other`, `relevance`, `caption`, `set_form_title`, …);
//! the tables are in the `aliases` module.
//!
//! **Languages.** A `label::…`/`hint::…` column (or `label:…` with one colon, when no header of the sheet
//! has two, as pyxform reads them) gives its language by the code in parentheses (`Russian (ru)`), a bare
//! code (`ru`) or a common language name in English, Russian or the language itself (`Russian`,
//! `Русский`); a code in parentheses wins over the name. The default language is
//! `default_language` from settings, else that of the first language column; plain `label`/`hint` columns
//! are in the default language (when the form has no language columns at all: Russian if the texts contain
//! Cyrillic letters, else English). A text missing in the default language is reported and taken from
//! another language.
//!
//! **Pages.** A `begin_group` with appearance `field-list` (or `table-list`) is one page, id = group name,
//! title = group label, including any groups nested in it. Outside such groups, consecutive questions share
//! a page, which ends at the next group boundary (the questions of a plain group are a page titled with its
//! label); with `style: pages` in settings each of these questions gets a page of its own instead, like
//! Enketo's pages theme. Pages outside groups are called `pageN`, N being the page's place in the form.
//!
//! **Not supported (reported):** repeat groups (with every row inside), location, media, barcode, time,
//! device identifiers, `select_one_from_file`, `pulldata()`, `once()`, `jr:choice-name()`, `today()`,
//! arithmetic, conditional `required`, `default`, `read_only`, media in labels, `${…}` inside labels,
//! other `choice_filter`s, and anything else outside the subsets above. Expressions longer than 1000 tokens
//! are refused (real ones have a few dozen).

mod aliases;
mod build;
mod error;
mod langs;
mod sheet;
mod translate;
mod xpath;
mod yaml;

pub(crate) use translate::VarKind;
pub(crate) use yaml::SettingsYaml;

pub use error::{Unsupported, XlsFormError};

use crate::definition::{parse_definition, Definition};

/// How strictly to convert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConvertOptions {
    /// Convert what can be converted and list the rest, instead of failing on the first list of problems.
    pub lenient: bool,
}

/// A converted form.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The Opros YAML (what `opros survey convert` prints), with the survey row of each question as a
    /// comment, and what was left out listed in comments at the top.
    pub yaml: String,
    /// The definition parsed and validated from `yaml`.
    pub definition: Definition,
    /// What was left out (empty in strict mode, which fails instead).
    pub unsupported: Vec<Unsupported>,
}

/// Converts an XLSForm workbook into an Opros definition.
///
/// `file_name` is used in messages only (and, without a `form_id`/`form_title` setting, for the slug and
/// title). Strict mode (`lenient: false`) fails with [`XlsFormError::Unsupported`] listing every part that
/// cannot be converted; lenient mode returns them in [`Converted::unsupported`].
pub fn convert(bytes: &[u8], file_name: &str, opts: &ConvertOptions) -> Result<Converted, XlsFormError> {
    let book = sheet::read(bytes, file_name)?;
    if book.survey.column(&["type"]).is_none() || book.survey.column(&["name"]).is_none() {
        return Err(XlsFormError::NotAnXlsForm {
            file: file_name.to_owned(),
            message: "the survey sheet needs the columns 'type' and 'name' in its first row".to_owned(),
        });
    }
    let mut unsupported = Vec::new();
    let form = build::build(&book, file_name, &mut unsupported);
    if !opts.lenient && !unsupported.is_empty() {
        return Err(XlsFormError::Unsupported(unsupported));
    }
    if form.pages.is_empty() {
        return Err(XlsFormError::NotAnXlsForm {
            file: file_name.to_owned(),
            message: "the survey sheet has no question that Opros can import".to_owned(),
        });
    }
    let yaml = yaml::write(&form, file_name, &unsupported);
    let yaml_name = format!("{}.yaml", file_name.rsplit_once('.').map_or(file_name, |(s, _)| s));
    match parse_definition(&yaml, &yaml_name) {
        Ok(definition) => Ok(Converted {
            yaml,
            definition,
            unsupported,
        }),
        Err(errors) => Err(XlsFormError::Invalid {
            file: file_name.to_owned(),
            yaml,
            errors,
        }),
    }
}
