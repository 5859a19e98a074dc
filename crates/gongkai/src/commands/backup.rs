//! `gongkai backup FILE` (while serving) and `gongkai --db NEW restore FILE`:
//! one zip with every table's rows (`gongkai-backup.json`, portable between
//! SQLite and PostgreSQL) and the evidence files it refers to (`files/…`).

use anyhow::Context;
use gongkai_store::{Store, TableRows};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

const MANIFEST: &str = "gongkai-backup.json";

#[derive(Serialize, Deserialize)]
struct Backup {
    format: String,
    version: u32,
    created_at: String,
    tables: Vec<TableRows>,
}

/// The content addresses of the evidence files the rows refer to.
fn attachment_hashes(tables: &[TableRows]) -> Vec<String> {
    let mut hashes: Vec<String> = tables
        .iter()
        .filter(|t| t.table == "attachments")
        .flat_map(|t| t.rows.iter().filter_map(|r| r["sha256"].as_str().map(String::from)))
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

pub async fn backup(store: &Store, out: &Path, files: &Path) -> anyhow::Result<ExitCode> {
    let tables = store.dump().await?;
    let hashes = attachment_hashes(&tables);
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    let manifest =
        Backup { format: "gongkai-backup".into(), version: 1, created_at: chrono::Utc::now().to_rfc3339(), tables };
    // Written beside the target and renamed into place: a backup is whole or absent.
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial).with_context(|| format!("无法写入 {}", partial.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    zip.start_file(MANIFEST, options)?;
    serde_json::to_writer(&mut zip, &manifest)?;
    let mut missing = Vec::new();
    for hash in &hashes {
        match gongkai_web::files::read(files, hash) {
            Ok(bytes) => {
                zip.start_file(format!("files/{hash}"), options)?;
                zip.write_all(&bytes)?;
            }
            Err(_) => missing.push(hash.clone()),
        }
    }
    zip.finish()?.sync_all()?;
    std::fs::rename(&partial, out)?;
    println!("已备份 {} 行、{} 个附件到 {}", rows, hashes.len() - missing.len(), out.display());
    if !missing.is_empty() {
        eprintln!("注意：附件目录 {} 中缺少 {} 个文件（{}…）", files.display(), missing.len(), missing[0]);
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(db: &str, input: &Path, files: &Path) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(input).with_context(|| format!("无法读取 {}", input.display()))?;
    let mut zip = match zip::ZipArchive::new(file) {
        Ok(zip) => zip,
        Err(err) => {
            eprintln!("{} 不是 gongkai 的备份文件：{err}", input.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let manifest: Backup = {
        let mut text = String::new();
        match zip.by_name(MANIFEST) {
            Ok(mut entry) => entry.read_to_string(&mut text)?,
            Err(_) => {
                eprintln!("{} 不是 gongkai 的备份文件（缺少 {MANIFEST}）", input.display());
                return Ok(ExitCode::FAILURE);
            }
        };
        serde_json::from_str(&text).context("备份文件已损坏")?
    };
    if manifest.format != "gongkai-backup" || manifest.version != 1 {
        eprintln!("不认识的备份格式：{} 版本 {}", manifest.format, manifest.version);
        return Ok(ExitCode::FAILURE);
    }
    // Files first: a restored row never points at a file that is not there.
    let mut restored_files = 0;
    for hash in attachment_hashes(&manifest.tables) {
        let Ok(mut entry) = zip.by_name(&format!("files/{hash}")) else { continue };
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        let stored = gongkai_web::files::store(files, &bytes).context("无法写入附件目录")?;
        anyhow::ensure!(stored == hash, "备份中的附件 {hash} 已损坏");
        restored_files += 1;
    }
    super::prepare_sqlite_dir(db)?;
    let store = Store::connect(db).await.with_context(|| format!("无法打开数据库 {}", super::redact(db)))?;
    match store.load(&manifest.tables).await {
        Ok(rows) => {
            println!("已恢复 {rows} 行、{restored_files} 个附件（备份于 {}）", manifest.created_at);
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("{err}");
            Ok(ExitCode::FAILURE)
        }
    }
}
