//! `gongkai audit verify` and `gongkai audit list`.

use crate::cli::AuditCommand;
use gongkai_store::Store;
use std::process::ExitCode;

pub async fn run(store: &Store, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify => match store.verify_audit().await? {
            Ok(count) => {
                println!("审计日志完好：共 {count} 条，哈希链无断裂。");
                Ok(ExitCode::SUCCESS)
            }
            Err(broken) => {
                eprintln!("审计日志校验失败：{broken}");
                Ok(ExitCode::FAILURE)
            }
        },
        AuditCommand::List { limit, actor, json } => {
            let entries = store.audit_entries(actor.as_deref(), None, limit.max(0)).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                for e in &entries {
                    println!("{:>6}  {}  {}  {}  {}", e.seq, e.at, e.actor, e.action, e.target);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
