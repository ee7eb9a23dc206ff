//! The coding workbench's service on SQLite and PostgreSQL: coding answers, bulk rules found by word stems,
//! blind second coding and disagreements, codebook versions that may not drop codes in use, masked quotes,
//! the audit trail, and the coded question in the loaded summary ("coded N of M").

use opros::catalog::coding::{self, CodingError};
use opros::catalog::DefinitionCache;
use opros::coding::{AssignError, Masked, Stems};
use opros::report::{self, ReportOptions, SummaryInput};
use opros::store::audit::{self, AuditFilter};
use opros::store::Store;

use crate::coding_support::{seed, SLUG};
use crate::common::{backend_tests, Backend, TestDb};

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| (*c).to_owned()).collect()
}

fn placeholder(m: Masked) -> String {
    format!("[{m:?}]")
}

fn coding_round_trip(backend: Backend) {
    let db = TestDb::new(&backend);
    let store = Store::open(&db.url).expect("open");
    let ids = seed(&store);
    let cache = DefinitionCache::default();
    let stems = Stems::default();
    let open = || coding::open(&store, &cache, SLUG, "why").expect("bench");

    let bench = open();
    assert_eq!(
        bench.answers.len(),
        8,
        "the response without an open answer is not listed"
    );
    assert_eq!(bench.progress().coded, 0);

    // One answer, two codes; a code the codebook lacks is refused with its name.
    bench
        .code(&store, &ids[4], &codes(&["roads", "bus"]), false, "anna")
        .expect("code");
    let err = bench
        .code(&store, &ids[0], &codes(&["parks"]), false, "anna")
        .expect_err("unknown code");
    assert!(matches!(err, CodingError::Assign(AssignError::Unknown(ref c)) if c == "parks"));

    // Bulk rule by word stem: "дорога" finds дороги, дорогу, дороге.
    let bench = open();
    let found: Vec<&str> = bench
        .search(&stems, "дорога")
        .expect("search")
        .iter()
        .map(|a| a.response_id.as_str())
        .collect();
    assert_eq!(found, vec![ids[0].as_str(), ids[3].as_str(), ids[4].as_str()]);
    let changed = bench
        .apply_to_matching(&store, &stems, "дорога", "roads", "anna")
        .expect("bulk");
    assert_eq!(changed, 2, "the answer that already had the code is unchanged");
    let n = open()
        .apply_to_matching(&store, &stems, "мусор", "trash", "anna")
        .expect("bulk");
    assert_eq!(n, 2);
    assert!(matches!(open().search(&stems, " ,. "), Err(CodingError::EmptySearch)));

    // Second coder, blind; the first coder may not code the second round.
    let bench = open();
    assert!(matches!(
        bench.code(&store, &ids[4], &codes(&["roads"]), true, "anna"),
        Err(CodingError::SameCoder)
    ));
    bench
        .code(&store, &ids[4], &codes(&["roads"]), true, "boris")
        .expect("second");
    bench
        .code(&store, &ids[0], &codes(&["roads"]), true, "boris")
        .expect("second");
    let bench = open();
    let dis: Vec<&str> = bench.disagreements().iter().map(|a| a.response_id.as_str()).collect();
    assert_eq!(dis, vec![ids[4].as_str()]);
    let agreement = bench.agreement();
    assert_eq!((agreement.answers, agreement.disagreements), (2, 1));
    bench
        .resolve(&store, &ids[4], &codes(&["roads"]), "vera")
        .expect("resolve");
    assert!(open().disagreements().is_empty());
    assert_eq!(
        open().agreement().disagreements,
        1,
        "agreement is on what the coders coded, not the resolution"
    );

    // The codebook: a version dropping a code in use is refused with the count; retiring it is fine.
    let bench = open();
    let drop = "codes: [{code: roads, label: {ru: Дороги}}, {code: bus, label: {ru: Транспорт}}]";
    match bench.save_codebook(&store, drop, "vera") {
        Err(CodingError::DropsCodesInUse(m)) => assert!(m.contains("trash (2)"), "{m}"),
        other => panic!("dropping a used code was not refused: {:?}", other.map(|_| ())),
    }
    let dup = "codes: [{code: roads, label: {ru: Д}}, {code: roads, label: {ru: Д}}]";
    assert!(
        matches!(bench.save_codebook(&store, dup, "vera"), Err(CodingError::BadCodebook(m)) if m.contains("listed twice"))
    );
    let retire = "codes: [{code: roads, label: {ru: Дороги}}, {code: bus, label: {ru: Транспорт}}, {code: trash, label: {ru: Мусор}, retired: true}, {code: parks, label: {ru: Парки}}]";
    assert_eq!(bench.save_codebook(&store, retire, "vera").expect("version"), 1);
    let bench = open();
    assert_eq!(bench.codebook_version, Some(1));
    assert!(matches!(
        bench.code(&store, &ids[1], &codes(&["trash"]), false, "anna"),
        Err(CodingError::Assign(AssignError::Retired(_)))
    ));
    bench
        .code(&store, &ids[1], &codes(&["bus"]), false, "anna")
        .expect("code");
    bench
        .code(&store, &ids[5], &[], false, "anna")
        .expect("coded as fitting no code");

    // Quotes are stored masked.
    let masked = bench
        .publish_quote(&store, &ids[2], "trash", placeholder, "vera")
        .expect("quote");
    assert_eq!(masked, "Мусор не вывозят, звоните [Number]");
    let masked = bench
        .publish_quote(&store, &ids[7], "bus", placeholder, "vera")
        .expect("quote");
    assert_eq!(masked, "автобусы грязные, пишите [Email]");
    let survey = store.find_survey(SLUG).expect("survey");
    let quotes = store.quotes(&survey.id, Some("why")).expect("quotes");
    assert_eq!(quotes.len(), 2);
    assert!(quotes
        .iter()
        .all(|q| !q.masked.contains("912") && !q.masked.contains('@')));
    assert!(bench.withdraw_quote(&store, &ids[7], "vera").expect("withdraw"));

    // Who did what.
    let log = audit::list(
        &store,
        &AuditFilter {
            survey_slug: Some(SLUG.into()),
            ..AuditFilter::default()
        },
    )
    .expect("audit");
    for action in [
        "coding.code",
        "coding.bulk",
        "coding.code_second",
        "coding.resolve",
        "coding.codebook",
        "coding.quote",
        "coding.unquote",
    ] {
        assert!(log.iter().any(|e| e.action == action), "no audit entry {action}");
    }

    // The summary: coded 7 of 8 answers (r07 is uncoded), shares of the codes among the coded.
    let progress = open().progress();
    assert_eq!((progress.total, progress.coded), (8, 7));
    let loaded = report::load(&store, &cache, SLUG).expect("load");
    let s = report::summarize(
        &SummaryInput {
            definition: &loaded.version.definition,
            population: None,
            answers: &loaded.answers,
            language: "ru",
        },
        &ReportOptions::default(),
    )
    .expect("summary");
    let q = s.questions.iter().find(|q| q.id == "why").expect("why");
    let count = q.coding.as_ref().expect("coding counts");
    assert_eq!((count.answered, count.coded), (8, 7));
    assert_eq!(q.estimates.base_n, Some(7));
    let share = |code: &str| {
        q.estimates
            .options
            .iter()
            .find(|o| o.code == code)
            .and_then(|o| o.share)
    };
    // roads: r00, r03, r04 → 3 of 7; bus: r01 (r04's bus was resolved away); trash is retired, still counted.
    assert_eq!(
        q.estimates.options.iter().map(|o| o.code.as_str()).collect::<Vec<_>>(),
        vec!["roads", "bus", "trash", "parks"]
    );
    assert!((share("roads").unwrap_or(0.0) - 3.0 / 7.0).abs() < 1e-12);
    assert!((share("bus").unwrap_or(0.0) - 1.0 / 7.0).abs() < 1e-12);

    // The microdata export ends with one 0/1 column per code (empty: not coded).
    let data = opros::export::load(&store, &cache, SLUG).expect("export");
    let mut out = Vec::new();
    opros::export::microdata_csv(&data, &mut out).expect("csv");
    let text = String::from_utf8(out).expect("utf-8");
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    // The codes of the codebook in use (the stored version): parks too, and retired trash.
    assert!(
        header.ends_with("why__roads,why__bus,why__trash,why__parks"),
        "{header}"
    );
    let row = |id: &str| text.lines().find(|l| l.starts_with(id)).unwrap_or_default().to_owned();
    assert!(row(&ids[0]).ends_with(",1,0,0,0"), "{}", row(&ids[0]));
    assert!(row(&ids[2]).ends_with(",0,0,1,0"), "{}", row(&ids[2]));
    assert!(row(&ids[7]).ends_with(",,,,"), "uncoded: {}", row(&ids[7]));
}
backend_tests!(coding_round_trip);
