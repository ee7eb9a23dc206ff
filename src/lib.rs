//! Opros: an online sociology survey platform.
//!
//! Data flows from survey definitions (`definition`) through web forms into the database (`store`); the
//! statistics core (`weighting`, `stats`) is pure and does no I/O; `web` and `cli` are the edges.

pub mod auth;
pub mod catalog;
pub mod chart;
pub mod cli;
pub mod coding;
pub mod config;
pub mod definition;
pub mod export;
pub mod form;
pub mod i18n;
pub mod indicator;
pub mod quality;
pub mod question;
pub mod report;
pub mod stats;
pub mod store;
pub mod territory;
pub mod web;
pub mod weight_file;
pub mod weighting;
pub mod xlsform;
