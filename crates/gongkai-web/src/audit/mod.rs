//! 审计日志: who did what and when, filtered, with the chain's state — for the
//! office and the administrator.
//!
//! May use: the shared pieces and `ledger` (its checks of a form's fields);
//! the store's audit log.

pub mod api;
pub mod pages;

use crate::routes::{Group, Routes};

pub fn routes(routes: Routes) -> Routes {
    routes.get(Group::Pages, "/audit", pages::audit_log).get(Group::Api, "/api/v1/audit", api::audit)
}
