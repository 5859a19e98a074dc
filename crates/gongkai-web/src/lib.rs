//! gongkai's web side: pages in Simplified Chinese and the JSON API under
//! `/api/v1`, sharing one set of permission checks (`auth.rs`).

mod account;
mod api;
mod assessment;
pub mod auth;
mod calendar;
pub mod dashboard;
mod directory;
pub mod documents;
pub mod error;
mod import;
pub mod ledger;
mod pages;
mod public;
mod reports;
pub mod router;
pub mod state;
mod supervision;

pub use gongkai_app::{files, secrets};
pub use router::{router, serve};
pub use state::AppState;
