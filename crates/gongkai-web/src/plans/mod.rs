//! 任务清单: the lists as written beside how each cell was understood, one
//! task with every unit's obligations, and each plan's settings (sign-off,
//! reminder lead times, 督办 working days).
//!
//! May use: the shared pieces and `ledger`; the store's plans and tasks.

pub mod api;
pub mod pages;

use crate::routes::{Group, Routes};

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/tasks", pages::tasks)
        .get(Group::Pages, "/tasks/{id}", pages::task)
        .post(Group::Pages, "/plans/{id}/settings", pages::plan_settings)
        .get(Group::Api, "/api/v1/plans", api::plans)
        .post(Group::Api, "/api/v1/plans/{id}", api::plan_settings)
        .get(Group::Api, "/api/v1/tasks", api::tasks)
        .get(Group::Api, "/api/v1/tasks/{id}", api::task)
}
