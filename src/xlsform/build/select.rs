//! Select questions: their choice lists, choice filters and cascades split into questions.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn select(
        &mut self,
        row: &Row,
        words: &[&str],
        appearance: &[String],
        params: &BTreeMap<String, String>,
    ) -> Option<QuestionKind> {
        let first = words.first().copied().unwrap_or("");
        // KoBoToolbox's own layout keeps the list in a column of its own.
        let list_column = row.cell(self.book.survey.column(&["select_from_list_name"])).to_owned();
        let Some(list) = words
            .get(1)
            .copied()
            .or(Some(list_column.as_str()).filter(|l| !l.is_empty()))
        else {
            self.report_type(
                row,
                &format!("'{first}' has no list name"),
                &format!("write the list of choices after the type, e.g. {first} yes_no"),
            );
            return None;
        };
        let mut or_other = false;
        for extra in words.iter().skip(2) {
            if extra.eq_ignore_ascii_case("or_other") {
                or_other = true;
            } else {
                self.report_type(
                    row,
                    &format!("'{extra}' after the list name is not supported"),
                    "only or_other may follow the list name",
                );
            }
        }
        let Some(choices) = self.lists.get(list).cloned() else {
            let why = match self.book.choices {
                None => "the workbook has no choices sheet".to_owned(),
                Some(_) => format!("the choices sheet has no list_name '{list}'"),
            };
            self.report_type(row, &format!("the list '{list}' does not exist"), &why);
            return None;
        };
        let mut options: Vec<AnswerOption> = choices.iter().map(|c| c.option.clone()).collect();
        if let Some(filtered) = self.filter(row, &choices) {
            options = filtered;
        }
        if self.pending_split.is_none() {
            options = self.distinct(row.number, &format!("in the list '{list}'"), options);
        }
        let randomize = match params.get("randomize").map(|v| v.to_lowercase()) {
            None => false,
            Some(v) if matches!(v.as_str(), "true" | "yes" | "1" | "true()") => true,
            Some(v) if matches!(v.as_str(), "false" | "no" | "0" | "false()") => false,
            Some(v) => {
                self.param_problem(row, "randomize", &format!("randomize is true or false, not '{v}'"));
                false
            }
        };
        if params.contains_key("seed") {
            self.param_problem(row, "seed", "Opros shuffles options per respondent without a seed");
        }
        let other = if or_other {
            if options.iter().any(|o| o.code == "other") {
                self.report_type(
                    row,
                    &format!("list '{list}' already has a choice 'other'"),
                    "or_other adds its own 'other' choice; remove one of them",
                );
                None
            } else {
                let label = Texts::from_pairs(self.languages.iter().map(|l| (l.as_str(), langs::other_label(l))));
                Some(AnswerOption {
                    code: "other".into(),
                    label,
                    anchored: false,
                    exclusive: false,
                })
            }
        } else {
            None
        };
        Some(match first {
            "select_one" => {
                let numeric = options.len() >= 2
                    && options
                        .iter()
                        .all(|o| o.code.trim().parse::<f64>().is_ok_and(f64::is_finite));
                if appearance.iter().any(|a| a == "likert") && numeric && other.is_none() && !randomize {
                    QuestionKind::Scale(Scale {
                        points: options,
                        hard_to_say: None,
                        balance: None,
                    })
                } else {
                    QuestionKind::SingleChoice(SingleChoice {
                        options,
                        randomize,
                        other,
                        codebook: None,
                    })
                }
            }
            "select_multiple" => QuestionKind::MultipleChoice(MultipleChoice {
                options,
                randomize,
                other,
                codebook: None,
                max_choices: None,
                min_choices: None,
            }),
            _ => {
                if other.is_some() {
                    self.report_type(
                        row,
                        "'or_other' on a rank question is not supported",
                        "Opros rankings have no 'other' option",
                    );
                }
                // ODK's rank widget orders every item.
                QuestionKind::Ranking(Ranking {
                    options,
                    rank_all: true,
                    randomize,
                })
            }
        })
    }

    /// A `choice_filter` that compares a column of the choices sheet with a fixed value keeps the matching
    /// choices. One that compares it with an earlier single choice (`district = ${region}`, cascading
    /// selects) keeps all choices here and leaves a [`Split`] for [`Builder::question`]. Any other filter is
    /// reported (Opros options do not change with earlier answers).
    pub(super) fn filter(&mut self, row: &Row, choices: &[Choice]) -> Option<Vec<AnswerOption>> {
        let source = row.cell(self.cols.choice_filter).to_owned();
        if source.is_empty() {
            return None;
        }
        let parsed = xpath::parse(&source).ok();
        if let Some((column, op, value)) = parsed.as_ref().and_then(filter_test) {
            let kept = choices
                .iter()
                .filter(|c| {
                    let v = c.attrs.get(&column).map_or("", String::as_str);
                    (v == value) == (op == XOp::Eq)
                })
                .map(|c| c.option.clone())
                .collect();
            return Some(kept);
        }
        let name = row.cell(self.cols.name).to_owned();
        let result = match parsed.as_ref().and_then(cascade_test) {
            Some((column, parent)) => self
                .split_plan(row, &name, &column, &parent, choices)
                .map_err(|f| Fail {
                    what: format!("the choice filter '{source}' is not supported"),
                    why: f.why,
                }),
            None => Err(Fail {
                what: format!("the choice filter '{source}' is not supported"),
                why: "Opros options do not change with earlier answers; a filter on a fixed value \
                      (region = 'north') or on one earlier select_one (district = ${region}) can be converted"
                    .into(),
            }),
        };
        match result {
            Ok(split) => self.pending_split = Some(split),
            Err(f) => self.survey_report(row.number, &["choice_filter"], f),
        }
        None
    }

    pub(super) fn split_plan(
        &self,
        row: &Row,
        name: &str,
        column: &str,
        parent: &str,
        choices: &[Choice],
    ) -> Result<Split, Fail> {
        let parent = self.scope(name, row.number).lookup(parent)?;
        if !matches!(parent.kind, VarKind::Choice { .. }) {
            return translate::fail(
                "",
                format!(
                    "options are split by the answer of an earlier select_one; ${{{}}} is not one",
                    parent.id
                ),
            );
        }
        if !choices.iter().any(|c| c.attrs.contains_key(column)) {
            return translate::fail("", format!("the choices sheet has no column '{column}'"));
        }
        Ok(Split {
            parent,
            column: column.to_owned(),
            choices: choices.to_vec(),
        })
    }

    /// Places one copy of a question per answer of the parent of its cascading filter, each with the
    /// matching options and shown when the parent has that answer. Ids: `{id}_{code}`.
    pub(super) fn place_split(&mut self, q: Question, conds: &[String], split: Split, name: &str, row: usize) {
        let VarKind::Choice { codes, .. } = &split.parent.kind else {
            return;
        };
        for code in codes {
            let options: Vec<AnswerOption> = split
                .choices
                .iter()
                .filter(|c| c.attrs.get(&split.column).is_some_and(|v| v == code))
                .map(|c| c.option.clone())
                .collect();
            if options.is_empty() {
                continue;
            }
            let mut id = format!("{}_{}", q.id, code.replace(['-', '.'], "_"));
            if !valid_id(&id) || self.used_ids.contains(&id) {
                id = format!("{}_{}", q.id, self.used_ids.len());
            }
            let options = self.distinct(row, &format!("when {} = '{code}'", split.parent.id), options);
            let mut part = q.clone();
            set_options(&mut part.kind, options);
            let problem = match too_few_options(&part.kind) {
                Some(why) => Some(why.to_owned()),
                None if !valid_id(&id) => Some(format!("'{id}' is too long for an Opros id")),
                None => None,
            };
            if let Some(why) = problem {
                let col = self.book.survey.header(&["choice_filter"]);
                self.report(
                    "survey",
                    row,
                    &col,
                    format!("the part of '{name}' for {} = '{code}' is left out", split.parent.id),
                    why,
                );
                continue;
            }
            self.used_ids.insert(id.clone());
            part.id = id;
            let mut all = conds.to_vec();
            all.push(format!("{} == {}", split.parent.id, translate::quote(code)));
            part.show_if = translate::all_of(&all).map(|c| Condition::new(&c));
            self.place(part, row);
        }
        self.split.insert(name.to_owned(), split.parent.id);
    }

    /// The options with each code once: with `allow_choice_duplicates` a list may repeat a name, but one
    /// question cannot offer it twice (the answer would not say which was meant). Later ones are reported.
    pub(super) fn distinct(&mut self, row: usize, offered: &str, options: Vec<AnswerOption>) -> Vec<AnswerOption> {
        let mut kept: Vec<AnswerOption> = Vec::with_capacity(options.len());
        for option in options {
            if kept.iter().any(|k| k.code == option.code) {
                let col = self.book.survey.header(&["type"]);
                self.report(
                    "survey",
                    row,
                    &col,
                    format!("the choice '{}' is offered twice {offered}", option.code),
                    "allow_choice_duplicates lets a list repeat a name, but one question needs distinct codes; the \
                     first is kept"
                        .into(),
                );
                continue;
            }
            kept.push(option);
        }
        kept
    }
}
