//! The integration tests, compiled as one binary (`cargo test --test it`): each module below was a test
//! crate of its own, and each linked the whole library; one binary links it once and runs every module's
//! tests in one process, in parallel.
//!
//! Shared helpers are declared once here. Paths: fixtures in `tests/fixtures`, reference values in
//! `tests/reference`, insta snapshots in `tests/it/snapshots`, proptest regressions in
//! `tests/proptest-regressions/<module>.txt`, axe-core (npm) in `tests/browser`.
//!
//! Run one module with `cargo test --test it forms::` (a module path is a test-name filter).

// Shared helpers.
mod admin_support;
mod coding_support;
mod common;
mod forms_support;
mod results_support;

mod access_matrix;
mod admin;
mod admin_model;
mod admin_xlsform;
mod auth;
mod balance_reference;
mod browser;
mod browser_calendar;
mod browser_pages;
mod cli;
mod coding;
mod coding_other;
mod coding_pages;
mod coding_sav;
mod coding_trends;
mod constant_sum;
mod definition;
mod design_reference;
mod domain_reference;
mod durability;
mod errors;
mod export_files;
mod export_stream;
mod forms;
mod forms_csv;
mod forms_invitation;
mod forms_js;
mod forms_props;
mod forms_random;
mod forms_snapshots;
mod fuzz_parsers;
mod hostile;
mod indicators;
mod indices_pages;
mod indices_reference;
mod model_reference;
mod model_trim_reference;
mod multi_instance;
mod outage;
mod outage_pg;
mod quality;
mod readme;
mod report_reference;
mod results_channel;
mod results_filter;
mod results_pages;
mod results_snapshots;
mod server;
mod shutdown;
mod site_pages;
mod stats_properties;
mod stats_reference;
mod store;
mod summary_codes;
mod suppression;
mod test_files;
mod tidy;
mod weight_file;
mod weighting_properties;
mod weighting_reference;
mod xlsform;
mod xlsform_pyxform;
