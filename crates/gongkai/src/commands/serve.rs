//! `gongkai serve`: the web pages and the JSON API. A new database gets the
//! seed programme and an admin account whose password is printed once.

use super::{Data, cli_actor};
use crate::cli::ServeArgs;
use anyhow::Context;
use gongkai_app::secrets;
use gongkai_domain::people::Role;
use gongkai_domain::plan::understand;
use gongkai_store::{NewUser, PlanHeading, Store};
use gongkai_web::AppState;
use std::process::ExitCode;

/// How often a server looks for inspection work (a scheduled run to start,
/// columns queued by any server, a run to judge).
const INSPECTION_TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// This machine's name, to tell servers apart in the job table.
fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "gongkai".into())
}

/// How often the audit log's head is signed into a checkpoint.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

pub async fn run(data: &Data, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let db = data.db.as_str();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("GONGKAI_LOG").unwrap_or_else(|_| "info".into()))
        .try_init();
    let store = data.open().await?;
    first_start(&store).await?;
    if args.demo {
        demo_accounts(&store).await?;
    }
    // The flags over the settings (defaults, gongkai.toml, environment).
    let settings = &data.settings;
    let bind = args.bind.clone().unwrap_or_else(|| settings.server.bind.clone());
    let files = args.files.clone().unwrap_or_else(|| settings.files.dir.clone());
    let every = args.remind_every_seconds.unwrap_or(settings.remind.every_seconds);
    let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("无法监听 {bind}"))?;
    let address = listener.local_addr()?;
    std::fs::create_dir_all(&files).with_context(|| format!("无法创建附件目录 {}", files.display()))?;
    let state = AppState::configured(
        store,
        gongkai_web::state::WebSettings {
            secure_cookies: args.secure_cookies || settings.server.secure_cookies,
            trusted_proxies: args.trusted_proxies.clone().unwrap_or_else(|| settings.server.trusted_proxies.clone()),
            checkpoint_file: Some(data.checkpoint_path()),
            files_dir: files,
            max_upload: args.max_upload_mb.unwrap_or(settings.files.max_upload_mb) as usize * 1024 * 1024,
            today: args.today,
            inspector: gongkai_app::inspection::Inspector {
                politeness: settings.inspect.politeness(),
                fix_working_days: settings.inspect.fix_working_days,
            },
        },
    );
    if every > 0 {
        let channels = super::remind::channels(&args.mail, &settings.smtp)?;
        let (store, fixed) = (state.store.clone(), args.today);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(std::time::Duration::from_secs(every));
            loop {
                ticks.tick().await;
                let as_of = fixed.unwrap_or_else(super::remind::china_today);
                match gongkai_app::remind::pass(&store, as_of, &channels, "提醒任务").await {
                    Ok(sent) if !sent.is_empty() => {
                        tracing::info!(as_of = %as_of, count = sent.len(), "reminders sent")
                    }
                    Ok(_) => {}
                    Err(error) => tracing::error!(%error, "reminder pass failed"),
                }
                tracing::debug!(as_of = %as_of, "reminder pass finished");
            }
        });
    }
    // 网上巡查: one server starts the scheduled run when it is due; every
    // server reads what it can claim of any run's queue and judges a run
    // whose queue is empty (a run the office started from a page too).
    let (store, inspector, fixed, every_days) =
        (state.store.clone(), state.inspector.clone(), args.today, settings.inspect.every_days);
    let worker = format!("{}-{}", hostname(), std::process::id());
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(INSPECTION_TICK);
        loop {
            ticks.tick().await;
            let today = fixed.unwrap_or_else(super::remind::china_today);
            if let Err(error) = gongkai_app::inspection::start_if_due(&store, every_days, today, "巡查任务").await {
                tracing::error!(%error, "starting the scheduled inspection failed");
            }
            if let Err(error) = gongkai_app::inspection::carry_out(&store, &inspector, today, &worker, "巡查任务").await
            {
                tracing::error!(%error, "inspection work failed");
            }
        }
    });
    // The audit log's head, signed now and every few minutes, is published
    // outside the database (see SECURITY.md).
    let (store, published) = (state.store.clone(), data.clone());
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
        loop {
            ticks.tick().await;
            if let Err(error) = super::audit::checkpoint(&store, &published).await {
                tracing::error!(%error, "signing an audit checkpoint failed");
            }
        }
    });
    // The dummy hash an unknown login is checked against is made now, so the
    // first such sign-in takes no longer than any other.
    tokio::task::spawn_blocking(|| secrets::check_sign_in("", None));
    // Count the office dashboard now, not when the first person opens it.
    let warm = state.clone();
    tokio::spawn(async move {
        if let Err(error) = warm.dashboard().await {
            tracing::warn!(?error, "counting the dashboard at start failed");
        }
    });
    println!("gongkai 已启动：http://{address}/login （数据库 {}）", super::redact(db));
    gongkai_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// On an empty database: the seed programme, and an admin account.
async fn first_start(store: &Store) -> anyhow::Result<()> {
    if store.tasks().await?.is_empty() {
        let directory = store.directory().await?;
        let list = gongkai_io::read_task_list("seed.txt", gongkai_io::SEED_TASK_LIST.as_bytes())?;
        let understood = understand(&list, &directory, gongkai_io::SEED_PLAN_YEAR);
        let title = understood.title.clone().unwrap_or_else(|| "示例任务清单".into());
        let heading = PlanHeading::new(&title, "从化区", gongkai_io::seed_start());
        let report = store.save_plan(&understood, &heading, &directory, &cli_actor()).await?;
        println!(
            "已载入示例清单“{title}”：{} 项任务，{} 条任务事项。",
            understood.tasks.len(),
            report.obligations_total
        );
    }
    if store.user_count().await? == 0 {
        let password = secrets::new_password()?;
        let admin = NewUser {
            login: "admin".into(),
            display_name: "系统管理员".into(),
            role: Role::Admin,
            unit: None,
            password_hash: secrets::hash_password(&password)?,
            must_change_password: true,
        };
        store.create_user(&admin, &cli_actor()).await?;
        println!("已创建管理员账号 admin，初始密码（只显示这一次）：{password}");
    }
    Ok(())
}

/// One account per role, and a handler for every unit, each with a printed password.
async fn demo_accounts(store: &Store) -> anyhow::Result<()> {
    let directory = store.directory().await?;
    let office = directory.find("区政务公开办").map(|u| u.name.clone());
    let mut accounts: Vec<(String, String, Role, Option<String>)> = vec![
        ("office".into(), "公开办".into(), Role::Office, office),
        ("viewer".into(), "领导".into(), Role::Viewer, None),
    ];
    for (n, unit) in directory.units().iter().enumerate() {
        accounts.push((
            format!("unit{:02}", n + 1),
            unit.short_name().to_string(),
            Role::Handler,
            Some(unit.name.clone()),
        ));
        accounts.push((
            format!("head{:02}", n + 1),
            format!("{}负责人", unit.short_name()),
            Role::Head,
            Some(unit.name.clone()),
        ));
    }
    println!("试用账号（密码只显示这一次）：");
    for (login, name, role, unit) in accounts {
        if store.user_by_login(&login).await?.is_some() {
            continue;
        }
        let password = secrets::new_password()?;
        let new = NewUser {
            login: login.clone(),
            display_name: name.clone(),
            role,
            unit,
            password_hash: secrets::hash_password(&password)?,
            must_change_password: false,
        };
        store.create_user(&new, &cli_actor()).await?;
        println!("  {login:<8} {password}  {}（{name}）", role.label());
    }
    Ok(())
}
