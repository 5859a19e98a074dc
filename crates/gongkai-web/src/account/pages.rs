//! Credentials with a lifecycle: everyone lists, creates (with an expiry)
//! and revokes their own API tokens; the administrator lists accounts,
//! creates them, disables and enables them, and resets passwords (a
//! one-time password shown once, every session of the account ended).

use crate::auth::PageUser;
use crate::auth::{self, cookie};
use crate::error::{AppError, AppResult, FormBody};
use crate::page::{frame, frame_json};
use crate::state::AppState;
use axum::extract::ConnectInfo;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use gongkai_app::people::{self, SignIn};
use gongkai_app::secrets;
use gongkai_domain::input;
use gongkai_domain::people::Role;
use gongkai_store::{NewUser, TokenRow, UserId};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// How long a new token lasts, as offered on the page (days; 0 never ends).
const TOKEN_DAYS: [i64; 5] = [30, 90, 180, 365, 0];

fn token_view(t: &TokenRow) -> serde_json::Value {
    let state = t.state_label(Utc::now());
    let day = |d: chrono::DateTime<Utc>| gongkai_domain::calendar::china_day_time(d);
    serde_json::json!({
        "id": t.id, "owner": format!("{}（{}）", t.display_name, t.login), "name": t.name,
        "created": day(t.created_at), "expires": t.expires_at.map(day).unwrap_or_else(|| "长期有效".into()),
        "state": state, "live": state == "有效",
    })
}

async fn render_tokens(state: &AppState, page: &PageUser, new_token: Option<String>) -> AppResult<Html<String>> {
    let admin = page.user.role == Role::Admin;
    let tokens = state.store.tokens(if admin { None } else { Some(page.user.id) }).await?;
    let tokens: Vec<serde_json::Value> = tokens.iter().map(token_view).collect();
    let html = state.render(
        "account/tokens.html",
        serde_json::json!({
            "frame": frame_json(state, page), "tokens": tokens, "new_token": new_token, "admin": admin,
            "days": TOKEN_DAYS,
        }),
    )?;
    Ok(Html(html))
}

/// 接口令牌: the user's tokens (the administrator's page lists everyone's).
pub async fn tokens_page(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    render_tokens(&state, &page, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

/// A new token for the signed-in user, shown this once.
pub async fn create_token(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<TokenForm>,
) -> AppResult<Html<String>> {
    page.check_csrf(&form.csrf)?;
    let name = input::TITLE.clean(&form.name)?;
    let days: i64 = form
        .days
        .trim()
        .parse()
        .ok()
        .filter(|d| TOKEN_DAYS.contains(d))
        .ok_or_else(|| AppError::bad_request("请选择令牌的有效期（30、90、180、365 天或长期）"))?;
    let expires_at = (days > 0).then(|| Utc::now() + Duration::days(days));
    let token = secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    let name = if name.is_empty() { "未命名".to_string() } else { name };
    state.store.create_token(page.user.id, &secrets::secret_hash(&token), &name, expires_at, &page.user.login).await?;
    render_tokens(&state, &page, Some(token)).await
}

/// Revokes one of the user's tokens (the administrator: anyone's).
pub async fn revoke_token(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<i64>,
    FormBody(form): FormBody<CsrfOnly>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let owner = (page.user.role != Role::Admin).then_some(page.user.id);
    state.store.revoke_token(id, owner, &page.user.login).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

fn admin_only(page: &PageUser) -> AppResult<()> {
    if page.user.role == Role::Admin { Ok(()) } else { Err(AppError::forbidden()) }
}

async fn render_users(
    state: &AppState,
    page: &PageUser,
    shown: Option<serde_json::Value>,
    error: Option<String>,
) -> AppResult<Response> {
    let users: Vec<serde_json::Value> = state
        .store
        .users()
        .await?
        .iter()
        .map(|u| {
            serde_json::json!({
                "id": u.id, "login": u.login, "name": u.display_name, "role": u.role.label(), "unit": u.unit,
                "disabled": u.disabled, "status": u.state_label(), "me": u.id == page.user.id,
            })
        })
        .collect();
    let roles: Vec<serde_json::Value> =
        Role::ALL.iter().map(|r| serde_json::json!({ "value": r.as_str(), "label": r.label() })).collect();
    let units: Vec<String> = state.directory().await?.units().iter().map(|u| u.name.clone()).collect();
    let status = if error.is_some() { axum::http::StatusCode::BAD_REQUEST } else { axum::http::StatusCode::OK };
    let html = state.render(
        "account/users.html",
        serde_json::json!({
            "frame": frame_json(state, page), "users": users, "roles": roles, "units": units,
            "shown": shown, "error": error,
        }),
    )?;
    Ok((status, Html(html)).into_response())
}

/// 账号管理 (the administrator).
pub async fn users_page(State(state): State<AppState>, page: PageUser) -> AppResult<Response> {
    admin_only(&page)?;
    render_users(&state, &page, None, None).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

/// A new account with a one-time password, shown once.
pub async fn create_user(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<NewUserForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    admin_only(&page)?;
    let checked = || -> AppResult<NewUser> {
        let login = input::LOGIN.clean(&form.login)?;
        if login.is_empty() || login.contains(char::is_whitespace) {
            return Err(AppError::bad_request("登录名不能为空，也不能含有空格"));
        }
        let role: Role = form.role.parse().map_err(AppError::bad_request)?;
        let unit = Some(input::UNIT_NAME.clean(&form.unit)?).filter(|u| !u.is_empty() && role.is_unit_bound());
        let display_name = input::DISPLAY_NAME.clean(&form.name)?;
        if display_name.is_empty() {
            return Err(AppError::bad_request("请填写姓名：页面、通知和审计日志上显示姓名，而不是登录名"));
        }
        Ok(NewUser { display_name, login, role, unit, password_hash: String::new(), must_change_password: true })
    };
    let mut new = match checked() {
        Ok(new) => new,
        Err(err) => return render_users(&state, &page, None, Some(err.message)).await,
    };
    let password = secrets::new_password().map_err(|e| AppError::internal(e.to_string()))?;
    new.password_hash = secrets::hash_password(&password).map_err(|e| AppError::internal(e.to_string()))?;
    match state.store.create_user(&new, &page.user.login).await {
        Ok(_) => {
            let shown = serde_json::json!({ "login": new.login, "password": password, "created": true });
            render_users(&state, &page, Some(shown), None).await
        }
        Err(gongkai_store::StoreError::Invalid(message) | gongkai_store::StoreError::NotFound(message)) => {
            render_users(&state, &page, None, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn set_disabled(
    state: &AppState,
    page: &PageUser,
    id: UserId,
    csrf: &str,
    disabled: bool,
) -> AppResult<Response> {
    page.check_csrf(csrf)?;
    admin_only(page)?;
    if disabled && id == page.user.id {
        return Err(AppError::bad_request("不能停用自己正在使用的账号"));
    }
    state.store.set_disabled(id, disabled, &page.user.login).await?;
    Ok(Redirect::to("/users").into_response())
}

pub async fn disable(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<UserId>,
    FormBody(form): FormBody<CsrfOnly>,
) -> AppResult<Response> {
    set_disabled(&state, &page, id, &form.csrf, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<UserId>,
    FormBody(form): FormBody<CsrfOnly>,
) -> AppResult<Response> {
    set_disabled(&state, &page, id, &form.csrf, false).await
}

#[derive(Deserialize)]
pub struct NameForm {
    csrf: String,
    #[serde(default)]
    name: String,
}

/// 改姓名: the administrator writes the name people see instead of the login.
pub async fn rename(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<UserId>,
    FormBody(form): FormBody<NameForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    admin_only(&page)?;
    let name = match input::DISPLAY_NAME.clean(&form.name) {
        Ok(name) if !name.is_empty() => name,
        Ok(_) => return render_users(&state, &page, None, Some("姓名不能为空".into())).await,
        Err(err) => return render_users(&state, &page, None, Some(err.to_string())).await,
    };
    state.store.rename_user(id, &name, &page.user.login).await?;
    Ok(Redirect::to("/users").into_response())
}

/// A one-time password for the account, shown once; it must be changed at
/// the next sign-in and every session of the account ends.
pub async fn reset(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<UserId>,
    FormBody(form): FormBody<CsrfOnly>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    admin_only(&page)?;
    let user = state.store.users().await?.into_iter().find(|u| u.id == id).ok_or_else(AppError::not_found)?;
    let password = secrets::new_password().map_err(|e| AppError::internal(e.to_string()))?;
    let hash = secrets::hash_password(&password).map_err(|e| AppError::internal(e.to_string()))?;
    state.store.reset_password(id, &hash, &page.user.login).await?;
    let shown = serde_json::json!({ "login": user.login, "password": password, "created": false });
    render_users(&state, &page, Some(shown), None).await
}

fn session_cookie(secure: bool, value: &str, max_age: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}", auth::SESSION_COOKIE)
}

pub async fn login_page(State(state): State<AppState>, parts: Parts) -> AppResult<Response> {
    let csrf = secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    let page = state.render("account/login.html", serde_json::json!({ "csrf": csrf, "error": null, "login": "" }))?;
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
        let page = state
            .render("account/login.html", serde_json::json!({ "csrf": form.csrf, "error": message, "login": shown }))?;
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

pub async fn password_page(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let html = state.render(
        "account/password.html",
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
                "account/password.html",
                serde_json::json!({ "frame": frame(&state, &page), "error": problem, "forced": page.user.must_change_password }),
            )?;
            Ok((axum::http::StatusCode::BAD_REQUEST, Html(html)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
