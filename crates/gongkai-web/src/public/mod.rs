//! The public pages (no sign-in): each programme's progress by plan item and
//! unit, the published addresses, the plan text and a calendar of its due
//! dates, with nothing internal unless a reviewer made a report's text public.
//!
//! May use: the shared pieces, `ledger` and `calendar` (the ICS of a plan);
//! `gongkai_app::dashboard`.

pub mod pages;

use crate::routes::{Group, Routes};

pub fn routes(routes: Routes) -> Routes {
    routes.get(Group::Public, "/public", pages::index).get(Group::Public, "/public/plans/{id}", pages::progress).get(
        Group::Public,
        "/public/calendars/{file}",
        pages::calendar,
    )
}
