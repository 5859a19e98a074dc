//! Server-rendered pages in Simplified Chinese. GET renders; POST acts and
//! answers 303 See Other. Every form carries the session's CSRF token.

use crate::auth::{self, LOCK_MINUTES, MAX_FAILURES, PageUser, SESSION_HOURS, cookie, sees_region, unit_scope};
use crate::error::{AppError, AppResult};
use crate::reports;
use crate::secrets;
use crate::state::AppState;
use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use gongkai_store::{ObligationFilter, ObligationRow};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

pub async fn stylesheet() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../static/site.css"))
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}", auth::SESSION_COOKIE)
}

pub async fn login_page(State(state): State<AppState>) -> AppResult<Response> {
    let csrf = secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    let page = state.render("login.html", serde_json::json!({ "csrf": csrf, "error": null, "login": "" }))?;
    let secure = if state.secure_cookies { "; Secure" } else { "" };
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

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    if cookie(&parts, auth::LOGIN_CSRF_COOKIE).as_deref() != Some(form.csrf.as_str()) {
        return Err(AppError::bad_request("登录页面已过期，请刷新后重新登录"));
    }
    let again = |message: &str| -> AppResult<Response> {
        let page = state
            .render("login.html", serde_json::json!({ "csrf": form.csrf, "error": message, "login": form.login }))?;
        Ok((axum::http::StatusCode::UNAUTHORIZED, Html(page)).into_response())
    };
    let login = form.login.trim().to_string();
    let now = Utc::now();
    let locked = {
        let failures = state.failures.lock().map_err(|_| AppError::internal("failure table poisoned"))?;
        failures
            .get(&login)
            .is_some_and(|(count, last)| *count >= MAX_FAILURES && now - *last < Duration::minutes(LOCK_MINUTES))
    };
    if locked {
        state.store.record_login(&login, false, &peer.ip().to_string()).await?;
        return again(&format!("密码错误次数过多，请 {LOCK_MINUTES} 分钟后再试"));
    }
    let user = state.store.user_by_login(&login).await?;
    let verified = match &user {
        Some(user) if !user.disabled => secrets::verify_password(&form.password, &user.password_hash),
        _ => false,
    };
    let Some(user) = user.filter(|_| verified) else {
        if let Ok(mut failures) = state.failures.lock() {
            let entry = failures.entry(login.clone()).or_insert((0, now));
            *entry = (entry.0 + 1, now);
        }
        state.store.record_login(&login, false, &peer.ip().to_string()).await?;
        return again("账号或密码不正确");
    };
    if let Ok(mut failures) = state.failures.lock() {
        failures.remove(&login);
    }
    let secret = secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    let csrf = secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    state
        .store
        .create_session(&secrets::secret_hash(&secret), user.id, &csrf, now + Duration::hours(SESSION_HOURS))
        .await?;
    state.store.record_login(&login, true, &peer.ip().to_string()).await?;
    let cookie = session_cookie(&state, &secret, SESSION_HOURS * 3600);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    page: PageUser,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    if let Some(secret) = cookie(&parts, auth::SESSION_COOKIE) {
        state.store.delete_session(&secrets::secret_hash(&secret)).await?;
    }
    Ok(([(SET_COOKIE, session_cookie(&state, "", 0))], Redirect::to("/login")).into_response())
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
        audit: matches!(page.user.role, gongkai_domain::people::Role::Office | gongkai_domain::people::Role::Admin),
        today: state.today().to_string(),
    }
}

/// An obligation as a row in a list: dates in words and a traffic light.
#[derive(Serialize)]
struct Row {
    id: i64,
    task_seq: i32,
    unit: String,
    milestone: String,
    when: String,
    status: &'static str,
    light: &'static str,
    days: Option<i64>,
}

fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "待报送",
        "submitted" => "已报送",
        "signed" => "已签发",
        "accepted" => "已通过",
        "returned" => "已退回",
        _ => "未知",
    }
}

/// 绿 on track, 黄 due within `soon` days, 红 overdue; done is grey.
fn light(o: &ObligationRow, today: chrono::NaiveDate, soon: i64) -> (&'static str, Option<i64>) {
    if o.status == "accepted" {
        return ("done", None);
    }
    match o.due {
        Some(due) if due < today => ("red", Some((today - due).num_days())),
        Some(due) if (due - today).num_days() <= soon => ("yellow", Some((due - today).num_days())),
        Some(due) => ("green", Some((due - today).num_days())),
        None => ("green", None),
    }
}

fn rows(list: &[ObligationRow], today: chrono::NaiveDate) -> Vec<Row> {
    list.iter()
        .map(|o| {
            let (light, days) = light(o, today, 7);
            let when = match (o.kind.as_str(), o.from, o.due) {
                ("start", Some(from), _) => format!("{from} 起"),
                ("window", Some(from), Some(due)) => format!("{from} 至 {due}"),
                (_, _, Some(due)) => format!("{due} 前"),
                ("relative", ..) => "按事件起算".into(),
                _ => "长期".into(),
            };
            Row {
                id: o.id,
                task_seq: o.task_seq,
                unit: o.unit.clone(),
                milestone: o.milestone.clone(),
                when,
                status: status_label(&o.status),
                light,
                days,
            }
        })
        .collect()
}

pub async fn home(State(state): State<AppState>, page: PageUser) -> AppResult<Response> {
    if !sees_region(page.user.role) {
        return Ok(Redirect::to("/my").into_response());
    }
    let today = state.today();
    let standings = state.store.unit_standings(today, 7).await?;
    let soon = state
        .store
        .obligations(&ObligationFilter { due_before: Some(today + Duration::days(8)), ..Default::default() })
        .await?;
    let overdue: Vec<&ObligationRow> =
        soon.iter().filter(|o| o.due.is_some_and(|d| d < today) && o.status != "accepted").collect();
    let next_week: Vec<ObligationRow> = soon.iter().filter(|o| o.due.is_some_and(|d| d >= today)).cloned().collect();
    let totals = standings
        .iter()
        .fold((0, 0, 0, 0), |acc, s| (acc.0 + s.total, acc.1 + s.done, acc.2 + s.overdue, acc.3 + s.due_soon));
    let units: Vec<serde_json::Value> = standings
        .iter()
        .map(|s| {
            let light = if s.overdue > 0 { "red" } else if s.due_soon > 0 { "yellow" } else { "green" };
            serde_json::json!({ "unit": s.unit, "total": s.total, "done": s.done, "overdue": s.overdue, "due_soon": s.due_soon, "light": light })
        })
        .collect();
    let html = state.render(
        "dashboard.html",
        serde_json::json!({
            "frame": frame(&state, &page),
            "totals": { "all": totals.0, "done": totals.1, "overdue": totals.2, "soon": totals.3 },
            "units": units,
            "overdue_count": overdue.len(),
            "next_week": rows(&next_week, today),
        }),
    )?;
    Ok(Html(html).into_response())
}

pub async fn my_obligations(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let scope = unit_scope(&page.user)?;
    let list = state.store.obligations(&ObligationFilter { unit: scope.clone(), ..Default::default() }).await?;
    let html = state.render(
        "my.html",
        serde_json::json!({
            "frame": frame(&state, &page),
            "title": if scope.is_some() { "我的任务" } else { "全部任务义务" },
            "rows": rows(&list, state.today()),
        }),
    )?;
    Ok(Html(html))
}

pub async fn obligation(State(state): State<AppState>, page: PageUser, Path(id): Path<i64>) -> AppResult<Html<String>> {
    let (o, access) = reports::find_obligation(&state, &page.user, id).await?;
    let tasks = state.store.tasks().await?;
    let task = tasks.iter().find(|t| t.seq == o.task_seq);
    let submissions = state.store.submissions(id).await?;
    let may_submit = access.submit && matches!(o.status.as_str(), "pending" | "returned");
    let may_review = access.review && o.status == "submitted";
    let row = rows(std::slice::from_ref(&o), state.today()).remove(0);
    let html = state.render(
        "obligation.html",
        serde_json::json!({
            "frame": frame(&state, &page), "o": row, "task": task, "recipient": o.recipient,
            "submissions": submissions, "may_submit": may_submit, "may_review": may_review,
            "max_mb": state.max_upload / (1024 * 1024), "returned": o.status == "returned",
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

/// 审核: accept, or return with a reason.
pub async fn review(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    reports::decide(&state, &page.user, id, &form.decision, &form.reason).await?;
    Ok(Redirect::to(&format!("/obligations/{id}")).into_response())
}

/// A file, to whoever may see the obligation it belongs to.
pub async fn download(State(state): State<AppState>, page: PageUser, Path(id): Path<i64>) -> AppResult<Response> {
    let (file, obligation_id) = state.store.attachment(id).await?.ok_or_else(AppError::not_found)?;
    reports::find_obligation(&state, &page.user, obligation_id).await?;
    let bytes = crate::files::read(&state.files_dir, &file.sha256)
        .map_err(|e| AppError::internal(format!("reading a file: {e}")))?;
    let disposition = format!("attachment; filename=\"file\"; filename*=UTF-8''{}", percent_encode(&file.file_name));
    Ok(([(CONTENT_TYPE, file.content_type), (axum::http::header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// 审核: reports waiting for this user's decision.
pub async fn review_queue(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let directory = state.store.directory().await?;
    let all = state.store.obligations(&ObligationFilter::default()).await?;
    let waiting: Vec<ObligationRow> =
        all.into_iter().filter(|o| o.status == "submitted" && auth::access(&page.user, o, &directory).review).collect();
    let html = state.render(
        "review.html",
        serde_json::json!({ "frame": frame(&state, &page), "rows": rows(&waiting, state.today()) }),
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
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let problem = if !secrets::verify_password(&form.current, &page.user.password_hash) {
        Some("当前密码不正确")
    } else if form.new.chars().count() < 8 {
        Some("新密码至少 8 个字符")
    } else if form.new != form.again {
        Some("两次输入的新密码不一致")
    } else if form.new == form.current {
        Some("新密码不能与当前密码相同")
    } else {
        None
    };
    if let Some(problem) = problem {
        let html = state.render(
            "password.html",
            serde_json::json!({ "frame": frame(&state, &page), "error": problem, "forced": page.user.must_change_password }),
        )?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, Html(html)).into_response());
    }
    let hash = secrets::hash_password(&form.new).map_err(|e| AppError::internal(e.to_string()))?;
    state.store.set_password(page.user.id, &hash, &page.user.login).await?;
    Ok(Redirect::to("/").into_response())
}

/// 任务清单: the list as written, beside how each cell was understood.
pub async fn tasks(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let tasks = state.store.tasks().await?;
    let html = state.render("tasks.html", serde_json::json!({ "frame": frame(&state, &page), "tasks": tasks }))?;
    Ok(Html(html))
}

/// One task with every unit's obligations (a unit's staff see their own).
pub async fn task(State(state): State<AppState>, page: PageUser, Path(seq): Path<i32>) -> AppResult<Html<String>> {
    let tasks = state.store.tasks().await?;
    let task = tasks.into_iter().find(|t| t.seq == seq).ok_or_else(AppError::not_found)?;
    let scope = unit_scope(&page.user)?;
    let all = state.store.obligations(&ObligationFilter { unit: scope, ..Default::default() }).await?;
    let own: Vec<ObligationRow> = all.into_iter().filter(|o| o.task_seq == seq).collect();
    let html = state.render(
        "task.html",
        serde_json::json!({ "frame": frame(&state, &page), "task": task, "rows": rows(&own, state.today()) }),
    )?;
    Ok(Html(html))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
}

/// 审计日志: who did what and when, for the office and the admin.
pub async fn audit_log(
    State(state): State<AppState>,
    page: PageUser,
    axum::extract::Query(query): axum::extract::Query<AuditQuery>,
) -> AppResult<Html<String>> {
    if !matches!(page.user.role, gongkai_domain::people::Role::Office | gongkai_domain::people::Role::Admin) {
        return Err(AppError::forbidden());
    }
    let actor = query.actor.filter(|a| !a.trim().is_empty());
    let action = query.action.filter(|a| !a.trim().is_empty());
    let entries = state.store.audit_entries(actor.as_deref(), action.as_deref(), 500).await?;
    let intact = state.store.verify_audit().await?;
    let html = state.render(
        "audit.html",
        serde_json::json!({
            "frame": frame(&state, &page), "entries": entries, "actor": actor, "action": action,
            "intact": intact.is_ok(), "problem": intact.err().map(|e| e.to_string()),
        }),
    )?;
    Ok(Html(html))
}
