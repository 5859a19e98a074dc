//! `gongkai inspect`: read a column as a person would (`page`), inspect the
//! published catalogues' columns (`run`), list the runs (`list`).

use super::Data;
use crate::cli::InspectCommand;
use gongkai_app::inspection;
use gongkai_domain::calendar::china_today;
use std::io::Write;
use std::process::ExitCode;

pub async fn run(data: &Data, command: InspectCommand) -> anyhow::Result<ExitCode> {
    let politeness = data.settings.inspect.politeness();
    match command {
        InspectCommand::Page { url, pages, json } => {
            let read = match inspection::read_page(&url, pages, politeness, china_today()).await {
                Ok(read) => read,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(1));
                }
            };
            for page in &read.pages {
                let status = page.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into());
                let error = page.error.as_deref().unwrap_or("");
                eprintln!("{}  状态码 {status}  {} 毫秒  {} 条  {error}", page.url, page.millis, page.items);
            }
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer(&mut out, &read.items)?;
                writeln!(out)?;
            } else {
                for item in &read.items {
                    writeln!(out, "{}  {}  {}", item.date, item.title, item.url)?;
                }
                writeln!(out, "共 {} 页，{} 条信息", read.pages.len(), read.items.len())?;
            }
            match read.failure() {
                Some(failure) => {
                    eprintln!("{failure}");
                    Ok(ExitCode::from(1))
                }
                None => Ok(ExitCode::SUCCESS),
            }
        }
        InspectCommand::Run { unit, all: _, now, json } => {
            let store = data.open().await?;
            let as_of = match now.as_deref().map(|d| gongkai_app::optional_date(d, "--now")) {
                None => china_today(),
                Some(Ok(Some(day))) => day,
                Some(Ok(None)) => china_today(),
                Some(Err(e)) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let fetcher = inspection::Fetcher::new(politeness)?;
            let fix = data.settings.inspect.fix_working_days;
            let (judged, findings) =
                match inspection::inspect(&store, &fetcher, as_of, unit.as_deref(), fix, "命令行").await {
                    Ok(done) => done,
                    Err(gongkai_app::Error::Invalid(message)) => {
                        eprintln!("{message}");
                        return Ok(ExitCode::from(1));
                    }
                    Err(e) => return Err(e.into()),
                };
            let lines: Vec<inspection::FindingLine> = findings.iter().map(Into::into).collect();
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer(&mut out, &lines)?;
                writeln!(out)?;
            } else {
                for f in &lines {
                    writeln!(out, "{}  {}  {}  {}  {}", f.unit, f.item, f.kind_label, f.url, f.evidence)?;
                }
            }
            let run = store.inspection_run(judged.run).await?;
            eprintln!(
                "巡查 {}（{}）：栏目 {} 个，读取 {} 页，打不开 {} 个；新发现 {} 个问题，仍未整改 {} 个，已整改 {} 个",
                run.id.0, run.as_of, run.columns, run.pages, run.failed, judged.new, judged.again, judged.fixed
            );
            Ok(ExitCode::SUCCESS)
        }
        InspectCommand::List => {
            let store = data.open().await?;
            for run in store.runs(100).await? {
                println!(
                    "{}  {}  {}  栏目 {} 个  新发现 {}  已整改 {}  {}",
                    run.id.0,
                    run.as_of,
                    run.unit.as_deref().unwrap_or("全部单位"),
                    run.columns,
                    run.found,
                    run.fixed,
                    if run.status == "done" { "已完成" } else { "进行中" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
