//! What the dashboards count, counted by the database: a row per unit and
//! per task instead of a province's two million obligations, and the
//! versions that tell a cache when the counts it holds are stale.

use crate::read;
use crate::{PlanId, Store, StoreResult, TaskId, UnitId, on_pool};
use chrono::NaiveDate;
use gongkai_domain::status::Light;

/// Versions of the ledger's parts, bumped by database triggers in the same
/// transaction as every change (see migration 0010).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Versions {
    /// Obligations, their reports and reviews.
    pub obligations: i64,
    /// Plans, tasks and milestones.
    pub plans: i64,
    /// The unit directory.
    pub units: i64,
}

/// What waits for a unit (its 我的任务's 待办).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct UnitTodo {
    pub overdue: i64,
    pub due_soon: i64,
    pub returned: i64,
    /// Reports waiting for the unit head's sign-off.
    pub to_sign: i64,
}

/// One unit's active obligations counted as of a day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitTally {
    pub unit_id: UnitId,
    pub total: i64,
    /// Accepted.
    pub done: i64,
    /// Accepted after the due date.
    pub done_late: i64,
    /// A report waits for sign-off or review.
    pub awaiting: i64,
    pub returned: i64,
    /// Not accepted and past the due date.
    pub overdue: i64,
    /// The earliest due date among those.
    pub earliest_overdue: Option<NaiveDate>,
    /// Not accepted, due from the day to `soon` (inclusive).
    pub due_soon: i64,
    /// Not accepted, due from the day to `month` (inclusive).
    pub due_month: i64,
}

/// One task's active obligations: accepted, and all.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskTally {
    pub task_id: TaskId,
    pub done: i64,
    pub total: i64,
}

impl Store {
    pub async fn versions(&self) -> StoreResult<Versions> {
        const SQL: &str = "SELECT topic, version FROM ledger_versions";
        let rows: Vec<(String, i64)> = match &self.readers {
            Some(readers) => readers.read_now(|c| read::rows(c, SQL, &[], |r| Ok((r.get(0)?, r.get(1)?)))).await?,
            None => on_pool!(self, pool => sqlx::query_as(SQL).fetch_all(pool).await?),
        };
        let mut versions = Versions::default();
        for (topic, version) in rows {
            match topic.as_str() {
                "obligations" => versions.obligations = version,
                "plans" => versions.plans = version,
                "units" => versions.units = version,
                _ => {}
            }
        }
        Ok(versions)
    }

    /// Every unit's active obligations of one plan, or of all, counted by
    /// the database as of `today` (a province's two million in one pass).
    pub async fn unit_tallies(
        &self,
        plan_id: Option<PlanId>,
        today: NaiveDate,
        soon: NaiveDate,
        month: NaiveDate,
    ) -> StoreResult<Vec<UnitTally>> {
        let in_plan = if plan_id.is_some() { "AND task_id IN (SELECT id FROM tasks WHERE plan_id = $4)" } else { "" };
        // The lights as the domain's table states them ($1 today, $2 the
        // end of the soon window); the month is the same window, 30 days on.
        let light = |light: Light| light.sql("", "$1", "$2");
        let (done, red, yellow) = (light(Light::Done), light(Light::Red), light(Light::Yellow));
        let this_month = Light::Yellow.sql("", "$1", "$3");
        let sql = format!(
            "SELECT unit_id, COUNT(*) AS total,
                    SUM(CASE WHEN {done} THEN 1 ELSE 0 END) AS done,
                    SUM(CASE WHEN {done} AND done_on > due_date THEN 1 ELSE 0 END) AS done_late,
                    SUM(CASE WHEN status IN ('submitted', 'signed') THEN 1 ELSE 0 END) AS awaiting,
                    SUM(CASE WHEN status = 'returned' THEN 1 ELSE 0 END) AS returned,
                    SUM(CASE WHEN {red} THEN 1 ELSE 0 END) AS overdue,
                    MIN(CASE WHEN {red} THEN due_date END) AS earliest_overdue,
                    SUM(CASE WHEN {yellow} THEN 1 ELSE 0 END) AS due_soon,
                    SUM(CASE WHEN {this_month} THEN 1 ELSE 0 END) AS due_month
             FROM obligations WHERE active = TRUE {in_plan} GROUP BY unit_id"
        );
        Ok(on_pool!(self, pool => {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(today).bind(soon).bind(month);
            match plan_id {
                Some(id) => query.bind(id).fetch_all(pool).await?,
                None => query.fetch_all(pool).await?,
            }
        }))
    }

    /// A `SELECT COUNT(*) …` without parameters, read on the calling thread
    /// (a page's count beside its list).
    pub(crate) async fn count(&self, sql: &'static str) -> StoreResult<i64> {
        Ok(match &self.readers {
            Some(readers) => readers.read_now(|c| read::rows(c, sql, &[], |r| r.get(0))).await?.pop().unwrap_or(0),
            None => on_pool!(self, pool => sqlx::query_as::<_, (i64,)>(sql).fetch_one(pool).await?.0),
        })
    }

    /// One unit's 待办 as of `today`: overdue, due within the soon window,
    /// returned to it, and reports waiting for its head's sign-off.
    pub async fn unit_todo(&self, unit: &str, today: NaiveDate, soon: NaiveDate) -> StoreResult<UnitTodo> {
        let light = |light: Light| light.sql("o.", "$2", "$3");
        let (red, yellow) = (light(Light::Red), light(Light::Yellow));
        let sql = format!(
            "SELECT COALESCE(SUM(CASE WHEN {red} THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN {yellow} THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN o.status = 'returned' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN o.status = 'submitted' AND p.head_signoff THEN 1 ELSE 0 END), 0)
             FROM obligations o JOIN units u ON u.id = o.unit_id JOIN tasks t ON t.id = o.task_id
             JOIN plans p ON p.id = t.plan_id
             WHERE u.name = $1 AND o.active = TRUE"
        );
        let counts: (i64, i64, i64, i64) = match &self.readers {
            Some(readers) => {
                let args = [read::Arg::Text(unit.to_string()), read::Arg::Date(today), read::Arg::Date(soon)];
                let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
                readers.read_now(|c| read::rows(c, &sql, &args, row)).await?.pop().unwrap_or_default()
            }
            None => on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(unit).bind(today).bind(soon).fetch_one(pool).await?
            }),
        };
        let (overdue, due_soon, returned, to_sign) = counts;
        Ok(UnitTodo { overdue, due_soon, returned, to_sign })
    }

    /// Every task's active obligations of one plan, or of all: accepted, and all.
    pub async fn task_tallies(&self, plan_id: Option<PlanId>) -> StoreResult<Vec<TaskTally>> {
        let in_plan = if plan_id.is_some() { "AND task_id IN (SELECT id FROM tasks WHERE plan_id = $1)" } else { "" };
        let sql = format!(
            "SELECT task_id, SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS done, COUNT(*) AS total
             FROM obligations WHERE active = TRUE {in_plan} GROUP BY task_id"
        );
        Ok(on_pool!(self, pool => {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            match plan_id {
                Some(id) => query.bind(id).fetch_all(pool).await?,
                None => query.fetch_all(pool).await?,
            }
        }))
    }

    /// Unit names by id.
    pub async fn unit_names(&self) -> StoreResult<std::collections::HashMap<UnitId, String>> {
        let rows: Vec<(UnitId, String)> =
            on_pool!(self, pool => sqlx::query_as("SELECT id, name FROM units").fetch_all(pool).await?);
        Ok(rows.into_iter().collect())
    }
}
