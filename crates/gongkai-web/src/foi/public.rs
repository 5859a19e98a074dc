//! The public's side of 依申请公开 (no sign-in): the application form,
//! which files a 网络 request the unit then confirms, and the status query
//! by receipt number, which says where the request stands and nothing
//! about who asked or what. Both are limited per address (see `Limits`).

use crate::auth::{self, cookie};
use crate::error::{AppError, AppResult, FormBody};
use crate::state::AppState;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use gongkai_app::foi;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

const APPLY_CSRF_COOKIE: &str = "gongkai_apply_csrf";

/// How often one address may apply and query: 10 applications an hour, 30
/// queries a minute. Kept by each server in memory (several servers each
/// allow as much); addresses not seen lately are forgotten.
pub struct Limits {
    apply: DefaultKeyedRateLimiter<IpAddr>,
    status: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for Limits {
    fn default() -> Limits {
        let ten = NonZeroU32::MIN.saturating_add(9);
        let thirty = NonZeroU32::MIN.saturating_add(29);
        Limits {
            apply: RateLimiter::keyed(Quota::per_hour(ten)),
            status: RateLimiter::keyed(Quota::per_minute(thirty)),
        }
    }
}

impl Limits {
    fn allow(limiter: &DefaultKeyedRateLimiter<IpAddr>, from: IpAddr) -> Result<(), AppError> {
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&from).map_err(|_| AppError::new(StatusCode::TOO_MANY_REQUESTS, "操作过于频繁，请稍后再试"))
    }
}

/// The caller's address: the peer's, or where a trusted proxy says the
/// request came from (the last address in its `X-Forwarded-For`).
fn caller(state: &AppState, parts: &Parts, peer: SocketAddr) -> IpAddr {
    if !state.trusted_proxies.contains(&peer.ip()) {
        return peer.ip();
    }
    parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer.ip())
}

#[derive(Deserialize, Default, serde::Serialize)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    applicant_kind: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    text: String,
}

async fn form_page(
    state: &AppState,
    parts: &Parts,
    typed: &ApplyForm,
    error: &str,
    status: StatusCode,
) -> AppResult<Response> {
    let csrf = gongkai_app::secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    let units: Vec<String> = state.directory().await?.units().iter().map(|u| u.name.clone()).collect();
    let page = state.render(
        "foi/apply.html",
        serde_json::json!({
            "frame": null, "csrf": csrf, "units": units, "kinds": gongkai_domain::annual_report::TABLE3_COLUMNS[..6].to_vec(),
            "typed": typed, "error": error, "max_text": foi::MAX_TEXT,
        }),
    )?;
    let secure = if auth::is_https(state, parts) { "; Secure" } else { "" };
    let cookie =
        format!("{APPLY_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/public/apply; Max-Age=7200{secure}");
    Ok((status, [(SET_COOKIE, cookie)], Html(page)).into_response())
}

pub async fn form(State(state): State<AppState>, parts: Parts) -> AppResult<Response> {
    let typed = ApplyForm { applicant_kind: "自然人".into(), ..ApplyForm::default() };
    form_page(&state, &parts, &typed, "", StatusCode::OK).await
}

/// 提交申请: answers the receipt number to keep.
pub async fn apply(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    parts: Parts,
    FormBody(form): FormBody<ApplyForm>,
) -> AppResult<Response> {
    if form.csrf.is_empty() || cookie(&parts, APPLY_CSRF_COOKIE).as_deref() != Some(form.csrf.as_str()) {
        return Err(AppError::bad_request("申请页面已过期，请刷新后重新填写提交"));
    }
    Limits::allow(&state.public_limits.apply, caller(&state, &parts, peer))?;
    let application = foi::Application {
        // The form page's token is also its key: the same page sent twice files one request.
        submission_key: form.csrf.clone(),
        unit: form.unit.clone(),
        applicant_kind: form.applicant_kind.clone(),
        applicant: form.applicant.clone(),
        contact: form.contact.clone(),
        text: form.text.clone(),
    };
    match foi::apply(&state, &application).await {
        Ok(number) => {
            let unit = state.directory().await?.find(&form.unit).map(|u| u.name.clone()).unwrap_or_default();
            let page = state.render(
                "foi/applied.html",
                serde_json::json!({ "frame": null, "number": number, "unit": unit, "today": state.today().to_string() }),
            )?;
            Ok(Html(page).into_response())
        }
        Err(gongkai_app::Error::Invalid(message)) => {
            form_page(&state, &parts, &form, &message, StatusCode::BAD_REQUEST).await
        }
        Err(gongkai_app::Error::Conflict(message)) => {
            form_page(&state, &parts, &form, &message, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct StatusQuery {
    #[serde(default)]
    number: Option<String>,
}

/// 查询办理进度: by receipt number only.
pub async fn status(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    parts: Parts,
    Query(query): Query<StatusQuery>,
) -> AppResult<Response> {
    let asked = query.number.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let found = match asked {
        Some(number) => {
            Limits::allow(&state.public_limits.status, caller(&state, &parts, peer))?;
            Some(foi::public_status(&state, number).await?)
        }
        None => None,
    };
    let page = state.render(
        "foi/status.html",
        serde_json::json!({
            "frame": null,
            "asked": asked.map(|n| n.chars().take(40).collect::<String>()),
            "found": found.flatten(),
        }),
    )?;
    Ok(Html(page).into_response())
}
