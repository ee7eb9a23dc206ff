//! The `settings` sheet, the form's languages and texts, and the `choices` sheet.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn settings(&mut self) {
        let settings = self.book.settings.as_ref();
        let value = |keys: &[&str]| -> Option<(String, usize)> {
            let s = settings?;
            let col = s.column(keys)?;
            let row = s.rows.first()?;
            let v = row.cell(Some(col));
            (!v.is_empty()).then(|| (v.to_owned(), row.number))
        };
        let stem = file_stem(self.file);
        let form_title = value(&["form_title"]).map(|(v, _)| v);
        let form_id = value(&["form_id", "id_string"]).map(|(v, _)| v);
        self.style_pages = value(&["style"]).is_some_and(|(v, _)| v.split_whitespace().any(|w| w == "pages"));
        self.allow_duplicates = value(&["allow_choice_duplicates"])
            .is_some_and(|(v, _)| matches!(v.to_lowercase().as_str(), "yes" | "true" | "1" | "true()"));
        if let Some((topic, _)) = value(&["topic"]) {
            self.topic = topic;
        }
        self.slug = [form_id.as_deref(), Some(stem.as_str())]
            .into_iter()
            .flatten()
            .map(slug)
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| "imported-form".to_owned());
        self.languages(value(&["default_language"]));
        let title = form_title.unwrap_or(stem);
        self.title = Texts::from_pairs([(self.default_lang(), title.as_str())]);
    }

    pub(super) fn default_lang(&self) -> &str {
        self.languages.first().map_or("ru", String::as_str)
    }

    /// Languages from the `label::…`/`hint::…` columns of the survey and choices sheets.
    pub(super) fn languages(&mut self, default: Option<(String, usize)>) {
        let mut found: Vec<String> = Vec::new();
        let mut plain = false;
        let mut bad: Vec<(String, usize, String)> = Vec::new();
        for sheet in [Some(&self.book.survey), self.book.choices.as_ref()]
            .into_iter()
            .flatten()
        {
            for col in &sheet.columns {
                let (base, lang) = col.split();
                if !matches!(base, "label" | "hint") {
                    continue;
                }
                match lang {
                    None => plain = true,
                    Some(written) => match langs::code(written) {
                        Some(code) if !found.contains(&code) => found.push(code),
                        Some(_) => {}
                        None => bad.push((sheet.name.clone(), sheet.header_row, col.header.clone())),
                    },
                }
            }
        }
        for (sheet, row, header) in bad {
            self.report(
                &sheet,
                row,
                &header,
                format!("the language of '{header}' is not known"),
                "write its two-letter code in parentheses, e.g. label::Russian (ru)".to_owned(),
            );
        }
        let mut chosen = default.as_ref().and_then(|(d, _)| langs::code(d));
        if let (Some((written, row)), None) = (&default, &chosen) {
            let (written, row) = (written.clone(), *row);
            self.report(
                "settings",
                row,
                "default_language",
                format!("the default language '{written}' is not known"),
                "write its two-letter code, e.g. ru or Russian (ru)".to_owned(),
            );
        }
        if chosen.as_ref().is_some_and(|c| !plain && !found.contains(c)) {
            let (written, row) = default.clone().unwrap_or_default();
            let first = found.first().cloned().unwrap_or_else(|| "ru".to_owned());
            self.report(
                "settings",
                row,
                "default_language",
                format!("the default language '{written}' has no label column"),
                format!(
                    "add label::… ({}) columns, or name one of the languages of the form; '{first}' is used",
                    chosen.clone().unwrap_or_default()
                ),
            );
            chosen = None;
        }
        let default = chosen
            .or_else(|| found.first().cloned())
            .unwrap_or_else(|| langs::guess(self.plain_texts().iter().map(String::as_str)).to_owned());
        let mut all = vec![default.clone()];
        all.extend(found.into_iter().filter(|c| *c != default));
        self.plain_lang = default;
        self.languages = all;
    }

    /// Every text of the plain `label` columns (to guess their language).
    pub(super) fn plain_texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sheet in [Some(&self.book.survey), self.book.choices.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Some(col) = sheet.column(&["label"]) {
                out.extend(sheet.rows.iter().map(|r| r.cell(Some(col)).to_owned()));
            }
        }
        out
    }

    /// The texts of a row in `base` (`label` or `hint`) in every language, default first; `None` when
    /// there is none. A missing default-language text is reported and filled from another language.
    pub(super) fn texts(&mut self, sheet: &Sheet, row: &Row, base: &str) -> Option<Texts> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut plain = None;
        for (i, col) in sheet.columns.iter().enumerate() {
            let (b, lang) = col.split();
            let text = row.cell(Some(i));
            if b != base || text.is_empty() {
                continue;
            }
            match lang.map(langs::code) {
                None => plain = Some(text.to_owned()),
                Some(Some(code)) if !pairs.iter().any(|(l, _)| *l == code) => pairs.push((code, text.to_owned())),
                Some(_) => {}
            }
        }
        if let Some(text) = plain {
            if !pairs.iter().any(|(l, _)| *l == self.plain_lang) {
                pairs.push((self.plain_lang.clone(), text));
            }
        }
        if pairs.is_empty() {
            return None;
        }
        let default = self.default_lang().to_owned();
        if !pairs.iter().any(|(l, _)| *l == default) {
            let column = sheet
                .columns
                .iter()
                .find(|c| c.split().0 == base && c.split().1.and_then(langs::code).as_deref() == Some(&default))
                .map_or_else(|| base.to_owned(), |c| c.header.clone());
            let (from, text) = pairs.first().cloned().unwrap_or_default();
            self.report(
                &sheet.name,
                row.number,
                &column,
                format!("the {base} has no text in the default language '{default}'"),
                format!("every text needs the default language; the '{from}' text is used"),
            );
            pairs.insert(0, (default.clone(), text));
        }
        let ordered = self
            .languages
            .iter()
            .filter_map(|l| pairs.iter().find(|(p, _)| p == l))
            .map(|(l, t)| (l.as_str(), t.as_str()));
        Some(Texts::from_pairs(ordered))
    }

    // -----------------------------------------------------------------------------------------------------
    // Choices

    pub(super) fn choices(&mut self) {
        let Some(sheet) = self.book.choices.as_ref() else {
            return;
        };
        let list_col = sheet.column(&["list_name"]);
        let name_col = sheet.column(&["name"]);
        for row in &sheet.rows {
            let list = row.cell(list_col).to_owned();
            if list.is_empty() {
                continue;
            }
            self.media_columns(sheet, row);
            let name = row.cell(name_col).to_owned();
            if name.is_empty() {
                let col = sheet.header(&["name"]);
                self.report(
                    "choices",
                    row.number,
                    &col,
                    "the choice has no name".into(),
                    "the name is the code stored in the answers; every choice needs one".into(),
                );
                continue;
            }
            if name.contains(';') || name.contains(char::is_whitespace) {
                let col = sheet.header(&["name"]);
                self.report(
                    "choices",
                    row.number,
                    &col,
                    format!("the choice name '{name}' contains a space or ';'"),
                    "Opros codes are stored in CSV files, where ';' separates several choices".into(),
                );
                continue;
            }
            let label = self
                .texts(sheet, row, "label")
                .unwrap_or_else(|| Texts::from_pairs([(self.default_lang(), name.as_str())]));
            let attrs = sheet
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !matches!(c.split().0, "list_name" | "name"))
                .map(|(i, c)| (c.key.clone(), row.cell(Some(i)).to_owned()))
                .collect();
            let choice = Choice {
                row: row.number,
                option: AnswerOption {
                    code: name.clone(),
                    label,
                    anchored: false,
                    exclusive: false,
                },
                attrs,
            };
            let entry = self.lists.entry(list.clone()).or_default();
            let repeated = entry
                .iter()
                .find(|c| c.option.code == name)
                .filter(|_| !self.allow_duplicates);
            if let Some(first) = repeated {
                let first = first.row;
                let col = sheet.header(&["name"]);
                self.report(
                    "choices",
                    row.number,
                    &col,
                    format!("list '{list}' has the choice '{name}' twice (also row {first})"),
                    "each code of a question must be unique".into(),
                );
                continue;
            }
            entry.push(choice);
        }
    }

    /// Media columns (`image`, `media::audio::English (en)`, …) with content.
    pub(super) fn media_columns(&mut self, sheet: &Sheet, row: &Row) {
        for (i, col) in sheet.columns.iter().enumerate() {
            let base = col.split().0;
            let media =
                matches!(base, "image" | "audio" | "video" | "big-image" | "media") || base.starts_with("media::");
            if media && !row.cell(Some(i)).is_empty() {
                let (sheet_name, header) = (sheet.name.clone(), col.header.clone());
                self.report(
                    &sheet_name,
                    row.number,
                    &header,
                    format!("the media file '{}' is not supported", row.cell(Some(i))),
                    "images, audio and video in labels are not part of Opros".into(),
                );
            }
        }
    }

    // -----------------------------------------------------------------------------------------------------
    // The survey sheet
}
