//! Server-rendered pages in Simplified Chinese. GET renders; POST acts and
//! answers 303 See Other. Every form carries the session's CSRF token.

use crate::auth::{self, LOCK_MINUTES, MAX_FAILURES, PageUser, SESSION_HOURS, cookie, sees_region, unit_scope};
use crate::error::{AppError, AppResult};
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
    today: String,
}

fn frame<'a>(state: &AppState, page: &'a PageUser) -> Frame<'a> {
    Frame {
        login: &page.user.login,
        name: &page.user.display_name,
        role: page.user.role.label(),
        unit: page.user.unit.as_deref(),
        csrf: &page.csrf,
        sees_region: sees_region(page.user.role),
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
    let scope = unit_scope(&page.user)?;
    let found = state.store.obligations(&ObligationFilter { unit: scope, id: Some(id), ..Default::default() }).await?;
    let Some(o) = found.into_iter().next() else {
        return Err(AppError::not_found());
    };
    let tasks = state.store.tasks().await?;
    let task = tasks.iter().find(|t| t.seq == o.task_seq);
    let row = rows(std::slice::from_ref(&o), state.today()).remove(0);
    let html = state
        .render("obligation.html", serde_json::json!({ "frame": frame(&state, &page), "o": row, "task": task }))?;
    Ok(Html(html))
}
