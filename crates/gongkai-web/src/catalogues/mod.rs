//! 标准目录 in the browser: a unit drafts its catalogue for an area (from
//! its county's file or another unit's), submits it; the office returns,
//! accepts, records the 区政府's approval and publishes; the area's
//! department sees its area's catalogues and may return one; under each
//! published item the unit records what it published. The public reads the
//! published catalogues, each item linking to its column.
//!
//! May use: the shared pieces; `gongkai_app::catalogues`.

pub mod api;
pub mod pages;

use crate::routes::{Group, Routes};

/// An upload: a catalogue file at most, and the form around it.
pub const MAX_REQUEST_BYTES: usize = gongkai_io::limits::MAX_LIST_BYTES + 64 * 1024;

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/catalogues", pages::list)
        .upload(Group::Pages, "/catalogues/import", pages::import, MAX_REQUEST_BYTES)
        .post(Group::Pages, "/catalogues/copy", pages::copy)
        .get(Group::Pages, "/catalogues/{id}", pages::show)
        .post(Group::Pages, "/catalogues/{id}/act", pages::act)
        .get(Group::Pages, "/catalogues/{id}/records.xlsx", pages::records_template)
        .upload(Group::Pages, "/catalogues/{id}/records", pages::records_upload, MAX_REQUEST_BYTES)
        .post(Group::Pages, "/catalogue-items/{id}/rule", pages::rule)
        .post(Group::Pages, "/catalogue-items/{id}/url", pages::url)
        .post(Group::Pages, "/catalogue-items/{id}/records", pages::record)
        .get(Group::Pages, "/exports/catalogues", pages::export)
        .get(Group::Pages, "/exports/catalogue-template.xlsx", pages::template)
        .get(Group::Api, "/api/v1/catalogues", api::list)
        .get(Group::Api, "/api/v1/catalogues/{id}", api::show)
        .post(Group::Api, "/api/v1/catalogue-items/{id}/records", api::record)
        .get(Group::Public, "/public/catalogues", pages::public_list)
        .get(Group::Public, "/public/catalogues/{id}", pages::public_show)
}
