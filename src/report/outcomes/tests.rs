//! Outcomes against counts made by hand.

use super::*;
use crate::definition::parse_definition;

const DEF: &str = r#"slug: o
title: {en: "Outcomes"}
topic: test
languages: [en]
invitation_only: true
quotas:
  - {id: sex, question: sex, limit: 10}
  - {id: old, when: "age >= 60", limit: 4}
pages:
  - id: a
    questions:
      - id: sex
        type: single_choice
        text: {en: "Sex"}
        options:
          - {code: m, label: {en: "Male"}}
          - {code: f, label: {en: "Female"}}
      - id: age
        type: number
        text: {en: "Age"}
"#;

fn rows(spec: &[(&str, &str, usize)]) -> Vec<OutcomeRow> {
    spec.iter()
        .flat_map(|(state, channel, n)| {
            std::iter::repeat_n(
                OutcomeRow {
                    state: (*state).to_owned(),
                    channel: (*channel).to_owned(),
                },
                *n,
            )
        })
        .collect()
}

#[test]
fn dispositions_rates_and_quota_fill_match_hand_counts() {
    let def = parse_definition(DEF, "o.yaml").expect("definition");
    // vk: 30 opened, 12 complete, 5 partial, 2 screened out → 11 refused on the first page.
    // telegram: 10 opened, 6 complete, 1 partial → 3 refused.
    // other: 0 opened (imported), 2 complete → 0 refused (never below 0).
    let r = rows(&[
        (COMPLETE, "vk", 12),
        (PARTIAL, "vk", 5),
        (SCREENED_OUT, "vk", 2),
        (COMPLETE, "telegram", 6),
        (PARTIAL, "telegram", 1),
        (COMPLETE, "other", 2),
    ]);
    let opens = vec![("telegram".to_owned(), 10), ("vk".to_owned(), 30)];
    let taken = vec![("sex=m".to_owned(), 9), ("sex=f".to_owned(), 6), ("old".to_owned(), 4)];
    let o = compute(&def, &r, &opens, Some(50), 1, &taken);
    assert_eq!(
        o.totals,
        Counts {
            opened: 40,
            refused: 14,
            partial: 6,
            complete: 20,
            screened_out: 2
        }
    );
    let vk = o.channels.iter().find(|c| c.channel == "vk").expect("vk");
    assert_eq!((vk.counts.refused, vk.counts.complete), (11, 12));
    let other = o.channels.iter().find(|c| c.channel == "other").expect("other");
    assert_eq!((other.counts.opened, other.counts.refused), (0, 0));
    // Completion 20 / 26, break-off 6 / 26.
    assert_eq!(o.completion_rate, Some(20.0 / 26.0));
    assert_eq!(o.breakoff_rate, Some(6.0 / 26.0));
    // 50 invited, 2 not eligible (quota full) → base 48; I = 20 − 1 excluded = 19; P = 6.
    assert_eq!(o.rr1, Some(19.0 / 48.0));
    assert_eq!(o.rr2, Some(25.0 / 48.0));
    // Quota cells: sex=m 9/10 (near full), sex=f 6/10, old 4/4 (full).
    let fill: Vec<(&str, u64, u64, Option<f64>, bool)> = o
        .quotas
        .iter()
        .map(|q| (q.key.as_str(), q.limit, q.completes, q.fill, q.near_full))
        .collect();
    assert_eq!(
        fill,
        vec![
            ("sex=m", 10, 9, Some(0.9), true),
            ("sex=f", 10, 6, Some(0.6), false),
            ("old", 4, 4, Some(1.0), true),
        ]
    );
}

#[test]
fn rates_without_a_base_are_absent() {
    let def = parse_definition(DEF, "o.yaml").expect("definition");
    // A public survey: no invitations, so no RR1/RR2, whatever the counts.
    let o = compute(&def, &rows(&[(COMPLETE, "vk", 3)]), &[], None, 0, &[]);
    assert_eq!((o.rr1, o.rr2), (None, None));
    assert_eq!(o.completion_rate, Some(1.0));
    // Nothing yet: no rate at all; every quota cell empty.
    let o = compute(&def, &[], &[], Some(0), 0, &[]);
    assert_eq!(
        (o.completion_rate, o.breakoff_rate, o.rr1, o.rr2),
        (None, None, None, None)
    );
    assert!(o.quotas.iter().all(|q| q.completes == 0 && !q.near_full));
    // Everyone invited was screened out: the base is empty.
    let o = compute(&def, &rows(&[(SCREENED_OUT, "other", 5)]), &[], Some(5), 0, &[]);
    assert_eq!((o.rr1, o.rr2), (None, None));
}
