//! axe-core (from the npm registry: `npm ci` in tests/browser/) injected into the page under test.

use serde_json::Value;

use super::driver::{report, within, Browser};

const AXE_JS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/axe-core/axe.min.js"
);

/// Runs axe on the current page; prints every violation and fails on serious or critical ones.
pub async fn check(b: &Browser, page: &str) {
    let source = std::fs::read_to_string(AXE_JS).unwrap_or_else(|e| panic!("{AXE_JS}: {e} (npm ci in tests/browser)"));
    b.js(&source, vec![]).await;
    let result = within(
        &format!("axe on {page}"),
        b.c.execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']})
               .then(r => done({version: axe.version, violations: r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))}))
               .catch(e => done({error: String(e)}));",
            vec![],
        ),
    )
    .await;
    if let Some(err) = result.get("error") {
        panic!("axe on {page} failed: {err}");
    }
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    let serious: Vec<&Value> = violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    report(&format!(
        "axe {} on {page} ({}): {} violation(s), {} serious or critical",
        result["version"].as_str().unwrap_or("?"),
        b.options.viewport.name(),
        violations.len(),
        serious.len()
    ));
    for v in &violations {
        report(&format!(
            "  {} [{}] {} at {}",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or(""),
            v["nodes"]
        ));
    }
    assert!(
        serious.is_empty(),
        "axe: serious or critical violations on {page}: {serious:#?}"
    );
}
