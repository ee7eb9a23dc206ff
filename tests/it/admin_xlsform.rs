//! The workbench takes XLSForms as uploads, like `opros survey import FILE.xlsx`.

use crate::admin_support::{add_user, location, Staff};
use crate::common::{test_config, Backend, TestDb, TestServer};
use opros::auth::Role;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/xlsform/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn xlsform_upload_is_converted_previewed_or_refused_with_every_row() {
    let db = TestDb::new(&Backend::Sqlite);
    let server = TestServer::start(test_config(&db));
    add_user(&db, "socio", Role::Sociologist);
    let s = Staff::login(&server, "socio");

    let r = s.upload_bytes("/admin/surveys/new", "file", "types.xlsx", &fixture("types.xlsx"));
    assert_eq!(r.status().as_u16(), 303, "a valid XLSForm goes to its preview");
    let preview = s.get(&location(&r));
    assert_eq!(preview.status().as_u16(), 200);
    let page = preview.text().unwrap();
    assert!(
        page.contains("Транспорт и город") && page.contains("Добро пожаловать"),
        "{page}"
    );

    let r = s.upload_bytes(
        "/admin/surveys/new",
        "file",
        "unsupported.xlsx",
        &fixture("unsupported.xlsx"),
    );
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().unwrap();
    assert!(page.contains("sheet survey, row"), "{page}");
    assert!(
        page.matches("<li>").count() >= 10,
        "every unsupported row is listed: {page}"
    );
}
