//! Numbers and dates as each interface language writes them: a decimal comma and `30.06.2027` in Russian,
//! a decimal point and ISO dates (`2027-06-30`) in English. Every figure on a page goes through here, so a
//! page never mixes `0,05` with `0.300`.

/// The decimal separator of `lang`.
pub fn separator(lang: &str) -> char {
    if lang == "ru" {
        ','
    } else {
        '.'
    }
}

/// `v` with `decimals` decimals in `lang`: "3,45" / "3.45".
pub fn decimal(lang: &str, v: f64, decimals: usize) -> String {
    with_separator(lang, &format!("{v:.decimals$}"))
}

/// A number formatted with a decimal point (`format!`, the chart code) written in `lang`. Only a text
/// made of a number and its signs (digits, `.`, `-`, `+`, `−`, `–`, `%`, `=`, `<`, `>`, spaces, `p`, `F`)
/// is changed, so a label that merely contains a point ("ул. Ленина") is left alone.
pub fn with_separator(lang: &str, text: &str) -> String {
    let sep = separator(lang);
    if sep == '.' || !is_numeric_text(text) {
        return text.to_owned();
    }
    text.replace('.', &sep.to_string())
}

fn is_numeric_text(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " .-+−–%=<>()pF,".contains(c) || c == '\u{a0}')
}

/// A share as a percentage with one decimal: "43,2%" / "43.2%"; "—" when absent.
pub fn percent(lang: &str, share: Option<f64>) -> String {
    share
        .filter(|v| v.is_finite())
        .map_or_else(|| "—".to_owned(), |v| format!("{}%", decimal(lang, v * 100.0, 1)))
}

/// A date as `lang` writes it: "30.06.2027" / "2027-06-30".
pub fn date(lang: &str, d: chrono::NaiveDate) -> String {
    d.format(if lang == "ru" { "%d.%m.%Y" } else { "%Y-%m-%d" }).to_string()
}

/// A moment as `lang` writes it, in UTC to the minute: "05.12.2026 14:03" / "2026-12-05 14:03".
pub fn date_time(lang: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    format!("{} {}", date(lang, at.date_naive()), at.format("%H:%M"))
}

/// A month as `lang` writes it: "06.2027" / "2027-06" (waves of a trend).
pub fn month(lang: &str, d: chrono::NaiveDate) -> String {
    d.format(if lang == "ru" { "%m.%Y" } else { "%Y-%m" }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_uses_a_comma_and_english_a_point() {
        assert_eq!(decimal("ru", 0.3, 3), "0,300");
        assert_eq!(decimal("en", 0.3, 3), "0.300");
        assert_eq!(percent("ru", Some(0.432)), "43,2%");
        assert_eq!(percent("en", Some(0.432)), "43.2%");
        assert_eq!(percent("ru", None), "—");
        assert_eq!(percent("ru", Some(f64::NAN)), "—");
    }

    #[test]
    fn only_number_texts_get_the_comma() {
        assert_eq!(with_separator("ru", "38.1–48.4%"), "38,1–48,4%");
        assert_eq!(with_separator("ru", "p = 0.012"), "p = 0,012");
        assert_eq!(with_separator("ru", "ул. Ленина, 5"), "ул. Ленина, 5");
        assert_eq!(with_separator("ru", "..."), "...");
        assert_eq!(with_separator("en", "3.45"), "3.45");
    }

    #[test]
    fn dates_follow_the_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        assert_eq!(date("ru", d), "30.06.2027");
        assert_eq!(date("en", d), "2027-06-30");
    }
}
