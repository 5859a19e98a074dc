//! Plans, tasks, milestones and obligations: saving an understood task list
//! (idempotently, keeping obligations that have history) and reading the
//! ledger back.

use crate::read::{self, Arg};
use crate::{BeginWrite, ObligationId, PlanId, Store, StoreError, StoreResult, TaskId, UnitId, audit, on_pool};
use chrono::{NaiveDate, Utc};
use gongkai_domain::plan::{self, TaskDraft, Understanding};
use gongkai_domain::units::Directory;
use serde::Serialize;
use std::collections::HashMap;

/// What the office says of a programme when it imports one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanHeading {
    pub title: String,
    pub region: String,
    /// 印发日期: no occurrence before it becomes an obligation.
    pub start: NaiveDate,
}

impl PlanHeading {
    pub fn new(title: impl Into<String>, region: impl Into<String>, start: NaiveDate) -> PlanHeading {
        PlanHeading { title: title.into(), region: region.into(), start }
    }
}

/// What saving a list changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub plan_id: PlanId,
    pub tasks_added: usize,
    pub tasks_updated: usize,
    pub tasks_unchanged: usize,
    pub tasks_retired: usize,
    pub obligations_added: usize,
    pub obligations_removed: usize,
    /// Obligations no longer in the list but kept because they have history.
    pub obligations_retired: usize,
    pub obligations_total: usize,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MilestoneRow {
    pub text: String,
    pub rule: String,
    pub action: Option<String>,
    pub recipient: Option<String>,
    pub channel: Option<String>,
    pub actor: Option<String>,
    pub aspirational: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskRow {
    pub id: TaskId,
    pub plan_id: PlanId,
    pub seq: i32,
    pub responsible: String,
    pub task: String,
    pub deadline: String,
    pub items: Vec<String>,
    pub units: Vec<String>,
    pub needs_confirmation: bool,
    /// Where the row was in the file it came from.
    pub source_at: String,
    pub milestones: Vec<MilestoneRow>,
    /// The number and heading the list printed with it.
    pub number: Option<String>,
    pub heading: Option<String>,
    /// `responsible` names the lead units (a 牵头 column or line).
    #[serde(skip)]
    pub lead: bool,
    /// The 配合 text as written.
    #[serde(skip)]
    pub support: String,
    /// Units that lead and report (every unit bound, where the list does not
    /// tell lead from support), and units that support (配合); full names.
    pub lead_units: Vec<String>,
    pub support_units: Vec<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ObligationRow {
    pub id: ObligationId,
    pub plan_id: PlanId,
    pub task_id: TaskId,
    pub task_seq: i32,
    pub unit: String,
    pub milestone: String,
    pub kind: String,
    pub due: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    pub status: ObligationStatus,
    /// Who the milestone reports to ("区民政局"), as the list wrote it.
    pub recipient: Option<String>,
    /// Where the result is to be published ("区政府门户网站").
    pub channel: Option<String>,
    /// The day the accepted report was made.
    pub done_on: Option<NaiveDate>,
    /// Reports of this plan need the unit head's sign-off before review.
    pub signoff: bool,
}

impl ObligationRow {
    /// A row of [`ObligationFilter::sql`]'s columns, read through rusqlite.
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<ObligationRow> {
        let status: String = row.get(10)?;
        Ok(ObligationRow {
            id: row.get(0)?,
            plan_id: row.get(1)?,
            task_id: row.get(2)?,
            task_seq: row.get(3)?,
            unit: row.get(4)?,
            milestone: row.get(5)?,
            kind: row.get(6)?,
            due: read::date(row, 7)?,
            from: read::date(row, 8)?,
            to: read::date(row, 9)?,
            status: ObligationStatus::try_from(status).map_err(|e| read::corrupt(10, e))?,
            recipient: row.get(11)?,
            channel: row.get(12)?,
            done_on: read::date(row, 13)?,
            signoff: row.get(14)?,
        })
    }
}

/// A programme as imported, with its settings.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PlanRow {
    pub id: PlanId,
    pub title: String,
    pub region: String,
    pub plan_year: i32,
    /// 印发日期: nothing is due before it.
    pub start_date: NaiveDate,
    pub head_signoff: bool,
}

pub use gongkai_domain::status::{Light, ObligationStatus, SOON_DAYS};

/// The orders a list can be read in; each ends in the due date, then id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// By due date, open-ended last, then task and unit.
    #[default]
    Due,
    Unit,
    Task,
    Status,
    /// Overdue first (longest overdue first), then due soon, later, done.
    Light,
    /// By id: for reading a long list in pages (`after_id`).
    Id,
}

#[derive(Debug, Clone, Default)]
pub struct ObligationFilter {
    /// Full name of the unit.
    pub unit: Option<String>,
    /// Only obligations due strictly before this date.
    pub due_before: Option<NaiveDate>,
    /// Due on or after.
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// One obligation only.
    pub id: Option<ObligationId>,
    /// Ids above this one (the next page of a list read in [`Order::Id`]).
    pub after_id: Option<ObligationId>,
    /// The obligations of one task.
    pub task_id: Option<TaskId>,
    /// The obligations of any of these tasks (a plan item's tasks).
    pub task_ids: Option<Vec<TaskId>>,
    pub plan_id: Option<PlanId>,
    /// Words in the task's text, the unit's name, the milestone or a report.
    pub search: Option<String>,
    /// pending, submitted, signed, accepted, returned.
    pub status: Option<ObligationStatus>,
    pub light: Option<Light>,
    /// The day lights are judged on (for `light` and [`Order::Light`]);
    /// today in China Standard Time when not given.
    pub as_of: Option<NaiveDate>,
    pub order: Order,
    /// The main key descending (ties stay in due-date order).
    pub desc: bool,
}

/// A query with a filter's arguments bound in order (on either database).
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for a in $args {
            query = match a {
                Arg::Null => query.bind(None::<String>),
                Arg::Text(text) => query.bind(text),
                Arg::Int(n) => query.bind(n),
                Arg::Date(day) => query.bind(day),
                Arg::Time(time) => query.bind(time),
            };
        }
        query
    }};
}

impl ObligationFilter {
    /// The query for this filter: only the conditions asked for, so that the
    /// planner sees them plainly and can use the partial index of open work.
    fn sql(&self, postgres: bool) -> (String, Vec<Arg>) {
        let mut args = Vec::new();
        let mut arg = |a: Arg| {
            args.push(a);
            format!("${}", args.len())
        };
        let mut conditions = vec!["o.active = TRUE".to_string()];
        if let Some(unit) = &self.unit {
            conditions.push(format!("u.name = {}", arg(Arg::Text(unit.clone()))));
        }
        if let Some(day) = self.due_before {
            conditions.push(format!("o.due_date < {}", arg(Arg::Date(day))));
        }
        if let Some(day) = self.due_from {
            conditions.push(format!("o.due_date >= {}", arg(Arg::Date(day))));
        }
        if let Some(day) = self.due_to {
            conditions.push(format!("o.due_date <= {}", arg(Arg::Date(day))));
        }
        if let Some(id) = self.id {
            conditions.push(format!("o.id = {}", arg(Arg::from(id))));
        }
        if let Some(id) = self.after_id {
            conditions.push(format!("o.id > {}", arg(Arg::from(id))));
        }
        if let Some(id) = self.task_id {
            conditions.push(format!("o.task_id = {}", arg(Arg::from(id))));
        }
        if let Some(ids) = &self.task_ids {
            // Numbers written in: nothing from outside reaches the text.
            let list: Vec<String> = ids.iter().map(TaskId::to_string).collect();
            conditions.push(if list.is_empty() {
                "1 = 0".into()
            } else {
                format!("o.task_id IN ({})", list.join(", "))
            });
        }
        if let Some(id) = self.plan_id {
            conditions.push(format!("t.plan_id = {}", arg(Arg::from(id))));
        }
        if let Some(status) = &self.status {
            conditions.push(format!("o.status = {}", arg(Arg::Text(status.as_str().to_string()))));
        }
        if let Some(words) = self.search.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            // The words as typed: % and _ match themselves.
            let escaped = words.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let like = arg(Arg::Text(format!("%{escaped}%")));
            conditions.push(format!(
                "(t.task_text LIKE {like} ESCAPE '\\' OR u.name LIKE {like} ESCAPE '\\' OR m.text LIKE {like} ESCAPE '\\'
                  OR EXISTS (SELECT 1 FROM submissions s WHERE s.obligation_id = o.id AND s.text LIKE {like} ESCAPE '\\'))"
            ));
        }
        let today = self.as_of.unwrap_or_else(gongkai_domain::calendar::china_today);
        let soon = today + chrono::Duration::days(SOON_DAYS);
        if let Some(light) = self.light {
            let (today, soon) = (arg(Arg::Date(today)), arg(Arg::Date(soon)));
            conditions.push(light.sql("o.", &today, &soon));
        }
        let dir = if self.desc { "DESC" } else { "ASC" };
        // Unit names compare by their bytes on both databases.
        let name = if postgres { "u.name COLLATE \"C\"" } else { "u.name" };
        // The open-work index holds this order: with a due date certain (the
        // light or a date bound says so) a page is read from it in order.
        let dated = self.due_before.is_some()
            || self.due_from.is_some()
            || self.due_to.is_some()
            || matches!(self.light, Some(Light::Red | Light::Yellow));
        let by_due = if dated {
            "o.due_date, o.task_seq, o.milestone_idx, o.unit_id, o.id"
        } else {
            "o.due_date IS NULL, o.due_date, o.task_seq, o.milestone_idx, o.unit_id, o.id"
        };
        let order = match self.order {
            Order::Due if self.desc => {
                "o.due_date IS NULL DESC, o.due_date DESC, o.task_seq, o.milestone_idx, o.unit_id, o.id".into()
            }
            Order::Due => by_due.to_string(),
            Order::Unit => format!("{name} {dir}, {by_due}"),
            Order::Task => format!("o.task_seq {dir}, {by_due}"),
            Order::Id => format!("o.id {dir}"),
            Order::Status => format!("o.status {dir}, {by_due}"),
            Order::Light => {
                let (today, soon) = (arg(Arg::Date(today)), arg(Arg::Date(soon)));
                format!("{} {dir}, {by_due}", Light::sql_rank("o.", &today, &soon))
            }
        };
        // Numbers written into the text, not bound: SQLite re-plans a
        // statement whose LIMIT parameter is bound again, and PostgreSQL,
        // not knowing the limit, judges its reusable plan too dear to use
        // and plans every request anew (1.4 ms each, measured). Both cost
        // more than the read itself.
        let (limit, offset) = (self.limit.unwrap_or(i64::MAX), self.offset.unwrap_or(0));
        let sql = format!(
            "SELECT o.id, t.plan_id, o.task_id, t.seq AS task_seq, u.name AS unit, m.text AS milestone, o.kind,
                    o.due_date AS due, o.from_date AS \"from\", o.to_date AS \"to\", o.status, m.recipient,
                    m.channel, o.done_on, p.head_signoff AS signoff
             FROM obligations o
             JOIN tasks t ON t.id = o.task_id
             JOIN plans p ON p.id = t.plan_id
             JOIN units u ON u.id = o.unit_id
             JOIN milestones m ON m.task_id = o.task_id AND m.idx = o.milestone_idx
             WHERE {}
             ORDER BY {order}
             LIMIT {limit} OFFSET {offset}",
            conditions.join(" AND ")
        );
        (sql, args)
    }
}

#[derive(sqlx::FromRow)]
struct TaskRecord {
    id: TaskId,
    plan_id: PlanId,
    seq: i32,
    responsible: String,
    task_text: String,
    deadline_text: String,
    items: String,
    units: String,
    needs_confirmation: bool,
    #[sqlx(default)]
    source_at: String,
    #[sqlx(default)]
    number: String,
    #[sqlx(default)]
    heading: String,
    #[sqlx(default)]
    lead: bool,
    #[sqlx(default)]
    support: String,
    #[sqlx(default)]
    lead_units: String,
    #[sqlx(default)]
    support_units: String,
}

#[derive(sqlx::FromRow)]
struct MilestoneRecord {
    task_id: TaskId,
    #[sqlx(flatten)]
    row: MilestoneRow,
}

#[derive(sqlx::FromRow)]
struct ExistingObligation {
    id: ObligationId,
    milestone_idx: i32,
    unit_id: UnitId,
    slot: String,
    status: String,
    active: bool,
}

fn join(list: &[String]) -> String {
    list.join("\n")
}

fn split(text: &str) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(String::from).collect()
}

impl Store {
    /// Saves an understood list as a plan. Re-saving the same list changes
    /// nothing; a corrected list updates its tasks, adds the obligations it
    /// now implies, removes those without history that it no longer implies,
    /// and retires (keeps, inactive) those that have history. All or nothing.
    pub async fn save_plan(
        &self,
        list: &Understanding,
        heading: &PlanHeading,
        directory: &Directory,
        actor: &str,
    ) -> StoreResult<ImportReport> {
        self.save_plan_confirming(list, heading, directory, actor, None, &[]).await
    }

    /// `save_plan`, first adding (in the same transaction) the units the list
    /// names that the directory did not know: a refused import adds none.
    pub async fn save_plan_with_units(
        &self,
        list: &Understanding,
        heading: &PlanHeading,
        directory: &Directory,
        new_units: &[gongkai_domain::units::Unit],
        actor: &str,
    ) -> StoreResult<ImportReport> {
        self.save_plan_confirming(list, heading, directory, actor, None, new_units).await
    }

    /// `save_plan`, first recording (in the same transaction) the members
    /// the office confirmed for one task's group.
    async fn save_plan_confirming(
        &self,
        list: &Understanding,
        heading: &PlanHeading,
        directory: &Directory,
        actor: &str,
        confirm: Option<&Confirmation>,
        new_units: &[gongkai_domain::units::Unit],
    ) -> StoreResult<ImportReport> {
        let PlanHeading { title, region, start } = heading;
        let mut unit_ids: HashMap<String, UnitId> = on_pool!(self, pool => {
            sqlx::query_as::<_, (UnitId, String)>("SELECT id, name FROM units").fetch_all(pool).await?
        })
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
        let mut report = ImportReport::default();
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(NaiveDate,)> = sqlx::query_as("SELECT start_date FROM plans WHERE title = $1 AND plan_year = $2")
                .bind(title).bind(list.plan_year).fetch_optional(&mut *tx).await?;
            let (plan_id,): (PlanId,) = sqlx::query_as(
                "INSERT INTO plans (title, region, plan_year, start_date, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (title, plan_year) DO UPDATE SET region = excluded.region, start_date = excluded.start_date
                 RETURNING id",
            )
            .bind(title).bind(region).bind(list.plan_year).bind(start).bind(Utc::now())
            .fetch_one(&mut *tx).await?;
            report.plan_id = plan_id;
            for unit in new_units {
                // A new unit, or one the office matched a name to (its alias added).
                let (id,): (UnitId,) = sqlx::query_as(
                    "INSERT INTO units (name, aliases, kind, parent, inferred, note) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (name) DO UPDATE SET aliases = excluded.aliases RETURNING id",
                )
                .bind(&unit.name).bind(unit.aliases.join("\n")).bind(unit.kind.as_str()).bind(&unit.parent)
                .bind(unit.inferred).bind(&unit.note)
                .fetch_one(&mut *tx).await?;
                unit_ids.insert(unit.name.clone(), id);
            }
            if !new_units.is_empty() {
                let names: Vec<&str> = new_units.iter().map(|u| u.name.as_str()).collect();
                let after = serde_json::json!({ "units": names }).to_string();
                audit!(self, tx, actor, "units.create", "单位目录（导入清单时新建）", None, Some(after));
            }
            if let Some((before,)) = before.filter(|(day,)| day != start) {
                audit!(self, tx, actor, "plan.start", &format!("方案“{title}”（{}年）", list.plan_year), Some(before.to_string()), Some(start.to_string()));
            }
            if let Some(c) = confirm {
                sqlx::query(
                    "INSERT INTO confirmed_members (plan_id, task_key, units) VALUES ($1, $2, $3)
                     ON CONFLICT (plan_id, task_key) DO UPDATE SET units = excluded.units",
                )
                .bind(plan_id).bind(&c.task_key).bind(join(&c.members)).execute(&mut *tx).await?;
                audit!(self, tx, actor, "task.members", &format!("任务 {}", c.task_id), Some(c.before.clone()), Some(join(&c.members)));
            }
            let confirmed: HashMap<String, Vec<String>> = sqlx::query_as::<_, (String, String)>(
                "SELECT task_key, units FROM confirmed_members WHERE plan_id = $1",
            )
            .bind(plan_id).fetch_all(&mut *tx).await?
            .into_iter().map(|(key, units)| (key, split(&units))).collect();
            let mut kept_tasks: Vec<TaskId> = Vec::new();
            for task in &list.tasks {
                let previous: Option<TaskRecord> = sqlx::query_as(
                    "SELECT id, plan_id, seq, responsible, task_text, deadline_text, items, units, needs_confirmation FROM tasks
                     WHERE plan_id = $1 AND task_key = $2",
                )
                .bind(plan_id).bind(task_key(task)).fetch_optional(&mut *tx).await?;
                // Members the office confirmed for a "…等相关部门" group join the named ones.
                let members = confirmed.get(&task_key(task));
                let bound = match members {
                    Some(members) => task.group.bound_units(directory, members),
                    None => task.units.clone(),
                };
                let needs_confirmation = task.group.needs_confirmation() && members.is_none();
                let items = join(&task.items);
                let units = join(&bound);
                let unchanged = previous.as_ref().is_some_and(|p| {
                    p.seq == task.seq as i32 && p.responsible == task.responsible && p.deadline_text == task.deadline.text
                        && p.items == items && p.units == units
                });
                let (task_id,): (TaskId,) = sqlx::query_as(
                    "INSERT INTO tasks (plan_id, seq, task_key, responsible, task_text, deadline_text, items, units, needs_confirmation, source_at, active,
                                        number, heading, lead, support, lead_units, support_units)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11, $12, $13, $14, $15, $16)
                     ON CONFLICT (plan_id, task_key) DO UPDATE SET seq = excluded.seq, responsible = excluded.responsible,
                         task_text = excluded.task_text, deadline_text = excluded.deadline_text, items = excluded.items,
                         units = excluded.units, needs_confirmation = excluded.needs_confirmation,
                         source_at = excluded.source_at, active = TRUE, number = excluded.number, heading = excluded.heading,
                         lead = excluded.lead, support = excluded.support, lead_units = excluded.lead_units,
                         support_units = excluded.support_units
                     RETURNING id",
                )
                .bind(plan_id).bind(task.seq as i32).bind(task_key(task)).bind(&task.responsible).bind(&task.task)
                .bind(&task.deadline.text).bind(&items).bind(&units).bind(needs_confirmation)
                .bind(&task.source.at)
                .bind(task.number.clone().unwrap_or_default()).bind(task.heading.clone().unwrap_or_default())
                .bind(task.source.lead).bind(&task.source.support.text)
                // Where the list does not tell lead from support, every unit bound reports.
                .bind(if task.source.lead || !task.support_units.is_empty() { join(&task.lead_units) } else { units.clone() })
                .bind(join(&task.support_units))
                .fetch_one(&mut *tx).await?;
                kept_tasks.push(task_id);
                sqlx::query("UPDATE obligations SET task_seq = $1 WHERE task_id = $2 AND (task_seq IS NULL OR task_seq <> $1)")
                    .bind(task.seq as i32).bind(task_id).execute(&mut *tx).await?;
                match (&previous, unchanged) {
                    (None, _) => report.tasks_added += 1,
                    (Some(_), true) => report.tasks_unchanged += 1,
                    (Some(_), false) => report.tasks_updated += 1,
                }

                sqlx::query("DELETE FROM milestones WHERE task_id = $1").bind(task_id).execute(&mut *tx).await?;
                for (idx, m) in task.deadline.milestones.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO milestones (task_id, idx, text, rule, action, recipient, channel, actor, aspirational)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(task_id).bind(idx as i32).bind(&m.text).bind(&m.rule).bind(m.action).bind(&m.recipient)
                    .bind(&m.channel).bind(&m.actor).bind(m.aspirational)
                    .execute(&mut *tx).await?;
                }

                let existing: Vec<ExistingObligation> = sqlx::query_as(
                    "SELECT id, milestone_idx, unit_id, slot, status, active FROM obligations WHERE task_id = $1",
                )
                .bind(task_id).fetch_all(&mut *tx).await?;
                let mut wanted: HashMap<(i32, UnitId, String), plan::NewObligation> = HashMap::new();
                for new in plan::obligations(task, directory, &bound, *start) {
                    let unit_id = *unit_ids
                        .get(&new.unit)
                        .ok_or_else(|| StoreError::NotFound(format!("单位“{}”（请先导入单位目录）", new.unit)))?;
                    wanted.insert((new.milestone as i32, unit_id, new.slot()), new);
                }
                for old in &existing {
                    let key = (old.milestone_idx, old.unit_id, old.slot.clone());
                    if wanted.remove(&key).is_some() {
                        if !old.active {
                            sqlx::query("UPDATE obligations SET active = TRUE WHERE id = $1").bind(old.id).execute(&mut *tx).await?;
                        }
                        continue;
                    }
                    if old.status == "pending" {
                        sqlx::query("DELETE FROM obligations WHERE id = $1").bind(old.id).execute(&mut *tx).await?;
                        report.obligations_removed += 1;
                    } else if old.active {
                        sqlx::query("UPDATE obligations SET active = FALSE WHERE id = $1").bind(old.id).execute(&mut *tx).await?;
                        report.obligations_retired += 1;
                    }
                }
                let mut fresh: Vec<_> = wanted.into_iter().collect();
                fresh.sort_by(|a, b| a.0.cmp(&b.0));
                for ((milestone_idx, unit_id, slot), new) in fresh {
                    sqlx::query(
                        "INSERT INTO obligations (task_id, milestone_idx, unit_id, kind, slot, due_date, from_date, to_date, task_seq)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(task_id).bind(milestone_idx).bind(unit_id).bind(new.kind.as_str()).bind(slot)
                    .bind(new.due).bind(new.from).bind(new.to).bind(task.seq as i32)
                    .execute(&mut *tx).await?;
                    report.obligations_added += 1;
                }
            }
            // Tasks no longer in the list: pending work goes, work with history stays, inactive.
            let stale: Vec<(TaskId,)> = sqlx::query_as("SELECT id FROM tasks WHERE plan_id = $1 AND active = TRUE").bind(plan_id).fetch_all(&mut *tx).await?;
            for (task_id,) in stale.into_iter().filter(|(id,)| !kept_tasks.contains(id)) {
                let removed = sqlx::query("DELETE FROM obligations WHERE task_id = $1 AND status = 'pending'").bind(task_id).execute(&mut *tx).await?;
                report.obligations_removed += removed.rows_affected() as usize;
                let retired = sqlx::query("UPDATE obligations SET active = FALSE WHERE task_id = $1 AND active = TRUE").bind(task_id).execute(&mut *tx).await?;
                report.obligations_retired += retired.rows_affected() as usize;
                sqlx::query("UPDATE tasks SET active = FALSE WHERE id = $1").bind(task_id).execute(&mut *tx).await?;
                report.tasks_retired += 1;
            }
            let (total,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM obligations o JOIN tasks t ON t.id = o.task_id WHERE t.plan_id = $1 AND o.active = TRUE",
            )
            .bind(plan_id).fetch_one(&mut *tx).await?;
            report.obligations_total = total as usize;
            let changed = report.tasks_added + report.tasks_updated + report.tasks_retired > 0;
            if changed {
                let after = serde_json::to_string(&report).unwrap_or_default();
                audit!(self, tx, actor, "plan.import", &format!("方案“{title}”（{}年）", list.plan_year), None, Some(after));
            }
            tx.commit().await?;
        });
        Ok(report)
    }

    /// The column roles remembered for a header ("序号|工作任务|…"), as
    /// `--map` writes them.
    pub async fn column_map(&self, signature: &str) -> StoreResult<Option<String>> {
        let found: Option<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT map FROM column_maps WHERE signature = $1").bind(signature).fetch_optional(pool).await?
        });
        Ok(found.map(|(map,)| map))
    }

    /// Remembers the column roles the office chose for a header.
    pub async fn remember_column_map(&self, signature: &str, map: &str, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO column_maps (signature, map, updated_by, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (signature) DO UPDATE SET map = excluded.map, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(signature).bind(map).bind(actor).bind(Utc::now())
            .execute(&mut *tx).await?;
            let after = serde_json::json!({ "header": signature, "map": map }).to_string();
            audit!(self, tx, actor, "import.mapping", "清单列的识别", None, Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The active tasks of every plan, in list order, with their milestones.
    pub async fn tasks(&self) -> StoreResult<Vec<TaskRow>> {
        let (records, milestones): (Vec<TaskRecord>, Vec<MilestoneRecord>) = on_pool!(self, pool => {
            let records = sqlx::query_as(
                "SELECT t.id, t.plan_id, t.seq, t.responsible, t.task_text, t.deadline_text, t.items, t.units, t.needs_confirmation,
                        t.source_at, t.number, t.heading, t.lead, t.support, t.lead_units, t.support_units
                 FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.active = TRUE ORDER BY p.id, t.seq",
            ).fetch_all(pool).await?;
            let milestones = sqlx::query_as(
                "SELECT m.task_id, m.text, m.rule, m.action, m.recipient, m.channel, m.actor, m.aspirational
                 FROM milestones m JOIN tasks t ON t.id = m.task_id WHERE t.active = TRUE ORDER BY m.task_id, m.idx",
            ).fetch_all(pool).await?;
            (records, milestones)
        });
        let mut by_task: HashMap<TaskId, Vec<MilestoneRow>> = HashMap::new();
        for m in milestones {
            by_task.entry(m.task_id).or_default().push(m.row);
        }
        Ok(records
            .into_iter()
            .map(|r| TaskRow {
                id: r.id,
                plan_id: r.plan_id,
                seq: r.seq,
                responsible: r.responsible,
                task: r.task_text,
                deadline: r.deadline_text,
                items: split(&r.items),
                units: split(&r.units),
                needs_confirmation: r.needs_confirmation,
                source_at: r.source_at,
                milestones: by_task.remove(&r.id).unwrap_or_default(),
                number: Some(r.number).filter(|n| !n.is_empty()),
                heading: Some(r.heading).filter(|h| !h.is_empty()),
                lead: r.lead,
                support: r.support,
                lead_units: split(&r.lead_units),
                support_units: split(&r.support_units),
            })
            .collect())
    }

    /// Active obligations matching `filter`, in its order (by default by due
    /// date, open-ended ones last, then task and unit).
    pub async fn obligations(&self, filter: &ObligationFilter) -> StoreResult<Vec<ObligationRow>> {
        let (sql, args) = filter.sql(self.backend() == crate::Backend::Postgres);
        if let Some(readers) = &self.readers {
            return readers.read(move |c| read::rows(c, &sql, &args, ObligationRow::read)).await;
        }
        let rows = on_pool!(self, pool => {
            bind_args!(sqlx::query_as::<_, ObligationRow>(sqlx::AssertSqlSafe(sql)), args).fetch_all(pool).await?
        });
        Ok(rows)
    }
}

impl Store {
    /// How many obligations the filter selects (its order, limit and offset aside).
    pub async fn obligation_count(&self, filter: &ObligationFilter) -> StoreResult<i64> {
        let plain = ObligationFilter { order: Order::Id, desc: false, limit: None, offset: None, ..filter.clone() };
        let (sql, args) = plain.sql(self.backend() == crate::Backend::Postgres);
        let from = sql.find("FROM obligations o").unwrap_or(0);
        let to = sql.find("ORDER BY").unwrap_or(sql.len());
        let sql = format!("SELECT COUNT(*) {}", &sql[from..to]);
        if let Some(readers) = &self.readers {
            let counted = readers.read(move |c| read::rows(c, &sql, &args, |r| r.get::<_, i64>(0))).await?;
            return Ok(counted.first().copied().unwrap_or(0));
        }
        let (count,): (i64,) = on_pool!(self, pool => {
            bind_args!(sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql)), args).fetch_one(pool).await?
        });
        Ok(count)
    }

    pub async fn plans(&self) -> StoreResult<Vec<PlanRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT id, title, region, plan_year, start_date, head_signoff FROM plans ORDER BY id").fetch_all(pool).await?
        }))
    }

    /// Whether a unit head must sign reports off before they reach the reviewer.
    pub async fn set_head_signoff(&self, plan_id: PlanId, required: bool, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String, bool)> = sqlx::query_as("SELECT title, head_signoff FROM plans WHERE id = $1")
                .bind(plan_id).fetch_optional(&mut *tx).await?;
            let Some((title, before)) = before else {
                return Err(StoreError::NotFound(format!("方案 {plan_id}")));
            };
            sqlx::query("UPDATE plans SET head_signoff = $1 WHERE id = $2").bind(required).bind(plan_id).execute(&mut *tx).await?;
            audit!(self, tx, actor, "plan.signoff", &format!("方案“{title}”"), Some(before.to_string()), Some(required.to_string()));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The office confirms who the "…等相关部门" of a task are: the named
    /// units stay, `members` join them, and the task's obligations follow.
    /// The confirmation is kept by task text, so a re-import keeps it.
    pub async fn confirm_members(
        &self,
        task_id: TaskId,
        members: &[String],
        directory: &Directory,
        actor: &str,
    ) -> StoreResult<ImportReport> {
        let mut names = Vec::new();
        for member in members {
            let unit = directory.find(member).ok_or_else(|| StoreError::NotFound(format!("单位“{member}”")))?;
            if !names.contains(&unit.name) {
                names.push(unit.name.clone());
            }
        }
        let task: Option<(PlanId, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT plan_id, task_key, units FROM tasks WHERE id = $1 AND active = TRUE")
                .bind(task_id).fetch_optional(pool).await?
        });
        let Some((plan_id, key, before)) = task else {
            return Err(StoreError::NotFound(format!("任务 {task_id}")));
        };
        let (understood, heading) = self.stored_plan(plan_id, directory).await?;
        // The confirmation and the obligations it changes, in one transaction.
        let confirmation = Confirmation { task_id, task_key: key, members: names, before };
        self.save_plan_confirming(&understood, &heading, directory, actor, Some(&confirmation), &[]).await
    }

    /// Corrects a plan's 印发日期: obligations before it go (those with
    /// history stay, retired), those from it on are added; the change is in
    /// the audit log.
    pub async fn set_plan_start(
        &self,
        plan_id: PlanId,
        start: NaiveDate,
        directory: &Directory,
        actor: &str,
    ) -> StoreResult<ImportReport> {
        let (understood, heading) = self.stored_plan(plan_id, directory).await?;
        self.save_plan(&understood, &PlanHeading { start, ..heading }, directory, actor).await
    }

    /// A plan as stored, understood again as if its list were imported anew.
    async fn stored_plan(&self, plan_id: PlanId, directory: &Directory) -> StoreResult<(Understanding, PlanHeading)> {
        let plan = self.plans().await?.into_iter().find(|p| p.id == plan_id);
        let Some(plan) = plan else {
            return Err(StoreError::NotFound(format!("方案 {plan_id}")));
        };
        let tasks: Vec<TaskRow> = self.tasks().await?.into_iter().filter(|t| t.plan_id == plan_id).collect();
        let rows = tasks
            .iter()
            .map(|t| {
                let cell = |text: &str| plan::SourceCell { text: text.to_string(), at: t.source_at.clone() };
                plan::SourceRow {
                    seq: t.number.clone(),
                    group: t.heading.clone(),
                    lead: t.lead,
                    support: cell(&t.support),
                    ..plan::SourceRow::plain(
                        &t.source_at,
                        cell(&t.responsible),
                        cell(&t.task),
                        cell(&t.deadline),
                        cell(&t.items.join("、")),
                    )
                }
            })
            .collect();
        let list =
            plan::SourceList { title: Some(plan.title.clone()), format: "ledger".into(), rows, mapping: Vec::new() };
        let understood = plan::understand(&list, directory, plan.plan_year);
        if let Some(problem) = understood.problems.first() {
            return Err(StoreError::Invalid(problem.to_string()));
        }
        Ok((understood, PlanHeading { title: plan.title, region: plan.region, start: plan.start_date }))
    }
}

/// Members the office confirmed for a task's "…等相关部门" group.
struct Confirmation {
    task_id: TaskId,
    task_key: String,
    members: Vec<String>,
    /// The task's units before, for the audit log.
    before: String,
}

/// A task is the same task across imports when its 工作任务 text is the same.
fn task_key(task: &TaskDraft) -> String {
    task.task.split_whitespace().collect()
}
