//! Languages of an XLSForm: `label::Russian (ru)` columns, the `default_language` setting, and the plain
//! `label` column.

/// Language names XLSForm authors write without a code, in English, in Russian and in the language itself
/// (lower case), with their ISO 639-1 codes. A Russian name may also be followed by `язык`
/// (`Русский язык`), see [`code`].
const NAMES: [(&str, &str); 142] = [
    ("english", "en"),
    ("английский", "en"),
    ("russian", "ru"),
    ("русский", "ru"),
    ("ukrainian", "uk"),
    ("украинский", "uk"),
    ("українська", "uk"),
    ("belarusian", "be"),
    ("белорусский", "be"),
    ("беларуская", "be"),
    ("kazakh", "kk"),
    ("казахский", "kk"),
    ("қазақ", "kk"),
    ("uzbek", "uz"),
    ("узбекский", "uz"),
    ("oʻzbek", "uz"),
    ("kyrgyz", "ky"),
    ("киргизский", "ky"),
    ("кыргызча", "ky"),
    ("tajik", "tg"),
    ("таджикский", "tg"),
    ("тоҷикӣ", "tg"),
    ("armenian", "hy"),
    ("армянский", "hy"),
    ("հայերեն", "hy"),
    ("georgian", "ka"),
    ("грузинский", "ka"),
    ("ქართული", "ka"),
    ("azerbaijani", "az"),
    ("азербайджанский", "az"),
    ("azərbaycan", "az"),
    ("romanian", "ro"),
    ("румынский", "ro"),
    ("română", "ro"),
    ("polish", "pl"),
    ("польский", "pl"),
    ("polski", "pl"),
    ("tatar", "tt"),
    ("татарский", "tt"),
    ("татар", "tt"),
    ("bashkir", "ba"),
    ("башкирский", "ba"),
    ("башҡорт", "ba"),
    ("lithuanian", "lt"),
    ("литовский", "lt"),
    ("lietuvių", "lt"),
    ("latvian", "lv"),
    ("латышский", "lv"),
    ("latviešu", "lv"),
    ("estonian", "et"),
    ("эстонский", "et"),
    ("eesti", "et"),
    ("finnish", "fi"),
    ("финский", "fi"),
    ("suomi", "fi"),
    ("german", "de"),
    ("немецкий", "de"),
    ("deutsch", "de"),
    ("french", "fr"),
    ("французский", "fr"),
    ("français", "fr"),
    ("spanish", "es"),
    ("испанский", "es"),
    ("español", "es"),
    ("portuguese", "pt"),
    ("португальский", "pt"),
    ("português", "pt"),
    ("italian", "it"),
    ("итальянский", "it"),
    ("italiano", "it"),
    ("dutch", "nl"),
    ("нидерландский", "nl"),
    ("nederlands", "nl"),
    ("arabic", "ar"),
    ("арабский", "ar"),
    ("العربية", "ar"),
    ("chinese", "zh"),
    ("китайский", "zh"),
    ("中文", "zh"),
    ("japanese", "ja"),
    ("японский", "ja"),
    ("日本語", "ja"),
    ("korean", "ko"),
    ("корейский", "ko"),
    ("한국어", "ko"),
    ("turkish", "tr"),
    ("турецкий", "tr"),
    ("türkçe", "tr"),
    ("persian", "fa"),
    ("персидский", "fa"),
    ("فارسی", "fa"),
    ("hindi", "hi"),
    ("хинди", "hi"),
    ("हिन्दी", "hi"),
    ("swahili", "sw"),
    ("суахили", "sw"),
    ("kiswahili", "sw"),
    ("hebrew", "he"),
    ("иврит", "he"),
    ("עברית", "he"),
    ("greek", "el"),
    ("греческий", "el"),
    ("ελληνικά", "el"),
    ("mongolian", "mn"),
    ("монгольский", "mn"),
    ("монгол", "mn"),
    ("macedonian", "mk"),
    ("македонский", "mk"),
    ("македонски", "mk"),
    ("serbian", "sr"),
    ("сербский", "sr"),
    ("српски", "sr"),
    ("croatian", "hr"),
    ("хорватский", "hr"),
    ("hrvatski", "hr"),
    ("bulgarian", "bg"),
    ("болгарский", "bg"),
    ("български", "bg"),
    ("czech", "cs"),
    ("чешский", "cs"),
    ("čeština", "cs"),
    ("slovak", "sk"),
    ("словацкий", "sk"),
    ("slovenčina", "sk"),
    ("hungarian", "hu"),
    ("венгерский", "hu"),
    ("magyar", "hu"),
    ("albanian", "sq"),
    ("албанский", "sq"),
    ("shqip", "sq"),
    ("nepali", "ne"),
    ("непальский", "ne"),
    ("नेपाली", "ne"),
    ("bengali", "bn"),
    ("бенгальский", "bn"),
    ("বাংলা", "bn"),
    ("urdu", "ur"),
    ("урду", "ur"),
    ("اردو", "ur"),
    ("amharic", "am"),
    ("амхарский", "am"),
    ("አማርኛ", "am"),
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
    let lower = lower.strip_suffix(" язык").unwrap_or(&lower);
    let lower = lower.strip_suffix(" language").unwrap_or(lower);
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
        assert_eq!(code("Английский").as_deref(), Some("en"));
        assert_eq!(code("Русский язык").as_deref(), Some("ru"));
        assert_eq!(code("English (en)").as_deref(), Some("en"));
        assert_eq!(code("русский").as_deref(), Some("ru"));
        assert_eq!(code("Chinese").as_deref(), Some("zh"));
        assert_eq!(code("macedonian").as_deref(), Some("mk"));
        // The code in parentheses wins over the name.
        assert_eq!(code("Russian (en)").as_deref(), Some("en"));
        assert_eq!(code("Английский (ru)").as_deref(), Some("ru"));
        assert_eq!(code("Klingon (tlh1)"), None);
    }
}
