//! gongkai's domain: the deadline language, the working-day calendar, units
//! and the groups a 责任单位 cell names, plans, tasks and the obligation
//! ledger, the states an obligation or a report goes through (`status.rs`),
//! supervision's rules, 考核's scoring, the audit chain's signatures and the
//! limits on text people type, and what a catalogue's 公开时限 cell means. No IO: bytes and databases live in
//! `gongkai-io` and `gongkai-store`.
//!
//! May depend on: no crate of ours; chrono, serde, toml (rules people
//! edit), unicode-normalization (NFKC of catalogue cells), hmac and sha2 (signatures), thiserror.

pub mod calendar;
pub mod deadline;
pub mod numerals;

pub use deadline::DeadlineText;
pub mod annual_report;
pub mod audit;
pub mod catalogue;
pub mod foi;
pub mod input;
pub mod inspection;
pub mod people;
pub mod plan;
pub mod responsible;
pub mod scoring;
pub mod secret;
pub mod status;
pub mod supervision;
pub mod timelimit;
pub mod units;
