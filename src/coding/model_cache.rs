//! Trained suggestion models kept in memory per (survey, question), so that a coder moving through the
//! answers does not pay for training on every page.
//!
//! A model is reused while the coded answers it learned from are the same: the key is a fingerprint of
//! every (text, codes) pair given to [`ModelCache::model`], so a new coding decision (here or in another
//! app instance sharing the database) gives a new fingerprint and a new model on the next page, never a
//! stale one. That retraining is cheap: the cache also keeps each answer's features ([`Features`]), so only
//! the answers not seen before are stemmed and split into n-grams; the rest is weighing known counts.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};

use super::suggest::{Features, Model};

/// Questions with a slot before the cache starts over (each slot holds one question's features).
const MAX_SLOTS: usize = 64;
/// Texts remembered per question beyond twice the coded answers before its features start over.
const SPARE_TEXTS: usize = 4096;

#[derive(Default)]
struct Slot {
    features: Features,
    trained: Option<(u64, Arc<Model>)>,
}

/// A slot per (survey id, question id).
type Slots = HashMap<(String, String), Arc<Mutex<Slot>>>;

/// Models per (survey id, question id); see the module docs.
#[derive(Default)]
pub struct ModelCache {
    slots: Mutex<Slots>,
    trainings: std::sync::atomic::AtomicU64,
}

/// A lock even when another thread panicked holding it (the cache holds nothing that could be half-written
/// in a way that matters: at worst a model is trained again).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn fingerprint<'a>(coded: impl IntoIterator<Item = (&'a str, &'a [String])>) -> u64 {
    let mut h = DefaultHasher::new();
    let mut n = 0usize;
    for (text, codes) in coded {
        text.hash(&mut h);
        codes.hash(&mut h);
        n += 1;
    }
    n.hash(&mut h);
    h.finish()
}

impl ModelCache {
    /// The model of `coded` (the question's coded answers: text and codes) for a question of a survey,
    /// trained now only when they differ from the last time.
    pub fn model<'a, I>(&self, survey_id: &str, question: &str, coded: I) -> Arc<Model>
    where
        I: IntoIterator<Item = (&'a str, &'a [String])> + Clone,
    {
        let print = fingerprint(coded.clone());
        let slot = {
            let mut slots = lock(&self.slots);
            let key = (survey_id.to_owned(), question.to_owned());
            if slots.len() >= MAX_SLOTS && !slots.contains_key(&key) {
                slots.clear();
            }
            slots.entry(key).or_default().clone()
        };
        let mut slot = lock(&slot);
        if let Some((p, model)) = &slot.trained {
            if *p == print {
                return model.clone();
            }
        }
        let n = coded.clone().into_iter().count();
        if slot.features.texts() > 2 * n + SPARE_TEXTS {
            slot.features = Features::default();
        }
        let model = Arc::new(Model::train_with(&mut slot.features, coded));
        self.trainings.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        slot.trained = Some((print, model.clone()));
        model
    }

    /// Models trained by this cache so far.
    pub fn trainings(&self) -> u64 {
        self.trainings.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn a_model_is_reused_until_a_coding_changes() {
        let cache = ModelCache::default();
        let (roads, bus) = (v(&["roads"]), v(&["bus"]));
        let mut data = vec![("ямы на дорогах", roads.clone()), ("автобусы ходят редко", bus.clone())];
        let pairs = |d: &[(&'static str, Vec<String>)]| -> Vec<(&'static str, Vec<String>)> { d.to_vec() };
        let get = |cache: &ModelCache, d: &[(&'static str, Vec<String>)]| {
            let owned = pairs(d);
            let m = cache.model("s", "q", owned.iter().map(|(t, c)| (*t, c.as_slice())));
            m.suggest("дорога в ямах", 1)
        };
        let first = get(&cache, &data);
        let again = get(&cache, &data);
        assert_eq!(first, again);
        assert_eq!(cache.trainings(), 1, "the same coded answers: the same model");
        // A new decision: recoding the road answer as transport changes the suggestion.
        data[0].1 = bus.clone();
        let changed = get(&cache, &data);
        assert_eq!(cache.trainings(), 2);
        assert_eq!(changed.first().map(|s| s.code.as_str()), Some("bus"));
        // Another question has its own slot.
        let m = cache.model("s", "other", data.iter().map(|(t, c)| (*t, c.as_slice())));
        assert_eq!(m.len(), 2);
        assert_eq!(cache.trainings(), 3);
    }

    #[test]
    fn remembered_features_give_the_model_a_fresh_training_gives() {
        let codes = [v(&["roads"]), v(&["bus"]), v(&["roads", "bus"]), v(&["trash"])];
        let texts = [
            "Дороги разбиты, ямы везде",
            "Автобус ходит редко",
            "Ямы на дороге и автобусы опаздывают",
            "Контейнеры для мусора переполнены",
        ];
        let data: Vec<(&str, &[String])> = texts.iter().copied().zip(codes.iter().map(Vec::as_slice)).collect();
        let mut features = Features::default();
        // Features learned from a different, larger set first.
        let _ = Model::train_with(&mut features, data.iter().rev().copied());
        let warm = Model::train_with(&mut features, data[..3].iter().copied());
        let fresh = Model::train(data[..3].iter().copied());
        for probe in ["дорога в ямах", "мусор не вывозят", "автобуса нет", ""] {
            let (a, b) = (warm.suggest(probe, 3), fresh.suggest(probe, 3));
            assert_eq!(a.len(), b.len(), "{probe}");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x.code, y.code, "{probe}");
                assert!((x.confidence - y.confidence).abs() < 1e-12, "{probe}");
            }
        }
    }
}
