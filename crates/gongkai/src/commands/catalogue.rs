//! `gongkai catalogue`: a unit's 标准目录 imported from the county's file,
//! listed, and exported as a workbook or the 文件汇编 (.docx / .pdf).

use crate::cli::CatalogueCommand;
use anyhow::Context;
use gongkai_app::{App, catalogues};
use gongkai_store::{CatalogueFilter, Store};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(store: &Store, command: CatalogueCommand) -> anyhow::Result<ExitCode> {
    let app = App::new(store.clone());
    let user = super::operator();
    match command {
        CatalogueCommand::Import { file, unit, area, dry_run, json } => {
            let bytes = match super::read_capped(&file, gongkai_io::limits::MAX_LIST_BYTES) {
                Ok(bytes) => bytes,
                Err(err) => {
                    eprintln!("{err}\n未导入任何内容。");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let preview = match catalogues::import(&app, &user, &unit, &area, &name, &bytes, dry_run).await {
                Ok(preview) => preview,
                Err(err) => {
                    eprintln!("{err}\n未导入任何内容。");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &preview)?;
                writeln!(out)?;
                return Ok(ExitCode::SUCCESS);
            }
            for (header, role) in &preview.columns {
                writeln!(out, "列“{header}”→ {role}")?;
            }
            for (n, p) in preview.items.iter().enumerate() {
                let names: Vec<&str> = [&p.item.level1, &p.item.level2, &p.item.level3]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                writeln!(out, "{}. {}（{}）", n + 1, names.join(" / "), p.item.at)?;
                writeln!(
                    out,
                    "   公开时限：{} → {}",
                    p.item.timelimit.split_whitespace().collect::<String>(),
                    p.plain
                )?;
                writeln!(
                    out,
                    "   渠道：{}；对象：{}；方式：{}；层级：{}",
                    p.item.channels.join("、"),
                    p.item.audience.as_deref().unwrap_or("未写明"),
                    p.item.mode.as_deref().unwrap_or("未写明"),
                    if p.item.level.is_empty() { "未写明".into() } else { p.item.level.join("、") }
                )?;
            }
            match preview.saved {
                Some(_) => writeln!(
                    out,
                    "已保存为{}《{}》标准目录草稿：{} 项。",
                    preview.unit,
                    preview.area,
                    preview.items.len()
                )?,
                None => writeln!(out, "试读：{} 项，未保存。", preview.items.len())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogueCommand::List { unit, json } => {
            let rows = store.catalogues(&CatalogueFilter { unit, ..Default::default() }).await?;
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &rows)?;
                writeln!(out)?;
            } else {
                for row in &rows {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t第{}版\t{} 项",
                        row.unit,
                        row.area,
                        row.status().label(),
                        row.version,
                        row.items
                    )?;
                }
                if rows.is_empty() {
                    writeln!(out, "还没有标准目录。")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogueCommand::Export { unit, out } => {
            let unit = match unit {
                Some(unit) => match super::unit_named(store, &unit).await? {
                    Some(found) => Some(found),
                    None => return Ok(ExitCode::FAILURE),
                },
                None => None,
            };
            let mut rows = catalogues::for_export(&app, &user, unit.as_deref()).await?;
            if unit.is_none() {
                // The 文件汇编 holds what was published.
                rows.retain(|r| r.status() == gongkai_domain::catalogue::CatalogueStatus::Published);
            }
            if rows.is_empty() {
                eprintln!("没有可导出的标准目录{}。", if unit.is_none() { "（文件汇编只收已发布的目录）" } else { "" });
                return Ok(ExitCode::FAILURE);
            }
            let bytes = match extension(&out).as_deref() {
                Some("xlsx") => catalogues::export_xlsx(&app, &rows).await?,
                Some(kind @ ("docx" | "pdf")) => {
                    let document = catalogues::compilation(&app, &rows, "从化区").await?;
                    gongkai_app::documents::render_bounded(document, kind == "pdf").await?
                }
                _ => {
                    eprintln!("输出文件应以 .xlsx、.docx 或 .pdf 结尾：{}", out.display());
                    return Ok(ExitCode::FAILURE);
                }
            };
            std::fs::write(&out, &bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            println!("已导出 {} 份标准目录到 {}。", rows.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_lowercase)
}
