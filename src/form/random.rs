//! Per-respondent randomization: the order of options, matrix rows and ranking items (`randomize`), of the
//! questions of a page (`randomize_questions`) and of the pages of each `page_blocks` set.
//!
//! Every order is a uniformly random permutation (Fisher–Yates) drawn from a generator seeded with
//! SHA-256(response id ‖ scope), so it is stable for one respondent across pages, reloads and app instances
//! without storing anything first; the realized orders are also stored in the response's `meta` (key
//! `order`) so analysts can study order effects. Anchored options keep their positions; the free options
//! are permuted among the remaining positions.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::definition::{AnswerOption, Definition};

/// The realized orders for one respondent. Only randomized items are listed; everything else keeps the
/// definition order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Orders {
    /// Page ids in the order shown (always complete).
    pub pages: Vec<String>,
    /// Page id → question ids, for pages with `randomize_questions`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub questions: BTreeMap<String, Vec<String>>,
    /// Question id → option / row codes, for questions with `randomize`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, Vec<String>>,
}

fn rng(response_id: &str, scope: &str) -> StdRng {
    let mut h = Sha256::new();
    h.update(response_id.as_bytes());
    h.update([0u8]);
    h.update(scope.as_bytes());
    StdRng::from_seed(h.finalize().into())
}

/// Shuffles the non-anchored items among their own positions; anchored items stay where they are.
pub fn shuffle_anchored<T: Clone>(items: &[T], anchored: impl Fn(&T) -> bool, rng: &mut StdRng) -> Vec<T> {
    let free_pos: Vec<usize> = (0..items.len()).filter(|i| !anchored(&items[*i])).collect();
    let mut free: Vec<T> = free_pos.iter().map(|i| items[*i].clone()).collect();
    free.shuffle(rng);
    let mut out = items.to_vec();
    for (pos, item) in free_pos.into_iter().zip(free) {
        out[pos] = item;
    }
    out
}

fn option_codes(options: &[AnswerOption], scope: &str, response_id: &str) -> Vec<String> {
    let shuffled = shuffle_anchored(options, |o| o.anchored, &mut rng(response_id, scope));
    shuffled.into_iter().map(|o| o.code).collect()
}

/// Draws every order a respondent will see.
pub fn draw(def: &Definition, response_id: &str) -> Orders {
    let mut pages: Vec<String> = def.pages.iter().map(|p| p.id.clone()).collect();
    for (b, block) in def.page_blocks.iter().enumerate() {
        let positions: Vec<usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, id)| block.contains(id))
            .map(|(i, _)| i)
            .collect();
        let mut members: Vec<String> = positions.iter().map(|i| pages[*i].clone()).collect();
        members.shuffle(&mut rng(response_id, &format!("block:{b}")));
        for (pos, id) in positions.into_iter().zip(members) {
            pages[pos] = id;
        }
    }
    let mut orders = Orders {
        pages,
        ..Orders::default()
    };
    for page in &def.pages {
        if page.randomize_questions {
            let mut ids: Vec<String> = page.questions.iter().map(|q| q.id.clone()).collect();
            ids.shuffle(&mut rng(response_id, &format!("page:{}", page.id)));
            orders.questions.insert(page.id.clone(), ids);
        }
        for q in &page.questions {
            let scope = format!("q:{}", q.id);
            let codes = q
                .kind
                .as_type()
                .randomized_items()
                .map(|items| option_codes(items, &scope, response_id));
            if let Some(codes) = codes {
                orders.options.insert(q.id.clone(), codes);
            }
        }
    }
    orders
}

impl Orders {
    /// Page indices (into `def.pages`) in the order shown. Pages missing from a stored order (it cannot
    /// happen for one version) are appended so that none is lost.
    pub fn page_indices(&self, def: &Definition) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .pages
            .iter()
            .filter_map(|id| def.pages.iter().position(|p| &p.id == id))
            .collect();
        for i in 0..def.pages.len() {
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }

    /// `items` (in definition order, identified by `key`) in this respondent's order for `scope_id`
    /// (a question id for options, a page id for questions).
    pub fn arrange<'a, T>(
        order: Option<&Vec<String>>,
        items: &'a [T],
        key: impl Fn(&T) -> &str,
    ) -> Vec<(usize, &'a T)> {
        let mut out: Vec<(usize, &T)> = Vec::with_capacity(items.len());
        if let Some(order) = order {
            for code in order {
                if let Some(i) = items.iter().position(|it| key(it) == code) {
                    out.push((i, &items[i]));
                }
            }
        }
        for (i, it) in items.iter().enumerate() {
            if !out.iter().any(|(j, _)| *j == i) {
                out.push((i, it));
            }
        }
        out
    }
}
