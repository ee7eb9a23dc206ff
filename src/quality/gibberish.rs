//! Keyboard noise in open answers, Latin and Cyrillic. An answer is gibberish when, ignoring case,
//! spaces and punctuation:
//! - it is one character repeated (at least 3 times: "ааааа", "xxx");
//! - it has at least 4 letters and not one vowel (Latin a e i o u y, Cyrillic а е ё и о у ы э ю я):
//!   "sdfghj", "ывпрл" — abbreviations of 3 letters such as "ЖКХ" or "МФЦ" pass;
//! - one of its words (4 letters or more) is a run of neighbouring keys on a row of the QWERTY or ЙЦУКЕН
//!   layout, either way: "asdf", "фыва", "йцукен", "lkjh".
//!
//! Short honest answers ("нет", "ok", "-") and numbers are never gibberish.

const VOWELS: &str = "aeiouyаеёиоуыэюя";
const ROWS: [&str; 6] = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "йцукенгшщзхъ",
    "фывапролджэ",
    "ячсмитьбю",
];
/// Fewest letters of a keyboard run.
const MIN_RUN: usize = 4;

/// Whether an open answer looks like keyboard noise (see the module notes).
pub fn is_gibberish(text: &str) -> bool {
    let lower = text.to_lowercase();
    repeated_char(&lower) || no_vowel(&lower) || lower.split_whitespace().any(keyboard_run)
}

fn repeated_char(text: &str) -> bool {
    let mut chars = text.chars().filter(|c| c.is_alphanumeric());
    let Some(first) = chars.next() else {
        return false;
    };
    let mut n = 1;
    for c in chars {
        if c != first {
            return false;
        }
        n += 1;
    }
    n >= 3
}

fn no_vowel(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && !letters.iter().any(|c| VOWELS.contains(*c))
}

fn keyboard_run(word: &str) -> bool {
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.chars().count() < MIN_RUN {
        return false;
    }
    let reversed: String = letters.chars().rev().collect();
    ROWS.iter()
        .any(|row| row.contains(letters.as_str()) || row.contains(reversed.as_str()))
}

#[cfg(test)]
mod tests {
    use super::is_gibberish;

    #[test]
    fn keyboard_noise_in_both_alphabets_is_caught() {
        for noise in [
            "asdf",
            "фыва",
            "йцукен",
            "ЙЦУКЕН",
            "lkjh",
            "qwerty",
            "ааааааа",
            "xxx",
            "sdfghj",
            "кврпл",
            "ddddd ddd",
            "привет фывапро",
            "zxcvbn!!!",
            "1111",
        ] {
            assert!(is_gibberish(noise), "{noise:?} should be gibberish");
        }
    }

    #[test]
    fn honest_short_answers_pass() {
        for honest in [
            "нет",
            "ok",
            "-",
            "",
            "   ",
            "ЖКХ",
            "МФЦ не работает по субботам",
            "Дороги во дворе не чинили три года",
            "more buses in the evening",
            "Ёж",
            "42",
            "rhythm and blues",
            "кенгуру",
            "trees",
        ] {
            assert!(!is_gibberish(honest), "{honest:?} should pass");
        }
    }
}
