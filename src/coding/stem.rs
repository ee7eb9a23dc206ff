//! Words of an answer reduced to their stems (Snowball Russian and English stemmers), so that a search
//! for "дорога" finds "дороги", "дорогу", "дорогах", and suggestions compare words rather than word forms.

use rust_stemmers::{Algorithm, Stemmer};

/// Stemmers for the two alphabets an answer may use.
pub struct Stems {
    russian: Stemmer,
    english: Stemmer,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            russian: Stemmer::create(Algorithm::Russian),
            english: Stemmer::create(Algorithm::English),
        }
    }
}

/// Lower case, `ё` read as `е` (writers use both).
pub fn normalize(word: &str) -> String {
    word.to_lowercase().replace('ё', "е")
}

fn cyrillic(word: &str) -> bool {
    word.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

impl Stems {
    /// The stem of one word (already a word: letters and digits).
    pub fn stem(&self, word: &str) -> String {
        let w = normalize(word);
        if w.chars().any(|c| c.is_numeric()) {
            return w;
        }
        let stemmer = if cyrillic(&w) { &self.russian } else { &self.english };
        stemmer.stem(&w).into_owned()
    }

    /// The stems of a text's words, in order.
    pub fn stems(&self, text: &str) -> Vec<String> {
        words(text).map(|w| self.stem(w)).collect()
    }
}

/// The words of a text: runs of letters and digits (a hyphen inside a word keeps it whole).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
}

/// A search in answers: every word of the query must occur in the answer, in any of its forms.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    stems: Vec<String>,
}

impl Search {
    /// `None` when the query has no words.
    pub fn new(stems: &Stems, query: &str) -> Option<Search> {
        let stems = stems.stems(query);
        (!stems.is_empty()).then_some(Search { stems })
    }

    /// Whether an answer (given as its stems) contains every query word. A query stem also matches the
    /// start of a longer stem, so that "останов" finds "остановка" whose stem the stemmer left longer.
    pub fn matches(&self, answer_stems: &[String]) -> bool {
        self.stems
            .iter()
            .all(|q| answer_stems.iter().any(|a| a == q || a.starts_with(q.as_str())))
    }

    pub fn matches_text(&self, stems: &Stems, text: &str) -> bool {
        self.matches(&stems.stems(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_forms_meet() {
        let s = Stems::default();
        let q = Search::new(&s, "дорога").expect("query has a word");
        for text in [
            "Дороги разбиты",
            "починить дорогу",
            "ямы на дорогах",
            "ДОРОГОЙ ехать страшно",
        ] {
            assert!(q.matches_text(&s, text), "{text}");
        }
        assert!(!q.matches_text(&s, "тротуар узкий"));
    }

    #[test]
    fn every_query_word_is_needed() {
        let s = Stems::default();
        let q = Search::new(&s, "грязные подъезды").expect("query has words");
        assert!(q.matches_text(&s, "В подъезде очень грязно, грязный пол"));
        assert!(!q.matches_text(&s, "подъезд чистый"));
    }

    #[test]
    fn yo_and_latin_and_digits() {
        let s = Stems::default();
        assert_eq!(s.stem("Ёлки"), s.stem("елки"));
        assert_eq!(s.stem("roads"), s.stem("road"));
        assert_eq!(s.stem("42"), "42");
        let q = Search::new(&s, "автобус 42").expect("query has words");
        assert!(q.matches_text(&s, "Автобусы №42 ходят редко"));
    }

    #[test]
    fn empty_query_is_no_search() {
        let s = Stems::default();
        assert_eq!(Search::new(&s, "  ,.!  "), None);
        assert!(s.stems("").is_empty());
    }
}
