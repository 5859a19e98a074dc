//! `gongkai backup FILE` (while serving) and `gongkai --db NEW restore FILE`:
//! one zip with every table's rows (portable between SQLite and PostgreSQL)
//! and the evidence files they refer to, signed with the server's key (the
//! format is `gongkai_io::backup`). A restore needs the same key; it checks
//! every part before loading anything, refuses values outside their domain,
//! and verifies the audit chain before it reports success.

use super::Data;
use anyhow::Context;
use gongkai_io::backup::{BackupReader, BackupWriter};
use gongkai_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// The content address of an attachment row.
fn attachment_hash(row: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(row).ok()?;
    value["sha256"].as_str().map(String::from)
}

pub async fn backup(store: &Store, out: &Path, files: &Path) -> anyhow::Result<ExitCode> {
    // Written beside the target and renamed into place: a backup is whole or absent.
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial).with_context(|| format!("无法写入 {}", partial.display()))?;
    let mut writer = BackupWriter::new(std::io::BufWriter::new(file), store.backup_key());
    let mut hashes = Vec::new();
    let rows = store
        .dump(|table, row| -> anyhow::Result<()> {
            let Some(row) = row else { return Ok(writer.begin_table(table)?) };
            if table == "attachments"
                && let Some(hash) = attachment_hash(row)
            {
                hashes.push(hash);
            }
            Ok(writer.row(row)?)
        })
        .await?;
    hashes.sort();
    hashes.dedup();
    let mut missing = Vec::new();
    for hash in &hashes {
        match gongkai_web::files::read(files, hash) {
            Ok(bytes) => writer.file(hash, &bytes)?,
            Err(_) => missing.push(hash.clone()),
        }
    }
    let created_at = chrono::Utc::now().to_rfc3339();
    let buffered = writer.finish(&created_at)?;
    buffered.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, out)?;
    println!("已备份 {} 行、{} 个附件到 {}", rows, hashes.len() - missing.len(), out.display());
    if !missing.is_empty() {
        eprintln!("注意：附件目录 {} 中缺少 {} 个文件（{}…）", files.display(), missing.len(), missing[0]);
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(data: &Data, input: &Path, files: &Path) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(input).with_context(|| format!("无法读取 {}", input.display()))?;
    let store = data.connect().await?;
    let refused = |message: String| {
        eprintln!("{message}");
        eprintln!("未恢复任何内容。");
        Ok(ExitCode::FAILURE)
    };
    let mut reader = match BackupReader::open(std::io::BufReader::new(file), store.backup_key()) {
        Ok(reader) => reader,
        Err(err) => return refused(format!("{}：{err}", input.display())),
    };
    // First every part and file against the signed manifest, then the load.
    if let Err(err) = reader.verify() {
        return refused(format!("{}：{err}", input.display()));
    }
    let mut restore = match store.begin_restore().await {
        Ok(restore) => restore,
        Err(err) => return refused(err.to_string()),
    };
    let mut count = 0;
    for table in reader.manifest.tables.clone() {
        let mut rows = match reader.table_rows(&table) {
            Ok(rows) => rows,
            Err(err) => return refused(format!("{}：{err}", input.display())),
        };
        loop {
            let row = match rows.next_line() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(err) => return refused(format!("{}：{err}", input.display())),
            };
            if let Err(err) = restore.insert(&table.name, row).await {
                return refused(err.to_string());
            }
            count += 1;
        }
    }
    // The backup's own checkpoints are in its rows; what is published beside
    // this database is of the one that was here before, if any.
    if let Err(err) = restore.verify(&store, &[]).await {
        return refused(err.to_string());
    }
    // The files, once the rows have passed every check.
    let file_list = match reader.file_list() {
        Ok(list) => list,
        Err(err) => return refused(format!("{}：{err}", input.display())),
    };
    for entry in &file_list {
        let mut bytes = Vec::with_capacity(entry.bytes.min(64 << 20) as usize);
        if let Err(err) = reader.copy_file(entry, &mut bytes) {
            return refused(format!("{}：{err}", input.display()));
        }
        gongkai_web::files::store(files, &bytes).context("无法写入附件目录")?;
    }
    match restore.commit().await {
        Ok(_) => {
            let old = data.checkpoint_path();
            if old.exists() {
                let aside =
                    old.with_extension(format!("jsonl.before-restore-{}", chrono::Utc::now().format("%Y%m%d%H%M%S")));
                std::fs::rename(&old, &aside).with_context(|| format!("无法移开旧检查点文件 {}", old.display()))?;
                println!("原有的检查点文件属于恢复前的数据库，已改名为 {}", aside.display());
            }
            println!(
                "已恢复 {count} 行、{} 个附件（备份于 {}），审计日志校验完好",
                file_list.len(),
                reader.manifest.created_at
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => refused(err.to_string()),
    }
}
