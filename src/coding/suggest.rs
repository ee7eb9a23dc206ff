//! Suggested codes for an uncoded answer, learned from the answers already coded (no external service).
//!
//! Features: TF-IDF over word stems plus character 3- and 4-grams of each lower-cased word padded with
//! spaces (they catch typos and forms the stemmer misses). Weights are (1 + ln tf) · ln((1 + N) / (1 + df)) + 1
//! (smoothed IDF, as scikit-learn's `TfidfVectorizer(sublinear_tf=True)`), each of the two blocks scaled to
//! unit length, then the whole vector. A suggestion is a k-nearest-neighbours vote: among the `k` coded
//! answers most similar by cosine, a code's score is the sum of the similarities of the neighbours that have
//! it divided by the sum over all `k` neighbours. The score (0–1) is shown as the suggestion's confidence.
//! Coders confirm; nothing is coded from a suggestion alone.

use std::collections::HashMap;
use std::sync::Arc;

use super::stem::{normalize, words, Stems};

/// Neighbours that vote.
pub const K: usize = 7;

type Vector = Vec<(u32, f64)>;

/// A code and how sure the vote is.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub code: String,
    /// Share of the neighbours' similarity behind this code, 0–1.
    pub confidence: f64,
}

/// The coded answers as vectors, ready to suggest.
pub struct Model {
    stems: Stems,
    vocabulary: HashMap<String, u32>,
    idf: Vec<f64>,
    examples: Vec<(Vector, Vec<String>)>,
}

fn features(stems: &Stems, text: &str) -> (Vec<String>, Vec<String>) {
    let words_: Vec<&str> = words(text).collect();
    let stemmed = words_.iter().map(|w| format!("w:{}", stems.stem(w))).collect();
    let mut grams = Vec::new();
    for w in &words_ {
        let padded: Vec<char> = format!(" {} ", normalize(w)).chars().collect();
        for n in [3usize, 4] {
            for win in padded.windows(n) {
                grams.push(format!("c:{}", win.iter().collect::<String>()));
            }
        }
    }
    (stemmed, grams)
}

fn counts(items: Vec<String>) -> HashMap<String, f64> {
    let mut m = HashMap::new();
    for it in items {
        *m.entry(it).or_insert(0.0) += 1.0;
    }
    m
}

fn unit(v: &mut [(u32, f64)]) {
    let norm = v.iter().map(|(_, x)| x * x).sum::<f64>().sqrt();
    if norm > 0.0 {
        for (_, x) in v.iter_mut() {
            *x /= norm;
        }
    }
}

fn dot(a: &Vector, b: &Vector) -> f64 {
    // Both sorted by feature index.
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// The whole vector of two unit blocks, sorted by index and scaled to unit length.
fn join(mut words: Vector, grams: Vector) -> Vector {
    words.extend(grams);
    words.sort_by_key(|(i, _)| *i);
    unit(&mut words);
    words
}

/// One answer's term counts by feature id of a [`Features`].
pub struct Doc {
    words: Vec<(u32, f64)>,
    grams: Vec<(u32, f64)>,
}

/// Feature extraction that remembers: every text seen once (stemmed and split into n-grams) and every
/// feature name with an id. Grows with the distinct texts given; [`Features::texts`] says how many.
#[derive(Default)]
pub struct Features {
    ids: HashMap<String, u32>,
    names: Vec<String>,
    docs: HashMap<String, Arc<Doc>>,
}

impl Features {
    /// Distinct texts remembered.
    pub fn texts(&self) -> usize {
        self.docs.len()
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    fn intern(&mut self, counts: HashMap<String, f64>) -> Vec<(u32, f64)> {
        counts
            .into_iter()
            .map(|(name, tf)| {
                let next = self.names.len() as u32;
                let id = *self.ids.entry(name.clone()).or_insert_with(|| next);
                if id == next {
                    self.names.push(name);
                }
                (id, tf)
            })
            .collect()
    }

    fn doc(&mut self, stems: &Stems, text: &str) -> Arc<Doc> {
        if let Some(d) = self.docs.get(text) {
            return d.clone();
        }
        let (w, c) = features(stems, text);
        let doc = Arc::new(Doc {
            words: self.intern(counts(w)),
            grams: self.intern(counts(c)),
        });
        self.docs.insert(text.to_owned(), doc.clone());
        doc
    }
}

impl Model {
    /// Learns from coded answers: (text, its codes). Answers without codes are ignored.
    pub fn train<'a>(coded: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Model {
        Model::train_with(&mut Features::default(), coded)
    }

    /// [`Model::train`] reusing the features of texts `features` has seen (each new text is stemmed and
    /// split into n-grams once and remembered there): retraining after one more coded answer only weighs
    /// the known features again. The model is the one [`Model::train`] gives.
    pub fn train_with<'a>(features: &mut Features, coded: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Model {
        let stems = Stems::default();
        let mut docs = Vec::new();
        let mut df: HashMap<u32, f64> = HashMap::new();
        for (text, codes) in coded {
            if codes.is_empty() {
                continue;
            }
            let doc = features.doc(&stems, text);
            for (k, _) in doc.words.iter().chain(&doc.grams) {
                *df.entry(*k).or_insert(0.0) += 1.0;
            }
            docs.push((doc, codes.to_vec()));
        }
        let n = docs.len() as f64;
        // Indices in the order of the feature names, as a fresh vocabulary would have them.
        let mut names: Vec<(&str, u32)> = df.keys().map(|&id| (features.name(id), id)).collect();
        names.sort_unstable();
        let mut dense: HashMap<u32, u32> = HashMap::with_capacity(names.len());
        let mut vocabulary: HashMap<String, u32> = HashMap::with_capacity(names.len());
        let mut idf = Vec::with_capacity(names.len());
        for (i, (name, id)) in names.iter().enumerate() {
            let i = i as u32;
            dense.insert(*id, i);
            vocabulary.insert((*name).to_owned(), i);
            idf.push(((1.0 + n) / (1.0 + df[id])).ln() + 1.0);
        }
        let mut model = Model {
            stems,
            vocabulary,
            idf,
            examples: Vec::new(),
        };
        let examples = docs
            .into_iter()
            .map(|(doc, codes)| {
                let block = |counts: &[(u32, f64)]| -> Vector {
                    let named = counts.iter().filter_map(|(id, tf)| Some((*dense.get(id)?, *tf)));
                    model.weighed(named)
                };
                (join(block(&doc.words), block(&doc.grams)), codes)
            })
            .collect();
        model.examples = examples;
        model
    }

    /// Coded answers the model learned from.
    pub fn len(&self) -> usize {
        self.examples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.examples.is_empty()
    }

    /// One block (stems or n-grams) of a vector from term counts by vocabulary index, scaled to unit length.
    fn weighed(&self, counts: impl Iterator<Item = (u32, f64)>) -> Vector {
        let mut v: Vector = counts
            .map(|(i, tf)| (i, (1.0 + tf.ln()) * self.idf[i as usize]))
            .collect();
        unit(&mut v);
        v
    }

    fn block(&self, counts: &HashMap<String, f64>) -> Vector {
        self.weighed(
            counts
                .iter()
                .filter_map(|(f, tf)| Some((*self.vocabulary.get(f)?, *tf))),
        )
    }

    fn vector(&self, w: &HashMap<String, f64>, c: &HashMap<String, f64>) -> Vector {
        join(self.block(w), self.block(c))
    }

    /// Codes for `text`, most likely first (at most `limit`); empty when nothing coded resembles it.
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<Suggestion> {
        let (w, c) = features(&self.stems, text);
        let v = self.vector(&counts(w), &counts(c));
        let mut sims: Vec<(f64, usize)> = self
            .examples
            .iter()
            .enumerate()
            .map(|(i, (e, _))| (dot(&v, e), i))
            .filter(|(s, _)| *s > 0.0)
            .collect();
        sims.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        sims.truncate(K);
        let total: f64 = sims.iter().map(|(s, _)| s).sum();
        if total <= 0.0 {
            return Vec::new();
        }
        let mut score: Vec<(String, f64)> = Vec::new();
        for (s, i) in &sims {
            for code in &self.examples[*i].1 {
                match score.iter_mut().find(|(c, _)| c == code) {
                    Some(entry) => entry.1 += s,
                    None => score.push((code.clone(), *s)),
                }
            }
        }
        score.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        score
            .into_iter()
            .take(limit)
            .map(|(code, s)| Suggestion {
                code,
                confidence: (s / total).min(1.0),
            })
            .collect()
    }
}

/// Top-1 and top-3 accuracy of suggestions on held-out answers: the share whose first suggestion is one
/// of the answer's codes, and whose first three suggestions include one of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    pub n: usize,
    pub top1: f64,
    pub top3: f64,
}

pub fn accuracy<'a>(model: &Model, held_out: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Accuracy {
    let (mut n, mut one, mut three) = (0usize, 0usize, 0usize);
    for (text, codes) in held_out {
        n += 1;
        let s = model.suggest(text, 3);
        if s.first().is_some_and(|x| codes.contains(&x.code)) {
            one += 1;
        }
        if s.iter().any(|x| codes.contains(&x.code)) {
            three += 1;
        }
    }
    let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    Accuracy {
        n,
        top1: share(one),
        top3: share(three),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn nearest_answers_decide() {
        let roads = v(&["roads"]);
        let bus = v(&["transport"]);
        let data = [
            ("ямы на дорогах", &roads),
            ("разбитые дороги во дворе", &roads),
            ("автобусы ходят редко", &bus),
            ("нужен автобус до центра", &bus),
        ];
        let m = Model::train(data.iter().map(|(t, c)| (*t, c.as_slice())));
        let s = m.suggest("Дорога вся в ямах", 3);
        assert_eq!(s.first().map(|x| x.code.as_str()), Some("roads"));
        assert!(s[0].confidence > 0.5 && s[0].confidence <= 1.0);
        let s = m.suggest("автобуса не дождёшься", 3);
        assert_eq!(s.first().map(|x| x.code.as_str()), Some("transport"));
    }

    #[test]
    fn nothing_learned_suggests_nothing() {
        let m = Model::train(std::iter::empty());
        assert!(m.is_empty());
        assert!(m.suggest("что угодно", 3).is_empty());
        let a = accuracy(&m, std::iter::empty());
        assert_eq!((a.n, a.top1), (0, 0.0));
    }
}
