//! The walk over the `survey` sheet: groups become pages, repeats and typeless rows are reported, questions are placed.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn walk(&mut self) {
        let survey = &self.book.survey;
        self.prescan();
        let mut skip_until: Option<usize> = None;
        for (index, row) in survey.rows.iter().enumerate() {
            if skip_until.is_some_and(|end| index <= end) {
                continue;
            }
            let ty = normalized_type(row.cell(self.cols.kind));
            let words: Vec<&str> = ty.split_whitespace().collect();
            match words.first().copied().unwrap_or("") {
                "" => self.typeless(row),
                "begin_group" => self.begin_group(row),
                "end_group" => self.end_group(row),
                "begin_repeat" | "begin_loop" => skip_until = Some(self.repeat(index, row)),
                w @ ("end_repeat" | "end_loop") => {
                    let what = format!("'{w}' has no begin_{}", w.trim_start_matches("end_"));
                    self.report_type(row, &what, "remove the row")
                }
                "calculate" => self.calculate(row),
                "start" | "end" | "today" => {} // Opros records when each response starts and ends.
                _ => self.question(row, &words),
            }
        }
        for frame in std::mem::take(&mut self.groups) {
            let col = self.book.survey.header(&["type"]);
            self.report(
                "survey",
                frame.row,
                &col,
                format!("group '{}' has no end_group", frame.name),
                "add an end_group row where the group ends; it is taken to end with the form".into(),
            );
        }
    }

    /// Records the row of every name (for messages about references).
    pub(super) fn prescan(&mut self) {
        let mut repeat_depth = 0usize;
        for row in &self.book.survey.rows {
            let ty = normalized_type(row.cell(self.cols.kind));
            match ty.split_whitespace().next().unwrap_or("") {
                "begin_repeat" | "begin_loop" => repeat_depth += 1,
                "end_repeat" | "end_loop" => repeat_depth = repeat_depth.saturating_sub(1),
                _ => {}
            }
            let name = row.cell(self.cols.name);
            if !name.is_empty() {
                self.names.entry(name.to_owned()).or_insert(NameInfo {
                    row: row.number,
                    in_repeat: repeat_depth > 0 && !ty.starts_with("begin_repeat") && !ty.starts_with("begin_loop"),
                });
            }
        }
    }

    pub(super) fn report_type(&mut self, row: &Row, what: &str, why: &str) {
        let col = self.book.survey.header(&["type"]);
        self.report("survey", row.number, &col, what.to_owned(), why.to_owned());
    }

    pub(super) fn typeless(&mut self, row: &Row) {
        let has_name = !row.cell(self.cols.name).is_empty();
        if has_name {
            self.report_type(
                row,
                "the row has a name but no type",
                "write the question type, e.g. text or select_one list",
            );
        }
    }

    /// Skips a repeat group; returns the index of its last row.
    pub(super) fn repeat(&mut self, index: usize, row: &Row) -> usize {
        let rows = &self.book.survey.rows;
        let mut depth = 0usize;
        let mut end = rows.len().saturating_sub(1);
        for (i, r) in rows.iter().enumerate().skip(index) {
            match normalized_type(r.cell(self.cols.kind)).split_whitespace().next() {
                Some("begin_repeat" | "begin_loop") => depth += 1,
                Some("end_repeat" | "end_loop") => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inside = end.saturating_sub(index + 1);
        let name = row.cell(self.cols.name).to_owned();
        let ty = normalized_type(row.cell(self.cols.kind));
        if let Some(list) = ty.strip_prefix("begin_loop") {
            self.report_type(
                row,
                &match list.trim() {
                    "" => format!("the loop '{name}' is not supported"),
                    list => format!("the loop '{name}' over the list '{list}' is not supported"),
                },
                &format!(
                    "a loop asks the same questions once per choice of a list, which cannot be expressed in an \
                     Opros definition; its {inside} row{} skipped",
                    if inside == 1 { " is" } else { "s are" }
                ),
            );
            return end;
        }
        self.report_type(
            row,
            &format!("the repeat group '{name}' is not supported"),
            &format!(
                "repeat groups (the same questions once per household member, visit, …) cannot be expressed in \
                 an Opros definition; its {inside} row{} skipped",
                if inside == 1 { " is" } else { "s are" }
            ),
        );
        end
    }

    /// An Opros id for an XLSForm name: `-` and `.` become `_`, a leading digit or `_` gets a `q`.
    pub(super) fn id_for(&mut self, row: &Row) -> Option<String> {
        let name = row.cell(self.cols.name).to_owned();
        let col = self.book.survey.header(&["name"]);
        if name.is_empty() {
            self.report(
                "survey",
                row.number,
                &col,
                "the row has no name".into(),
                "every question needs a name: it is the column of its answers".into(),
            );
            return None;
        }
        let mut id = name.replace(['-', '.'], "_");
        if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
            id.insert(0, 'q');
        }
        if !valid_id(&id) {
            self.report(
                "survey",
                row.number,
                &col,
                format!("the name '{name}' cannot be an Opros id"),
                "Opros ids are Latin letters, digits and _ (at most 64 characters)".into(),
            );
            return None;
        }
        if !self.used_ids.insert(id.clone()) {
            self.report(
                "survey",
                row.number,
                &col,
                format!("the name '{name}' is used twice"),
                format!("each question needs its own name (as an Opros id: '{id}')"),
            );
            return None;
        }
        Some(id)
    }

    pub(super) fn begin_group(&mut self, row: &Row) {
        let name = row.cell(self.cols.name).to_owned();
        let appearance = row.cell(self.cols.appearance).to_owned();
        let field_list = appearance
            .split_whitespace()
            .any(|a| matches!(a, "field-list" | "table-list"));
        let title = self.texts(&self.book.survey, row, "label");
        let cond = self.own_condition(row, &name);
        self.check_columns(row, &["appearance"]);
        let in_page = self.groups.iter().any(|g| g.page.is_some());
        let page = if field_list && !in_page {
            self.open = None;
            Some(self.new_page(&name, title.clone()))
        } else {
            if !in_page {
                self.open = None;
            }
            None
        };
        self.groups.push(Frame {
            name,
            row: row.number,
            title,
            cond,
            page,
            runs: 0,
        });
    }

    pub(super) fn end_group(&mut self, row: &Row) {
        if self.groups.pop().is_none() {
            self.report_type(row, "'end_group' has no begin_group", "remove the row");
        }
        if !self.groups.iter().any(|g| g.page.is_some()) {
            self.open = None;
        }
    }

    pub(super) fn new_page(&mut self, wanted: &str, title: Option<Texts>) -> usize {
        let mut base = wanted.replace(['-', '.'], "_");
        if !valid_id(&base) {
            base = format!("page{}", self.pages.len() + 1);
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.page_ids.insert(id.clone()) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.pages.push(PageOut {
            id,
            title,
            questions: Vec::new(),
        });
        self.pages.len() - 1
    }

    /// Puts a question on its page (see the module docs of `xlsform` for the rules).
    pub(super) fn place(&mut self, q: Question, row: usize) {
        let page = match self.groups.iter().find_map(|g| g.page) {
            Some(p) => p,
            None => match self.open.filter(|_| !self.style_pages) {
                Some(p) => p,
                None => {
                    let (wanted, title) = match self.groups.last_mut() {
                        Some(g) => {
                            g.runs += 1;
                            let wanted = match g.runs {
                                1 => g.name.clone(),
                                n => format!("{}_{n}", g.name),
                            };
                            (wanted, g.title.clone())
                        }
                        None => (String::new(), None),
                    };
                    let p = self.new_page(&wanted, title);
                    self.open = Some(p);
                    p
                }
            },
        };
        if let Some(p) = self.pages.get_mut(page) {
            p.questions.push((q, row));
        }
    }

    /// Translates the `relevant` of a row (reported when it cannot be converted).
    pub(super) fn own_condition(&mut self, row: &Row, name: &str) -> Option<String> {
        let source = row.cell(self.cols.relevant).to_owned();
        if source.is_empty() {
            return None;
        }
        let result = xpath::parse(&source)
            .map_err(|why| Fail {
                what: format!("'{source}' cannot be read"),
                why,
            })
            .and_then(|e| translate::condition(&e, &self.scope(name, row.number)));
        match result {
            Ok(c) => Some(c),
            Err(f) => {
                self.survey_report(row.number, &["relevant"], f);
                None
            }
        }
    }

    pub(super) fn scope<'s>(&'s self, name: &'s str, row: usize) -> Scope<'s, 'a> {
        Scope {
            b: self,
            current: name,
            row,
        }
    }

    /// Reports non-empty columns the importer does not read (`skip`: columns read for this row type).
    pub(super) fn check_columns(&mut self, row: &Row, skip: &[&str]) {
        let sheet = &self.book.survey;
        let mut found = Vec::new();
        for (i, col) in sheet.columns.iter().enumerate() {
            let value = row.cell(Some(i));
            let base = col.split().0;
            if value.is_empty()
                || col.header.is_empty()
                || HANDLED.contains(&base)
                || WORDED_BY_OPROS.contains(&base)
                || IGNORED.contains(&base)
                || base.starts_with("sms_")
                || skip.contains(&base)
                || base.starts_with('$')
            {
                continue;
            }
            let why = match base {
                "default" => "Opros questions start unanswered; a default answer is not part of Opros",
                "read_only" if matches!(value.to_lowercase().as_str(), "no" | "false" | "0" | "false()") => continue,
                "read_only" => "read-only questions are not part of Opros",
                "guidance_hint" => "Opros shows one hint per question; the guidance hint is not shown",
                "trigger" => "Opros has no triggers that recalculate answers",
                "repeat_count" => "repeat groups are not part of Opros",
                "image" | "audio" | "video" | "big-image" | "big_image" | "media" | "autoplay" => {
                    "images, audio and video in labels are not part of Opros"
                }
                "bind" | "body" | "control" | "instance" => "extra ODK attributes have no Opros equivalent",
                "no_app_error_string" | "buttontext" => "Opros forms run in a browser and do not launch other apps",
                "save_to" => "Opros has no entities (ODK's shared records)",
                _ => "Opros does not know this column",
            };
            found.push((
                col.header.clone(),
                format!("'{value}' in column '{}' is not supported", col.header),
                why.to_owned(),
            ));
        }
        for (column, what, why) in found {
            self.report("survey", row.number, &column, what, why);
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // Questions
}
