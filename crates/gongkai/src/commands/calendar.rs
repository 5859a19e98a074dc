//! `gongkai calendar`: the working-day calendar, built in for 2020–2026 and
//! extended by an admin's holiday files.

use super::Data;
use crate::cli::CalendarCommand;
use anyhow::Context;
use gongkai_domain::calendar;
use std::process::ExitCode;

pub async fn run(data: &Data, command: CalendarCommand) -> anyhow::Result<ExitCode> {
    let store = data.open().await?;
    match command {
        CalendarCommand::Import { file } => {
            let bytes = super::read_capped(&file, 1024 * 1024)?;
            let text = String::from_utf8(bytes).with_context(|| format!("{} 不是 UTF-8 文本", file.display()))?;
            let rows = match calendar::parse_rows(&text) {
                Ok(rows) => rows,
                Err(err) => {
                    eprintln!("{}：{err}\n未导入任何内容。", file.display());
                    return Ok(ExitCode::FAILURE);
                }
            };
            let days = store.add_calendar_rows(&rows, &super::cli_actor()).await?;
            println!("已导入 {} 段、{days} 天的节假日安排", rows.len());
            let settled = gongkai_app::foi::settle_due_dates(&store, &super::cli_actor()).await?;
            if settled > 0 {
                println!("{settled} 件政府信息公开申请的答复期限已据此算出");
            }
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
