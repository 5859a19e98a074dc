//! `gongkai tasks` and `gongkai obligations`: the ledger as JSON for scripts
//! or as lines for people.

use crate::cli::{ObligationsArgs, TasksArgs};
use gongkai_store::{ObligationFilter, ObligationId, Store};
use serde::Serialize;
use std::process::ExitCode;

pub async fn tasks(store: &Store, args: TasksArgs) -> anyhow::Result<ExitCode> {
    let tasks = store.tasks().await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&tasks)?);
        return Ok(ExitCode::SUCCESS);
    }
    for task in &tasks {
        let flag = if task.needs_confirmation { "（成员待确认）" } else { "" };
        println!(
            "[{}] {}｜{}{}｜{}｜{}",
            task.seq,
            task.task,
            task.responsible,
            flag,
            task.deadline,
            task.items.join("、")
        );
    }
    println!("共 {} 项任务", tasks.len());
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ObligationJson<'a> {
    id: ObligationId,
    task_seq: i32,
    unit: &'a str,
    milestone: &'a str,
    kind: &'a str,
    due: Option<chrono::NaiveDate>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    status: &'a str,
}

pub async fn obligations(store: &Store, args: ObligationsArgs) -> anyhow::Result<ExitCode> {
    let unit = match &args.unit {
        Some(name) => match store.directory().await?.find(name) {
            Some(unit) => Some(unit.name.clone()),
            None => {
                eprintln!("单位目录中没有“{name}”。可用 gongkai units list 查看单位。");
                return Ok(ExitCode::FAILURE);
            }
        },
        None => None,
    };
    if args.limit.is_some_and(|l| l < 0) {
        eprintln!("--limit 不能为负数");
        return Ok(ExitCode::FAILURE);
    }
    let rows = store
        .obligations(&ObligationFilter { unit, due_before: args.due_before, limit: args.limit, ..Default::default() })
        .await?;
    if args.json {
        let out: Vec<ObligationJson> = rows
            .iter()
            .map(|o| ObligationJson {
                id: o.id,
                task_seq: o.task_seq,
                unit: &o.unit,
                milestone: &o.milestone,
                kind: &o.kind,
                due: o.due,
                from: o.from,
                to: o.to,
                status: o.status.as_str(),
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    for o in &rows {
        let when = match (o.kind.as_str(), o.due, o.from) {
            ("start", _, Some(from)) => format!("{from} 起"),
            ("window", Some(due), Some(from)) => format!("{from} 至 {due}"),
            (_, Some(due), _) => format!("{due} 前"),
            _ => "长期".to_string(),
        };
        println!("{:>6}  {:<24}  任务{:<3} {}  {}  [{}]", o.id, when, o.task_seq, o.unit, o.milestone, o.status);
    }
    println!("共 {} 条", rows.len());
    Ok(ExitCode::SUCCESS)
}
