//! 工作台 (the region's roles) and 单位台账 / 我的任务, filtered and sorted.

use crate::auth::{PageUser, sees_region, unit_scope};
use crate::error::AppResult;
use crate::ledger::{self, LedgerQuery, PAGE_ROWS};
use crate::page::frame;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_store::ObligationFilter;
use minijinja::value::Serde;

pub async fn home(State(state): State<AppState>, page: PageUser) -> AppResult<Response> {
    if !sees_region(page.user.role) {
        return Ok(Redirect::to("/my").into_response());
    }
    let board = state.dashboard().await?;
    let body = state.dashboard_body(&board)?;
    // The office's own to-do beside the region's numbers.
    let (drafts, extensions, own_unit) = match page.user.role {
        gongkai_domain::people::Role::Office => {
            let directory = state.directory().await?;
            let own = directory.openness_office().map(|u| u.name.clone());
            (state.store.notice_draft_count().await?, state.store.pending_extension_count().await?, own)
        }
        _ => (0, 0, None),
    };
    let html = state.render(
        "ledger/dashboard.html",
        minijinja::context! { frame => Serde(frame(&state, &page)), body, drafts, extensions, own_unit },
    )?;
    Ok(Html(html).into_response())
}

/// 单位台账 for the region, 我的任务 for a unit's staff: filterable and sortable.
pub async fn my_obligations(
    State(state): State<AppState>,
    page: PageUser,
    Query(mut query): Query<LedgerQuery>,
) -> AppResult<Html<String>> {
    query.resolve_unit(&state).await?;
    let scope = unit_scope(&page.user)?;
    let tasks = state.tasks().await?;
    let mut filter = query.filter(&tasks, state.today())?;
    let page_number = query.page_number()?;
    filter.limit = Some(PAGE_ROWS as i64 + 1);
    filter.offset = Some((page_number - 1) * PAGE_ROWS as i64);
    let (mut list, total) = match query.unit_for(&page.user)? {
        Ok(unit) => {
            let filter = ObligationFilter { unit, ..filter };
            let list = state.store.obligations(&filter).await?;
            // Counted only when the list runs past this page.
            let total = match (page_number, list.len() > PAGE_ROWS) {
                (1, false) => list.len() as i64,
                _ => state.store.obligation_count(&filter).await?,
            };
            (list, total)
        }
        Err(()) => (Vec::new(), 0),
    };
    let more = list.len() > PAGE_ROWS;
    list.truncate(PAGE_ROWS);
    let today = state.today();
    let rows: Vec<ledger::Row> = list.into_iter().map(|o| ledger::row(o, today)).collect();
    let paging = serde_json::json!({
        "page": page_number,
        "pages": ((total + PAGE_ROWS as i64 - 1) / PAGE_ROWS as i64).max(1),
        "total": total,
        "previous": (page_number > 1).then(|| query.with("page", &(page_number - 1).to_string())),
        "next": more.then(|| query.with("page", &(page_number + 1).to_string())),
    });
    // Tasks the unit supports (配合): shown, not reported by it.
    let supporting: Vec<serde_json::Value> = match &scope {
        Some(unit) => tasks
            .iter()
            .filter(|t| t.support_units.iter().any(|u| u == unit))
            .map(|t| {
                serde_json::json!({
                    "id": t.id, "seq": t.seq, "task": t.task, "deadline": t.deadline,
                    "lead": t.lead_units.join("、"),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    let (inbox, notices) = match &scope {
        Some(unit) => (state.store.inbox(unit, 10).await?, state.store.notices(Some(unit), None).await?),
        None => (Vec::new(), Vec::new()),
    };
    // A unit's 待办, counted in one read; the head also signs.
    let todo = match &scope {
        Some(unit) => {
            let soon = today + chrono::Duration::days(gongkai_store::SOON_DAYS);
            let mut todo = state.store.unit_todo(unit, today, soon).await?;
            if page.user.role != gongkai_domain::people::Role::Head {
                todo.to_sign = 0;
            }
            Some(todo)
        }
        None => None,
    };
    let units: Vec<String> = match scope {
        Some(_) => Vec::new(),
        None => state.directory().await?.units().iter().map(|u| u.name.clone()).collect(),
    };
    // A province has thousands of tasks and a few dozen distinct items.
    let distinct: std::collections::HashSet<&str> =
        tasks.iter().flat_map(|t| t.items.iter().map(String::as_str)).collect();
    let mut items: Vec<&str> = distinct.into_iter().collect();
    items.sort_by_key(|i| (gongkai_domain::plan::item_number(i), *i));
    let sort_links: std::collections::BTreeMap<&str, String> = ["due", "unit", "task", "status", "light"]
        .into_iter()
        .map(|key| {
            let flip = query.sort.as_deref().unwrap_or("due") == key && query.desc.as_deref() != Some("1");
            let mut next = query.clone();
            next.desc = flip.then(|| "1".to_string());
            (key, next.with("sort", key))
        })
        .collect();
    let export_query = query.with("page", "");
    // The 工作任务 under each row's task number, and each group's size on this page.
    // The 工作任务 (and who supports it, 配合, for the region's roles) of the
    // tasks on this page only: a province has thousands of tasks.
    let on_page: std::collections::HashSet<gongkai_store::TaskId> = rows.iter().map(|r| r.o.task_id).collect();
    let page_tasks = || tasks.iter().filter(|t| on_page.contains(&t.id));
    let task_texts: std::collections::HashMap<String, &str> =
        page_tasks().map(|t| (t.id.to_string(), t.task.as_str())).collect();
    let task_support: std::collections::HashMap<String, String> = match scope {
        Some(_) => Default::default(),
        None => page_tasks()
            .filter(|t| !t.support_units.is_empty())
            .map(|t| (t.id.to_string(), t.support_units.join("、")))
            .collect(),
    };
    let group = ledger::given(&query.group).unwrap_or_default().to_string();
    let mut group_sizes: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for row in &rows {
        let key = if group == "task" { row.o.task_id.to_string() } else { row.o.unit.clone() };
        *group_sizes.entry(key).or_default() += 1;
    }
    let links = serde_json::json!({
        "ungrouped": query.with("group", ""),
        "by_unit": query.with("group", "unit"),
        "by_task": query.with("group", "task"),
        "print": query.with("print", "1"),
        "screen": query.with("print", ""),
    });
    let printing = ledger::given(&query.print) == Some("1");
    let html = state.render(
        "ledger/my.html",
        minijinja::context! {
            frame => Serde(frame(&state, &page)),
            title => if scope.is_some() { "我的任务" } else { "单位台账" },
            rows => ledger::view::rows(rows), paging => Serde(paging), query => Serde(query), units, items => Serde(items),
            sort_links => Serde(sort_links), inbox => Serde(inbox), notices => Serde(notices),
            supporting => Serde(supporting), task_support => Serde(task_support),
            export_query, todo => Serde(todo), task_texts => Serde(task_texts), group, group_sizes => Serde(group_sizes),
            links => Serde(links), printing,
            printed_at => gongkai_domain::calendar::china_now().format("%Y-%m-%d %H:%M").to_string(),
        },
    )?;
    Ok(Html(html))
}

/// The menu's counts, fetched by site.js after a page has loaded, so that
/// no page waits for them.
pub async fn badges(
    State(state): State<AppState>,
    page: PageUser,
) -> AppResult<axum::Json<gongkai_app::dashboard::Badges>> {
    Ok(axum::Json(gongkai_app::dashboard::badges(&state, &page.user, state.today()).await?))
}
