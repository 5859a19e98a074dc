//! The one route table: public pages, signed-in pages, and the JSON API,
//! with security headers on every answer.

use crate::state::AppState;
use crate::{account, api, assessment, calendar, directory, documents, import, pages, public, supervision};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::convert::Infallible;
use tower_http::set_header::SetResponseHeaderLayer;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Forms and JSON bodies; the upload routes set their own, larger limit.
fn form_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BODY_BYTES)
}

/// Requests that carry files (reports with evidence, task lists) are held in
/// memory while they are checked: at most this many at once, the rest wait
/// their turn, so that many large uploads cannot exhaust the machine.
pub const UPLOADS_AT_ONCE: usize = 8;

pub fn router(state: AppState) -> Router {
    let uploads = tower::limit::GlobalConcurrencyLimitLayer::new(UPLOADS_AT_ONCE);
    let public = Router::new()
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/static/site.css", get(pages::stylesheet))
        .route("/feeds/{file}", get(calendar::feed))
        .route("/public", get(public::index))
        .route("/public/plans/{id}", get(public::progress))
        .route("/public/calendars/{file}", get(public::calendar));
    let signed_in = Router::new()
        .route("/", get(pages::home))
        .route("/logout", post(pages::logout))
        .route("/my", get(pages::my_obligations))
        .route("/obligations/{id}", get(pages::obligation))
        .route(
            "/obligations/{id}/submit",
            post(pages::submit)
                .layer::<_, Infallible>(DefaultBodyLimit::max(state.max_upload + 1024 * 1024))
                .layer(uploads.clone()),
        )
        .route("/obligations/{id}/review", post(pages::review))
        .route("/obligations/{id}/notice", post(supervision::issue_page))
        .route("/obligations/{id}/public", post(pages::make_public))
        .route("/obligations/{id}/extension", post(supervision::request_page))
        .route("/obligations/{id}/extension/decision", post(supervision::decide_page))
        .route("/scores", get(assessment::page))
        .route("/exports/ledger.xlsx", get(documents::ledger_download))
        .route("/exports/self-inspection", get(documents::self_inspection_download))
        .route("/exports/bulletin", get(documents::bulletin_download))
        .route("/plans/{id}/scoring", get(assessment::rule_page).post(assessment::save_rule_page))
        .route("/plans/{id}/bonus", post(assessment::award_page))
        .route("/notices", get(supervision::list_page))
        .route("/notices/{id}", get(supervision::notice_page))
        .route("/files/{id}", get(pages::download))
        .route("/review", get(pages::review_queue))
        .route("/password", get(pages::password_page).post(pages::change_password))
        .route("/account/tokens", get(account::tokens_page).post(account::create_token_page))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token_page))
        .route("/users", get(account::users_page).post(account::create_user_page))
        .route("/users/{id}/disable", post(account::disable_page))
        .route("/users/{id}/enable", post(account::enable_page))
        .route("/users/{id}/reset", post(account::reset_page))
        .route("/tasks", get(pages::tasks))
        .route("/tasks/{id}", get(pages::task))
        .route("/tasks/{id}/members", post(directory::members))
        .route("/plans/{id}/settings", post(pages::plan_settings))
        .route("/units", get(directory::list).post(directory::save))
        .route("/units/edit", get(directory::edit))
        .route("/units/contact", post(directory::contact_page))
        .route(
            "/import",
            get(import::page)
                .post(import::upload)
                .layer::<_, Infallible>(DefaultBodyLimit::max(import::MAX_REQUEST_BYTES))
                .layer(uploads.clone()),
        )
        .route("/audit", get(pages::audit_log))
        .route("/calendar", get(calendar::month))
        .route("/calendar/feed", post(calendar::new_feed));
    let api = Router::new()
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/obligations", get(api::obligations))
        .route("/api/v1/obligations/{id}", get(api::obligation))
        .route(
            "/api/v1/obligations/{id}/submissions",
            get(api::submissions)
                .post(api::submit)
                .layer::<_, Infallible>(DefaultBodyLimit::max(state.max_upload + 1024 * 1024))
                .layer(uploads.clone()),
        )
        .route("/api/v1/obligations/{id}/review", post(api::review))
        .route("/api/v1/dashboard", get(api::dashboard))
        .route("/api/v1/plans", get(api::plans))
        .route("/api/v1/plans/{id}", post(api::plan_settings))
        .route("/api/v1/tasks", get(api::tasks))
        .route("/api/v1/tasks/{id}", get(api::task))
        .route("/api/v1/tasks/{id}/members", post(directory::api_members))
        .route("/api/v1/units", get(directory::api_list).post(directory::api_save))
        .route("/api/v1/units/contact", post(directory::api_contact))
        .route(
            "/api/v1/imports",
            post(import::api)
                .layer::<_, Infallible>(DefaultBodyLimit::max(import::MAX_REQUEST_BYTES))
                .layer(uploads.clone()),
        )
        .route("/api/v1/audit", get(api::audit))
        .route("/api/v1/calendar/feeds", post(calendar::api_new_feed))
        .route("/api/v1/notices", get(supervision::api_notices))
        .route("/api/v1/notices/{id}", get(supervision::api_notice))
        .route("/api/v1/obligations/{id}/notice", post(supervision::api_issue))
        .route("/api/v1/obligations/{id}/extensions", get(supervision::api_extensions).post(supervision::api_request))
        .route("/api/v1/obligations/{id}/extensions/decision", post(supervision::api_decide))
        .route("/api/v1/inbox", get(supervision::api_inbox))
        .route("/api/v1/scores", get(assessment::api_scores))
        .route("/api/v1/plans/{id}/scoring", get(assessment::api_rule).post(assessment::api_save_rule))
        .route("/api/v1/plans/{id}/bonus", post(assessment::api_award));
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    // What a signed-in person sees is theirs: no browser or proxy keeps it.
    let private = || SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    public
        .merge(signed_in.layer(private()))
        .merge(api.layer(private()))
        .fallback(pages::not_found)
        .layer(form_limit())
        .layer(axum::middleware::from_fn(refuse_nul_in_address))
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .with_state(state)
}

/// A form or JSON body at most: the longest text field (a report, 20,000
/// characters) percent-encoded, with room to spare.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A NUL in the address (`%00` in a path or query) is refused before any
/// handler reads it, on every route.
async fn refuse_nul_in_address(request: Request, next: Next) -> Response {
    let address = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or_default();
    if address.as_bytes().windows(3).any(|w| w == b"%00") {
        let json = request.uri().path().starts_with("/api/");
        let error = crate::error::AppError::bad_request("地址中含有空字符（NUL）");
        return if json { error.as_json() } else { error }.into_response();
    }
    next.run(request).await
}

/// Serves on `listener` until `shutdown` resolves; tests bind port 0.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
