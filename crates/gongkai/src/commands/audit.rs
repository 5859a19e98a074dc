//! `gongkai audit verify`, `gongkai audit checkpoint` and `gongkai audit list`.

use super::Data;
use crate::cli::AuditCommand;
use anyhow::Context;
use gongkai_store::{Store, checkpoint_file};
use std::process::ExitCode;

/// Signs the log's head and publishes the checkpoint in the file beside the
/// key; nothing when the head has not moved since the last one.
pub async fn checkpoint(store: &Store, data: &Data) -> anyhow::Result<Option<gongkai_domain::audit::Checkpoint>> {
    let Some(made) = store.checkpoint_audit().await? else { return Ok(None) };
    let path = data.checkpoint_path();
    checkpoint_file::append(&path, &made).with_context(|| format!("无法写入检查点文件 {}", path.display()))?;
    Ok(Some(made))
}

pub async fn run(data: &Data, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let store = data.open().await?;
    match command {
        AuditCommand::Verify => {
            let path = data.checkpoint_path();
            let published =
                checkpoint_file::read(&path).with_context(|| format!("无法读取检查点文件 {}", path.display()))?;
            match store.verify_audit(&published).await? {
                Ok(count) => {
                    println!("审计日志完好：共 {count} 条，签名链无断裂，与 {} 个检查点相符。", published.len());
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    eprintln!("审计日志校验失败：{broken}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        AuditCommand::Checkpoint => {
            match checkpoint(&store, data).await? {
                Some(made) => println!(
                    "已签发检查点：第 {} 条，{}（北京时间），写入 {}",
                    made.seq,
                    chrono::DateTime::parse_from_rfc3339(&made.at)
                        .map(|t| gongkai_domain::calendar::china_day_time(t.to_utc()))
                        .unwrap_or(made.at.clone()),
                    data.checkpoint_path().display()
                ),
                None => println!("审计日志自上一个检查点以来没有新记录。"),
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::List { limit, actor, json } => {
            let entries = store.audit_entries(actor.as_deref(), None, limit.clamp(0, 10_000)).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                // Times in 北京时间, actions in words (the JSON keeps the stored codes).
                for e in &entries {
                    let at = gongkai_domain::calendar::beijing_time(&e.at);
                    let action = gongkai_domain::audit::action_words(&e.action, e.after.as_deref());
                    println!("{:>6}  {at}  {}  {action}  {}", e.seq, e.actor, e.target);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
