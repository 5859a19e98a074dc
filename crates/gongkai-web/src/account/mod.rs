//! 账号: signing in and out, one's own password and API tokens (接口令牌), and
//! the administrator's 账号管理. The rules are `gongkai_app::people`.
//!
//! May use: the shared pieces; `gongkai_app::people` and `secrets`.

pub mod api;
pub mod pages;

use crate::routes::{Group, Routes};

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Public, "/login", pages::login_page)
        .post(Group::Public, "/login", pages::login)
        .post(Group::Pages, "/logout", pages::logout)
        .get(Group::Pages, "/password", pages::password_page)
        .post(Group::Pages, "/password", pages::change_password)
        .get(Group::Pages, "/account/tokens", pages::tokens_page)
        .post(Group::Pages, "/account/tokens", pages::create_token)
        .post(Group::Pages, "/account/tokens/{id}/revoke", pages::revoke_token)
        .get(Group::Pages, "/users", pages::users_page)
        .post(Group::Pages, "/users", pages::create_user)
        .post(Group::Pages, "/users/{id}/disable", pages::disable)
        .post(Group::Pages, "/users/{id}/enable", pages::enable)
        .post(Group::Pages, "/users/{id}/reset", pages::reset)
        .post(Group::Pages, "/users/{id}/name", pages::rename)
        .get(Group::Api, "/api/v1/me", api::me)
}
