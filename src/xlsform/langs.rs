//! Languages of an XLSForm: `label::Russian (ru)` columns, the `default_language` setting, and the plain
//! `label` column.

/// Language names XLSForm authors write without a code, with their ISO 639-1 codes.
const NAMES: [(&str, &str); 24] = [
    ("english", "en"),
    ("russian", "ru"),
    ("русский", "ru"),
    ("ukrainian", "uk"),
    ("українська", "uk"),
    ("belarusian", "be"),
    ("kazakh", "kk"),
    ("қазақ", "kk"),
    ("uzbek", "uz"),
    ("kyrgyz", "ky"),
    ("tajik", "tg"),
    ("armenian", "hy"),
    ("georgian", "ka"),
    ("azerbaijani", "az"),
    ("romanian", "ro"),
    ("polish", "pl"),
    ("tatar", "tt"),
    ("german", "de"),
    ("french", "fr"),
    ("spanish", "es"),
    ("portuguese", "pt"),
    ("arabic", "ar"),
    ("chinese", "zh"),
    ("turkish", "tr"),
];

/// The language code of `Russian (ru)`, `ru`, `Russian` or `RU`; `None` when there is no way to know it.
pub(crate) fn code(written: &str) -> Option<String> {
    let w = written.trim();
    if let Some(open) = w.rfind('(') {
        let inner = w.get(open + 1..)?.strip_suffix(')')?.trim().to_lowercase();
        // `pt-BR` and `zh_Hans`: Opros texts are keyed by the base language.
        let base: String = inner.split(['-', '_']).next().unwrap_or("").to_owned();
        return is_code(&base).then_some(base);
    }
    let lower = w.to_lowercase();
    if is_code(&lower) {
        return Some(lower);
    }
    NAMES
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, c)| (*c).to_owned())
}

fn is_code(s: &str) -> bool {
    (2..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_lowercase())
}

/// The label text of "other, specify" in a language (English for languages not listed).
pub(crate) fn other_label(lang: &str) -> &'static str {
    match lang {
        "ru" => "Другое",
        "uk" => "Інше",
        "be" => "Іншае",
        "kk" => "Басқа",
        "de" => "Andere",
        "fr" => "Autre",
        "es" => "Otro",
        "pt" => "Outro",
        _ => "Other",
    }
}

/// The language of texts written without a language column: Russian when they contain Cyrillic letters,
/// else English.
pub(crate) fn guess<'a>(texts: impl Iterator<Item = &'a str>) -> &'static str {
    let cyrillic = |t: &str| t.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    let mut texts = texts;
    if texts.any(cyrillic) {
        "ru"
    } else {
        "en"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_from_the_ways_people_write_them() {
        assert_eq!(code("Russian (ru)").as_deref(), Some("ru"));
        assert_eq!(code(" English(en) ").as_deref(), Some("en"));
        assert_eq!(code("Português (pt-BR)").as_deref(), Some("pt"));
        assert_eq!(code("ru").as_deref(), Some("ru"));
        assert_eq!(code("French").as_deref(), Some("fr"));
        assert_eq!(code("Klingon"), None);
        assert_eq!(code("Klingon (tlh1)"), None);
    }
}
