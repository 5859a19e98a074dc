//! `gongkai remind run`: one scheduler pass as of a day; `gongkai contact
//! set`: where a unit is told.

use super::cli_actor;
use crate::cli::{ContactCommand, MailArgs, NoticeCommand, RemindCommand};
use crate::config::Smtp;
use gongkai_app::channels::{Channels, Mail};
use gongkai_store::{Contact, Store};
use std::process::ExitCode;

pub use gongkai_domain::calendar::china_today;

/// The channels: mail by the flags, else by the settings (smtp.url, smtp.from).
pub fn channels(mail: &MailArgs, settings: &Smtp) -> anyhow::Result<Channels> {
    let server = mail.smtp.clone().or_else(|| settings.url.clone());
    let from = mail.mail_from.clone().unwrap_or_else(|| settings.from.clone());
    let mail = server.map(|server| Mail { server, from });
    Ok(Channels::new(mail.as_ref())?)
}

pub async fn run(store: &Store, command: RemindCommand, settings: &Smtp) -> anyhow::Result<ExitCode> {
    let RemindCommand::Run { now, json, mail } = command;
    let as_of = now.unwrap_or_else(china_today);
    let sent = gongkai_app::remind::pass(store, as_of, &channels(&mail, settings)?, &cli_actor()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&sent)?);
    } else if sent.is_empty() {
        println!("{as_of}：没有需要发送的提醒。");
    } else {
        for s in &sent {
            let outcome = s.error.as_deref().map_or("已发送".to_string(), |e| format!("失败：{e}"));
            let what = match s.obligation {
                Some(id) => format!("任务事项 {id}"),
                None => format!("{} {}", s.subject.kind, s.subject.id),
            };
            println!("{as_of} {} {what} {} {}：{outcome}", s.kind, s.unit, s.channel);
        }
    }
    Ok(if sent.iter().any(|s| s.error.is_some()) { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// `gongkai notice`: the rule's 督办 drafts, issued or set aside by the office.
pub async fn notice(store: &Store, command: NoticeCommand) -> anyhow::Result<ExitCode> {
    match command {
        NoticeCommand::Drafts { json } => {
            let drafts = store.notice_drafts(None).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&drafts)?);
            } else if drafts.is_empty() {
                println!("没有待发的督办草稿。");
            } else {
                for d in &drafts {
                    println!(
                        "草稿 {}：{} 任务{}“{}”原定 {} 完成，建议 {} 前办结",
                        d.id, d.unit, d.task_seq, d.milestone, d.due, d.new_due
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        NoticeCommand::Issue { drafts, new_due, note, now, json } => {
            let note = gongkai_domain::input::REASON.clean(&note)?;
            let mut app = gongkai_app::App::new(store.clone());
            app.today = now;
            let mut failed = false;
            let mut issued = Vec::new();
            for draft in drafts {
                match gongkai_app::supervision::issue_draft_as(&app, &cli_actor(), draft, new_due, &note).await {
                    Ok(notice) => {
                        if !json {
                            println!("已发出 {}：{}，请于 {} 前办结", notice.number, notice.unit, notice.new_due);
                        }
                        issued.push(notice);
                    }
                    Err(error) => {
                        eprintln!("草稿 {draft} 未发出：{error}");
                        failed = true;
                    }
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&issued)?);
            }
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        NoticeCommand::Dismiss { draft, reason } => {
            let reason = gongkai_domain::input::REASON.clean(&reason)?;
            let reason = reason.trim();
            if reason.is_empty() {
                eprintln!("请用 --reason 写明不予督办的理由。");
                return Ok(ExitCode::FAILURE);
            }
            store.dismiss_draft(draft, reason, &cli_actor()).await?;
            println!("草稿 {draft} 已不予督办。");
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn contact(store: &Store, command: ContactCommand) -> anyhow::Result<ExitCode> {
    let ContactCommand::Set { unit, email, wecom, dingtalk, dingtalk_secret, feishu, feishu_secret } = command;
    let directory = store.directory().await?;
    let Some(found) = directory.find(&unit) else {
        eprintln!("单位“{unit}”不在单位目录中。");
        return Ok(ExitCode::FAILURE);
    };
    for (what, url) in [("企业微信", &wecom), ("钉钉", &dingtalk), ("飞书", &feishu)] {
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            eprintln!("{what}机器人地址应以 https:// 开头");
            return Ok(ExitCode::FAILURE);
        }
    }
    if !email.is_empty() && email.parse::<lettre::Address>().is_err() {
        eprintln!("邮箱地址“{email}”无效");
        return Ok(ExitCode::FAILURE);
    }
    let contact =
        Contact { email, wecom_url: wecom, dingtalk_url: dingtalk, dingtalk_secret, feishu_url: feishu, feishu_secret };
    store.set_contact(&found.name, &contact, &cli_actor()).await?;
    println!("已设置 {} 的通知渠道：{}", found.name, contact.channels().join("、"));
    Ok(ExitCode::SUCCESS)
}
