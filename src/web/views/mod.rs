//! The typed views of pages: what each template draws, as `Serialize` structs whose field names are the
//! names the templates use (handlebars runs in strict mode, so a missing field fails the page tests).

pub mod across;
pub mod admin;
pub mod coding;
pub mod indicators;
pub mod methodology;
pub mod monitor;
pub mod notices;
pub mod preview;
pub mod quality;
pub mod results;
pub mod staff;
