//! A survey with a coded open question and some stored answers, for the coding tests.

use chrono::NaiveDateTime;
use opros::catalog;
use opros::definition::{Answer, Answers};
use opros::store::{ResponseRow, Store};

pub const SLUG: &str = "coding";

pub const YAML: &str = r#"slug: coding
title: {ru: "Жалобы", en: "Complaints"}
topic: housing
languages: [ru, en]
pages:
  - id: p
    questions:
      - {id: sex, type: single_choice, text: {ru: Пол, en: Sex}, options: [{code: m, label: {ru: М, en: M}}, {code: f, label: {ru: Ж, en: F}}]}
      - id: why
        type: text
        text: {ru: "Что мешает жить?", en: "What is wrong?"}
        codebook:
          second_coding: 0.5
          codes:
            - {code: roads, label: {ru: Дороги, en: Roads}}
            - {code: bus, label: {ru: Транспорт, en: Transport}}
            - {code: trash, label: {ru: Мусор, en: Rubbish}}
report:
  publish: all
  min_cell: 1
"#;

pub const TEXTS: [&str; 8] = [
    "Дороги разбиты, ямы везде",
    "Автобус ходит редко",
    "Мусор не вывозят, звоните +7 912 345-67-89",
    "Дорогу во дворе не чинят",
    "Ямы на дороге и автобусы опаздывают",
    "Всё хорошо",
    "Контейнеры для мусора переполнены",
    "автобусы грязные, пишите ivan@почта.рф",
];

/// Imports the survey and stores one complete response per text (and one without an open answer).
pub fn seed(store: &Store) -> Vec<String> {
    seed_survey(store, YAML, "r")
}

/// [`seed`] with another definition (e.g. another wave: another slug), response ids starting with `prefix`.
pub fn seed_survey(store: &Store, yaml: &str, prefix: &str) -> Vec<String> {
    let p = catalog::prepare_source(yaml, "coding.yaml", None, None).expect("definition");
    let imported = catalog::store_prepared(store, &p).expect("import");
    let at = NaiveDateTime::parse_from_str("2026-06-01 12:00:00", "%Y-%m-%d %H:%M:%S").expect("date");
    let mut ids = Vec::new();
    let rows: Vec<(ResponseRow, Vec<String>)> = TEXTS
        .iter()
        .map(Some)
        .chain([None])
        .enumerate()
        .map(|(i, text)| {
            let mut a = Answers::new();
            let sex = if i % 2 == 0 { "m" } else { "f" };
            a.insert(
                "sex".into(),
                Answer::Choice {
                    code: sex.into(),
                    other_text: None,
                },
            );
            if let Some(t) = text {
                a.insert("why".into(), Answer::Text((*t).to_owned()));
            }
            let id = format!("{prefix}{i:02}");
            ids.push(id.clone());
            let row = ResponseRow {
                id,
                survey_id: imported.survey_id.clone(),
                version: imported.version,
                respondent_key: format!("{prefix}k{i}"),
                state: "complete".into(),
                language: "ru".into(),
                page_reached: 1,
                answers: serde_json::to_string(&a).expect("json"),
                meta: "{}".into(),
                started_at: at,
                updated_at: at,
                submitted_at: Some(at + chrono::Duration::seconds(i as i64)),
                duration_seconds: None,
                codes: None,
            };
            (row, Vec::new())
        })
        .collect();
    store.import_responses(&rows).expect("insert");
    ids
}
