//! Random answers for tests ([`super::QuestionType::random_answer`]): valid answers of each type, now and
//! then with a code of no version (`junk`), from a seeded generator so a failing case repeats.

use rand::rngs::StdRng;
use rand::Rng;

/// A seeded generator and how often a code is replaced by one no question has.
pub struct Draw<'r> {
    pub rng: &'r mut StdRng,
    /// The chance of an unknown code (`zz`) instead of a drawn one.
    pub junk: f64,
    /// Whether [`Draw::code`] may give an unknown code (not for a weighting variable: a category without
    /// a target stops weighting).
    pub junk_codes: bool,
}

impl Draw<'_> {
    /// True with chance `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// An unknown code with chance `junk` (whatever `junk_codes` says).
    pub fn junk(&mut self) -> bool {
        self.rng.random_bool(self.junk)
    }

    /// One of `codes`, or now and then an unknown code when `junk_codes`.
    pub fn code(&mut self, codes: &[&str]) -> String {
        if self.junk_codes && self.junk() {
            "zz".to_owned()
        } else {
            codes[self.rng.random_range(0..codes.len())].to_owned()
        }
    }
}
