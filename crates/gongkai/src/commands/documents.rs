//! `gongkai export ledger` and `gongkai report …`: the 台账 workbook and the
//! documents offices file, written to the file named.

use super::remind::china_today;
use crate::cli::{ExportCommand, ReportCommand};
use anyhow::Context;
use chrono::NaiveDate;
use gongkai_app::documents;
use gongkai_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// The report's day: the one asked for, else the year's end or today, whichever is earlier.
fn report_day(year: i32, now: Option<NaiveDate>) -> anyhow::Result<NaiveDate> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).context("年份无效")?;
    Ok(now.unwrap_or_else(|| end.min(china_today())))
}

fn write(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(out, bytes).with_context(|| format!("无法写入 {}", out.display()))
}

/// .pdf or .docx by the file's extension; anything else is refused.
fn wants_pdf(out: &Path) -> Option<bool> {
    match out.extension().and_then(|e| e.to_str()).map(str::to_lowercase).as_deref() {
        Some("pdf") => Some(true),
        Some("docx") => Some(false),
        _ => None,
    }
}

pub async fn export(store: &Store, command: ExportCommand) -> anyhow::Result<ExitCode> {
    let ExportCommand::Ledger { out, unit, now } = command;
    let unit = match unit {
        Some(unit) => match super::unit_named(store, &unit).await? {
            Some(found) => Some(found),
            None => return Ok(ExitCode::FAILURE),
        },
        None => None,
    };
    let filter = gongkai_store::ObligationFilter { unit: unit.clone(), ..Default::default() };
    let lines = documents::ledger_lines(store, &filter, now.unwrap_or_else(china_today)).await?;
    let bytes = gongkai_io::out::ledger_xlsx(&lines).context("无法生成台账")?;
    write(&out, &bytes)?;
    println!("已导出台账 {}：{} 条任务事项。", out.display(), lines.len());
    Ok(ExitCode::SUCCESS)
}

pub async fn report(store: &Store, command: ReportCommand) -> anyhow::Result<ExitCode> {
    let (document, out) = match command {
        ReportCommand::SelfInspection { unit, year, out, now } => {
            let day = report_day(year, now)?;
            (gongkai_app::self_inspection::document(store, &unit, year, day).await, out)
        }
        ReportCommand::Bulletin { year, out, now } => {
            let app = gongkai_app::App::new(store.clone());
            (documents::bulletin(&app, year, report_day(year, now)?).await, out)
        }
    };
    let Some(pdf) = wants_pdf(&out) else {
        eprintln!("输出文件应以 .docx 或 .pdf 结尾：{}", out.display());
        return Ok(ExitCode::FAILURE);
    };
    let document = match document {
        Ok(document) => document,
        Err(err) => {
            eprintln!("{err}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let bytes = match documents::render(&document, pdf) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("{err}");
            return Ok(ExitCode::FAILURE);
        }
    };
    write(&out, &bytes)?;
    println!("已生成“{}”：{}", document.title, out.display());
    Ok(ExitCode::SUCCESS)
}
