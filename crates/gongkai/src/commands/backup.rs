//! `gongkai backup FILE` (while serving) and `gongkai --db NEW restore FILE`
//! (`gongkai_app::backup`): what was written or loaded, or why nothing was.

use super::Data;
use anyhow::Context;
use gongkai_store::Store;
use std::path::Path;
use std::process::ExitCode;

pub async fn backup(store: &Store, out: &Path, files: &Path) -> anyhow::Result<ExitCode> {
    let done = gongkai_app::backup::backup(store, out, files).await?;
    println!("已备份 {} 行、{} 个附件到 {}", done.rows, done.files, out.display());
    if let Some(first) = done.missing.first() {
        eprintln!("注意：附件目录 {} 中缺少 {} 个文件（{first}…）", files.display(), done.missing.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(data: &Data, input: &Path, files: &Path) -> anyhow::Result<ExitCode> {
    let store = data.connect().await?;
    match gongkai_app::backup::restore(&store, input, files).await {
        Ok(done) => {
            let old = data.checkpoint_path();
            if old.exists() {
                let aside =
                    old.with_extension(format!("jsonl.before-restore-{}", chrono::Utc::now().format("%Y%m%d%H%M%S")));
                std::fs::rename(&old, &aside).with_context(|| format!("无法移开旧检查点文件 {}", old.display()))?;
                println!("原有的检查点文件属于恢复前的数据库，已改名为 {}", aside.display());
            }
            println!("已恢复 {} 行、{} 个附件（备份于 {}），审计日志校验完好", done.rows, done.files, done.created_at);
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("{err}");
            eprintln!("未恢复任何内容。");
            Ok(ExitCode::FAILURE)
        }
    }
}
