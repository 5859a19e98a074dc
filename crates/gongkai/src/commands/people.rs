//! `gongkai user add|list|disable|enable|reset-password` and
//! `gongkai token create|list|revoke`.

use crate::cli::{TokenCommand, UserCommand};
use anyhow::Context;
use gongkai_app::secrets;
use gongkai_domain::input;
use gongkai_domain::people::Role;
use gongkai_store::{NewUser, Store, StoreError, User};
use std::io::{BufRead, Read};
use std::process::ExitCode;

/// The account, or a message and exit 1.
async fn account(store: &Store, login: &str) -> anyhow::Result<Option<User>> {
    let user = store.user_by_login(login).await?;
    if user.is_none() {
        eprintln!("没有账号“{login}”。可用 gongkai user list 查看账号。");
    }
    Ok(user)
}

pub async fn user(store: &Store, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { login, role, unit, name, password_stdin } => {
            add(store, login, role, unit, name, password_stdin).await
        }
        UserCommand::List { json } => {
            let users = store.users().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                for u in &users {
                    let state = u.state_label();
                    println!(
                        "{:<16} {:<12} {:<8} {:<8} {}",
                        u.login,
                        u.display_name,
                        u.role.label(),
                        state,
                        u.unit.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Disable { login } => {
            let Some(user) = account(store, &login).await? else { return Ok(ExitCode::FAILURE) };
            store.set_disabled(user.id, true, &super::cli_actor()).await?;
            println!("已停用账号 {login}：其登录已失效，接口令牌不再可用。");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Enable { login } => {
            let Some(user) = account(store, &login).await? else { return Ok(ExitCode::FAILURE) };
            store.set_disabled(user.id, false, &super::cli_actor()).await?;
            println!("已启用账号 {login}。");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::ResetPassword { login } => {
            let Some(user) = account(store, &login).await? else { return Ok(ExitCode::FAILURE) };
            let password = secrets::new_password()?;
            store.reset_password(user.id, &secrets::hash_password(&password)?, &super::cli_actor()).await?;
            println!("已重置账号 {login} 的密码，其所有登录已失效。");
            println!("一次性密码（只显示这一次，下次登录后须修改）：{password}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn add(
    store: &Store,
    login: String,
    role: String,
    unit: Option<String>,
    name: Option<String>,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let login = match input::LOGIN.clean(&login) {
        Ok(login) if !login.is_empty() && !login.contains(char::is_whitespace) => login,
        Ok(_) => {
            eprintln!("登录名不能为空，也不能含有空格。");
            return Ok(ExitCode::FAILURE);
        }
        Err(err) => {
            eprintln!("{err}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let role: Role = match role.parse() {
        Ok(role) => role,
        Err(message) => {
            eprintln!("{message}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let unit = match unit {
        Some(name) => match store.directory().await?.find(&name) {
            Some(unit) => Some(unit.name.clone()),
            None => {
                eprintln!("单位目录中没有“{name}”。可用 gongkai units list 查看单位。");
                return Ok(ExitCode::FAILURE);
            }
        },
        None => None,
    };
    let display_name = match input::DISPLAY_NAME.clean(name.as_deref().unwrap_or(&login)) {
        Ok(name) => name,
        Err(err) => {
            eprintln!("{err}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let (password, generated) = if password_stdin {
        // One line, and no more of it than a password can be.
        let mut line = String::new();
        std::io::stdin().lock().take(1024).read_line(&mut line).context("无法读取标准输入")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if let Some(problem) = gongkai_domain::people::password_problem(&password, &login) {
            eprintln!("{problem}。");
            return Ok(ExitCode::FAILURE);
        }
        (password, false)
    } else {
        (secrets::new_password()?, true)
    };
    let new = NewUser {
        display_name,
        login: login.clone(),
        role,
        unit,
        password_hash: secrets::hash_password(&password)?,
        must_change_password: generated,
    };
    match store.create_user(&new, &super::cli_actor()).await {
        Ok(_) => {
            println!("已创建账号 {login}（{}）", role.label());
            if generated {
                println!("初始密码（只显示这一次，首次登录后须修改）：{password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(err @ (StoreError::Invalid(_) | StoreError::NotFound(_))) => {
            eprintln!("{err}");
            Ok(ExitCode::FAILURE)
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn token(store: &Store, command: TokenCommand) -> anyhow::Result<ExitCode> {
    match command {
        TokenCommand::Create { login, name, expires_days } => {
            let Some(user) = account(store, &login).await? else { return Ok(ExitCode::FAILURE) };
            let name = match input::TITLE.clean(&name) {
                Ok(name) => name,
                Err(err) => {
                    eprintln!("{err}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let expires_at = expires_days.map(|days| chrono::Utc::now() + chrono::Duration::days(days.into()));
            let token = secrets::new_secret()?;
            let id = store
                .create_token(user.id, &secrets::secret_hash(&token), &name, expires_at, &super::cli_actor())
                .await?;
            let until = expires_at.map_or("长期有效，直到撤销".to_string(), |t| {
                format!("有效至 {}（北京时间）", gongkai_domain::calendar::china_day_time(t))
            });
            println!("账号 {login} 的接口令牌 #{id}（{until}；只显示这一次，请求时放在 Authorization: Bearer 之后）：");
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        TokenCommand::List { login, json } => {
            let owner = match login {
                Some(login) => match account(store, &login).await? {
                    Some(user) => Some(user.id),
                    None => return Ok(ExitCode::FAILURE),
                },
                None => None,
            };
            let tokens = store.tokens(owner).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tokens)?);
                return Ok(ExitCode::SUCCESS);
            }
            let now = chrono::Utc::now();
            for t in &tokens {
                let state = match (t.state_label(now), t.expires_at) {
                    ("有效", Some(end)) => format!("有效至 {}", gongkai_domain::calendar::china_day_time(end)),
                    ("有效", None) => "长期有效".to_string(),
                    (state, _) => state.to_string(),
                };
                let made = gongkai_domain::calendar::china_day_time(t.created_at);
                println!("#{:<5} {:<16} {made}  {state}  {}", t.id, t.login, t.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        TokenCommand::Revoke { id } => match store.revoke_token(id, None, &super::cli_actor()).await {
            Ok(()) => {
                println!("已撤销接口令牌 #{id}。");
                Ok(ExitCode::SUCCESS)
            }
            Err(err @ StoreError::NotFound(_)) => {
                eprintln!("{err}");
                Ok(ExitCode::FAILURE)
            }
            Err(err) => Err(err.into()),
        },
    }
}
