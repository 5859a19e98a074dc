//! Downloads of the papers offices file: the 台账 workbook, a unit's 自查报告
//! and the office's 通报 (assembled and laid out by `gongkai_app::documents`).
//!
//! May use: the shared pieces and `ledger`; `gongkai_app::documents` and
//! `assessment`.

pub mod pages;

use crate::routes::{Group, Routes};

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/exports/ledger.xlsx", pages::ledger_download)
        .get(Group::Pages, "/exports/self-inspection", pages::self_inspection_download)
        .get(Group::Pages, "/exports/bulletin", pages::bulletin_download)
}
