//! Who is asking: a session cookie for pages, a bearer token for scripts.
//! Both give the same `User`, and every handler checks scope against it.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_app::secrets;
use gongkai_store::User;

pub const SESSION_COOKIE: &str = "gongkai_session";
pub const LOGIN_CSRF_COOKIE: &str = "gongkai_login_csrf";

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
    AppError::new(axum::http::StatusCode::FORBIDDEN, "请先登录网页修改初始密码，再使用接口").into_response()
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
        let refused = || AppError::unauthorized().into_response();
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
            Err(err) => Err(AppError::from(err).into_response()),
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
            Err(err) => Err(AppError::from(err).into_response()),
        }
    }
}

pub use gongkai_app::access::{Access, access, manages, scope_tasks, sees_region};

/// The unit whose work a user is limited to, if any.
pub fn unit_scope(user: &User) -> Result<Option<String>, AppError> {
    Ok(gongkai_app::access::unit_scope(user)?)
}
