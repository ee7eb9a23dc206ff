//! Rendered form pages, one snapshot per page of the test survey (together every question type) in
//! Russian and English, plus a page with errors, so that markup changes are reviewed
//! (`cargo insta review`, or INSTA_UPDATE=always to accept).

use opros::definition::{parse_definition, Answers};
use opros::form::parse::parse_page;
use opros::form::random::draw;
use opros::form::view::{page_view, PageInput};
use opros::form::{Fields, Flow};

const FORMTEST: &str = include_str!("../fixtures/formtest.yaml");

fn render(page: usize, lang: &str, submitted: Option<&Fields>) -> String {
    let def = parse_definition(FORMTEST, "formtest.yaml").unwrap();
    let orders = draw(&def, "00000000-0000-4000-8000-000000000042");
    let flow = Flow::new(&def, &orders);
    let mut answers = Answers::new();
    // Men see every page.
    answers.insert("sex".into(), opros::definition::Answer::choice("m"));
    let errors = match submitted {
        Some(f) => parse_page(&def, page, &Answers::new(), f).errors,
        None => Vec::new(),
    };
    let answers = if submitted.is_some() { Answers::new() } else { answers };
    let view = page_view(&PageInput {
        def: &def,
        slug: "formtest",
        lang,
        page,
        orders: &orders,
        answers: &answers,
        submitted,
        errors: &errors,
        progress: flow.progress(page, &answers),
        is_last: page + 1 == def.pages.len(),
        can_go_back: page > 0,
        csrf: "CSRF-TOKEN",
        shown: "SHOWN-TOKEN",
        resume_url: "/s/formtest?r=RESUME",
    });
    opros::web::pages::render("form", &view)
}

#[test]
fn every_question_type_renders_in_both_languages() {
    for lang in ["ru", "en"] {
        for page in 0..4 {
            let html = render(page, lang, None);
            assert!(!html.contains("could not be rendered"), "{html}");
            insta::assert_snapshot!(format!("form_{lang}_page{}", page + 1), html);
        }
    }
}

#[test]
fn a_page_with_errors_renders_the_summary_and_keeps_input() {
    for lang in ["ru", "en"] {
        let fields = Fields::from_pairs([
            ("age", "12"),
            ("pets", "cat"),
            ("pets", "dog"),
            ("pets", "fish"),
            ("cat_name", "<script>"),
        ]);
        let html = render(0, lang, Some(&fields));
        assert!(html.contains("error-summary"));
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>alert"));
        insta::assert_snapshot!(format!("form_{lang}_errors"), html);
    }
}
