//! A cache of expensive values (survey summaries) with one computation per value however many readers ask
//! at once, and stale-while-revalidate:
//!
//! - each *slot* (a survey in a language) holds the last value computed and the *key* it was computed
//!   for (version, number of complete responses, …); a reader whose key matches gets it at once;
//! - single flight: readers that need a value being computed wait for that computation instead of
//!   starting their own (50 requests for a summary of a million responses cost one summary);
//! - stale while revalidate: a reader that allows it (open fieldwork, where every new response changes
//!   the key) gets the slot's older value at once; when that value is older than the allowed age, one
//!   fresh computation starts in the background. The value says when it was computed.
//!
//! Readers block while they wait (callers are on blocking threads, `web::block`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// A computed value with the key it belongs to and when it was computed.
#[derive(Debug)]
pub struct Computed<K, V> {
    pub key: K,
    pub value: Arc<V>,
    pub computed_at: DateTime<Utc>,
    at: Instant,
}

impl<K: Clone, V> Clone for Computed<K, V> {
    fn clone(&self) -> Self {
        Computed {
            key: self.key.clone(),
            value: self.value.clone(),
            computed_at: self.computed_at,
            at: self.at,
        }
    }
}

/// A computation in progress; waiters sleep on `ready`.
struct Flight<K, V> {
    /// `None` while running; then the value, or `None` inside when it failed.
    done: Mutex<Option<Option<Computed<K, V>>>>,
    ready: Condvar,
}

struct Slot<K, V> {
    value: Option<Computed<K, V>>,
    flight: Option<(K, Arc<Flight<K, V>>)>,
}

/// The cache. `K`: what a value was computed from; `V`: the value.
pub struct Flights<K, V> {
    slots: Mutex<HashMap<String, Slot<K, V>>>,
    computations: AtomicU64,
}

impl<K, V> Default for Flights<K, V> {
    fn default() -> Self {
        Flights {
            slots: Mutex::new(HashMap::new()),
            computations: AtomicU64::new(0),
        }
    }
}

/// What a reader does after looking at its slot.
enum Step<K, V> {
    Done(Computed<K, V>),
    Wait(Arc<Flight<K, V>>),
    Lead(Arc<Flight<K, V>>),
}

impl<K, V> Flights<K, V>
where
    K: Clone + PartialEq + Send + 'static,
    V: Send + Sync + 'static,
{
    /// How many computations have started since the cache was made (for tests and diagnostics).
    pub fn computations(&self) -> u64 {
        self.computations.load(Ordering::Relaxed)
    }

    /// Drops the values of the slots whose names start with `prefix` (a computation in progress finishes
    /// and is kept: it started after the change that asks for this, or is replaced by the next key).
    pub fn forget(&self, prefix: &str) {
        for (name, s) in self.lock().iter_mut() {
            if name.starts_with(prefix) {
                s.value = None;
            }
        }
    }

    /// Keeps the number of slots at most `max`: when there are more, the slots with no computation in
    /// progress are dropped (for caches whose slot names come from readers' queries).
    pub fn trim(&self, max: usize) {
        let mut slots = self.lock();
        if slots.len() > max {
            slots.retain(|_, s| s.flight.is_some());
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot<K, V>>> {
        // A panic while holding the lock only ever interrupts a map update; the map stays usable.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value of `slot` for `key`, computed by `compute` (which returns the key it actually computed
    /// for, and the value) unless it is cached or being computed.
    ///
    /// `stale`: `Some(age)` lets the reader have the slot's value computed for another key; if that value
    /// is older than `age`, a fresh one is computed in the background by `compute`, which then must be
    /// `'static` (it is moved to a thread).
    pub fn get<E>(
        self: &Arc<Self>,
        slot: &str,
        key: &K,
        stale: Option<Duration>,
        compute: impl FnOnce() -> Result<(K, V), E> + Send + 'static,
    ) -> Result<Computed<K, V>, E> {
        let step = {
            let mut slots = self.lock();
            let s = slots.entry(slot.to_owned()).or_insert(Slot {
                value: None,
                flight: None,
            });
            match (&s.value, &s.flight, stale) {
                (Some(v), _, _) if v.key == *key => Step::Done(v.clone()),
                (_, Some((k, f)), _) if k == key => Step::Wait(f.clone()),
                (Some(v), flight, Some(age)) => {
                    let value = v.clone();
                    if flight.is_none() && value.at.elapsed() >= age {
                        let f = Arc::new(Flight {
                            done: Mutex::new(None),
                            ready: Condvar::new(),
                        });
                        s.flight = Some((key.clone(), f.clone()));
                        let me = self.clone();
                        let slot = slot.to_owned();
                        let key = key.clone();
                        let spawned = std::thread::Builder::new()
                            .name("summary-refresh".into())
                            .spawn(move || {
                                // A failed refresh leaves the older value; the next reader tries again.
                                let _ = me.run(&slot, &key, &f, compute);
                            });
                        if spawned.is_err() {
                            // No thread: the stale value is served and the next reader tries again.
                            s.flight = None;
                        }
                    }
                    return Ok(value);
                }
                (_, Some((_, f)), Some(_)) => Step::Wait(f.clone()),
                _ => {
                    let f = Arc::new(Flight {
                        done: Mutex::new(None),
                        ready: Condvar::new(),
                    });
                    s.flight = Some((key.clone(), f.clone()));
                    Step::Lead(f)
                }
            }
        };
        match step {
            Step::Done(v) => Ok(v),
            Step::Lead(f) => self.run(slot, key, &f, compute),
            Step::Wait(f) => match wait(&f) {
                Some(v) => Ok(v),
                // The computation failed: try on our own, to get its error.
                None => {
                    let (key, value) = compute()?;
                    Ok(self.store(slot, key, value))
                }
            },
        }
    }

    /// Computes as the leader of `flight`, stores the value and wakes the waiters.
    fn run<E>(
        &self,
        slot: &str,
        key: &K,
        flight: &Arc<Flight<K, V>>,
        compute: impl FnOnce() -> Result<(K, V), E>,
    ) -> Result<Computed<K, V>, E> {
        self.computations.fetch_add(1, Ordering::Relaxed);
        let result = compute();
        let stored = result.as_ref().ok().is_some();
        let outcome = match result {
            Ok((k, v)) => Ok(self.store(slot, k, v)),
            Err(e) => Err(e),
        };
        {
            let mut slots = self.lock();
            if let Some(s) = slots.get_mut(slot) {
                if s.flight
                    .as_ref()
                    .is_some_and(|(k, f)| k == key && Arc::ptr_eq(f, flight))
                {
                    s.flight = None;
                }
            }
        }
        let mut done = flight.done.lock().unwrap_or_else(|p| p.into_inner());
        *done = Some(match (&outcome, stored) {
            (Ok(v), true) => Some(v.clone()),
            _ => None,
        });
        flight.ready.notify_all();
        outcome
    }

    fn store(&self, slot: &str, key: K, value: V) -> Computed<K, V> {
        let c = Computed {
            key,
            value: Arc::new(value),
            computed_at: Utc::now(),
            at: Instant::now(),
        };
        let mut slots = self.lock();
        let s = slots.entry(slot.to_owned()).or_insert(Slot {
            value: None,
            flight: None,
        });
        s.value = Some(c.clone());
        c
    }
}

fn wait<K: Clone, V>(f: &Flight<K, V>) -> Option<Computed<K, V>> {
    let mut done = f.done.lock().unwrap_or_else(|p| p.into_inner());
    while done.is_none() {
        done = f.ready.wait(done).unwrap_or_else(|p| p.into_inner());
    }
    done.as_ref().and_then(Clone::clone)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    use super::Flights;

    fn slow_value(calls: &Arc<AtomicU64>, key: u32) -> impl FnOnce() -> Result<(u32, String), String> {
        let calls = calls.clone();
        move || {
            calls.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(100));
            Ok((key, format!("value for {key}")))
        }
    }

    #[test]
    fn trimming_drops_idle_slots_once_there_are_too_many() {
        let cache: Arc<Flights<u32, String>> = Arc::default();
        let calls = Arc::new(AtomicU64::new(0));
        for slot in ["a", "b", "c"] {
            let got = cache.get(slot, &1, None, slow_value(&calls, 1)).map(|c| c.value);
            assert_eq!(got.as_deref().map(String::as_str), Ok("value for 1"));
        }
        cache.trim(3);
        let _ = cache.get("a", &1, None, slow_value(&calls, 1));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "three slots are within the bound: still cached"
        );
        cache.trim(2);
        let _ = cache.get("a", &1, None, slow_value(&calls, 1));
        assert_eq!(
            calls.load(Ordering::SeqCst),
            4,
            "over the bound: dropped, computed again"
        );
    }

    #[test]
    fn fifty_concurrent_readers_cost_one_computation() {
        let cache: Arc<Flights<u32, String>> = Arc::default();
        let calls = Arc::new(AtomicU64::new(0));
        let start = Arc::new(Barrier::new(50));
        let readers: Vec<_> = (0..50)
            .map(|_| {
                let (cache, calls, start) = (cache.clone(), calls.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    cache.get("s", &7, None, slow_value(&calls, 7)).map(|c| c.value)
                })
            })
            .collect();
        let values: Vec<_> = readers.into_iter().map(|r| r.join().unwrap().unwrap()).collect();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(cache.computations(), 1);
        assert!(values.iter().all(|v| Arc::ptr_eq(v, &values[0])), "all share one value");
        assert_eq!(*values[0], "value for 7");
        // Cached now: no further computation.
        let again = cache.get("s", &7, None, slow_value(&calls, 7)).unwrap();
        assert!(Arc::ptr_eq(&again.value, &values[0]));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_new_key_is_computed_again_unless_stale_values_are_allowed() {
        let cache: Arc<Flights<u32, String>> = Arc::default();
        let calls = Arc::new(AtomicU64::new(0));
        cache.get("s", &1, None, slow_value(&calls, 1)).unwrap();
        // Allowed stale and young: served as is, nothing computed.
        let v = cache
            .get("s", &2, Some(Duration::from_secs(3600)), slow_value(&calls, 2))
            .unwrap();
        assert_eq!((v.key, calls.load(Ordering::SeqCst)), (1, 1));
        // Allowed stale and old: served at once, one refresh in the background.
        let v = cache.get("s", &2, Some(Duration::ZERO), slow_value(&calls, 2)).unwrap();
        assert_eq!(v.key, 1);
        let v = cache.get("s", &2, Some(Duration::ZERO), slow_value(&calls, 2)).unwrap();
        // While the refresh runs, a reader of the same key waits for it rather than starting another.
        assert!(v.key == 1 || v.key == 2);
        let v = cache.get("s", &2, None, slow_value(&calls, 2)).unwrap();
        assert_eq!(v.key, 2);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh");
        // Not allowed stale: computed before answering.
        let v = cache.get("s", &3, None, slow_value(&calls, 3)).unwrap();
        assert_eq!((v.key, calls.load(Ordering::SeqCst)), (3, 3));
        assert!(v.computed_at <= chrono::Utc::now());
    }

    #[test]
    fn a_failed_computation_is_not_cached_and_its_waiters_get_an_answer() {
        let cache: Arc<Flights<u32, String>> = Arc::default();
        let failed = cache.get("s", &1, None, || Err::<(u32, String), _>("database gone".to_owned()));
        assert_eq!(failed.unwrap_err(), "database gone");
        let calls = Arc::new(AtomicU64::new(0));
        let v = cache.get("s", &1, None, slow_value(&calls, 1)).unwrap();
        assert_eq!(*v.value, "value for 1");
    }
}
