//! Finds what the browser tests (`tests/it/browser.rs`) need, so that a machine without it reports them as
//! ignored ("needs …") instead of failing or, worse, passing without running:
//! - `cfg(opros_browser)`: a Chromium and its chromedriver (`chromium`, `chromium-driver` on Debian), found on
//!   `PATH` or given by `OPROS_CHROMIUM` / `OPROS_CHROMEDRIVER`; their paths reach the tests as the compile-time
//!   variables of the same names;
//! - `cfg(opros_axe)`: axe-core installed by `npm ci` in `tests/browser/`.
//!
//! Integration tests cannot skip at run time, hence a build-time check. The rerun rules watch only the files
//! found (or, while something is missing, the places it would appear), so an ordinary `cargo test` does not
//! run this script, or rebuild the library, again.

use std::env;
use std::path::{Path, PathBuf};

const AXE: &str = "tests/browser/node_modules/axe-core/axe.min.js";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(opros_browser)");
    println!("cargo:rustc-check-cfg=cfg(opros_axe)");

    let chromium = executable("OPROS_CHROMIUM", &["chromium", "chromium-browser"]);
    let driver = executable("OPROS_CHROMEDRIVER", &["chromedriver"]);
    if let (Some(chromium), Some(driver)) = (chromium, driver) {
        println!("cargo:rustc-cfg=opros_browser");
        println!("cargo:rustc-env=OPROS_CHROMIUM={}", chromium.display());
        println!("cargo:rustc-env=OPROS_CHROMEDRIVER={}", driver.display());
    }

    if Path::new(AXE).is_file() {
        println!("cargo:rerun-if-changed={AXE}");
        println!("cargo:rustc-cfg=opros_axe");
    } else {
        // `npm ci` creates node_modules here, which changes this directory.
        println!("cargo:rerun-if-changed=tests/browser");
    }
}

/// The executable named by `var`, else the first of `names` on `PATH`; prints the rerun rules either way.
fn executable(var: &str, names: &[&str]) -> Option<PathBuf> {
    println!("cargo:rerun-if-env-changed={var}");
    if let Some(p) = env::var_os(var).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        println!("cargo:rerun-if-changed={}", p.display());
        return p.is_file().then_some(p);
    }
    let dirs: Vec<PathBuf> = env::var_os("PATH")
        .map(|p| env::split_paths(&p).collect())
        .unwrap_or_default();
    let found = names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| is_executable(p));
    match &found {
        Some(p) => println!("cargo:rerun-if-changed={}", p.display()),
        // Not installed: installing it adds a file to one of these directories.
        None => dirs
            .iter()
            .filter(|d| d.is_dir())
            .for_each(|d| println!("cargo:rerun-if-changed={}", d.display())),
    }
    found
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}
