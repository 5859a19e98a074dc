//! `gongkai deadline` and `gongkai timelimit`: the two parsers' command-line
//! contracts (docs/DEADLINE-SEMANTICS.md, docs/TIMELIMIT-SEMANTICS.md).

use super::jsonl;
use crate::cli::{DeadlineArgs, TimelimitArgs};
use gongkai_domain::DeadlineText;
use gongkai_domain::timelimit::TimeLimit;
use std::io::Write;
use std::process::ExitCode;

#[derive(serde::Deserialize)]
struct DeadlineLine {
    text: String,
    plan_year: i32,
}

#[derive(serde::Deserialize)]
struct TimelimitLine {
    text: String,
}

pub fn run(args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    if !args.jsonl {
        let (Some(year), Some(text)) = (args.year, args.text) else {
            anyhow::bail!("需要 --year 和要解析的文字");
        };
        return print_one(&DeadlineText::parse(&text, year));
    }
    jsonl::each_line("{\"text\": …, \"plan_year\": …}", |input: DeadlineLine| {
        if gongkai_domain::calendar::YEARS.contains(&input.plan_year) {
            Ok(DeadlineText::parse(&input.text, input.plan_year))
        } else {
            Err(format!("plan_year {} 应在 2000 到 2100 之间", input.plan_year))
        }
    })
}

pub fn timelimit(args: TimelimitArgs) -> anyhow::Result<ExitCode> {
    if !args.jsonl {
        let Some(text) = args.text else {
            anyhow::bail!("需要要解析的公开时限文字，或 --jsonl");
        };
        return print_one(&TimeLimit::parse(&text));
    }
    jsonl::each_line("{\"text\": …}", |input: TimelimitLine| Ok(TimeLimit::parse(&input.text)))
}

fn print_one(answer: &impl serde::Serialize) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, answer)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}
