//! Every test file is compiled. With `autotests = false` (Cargo.toml) cargo builds only `tests/it/main.rs`, so
//! a test file that is not declared there, or that is put directly under `tests/`, would never be built and
//! its tests would silently never run.

use std::path::Path;

#[test]
fn every_test_file_is_a_module_of_the_one_test_binary() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(tests.join("it/main.rs")).expect("tests/it/main.rs");
    let declared = |name: &str| main.lines().any(|l| l.trim() == format!("mod {name};"));

    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&tests).expect("tests/") {
        let path = entry.expect("tests/ entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            problems.push(format!(
                "{}: move it to tests/it and declare it in main.rs",
                path.display()
            ));
        }
    }
    for entry in std::fs::read_dir(tests.join("it")).expect("tests/it") {
        let path = entry.expect("tests/it entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let is_module = if path.is_dir() {
            path.join("mod.rs").is_file()
        } else {
            path.extension().is_some_and(|e| e == "rs") && name != "main"
        };
        if is_module && !declared(&name) {
            problems.push(format!(
                "{}: not declared in tests/it/main.rs (`mod {name};`)",
                path.display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "test files that would never run:\n{}",
        problems.join("\n")
    );
}
