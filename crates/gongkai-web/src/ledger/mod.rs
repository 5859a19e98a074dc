//! 工作台 and 单位台账 / 我的任务: the dashboard, and the 台账's filters and
//! sorting as a page's query or the API's, checked field by field; the rows
//! themselves are `gongkai_app::ledger`.
//!
//! May use: the shared pieces; `gongkai_app::ledger` and `dashboard`.

pub mod api;
pub mod chart;
pub mod pages;
pub mod view;

use crate::error::{AppError, AppResult};
use crate::routes::{Group, Routes};
use chrono::NaiveDate;
use gongkai_store::{Light, ObligationFilter, Order, TaskId, TaskRow, User};
use serde::{Deserialize, Serialize};

pub use gongkai_app::ledger::{Row, SOON_DAYS, row};
use gongkai_domain::status::ObligationStatus;

/// Rows on one page of the 台账; the API's default page is the same size.
pub const PAGE_ROWS: usize = 1000;

/// What a list may be narrowed to and sorted by; every field is optional.
/// Dates are text so that an empty form field means "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LedgerQuery {
    #[serde(default)]
    pub unit: Option<String>,
    /// pending, submitted, signed, accepted, returned.
    #[serde(default)]
    pub status: Option<String>,
    /// red, yellow, green, done, late.
    #[serde(default)]
    pub light: Option<String>,
    /// A task's id.
    #[serde(default)]
    pub task: Option<String>,
    /// A plan item: "（十三）".
    #[serde(default)]
    pub item: Option<String>,
    /// Due on or after.
    #[serde(default)]
    pub from: Option<String>,
    /// Due on or before.
    #[serde(default)]
    pub to: Option<String>,
    /// due (default), unit, task, status, light.
    #[serde(default)]
    pub sort: Option<String>,
    /// "1" sorts descending.
    #[serde(default)]
    pub desc: Option<String>,
    /// Page of [`PAGE_ROWS`] rows, from 1.
    #[serde(default)]
    pub page: Option<String>,
    /// Words to find in the task, the unit, the milestone or a report.
    #[serde(default)]
    pub q: Option<String>,
    /// Rows grouped under their unit ("unit") or their task ("task").
    #[serde(default)]
    pub group: Option<String>,
    /// "1": the list laid out for print (A4 landscape).
    #[serde(default)]
    pub print: Option<String>,
}

pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// An optional date field: empty is none, anything else must be YYYY-MM-DD
/// in the years a programme can have (2000–2100).
pub fn date(value: &Option<String>, what: &str) -> AppResult<Option<NaiveDate>> {
    Ok(gongkai_app::optional_date(value.as_deref().unwrap_or_default(), what)?)
}

impl LedgerQuery {
    /// The unit to read from the store: a unit's staff are held to their own,
    /// whatever they ask for; `Err` means they asked for another unit's.
    pub fn unit_for(&self, user: &User) -> AppResult<Result<Option<String>, ()>> {
        let scope = crate::auth::unit_scope(user)?;
        Ok(match (scope, given(&self.unit)) {
            (Some(own), Some(asked)) if asked != own => Err(()),
            (Some(own), _) => Ok(Some(own)),
            (None, asked) => Ok(asked.map(String::from)),
        })
    }

    /// The unit typed into the filter, as the directory names it: a short
    /// name or alias ("温泉镇") finds its unit; one it does not know stays as
    /// typed and finds nothing.
    pub async fn resolve_unit(&mut self, state: &crate::state::AppState) -> AppResult<()> {
        if let Some(typed) = given(&self.unit)
            && let Some(unit) = state.directory().await?.find(typed)
        {
            self.unit = Some(unit.name.clone());
        }
        Ok(())
    }

    /// The page asked for: 1 when not given.
    pub fn page_number(&self) -> AppResult<i64> {
        match given(&self.page) {
            None => Ok(1),
            Some(p) => p
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| AppError::bad_request(format!("页码“{p}”无效：应为 1 起的整数"))),
        }
    }

    /// The tasks [`LedgerQuery::filter`] needs: read only to turn a plan
    /// item into its tasks, so a list without one costs no read of them.
    pub async fn tasks_needed(&self, state: &crate::state::AppState) -> AppResult<std::sync::Arc<Vec<TaskRow>>> {
        match given(&self.item) {
            Some(_) => state.tasks().await,
            None => Ok(std::sync::Arc::default()),
        }
    }

    /// The store filter for this query, checked: every field that is given
    /// must make sense, or the answer names it. Plan items become the ids of
    /// the tasks that carry them.
    pub fn filter(&self, tasks: &[TaskRow], today: NaiveDate) -> AppResult<ObligationFilter> {
        let due_from = date(&self.from, "起始日期")?;
        let due_to = date(&self.to, "截止日期")?;
        let task_id = given(&self.task)
            .map(|t| t.parse::<TaskId>().map_err(|_| AppError::bad_request(format!("任务编号“{t}”不是数字"))))
            .transpose()?;
        let status = given(&self.status)
            .map(|s| {
                ObligationStatus::parse(s).ok_or_else(|| {
                    AppError::bad_request(format!("状态“{s}”无效：可选 pending、submitted、signed、accepted、returned"))
                })
            })
            .transpose()?;
        let light = given(&self.light)
            .map(|l| {
                Light::parse(l).ok_or_else(|| {
                    AppError::bad_request(format!("提示灯“{l}”无效：可选 red、yellow、green、done、late"))
                })
            })
            .transpose()?;
        let task_ids = given(&self.item)
            .map(|item| tasks.iter().filter(|t| t.items.iter().any(|x| x == item)).map(|t| t.id).collect());
        // Grouped rows come in their groups' order, due first within each.
        let sort = match given(&self.group) {
            None => given(&self.sort),
            Some("unit") => Some("unit"),
            Some("task") => Some("task"),
            Some(other) => {
                return Err(AppError::bad_request(format!("分组“{other}”无效：可选 unit（按单位）、task（按任务）")));
            }
        };
        let order = match sort.unwrap_or("due") {
            "due" => Order::Due,
            "unit" => Order::Unit,
            "task" => Order::Task,
            "status" => Order::Status,
            "light" => Order::Light,
            other => {
                return Err(AppError::bad_request(format!("排序“{other}”无效：可选 due、unit、task、status、light")));
            }
        };
        Ok(ObligationFilter {
            due_from,
            due_to,
            task_id,
            task_ids,
            status,
            light,
            as_of: Some(today),
            order,
            desc: given(&self.desc) == Some("1") && given(&self.group).is_none(),
            search: given(&self.q).map(|q| gongkai_domain::input::TITLE.clean(q)).transpose()?,
            ..Default::default()
        })
    }

    /// This query as a URL query string with one field changed, for links
    /// (sort headers, filters on a dashboard).
    pub fn with(&self, field: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, current) in [
            ("unit", &self.unit),
            ("status", &self.status),
            ("light", &self.light),
            ("task", &self.task),
            ("item", &self.item),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
            ("desc", &self.desc),
            ("q", &self.q),
            ("group", &self.group),
            ("print", &self.print),
            ("page", &self.page),
        ] {
            // Any other change starts again at the first page.
            if name == "page" && field != "page" {
                continue;
            }
            let value = if name == field { Some(value) } else { given(current) };
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                pairs.push((name, value.to_string()));
            }
        }
        let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
        format!("?{}", encoded.join("&"))
    }
}

pub use gongkai_app::ledger::percent_encode;

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/", pages::home)
        .get(Group::Pages, "/my", pages::my_obligations)
        .get(Group::Pages, "/badges", pages::badges)
        .get(Group::Api, "/api/v1/obligations", api::obligations)
        .get(Group::Api, "/api/v1/obligations/{id}", api::obligation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_other_filters_and_encode_chinese() {
        let query = LedgerQuery { unit: Some("温泉镇".into()), light: Some("red".into()), ..Default::default() };
        assert_eq!(query.with("sort", "unit"), "?unit=%E6%B8%A9%E6%B3%89%E9%95%87&light=red&sort=unit");
        assert_eq!(query.with("light", ""), "?unit=%E6%B8%A9%E6%B3%89%E9%95%87");
    }

    #[test]
    fn bad_filters_are_named() {
        let today = NaiveDate::from_ymd_opt(2020, 12, 10).unwrap();
        let bad = LedgerQuery { from: Some("12/01/2020".into()), ..Default::default() };
        assert!(bad.filter(&[], today).unwrap_err().message.contains("12/01/2020"));
        let bad = LedgerQuery { sort: Some("colour".into()), ..Default::default() };
        assert!(bad.filter(&[], today).unwrap_err().message.contains("colour"));
    }
}
