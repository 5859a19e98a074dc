//! `gongkai calendar`: the working-day calendar, built in for 2020–2026 and
//! extended by an admin's holiday files.

use super::open;
use crate::cli::CalendarCommand;
use anyhow::Context;
use gongkai_domain::calendar;
use std::process::ExitCode;

pub async fn run(db: &str, command: CalendarCommand) -> anyhow::Result<ExitCode> {
    let store = open(db).await?;
    match command {
        CalendarCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取文件 {}", file.display()))?;
            let rows = match calendar::parse_rows(&text) {
                Ok(rows) => rows,
                Err(err) => {
                    eprintln!("{}：{err}\n未导入任何内容。", file.display());
                    return Ok(ExitCode::FAILURE);
                }
            };
            let days = store.add_calendar_rows(&rows, &super::cli_actor()).await?;
            println!("已导入 {} 段、{days} 天的节假日安排", rows.len());
        }
        CalendarCommand::AddWorkingDays { date, days } => {
            let calendar = store.calendar().await?;
            match calendar.add_working_days(date, days) {
                Ok(result) => println!("{result}"),
                Err(err) => {
                    eprintln!("{err}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
