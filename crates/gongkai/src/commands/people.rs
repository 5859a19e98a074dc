//! `gongkai user add` and `gongkai token create`.

use crate::cli::{TokenCommand, UserCommand};
use anyhow::Context;
use gongkai_domain::people::Role;
use gongkai_store::{NewUser, Store, StoreError};
use gongkai_web::secrets;
use std::io::BufRead;
use std::process::ExitCode;

pub async fn user(store: &Store, command: UserCommand) -> anyhow::Result<ExitCode> {
    let UserCommand::Add { login, role, unit, name, password_stdin } = command;
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
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("无法读取标准输入")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.chars().count() < 8 {
            eprintln!("密码至少 8 个字符。");
            return Ok(ExitCode::FAILURE);
        }
        (password, false)
    } else {
        (secrets::new_password()?, true)
    };
    let new = NewUser {
        display_name: name.unwrap_or_else(|| login.clone()),
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
    let TokenCommand::Create { login } = command;
    let Some(user) = store.user_by_login(&login).await? else {
        eprintln!("没有账号“{login}”。");
        return Ok(ExitCode::FAILURE);
    };
    let token = secrets::new_secret()?;
    store.create_token(user.id, &secrets::secret_hash(&token), &super::cli_actor()).await?;
    println!("账号 {login} 的接口令牌（只显示这一次，请求时放在 Authorization: Bearer 之后）：");
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}
