//! Layering rules checked on the source text, because the compiler cannot: all SQL lives in `store`.
//! Outside `src/store`, no file names diesel or the schema; policy modules (`auth`, `catalog`) and the
//! HTTP and command-line edges call store functions instead.

use std::path::{Path, PathBuf};

/// What only `store` may write.
const STORE_ONLY: &[&str] = &["diesel::", "#[diesel(", "schema::"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/…` with forward slashes.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn sql_lives_only_in_store() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in &files {
        let rel = relative(root, path);
        if rel.starts_with("src/store/") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
        for (i, line) in text.lines().enumerate() {
            if STORE_ONLY.iter().any(|p| line.contains(p)) {
                found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "diesel and the schema belong in src/store; move these into a store function:\n{}",
        found.join("\n")
    );
}

/// A `#[path]` attribute loads a file under another module name; `store::x` is `store/x.rs`.
#[test]
fn no_module_is_loaded_under_another_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let renamed: Vec<String> = files
        .iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.trim_start().starts_with("#[path"))))
        .map(|p| relative(root, p))
        .collect();
    assert!(renamed.is_empty(), "modules loaded under another name: {renamed:?}");
}

/// Files of `src/web` that may build JSON with `json!`: the JSON API handlers (their bodies are contracts
/// made of report types and small envelopes), not pages.
const JSON_API: &[&str] = &["src/web/public.rs", "src/web/error.rs"];

/// Pages draw typed `Serialize` views (`src/web/views`), whose field names the strict templates check; a
/// page built from `json!` would let a misspelt field through to the template unseen by the compiler.
#[test]
fn pages_are_drawn_from_typed_views() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/web"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in &files {
        let rel = relative(root, path);
        if JSON_API.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
        // Test fixtures below a file's test module may write JSON by hand.
        let code = text.lines().take_while(|l| l.trim() != "#[cfg(test)]");
        for (i, line) in code.enumerate() {
            if line.contains("json!(") {
                found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "pages are drawn from typed view structs, not json!; make these a #[derive(Serialize)] struct:\n{}",
        found.join("\n")
    );
}
