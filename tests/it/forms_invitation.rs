//! Invitation-only surveys (`invitation_only: true`): only people with a valid invitation link may answer.

use crate::common::{backend_tests, test_config, Backend, TestDb, TestServer};
use crate::forms_support::{import_open, Respondent};

const PANEL: &str = r#"
slug: panel
title: {ru: "Панель", en: "Panel"}
topic: economy
languages: [ru, en]
invitation_only: true
pages:
  - id: p1
    questions:
      - id: q1
        type: single_choice
        text: {ru: "Вопрос", en: "Question"}
        required: true
        options:
          - {code: a, label: {ru: "А", en: "A"}}
          - {code: b, label: {ru: "Б", en: "B"}}
"#;

fn only_invited_respondents_can_answer(backend: Backend) {
    let db = TestDb::new(&backend);
    let server = TestServer::start(test_config(&db));
    let store = import_open(&db, PANEL);
    let survey = store.find_survey("panel").unwrap();
    let token = opros::form::tokens::new_token();
    store
        .add_invitations(&survey.id, &[opros::form::tokens::key_hash(&token)])
        .unwrap();

    // Without an invitation: a clear 403 page, no form, nothing stored.
    let mut stranger = Respondent::new(&server, "panel");
    assert_eq!(stranger.open("?lang=en"), 403);
    assert!(stranger.html.contains("invitation"), "{}", stranger.html);
    let counts = store.response_counts(&survey.id).unwrap();
    assert!(counts.is_empty(), "{counts:?}");

    // With one: the form, and a complete response.
    let mut invited = Respondent::new(&server, "panel");
    assert_eq!(invited.open(&format!("?t={token}&lang=en")), 200);
    assert!(invited.html.contains("name=\"q1\""), "{}", invited.html);
    assert_eq!(invited.send(&[("q1", "a")]), 200);
    assert!(invited.html.contains("Thank you"), "{}", invited.html);
    let counts = store.response_counts(&survey.id).unwrap();
    assert_eq!(counts, vec![("complete".to_owned(), 1)]);
}
backend_tests!(only_invited_respondents_can_answer);
