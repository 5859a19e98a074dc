//! The one route table, assembled from the areas' own (`<area>::routes`):
//! public pages, signed-in pages and the JSON API, each group with its
//! layers, and security headers on every answer.

use crate::routes::{Group, Routes};
use crate::state::AppState;
use crate::{
    account, assessment, audit, calendar, catalogues, directory, documents, foi, import, inspection, ledger, page,
    plans, public, reports, supervision,
};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Forms and JSON bodies; the upload routes set their own, larger limit.
fn form_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_BODY_BYTES)
}

/// Every area's routes, in one table.
fn table(max_upload: usize) -> Routes {
    let routes = Routes::new(max_upload)
        .get(Group::Public, "/static/site.css", page::stylesheet)
        .get(Group::Public, "/static/site.js", page::script)
        .get(Group::Api, "/api/v1/openapi.json", openapi);
    let areas: [fn(Routes) -> Routes; 16] = [
        account::routes,
        ledger::routes,
        reports::routes,
        plans::routes,
        import::routes,
        directory::routes,
        supervision::routes,
        assessment::routes,
        documents::routes,
        catalogues::routes,
        inspection::routes,
        foi::routes,
        calendar::routes,
        audit::routes,
        public::routes,
        dashboard_api,
    ];
    areas.into_iter().fold(routes, |routes, area| area(routes))
}

/// The office dashboard's numbers for scripts (the page is the 工作台).
fn dashboard_api(routes: Routes) -> Routes {
    routes.get(Group::Api, "/api/v1/dashboard", ledger::api::dashboard)
}

/// Every route the router serves, as its areas declared them.
pub fn route_list() -> Vec<crate::routes::RouteInfo> {
    table(50 * 1024 * 1024).into_list()
}

/// The OpenAPI description of the API, kept beside the code as JSON.
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json")).into_response()
}

pub fn router(state: AppState) -> Router {
    let (public, pages, api) = table(state.max_upload).into_groups();
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    // What a signed-in person sees is theirs: no browser or proxy keeps it.
    let private = || SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let refusals = || axum::middleware::map_response(crate::error::plain_refusals);
    public
        .merge(pages.layer(private()).layer(refusals()))
        .merge(api.layer(private()).layer(refusals()).layer(axum::middleware::map_response(crate::error::json_errors)))
        .fallback(page::not_found)
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
        let answer = crate::error::AppError::bad_request("地址中含有空字符（NUL）").into_response();
        // Outside the groups: the API's answers are JSON here too.
        return if request.uri().path().starts_with("/api/") {
            crate::error::json_errors(answer).await
        } else {
            answer
        };
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
