//! How an area declares its routes: a table that knows each route's group
//! (who may call it, how its errors answer) and whether it takes files, so
//! that the router is assembled from the areas and tests read the routes
//! from it. Depends on nothing of the areas.

use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{MethodRouter, get, post};
use std::convert::Infallible;

/// Requests that carry files (reports with evidence, task lists) are held in
/// memory while they are checked: at most this many at once, the rest wait
/// their turn, so that many large uploads cannot exhaust the machine.
pub const UPLOADS_AT_ONCE: usize = 8;

/// Which group a route is in: who may call it (anyone, a signed-in page,
/// an API caller) and how its errors answer (pages, or JSON for the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Public,
    Pages,
    Api,
}

/// One route as the table holds it, for tests and documentation.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub group: Group,
    /// Takes files (multipart), within a larger body limit.
    pub upload: bool,
}

/// The route table as the areas build it: each area adds its pages and
/// API routes (`<area>::routes`), and the table remembers every route it
/// was given, so that tests read the routes from the router itself.
pub struct Routes {
    public: Router<AppState>,
    pages: Router<AppState>,
    api: Router<AppState>,
    list: Vec<RouteInfo>,
    /// Evidence files at most (`--max-upload-mb`), in bytes.
    max_upload: usize,
    uploads: tower::limit::GlobalConcurrencyLimitLayer,
}

impl Routes {
    pub fn new(max_upload: usize) -> Routes {
        Routes {
            public: Router::new(),
            pages: Router::new(),
            api: Router::new(),
            list: Vec::new(),
            max_upload,
            uploads: tower::limit::GlobalConcurrencyLimitLayer::new(UPLOADS_AT_ONCE),
        }
    }

    /// The three groups' routers: public, signed-in pages, API.
    pub fn into_groups(self) -> (Router<AppState>, Router<AppState>, Router<AppState>) {
        (self.public, self.pages, self.api)
    }

    /// Every route added, in order.
    pub fn into_list(self) -> Vec<RouteInfo> {
        self.list
    }

    /// A report with its evidence files, as one request at most.
    pub fn evidence_request_bytes(&self) -> usize {
        self.max_upload + 1024 * 1024
    }

    fn add(mut self, group: Group, method: &'static str, path: &'static str, route: MethodRouter<AppState>) -> Routes {
        self.list.push(RouteInfo { method, path, group, upload: false });
        match group {
            Group::Public => self.public = self.public.route(path, route),
            Group::Pages => self.pages = self.pages.route(path, route),
            Group::Api => self.api = self.api.route(path, route),
        }
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, group: Group, path: &'static str, handler: H) -> Routes {
        self.add(group, "GET", path, get(handler))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, group: Group, path: &'static str, handler: H) -> Routes {
        self.add(group, "POST", path, post(handler))
    }

    /// A POST that carries files: up to `max_bytes` in all, and at most
    /// [`UPLOADS_AT_ONCE`] of them handled at once across the server.
    pub fn upload<H: Handler<T, AppState>, T: 'static>(
        self,
        group: Group,
        path: &'static str,
        handler: H,
        max_bytes: usize,
    ) -> Routes {
        let route = post(handler).layer::<_, Infallible>(DefaultBodyLimit::max(max_bytes)).layer(self.uploads.clone());
        let mut routes = self.add(group, "POST", path, route);
        if let Some(last) = routes.list.last_mut() {
            last.upload = true;
        }
        routes
    }
}
