//! Server-rendered pages in Simplified Chinese. GET renders; POST acts and
//! answers 303 See Other. Every form carries the session's CSRF token.

use crate::auth::{self, PageUser, cookie, sees_region, unit_scope};
use crate::dashboard;
use crate::error::{AppError, AppResult, FormBody};
use crate::ledger::{self, LedgerQuery, PAGE_ROWS};
use crate::reports;
use crate::state::AppState;
use axum::extract::Query;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::people::{self, SignIn};
use gongkai_app::secrets;
use gongkai_domain::status::ObligationStatus;
use gongkai_domain::units::UnitKind;
use gongkai_store::ObligationFilter;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

pub async fn stylesheet() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../static/site.css"))
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}

fn session_cookie(secure: bool, value: &str, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}", auth::SESSION_COOKIE)
}

pub async fn login_page(State(state): State<AppState>, parts: Parts) -> AppResult<Response> {
    let csrf = secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    let page = state.render("login.html", serde_json::json!({ "csrf": csrf, "error": null, "login": "" }))?;
    let secure = if auth::is_https(&state, &parts) { "; Secure" } else { "" };
    let cookie =
        format!("{}={csrf}; HttpOnly; SameSite=Strict; Path=/login; Max-Age=3600{secure}", auth::LOGIN_CSRF_COOKIE);
    Ok(([(SET_COOKIE, cookie)], Html(page)).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    csrf: String,
}

/// 登录 (`gongkai_app::people::sign_in`): every attempt is counted before the
/// password is checked, and an unknown login takes as long as a wrong one.
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    parts: Parts,
    FormBody(form): FormBody<LoginForm>,
) -> AppResult<Response> {
    if cookie(&parts, auth::LOGIN_CSRF_COOKIE).as_deref() != Some(form.csrf.as_str()) {
        return Err(AppError::bad_request("登录页面已过期，请刷新后重新登录"));
    }
    let again = |message: &str| -> AppResult<Response> {
        let typed = form.login.trim();
        let shown = if typed.chars().count() > 40 {
            format!("{}…", typed.chars().take(40).collect::<String>())
        } else {
            typed.to_string()
        };
        let page =
            state.render("login.html", serde_json::json!({ "csrf": form.csrf, "error": message, "login": shown }))?;
        Ok((axum::http::StatusCode::UNAUTHORIZED, Html(page)).into_response())
    };
    match people::sign_in(&state, &form.login, &form.password, &peer.ip().to_string()).await? {
        SignIn::Locked => again(&format!("密码错误次数过多，请 {} 分钟后再试", people::LOCK_MINUTES)),
        SignIn::Refused => again("账号或密码不正确"),
        SignIn::Signed { secret, .. } => {
            let cookie = session_cookie(auth::is_https(&state, &parts), &secret, people::SESSION_HOURS * 3600);
            Ok(([(SET_COOKIE, cookie)], Redirect::to("/")).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    page: PageUser,
    parts: Parts,
    FormBody(form): FormBody<CsrfForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    if let Some(secret) = cookie(&parts, auth::SESSION_COOKIE) {
        state.store.delete_session(&secrets::secret_hash(&secret)).await?;
    }
    Ok(([(SET_COOKIE, session_cookie(auth::is_https(&state, &parts), "", 0))], Redirect::to("/login")).into_response())
}

/// What every signed-in page shows in its header.
#[derive(Serialize)]
struct Frame<'a> {
    login: &'a str,
    name: &'a str,
    role: &'a str,
    unit: Option<&'a str>,
    csrf: &'a str,
    sees_region: bool,
    audit: bool,
    admin: bool,
    today: String,
}

/// The page frame as a value, for handlers outside this module.
pub fn frame_json(state: &AppState, page: &PageUser) -> serde_json::Value {
    serde_json::to_value(frame(state, page)).unwrap_or_default()
}

fn frame<'a>(state: &AppState, page: &'a PageUser) -> Frame<'a> {
    Frame {
        login: &page.user.login,
        name: &page.user.display_name,
        role: page.user.role.label(),
        unit: page.user.unit.as_deref(),
        csrf: &page.csrf,
        sees_region: sees_region(page.user.role),
        audit: auth::manages(page.user.role),
        admin: page.user.role == gongkai_domain::people::Role::Admin,
        today: state.today().to_string(),
    }
}

pub async fn home(State(state): State<AppState>, page: PageUser) -> AppResult<Response> {
    if !sees_region(page.user.role) {
        return Ok(Redirect::to("/my").into_response());
    }
    let board = state.dashboard().await?;
    let charts = serde_json::json!({
        "by_item": dashboard::bar_chart("按方案项目的完成情况", &board.by_item),
        "by_unit": dashboard::bar_chart("按单位的完成情况", &board.by_unit),
    });
    let html = state.render(
        "dashboard.html",
        serde_json::json!({ "frame": frame(&state, &page), "board": board, "charts": charts }),
    )?;
    Ok(Html(html).into_response())
}

/// 单位台账 for the region, 我的任务 for a unit's staff: filterable and sortable.
pub async fn my_obligations(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<LedgerQuery>,
) -> AppResult<Html<String>> {
    let scope = unit_scope(&page.user)?;
    let tasks = state.tasks().await?;
    let mut filter = query.filter(&tasks, state.today())?;
    let page_number = query.page_number()?;
    filter.limit = Some(PAGE_ROWS as i64 + 1);
    filter.offset = Some((page_number - 1) * PAGE_ROWS as i64);
    let mut list = match query.unit_for(&page.user)? {
        Ok(unit) => state.store.obligations(&ObligationFilter { unit, ..filter }).await?,
        Err(()) => Vec::new(),
    };
    let more = list.len() > PAGE_ROWS;
    list.truncate(PAGE_ROWS);
    let today = state.today();
    let rows: Vec<ledger::Row> = list.into_iter().map(|o| ledger::row(o, today)).collect();
    let paging = serde_json::json!({
        "page": page_number,
        "previous": (page_number > 1).then(|| query.with("page", &(page_number - 1).to_string())),
        "next": more.then(|| query.with("page", &(page_number + 1).to_string())),
    });
    let (inbox, notices) = match &scope {
        Some(unit) => (state.store.inbox(unit, 10).await?, state.store.notices(Some(unit), None).await?),
        None => (Vec::new(), Vec::new()),
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
    let html = state.render(
        "my.html",
        serde_json::json!({
            "frame": frame(&state, &page),
            "title": if scope.is_some() { "我的任务" } else { "单位台账" },
            "rows": rows, "paging": paging, "query": query, "units": units, "items": items, "sort_links": sort_links,
            "inbox": inbox, "notices": notices,
        }),
    )?;
    Ok(Html(html))
}

pub async fn obligation(State(state): State<AppState>, page: PageUser, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let (o, access) = reports::find_obligation(&state, &page.user, id).await?;
    let tasks = state.tasks().await?;
    let task = tasks.iter().find(|t| t.id == o.task_id);
    let submissions = state.store.submissions(id).await?;
    let extensions = state.store.extensions(id).await?;
    let notices: Vec<gongkai_store::NoticeRow> =
        state.store.notices(Some(&o.unit), None).await?.into_iter().filter(|n| n.obligation_id == id).collect();
    let returned = o.status == ObligationStatus::Returned;
    let open = o.status.is_open();
    let office = page.user.role == gongkai_domain::people::Role::Office;
    let pending_extension = extensions.iter().any(|e| e.status == "pending");
    let html = state.render(
        "obligation.html",
        serde_json::json!({
            "frame": frame(&state, &page), "task": task, "submissions": submissions,
            "may_submit": access.may_submit(&o), "may_sign": access.may_sign(&o), "may_review": access.may_review(&o),
            "may_publish": access.review,
            "max_mb": state.max_upload / (1024 * 1024), "returned": returned,
            "extensions": extensions, "notices": notices,
            "may_request_extension": access.submit && o.due.is_some() && o.status != ObligationStatus::Accepted && !pending_extension,
            "may_decide_extension": office && pending_extension,
            "may_issue_notice": office && open && o.due.is_some_and(|d| d < state.today()),
            "o": ledger::row(o, state.today()),
        }),
    )?;
    Ok(Html(html))
}

/// 报送 from the page: the form's CSRF token, then the shared checks.
pub async fn submit(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> AppResult<Response> {
    let form = reports::read_form(&state, form).await?;
    page.check_csrf(&form.csrf)?;
    reports::file_report(&state, &page.user, id, form).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    decision: String,
    #[serde(default)]
    reason: String,
}

/// 审核: accept, or return with a reason; for a unit head, 签发 or return.
pub async fn review(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ReviewForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    reports::decide(&state, &page.user, id, &form.decision, &form.reason).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct PublicForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    submission: i64,
    #[serde(default)]
    public: Option<String>,
}

/// A reviewer makes an accepted report's text public on the public pages.
pub async fn make_public(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PublicForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let (_, access) = reports::find_obligation(&state, &page.user, id).await?;
    if !access.review {
        return Err(AppError::forbidden());
    }
    let belongs = state.store.submissions(id).await?.iter().any(|s| s.id == form.submission);
    if !belongs {
        return Err(AppError::not_found());
    }
    state.store.set_submission_public(form.submission, form.public.as_deref() == Some("1"), &page.user.login).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct PlanSettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    head_signoff: Option<String>,
    /// "7、3、1": days before the due date at which units are reminded.
    #[serde(default)]
    lead_days: String,
    #[serde(default)]
    escalate_after: String,
    #[serde(default)]
    notice_days: String,
}

/// Checks reminder rules as the office types them.
pub fn checked_rules(rules: gongkai_domain::supervision::Rules) -> AppResult<gongkai_domain::supervision::Rules> {
    if rules.lead_days.len() > 10 {
        return Err(AppError::bad_request("提前提醒最多设 10 个天数"));
    }
    if rules.lead_days.iter().any(|d| !(1..=90).contains(d)) {
        return Err(AppError::bad_request("提前提醒的天数应在 1 到 90 之间"));
    }
    if !(1..=60).contains(&rules.escalate_after_working_days) || !(1..=60).contains(&rules.notice_working_days) {
        return Err(AppError::bad_request("督办的工作日数应在 1 到 60 之间"));
    }
    Ok(rules)
}

fn rules_from_form(form: &PlanSettingsForm) -> AppResult<gongkai_domain::supervision::Rules> {
    let mut lead_days = Vec::new();
    for part in form.lead_days.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace()) {
        if part.is_empty() {
            continue;
        }
        lead_days
            .push(part.parse::<i64>().map_err(|_| AppError::bad_request(format!("提前提醒天数“{part}”不是数字")))?);
    }
    let number = |text: &str, what: &str| {
        text.trim().parse::<u32>().map_err(|_| AppError::bad_request(format!("{what}“{text}”不是数字")))
    };
    checked_rules(gongkai_domain::supervision::Rules {
        lead_days,
        escalate_after_working_days: number(&form.escalate_after, "逾期多少个工作日督办")?,
        notice_working_days: number(&form.notice_days, "督办通知给出的工作日数")?,
    })
}

/// A plan's settings (the office): whether unit heads sign reports off, and
/// when units are reminded, chased and sent a 督办通知.
pub async fn plan_settings(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PlanSettingsForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let rules = rules_from_form(&form)?;
    state.store.set_head_signoff(id, form.head_signoff.is_some(), &page.user.login).await?;
    if state.store.plan_rules().await?.get(&id) != Some(&rules) {
        state.store.set_plan_rules(id, &rules, &page.user.login).await?;
    }
    Ok(Redirect::to("/tasks").into_response())
}

/// A file, to whoever may see the obligation it belongs to.
pub async fn download(State(state): State<AppState>, page: PageUser, Path(id): Path<i64>) -> AppResult<Response> {
    let (file, obligation_id) = state.store.attachment(id).await?.ok_or_else(AppError::not_found)?;
    reports::find_obligation(&state, &page.user, obligation_id).await?;
    let bytes = gongkai_app::files::read(&state.files_dir, &file.sha256)
        .map_err(|e| AppError::internal(format!("reading a file: {e}")))?;
    let disposition =
        format!("attachment; filename=\"file\"; filename*=UTF-8''{}", ledger::percent_encode(&file.file_name));
    Ok(([(CONTENT_TYPE, file.content_type), (axum::http::header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

/// 审核: reports waiting for this user's decision.
pub async fn review_queue(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let directory = state.directory().await?;
    // Only work with a report waiting can be in the queue.
    let mut all = Vec::new();
    for status in [ObligationStatus::Submitted, ObligationStatus::Signed] {
        let waiting = ObligationFilter { status: Some(status), ..Default::default() };
        all.extend(state.store.obligations(&waiting).await?);
    }
    all.sort_by_key(|o| (o.due.is_none(), o.due, o.task_seq, o.id));
    let today = state.today();
    let (mut to_sign, mut to_review) = (Vec::new(), Vec::new());
    for o in all {
        let access = auth::access(&page.user, &o, &directory);
        if access.may_sign(&o) {
            to_sign.push(ledger::row(o, today));
        } else if access.may_review(&o) {
            to_review.push(ledger::row(o, today));
        }
    }
    let html = state.render(
        "review.html",
        serde_json::json!({ "frame": frame(&state, &page), "rows": to_review, "to_sign": to_sign }),
    )?;
    Ok(Html(html))
}

pub async fn password_page(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let html = state.render(
        "password.html",
        serde_json::json!({ "frame": frame(&state, &page), "error": null, "forced": page.user.must_change_password }),
    )?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    again: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    page: PageUser,
    parts: Parts,
    FormBody(form): FormBody<PasswordForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    // Every other sign-in of this account ends; this one goes on.
    let current = cookie(&parts, auth::SESSION_COOKIE).map(|s| secrets::secret_hash(&s));
    let changed =
        people::change_password(&state, &page.user, &form.current, &form.new, &form.again, current.as_deref());
    match changed.await {
        Ok(()) => Ok(Redirect::to("/").into_response()),
        Err(gongkai_app::Error::Invalid(problem)) => {
            let html = state.render(
                "password.html",
                serde_json::json!({ "frame": frame(&state, &page), "error": problem, "forced": page.user.must_change_password }),
            )?;
            Ok((axum::http::StatusCode::BAD_REQUEST, Html(html)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// 任务清单: the list as written, beside how each cell was understood; the
/// office sets each plan's sign-off rule here.
pub async fn tasks(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let tasks = auth::scope_tasks(&page.user, state.tasks().await?.to_vec());
    let rules = state.store.plan_rules().await?;
    let plans: Vec<serde_json::Value> = state
        .store
        .plans()
        .await?
        .into_iter()
        .map(|p| {
            let r = rules.get(&p.id).cloned().unwrap_or_default();
            let lead: Vec<String> = r.lead_days.iter().map(i64::to_string).collect();
            serde_json::json!({
                "id": p.id, "title": p.title, "region": p.region, "plan_year": p.plan_year, "head_signoff": p.head_signoff,
                "lead_days": lead.join("、"), "escalate_after": r.escalate_after_working_days, "notice_days": r.notice_working_days,
            })
        })
        .collect();
    let html = state.render(
        "tasks.html",
        serde_json::json!({ "frame": frame(&state, &page), "tasks": tasks, "plans": plans, "manages": auth::manages(page.user.role) }),
    )?;
    Ok(Html(html))
}

/// One task with every unit's obligations (a unit's staff see their own);
/// the office confirms the members of a "…等相关部门" group here.
pub async fn task(State(state): State<AppState>, page: PageUser, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let tasks = auth::scope_tasks(&page.user, state.tasks().await?.to_vec());
    let task = tasks.into_iter().find(|t| t.id == id).ok_or_else(AppError::not_found)?;
    let scope = unit_scope(&page.user)?;
    let own =
        state.store.obligations(&ObligationFilter { unit: scope, task_id: Some(id), ..Default::default() }).await?;
    let today = state.today();
    let rows: Vec<ledger::Row> = own.into_iter().map(|o| ledger::row(o, today)).collect();
    let manages = auth::manages(page.user.role);
    let candidates: Vec<serde_json::Value> = if manages {
        state
            .directory()
            .await?
            .units()
            .iter()
            .filter(|u| !matches!(u.kind, UnitKind::Village | UnitKind::Community))
            .map(|u| serde_json::json!({ "name": u.name, "kind": u.kind.label(), "bound": task.units.contains(&u.name) }))
            .collect()
    } else {
        Vec::new()
    };
    let html = state.render(
        "task.html",
        serde_json::json!({ "frame": frame(&state, &page), "task": task, "rows": rows, "manages": manages, "candidates": candidates }),
    )?;
    Ok(Html(html))
}

/// The audit log's filters, from a page's form or the API's query.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub limit: Option<i64>,
}

impl AuditQuery {
    pub fn filter(&self) -> AppResult<gongkai_store::AuditFilter> {
        let text = |v: &Option<String>| ledger::given(v).map(String::from);
        Ok(gongkai_store::AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            target: text(&self.target),
            from: ledger::date(&self.from, "起始日期")?,
            to: ledger::date(&self.to, "截止日期")?,
            limit: self.limit.unwrap_or(500).clamp(0, 10_000),
        })
    }
}

/// 审计日志: who did what and when, for the office and the admin.
pub async fn audit_log(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let entries = state.store.audit_search(&query.filter()?).await?;
    let intact = state.store.verify_audit(&state.published_checkpoints()?).await?;
    let html = state.render(
        "audit.html",
        serde_json::json!({
            "frame": frame(&state, &page), "entries": entries, "query": query,
            "intact": intact.is_ok(), "problem": intact.err().map(|e| e.to_string()),
        }),
    )?;
    Ok(Html(html))
}
