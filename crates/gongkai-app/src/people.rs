//! Signing in and what a person does with their own credentials: every
//! attempt counted in the database before the password is checked, unknown
//! logins checked against a dummy hash, passwords that pass the policy,
//! sessions that end when the password changes.

use crate::{App, Error, Result, secrets};
use chrono::{Duration, Utc};
use gongkai_store::User;

/// Failed sign-ins allowed per login within [`LOCK_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;
/// Sessions last a working day and a half.
pub const SESSION_HOURS: i64 = 12;

/// How a sign-in went.
pub enum SignIn {
    /// The session's secret (for the cookie) and its CSRF token.
    Signed {
        user: User,
        secret: String,
    },
    Refused,
    /// Too many attempts for this login within the window.
    Locked,
}

/// Signs in `typed` (the login as typed) with `password`, from `from` (an
/// address, for the log). What the log keeps of the login is at most 64
/// characters.
pub async fn sign_in(app: &App, typed: &str, password: &str, from: &str) -> Result<SignIn> {
    let limit = gongkai_domain::input::LOGIN.max_chars;
    let typed: String = typed.trim().chars().filter(|c| !c.is_control()).collect();
    let too_long = typed.chars().count() > limit || password.len() > 1024;
    let login: String = typed.chars().take(limit).collect();
    if !app.store.count_login_attempt(&login, MAX_FAILURES, Duration::minutes(LOCK_MINUTES)).await? {
        app.store.record_login(&login, false, from).await?;
        return Ok(SignIn::Locked);
    }
    let user = if too_long { None } else { app.store.user_by_login(&login).await? };
    let hash = user.as_ref().filter(|u| !u.disabled).map(|u| u.password_hash.clone());
    let password = password.to_string();
    // Argon2 takes tens of milliseconds: off the async threads.
    let verified = tokio::task::spawn_blocking(move || secrets::check_sign_in(&password, hash.as_deref()))
        .await
        .map_err(Error::internal)?;
    let Some(user) = user.filter(|_| verified) else {
        app.store.record_login(&login, false, from).await?;
        return Ok(SignIn::Refused);
    };
    app.store.clear_login_attempts(&login).await?;
    let secret = secrets::new_secret().map_err(Error::internal)?;
    let csrf = secrets::new_secret().map_err(Error::internal)?;
    let expires = Utc::now() + Duration::hours(SESSION_HOURS);
    app.store.create_session(&secrets::secret_hash(&secret), user.id, &csrf, expires).await?;
    app.store.record_login(&login, true, from).await?;
    Ok(SignIn::Signed { user, secret })
}

/// Changes the user's own password after checking the current one and the
/// policy; every other session of the user ends (`keep` is the one in use,
/// by its stored hash). The error says what is wrong.
pub async fn change_password(
    app: &App,
    user: &User,
    current: &str,
    new: &str,
    again: &str,
    keep: Option<&str>,
) -> Result<()> {
    let (typed, hash) = (current.to_string(), user.password_hash.clone());
    let current_ok =
        tokio::task::spawn_blocking(move || secrets::verify_password(&typed, &hash)).await.map_err(Error::internal)?;
    let problem = if !current_ok {
        Some("当前密码不正确".to_string())
    } else if new != again {
        Some("两次输入的新密码不一致".to_string())
    } else if new == current {
        Some("新密码不能与当前密码相同".to_string())
    } else {
        gongkai_domain::people::password_problem(new, &user.login)
    };
    if let Some(problem) = problem {
        return Err(Error::Invalid(problem));
    }
    let hash = secrets::hash_password(new).map_err(Error::internal)?;
    app.store.set_password(user.id, &hash, keep, &user.login).await?;
    Ok(())
}
