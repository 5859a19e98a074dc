//! The papers offices file: the 台账 workbook, a unit's 自查报告 (edited,
//! signed and reported in the browser) and the office's 通报 (assembled and
//! laid out by `gongkai_app::documents` and `self_inspection`).
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
        .get(Group::Pages, "/self-inspection", pages::self_inspection_page)
        .post(Group::Pages, "/self-inspection", pages::save_self_inspection)
        .post(Group::Pages, "/self-inspection/sign", pages::sign_self_inspection)
        .post(Group::Pages, "/self-inspection/submit", pages::submit_self_inspection)
}
