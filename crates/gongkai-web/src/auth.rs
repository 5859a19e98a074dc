//! Who is asking: a session cookie for pages, a bearer token for scripts.
//! Both give the same `User`, and every handler checks scope against it.

use crate::error::AppError;
use crate::secrets;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::people::Role;
use gongkai_store::User;

pub const SESSION_COOKIE: &str = "gongkai_session";
pub const LOGIN_CSRF_COOKIE: &str = "gongkai_login_csrf";
/// Sessions last a working day and a half.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per login before it is locked for a while.
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A signed-in person on a page, with the token every form must carry.
pub struct PageUser {
    pub user: User,
    pub csrf: String,
}

impl PageUser {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if token.len() == self.csrf.len() && secrets::secret_hash(token) == secrets::secret_hash(&self.csrf) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(secret) = cookie(parts, SESSION_COOKIE) else {
            return Err(Redirect::to("/login").into_response());
        };
        match state.store.session(&secrets::secret_hash(&secret)).await {
            // A password set by someone else must be replaced before anything else.
            Ok(Some((user, _)))
                if user.must_change_password && !matches!(parts.uri.path(), "/password" | "/logout") =>
            {
                Err(Redirect::to("/password").into_response())
            }
            Ok(Some((user, csrf))) => Ok(PageUser { user, csrf }),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(err) => Err(AppError::from(err).into_response()),
        }
    }
}

/// An account whose password was set by someone else (a new account, a
/// reset) is refused by the API as by the pages until it is changed.
fn must_change_first() -> Response {
    AppError::new(axum::http::StatusCode::FORBIDDEN, "请先登录网页修改初始密码，再使用接口").as_json().into_response()
}

/// Whether the request reached us over HTTPS: always with
/// `--secure-cookies`; otherwise when a trusted proxy (by default one on
/// this machine) says so in `X-Forwarded-Proto: https`.
pub fn is_https(state: &AppState, parts: &Parts) -> bool {
    if state.secure_cookies {
        return true;
    }
    let from_proxy = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .is_some_and(|peer| state.trusted_proxies.contains(&peer.0.ip()));
    from_proxy
        && parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// A caller of the JSON API: a bearer token, or a page's session.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let refused = || AppError::unauthorized().as_json().into_response();
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let found = match (bearer, cookie(parts, SESSION_COOKIE)) {
            (Some(token), _) => state.store.user_by_token(&secrets::secret_hash(token)).await,
            (None, Some(secret)) => {
                state.store.session(&secrets::secret_hash(&secret)).await.map(|s| s.map(|(u, _)| u))
            }
            (None, None) => return Err(refused()),
        };
        match found {
            Ok(Some(user)) if user.must_change_password => Err(must_change_first()),
            Ok(Some(user)) => Ok(ApiUser(user)),
            Ok(None) => Err(refused()),
            Err(err) => Err(AppError::from(err).as_json().into_response()),
        }
    }
}

/// A caller that changes something through the API: a bearer token only,
/// so that a page's cookie can never be used to post across sites.
pub struct TokenUser(pub User);

impl FromRequestParts<AppState> for TokenUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let refused = || {
            AppError::new(axum::http::StatusCode::UNAUTHORIZED, "修改数据的接口需要 Authorization: Bearer 令牌")
                .as_json()
                .into_response()
        };
        let Some(token) = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
        else {
            return Err(refused());
        };
        match state.store.user_by_token(&secrets::secret_hash(token)).await {
            Ok(Some(user)) if user.must_change_password => Err(must_change_first()),
            Ok(Some(user)) => Ok(TokenUser(user)),
            Ok(None) => Err(refused()),
            Err(err) => Err(AppError::from(err).as_json().into_response()),
        }
    }
}

/// The unit whose work a user is limited to, if any. Office, viewer and admin
/// see the whole region; a handler or head only their unit.
pub fn unit_scope(user: &User) -> Result<Option<String>, AppError> {
    if !user.role.is_unit_bound() {
        return Ok(None);
    }
    user.unit.clone().map(Some).ok_or_else(AppError::forbidden)
}

/// Tasks as a user may read them: a unit's staff see the list's text and
/// their own unit among the bound ones, not which other units are bound.
pub fn scope_tasks(user: &User, mut tasks: Vec<gongkai_store::TaskRow>) -> Vec<gongkai_store::TaskRow> {
    if user.role.is_unit_bound() {
        for task in &mut tasks {
            task.units.retain(|u| Some(u) == user.unit.as_ref());
        }
    }
    tasks
}

/// Roles that may read the whole region's dashboards.
pub fn sees_region(role: Role) -> bool {
    matches!(role, Role::Office | Role::Viewer | Role::Admin)
}

/// Roles that run the programme: import lists, edit the directory, confirm
/// group members, change a plan's settings, read the audit log.
pub fn manages(role: Role) -> bool {
    matches!(role, Role::Office | Role::Admin)
}

/// What a user may do with one obligation, whatever its status.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Access {
    pub see: bool,
    pub submit: bool,
    /// The unit's head signs its reports off, where the plan asks for it.
    pub sign: bool,
    pub review: bool,
}

impl Access {
    /// Report now: nothing waiting, nothing accepted.
    pub fn may_submit(&self, o: &gongkai_store::ObligationRow) -> bool {
        self.submit && matches!(o.status.as_str(), "pending" | "returned")
    }

    pub fn may_sign(&self, o: &gongkai_store::ObligationRow) -> bool {
        self.sign && o.signoff && o.status == "submitted"
    }

    /// Decide now: a report waits, signed off where the plan asks for it.
    pub fn may_review(&self, o: &gongkai_store::ObligationRow) -> bool {
        self.review && o.status == if o.signoff { "signed" } else { "submitted" }
    }
}

/// A unit's staff see and report their own unit's work; the office reviews
/// everything; the unit a milestone reports to (区民政局 for the towns' 村居
/// reports) reviews those reports too.
pub fn access(user: &User, o: &gongkai_store::ObligationRow, directory: &gongkai_domain::units::Directory) -> Access {
    let own_unit = user.unit.as_deref() == Some(o.unit.as_str());
    let submit = user.role.is_unit_bound() && own_unit;
    let recipient = o.recipient.as_deref().and_then(|r| directory.find(r)).map(|u| u.name.as_str());
    let recipient_staff =
        user.role.is_unit_bound() && recipient.is_some() && user.unit.as_deref() == recipient && !own_unit;
    let review = user.role == Role::Office || recipient_staff;
    let sign = user.role == Role::Head && own_unit && o.signoff;
    Access { see: !user.role.is_unit_bound() || submit || review, submit, sign, review }
}
