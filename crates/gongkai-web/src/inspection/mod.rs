//! 网上巡查 in the browser: the office starts a run and reads what it found
//! and what changed since the last (the 巡查通报 as .docx or PDF); a unit
//! reads its findings and says what it fixed; the office dismisses one with
//! its reason. For scripts: the runs, starting one, the findings.
//!
//! May use: the shared pieces; `gongkai_app::inspection`.

pub mod api;
pub mod pages;

use crate::routes::{Group, Routes};

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/inspections", pages::runs)
        .post(Group::Pages, "/inspections", pages::start)
        .get(Group::Pages, "/inspections/{id}", pages::run)
        .get(Group::Pages, "/inspections/{id}/report", pages::report)
        .get(Group::Pages, "/findings", pages::findings)
        .get(Group::Pages, "/findings/{id}", pages::finding)
        .post(Group::Pages, "/findings/{id}/answer", pages::answer)
        .post(Group::Pages, "/findings/{id}/dismiss", pages::dismiss)
        .post(Group::Pages, "/findings/{id}/escalate", pages::escalate)
        .get(Group::Api, "/api/v1/inspections", api::runs)
        .post(Group::Api, "/api/v1/inspections", api::start)
        .get(Group::Api, "/api/v1/findings", api::findings)
}
