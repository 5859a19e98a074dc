//! gongkai's web side: pages in Simplified Chinese and the JSON API under
//! `/api/v1`. One folder per area — `<area>/pages.rs` (forms, GET renders and
//! POST answers 303), `<area>/api.rs` (JSON), `<area>/mod.rs` (what both
//! share and the area's routes) — and `templates/<area>/` beside them. The
//! use-cases and permission rules are `gongkai_app`'s; what is here reads
//! requests and renders answers.
//!
//! The shared pieces: `router.rs` (the table assembled from the areas'
//! routes), `state.rs` (the app plus templates and page caches), `auth.rs`
//! (who is asking), `error.rs` (one error type; JSON for the API group),
//! `page.rs` (the page frame). Areas depend on these, never the reverse, and
//! not on each other except through `ledger` (the 台账's query and the
//! checks of its fields), `reports` (finding an obligation the user may
//! see) and `calendar` (an ICS feed, for the public pages); each area's
//! `mod.rs` says what it uses.
//!
//! May depend on: `gongkai-app`, `gongkai-store`, `gongkai-domain`, `gongkai-io`.

mod account;
mod assessment;
mod audit;
pub mod auth;
mod calendar;
mod catalogues;
mod directory;
mod documents;
pub mod error;
mod foi;
mod import;
mod inspection;
pub mod ledger;
mod page;
mod plans;
mod public;
mod reports;
pub mod router;
pub mod routes;
pub mod state;
mod supervision;

pub use gongkai_app::{files, secrets};
pub use router::{router, serve};
pub use state::AppState;
