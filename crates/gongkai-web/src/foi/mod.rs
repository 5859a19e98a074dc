//! 依申请公开 in the browser: a unit's register of requests (the office reads
//! every unit's), one request with its clock, what happened, the letters
//! and the 复议/诉讼 cases; the annual report with its tables and exports;
//! the office's wording of the letters. For the public: the application
//! form and the status query by receipt number, rate-limited by address.
//!
//! May use: the shared pieces; `gongkai_app::foi`.

pub mod pages;
pub mod public;

use crate::routes::{Group, Routes};

pub fn routes(routes: Routes) -> Routes {
    let evidence = routes.evidence_request_bytes();
    routes
        .get(Group::Pages, "/requests", pages::register)
        .get(Group::Pages, "/requests/new", pages::new_request)
        .post(Group::Pages, "/requests", pages::create)
        .get(Group::Pages, "/requests/{id}", pages::request)
        .post(Group::Pages, "/requests/{id}/events", pages::record)
        .post(Group::Pages, "/requests/{id}/events/{event}/remove", pages::remove_event)
        .post(Group::Pages, "/requests/{id}/edit", pages::edit)
        .post(Group::Pages, "/requests/{id}/letters", pages::make_letter)
        .upload(Group::Pages, "/requests/{id}/attachments", pages::attach, evidence)
        .get(Group::Pages, "/requests/{id}/documents/{document}", pages::document)
        .post(Group::Pages, "/requests/{id}/cases", pages::add_case)
        .post(Group::Pages, "/requests/{id}/cases/{case}", pages::close_case)
        .get(Group::Pages, "/foi-report", pages::report)
        .post(Group::Pages, "/foi-report", pages::save_report)
        .get(Group::Pages, "/foi-report/export", pages::export_report)
        .get(Group::Pages, "/letter-templates", pages::letter_templates)
        .post(Group::Pages, "/letter-templates/{code}", pages::save_letter_template)
        .get(Group::Public, "/public/apply", public::form)
        .post(Group::Public, "/public/apply", public::apply)
        .get(Group::Public, "/public/apply/status", public::status)
        .get(Group::Api, "/api/v1/foi-report", pages::report_api)
}
