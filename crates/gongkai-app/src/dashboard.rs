//! 工作台: the programme at a glance, for the office, leaders and the admin —
//! counts by status, traffic lights per unit, what falls due in 7 and 30
//! days, what is overdue and by how long, completion by plan item and by
//! unit. Every number carries the link to the 台账 list behind it.

use crate::ledger::{self, Row};
use chrono::{Duration, NaiveDate};
use gongkai_domain::status::Light;
use gongkai_store::{ObligationFilter, PlanId, Store, TaskId, TaskRow};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub all: usize,
    pub done: usize,
    pub done_late: usize,
    pub awaiting_review: usize,
    pub returned: usize,
    pub overdue: usize,
    pub within_7: usize,
    pub within_30: usize,
}

#[derive(Debug, Serialize)]
pub struct UnitLine {
    pub unit: String,
    pub light: &'static str,
    pub total: usize,
    pub done: usize,
    pub overdue: usize,
    pub due_soon: usize,
    /// The most days any of its obligations is overdue.
    pub worst_days: i64,
}

#[derive(Debug, Serialize)]
pub struct Share {
    pub label: String,
    pub done: usize,
    pub total: usize,
    /// Link to the list behind the bar.
    pub link: String,
}

/// How many rows the dashboard's lists and unit table show; the rest are a
/// click away in the 台账.
pub const LIST_ROWS: usize = 50;

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    /// When the counts were made (China Standard Time): a province's
    /// dashboard may be a few seconds behind while it is counted again.
    pub counted_at: String,
    pub totals: Totals,
    /// The units needing most attention first, at most [`LIST_ROWS`].
    pub units: Vec<UnitLine>,
    /// How many units have work, shown or not.
    pub units_total: usize,
    /// Not done and due within 7 days, soonest first (at most [`LIST_ROWS`]).
    pub next_7: Vec<Row>,
    /// Overdue, longest overdue first (at most [`LIST_ROWS`]).
    pub overdue: Vec<Row>,
    pub by_item: Vec<Share>,
    pub by_unit: Vec<Share>,
    /// Links for each count, in the 台账's query language.
    pub links: BTreeMap<&'static str, String>,
}

/// The 台账 narrowed by the fields given: "/my?unit=…&sort=light".
fn listing(fields: &[(&str, &str)]) -> String {
    format!("/my{}", ledger::query(fields))
}

fn link(field: &str, value: &str) -> String {
    listing(&[(field, value)])
}

/// Counts every active obligation of one plan, or of all, as of `today`,
/// and reads the two short lists; the obligations stream past once.
pub async fn read(
    store: &Store,
    plan_id: Option<PlanId>,
    tasks: &[TaskRow],
    today: NaiveDate,
) -> crate::Result<Dashboard> {
    let soon = today + Duration::days(ledger::SOON_DAYS);
    let month = today + Duration::days(30);
    let tallies = store.unit_tallies(plan_id, today, soon, month).await?;
    let mut totals = Totals::default();
    for t in &tallies {
        totals.all += t.total as usize;
        totals.done += t.done as usize;
        totals.done_late += t.done_late as usize;
        totals.awaiting_review += t.awaiting as usize;
        totals.returned += t.returned as usize;
        totals.overdue += t.overdue as usize;
        totals.within_7 += t.due_soon as usize;
        totals.within_30 += t.due_month as usize;
    }
    let names = store.unit_names().await?;
    let mut units: Vec<UnitLine> = tallies
        .into_iter()
        .map(|t| UnitLine {
            unit: names.get(&t.unit_id).cloned().unwrap_or_else(|| format!("单位 {}", t.unit_id)),
            light: if t.overdue > 0 {
                "red"
            } else if t.due_soon > 0 {
                "yellow"
            } else {
                "green"
            },
            total: t.total as usize,
            done: t.done as usize,
            overdue: t.overdue as usize,
            due_soon: t.due_soon as usize,
            worst_days: t.earliest_overdue.map_or(0, |d| (today - d).num_days()),
        })
        .collect();
    units.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(b.due_soon.cmp(&a.due_soon)).then(a.unit.cmp(&b.unit)));
    let units_total = units.len();
    units.truncate(LIST_ROWS);

    // Charts name units as people say them (温泉镇, 区民政局), so that no label clips.
    let directory = store.directory().await?;
    let short = |name: &str| directory.find(name).map_or(name, |u| u.short_name()).to_string();
    let by_unit = units
        .iter()
        .map(|u| Share { label: short(&u.unit), done: u.done, total: u.total, link: link("unit", &u.unit) })
        .collect();
    let mut items: BTreeMap<(u32, String), (usize, usize)> = BTreeMap::new();
    let by_task: HashMap<TaskId, (usize, usize)> = store
        .task_tallies(plan_id)
        .await?
        .into_iter()
        .map(|t| (t.task_id, (t.done as usize, t.total as usize)))
        .collect();
    for t in tasks {
        let Some((done, total)) = by_task.get(&t.id) else { continue };
        for item in &t.items {
            let entry = items.entry((gongkai_domain::plan::item_number(item), item.clone())).or_default();
            entry.0 += done;
            entry.1 += total;
        }
    }
    let by_item = items
        .into_iter()
        .map(|((_, item), (done, total))| Share { link: link("item", &item), label: item, done, total })
        .collect();

    let list = |light| ObligationFilter {
        plan_id,
        light: Some(light),
        as_of: Some(today),
        limit: Some(LIST_ROWS as i64),
        ..Default::default()
    };
    let next_7: Vec<Row> =
        store.obligations(&list(Light::Yellow)).await?.into_iter().map(|o| ledger::row(o, today)).collect();
    let overdue: Vec<Row> =
        store.obligations(&list(Light::Red)).await?.into_iter().map(|o| ledger::row(o, today)).collect();

    let next_30_to = (today + Duration::days(30)).to_string();
    let links = BTreeMap::from([
        ("all", "/my".to_string()),
        ("done", link("light", "done")),
        ("done_late", link("light", "late")),
        ("awaiting_review", "/review".to_string()),
        ("returned", link("status", "returned")),
        ("overdue", listing(&[("light", "red"), ("sort", "light")])),
        ("within_7", link("light", "yellow")),
        ("within_30", listing(&[("from", &today.to_string()), ("to", &next_30_to)])),
    ]);
    let counted_at = gongkai_domain::calendar::china_now().format("%H:%M:%S").to_string();
    Ok(Dashboard { today, counted_at, totals, units, units_total, next_7, overdue, by_item, by_unit, links })
}

/// The counts beside the menu: what waits for this user now.
#[derive(Debug, Default, Serialize)]
pub struct Badges {
    /// 我的任务: overdue, due within 7 days, returned (a unit's staff).
    pub my: i64,
    /// 审核: reports waiting for the user's 签发 or 审核.
    pub review: i64,
    /// 督办: drafts waiting (the office); notices on open work (a unit).
    pub notices: i64,
    /// 延期: requests waiting (the office).
    pub extensions: i64,
    /// 网上巡查: problems past their deadline (the office); a unit's problems to fix.
    pub findings: i64,
    /// 依申请公开: requests past their due date (the office); a unit's due
    /// within 5 days or past it, and public ones to confirm.
    pub requests: i64,
}

pub async fn badges(app: &crate::App, user: &gongkai_store::User, today: NaiveDate) -> crate::Result<Badges> {
    use gongkai_domain::people::Role;
    use gongkai_domain::status::ObligationStatus;
    let mut badges = Badges::default();
    if user.role == Role::Office {
        badges.notices = app.store.notice_draft_count().await?;
        badges.extensions = app.store.pending_extension_count().await?;
        badges.findings = app.store.open_finding_count(None, Some(today)).await?;
        badges.requests = app.store.pressing_request_count(None, today - Duration::days(1), false).await?;
        // The office reviews every report waiting for review: signed where the plan asks for it.
        for plan in app.store.plans().await? {
            let status = if plan.head_signoff { ObligationStatus::Signed } else { ObligationStatus::Submitted };
            let waiting = ObligationFilter { plan_id: Some(plan.id), status: Some(status), ..Default::default() };
            badges.review += app.store.obligation_count(&waiting).await?;
        }
        return Ok(badges);
    }
    let Some(unit) = crate::access::unit_scope(user)? else { return Ok(badges) };
    let todo = app.store.unit_todo(&unit, today, today + Duration::days(ledger::SOON_DAYS)).await?;
    badges.my = todo.overdue + todo.due_soon + todo.returned;
    badges.notices = app.store.open_notice_count(&unit).await?;
    badges.findings = app.store.open_finding_count(Some(&unit), None).await?;
    badges.requests = app.store.pressing_request_count(Some(&unit), today + Duration::days(5), true).await?;
    if user.role == Role::Head {
        badges.review = todo.to_sign;
    }
    // A unit a milestone reports to (区民政局 for the towns' 村居 reports)
    // reviews those reports: only the tasks naming it are read.
    let directory = app.directory().await?;
    let reports_to_unit: Vec<gongkai_store::TaskId> = app
        .tasks()
        .await?
        .iter()
        .filter(|t| {
            t.milestones
                .iter()
                .filter_map(|m| m.recipient.as_deref())
                .any(|r| directory.find(r).is_some_and(|u| u.name == unit))
        })
        .map(|t| t.id)
        .collect();
    if !reports_to_unit.is_empty() {
        for status in [ObligationStatus::Submitted, ObligationStatus::Signed] {
            let waiting = ObligationFilter {
                status: Some(status),
                task_ids: Some(reports_to_unit.clone()),
                ..Default::default()
            };
            for o in app.store.obligations(&waiting).await? {
                if crate::access::access(user, &o, &directory).may_review(&o) {
                    badges.review += 1;
                }
            }
        }
    }
    Ok(badges)
}
